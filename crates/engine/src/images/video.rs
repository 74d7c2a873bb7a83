//! "Restyle video": every frame of a clip through an image-to-image model, with temporal
//! smoothing, into an H.264 MP4 that keeps the clip's sound.
//!
//! Decoding, inference and encoding run at once (`postcraft-media`'s parallel pipeline): ffmpeg
//! decodes the next frames and x264 encodes the previous ones while the model works, and the
//! model runs on several frames at once, one session per worker with a share of the threads
//! (several single-threaded runs use the cores better than one run split across them: small
//! convolutions do not divide well). Temporal smoothing needs the previous frame, so it runs
//! after the frames are put back in order.

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

/// Window side for video frames: a frame up to 1024 px runs whole (no overlap to pay for, as
/// in a photo cut into tiles); larger frames are cut into balanced windows. Several frames are
/// in flight at once, so this bounds memory per worker (a few hundred MB at 1024 px).
pub const VIDEO_TILE: usize = 1024;

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

/// Which image-to-image model: one of the manifest's, or a user's file.
#[derive(Debug, Clone, Copy)]
pub enum ModelSource<'a> {
    /// A manifest id (verified by hash).
    Listed(&'a str),
    /// A CycleGAN / AnimeGAN-style ONNX file.
    File(&'a Path),
}

/// How many model sessions a video restyle runs in parallel for `threads` inference threads
/// (0: one per core), and the threads each gets: one session per thread, at most four (beyond
/// that the frames in flight cost memory for little gain).
pub fn video_workers(threads: usize) -> (usize, usize) {
    let threads = if threads == 0 { std::thread::available_parallelism().map_or(2, usize::from) } else { threads };
    let workers = threads.clamp(1, 4);
    (workers, (threads / workers).max(1))
}

impl Engine {
    /// `count` fresh sessions of a model with `threads` intra-op threads each: the workers of a
    /// video restyle (not kept warm: they are cheap to open, a few MB).
    pub fn translator_sessions(
        &self,
        model: ModelSource<'_>,
        count: usize,
        threads: usize,
    ) -> Result<Vec<ImageTranslator>, IpcError> {
        (0..count.max(1))
            .map(|_| match model {
                ModelSource::Listed(id) => self.image_translator_with(id, threads),
                ModelSource::File(path) => self.image_translator_from_file_with(path, threads),
            })
            .collect()
    }

    /// Starts a job restyling a clip; returns its id at once. Progress counts frames (with
    /// frames per second and ETA); a `fileWritten` event names the finished MP4. Fails at once
    /// (no job) for an unreadable clip, a missing ffmpeg or model, or out-of-range settings.
    pub fn restyle_video(self: &Arc<Self>, request: RestyleVideoRequest, sink: EventSink) -> Result<JobId, IpcError> {
        let options = VideoOptions {
            strength: request.strength,
            smoothing: request.smoothing,
            sequential: false,
            tile: VIDEO_TILE,
        };
        check_options(&options)?;
        let (workers, threads) = video_workers(self.config().session.intra_threads);
        let translators = self.translator_sessions(ModelSource::Listed(&request.model), workers, threads)?;
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
                restyle_clip(&translators, &ffmpeg, &input, &info, &output, &options, Some(&token), &mut |p| {
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

    /// Restyles a clip on the calling thread with one worker per session in `translators` (see
    /// [`Engine::translator_sessions`]; the sequential baseline uses the first only): for the
    /// CLI, tests and benchmarks.
    pub fn restyle_video_with(
        &self,
        translators: &[ImageTranslator],
        input: &Path,
        output: &Path,
        options: &VideoOptions,
        cancel: Option<&CancelToken>,
        progress: &mut dyn FnMut(VideoProgress),
    ) -> Result<VideoReport, IpcError> {
        check_options(options)?;
        let ffmpeg = Ffmpeg::locate().map_err(media_error).map_err(failure_to_error)?;
        let info = postcraft_media::probe(&ffmpeg, input).map_err(media_error).map_err(failure_to_error)?;
        match restyle_clip(translators, &ffmpeg, input, &info, output, options, cancel, progress) {
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

/// The output replaces its file only once complete, so writing over the clip being read would
/// lose the original: refused.
fn refuse_overwriting_input(input: &Path, output: &Path) -> Result<(), IpcError> {
    let same = match (input.canonicalize(), output.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    };
    if same {
        return Err(IpcError::new(
            ErrorCode::InvalidRequest,
            format!("{} is the clip being restyled: choose another output file", output.display()),
        ));
    }
    Ok(())
}

fn check_options(options: &VideoOptions) -> Result<(), IpcError> {
    let bad = |message: String| Err(IpcError::new(ErrorCode::InvalidRequest, message));
    if !(0.0..=1.0).contains(&options.strength) {
        return bad(format!("strength must be between 0 and 1, not {}", options.strength));
    }
    if !(0.0..=RestyleVideoRequest::MAX_SMOOTHING).contains(&options.smoothing) {
        return bad(format!(
            "smoothing must be between 0 and {}, not {}",
            RestyleVideoRequest::MAX_SMOOTHING,
            options.smoothing
        ));
    }
    Ok(())
}

#[allow(clippy::too_many_arguments)] // one internal call site each; the names read best spelled out
fn restyle_clip(
    translators: &[ImageTranslator],
    ffmpeg: &Ffmpeg,
    input: &Path,
    info: &VideoInfo,
    output: &Path,
    options: &VideoOptions,
    cancel: Option<&CancelToken>,
    progress: &mut dyn FnMut(VideoProgress),
) -> Result<VideoReport, JobFailure> {
    let Some(first) = translators.first() else {
        return Err(JobFailure::Failed(IpcError::new(ErrorCode::Internal, "no model session for the video")));
    };
    refuse_overwriting_input(input, output)?;
    super::ensure_parent(output)?;
    let reader = FrameReader::open(ffmpeg, input, info).map_err(media_error)?;
    // yuv420p (what every player takes) needs even sides: an odd side gets one black row or
    // column rather than refusing the clip.
    let settings = EncodeSettings { pad_odd_sides: true, ..EncodeSettings::default() };
    let audio = info.has_audio.then_some(input);
    let writer = FrameWriter::create_with(ffmpeg, output, info.width, info.height, info.frame_rate, audio, &settings)
        .map_err(media_error)?;
    let plan = plan_for(first, options.tile);
    let (width, height) = (info.width as usize, info.height as usize);
    let strength = options.strength;
    // A worker restyles a frame into `styled`; the frame keeps the original for smoothing.
    let restyle = |translator: &ImageTranslator, frame: &Frame| -> Result<Vec<u8>, ProcessError> {
        let planar = PlanarImage::from_interleaved(frame.data(), width, height);
        Ok(restyle_planar(translator, &planar, strength, &plan, cancel, |_, _| {})?.to_interleaved())
    };
    let mut smoother = TemporalSmoother::new(options.smoothing);
    let is_cancelled = || cancel.is_some_and(CancelToken::is_cancelled);
    let pipeline = PipelineOptions::new().cancel_when(&is_cancelled).on_progress(progress);
    let result = if options.sequential || translators.len() == 1 {
        let process = |_: u64, frame: &mut Frame| -> Result<(), ProcessError> {
            let mut styled = restyle(first, frame)?;
            smoother.apply(frame.data(), &mut styled);
            frame.data_mut().copy_from_slice(&styled);
            Ok(())
        };
        if options.sequential {
            postcraft_media::run_sequential(reader, writer, process, pipeline)
        } else {
            postcraft_media::run_pipelined(reader, writer, process, pipeline)
        }
    } else {
        run_workers(translators, reader, writer, &restyle, &mut smoother, pipeline)
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

/// Restyles one frame with a session; returns the restyled RGB bytes.
type RestyleFrame<'a> = dyn Fn(&ImageTranslator, &Frame) -> Result<Vec<u8>, ProcessError> + Sync + 'a;

/// The parallel pipeline: each worker restyles whole frames with its own session and keeps the
/// frame's original aside, so the in-order smoothing step can compare consecutive originals.
fn run_workers(
    translators: &[ImageTranslator],
    reader: FrameReader,
    writer: FrameWriter,
    restyle: &RestyleFrame<'_>,
    smoother: &mut TemporalSmoother,
    pipeline: PipelineOptions<'_>,
) -> Result<postcraft_media::PipelineStats, postcraft_media::MediaError> {
    // Workers keep the original beside the result until the smoothing step: one map from frame
    // index to original bytes, filled by workers and drained in order.
    let originals = parking_lot::Mutex::new(std::collections::HashMap::<u64, Vec<u8>>::new());
    let workers: Vec<_> = translators
        .iter()
        .map(|translator| {
            let originals = &originals;
            move |index: u64, frame: &mut Frame| -> Result<(), ProcessError> {
                let styled = restyle(translator, frame)?;
                originals.lock().insert(index, frame.data().to_vec());
                frame.data_mut().copy_from_slice(&styled);
                Ok(())
            }
        })
        .collect();
    let finish = |index: u64, frame: &mut Frame| -> Result<(), ProcessError> {
        let original = originals.lock().remove(&index).ok_or("a frame's original went missing")?;
        smoother.apply(&original, frame.data_mut());
        Ok(())
    };
    postcraft_media::run_parallel(reader, writer, workers, finish, pipeline)
}
