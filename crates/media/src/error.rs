//! The one error type of the crate. Every message is written for the person using the app: it
//! names the file and, where ffmpeg said why, quotes ffmpeg, so a failed export can be reported
//! without digging through logs. The engine maps the variants onto its own error codes.

use std::path::PathBuf;

/// The error a `process` callback may return: anything that is an error (or a message), boxed so
/// the engine can downcast it back to its own type after the pipeline hands it over.
pub type ProcessError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// What can go wrong while finding ffmpeg, probing, decoding, processing or encoding a video.
#[derive(Debug, thiserror::Error)]
pub enum MediaError {
    /// `ffmpeg` or `ffprobe` could not be found or started.
    #[error(
        "{program} was not found ({detail}). Postcraft Studio needs ffmpeg for video: install it (Debian/Ubuntu: `apt install ffmpeg`, macOS: `brew install ffmpeg`, Windows: `winget install ffmpeg`) or point POSTCRAFT_FFMPEG and POSTCRAFT_FFPROBE at the programs"
    )]
    FfmpegMissing {
        /// `"ffmpeg"` or `"ffprobe"`.
        program: &'static str,
        /// Where it was looked for, or why starting it failed.
        detail: String,
    },
    /// A file or folder could not be read, written, renamed or removed.
    #[error("{path}: {source}")]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
    /// The file is not a video ffmpeg can read: not media at all, no video stream, truncated or
    /// damaged (found while probing or in the middle of decoding).
    #[error("{path} is not a readable video: {detail}")]
    Malformed {
        /// The input file.
        path: PathBuf,
        /// What is wrong, with ffmpeg's own words where it gave any.
        detail: String,
    },
    /// The picture size is one this crate refuses: zero, absurdly large (memory), or odd where
    /// the output format needs even sides.
    #[error("a {width}x{height} video is not supported: {reason}")]
    UnsupportedSize {
        /// Width in pixels.
        width: u64,
        /// Height in pixels.
        height: u64,
        /// Why, and what to do about it.
        reason: String,
    },
    /// The encoder could not be started or failed while writing the output.
    #[error("video encoding failed: {detail}")]
    Encode {
        /// What went wrong, with the last lines ffmpeg printed.
        detail: String,
    },
    /// A pipeline thread could not be started (the system is out of threads or memory).
    #[error("could not start the {stage} thread: {source}")]
    Thread {
        /// `"decode"` or `"encode"`.
        stage: &'static str,
        /// The OS error.
        source: std::io::Error,
    },
    /// The caller cancelled; no output was left behind.
    #[error("cancelled")]
    Cancelled,
    /// The caller's per-frame `process` callback failed; no output was left behind.
    #[error("frame processing failed: {0}")]
    Process(ProcessError),
}

impl MediaError {
    /// Shorthand for [`MediaError::Io`].
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Self::Io { path: path.into(), source }
    }

    /// Shorthand for [`MediaError::Malformed`].
    pub(crate) fn malformed(path: impl Into<PathBuf>, detail: impl Into<String>) -> Self {
        Self::Malformed { path: path.into(), detail: detail.into() }
    }
}
