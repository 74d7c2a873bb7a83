//! The sound pipeline: a conditional GAN for one-shot drum and percussion hits. A latent vector
//! and a kind (one-hot) in, a short mono sound out.
//!
//! Latents are drawn per `(seed, kind, index)` from a ChaCha stream, so hit `i` of a kind and
//! seed is the same whatever else is asked for, on every machine. The graph says its sample
//! rate, kinds and latent size in its metadata (`postcraft.sample_rate`, `postcraft.kinds`,
//! `postcraft.latent`); the manifest's params may say them too and must then agree.

use ort::session::Session;
use ort::value::TensorRef;
use parking_lot::Mutex;
use postcraft_jobs::CancelToken;
use std::path::Path;

use crate::cancellable::run_cancellable;
use crate::latent::standard_normal;
use crate::manifest::ModelSpec;
use crate::runtime::SessionOptions;
use crate::{InferError, Runtime};

/// A loaded one-shot generator.
#[derive(Debug)]
pub struct SoundGenerator {
    session: Mutex<Session>,
    latent_dim: usize,
    kinds: Vec<String>,
    sample_rate: u32,
    length: usize,
    output_name: String,
}

impl SoundGenerator {
    /// Opens a (verified) model: inputs `z` `[b, latent]` and `kind` `[b, kinds]` (one-hot),
    /// output `[b, length]` in `[-1, 1]`.
    pub fn load(runtime: &Runtime, spec: &ModelSpec, path: &Path, options: SessionOptions) -> Result<Self, InferError> {
        let invalid = |reason: String| InferError::ModelInvalid { path: path.to_path_buf(), reason };
        let session = runtime.open_session(path, options)?;
        for name in ["z", "kind"] {
            if !session.inputs().iter().any(|i| i.name() == name) {
                return Err(invalid(format!("a sound generator takes inputs `z` and `kind`; `{name}` is missing")));
            }
        }
        let output_name = match session.outputs() {
            [output, ..] => output.name().to_owned(),
            [] => return Err(invalid("the graph has no output".into())),
        };
        let metadata = session.metadata().map_err(|e| invalid(e.to_string()))?;
        let custom = |key: &str| metadata.custom(key).map(|v| v.trim().to_owned());
        let kinds: Vec<String> = custom("postcraft.kinds")
            .map(|list| list.split(',').map(|k| k.trim().to_owned()).filter(|k| !k.is_empty()).collect())
            .unwrap_or_default();
        let sample_rate = custom("postcraft.sample_rate").and_then(|v| v.parse::<u32>().ok());
        let latent_dim = custom("postcraft.latent").and_then(|v| v.parse::<usize>().ok());
        let length = custom("postcraft.length").and_then(|v| v.parse::<usize>().ok());
        drop(metadata);
        let (Some(sample_rate), Some(latent_dim), Some(length)) = (sample_rate, latent_dim, length) else {
            return Err(invalid(
                "the graph's metadata lacks postcraft.sample_rate, postcraft.latent or postcraft.length".into(),
            ));
        };
        if kinds.is_empty() || latent_dim == 0 || length == 0 || !(8_000..=96_000).contains(&sample_rate) {
            return Err(invalid(format!(
                "implausible metadata: kinds {kinds:?}, latent {latent_dim}, length {length}, rate {sample_rate}"
            )));
        }
        if let Some(listed) = spec.params.get("kinds").and_then(|v| v.as_array()) {
            let listed: Vec<&str> = listed.iter().filter_map(|v| v.as_str()).collect();
            if listed != kinds.iter().map(String::as_str).collect::<Vec<_>>() {
                return Err(invalid(format!("the manifest lists kinds {listed:?}, the graph {kinds:?}")));
            }
        }
        Ok(Self { session: Mutex::new(session), latent_dim, kinds, sample_rate, length, output_name })
    }

    /// The kinds of sound, in the order of the one-hot input.
    pub fn kinds(&self) -> &[String] {
        &self.kinds
    }

    /// Samples per second of the output.
    pub fn sample_rate(&self) -> u32 {
        self.sample_rate
    }

    /// Samples per hit.
    pub fn length(&self) -> usize {
        self.length
    }

    /// Latent size.
    pub fn latent_dim(&self) -> usize {
        self.latent_dim
    }

    /// The position of `kind` in [`SoundGenerator::kinds`].
    pub fn kind_index(&self, kind: &str) -> Option<usize> {
        self.kinds.iter().position(|k| k == kind)
    }

    /// The latent of hit `index` of `kind` for `seed`: standard normal from ChaCha8 stream
    /// `(kind << 32) | index`, so kinds do not share latents.
    pub fn latent(&self, seed: u64, kind: usize, index: u32) -> Vec<f32> {
        standard_normal(seed, ((kind as u64) << 32) | u64::from(index), self.latent_dim)
    }

    /// Runs the generator on latents laid end to end, one kind index per latent; returns one
    /// sound (`length` samples) per latent.
    pub fn generate(
        &self,
        latents: &[f32],
        kinds: &[usize],
        cancel: Option<&CancelToken>,
    ) -> Result<Vec<Vec<f32>>, InferError> {
        let batch = kinds.len();
        if batch == 0 || latents.len() != batch * self.latent_dim {
            return Err(InferError::Inference(format!(
                "expected {batch} latents of {} values, got {} values",
                self.latent_dim,
                latents.len()
            )));
        }
        let mut one_hot = vec![0.0f32; batch * self.kinds.len()];
        for (row, &kind) in kinds.iter().enumerate() {
            if kind >= self.kinds.len() {
                return Err(InferError::Inference(format!("kind index {kind} out of range")));
            }
            one_hot[row * self.kinds.len() + kind] = 1.0;
        }
        let bad = |e: ort::Error| InferError::Inference(e.to_string());
        let z = TensorRef::from_array_view(([batch, self.latent_dim], latents)).map_err(bad)?;
        let kind = TensorRef::from_array_view(([batch, self.kinds.len()], one_hot.as_slice())).map_err(bad)?;
        let mut session = self.session.lock();
        let (shape, data) = run_cancellable(cancel, |options| {
            let outputs = session.run_with_options(ort::inputs!["z" => z, "kind" => kind], options)?;
            let (shape, data) = outputs[self.output_name.as_str()].try_extract_tensor::<f32>()?;
            Ok((shape.to_vec(), data.to_vec()))
        })?;
        if shape.iter().product::<i64>() != (batch * self.length) as i64 {
            return Err(InferError::Inference(format!(
                "unexpected output shape {shape:?} for {batch} hits of {} samples",
                self.length
            )));
        }
        Ok(data.chunks_exact(self.length).map(<[f32]>::to_vec).collect())
    }

    /// Hits `first..first + count` of `kind` for `seed`, as one batch.
    pub fn generate_seeded(
        &self,
        seed: u64,
        kind: usize,
        first: u32,
        count: u32,
        cancel: Option<&CancelToken>,
    ) -> Result<Vec<Vec<f32>>, InferError> {
        let mut latents = Vec::with_capacity(count as usize * self.latent_dim);
        for index in first..first + count {
            latents.extend(self.latent(seed, kind, index));
        }
        self.generate(&latents, &vec![kind; count as usize], cancel)
    }
}
