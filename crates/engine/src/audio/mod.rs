//! Sound for posts: voiceover (speech), generated sound, mixing and playback.

pub mod clips;
mod jobs;
pub mod mixdown;
pub mod playback;
pub mod sound;
pub mod speech;

pub use mixdown::{MIX_CHANNELS, MIX_SAMPLE_RATE, mixdown};

/// The id of the voice set-up installs (Piper's `en_US-joe-medium`).
pub const DEFAULT_VOICE: &str = "piper-joe-medium";

/// The id of the one-shot drum generator (trained by the project).
pub const DRUMS_MODEL: &str = "drums-oneshot";
