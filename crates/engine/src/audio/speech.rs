//! Voiceover: text to 16-bit speech, sentence by sentence, as piper-tts writes it.

use std::path::{Path, PathBuf};

use postcraft_core::{ErrorCode, IpcError};
use postcraft_jobs::CancelToken;
use postcraft_speech::{PreparedSentence, SpeakSettings, SpokenSentence, Voice, to_pcm16_like_piper};

use crate::Engine;

/// Which voice speaks: one of the manifest's, or a Piper voice file a user brings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VoiceSource {
    /// A manifest id (`piper-joe-medium`).
    Manifest(String),
    /// `voice.onnx` with its config (default: `voice.onnx.json` beside it).
    Files {
        /// The model.
        model: PathBuf,
        /// The config.
        config: Option<PathBuf>,
    },
}

/// Runs `with` on the voice, loaded (and kept warm) or opened from the user's files.
pub fn with_voice<T>(
    engine: &Engine,
    source: &VoiceSource,
    with: impl FnOnce(&Voice) -> Result<T, IpcError>,
) -> Result<T, IpcError> {
    match source {
        VoiceSource::Manifest(id) => with(engine.voice(id)?.as_ref()),
        VoiceSource::Files { model, config } => with(&engine.voice_from_files(model, config.as_deref())?),
    }
}

/// Speech as a whole: 16-bit samples at the voice's rate and where each sentence starts.
#[derive(Debug, Clone)]
pub struct SpokenText {
    /// Samples per second.
    pub sample_rate: u32,
    /// The samples: each sentence normalized as Piper does, then the sentence silence.
    pub pcm16: Vec<i16>,
    /// The sentences in order, with their first sample.
    pub sentences: Vec<(usize, PreparedSentence)>,
}

impl SpokenText {
    /// Length in seconds.
    pub fn duration_seconds(&self) -> f64 {
        self.pcm16.len() as f64 / f64::from(self.sample_rate)
    }
}

/// Speaks `text`, calling `on_sentence` with each sentence's 16-bit samples as soon as they
/// exist (for streaming playback and progress), and returns the whole.
pub fn speak(
    voice: &Voice,
    text: &str,
    settings: &SpeakSettings,
    cancel: Option<&CancelToken>,
    mut on_sentence: impl FnMut(&SpokenSentence, &[i16]),
) -> Result<SpokenText, IpcError> {
    let mut spoken = SpokenText { sample_rate: voice.sample_rate(), pcm16: Vec::new(), sentences: Vec::new() };
    voice
        .speak(text, settings, cancel, |sentence| {
            let mut pcm = to_pcm16_like_piper(&sentence.raw);
            pcm.resize(pcm.len() + sentence.silence_after, 0);
            on_sentence(&sentence, &pcm);
            spoken.sentences.push((spoken.pcm16.len(), sentence.sentence));
            spoken.pcm16.extend_from_slice(&pcm);
            Ok(())
        })
        .map_err(IpcError::from)?;
    Ok(spoken)
}

/// Writes speech as a 16-bit PCM mono WAV (atomically: a temporary file renamed into place).
pub fn write_wav(path: &Path, spoken: &SpokenText) -> Result<(), IpcError> {
    postcraft_audio::dsp::files::write_wav_pcm16_samples(path, spoken.sample_rate, 1, &spoken.pcm16)
        .map_err(|e| IpcError::new(e.code(), e.to_string()))
}

/// The settings of a request: the voice's defaults where a value is not given.
pub fn settings_for(
    voice: &Voice,
    length_scale: Option<f32>,
    noise_scale: Option<f32>,
    noise_w: Option<f32>,
    sentence_silence: f32,
) -> Result<SpeakSettings, IpcError> {
    let mut settings = voice.default_settings();
    if let Some(value) = length_scale {
        settings.scales.length_scale = value;
    }
    if let Some(value) = noise_scale {
        settings.scales.noise_scale = value;
    }
    if let Some(value) = noise_w {
        settings.scales.noise_w = value;
    }
    settings.sentence_silence = sentence_silence;
    settings.validate().map_err(|e| IpcError::new(ErrorCode::InvalidRequest, e.to_string()))?;
    Ok(settings)
}
