//! The engine facade: one object every front end (the Tauri shell, the `postcraft` CLI, the
//! tests) calls. It owns the job manager, the runtime, the warm model pipelines and the store of
//! generated media, and knows nothing of Tauri.

mod config;
mod doctor;
mod engine;
mod faces;
mod media;
mod projects;
pub mod studio;
pub mod write;

pub use config::EngineConfig;
pub use doctor::{Check, CheckLevel, DoctorReport};
pub use engine::Engine;
pub use media::{MediaStore, PNG_MIME, encode_png};
pub use postcraft_core::ipc::{AppStatus, GenerateFacesRequest, JobEvent, JobOutcome};
pub use postcraft_core::{ErrorCode, IpcError, JobId};
pub use postcraft_jobs::EventSink;

/// The model id of the face generator.
pub const FACES_MODEL: &str = "dcgan-faces";
