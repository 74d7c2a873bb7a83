//! Requests and results of the Voice and Sound tools, the mixer and the player.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Speak text with a voice; the job streams `speechSentence` events as sentences are
/// synthesized (playing them at once when `play` is set) and ends with an `audioClip` event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SpeakRequest {
    /// The words.
    pub text: String,
    /// Manifest id of a `speech` model (default: the shipped voice).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub voice: Option<String>,
    /// Duration multiplier: above 1 speaks slower. Default: the voice's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub length_scale: Option<f32>,
    /// Expressiveness noise (0 is deterministic). Default: the voice's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub noise_scale: Option<f32>,
    /// Rhythm noise (0 is deterministic). Default: the voice's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub noise_w: Option<f32>,
    /// Seconds of silence between sentences.
    #[serde(default)]
    pub sentence_silence: f32,
    /// Start playing the first sentence as soon as it exists.
    #[serde(default)]
    pub play: bool,
}

/// Generate one-shot hits of a kind; each arrives as an `audioClip` event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct GenerateHitsRequest {
    /// kick, snare, hat, clap, tom, cymbal, perc.
    pub kind: String,
    /// How many.
    pub count: u32,
    /// The random seed: the same seed gives the same hits.
    #[ts(type = "number")]
    pub seed: u64,
}

/// One lane of a beat pattern: a drum kind and its velocity on each sixteenth (0 is off).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct BeatLane {
    /// The drum kind.
    pub kind: String,
    /// 16 steps per bar, velocities 0 to 1.
    pub steps: Vec<f32>,
}

/// Make a beat (a loop of 4/4 bars) from generated hits; the result is an `audioClip` event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct MakeBeatRequest {
    /// A preset pattern's name (see `BEAT_PRESETS`), used when `lanes` is empty.
    #[serde(default)]
    pub preset: String,
    /// The creator's own pattern.
    #[serde(default)]
    pub lanes: Vec<BeatLane>,
    /// Tempo (40 to 240).
    pub bpm: f64,
    /// Length in bars (1 to 64).
    pub bars: u32,
    /// Swing of the off-sixteenths, 0 to 0.6.
    #[serde(default)]
    pub swing: f32,
    /// Which hits play.
    #[ts(type = "number")]
    pub seed: u64,
}

/// What a clip is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum ClipKind {
    /// Speech.
    Voice,
    /// A one-shot hit.
    Hit,
    /// A sequenced loop.
    Beat,
    /// Voice over bed, loudness-normalized.
    Mix,
    /// A sound file the creator brought.
    Imported,
}

/// A sound the studio holds: served as WAV at `url`, drawn from `peaks`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AudioClip {
    /// Its id, for playback, mixing and adding to the post.
    pub id: u32,
    /// What it is.
    pub kind: ClipKind,
    /// A short name for people ("Voice: Fresh coffee…", "kick 42/0").
    pub label: String,
    /// Where the UI fetches the WAV.
    pub url: String,
    /// Length in seconds.
    pub duration_seconds: f64,
    /// Samples per second.
    pub sample_rate: u32,
    /// 1 mono, 2 stereo.
    pub channels: u16,
    /// Minimum and maximum over each of `PEAK_BUCKETS` equal slices, for the waveform.
    pub peaks: Vec<[f32; 2]>,
}

/// Voice over bed, mixed and normalized to the platform loudness.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct MixRequest {
    /// The voiceover clip.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub voice: Option<u32>,
    /// The music bed clip.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub bed: Option<u32>,
    /// Where the voice starts, in seconds.
    pub voice_offset_seconds: f64,
    /// How far the bed goes down under speech, in dB (0: no ducking).
    pub ducking_db: f32,
    /// Bed level under the voice's, in dB (negative is quieter).
    pub bed_gain_db: f32,
    /// Fade-in seconds.
    pub fade_in_seconds: f64,
    /// Fade-out seconds.
    pub fade_out_seconds: f64,
    /// Where to write the WAV too (optional).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub output: Option<String>,
}

/// The player's state, reported about 30 times a second while playing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum PlayerStatus {
    /// Nothing loaded, or stopped.
    Idle,
    /// Playing.
    Playing,
    /// Paused.
    Paused,
    /// Waiting for more of a sound that is still being made.
    Buffering,
    /// Played to the end.
    Ended,
}

/// A position report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PlayerReport {
    /// What the player does.
    pub status: PlayerStatus,
    /// The clip loaded, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub clip: Option<u32>,
    /// Seconds from the start.
    pub position_seconds: f64,
    /// Length of what is loaded (so far, while it is still being made).
    pub duration_seconds: f64,
    /// Whether it loops.
    pub looping: bool,
    /// Linear volume, 0 to 2.
    pub volume: f32,
    /// Why playback stopped working, if it did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub error: Option<String>,
}

/// What the transport buttons and sliders do.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", tag = "action")]
pub enum PlayerAction {
    /// Play (from the start once ended).
    Play,
    /// Pause.
    Pause,
    /// Stop and go back to the start.
    Stop,
    /// Go to a position.
    Seek {
        /// Seconds from the start.
        seconds: f64,
    },
    /// Loop or not.
    Loop {
        /// Whether to loop.
        looping: bool,
    },
    /// Set the volume.
    Volume {
        /// Linear, 0 to 2.
        volume: f32,
    },
}

/// Buckets of [`AudioClip::peaks`].
pub const PEAK_BUCKETS: usize = 480;
/// Most characters one speech request may hold.
pub const MAX_SPEECH_CHARS: usize = 5_000;
