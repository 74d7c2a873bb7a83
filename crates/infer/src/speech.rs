//! The speech pipeline's model: Piper (VITS) voices, phoneme ids in, audio samples out.
//!
//! Text and phonemes are the `postcraft-speech` crate's business; this runs the graph:
//! `input` int64 `[1, n]`, `input_lengths` int64 `[1]`, `scales` float `[3]` (noise, length,
//! noise_w) and, for voices with several speakers, `sid` int64 `[1]`, giving `[1, 1, 1, t]`.

use ort::session::Session;
use ort::value::TensorRef;
use parking_lot::Mutex;
use postcraft_jobs::CancelToken;
use std::path::Path;

use crate::cancellable::run_cancellable;
use crate::runtime::SessionOptions;
use crate::{InferError, Runtime};

/// The three numbers a Piper voice is driven by.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SpeechScales {
    /// Noise added to the generated audio (expressiveness); 0 is deterministic.
    pub noise_scale: f32,
    /// Phoneme durations multiplier: 2 is half speed.
    pub length_scale: f32,
    /// Noise added to the durations (rhythm); 0 is deterministic.
    pub noise_w: f32,
}

/// A loaded voice model.
#[derive(Debug)]
pub struct SpeechModel {
    session: Mutex<Session>,
    takes_speaker: bool,
    output_name: String,
}

const INPUTS: [&str; 3] = ["input", "input_lengths", "scales"];

impl SpeechModel {
    /// Opens a (verified) voice model and checks it has Piper's inputs.
    pub fn load(runtime: &Runtime, path: &Path, options: SessionOptions) -> Result<Self, InferError> {
        let invalid = |reason: String| InferError::ModelInvalid { path: path.to_path_buf(), reason };
        let session = runtime.open_session(path, options)?;
        let names: Vec<String> = session.inputs().iter().map(|i| i.name().to_owned()).collect();
        if let Some(missing) = INPUTS.iter().find(|n| !names.iter().any(|name| name == *n)) {
            return Err(invalid(format!(
                "not a Piper voice: it has no input `{missing}` (it has {})",
                names.join(", ")
            )));
        }
        let takes_speaker = names.iter().any(|n| n == "sid");
        let output_name = match session.outputs() {
            [output, ..] => output.name().to_owned(),
            [] => return Err(invalid("the graph has no output".into())),
        };
        Ok(Self { session: Mutex::new(session), takes_speaker, output_name })
    }

    /// Whether the graph takes a speaker id.
    pub fn takes_speaker(&self) -> bool {
        self.takes_speaker
    }

    /// Synthesizes one sentence's ids into samples (floats around `[-1, 1]`, not normalized).
    /// `speaker` is used by multi-speaker voices (default 0) and ignored by the others.
    pub fn synthesize(
        &self,
        ids: &[i64],
        scales: SpeechScales,
        speaker: Option<i64>,
        cancel: Option<&CancelToken>,
    ) -> Result<Vec<f32>, InferError> {
        let bad = |reason: String| InferError::Inference(reason);
        if ids.is_empty() {
            return Err(bad("no phoneme ids to speak".into()));
        }
        let lengths = [ids.len() as i64];
        let scales = [scales.noise_scale, scales.length_scale, scales.noise_w];
        let speaker = [speaker.unwrap_or(0)];
        let input = TensorRef::from_array_view(([1, ids.len()], ids)).map_err(|e| bad(e.to_string()))?;
        let input_lengths = TensorRef::from_array_view(([1], &lengths[..])).map_err(|e| bad(e.to_string()))?;
        let scales = TensorRef::from_array_view(([3], &scales[..])).map_err(|e| bad(e.to_string()))?;
        let mut session = self.session.lock();
        run_cancellable(cancel, |options| {
            let outputs = if self.takes_speaker {
                let sid = TensorRef::from_array_view(([1], &speaker[..]))?;
                session.run_with_options(
                    ort::inputs!["input" => input, "input_lengths" => input_lengths, "scales" => scales, "sid" => sid],
                    options,
                )?
            } else {
                session.run_with_options(
                    ort::inputs!["input" => input, "input_lengths" => input_lengths, "scales" => scales],
                    options,
                )?
            };
            let (_, samples) = outputs[self.output_name.as_str()].try_extract_tensor::<f32>()?;
            Ok(samples.to_vec())
        })
    }
}
