//! Model inference for Postcraft Studio: loading the ONNX Runtime library, the model manifest
//! and its verification, and one pipeline per model kind.
//!
//! Every model goes through the same path: the [`manifest`] names its file and SHA-256, the
//! [`registry`] verifies the file before the [`runtime`] opens it, and a pipeline (for now
//! [`gan::ImageGenerator`], [`restyle::ImageTranslator`], [`text::TextGenerator`],
//! [`speech::SpeechModel`], [`sound::SoundGenerator`]) owns the session. A session has one owner: its `run` takes `&mut`,
//! so pipelines keep it behind a mutex and are loaded once, then kept warm.

mod cancellable;
pub mod error;
pub mod gan;
mod latent;
pub mod manifest;
pub mod registry;
pub mod restyle;
pub mod runtime;
pub mod sound;
pub mod speech;
pub mod text;

pub use error::InferError;
pub use manifest::{Manifest, ModelKind, ModelSpec, PhonemizerSpec};
pub use registry::ModelRegistry;
pub use runtime::{Runtime, RuntimeInfo, SessionOptions};
