//! Integration tests against the real ffmpeg: no mocks. Clips are made at test time in temporary
//! folders, so nothing binary is checked in and every test starts from a clean folder.

mod common;
mod parallel;
mod pipeline;
mod probe;
mod read;
mod write;
