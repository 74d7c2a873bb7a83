//! "Interpolate": a walk through latent space between two generated images, written as a
//! looping GIF or an H.264 MP4.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use image::RgbaImage;
use postcraft_core::image_ipc::{AnimationFormat, InterpolateRequest};
use postcraft_core::ipc::JobEvent;
use postcraft_core::post::{LatentBlend, Recipe};
use postcraft_core::{ErrorCode, IpcError, JobId};
use postcraft_infer::InferError;
use postcraft_jobs::{CancelToken, EventSink, JobFailure};
use postcraft_media::{Ffmpeg, FrameWriter, Rational};

use super::generate::{render, validate_recipe};
use super::media_error;
use crate::Engine;

/// What an animation job wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnimationReport {
    /// The file.
    pub path: PathBuf,
    /// Frames in it.
    pub frames: u32,
    /// Frame size.
    pub width: u32,
    /// Frame size.
    pub height: u32,
}

impl Engine {
    /// Starts a job rendering an interpolation; progress counts frames, then a `fileWritten`
    /// event names the file.
    pub fn interpolate(self: &Arc<Self>, request: InterpolateRequest, sink: EventSink) -> Result<JobId, IpcError> {
        let recipes = self.interpolation_recipes(&request)?;
        let engine = Arc::clone(self);
        self.jobs().spawn("interpolate", recipes.len() as u32, sink, move |ctx| {
            let token = ctx.token().clone();
            let result = engine.write_animation(&request, &recipes, Some(&token), &mut |_| ctx.item_done());
            match result {
                Ok(report) => {
                    ctx.emit(JobEvent::FileWritten {
                        job_id: ctx.id(),
                        path: report.path.display().to_string(),
                        width: report.width,
                        height: report.height,
                        frames: report.frames,
                        has_audio: false,
                    });
                    Ok(())
                }
                Err(failure) => Err(failure),
            }
        })
    }

    /// Renders an interpolation on the calling thread (for the CLI and tests).
    pub fn interpolate_now(&self, request: &InterpolateRequest) -> Result<AnimationReport, IpcError> {
        let recipes = self.interpolation_recipes(request)?;
        self.write_animation(request, &recipes, None, &mut |_| {}).map_err(super::failure_to_error)
    }

    /// One recipe per frame: `from` blended towards `to` at evenly spaced positions (and back,
    /// for a ping-pong loop, without repeating the turning points).
    fn interpolation_recipes(&self, request: &InterpolateRequest) -> Result<Vec<Recipe>, IpcError> {
        let bad = |message: String| Err(IpcError::new(ErrorCode::InvalidRequest, message));
        if !(2..=InterpolateRequest::MAX_FRAMES).contains(&request.frames) {
            return bad(format!(
                "frames must be between 2 and {}, not {}",
                InterpolateRequest::MAX_FRAMES,
                request.frames
            ));
        }
        if !(1..=InterpolateRequest::MAX_FPS).contains(&request.fps) {
            return bad(format!(
                "frames per second must be between 1 and {}, not {}",
                InterpolateRequest::MAX_FPS,
                request.fps
            ));
        }
        if request.output.trim().is_empty() {
            return bad("the output file is missing".into());
        }
        let sha = self.model_sha256(&request.model)?;
        let last = request.frames - 1;
        let mut positions: Vec<u32> = (0..request.frames).collect();
        if request.ping_pong {
            positions.extend((1..last).rev());
        }
        let recipes: Vec<Recipe> = positions
            .into_iter()
            .map(|i| {
                let mut recipe = Recipe::seeded(request.model.clone(), request.from_seed, request.from_index);
                recipe.model_sha256 = sha.clone();
                recipe.variation = request.from_variation;
                recipe.between = Some(LatentBlend {
                    to_seed: request.to_seed,
                    to_index: request.to_index,
                    to_variation: request.to_variation,
                    t: i as f32 / last as f32,
                });
                recipe.upscale = request.upscale;
                recipe
            })
            .collect();
        recipes.iter().try_for_each(validate_recipe)?;
        Ok(recipes)
    }

    fn write_animation(
        &self,
        request: &InterpolateRequest,
        recipes: &[Recipe],
        cancel: Option<&CancelToken>,
        on_frame: &mut dyn FnMut(u32),
    ) -> Result<AnimationReport, JobFailure> {
        let generator = self.image_generator(&request.model)?;
        let output = Path::new(&request.output);
        super::ensure_parent(output)?;
        let mut frames = Vec::with_capacity(recipes.len());
        for (i, recipe) in (0u32..).zip(recipes) {
            let frame = render(&generator, recipe, cancel).map_err(|e| match e {
                InferError::Cancelled => JobFailure::Cancelled,
                other => JobFailure::Failed(other.into()),
            })?;
            frames.push(frame);
            on_frame(i + 1);
        }
        let (width, height) = frames.first().map(RgbaImage::dimensions).unwrap_or((0, 0));
        match request.format {
            AnimationFormat::Gif => {
                let frame_ms = (1000 / request.fps).max(20);
                let bytes = postcraft_vision::animation::encode_gif(&frames, frame_ms)
                    .map_err(|e| IpcError::new(ErrorCode::Internal, format!("GIF encoding failed: {e}")))?;
                write_atomic(output, &bytes)?;
            }
            AnimationFormat::Mp4 => {
                let ffmpeg = Ffmpeg::locate().map_err(media_error)?;
                let rate = Rational::new(request.fps, 1).ok_or_else(|| {
                    IpcError::new(ErrorCode::InvalidRequest, format!("{} frames per second", request.fps))
                })?;
                // yuv420p needs even sides: a 64 px frame is even; an odd upscale gets padded.
                let mut writer = FrameWriter::create_with(
                    &ffmpeg,
                    output,
                    width,
                    height,
                    rate,
                    None,
                    &postcraft_media::EncodeSettings { pad_odd_sides: true, ..Default::default() },
                )
                .map_err(media_error)?;
                for frame in &frames {
                    // Video has no alpha: transparent stickers are flattened onto white.
                    let rgb: Vec<u8> = frame.pixels().flat_map(|p| flatten_on_white(p.0)).collect();
                    writer.write_rgb(&rgb).map_err(media_error)?;
                }
                writer.finish().map_err(media_error)?;
            }
        }
        Ok(AnimationReport { path: output.to_path_buf(), frames: frames.len() as u32, width, height })
    }
}

fn flatten_on_white([r, g, b, a]: [u8; 4]) -> [u8; 3] {
    let over = |c: u8| ((u16::from(c) * u16::from(a) + 255 * (255 - u16::from(a)) + 127) / 255) as u8;
    [over(r), over(g), over(b)]
}

/// Writes `bytes` to a temporary file beside `path` and renames it into place.
fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), IpcError> {
    let io = |e: std::io::Error| IpcError::new(ErrorCode::Io, format!("writing {}: {e}", path.display()));
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let temp = path.with_file_name(format!(".{name}.part-{}", std::process::id()));
    std::fs::write(&temp, bytes).map_err(io)?;
    std::fs::rename(&temp, path).map_err(|e| {
        let _ = std::fs::remove_file(&temp);
        io(e)
    })
}
