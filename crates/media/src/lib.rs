//! Video in and out for the studio, through the system's `ffmpeg` and `ffprobe`.
//!
//! # Why ffmpeg processes and raw frames over pipes
//!
//! Linking libav* would tie the build to one ffmpeg ABI (it changes every major release), bring a
//! large C build to every platform, and put a crash in a demuxer fed a hostile file inside the
//! app. A child process has none of those problems: the system's ffmpeg is used whatever its
//! version (4.4 and newer; tested with 5.1), and a damaged file kills only the child. Frames cross the pipe as packed `rgb24` (`width * height * 3`
//! bytes, no headers): the format the studio's effects work in, with nothing to parse, and the
//! frame boundaries follow from the size [`probe`] reports. The cost, one copy of each frame
//! through a pipe, is small next to decoding and encoding it.
//!
//! # Pieces
//!
//! - [`Ffmpeg::locate`] finds the programs (`POSTCRAFT_FFMPEG` / `POSTCRAFT_FFPROBE`, else `PATH`).
//! - [`probe`] describes a file: size, exact frame count, frame rate, audio, codecs.
//! - [`FrameReader`] decodes the first video stream into [`Frame`]s, every frame passed through.
//! - [`FrameWriter`] encodes frames into an H.264/yuv420p MP4, with the audio of a source file.
//! - [`run_pipelined`] connects a reader, a per-frame `process` callback and a writer with decode,
//!   process and encode overlapping on three threads; [`run_sequential`] is the naive baseline.
//!
//! # Why a temporary file, then a rename
//!
//! An export can fail or be cancelled at any frame. The writer encodes into a hidden temporary
//! file next to the output and renames it only once ffmpeg has exited successfully; otherwise it
//! kills ffmpeg and deletes that file. So the output path only ever holds a complete video (or
//! whatever was there before), and a half-written MP4, which would look fine in a file list but
//! not play, never appears. The rename stays within one folder, hence one file system: atomic.
//!
//! # Pipeline shape
//!
//! ```text
//! decode thread ──(bounded channel)──▶ process on the calling thread ──(bounded channel)──▶ encode thread
//! ```
//!
//! Decoding and encoding happen in the ffmpeg children; the two threads only move bytes, so the
//! three stages really overlap, and the run takes about as long as its slowest stage instead of
//! the sum of all three. See [`run_pipelined`] for cancellation and error handling.
//!
//! # Errors
//!
//! Everything returns [`MediaError`], whose messages are meant for the user: they name the file
//! and quote ffmpeg's own reason (its last stderr lines).

mod error;
mod frame;
mod locate;
mod parallel;
mod pipeline;
mod probe;
mod process;
mod reader;
mod writer;

pub use error::{MediaError, ProcessError};
pub use frame::Frame;
pub use locate::{FFMPEG_ENV, FFPROBE_ENV, Ffmpeg};
pub use parallel::run_parallel;
pub use pipeline::{PipelineOptions, PipelineStats, Progress, run_pipelined, run_sequential};
pub use probe::{MAX_PIXELS, Rational, VideoInfo, probe};
pub use reader::FrameReader;
pub use writer::{EncodeSettings, FrameWriter, X264Preset};
