//! "Restyle": a photo of any size through an image-to-image model, tile by tile, blended with
//! the original by the strength slider.

use std::path::Path;
use std::sync::Arc;

use image::RgbaImage;
use postcraft_core::image_ipc::RestyleImageRequest;
use postcraft_core::ipc::JobEvent;
use postcraft_core::{ErrorCode, IpcError, JobId};
use postcraft_infer::InferError;
use postcraft_infer::restyle::ImageTranslator;
use postcraft_jobs::{CancelToken, EventSink, JobFailure};
use postcraft_vision::tiling::TilingError;
use postcraft_vision::{PlanarImage, TilePlan, translate_tiled};

use crate::Engine;
use crate::media::media_url;
use crate::studio::assets;

/// The largest photo restyled, in pixels: the planar copy, the blend accumulators and the result
/// take about 40 bytes a pixel, so 50 MP is 2 GB; a larger photo is refused in words rather
/// than risking the machine's memory.
pub const MAX_RESTYLE_PIXELS: u64 = 50_000_000;

/// Window side for dynamic-size models: a photo up to 1280 px runs whole (tiles cost their
/// overlap, twice the receptive radius, and exactness needs all of it); larger photos are cut
/// into balanced windows of at most this side, a few hundred MB of activations each.
pub const RESTYLE_TILE: usize = 1280;

impl Engine {
    /// Starts a job restyling one photo; returns its id at once. The result and the original
    /// stream as one `restyled` event (served from [`Engine::media`]); progress counts tiles.
    pub fn restyle_image(self: &Arc<Self>, request: RestyleImageRequest, sink: EventSink) -> Result<JobId, IpcError> {
        check_strength(request.strength)?;
        let translator = self.image_translator(&request.model)?;
        let original = assets::decode(Path::new(&request.input))?;
        check_size(&original)?;
        let plan = plan_for(&translator, RESTYLE_TILE);
        let tiles = plan.windows(original.width() as usize, original.height() as usize).len() as u32;
        let engine = Arc::clone(self);
        self.jobs().spawn("restyle", tiles, sink, move |ctx| {
            let token = ctx.token().clone();
            let mut done = 0;
            let result = restyle_rgba(&translator, &original, request.strength, &plan, Some(&token), |d, _| {
                while done < d {
                    ctx.item_done();
                    done += 1;
                }
            });
            let result = match result {
                Ok(result) => result,
                Err(InferError::Cancelled) => return Err(JobFailure::Cancelled),
                Err(error) => return Err(JobFailure::Failed(error.into())),
            };
            let (width, height) = result.dimensions();
            let base = &engine.config().media_base_url;
            engine.media().insert_generated(ctx.id(), 0, result, None);
            engine.media().insert_generated(ctx.id(), 1, original, None);
            ctx.emit(JobEvent::Restyled {
                job_id: ctx.id(),
                url: media_url(base, ctx.id(), 0),
                original_url: media_url(base, ctx.id(), 1),
                width,
                height,
            });
            Ok(())
        })
    }

    /// Restyles the photo at `input` on the calling thread (for the CLI and tests); the result
    /// has the photo's size and alpha.
    pub fn restyle_image_now(
        &self,
        input: &Path,
        model: &str,
        strength: f32,
        cancel: Option<&CancelToken>,
    ) -> Result<RgbaImage, IpcError> {
        check_strength(strength)?;
        let translator = self.image_translator(model)?;
        let original = assets::decode(input)?;
        check_size(&original)?;
        Ok(restyle_rgba(&translator, &original, strength, &plan_for(&translator, RESTYLE_TILE), cancel, |_, _| {})?)
    }
}

/// The tile plan a translator needs at about `tile` pixels a side.
pub fn plan_for(translator: &ImageTranslator, tile: usize) -> TilePlan {
    let info = translator.info();
    match info.fixed_size {
        Some((w, h)) => TilePlan::fixed(w, h, info.receptive_radius),
        None => TilePlan::dynamic(tile, info.size_multiple, info.receptive_radius),
    }
}

