//! Sound files and signal processing (no device needed).
//!
//! Everything works on [`AudioBuffer`]: interleaved `f32` samples, nominally in `[-1, 1]`.

mod buffer;
pub mod files;
pub mod loudness;
pub mod mix;
pub mod peaks;
pub mod resample;
pub mod sequencer;

pub use buffer::AudioBuffer;
