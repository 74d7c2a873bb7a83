//! Text to speech with Piper (VITS) voices, offline.
//!
//! The pipeline is Piper's, step for step, so a voice sounds as it was trained and the samples
//! equal `piper-tts`'s for the same text (tested against its output):
//!
//! 1. [`Espeak::phonemize`]: espeak-ng splits the text into clauses and sentences and gives IPA
//!    phonemes per clause, with the clause's punctuation appended.
//! 2. [`VoiceConfig::phoneme_ids`]: the voice's `phoneme_id_map` turns each sentence into ids.
//! 3. [`SpeechModel::synthesize`](postcraft_infer::speech::SpeechModel::synthesize): the voice
//!    model turns one sentence's ids into samples at the voice's rate.
//!
//! [`Voice::speak`] runs them sentence by sentence and hands each sentence's audio over as soon
//! as it exists, so playback of the first sentence starts before the last is synthesized.

mod espeak;
mod voice;

use std::path::Path;

pub use espeak::{Espeak, EspeakInfo, LIBRARY_FILE};
use postcraft_core::ErrorCode;
use postcraft_infer::speech::{SpeechModel, SpeechScales};
use postcraft_infer::{InferError, Runtime, SessionOptions};
use postcraft_jobs::CancelToken;
pub use voice::{InferenceConfig, VoiceConfig};

/// What can go wrong in speech.
#[derive(Debug, thiserror::Error)]
pub enum SpeechError {
    /// espeak-ng (library or data) is not there or does not initialise.
    #[error("{0}")]
    PhonemizerMissing(String),
    /// espeak-ng refused the text or the voice.
    #[error("phonemizing failed: {0}")]
    PhonemizerFailed(String),
    /// The voice's config is not a usable Piper config.
    #[error("the voice is not usable: {0}")]
    VoiceInvalid(String),
    /// Parameters out of range.
    #[error("{0}")]
    InvalidRequest(String),
    /// Loading or running the voice model failed (or was cancelled).
    #[error(transparent)]
    Infer(#[from] InferError),
}

impl From<SpeechError> for postcraft_core::IpcError {
    fn from(error: SpeechError) -> Self {
        postcraft_core::IpcError::new(error.code(), error.to_string())
    }
}

impl SpeechError {
    /// The stable code the UI branches on.
    pub fn code(&self) -> ErrorCode {
        match self {
            Self::PhonemizerMissing(_) => ErrorCode::ToolMissing,
            Self::PhonemizerFailed(_) => ErrorCode::InferenceFailed,
            Self::VoiceInvalid(_) => ErrorCode::ModelInvalid,
            Self::InvalidRequest(_) => ErrorCode::InvalidRequest,
            Self::Infer(e) => e.code(),
        }
    }

    /// Whether this is a cancelled job rather than a failure.
    pub fn is_cancelled(&self) -> bool {
        matches!(self, Self::Infer(InferError::Cancelled))
    }
}

/// How to speak: Piper's three scales (see [`SpeechScales`]) and the pause between sentences.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SpeakSettings {
    /// The model's scales.
    pub scales: SpeechScales,
    /// Speaker of a multi-speaker voice.
    pub speaker: Option<i64>,
    /// Silence after each sentence but the last, in seconds.
    pub sentence_silence: f32,
}

/// Limits of [`SpeakSettings`], checked by [`SpeakSettings::validate`].
pub const LENGTH_SCALE_RANGE: (f32, f32) = (0.25, 4.0);
/// Noise scales: 0 (deterministic) to 2.
pub const NOISE_RANGE: (f32, f32) = (0.0, 2.0);
/// Sentence silence: 0 to 5 seconds.
pub const SILENCE_RANGE: (f32, f32) = (0.0, 5.0);

impl SpeakSettings {
    /// Checks every value is within its range (NaN is not).
    pub fn validate(&self) -> Result<(), SpeechError> {
        let check = |name: &str, value: f32, (lo, hi): (f32, f32)| {
            if (lo..=hi).contains(&value) {
                Ok(())
            } else {
                Err(SpeechError::InvalidRequest(format!("{name} must be between {lo} and {hi}, not {value}")))
            }
        };
        check("length scale", self.scales.length_scale, LENGTH_SCALE_RANGE)?;
        check("noise scale", self.scales.noise_scale, NOISE_RANGE)?;
        check("noise w", self.scales.noise_w, NOISE_RANGE)?;
        check("sentence silence", self.sentence_silence, SILENCE_RANGE)
    }
}

/// One sentence ready for the model.
#[derive(Debug, Clone, PartialEq)]
pub struct PreparedSentence {
    /// Its phonemes (IPA code points, with punctuation).
    pub phonemes: String,
    /// The ids the voice receives.
    pub ids: Vec<i64>,
    /// Phonemes the voice has no id for (dropped).
    pub missing: Vec<char>,
}

/// One spoken sentence, as handed to [`Voice::speak`]'s callback.
#[derive(Debug, Clone)]
pub struct SpokenSentence {
    /// 0-based.
    pub index: usize,
    /// How many sentences the text has.
    pub count: usize,
    /// What was spoken.
    pub sentence: PreparedSentence,
    /// The model's output, as it came (not normalized).
    pub raw: Vec<f32>,
    /// Zero samples to play after it (the sentence silence; none after the last).
    pub silence_after: usize,
}

/// A loaded voice: its config, its model and the espeak-ng that phonemizes for it.
#[derive(Debug)]
pub struct Voice {
    config: VoiceConfig,
    model: SpeechModel,
    espeak: Espeak,
}

