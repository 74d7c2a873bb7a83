//! The image GAN pipeline: latent vectors in, images out.
//!
//! Latents are drawn per `(seed, index)` from a ChaCha stream, so image `i` of a seed is the
//! same whatever the batch size or the count asked for, on every machine. Variations and
//! interpolations are functions of latents (see [`vary`] and [`slerp`]), so every result is
//! reproducible from its recipe.

use ort::session::Session;
use ort::value::TensorRef;
use parking_lot::Mutex;
use postcraft_jobs::CancelToken;
use std::path::Path;

use crate::cancellable::run_cancellable;
use crate::latent::standard_normal;
use crate::manifest::{Dim, ModelSpec};
use crate::runtime::SessionOptions;
use crate::{InferError, Runtime};

/// A loaded generator (DCGAN-style: `[b, latent, 1, 1]` to `[b, c, h, w]` in `[-1, 1]`), where
/// `c` is 3 (RGB) or 4 (RGBA with colour premultiplied by alpha, as the sticker model makes).
#[derive(Debug)]
pub struct ImageGenerator {
    session: Mutex<Session>,
    latent_dim: usize,
    channels: usize,
    width: usize,
    height: usize,
    input_name: String,
    output_name: String,
}

impl ImageGenerator {
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
        let height = fixed(&output.shape, 2).ok_or_else(|| invalid("output shape must be [batch, c, h, w]".into()))?;
        let width = fixed(&output.shape, 3).ok_or_else(|| invalid("output shape must be [batch, c, h, w]".into()))?;
        let channels = match fixed(&output.shape, 1) {
            Some(c @ (3 | 4)) => c,
            _ => return Err(invalid("output must have 3 (RGB) or 4 (premultiplied RGBA) channels".into())),
        };

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
            channels,
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

    /// 3 (RGB) or 4 (premultiplied RGBA).
    pub fn channels(&self) -> usize {
        self.channels
    }

    /// Output width and height in pixels.
    pub fn image_size(&self) -> (usize, usize) {
        (self.width, self.height)
    }

    /// The latent vector of image `index` for `seed`: standard normal, from ChaCha8 stream `index`.
    pub fn latent(&self, seed: u64, index: u64) -> Vec<f32> {
        standard_normal(seed, index, self.latent_dim)
    }

    /// The noise that variation `number` of image `index` of `seed` rotates towards: its own
    /// ChaCha8 stream, disjoint from every image's (those use streams below 2^32).
    pub fn variation_noise(&self, seed: u64, index: u32, number: u32) -> Vec<f32> {
        standard_normal(seed, ((u64::from(number) + 1) << 32) | u64::from(index), self.latent_dim)
    }

    /// Runs the generator on `batch` latents laid end to end; returns `batch` images, each
    /// `c * h * w` floats in CHW order. If `cancel` fires during the run, the run is terminated
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
        let mut session = self.session.lock();
        let (shape, data) = run_cancellable(cancel, |options| {
            let outputs = session.run_with_options(ort::inputs![self.input_name.as_str() => input], options)?;
            let (shape, data) = outputs[self.output_name.as_str()].try_extract_tensor::<f32>()?;
            Ok((shape.to_vec(), data.to_vec()))
        })?;
        let expected = [batch as i64, self.channels as i64, self.height as i64, self.width as i64];
        if shape != expected {
            return Err(InferError::Inference(format!("unexpected output shape {shape:?}, expected {expected:?}")));
        }
        Ok(data)
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
            rgb.push(unit_to_byte((value + 1.0) / 2.0));
        }
    }
    rgb
}

/// Converts one CHW premultiplied-RGBA image in `[-1, 1]` to interleaved straight RGBA bytes
/// (what PNG stores): colour is divided by alpha, fully transparent pixels become (0, 0, 0, 0).
pub fn chw_premultiplied_to_rgba8(chw: &[f32], width: usize, height: usize) -> Vec<u8> {
    let plane = width * height;
    let at = |channel: usize, pixel: usize| (chw.get(channel * plane + pixel).copied().unwrap_or(-1.0) + 1.0) / 2.0;
    let mut rgba = Vec::with_capacity(plane * 4);
    for pixel in 0..plane {
        let alpha = at(3, pixel).clamp(0.0, 1.0);
        let alpha_byte = unit_to_byte(alpha);
        for channel in 0..3 {
            let straight = if alpha_byte == 0 { 0.0 } else { at(channel, pixel) / alpha };
            rgba.push(if alpha_byte == 0 { 0 } else { unit_to_byte(straight) });
        }
        rgba.push(alpha_byte);
    }
    rgba
}

fn unit_to_byte(value: f32) -> u8 {
    (value.clamp(0.0, 1.0) * 255.0).round() as u8
}

/// A variation of latent `base`: rotated towards the independent normal vector `noise` by
/// `strength` (0 = the same image, 1 = a new one), on the sphere, so the result is distributed
/// like any latent (a plain `base + strength * noise` would drift off the prior and blur).
pub fn vary(base: &[f32], noise: &[f32], strength: f32) -> Vec<f32> {
    let angle = strength.clamp(0.0, 1.0) * std::f32::consts::FRAC_PI_2;
    let (sin, cos) = angle.sin_cos();
    base.iter().zip(noise).map(|(b, n)| b * cos + n * sin).collect()
}

/// Spherical interpolation between two latents at `t` in `[0, 1]`: intermediate latents keep the
/// norm that Gaussian latents have (linear interpolation passes through low-norm, washed-out
/// images halfway).
pub fn slerp(a: &[f32], b: &[f32], t: f32) -> Vec<f32> {
    let norm = |v: &[f32]| v.iter().map(|x| x * x).sum::<f32>().sqrt();
    let (na, nb) = (norm(a), norm(b));
    let dot = a.iter().zip(b).map(|(x, y)| x * y).sum::<f32>() / (na * nb).max(f32::EPSILON);
    let omega = dot.clamp(-1.0, 1.0).acos();
    if omega.abs() < 1e-4 {
        return a.iter().zip(b).map(|(x, y)| x + (y - x) * t).collect();
    }
    let (wa, wb) = (((1.0 - t) * omega).sin() / omega.sin(), (t * omega).sin() / omega.sin());
    a.iter().zip(b).map(|(x, y)| wa * x + wb * y).collect()
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

    #[test]
    fn premultiplied_alpha_is_undone_and_transparent_pixels_are_zero() {
        // pixel 0: half-transparent red (premultiplied 0.5, 0, 0, alpha 0.5); pixel 1: transparent
        let to_range = |v: f32| v * 2.0 - 1.0;
        let chw = [0.5, 0.3, 0.0, 0.0, 0.0, 0.0, 0.5, 0.0].map(to_range);
        assert_eq!(chw_premultiplied_to_rgba8(&chw, 2, 1), vec![255, 0, 0, 128, 0, 0, 0, 0]);
    }

    #[test]
    fn vary_and_slerp_keep_their_ends() {
        let a = [1.0, 0.0, 0.0];
        let b = [0.0, 2.0, 0.0];
        assert_eq!(vary(&a, &b, 0.0), a.to_vec());
        let full = vary(&a, &b, 1.0);
        assert!((full[1] - 2.0).abs() < 1e-6 && full[0].abs() < 1e-6);
        let mid = slerp(&a, &b, 0.5);
        assert!((mid[0] - mid[1] / 2.0).abs() < 1e-6, "{mid:?}");
        assert_eq!(slerp(&a, &b, 0.0), a.to_vec());
        let end = slerp(&a, &b, 1.0);
        assert!((end[1] - 2.0).abs() < 1e-5 && end[0].abs() < 1e-5);
    }
}
