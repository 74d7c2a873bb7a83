//! Requests of the Image and Restyle tools: animation between two generated images,
//! restyling a photo or a clip.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::post::{Upscale, Variation};

/// The restyle model used when a request names none.
pub const DEFAULT_RESTYLE_MODEL: &str = "restyle-cartoon";

/// Restyle one photo; the result streams as a `restyled` event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RestyleImageRequest {
    /// The photo's path.
    pub input: String,
    /// Manifest id of an `image-to-image` model.
    #[serde(default = "default_restyle_model")]
    #[ts(optional, as = "Option<String>")]
    pub model: String,
    /// 0 (the original) to 1 (fully restyled): the result is blended with the original.
    pub strength: f32,
}

/// Restyle a clip into an H.264 MP4 with the original sound.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RestyleVideoRequest {
    /// The clip's path (MP4, WebM, MOV, GIF).
    pub input: String,
    /// Where the MP4 goes (written to a temporary file, renamed there when complete); empty:
    /// `<name>-restyled.mp4` beside the clip, never overwriting a file.
    #[serde(default)]
    #[ts(optional, as = "Option<String>")]
    pub output: String,
    /// Manifest id of an `image-to-image` model.
    #[serde(default = "default_restyle_model")]
    #[ts(optional, as = "Option<String>")]
    pub model: String,
    /// 0 (the original) to 1 (fully restyled).
    pub strength: f32,
    /// 0 (off) to 0.95: how much still areas keep the previous frame's look (against flicker).
    pub smoothing: f32,
}

/// The animation's file type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum AnimationFormat {
    /// Looping GIF.
    Gif,
    /// H.264 MP4.
    Mp4,
}

/// Interpolate between two generated images into an animated clip.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct InterpolateRequest {
    /// Manifest id of an `image-gan` model.
    pub model: String,
    /// First image: seed.
    #[ts(type = "number")]
    pub from_seed: u64,
    /// First image: index within its seed.
    pub from_index: u32,
    /// The first image is this variation of `(from_seed, from_index)`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub from_variation: Option<Variation>,
    /// Last image: seed.
    #[ts(type = "number")]
    pub to_seed: u64,
    /// Last image: index within its seed.
    pub to_index: u32,
    /// The last image is this variation of `(to_seed, to_index)`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub to_variation: Option<Variation>,
    /// Frames, first and last included (2 to [`InterpolateRequest::MAX_FRAMES`]).
    pub frames: u32,
    /// Frames per second.
    pub fps: u32,
    /// Play forwards then backwards, so the loop has no jump.
    #[serde(default)]
    pub ping_pong: bool,
    /// GIF or MP4.
    pub format: AnimationFormat,
    /// Where the file goes.
    pub output: String,
    /// Resample the frames to post size.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub upscale: Option<Upscale>,
}

impl InterpolateRequest {
    /// The most frames one animation may have.
    pub const MAX_FRAMES: u32 = 600;
    /// The highest frame rate (the lowest is 1).
    pub const MAX_FPS: u32 = 60;
}

impl RestyleVideoRequest {
    /// The strongest temporal smoothing (1 would freeze still areas forever).
    pub const MAX_SMOOTHING: f32 = 0.95;
}

fn default_restyle_model() -> String {
    DEFAULT_RESTYLE_MODEL.to_owned()
}
