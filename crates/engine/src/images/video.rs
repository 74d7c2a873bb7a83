//! "Restyle video": every frame of a clip through an image-to-image model, with temporal
//! smoothing, into an H.264 MP4 that keeps the clip's sound.
//!
//! Decoding, inference and encoding run at once on three threads (`postcraft-media`'s
//! pipeline): ffmpeg decodes the next frames and x264 encodes the previous ones while the model
//! works, so the clip takes about as long as its slowest stage instead of the sum of all three.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use postcraft_core::image_ipc::RestyleVideoRequest;
use postcraft_core::ipc::JobEvent;
use postcraft_core::{ErrorCode, IpcError, JobId};
use postcraft_infer::InferError;
use postcraft_infer::restyle::ImageTranslator;
use postcraft_jobs::{CancelToken, EventSink, JobFailure};
use postcraft_media::{
    EncodeSettings, Ffmpeg, Frame, FrameReader, FrameWriter, PipelineOptions, ProcessError, VideoInfo,
};
use postcraft_vision::{PlanarImage, TemporalSmoother};

use super::restyle::{plan_for, restyle_planar};
use super::{failure_to_error, media_error};
use crate::Engine;

pub use postcraft_media::Progress as VideoProgress;

/// How a clip is restyled.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct VideoOptions {
    /// 0 (the original) to 1 (fully restyled).
    pub strength: f32,
    /// 0 (off) to 0.95: how much still areas keep the previous frame's look.
    pub smoothing: f32,
    /// Decode all, then restyle all, then encode all: the benchmark's baseline, not for exports.
    pub sequential: bool,
    /// Tile size for frames larger than a tile.
    pub tile: usize,
}

/// What a video restyle wrote.
#[derive(Debug, Clone, PartialEq)]
pub struct VideoReport {
    /// The MP4.
    pub path: PathBuf,
    /// Frames written (the input's count).
    pub frames: u32,
    /// Frame width.
    pub width: u32,
    /// Frame height.
    pub height: u32,
    /// Whether the input's sound was kept (false when it had none).
    pub has_audio: bool,
    /// Mean frames per second over the whole run.
    pub frames_per_second: f64,
}

/// A translator the engine keeps warm, or one loaded for a single use (a user's file).
#[derive(Debug)]
pub enum Translator {
    /// From [`Engine::image_translator`].
    Shared(Arc<ImageTranslator>),
    /// Loaded for this use.
    Owned(ImageTranslator),
}

impl std::ops::Deref for Translator {
    type Target = ImageTranslator;
    fn deref(&self) -> &ImageTranslator {
        match self {
            Self::Shared(translator) => translator,
            Self::Owned(translator) => translator,
        }
    }
}

impl Engine {
    /// Starts a job restyling a clip; returns its id at once. Progress counts frames (with
    /// frames per second and ETA); a `fileWritten` event names the finished MP4. Fails at once
    /// (no job) for an unreadable clip, a missing ffmpeg or model, or out-of-range settings.
    pub fn restyle_video(self: &Arc<Self>, request: RestyleVideoRequest, sink: EventSink) -> Result<JobId, IpcError> {
        let options = VideoOptions {
            strength: request.strength,
            smoothing: request.smoothing,
            sequential: false,
            tile: super::RESTYLE_TILE,
        };
        check_options(&options)?;
        let translator = self.image_translator(&request.model)?;
        let ffmpeg = Ffmpeg::locate().map_err(media_error).map_err(failure_to_error)?;
        let input = PathBuf::from(&request.input);
        let info = postcraft_media::probe(&ffmpeg, &input).map_err(media_error).map_err(failure_to_error)?;
        let total = u32::try_from(info.frame_count).unwrap_or(u32::MAX);
        let output =
            if request.output.trim().is_empty() { free_output_path(&input) } else { PathBuf::from(&request.output) };
        self.jobs().spawn("restyle-video", total, sink, move |ctx| {
            let token = ctx.token().clone();
            let mut reported = 0u64;
            let report =
                restyle_clip(&translator, &ffmpeg, &input, &info, &output, &options, Some(&token), &mut |p| {
                    while reported < p.done {
                        ctx.item_done();
                        reported += 1;
                    }
                })?;
            ctx.emit(JobEvent::FileWritten {
                job_id: ctx.id(),
                path: report.path.display().to_string(),
                width: report.width,
                height: report.height,
                frames: report.frames,
                has_audio: report.has_audio,
            });
            Ok(())
        })
    }

