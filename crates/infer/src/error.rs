//! Errors of the inference layer, each mapped onto a stable [`ErrorCode`].

use std::path::PathBuf;

use postcraft_core::{ErrorCode, IpcError};

/// What can go wrong while loading the runtime or a model, or running one.
#[derive(Debug, thiserror::Error)]
pub enum InferError {
    /// The runtime library file does not exist.
    #[error(
        "the ONNX Runtime library was not found at {path}: run the set-up (`./scripts/run`) or point ORT_DYLIB_PATH at libonnxruntime.so.1.31.1"
    )]
    RuntimeMissing {
        /// Where it was looked for.
        path: PathBuf,
    },
    /// The file exists but is not a usable ONNX Runtime (not a library, or too old).
    #[error(
        "{path} is not a usable ONNX Runtime library ({reason}); Postcraft Studio needs ONNX Runtime 1.31 or newer"
    )]
    RuntimeIncompatible {
        /// The file tried.
        path: PathBuf,
        /// The loader's reason.
        reason: String,
    },
    /// A model was asked for before the runtime was loaded.
    #[error("the ONNX Runtime library is not loaded: {0}")]
    RuntimeNotLoaded(String),
    /// The manifest could not be read or parsed.
    #[error("the model manifest {path} is invalid: {reason}")]
    ManifestInvalid {
        /// The manifest file.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// No model with that id in the manifest.
    #[error("no model `{0}` in the manifest")]
    UnknownModel(String),
    /// The model's file is not on disk.
    #[error("the model file {path} is missing: run the set-up (`./scripts/run`) to fetch the models")]
    ModelFileMissing {
        /// Where it was expected.
        path: PathBuf,
    },
    /// The model's file differs from the one the manifest pins.
    #[error(
        "the model file {path} has SHA-256 {actual}, but the manifest pins {expected}: the file is wrong or damaged; re-run the set-up"
    )]
    HashMismatch {
        /// The file.
        path: PathBuf,
        /// From the manifest.
        expected: String,
        /// Computed.
        actual: String,
    },
    /// The runtime could not open the model file, or its signature differs from the manifest.
    #[error("the model {path} could not be loaded: {reason}")]
    ModelInvalid {
        /// The file.
        path: PathBuf,
        /// Why.
        reason: String,
    },
    /// A model run failed.
    #[error("the model run failed: {0}")]
    Inference(String),
    /// The run was aborted because its job was cancelled.
    #[error("cancelled")]
    Cancelled,
    /// A file could not be read.
    #[error("could not read {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
}

impl InferError {
    /// The stable code the UI branches on.
    pub fn code(&self) -> ErrorCode {
        match self {
            Self::RuntimeMissing { .. } | Self::RuntimeNotLoaded(_) => ErrorCode::RuntimeMissing,
            Self::RuntimeIncompatible { .. } => ErrorCode::RuntimeIncompatible,
            Self::ManifestInvalid { .. } => ErrorCode::ManifestInvalid,
            Self::UnknownModel(_) | Self::ModelFileMissing { .. } => ErrorCode::ModelMissing,
            Self::HashMismatch { .. } => ErrorCode::ModelHashMismatch,
            Self::ModelInvalid { .. } => ErrorCode::ModelInvalid,
            Self::Inference(_) => ErrorCode::InferenceFailed,
            // A cancelled run is not an error for the user; jobs report it as an outcome.
            Self::Cancelled => ErrorCode::Internal,
            Self::Io { .. } => ErrorCode::Io,
        }
    }
}

impl From<InferError> for IpcError {
    fn from(error: InferError) -> Self {
        IpcError::new(error.code(), error.to_string())
    }
}