fn check_size(image: &RgbaImage) -> Result<(), IpcError> {
    check_pixels(image.width(), image.height())
}

fn check_pixels(width: u32, height: u32) -> Result<(), IpcError> {
    let pixels = u64::from(width) * u64::from(height);
    if pixels > MAX_RESTYLE_PIXELS {
        return Err(IpcError::new(
            ErrorCode::MediaInvalid,
            format!(
                "the photo is {:.0} megapixels; restyle takes up to {} (scale it down first)",
                pixels as f64 / 1e6,
                MAX_RESTYLE_PIXELS / 1_000_000
            ),
        ));
    }
    Ok(())
}

fn check_strength(strength: f32) -> Result<(), IpcError> {
    if (0.0..=1.0).contains(&strength) {
        Ok(())
    } else {
        Err(IpcError::new(ErrorCode::InvalidRequest, format!("strength must be between 0 and 1, not {strength}")))
    }
}

/// Restyles planar RGB through `translator` with `plan`, then blends with the original by
/// `strength`. `progress(done, total)` counts tiles.
pub fn restyle_planar(
    translator: &ImageTranslator,
    image: &PlanarImage,
    strength: f32,
    plan: &TilePlan,
    cancel: Option<&CancelToken>,
    progress: impl FnMut(usize, usize),
) -> Result<PlanarImage, InferError> {
    let mut styled = translate_tiled(
        image,
        plan,
        |tile| translator.translate(&tile.data, tile.width, tile.height, cancel),
        progress,
    )
    .map_err(|error| match error {
        TilingError::Model(error) => error,
        other => InferError::Inference(other.to_string()),
    })?;
    if strength < 1.0 {
        let mut blended = image.clone();
        blended.blend_towards(&styled, strength);
        styled = blended;
    }
    Ok(styled)
}

/// Restyles an RGBA image (colour restyled, alpha kept) with tiles of about `tile` pixels, on
/// the calling thread: for the CLI's batch restyle with any translator.
pub fn restyle_rgba_image(
    translator: &ImageTranslator,
    original: &RgbaImage,
    strength: f32,
    tile: usize,
) -> Result<RgbaImage, IpcError> {
    check_strength(strength)?;
    check_size(original)?;
    Ok(restyle_rgba(translator, original, strength, &plan_for(translator, tile), None, |_, _| {})?)
}

/// [`restyle_planar`] on an RGBA image: colour restyled, alpha kept.
fn restyle_rgba(
    translator: &ImageTranslator,
    original: &RgbaImage,
    strength: f32,
    plan: &TilePlan,
    cancel: Option<&CancelToken>,
    progress: impl FnMut(usize, usize),
) -> Result<RgbaImage, InferError> {
    let (width, height) = (original.width() as usize, original.height() as usize);
    let rgb: Vec<u8> = original.pixels().flat_map(|p| [p.0[0], p.0[1], p.0[2]]).collect();
    let planar = PlanarImage::from_interleaved(&rgb, width, height);
    let styled = restyle_planar(translator, &planar, strength, plan, cancel, progress)?.to_interleaved();
    let rgba = styled.chunks_exact(3).zip(original.pixels()).flat_map(|(c, p)| [c[0], c[1], c[2], p.0[3]]).collect();
    RgbaImage::from_raw(original.width(), original.height(), rgba)
        .ok_or_else(|| InferError::Inference("the restyled image does not fit the original's size".into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn photos_over_the_pixel_budget_are_refused_in_words() {
        assert!(check_pixels(8000, 6000).is_ok());
        let error = check_pixels(10_000, 8_000).expect_err("80 MP");
        assert_eq!(error.code, ErrorCode::MediaInvalid);
        assert!(error.message.contains("80 megapixels"), "{}", error.message);
    }
}
