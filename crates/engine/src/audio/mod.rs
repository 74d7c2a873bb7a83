//! Sound for posts: voiceover (speech), generated sound, mixing and playback.

pub mod speech;

/// The id of the voice set-up installs (Piper's `en_US-joe-medium`).
pub const DEFAULT_VOICE: &str = "piper-joe-medium";
