//! The Image and Restyle tools: GAN generation (by seed, variations, interpolations into
//! animations, upscaling) and restyling of photos and clips with image-to-image models.

mod animate;
mod generate;
mod restyle;
mod video;

pub use animate::AnimationReport;
pub use generate::GeneratedImage;
pub use restyle::{RESTYLE_TILE, plan_for, restyle_planar, restyle_rgba_image};
pub use video::{
    ModelSource, Translator, VIDEO_TILE, VideoOptions, VideoProgress, VideoReport, free_output_path, video_workers,
};

use postcraft_core::{ErrorCode, IpcError};
use postcraft_jobs::JobFailure;
use postcraft_media::MediaError;

/// A media error as the UI sees it: ffmpeg missing is a set-up problem the UI explains
/// (`TOOL_MISSING`), a file ffmpeg cannot read is invalid media, the rest is I/O.
pub(crate) fn media_ipc_error(error: MediaError) -> IpcError {
    let code = match &error {
        MediaError::FfmpegMissing { .. } => ErrorCode::ToolMissing,
        MediaError::Malformed { .. } | MediaError::UnsupportedSize { .. } => ErrorCode::MediaInvalid,
        _ => ErrorCode::Io,
    };
    IpcError::new(code, error.to_string())
}

/// [`media_ipc_error`] inside a job, where a cancel is not a failure.
pub(crate) fn media_error(error: MediaError) -> JobFailure {
    match error {
        MediaError::Cancelled => JobFailure::Cancelled,
        other => JobFailure::Failed(media_ipc_error(other)),
    }
}

/// A job failure outside a job (the `_now` calls, which have no cancel token).
pub(crate) fn failure_to_error(failure: JobFailure) -> IpcError {
    match failure {
        JobFailure::Failed(error) => error,
        JobFailure::Cancelled => IpcError::new(ErrorCode::Internal, "stopped without a cancel request"),
    }
}

/// Creates the folder an output file goes into (a creator may name a new one), so the error,
/// if any, names the folder rather than a failed encoder.
pub(crate) fn ensure_parent(path: &std::path::Path) -> Result<(), IpcError> {
    match path.parent().filter(|p| !p.as_os_str().is_empty()) {
        Some(parent) => std::fs::create_dir_all(parent)
            .map_err(|e| IpcError::new(ErrorCode::Io, format!("cannot create the folder {}: {e}", parent.display()))),
        None => Ok(()),
    }
}
