//! Requests, replies and job events exchanged with the UI.
//!
//! Field names are camelCase on the wire, as TypeScript expects. Binary payloads (images) never
//! travel in these types: an [`JobEvent::Image`] carries a URL of the app's `postcraft:` scheme,
//! which serves the bytes.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::post::Upscale;
use crate::{IpcError, JobId, ModelId};

/// What the studio has loaded, for the status line and `postcraft doctor`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AppStatus {
    /// The app's version.
    pub version: String,
    /// The ONNX Runtime library.
    pub runtime: RuntimeStatus,
    /// Every model in the manifest, in manifest order.
    pub models: Vec<ModelStatus>,
}

/// Whether the ONNX Runtime library is loaded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RuntimeStatus {
    /// The library's path, as tried.
    pub path: String,
    /// The runtime's version once loaded (for example "1.31.1").
    pub version: Option<String>,
    /// Why it is not loaded.
    pub error: Option<IpcError>,
}

/// One model of the manifest and whether it is usable.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ModelStatus {
    /// The manifest id.
    pub id: ModelId,
    /// A name for people.
    pub name: String,
    /// The manifest kind (`image-gan`, `text-generation`, ...).
    pub kind: String,
    /// The licence line of the manifest, shown next to generated media.
    pub licence: String,
    /// True once the file was verified against its SHA-256 and opened by the runtime.
    pub loaded: bool,
    /// Why it is not usable.
    pub error: Option<IpcError>,
}

/// Ask for `count` generated images of an `image-gan` model; the same `seed` gives the same
/// images.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct GenerateImagesRequest {
    /// Manifest id of the generator (`dcgan-faces` when absent, as before models were choosable).
    #[serde(default = "default_image_model")]
    #[ts(optional, as = "Option<String>")]
    pub model: String,
    /// How many images, 1 to [`GenerateImagesRequest::MAX_COUNT`].
    pub count: u32,
    /// The random seed; each image `i` uses the latent drawn for `(seed, i)`.
    #[ts(type = "number")]
    pub seed: u64,
    /// Variations of one image instead of new images: image `i` is variation `i` of it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub vary: Option<VaryRequest>,
    /// Resample the result to post size.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub upscale: Option<Upscale>,
}

/// Variations of image `index` of `seed` (the request's seed).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct VaryRequest {
    /// The image's index within its seed.
    pub index: u32,
    /// 0 (the same image) to 1 (unrelated); the UI's "subtle" is 0.2, "strong" 0.5.
    pub strength: f32,
}

fn default_image_model() -> String {
    "dcgan-faces".to_owned()
}

impl GenerateImagesRequest {
    /// `count` new images of `model` from `seed`, at the model's own size.
    pub fn new(model: impl Into<String>, count: u32, seed: u64) -> Self {
        Self { model: model.into(), count, seed, vary: None, upscale: None }
    }

    /// The largest batch one request may ask for.
    pub const MAX_COUNT: u32 = 1024;
    /// The largest seed, kept within JavaScript's exact integers.
    pub const MAX_SEED: u64 = (1 << 53) - 1;
}

/// How a job ended.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", tag = "state")]
pub enum JobOutcome {
    /// Every item was produced.
    Completed,
    /// The creator cancelled it; items already streamed stay valid.
    Cancelled,
    /// It failed; items already streamed stay valid.
    Failed {
        /// Why.
        error: IpcError,
    },
}

