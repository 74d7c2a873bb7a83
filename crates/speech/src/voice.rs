//! A Piper voice's `.onnx.json` config: sample rate, espeak voice, default scales, and the map
//! from phonemes to the ids the model reads.

use std::collections::HashMap;
use std::path::Path;

use serde::Deserialize;

use crate::SpeechError;

/// Padding between phonemes.
const PAD: &str = "_";
/// Beginning of a sentence.
const BOS: &str = "^";
/// End of a sentence.
const EOS: &str = "$";

/// The parts of Piper's voice config the studio uses.
#[derive(Debug, Clone, Deserialize)]
pub struct VoiceConfig {
    /// Output sample rate and quality.
    pub audio: AudioConfig,
    /// Which espeak voice phonemizes for this voice.
    pub espeak: EspeakConfig,
    /// Default scales.
    #[serde(default)]
    pub inference: InferenceConfig,
    /// `espeak` (the only type the studio supports) or `text`.
    #[serde(default = "default_phoneme_type")]
    pub phoneme_type: String,
    /// Phoneme (one code point, as a string) to ids.
    pub phoneme_id_map: HashMap<String, Vec<i64>>,
    /// More than one: the model takes a speaker id (`sid`).
    #[serde(default = "one")]
    pub num_speakers: u32,
    /// Speaker names to ids (multi-speaker voices).
    #[serde(default)]
    pub speaker_id_map: HashMap<String, i64>,
    /// Language details, for the UI.
    #[serde(default)]
    pub language: Option<LanguageConfig>,
    /// Dataset name (the voice's name).
    #[serde(default)]
    pub dataset: Option<String>,
}

/// `audio` section.
#[derive(Debug, Clone, Deserialize)]
pub struct AudioConfig {
    /// Samples per second of the model's output.
    pub sample_rate: u32,
    /// `low`, `medium`, `high`.
    #[serde(default)]
    pub quality: Option<String>,
}

/// `espeak` section.
#[derive(Debug, Clone, Deserialize)]
pub struct EspeakConfig {
    /// espeak-ng voice name (`en-us`).
    pub voice: String,
}

/// `inference` section: the voice's default scales.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(default)]
pub struct InferenceConfig {
    /// Noise in the generated audio (expressiveness).
    pub noise_scale: f32,
    /// Duration multiplier: above 1 is slower speech.
    pub length_scale: f32,
    /// Noise in the phoneme durations (rhythm variation).
    pub noise_w: f32,
}

impl Default for InferenceConfig {
    /// Piper's defaults for a config without an `inference` section.
    fn default() -> Self {
        Self { noise_scale: 0.667, length_scale: 1.0, noise_w: 0.8 }
    }
}

/// `language` section.
#[derive(Debug, Clone, Deserialize)]
pub struct LanguageConfig {
    /// `en_US`.
    pub code: String,
    /// `English`.
    #[serde(default)]
    pub name_english: Option<String>,
}

fn default_phoneme_type() -> String {
    "espeak".to_owned()
}

fn one() -> u32 {
    1
}

/// Phonemes the voice has no id for, dropped from the ids (as Piper does), in order of first use.
pub type MissingPhonemes = Vec<char>;

impl VoiceConfig {
    /// Reads and checks a voice config file.
    pub fn load(path: &Path) -> Result<Self, SpeechError> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| SpeechError::VoiceInvalid(format!("cannot read the voice config {}: {e}", path.display())))?;
        Self::parse(&text).map_err(|e| SpeechError::VoiceInvalid(format!("{}: {e}", path.display())))
    }

    /// Parses and checks a voice config.
    pub fn parse(text: &str) -> Result<Self, String> {
        let config: Self = serde_json::from_str(text).map_err(|e| format!("not a Piper voice config: {e}"))?;
        if config.phoneme_type != "espeak" {
            return Err(format!(
                "phoneme_type {:?} is not supported (the studio phonemizes with espeak-ng)",
                config.phoneme_type
            ));
        }
        if !(8_000..=96_000).contains(&config.audio.sample_rate) {
            return Err(format!("sample rate {} Hz is out of range", config.audio.sample_rate));
        }
        for symbol in [PAD, BOS, EOS] {
            if config.phoneme_id_map.get(symbol).is_none_or(Vec::is_empty) {
                return Err(format!("phoneme_id_map lacks {symbol:?}"));
            }
        }
        Ok(config)
    }

    /// Piper's ids for one sentence: BOS, then each phoneme's ids followed by the pad, then EOS.
    /// Phonemes the map lacks are skipped (returned, for a warning).
    pub fn phoneme_ids(&self, phonemes: &[char]) -> (Vec<i64>, MissingPhonemes) {
        let map = &self.phoneme_id_map;
        let mut ids = map[BOS].clone();
        let mut missing = Vec::new();
        let mut key = String::with_capacity(4);
        for &phoneme in phonemes {
            key.clear();
            key.push(phoneme);
            match map.get(&key) {
                Some(phoneme_ids) => {
                    ids.extend_from_slice(phoneme_ids);
                    ids.extend_from_slice(&map[PAD]);
                }
                None if !missing.contains(&phoneme) => missing.push(phoneme),
                None => {}
            }
        }
        ids.extend_from_slice(&map[EOS]);
        (ids, missing)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CONFIG: &str = r#"{
        "audio": {"sample_rate": 22050},
        "espeak": {"voice": "en-us"},
        "phoneme_id_map": {"_": [0], "^": [1], "$": [2], "a": [14], "b": [15]},
        "num_speakers": 1
    }"#;

    #[test]
    fn ids_are_bos_then_phoneme_and_pad_then_eos() {
        let config = VoiceConfig::parse(CONFIG).expect("valid");
        let (ids, missing) = config.phoneme_ids(&['a', 'x', 'b', 'x']);
        assert_eq!(ids, vec![1, 14, 0, 15, 0, 2]);
        assert_eq!(missing, vec!['x']);
        assert_eq!(config.inference.length_scale, 1.0);
    }

    #[test]
    fn configs_without_the_special_symbols_or_of_another_type_are_refused() {
        let no_pad = CONFIG.replace(r#""_": [0], "#, "");
        assert!(VoiceConfig::parse(&no_pad).expect_err("refused").contains("\"_\""));
        let text_type = CONFIG.replace(r#""num_speakers": 1"#, r#""num_speakers": 1, "phoneme_type": "text""#);
        assert!(VoiceConfig::parse(&text_type).expect_err("refused").contains("not supported"));
        assert!(VoiceConfig::parse("{}").expect_err("refused").contains("not a Piper voice config"));
    }
}
