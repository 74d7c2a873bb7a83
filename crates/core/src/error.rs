//! The error contract between the engine and its front ends.
//!
//! Library crates keep their own `thiserror` enums; each maps onto one [`ErrorCode`] here. The
//! codes are stable: the UI branches on them, so a code is added only when a front end needs to
//! act differently on it, and never renamed.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Stable error codes the UI can branch on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ErrorCode {
    /// The ONNX Runtime library could not be found or opened.
    RuntimeMissing,
    /// The ONNX Runtime library was found but is of an unsupported version or is not a runtime.
    RuntimeIncompatible,
    /// The model manifest is missing or malformed.
    ManifestInvalid,
    /// No model with that id, or its file is missing on disk.
    ModelMissing,
    /// The model file's SHA-256 differs from the manifest: wrong or tampered file.
    ModelHashMismatch,
    /// The model file could not be loaded as ONNX, or its inputs/outputs differ from the manifest.
    ModelInvalid,
    /// A model run failed.
    InferenceFailed,
    /// The request's parameters are out of range.
    InvalidRequest,
    /// No job with that id (finished long ago, or never existed).
    JobNotFound,
    /// Reading or writing a file failed.
    Io,
    /// A media file could not be read: not an image, damaged, or larger than the studio accepts.
    MediaInvalid,
    /// No project is open, or the project file is unreadable.
    ProjectInvalid,
    /// The compositor could not render (no graphics adapter, size over the device's limit).
    RenderFailed,
    /// A system component the feature relies on is missing or unusable (ffmpeg for video,
    /// espeak-ng for speech); the message says how to install it. Everything else works.
    ToolMissing,
    /// No audio output device: playback is off; generating and exporting sound still work.
    AudioDeviceUnavailable,
    /// A bug: an invariant did not hold. Reported, never a panic across IPC.
    Internal,
}

impl ErrorCode {
    /// Every code, in declaration order (exported to the UI as `ERROR_CODES`). Keep it complete:
    /// `every_code_is_listed_once` fails on a missing one.
    pub const ALL: [ErrorCode; 16] = [
        Self::RuntimeMissing,
        Self::RuntimeIncompatible,
        Self::ManifestInvalid,
        Self::ModelMissing,
        Self::ModelHashMismatch,
        Self::ModelInvalid,
        Self::InferenceFailed,
        Self::InvalidRequest,
        Self::JobNotFound,
        Self::Io,
        Self::MediaInvalid,
        Self::ProjectInvalid,
        Self::RenderFailed,
        Self::ToolMissing,
        Self::AudioDeviceUnavailable,
        Self::Internal,
    ];

    /// The code as the UI sees it (`"MODEL_HASH_MISMATCH"`), also used by the CLI's messages.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::RuntimeMissing => "RUNTIME_MISSING",
            Self::RuntimeIncompatible => "RUNTIME_INCOMPATIBLE",
            Self::ManifestInvalid => "MANIFEST_INVALID",
            Self::ModelMissing => "MODEL_MISSING",
            Self::ModelHashMismatch => "MODEL_HASH_MISMATCH",
            Self::ModelInvalid => "MODEL_INVALID",
            Self::InferenceFailed => "INFERENCE_FAILED",
            Self::InvalidRequest => "INVALID_REQUEST",
            Self::JobNotFound => "JOB_NOT_FOUND",
            Self::Io => "IO",
            Self::MediaInvalid => "MEDIA_INVALID",
            Self::ProjectInvalid => "PROJECT_INVALID",
            Self::RenderFailed => "RENDER_FAILED",
            Self::ToolMissing => "TOOL_MISSING",
            Self::AudioDeviceUnavailable => "AUDIO_DEVICE_UNAVAILABLE",
            Self::Internal => "INTERNAL",
        }
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An error as it crosses IPC: `{ code, message }`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, thiserror::Error)]
#[error("{code}: {message}")]
pub struct IpcError {
    /// What kind of failure, for the UI to branch on.
    pub code: ErrorCode,
    /// A sentence for a person: what went wrong and, where known, what to do.
    pub message: String,
}

impl IpcError {
    /// Builds an error from a code and a message.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self { code, message: message.into() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_is_listed_once() {
        // The match is exhaustive, so a new variant must get a position here, and the position
        // must point back at it in ALL.
        let position = |code: ErrorCode| match code {
            ErrorCode::RuntimeMissing => 0,
            ErrorCode::RuntimeIncompatible => 1,
            ErrorCode::ManifestInvalid => 2,
            ErrorCode::ModelMissing => 3,
            ErrorCode::ModelHashMismatch => 4,
            ErrorCode::ModelInvalid => 5,
            ErrorCode::InferenceFailed => 6,
            ErrorCode::InvalidRequest => 7,
            ErrorCode::JobNotFound => 8,
            ErrorCode::Io => 9,
            ErrorCode::MediaInvalid => 10,
            ErrorCode::ProjectInvalid => 11,
            ErrorCode::RenderFailed => 12,
            ErrorCode::ToolMissing => 13,
            ErrorCode::AudioDeviceUnavailable => 14,
            ErrorCode::Internal => 15,
        };
        for (index, code) in ErrorCode::ALL.iter().enumerate() {
            assert_eq!(position(*code), index, "{code} is out of place in ErrorCode::ALL");
        }
    }

    #[test]
    fn code_serializes_as_its_stable_string() {
        for code in [ErrorCode::RuntimeMissing, ErrorCode::ModelHashMismatch, ErrorCode::Internal] {
            let json = serde_json::to_string(&code).expect("serializable");
            assert_eq!(json, format!("\"{}\"", code.as_str()));
        }
    }
}
