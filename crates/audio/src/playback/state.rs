//! What the player reports: its status, position and settings.

/// Where the transport stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PlaybackStatus {
    /// Nothing is loaded, or the sound is stopped (loaded, or stopped with [`stop`]), not started
    /// since. [`play`] starts from the current position.
    ///
    /// [`stop`]: super::Player::stop
    /// [`play`]: super::Player::play
    Idle,
    /// The output is pulling the sound.
    Playing,
    /// Playing a stream ([`Player::load_stream`](super::Player::load_stream)) that has not been
    /// finished, and the output has caught up with what was pushed: it outputs silence and holds
    /// the position, and goes back to `Playing` by itself, with the next sample, when more arrives.
    /// [`pause`](super::Player::pause) pauses it like `Playing`.
    Buffering,
    /// Paused at `position_seconds`; [`play`](super::Player::play) resumes from there.
    Paused,
    /// Played to the end without looping; [`play`](super::Player::play) starts over from the
    /// beginning. A stream only ends once it is finished.
    Ended,
}

impl PlaybackStatus {
    /// The status as a small number, packed with the position in one atomic word that the audio
    /// callback reads and advances.
    pub(crate) const fn to_byte(self) -> u8 {
        match self {
            Self::Idle => 0,
            Self::Playing => 1,
            Self::Paused => 2,
            Self::Ended => 3,
            Self::Buffering => 4,
        }
    }

    /// The inverse of [`to_byte`](Self::to_byte); an unknown number reads as `Idle` (never written).
    pub(crate) const fn from_byte(byte: u8) -> Self {
        match byte {
            1 => Self::Playing,
            2 => Self::Paused,
            3 => Self::Ended,
            4 => Self::Buffering,
            _ => Self::Idle,
        }
    }
}

/// A snapshot of the player, as [`Player::state`](super::Player::state) returns it and as
/// subscribers receive it.
#[derive(Debug, Clone, PartialEq)]
pub struct PlaybackState {
    /// Where the transport stands.
    pub status: PlaybackStatus,
    /// Seconds into the sound: the frames the output has pulled, so it runs ahead of what is heard
    /// by the output's buffer (about 50 ms).
    pub position_seconds: f64,
    /// Length of the loaded sound; 0 when nothing is loaded. For a stream, the length pushed so far.
    pub duration_seconds: f64,
    /// Whether `duration_seconds` is final: false while a stream is still being pushed, true for a
    /// loaded buffer, a finished stream, or nothing loaded.
    pub complete: bool,
    /// Whether the sound starts over, without a gap, when it reaches its end.
    pub looping: bool,
    /// Linear gain in `0..=2` (1 plays the sound as it is).
    pub volume: f32,
    /// Set when the output device failed after it was opened (unplugged, server gone): playback
    /// is off until the player is opened again. The sentence is for a person.
    pub device_error: Option<String>,
}
