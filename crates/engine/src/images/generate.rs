//! "Generate images": new images by seed, variations of one, each with its recipe.

use std::sync::Arc;

use image::RgbaImage;
use postcraft_core::ipc::{GenerateImagesRequest, JobEvent, VaryRequest};
use postcraft_core::post::Upscale;
use postcraft_core::post::{Recipe, Variation};
use postcraft_core::{ErrorCode, IpcError, JobId};
use postcraft_infer::InferError;
use postcraft_infer::gan::{ImageGenerator, chw_premultiplied_to_rgba8, chw_to_rgb8, slerp, vary};
use postcraft_jobs::{CancelToken, EventSink, JobContext, JobFailure};
use postcraft_vision::upscale::upscale;

use crate::media::media_url;
use crate::{Engine, MediaStore};

/// A generated image and the recipe that makes it again.
#[derive(Debug, Clone)]
pub struct GeneratedImage {
    /// Straight (not premultiplied) RGBA; opaque for RGB models.
    pub image: RgbaImage,
    /// How it was made.
    pub recipe: Recipe,
}

impl Engine {
    /// Starts a job generating `request.count` images; returns its id at once. Images stream to
    /// `sink` as `image` events whose URL the shell serves from [`Engine::media`].
    ///
    /// Fails at once (no job) when the request is out of range or the model cannot be loaded;
    /// loading happens on the calling thread the first time only.
    pub fn generate_images(
        self: &Arc<Self>,
        request: GenerateImagesRequest,
        sink: EventSink,
    ) -> Result<JobId, IpcError> {
        let recipes = self.recipes_for(&request)?;
        let generator = self.image_generator(&request.model)?;
        let engine = Arc::clone(self);
        self.jobs().spawn("images", request.count, sink, move |ctx| {
            generate(&generator, engine.media(), &engine.config().media_base_url, &recipes, ctx)
        })
    }

    /// Generates images on the calling thread, without a job: for the CLI and tests.
    pub fn generate_images_now(&self, request: &GenerateImagesRequest) -> Result<Vec<GeneratedImage>, IpcError> {
        let recipes = self.recipes_for(request)?;
        let generator = self.image_generator(&request.model)?;
        recipes
            .into_iter()
            .map(|recipe| Ok(GeneratedImage { image: render(&generator, &recipe, None)?, recipe }))
            .collect()
    }

    /// Makes the image of `recipe` again, pixel for pixel. Refuses a recipe whose model file
    /// differs from the one installed now (its hash is in the recipe).
    pub fn render_recipe(&self, recipe: &Recipe) -> Result<RgbaImage, IpcError> {
        let installed = self.model_sha256(&recipe.model)?;
        if !recipe.model_sha256.is_empty() && recipe.model_sha256 != installed {
            return Err(IpcError::new(
                ErrorCode::ModelHashMismatch,
                format!(
                    "this image was made by another version of `{}` (SHA-256 {}…); the installed one is {}…",
                    recipe.model,
                    &recipe.model_sha256[..12.min(recipe.model_sha256.len())],
                    &installed[..12.min(installed.len())]
                ),
            ));
        }
        validate_recipe(recipe)?;
        let generator = self.image_generator(&recipe.model)?;
        Ok(render(&generator, recipe, None)?)
    }

    /// The recipes a request asks for, checked.
    fn recipes_for(&self, request: &GenerateImagesRequest) -> Result<Vec<Recipe>, IpcError> {
        let bad = |message: String| Err(IpcError::new(ErrorCode::InvalidRequest, message));
        if request.count == 0 || request.count > GenerateImagesRequest::MAX_COUNT {
            return bad(format!(
                "count must be between 1 and {}, not {}",
                GenerateImagesRequest::MAX_COUNT,
                request.count
            ));
        }
        if request.seed > GenerateImagesRequest::MAX_SEED {
            return bad(format!("seed must be at most {}", GenerateImagesRequest::MAX_SEED));
        }
        let sha = self.model_sha256(&request.model)?;
        let recipes: Vec<Recipe> = (0..request.count)
            .map(|i| {
                let mut recipe = Recipe::seeded(request.model.clone(), request.seed, i);
                recipe.model_sha256 = sha.clone();
                if let Some(VaryRequest { index, strength }) = request.vary {
                    recipe.index = index;
                    recipe.variation = Some(Variation { number: i, strength });
                }
                recipe.upscale = request.upscale;
                recipe
            })
            .collect();
        recipes.iter().try_for_each(validate_recipe)?;
        Ok(recipes)
    }
}

