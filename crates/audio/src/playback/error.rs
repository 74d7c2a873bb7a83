//! Why playback failed, mapped onto the studio's stable error codes.

use postcraft_core::ErrorCode;

/// Why a buffer cannot be played.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvalidBuffer {
    /// A frame needs at least one channel.
    #[error("the sound has no channels")]
    NoChannels,
    /// Without a rate there is no time.
    #[error("the sound has a sample rate of 0")]
    NoSampleRate,
    /// More samples than a stream holds (far beyond any memory).
    #[error("the stream is too long")]
    TooLong,
}

/// Why playback failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlaybackError {
    /// The default output device (and every other one) could not be opened.
    #[error("no audio output device ({0}): playback is off, everything else works")]
    NoDevice(String),
    /// The output device failed after it was opened (unplugged, sound server gone).
    #[error(
        "the audio output device failed ({0}): playback is off until the player is opened again, everything else works"
    )]
    DeviceLost(String),
    /// The sound cannot be played.
    #[error("cannot play this sound: {0}")]
    InvalidBuffer(#[from] InvalidBuffer),
    /// A stream's sound was replaced by another, or its player dropped: nothing plays what is
    /// pushed, so the producer can stop.
    #[error("the stream is no longer loaded: nothing plays what is pushed")]
    StreamClosed,
    /// The playback thread could not be started or stopped unexpectedly: a bug or an exhausted
    /// system, not a missing device.
    #[error("the playback thread failed: {0}")]
    ThreadFailed(String),
}

impl PlaybackError {
    /// The stable code the UI branches on.
    pub fn code(&self) -> ErrorCode {
        match self {
            Self::NoDevice(_) | Self::DeviceLost(_) => ErrorCode::AudioDeviceUnavailable,
            Self::InvalidBuffer(_) | Self::StreamClosed => ErrorCode::InvalidRequest,
            Self::ThreadFailed(_) => ErrorCode::Internal,
        }
    }
}
