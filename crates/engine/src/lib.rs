//! The engine facade: one object every front end (the Tauri shell, the `postcraft` CLI, the
//! tests) calls. It owns the job manager, the runtime, the warm model pipelines and the store of
//! generated media, and knows nothing of Tauri.

pub mod audio;
mod config;
mod doctor;
mod engine;
pub mod images;
mod media;
mod projects;
pub mod studio;
pub mod write;

pub use config::EngineConfig;
pub use doctor::{Check, CheckLevel, DoctorReport};
pub use engine::Engine;
pub use images::GeneratedImage;
pub use media::{MediaStore, PNG_MIME, encode_png, encode_png_rgba, encode_png_with_recipe};
pub use postcraft_core::ipc::{AppStatus, GenerateImagesRequest, JobEvent, JobOutcome};
pub use postcraft_core::{ErrorCode, IpcError, JobId};
pub use postcraft_jobs::EventSink;

/// The model id of the face generator.
pub const FACES_MODEL: &str = "dcgan-faces";
/// The model id of the sticker generator (trained by the project).
pub const STICKERS_MODEL: &str = "dcgan-stickers";

/// Decodes an image file (PNG, JPEG, WebP, GIF's first frame, BMP) upright, within the studio's
/// size limits; a file that is not one gives `MEDIA_INVALID` naming it.
pub fn decode_image(path: &std::path::Path) -> Result<image::RgbaImage, IpcError> {
    studio::assets::decode(path)
}