pub(crate) fn validate_recipe(recipe: &Recipe) -> Result<(), IpcError> {
    let bad = |message: String| Err(IpcError::new(ErrorCode::InvalidRequest, message));
    if let Some(variation) = recipe.variation
        && !(0.0..=1.0).contains(&variation.strength)
    {
        return bad(format!("variation strength must be between 0 and 1, not {}", variation.strength));
    }
    if let Some(between) = recipe.between {
        if !(0.0..=1.0).contains(&between.t) {
            return bad(format!("interpolation position must be between 0 and 1, not {}", between.t));
        }
        if let Some(variation) = between.to_variation
            && !(0.0..=1.0).contains(&variation.strength)
        {
            return bad(format!("variation strength must be between 0 and 1, not {}", variation.strength));
        }
    }
    if let Some(upscale) = recipe.upscale {
        if upscale.longest == 0 || upscale.longest > Upscale::MAX_SIDE {
            return bad(format!(
                "upscale size must be between 1 and {} pixels, not {}",
                Upscale::MAX_SIDE,
                upscale.longest
            ));
        }
        if !(0.0..=1.0).contains(&upscale.sharpen) {
            return bad(format!("sharpening must be between 0 and 1, not {}", upscale.sharpen));
        }
    }
    Ok(())
}

/// The job's body: one model run per image, so a cancel takes effect after at most one more
/// image (and the run in flight is terminated through its run options).
fn generate(
    generator: &ImageGenerator,
    media: &MediaStore,
    media_base_url: &str,
    recipes: &[Recipe],
    ctx: &mut JobContext,
) -> Result<(), JobFailure> {
    for (index, recipe) in (0u32..).zip(recipes) {
        ctx.checkpoint()?;
        let image = match render(generator, recipe, Some(ctx.token())) {
            Ok(image) => image,
            Err(InferError::Cancelled) => return Err(JobFailure::Cancelled),
            Err(error) => return Err(JobFailure::Failed(error.into())),
        };
        let (width, height) = image.dimensions();
        media.insert_generated(ctx.id(), index, image, Some(recipe.clone()));
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

/// The latent of a recipe: drawn for `(seed, index)`, varied, then blended towards another.
pub(crate) fn latent_of(generator: &ImageGenerator, recipe: &Recipe) -> Vec<f32> {
    let mut latent = generator.latent(recipe.seed, u64::from(recipe.index));
    if let Some(variation) = recipe.variation {
        let noise = generator.variation_noise(recipe.seed, recipe.index, variation.number);
        latent = vary(&latent, &noise, variation.strength);
    }
    if let Some(between) = recipe.between {
        let mut other = generator.latent(between.to_seed, u64::from(between.to_index));
        if let Some(variation) = between.to_variation {
            let noise = generator.variation_noise(between.to_seed, between.to_index, variation.number);
            other = vary(&other, &noise, variation.strength);
        }
        latent = slerp(&latent, &other, between.t);
    }
    latent
}

/// Runs the generator for one recipe and converts (and upscales) its output.
pub(crate) fn render(
    generator: &ImageGenerator,
    recipe: &Recipe,
    cancel: Option<&CancelToken>,
) -> Result<RgbaImage, InferError> {
    let (width, height) = generator.image_size();
    let chw = generator.generate(&latent_of(generator, recipe), 1, cancel)?;
    let rgba = if generator.channels() == 4 {
        chw_premultiplied_to_rgba8(&chw, width, height)
    } else {
        chw_to_rgb8(&chw, width, height).chunks_exact(3).flat_map(|p| [p[0], p[1], p[2], 255]).collect()
    };
    let image = RgbaImage::from_raw(width as u32, height as u32, rgba)
        .ok_or_else(|| InferError::Inference("the output does not fit the image size".into()))?;
    Ok(match recipe.upscale {
        Some(up) => upscale(&image, up.longest, up.sharpen),
        None => image,
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_ui_and_the_resampler_agree_on_the_largest_upscale() {
        assert_eq!(super::Upscale::MAX_SIDE, postcraft_vision::upscale::MAX_UPSCALE_SIDE);
    }
}