/// What a running job streams to the UI, in order: `started`, then `progress` and `image`
/// interleaved, then exactly one `finished`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", tag = "event")]
pub enum JobEvent {
    /// The job was accepted.
    #[serde(rename_all = "camelCase")]
    Started {
        /// Its id.
        job_id: JobId,
        /// How many items it will produce.
        total: u32,
    },
    /// Progress, throttled to a few updates a second.
    #[serde(rename_all = "camelCase")]
    Progress {
        /// Its id.
        job_id: JobId,
        /// Items done.
        done: u32,
        /// Items in all.
        total: u32,
        /// Estimated milliseconds left, once at least one item is done.
        eta_ms: Option<u32>,
        /// Items per second so far (frames per second for video), once one is done.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[ts(optional)]
        rate: Option<f32>,
    },
    /// One generated image, served by the app at `url`.
    #[serde(rename_all = "camelCase")]
    Image {
        /// Its id.
        job_id: JobId,
        /// The item's index within the job.
        index: u32,
        /// Where the UI fetches the PNG (the app's custom scheme).
        url: String,
        /// The image's own width in pixels.
        width: u32,
        /// The image's own height in pixels.
        height: u32,
    },
    /// A restyled photo: the result and the original, both served by the app (for the
    /// before/after compare).
    #[serde(rename_all = "camelCase")]
    Restyled {
        /// Its id.
        job_id: JobId,
        /// The result's PNG.
        url: String,
        /// The original's PNG, at the same size.
        original_url: String,
        /// Width in pixels.
        width: u32,
        /// Height in pixels.
        height: u32,
    },
    /// A file the job wrote (a restyled video, an animation), complete and renamed into place.
    #[serde(rename_all = "camelCase")]
    FileWritten {
        /// Its id.
        job_id: JobId,
        /// Absolute path.
        path: String,
        /// Frame width in pixels.
        width: u32,
        /// Frame height in pixels.
        height: u32,
        /// Frames written.
        frames: u32,
        /// Whether it has a sound track.
        has_audio: bool,
    },
    /// A sentence of a speech job was synthesized (and, when asked, queued for playback).
    #[serde(rename_all = "camelCase")]
    SpeechSentence {
        /// Its id.
        job_id: JobId,
        /// 0-based.
        index: u32,
        /// Sentences in the text.
        count: u32,
        /// Where it starts in the speech, in seconds.
        start_seconds: f64,
        /// Its length in seconds (with the pause after it).
        duration_seconds: f64,
        /// Its phonemes.
        phonemes: String,
    },
    /// A sound the job made, held by the studio (voice, hit, beat, mix).
    #[serde(rename_all = "camelCase")]
    AudioClip {
        /// Its id.
        job_id: JobId,
        /// The item's index within the job.
        index: u32,
        /// The clip.
        clip: crate::audio_ipc::AudioClip,
    },
    /// Text a writing job's variant just produced (raw model text, streamed token by token;
    /// the cleaned, ranked result follows as `written`).
    #[serde(rename_all = "camelCase")]
    TextDelta {
        /// Its id.
        job_id: JobId,
        /// Which variant.
        variant: u32,
        /// Text to append.
        text: String,
    },
    /// A writing job's final result: cleaned, fitted to the platform, ranked best first.
    #[serde(rename_all = "camelCase")]
    Written {
        /// Its id.
        job_id: JobId,
        /// The result.
        result: crate::write_ipc::WriteResult,
    },
    /// The job ended.
    #[serde(rename_all = "camelCase")]
    Finished {
        /// Its id.
        job_id: JobId,
        /// Items produced.
        done: u32,
        /// How it ended.
        outcome: JobOutcome,
    },
}

impl JobEvent {
    /// The job the event belongs to.
    pub fn job_id(&self) -> JobId {
        match self {
            Self::Started { job_id, .. }
            | Self::Progress { job_id, .. }
            | Self::Image { job_id, .. }
            | Self::Restyled { job_id, .. }
            | Self::FileWritten { job_id, .. }
            | Self::SpeechSentence { job_id, .. }
            | Self::AudioClip { job_id, .. }
            | Self::TextDelta { job_id, .. }
            | Self::Written { job_id, .. }
            | Self::Finished { job_id, .. } => *job_id,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finished_event_has_the_shape_the_ui_reads() {
        let event = JobEvent::Finished { job_id: JobId(7), done: 3, outcome: JobOutcome::Cancelled };
        let json = serde_json::to_value(&event).expect("serializable");
        assert_eq!(
            json,
            serde_json::json!({"event": "finished", "jobId": 7, "done": 3, "outcome": {"state": "cancelled"}})
        );
    }
}