impl Voice {
    /// Loads a (verified) Piper voice: the model and its `.onnx.json` config.
    pub fn load(
        runtime: &Runtime,
        model_path: &Path,
        config_path: &Path,
        espeak: Espeak,
        options: SessionOptions,
    ) -> Result<Self, SpeechError> {
        let config = VoiceConfig::load(config_path)?;
        let model = SpeechModel::load(runtime, model_path, options)?;
        if config.num_speakers > 1 && !model.takes_speaker() {
            return Err(SpeechError::VoiceInvalid(format!(
                "the config says {} speakers but the model takes no speaker id",
                config.num_speakers
            )));
        }
        Ok(Self { config, model, espeak })
    }

    /// The voice's config.
    pub fn config(&self) -> &VoiceConfig {
        &self.config
    }

    /// Samples per second of the output.
    pub fn sample_rate(&self) -> u32 {
        self.config.audio.sample_rate
    }

    /// The voice's own default settings (its config's scales, no sentence silence).
    pub fn default_settings(&self) -> SpeakSettings {
        let InferenceConfig { noise_scale, length_scale, noise_w } = self.config.inference;
        SpeakSettings {
            scales: SpeechScales { noise_scale, length_scale, noise_w },
            speaker: None,
            sentence_silence: 0.0,
        }
    }

    /// Text to sentences of phonemes and ids, without synthesizing.
    pub fn prepare(&self, text: &str) -> Result<Vec<PreparedSentence>, SpeechError> {
        let sentences = self.espeak.phonemize(text, &self.config.espeak.voice)?;
        Ok(sentences
            .into_iter()
            .map(|phonemes| {
                let (ids, missing) = self.config.phoneme_ids(&phonemes);
                if !missing.is_empty() {
                    tracing::warn!("the voice has no id for the phonemes {missing:?}; they are left out");
                }
                PreparedSentence { phonemes: phonemes.into_iter().collect(), ids, missing }
            })
            .collect())
    }

    /// Synthesizes one prepared sentence.
    pub fn synthesize(
        &self,
        sentence: &PreparedSentence,
        settings: &SpeakSettings,
        cancel: Option<&CancelToken>,
    ) -> Result<Vec<f32>, SpeechError> {
        let speaker = if self.model.takes_speaker() { Some(settings.speaker.unwrap_or(0)) } else { None };
        Ok(self.model.synthesize(&sentence.ids, settings.scales, speaker, cancel)?)
    }

    /// Speaks `text` sentence by sentence, calling `on_sentence` with each as soon as it is
    /// synthesized. Returns the number of sentences. Stops at the first error (of the model or
    /// of the callback) or when `cancel` fires.
    pub fn speak(
        &self,
        text: &str,
        settings: &SpeakSettings,
        cancel: Option<&CancelToken>,
        mut on_sentence: impl FnMut(SpokenSentence) -> Result<(), SpeechError>,
    ) -> Result<usize, SpeechError> {
        settings.validate()?;
        let sentences = self.prepare(text)?;
        if sentences.is_empty() {
            return Err(SpeechError::InvalidRequest("there is nothing to say: the text has no words".into()));
        }
        let count = sentences.len();
        let silence = (settings.sentence_silence * self.sample_rate() as f32).round() as usize;
        for (index, sentence) in sentences.into_iter().enumerate() {
            let raw = self.synthesize(&sentence, settings, cancel)?;
            let silence_after = if index + 1 < count { silence } else { 0 };
            on_sentence(SpokenSentence { index, count, sentence, raw, silence_after })?;
        }
        Ok(count)
    }
}

/// Piper's per-sentence normalization: scaled so the loudest sample is at full scale (unless
/// the sentence is near silent, below 0.01), clipped to `[-1, 1]`.
pub fn normalize_like_piper(raw: &[f32]) -> Vec<f32> {
    let scale = 1.0 / peak(raw).max(0.01);
    raw.iter().map(|x| (x * scale).clamp(-1.0, 1.0)).collect()
}

/// Piper's 16-bit conversion (`audio_float_to_int16`): the same normalization at 32767, clipped,
/// truncated toward zero. Bit-identical to piper-tts's WAV samples.
pub fn to_pcm16_like_piper(raw: &[f32]) -> Vec<i16> {
    const MAX: f32 = 32767.0;
    let scale = MAX / peak(raw).max(0.01);
    raw.iter().map(|x| (x * scale).clamp(-MAX, MAX) as i16).collect()
}

fn peak(samples: &[f32]) -> f32 {
    samples.iter().fold(0.0f32, |m, x| m.max(x.abs()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pcm16_matches_piper_rounding_and_normalization() {
        assert_eq!(to_pcm16_like_piper(&[0.5, -0.25, 0.0]), vec![32767, -16383, 0]);
        // Near silence is not blown up to full scale.
        assert_eq!(to_pcm16_like_piper(&[0.001, -0.002]), vec![3276, -6553]);
        assert_eq!(normalize_like_piper(&[0.5, -0.25]), vec![1.0, -0.5]);
    }

    #[test]
    fn settings_out_of_range_are_refused() {
        let ok = SpeakSettings {
            scales: SpeechScales { noise_scale: 0.667, length_scale: 1.0, noise_w: 0.8 },
            speaker: None,
            sentence_silence: 0.2,
        };
        assert!(ok.validate().is_ok());
        let slow = SpeakSettings { scales: SpeechScales { length_scale: 9.0, ..ok.scales }, ..ok };
        assert!(slow.validate().expect_err("refused").to_string().contains("length scale"));
        let nan = SpeakSettings { sentence_silence: f32::NAN, ..ok };
        assert!(nan.validate().is_err());
    }
}
