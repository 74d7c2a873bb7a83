//! Audio for the studio: reading and writing sound files, the DSP a post's sound needs
//! (loudness, mixing, ducking, fades, peaks for the waveform), and playback through rodio on a
//! thread of its own. No sound card is not an error for the studio: everything but playback
//! keeps working.

pub mod dsp;
pub mod playback;

pub use playback::probe::{AudioError, probe_output};