    /// Restyles a clip on the calling thread with `translator` (shipped or a user's file): for
    /// the CLI, tests and benchmarks.
    pub fn restyle_video_with(
        &self,
        translator: &ImageTranslator,
        input: &Path,
        output: &Path,
        options: &VideoOptions,
        cancel: Option<&CancelToken>,
        progress: &mut dyn FnMut(VideoProgress),
    ) -> Result<VideoReport, IpcError> {
        check_options(options)?;
        let ffmpeg = Ffmpeg::locate().map_err(media_error).map_err(failure_to_error)?;
        let info = postcraft_media::probe(&ffmpeg, input).map_err(media_error).map_err(failure_to_error)?;
        match restyle_clip(translator, &ffmpeg, input, &info, output, options, cancel, progress) {
            Ok(report) => Ok(report),
            Err(JobFailure::Cancelled) => Err(IpcError::new(ErrorCode::InvalidRequest, "the restyle was cancelled")),
            Err(JobFailure::Failed(error)) => Err(error),
        }
    }
}

/// `<name>-restyled.mp4` beside `input`, or `<name>-restyled-2.mp4`, ... when taken: a default
/// that never overwrites anything.
pub fn free_output_path(input: &Path) -> PathBuf {
    let stem = input.file_stem().map_or_else(|| "clip".to_owned(), |s| s.to_string_lossy().into_owned());
    let dir = input.parent().unwrap_or(Path::new("."));
    (1..)
        .map(|n| if n == 1 { format!("{stem}-restyled.mp4") } else { format!("{stem}-restyled-{n}.mp4") })
        .map(|name| dir.join(name))
        .find(|path| !path.exists())
        .unwrap_or_else(|| dir.join(format!("{stem}-restyled.mp4")))
}

fn check_options(options: &VideoOptions) -> Result<(), IpcError> {
    let bad = |message: String| Err(IpcError::new(ErrorCode::InvalidRequest, message));
    if !(0.0..=1.0).contains(&options.strength) {
        return bad(format!("strength must be between 0 and 1, not {}", options.strength));
    }
    if !(0.0..=0.95).contains(&options.smoothing) {
        return bad(format!("smoothing must be between 0 and 0.95, not {}", options.smoothing));
    }
    Ok(())
}

#[allow(clippy::too_many_arguments)] // one internal call site each; the names read best spelled out
fn restyle_clip(
    translator: &ImageTranslator,
    ffmpeg: &Ffmpeg,
    input: &Path,
    info: &VideoInfo,
    output: &Path,
    options: &VideoOptions,
    cancel: Option<&CancelToken>,
    progress: &mut dyn FnMut(VideoProgress),
) -> Result<VideoReport, JobFailure> {
    let reader = FrameReader::open(ffmpeg, input, info).map_err(media_error)?;
    // yuv420p (what every player takes) needs even sides: an odd side gets one black row or
    // column rather than refusing the clip.
    let settings = EncodeSettings { pad_odd_sides: true, ..EncodeSettings::default() };
    let audio = info.has_audio.then_some(input);
    let writer = FrameWriter::create_with(ffmpeg, output, info.width, info.height, info.frame_rate, audio, &settings)
        .map_err(media_error)?;
    let plan = plan_for(translator, options.tile);
    let mut smoother = TemporalSmoother::new(options.smoothing);
    let (width, height) = (info.width as usize, info.height as usize);
    let process = |_index: u64, frame: &mut Frame| -> Result<(), ProcessError> {
        let planar = PlanarImage::from_interleaved(frame.data(), width, height);
        let styled = restyle_planar(translator, &planar, options.strength, &plan, cancel, |_, _| {})?;
        let mut bytes = styled.to_interleaved();
        smoother.apply(frame.data(), &mut bytes);
        frame.data_mut().copy_from_slice(&bytes);
        Ok(())
    };
    let is_cancelled = || cancel.is_some_and(CancelToken::is_cancelled);
    let pipeline = PipelineOptions::new().cancel_when(&is_cancelled).on_progress(progress);
    let result = if options.sequential {
        postcraft_media::run_sequential(reader, writer, process, pipeline)
    } else {
        postcraft_media::run_pipelined(reader, writer, process, pipeline)
    };
    let stats = result.map_err(|error| {
        if is_cancelled() {
            return JobFailure::Cancelled;
        }
        match error {
            postcraft_media::MediaError::Process(inner) => match inner.downcast::<InferError>() {
                Ok(infer) => JobFailure::Failed((*infer).into()),
                Err(other) => JobFailure::Failed(IpcError::new(ErrorCode::InferenceFailed, other.to_string())),
            },
            other => media_error(other),
        }
    })?;
    Ok(VideoReport {
        path: output.to_path_buf(),
        frames: u32::try_from(stats.frames).unwrap_or(u32::MAX),
        width: info.width,
        height: info.height,
        has_audio: info.has_audio,
        frames_per_second: stats.frames_per_sec(),
    })
}
