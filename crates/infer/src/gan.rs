//! The image GAN pipeline: latent vectors in, images out.
//!
//! Latents are drawn per `(seed, index)` from a ChaCha stream, so image `i` of a seed is the
//! same whatever the batch size or the count asked for, on every machine.

use std::path::Path;
use std::sync::Arc;

use ort::session::{RunOptions, Session};
use ort::value::TensorRef;
use parking_lot::Mutex;
use postcraft_jobs::CancelToken;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, StandardNormal};

use crate::manifest::{Dim, ModelSpec};
use crate::runtime::SessionOptions;
use crate::{InferError, Runtime};

/// A loaded generator (DCGAN-style: `[b, latent, 1, 1]` to `[b, 3, h, w]` in `[-1, 1]`).
#[derive(Debug)]
pub struct FaceGenerator {
    session: Mutex<Session>,
    latent_dim: usize,
    width: usize,
    height: usize,
    input_name: String,
    output_name: String,
}

impl FaceGenerator {
    /// Opens the verified model file at `path` described by `spec`, checking the graph's
    /// signature against the manifest.
    pub fn load(runtime: &Runtime, spec: &ModelSpec, path: &Path, options: SessionOptions) -> Result<Self, InferError> {
        let invalid = |reason: String| InferError::ModelInvalid { path: path.to_path_buf(), reason };
        let (input, output) = match (spec.inputs.first(), spec.outputs.first()) {
            (Some(input), Some(output)) => (input, output),
            _ => return Err(invalid("the manifest lists no input or output".into())),
        };
        let latent_dim =
            fixed(&input.shape, 1).ok_or_else(|| invalid("input shape must be [batch, latent, 1, 1]".into()))?;
        let height = fixed(&output.shape, 2).ok_or_else(|| invalid("output shape must be [batch, 3, h, w]".into()))?;
        let width = fixed(&output.shape, 3).ok_or_else(|| invalid("output shape must be [batch, 3, h, w]".into()))?;
        if fixed(&output.shape, 1) != Some(3) {
            return Err(invalid("output must have 3 channels".into()));
        }

        let session = runtime.open_session(path, options)?;
        let has_input = session.inputs().iter().any(|i| i.name() == input.name);
        let has_output = session.outputs().iter().any(|o| o.name() == output.name);
        if !has_input || !has_output {
            return Err(invalid(format!(
                "the graph has no input `{}` or no output `{}` as the manifest says",
                input.name, output.name
            )));
        }
        Ok(Self {
            session: Mutex::new(session),
            latent_dim,
            width,
            height,
            input_name: input.name.clone(),
            output_name: output.name.clone(),
        })
    }

    /// Latent size.
    pub fn latent_dim(&self) -> usize {
        self.latent_dim
    }

    /// Output width and height in pixels.
    pub fn image_size(&self) -> (usize, usize) {
        (self.width, self.height)
    }

    /// The latent vector of image `index` for `seed`: standard normal, from ChaCha8 stream `index`.
    pub fn latent(&self, seed: u64, index: u64) -> Vec<f32> {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        rng.set_stream(index);
        (0..self.latent_dim).map(|_| StandardNormal.sample(&mut rng)).collect()
    }

    /// Runs the generator on `batch` latents laid end to end; returns `batch` images, each
    /// `3 * h * w` floats in CHW order. If `cancel` fires during the run, the run is terminated
    /// and `Cancelled` returned.
    pub fn generate(
        &self,
        latents: &[f32],
        batch: usize,
        cancel: Option<&CancelToken>,
    ) -> Result<Vec<f32>, InferError> {
        if batch == 0 || latents.len() != batch * self.latent_dim {
            return Err(InferError::Inference(format!(
                "expected {batch} latents of {} values, got {} values",
                self.latent_dim,
                latents.len()
            )));
        }
        let input = TensorRef::from_array_view(([batch, self.latent_dim, 1, 1], latents))
            .map_err(|e| InferError::Inference(e.to_string()))?;
        let options = Arc::new(RunOptions::new().map_err(|e| InferError::Inference(e.to_string()))?);
        let _terminate_on_cancel = cancel.map(|token| {
            let options = Arc::clone(&options);
            token.on_cancel(move || {
                if let Err(error) = options.terminate() {
                    tracing::warn!("could not terminate a model run: {error}");
                }
            })
        });

        let mut session = self.session.lock();
        let result = session.run_with_options(ort::inputs![self.input_name.as_str() => input], &options);
        let outputs = match result {
            Ok(outputs) => outputs,
            Err(_) if cancel.is_some_and(CancelToken::is_cancelled) => return Err(InferError::Cancelled),
            Err(error) => return Err(InferError::Inference(error.to_string())),
        };
        let (shape, data) = outputs[self.output_name.as_str()]
            .try_extract_tensor::<f32>()
            .map_err(|e| InferError::Inference(e.to_string()))?;
        let expected = [batch as i64, 3, self.height as i64, self.width as i64];
        if shape.as_ref() != expected {
            return Err(InferError::Inference(format!("unexpected output shape {shape:?}, expected {expected:?}")));
        }
        Ok(data.to_vec())
    }

    /// Generates images `first..first + count` of `seed` as one batch.
    pub fn generate_seeded(
        &self,
        seed: u64,
        first: u64,
        count: usize,
        cancel: Option<&CancelToken>,
    ) -> Result<Vec<f32>, InferError> {
        let mut latents = Vec::with_capacity(count * self.latent_dim);
        for index in first..first + count as u64 {
            latents.extend(self.latent(seed, index));
        }
        self.generate(&latents, count, cancel)
    }
}

/// Converts one CHW image in `[-1, 1]` to interleaved RGB bytes.
pub fn chw_to_rgb8(chw: &[f32], width: usize, height: usize) -> Vec<u8> {
    let plane = width * height;
    let mut rgb = Vec::with_capacity(plane * 3);
    for pixel in 0..plane {
        for channel in 0..3 {
            let value = chw.get(channel * plane + pixel).copied().unwrap_or(-1.0);
            rgb.push(((value.clamp(-1.0, 1.0) + 1.0) * 127.5).round() as u8);
        }
    }
    rgb
}

/// A fixed dimension of a manifest shape.
fn fixed(shape: &[Dim], axis: usize) -> Option<usize> {
    match shape.get(axis) {
        Some(Dim::Fixed(n)) if *n > 0 => usize::try_from(*n).ok(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rgb_conversion_maps_range_and_interleaves() {
        // 1x2 image: pixel 0 = (-1, 0, 1), pixel 1 = (1, 1, -1)
        let chw = [-1.0, 1.0, 0.0, 1.0, 1.0, -1.0];
        assert_eq!(chw_to_rgb8(&chw, 2, 1), vec![0, 128, 255, 255, 255, 0]);
    }
}
