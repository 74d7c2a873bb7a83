//! Playback through rodio on its own thread.
//!
//! [`Player`] plays one [`AudioBuffer`](crate::dsp::AudioBuffer) at a time on the default output
//! device: play, pause, seek, seamless loop, volume, and a position that counts the frames the
//! device actually pulled; or a stream that plays while it is produced ([`Player::load_stream`]).
//! No device is [`PlaybackError::NoDevice`], never a panic.

mod error;
mod player;
pub mod probe;
mod source;
mod state;

pub use error::{InvalidBuffer, PlaybackError};
pub use player::{OutputConfig, Player, StreamWriter};
pub use state::{PlaybackState, PlaybackStatus};
