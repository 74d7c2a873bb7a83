//! "Generate faces": a job that runs the DCGAN once per image and streams each one.

use std::sync::Arc;

use image::RgbImage;
use postcraft_core::ipc::{GenerateFacesRequest, JobEvent};
use postcraft_core::post::Recipe;
use postcraft_core::{ErrorCode, IpcError, JobId};
use postcraft_infer::InferError;
use postcraft_infer::gan::{FaceGenerator, chw_to_rgb8};
use postcraft_jobs::{EventSink, JobContext, JobFailure};

use crate::media::media_url;
use crate::{Engine, FACES_MODEL, MediaStore};

impl Engine {
    /// Starts a job generating `request.count` faces; returns its id at once. Images stream to
    /// `sink` as `image` events whose URL the shell serves from [`Engine::media`].
    ///
    /// Fails at once (no job) when the request is out of range or the model cannot be loaded;
    /// loading happens on the calling thread the first time only.
    pub fn generate_faces(self: &Arc<Self>, request: GenerateFacesRequest, sink: EventSink) -> Result<JobId, IpcError> {
        validate(&request)?;
        let generator = self.face_generator(FACES_MODEL)?;
        let engine = Arc::clone(self);
        self.jobs().spawn("faces", request.count, sink, move |ctx| {
            generate(&generator, engine.media(), &engine.config().media_base_url, &request, ctx)
        })
    }

    /// Generates faces on the calling thread, without a job: for the CLI and tests. Returns the
    /// RGB images in index order.
    pub fn generate_faces_now(&self, request: &GenerateFacesRequest) -> Result<Vec<RgbImage>, IpcError> {
        validate(request)?;
        let generator = self.face_generator(FACES_MODEL)?;
        (0..request.count)
            .map(|index| render_face(&generator, request.seed, index, None).map_err(IpcError::from))
            .collect()
    }
}

fn validate(request: &GenerateFacesRequest) -> Result<(), IpcError> {
    if request.count == 0 || request.count > GenerateFacesRequest::MAX_COUNT {
        return Err(IpcError::new(
            ErrorCode::InvalidRequest,
            format!("count must be between 1 and {}, not {}", GenerateFacesRequest::MAX_COUNT, request.count),
        ));
    }
    if request.seed > GenerateFacesRequest::MAX_SEED {
        return Err(IpcError::new(
            ErrorCode::InvalidRequest,
            format!("seed must be at most {}", GenerateFacesRequest::MAX_SEED),
        ));
    }
    Ok(())
}

/// The job's body: one model run per image, so a cancel takes effect after at most one more
/// image (and the run in flight is terminated through its run options).
fn generate(
    generator: &FaceGenerator,
    media: &MediaStore,
    media_base_url: &str,
    request: &GenerateFacesRequest,
    ctx: &mut JobContext,
) -> Result<(), JobFailure> {
    for index in 0..request.count {
        ctx.checkpoint()?;
        let image = match render_face(generator, request.seed, index, Some(ctx.token())) {
            Ok(image) => image,
            Err(InferError::Cancelled) => return Err(JobFailure::Cancelled),
            Err(error) => return Err(JobFailure::Failed(error.into())),
        };
        let (width, height) = image.dimensions();
        let recipe = Recipe { model: FACES_MODEL.to_owned(), seed: request.seed, index };
        media.insert_generated(ctx.id(), index, image, Some(recipe));
        ctx.emit(JobEvent::Image {
            job_id: ctx.id(),
            index,
            url: media_url(media_base_url, ctx.id(), index),
            width,
            height,
        });
        ctx.item_done();
    }
    Ok(())
}

fn render_face(
    generator: &FaceGenerator,
    seed: u64,
    index: u32,
    cancel: Option<&postcraft_jobs::CancelToken>,
) -> Result<RgbImage, InferError> {
    let (width, height) = generator.image_size();
    let chw = generator.generate_seeded(seed, u64::from(index), 1, cancel)?;
    let rgb = chw_to_rgb8(&chw, width, height);
    RgbImage::from_raw(width as u32, height as u32, rgb)
        .ok_or_else(|| InferError::Inference("the output does not fit the image size".into()))
}
