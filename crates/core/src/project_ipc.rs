//! The editing contract between the canvas UI and the engine: the project as the UI sees it,
//! the requests that change it, and export.
//!
//! The post itself ([`crate::post::Post`]) travels as is (snake_case, the project file's format);
//! everything around it is camelCase like the rest of the IPC types. Pixels never travel here:
//! the preview is fetched from the app's `postcraft:` scheme (`preview?w=..&h=..`), imported
//! media from `asset/<path>`.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::IpcError;
use crate::edit::Edit;
use crate::post::{LayerContent, LayerId, Post};

/// The open project, after every change.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ProjectView {
    /// The project folder.
    pub dir: String,
    /// The post.
    pub post: Post,
    /// Grows with every change, undo and redo included; a preview fetched for an older revision
    /// is stale.
    #[ts(type = "number")]
    pub revision: u64,
    /// Whether there is a step to undo.
    pub can_undo: bool,
    /// Whether there is a step to redo.
    pub can_redo: bool,
    /// The canvas and its preset.
    pub canvas: CanvasInfo,
    /// Every layer's own size before its transform (image after crop, measured text, shape).
    pub layer_sizes: Vec<LayerSize>,
    /// Media files in the project (the media bin), in import order.
    pub media: Vec<MediaItem>,
    /// The preset's checks against the post as it is now.
    pub checks: Vec<PresetCheck>,
}

/// The canvas of a post.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CanvasInfo {
    /// Preset id.
    pub preset_id: String,
    /// Preset name for people.
    pub preset_name: String,
    /// Width of one slide in pixels.
    pub slide_width: u32,
    /// Height in pixels.
    pub height: u32,
    /// Slides (carousel), 1 or more: the canvas is `slide_width * slides` wide.
    pub slides: u32,
    /// Rectangles of the canvas the platform's UI covers, in canvas pixels: `[x, y, w, h]`.
    pub unsafe_rects: Vec<[f32; 4]>,
}

/// A layer's own size before its transform, in canvas pixels.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct LayerSize {
    /// The layer.
    pub id: LayerId,
    /// Width.
    pub width: f32,
    /// Height.
    pub height: f32,
}

/// A media file of the project.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct MediaItem {
    /// Path relative to the project folder (`assets/...`), as layers refer to it.
    pub asset: String,
    /// The original file name.
    pub name: String,
    /// Pixel width.
    pub width: u32,
    /// Pixel height.
    pub height: u32,
}

/// How serious a preset check's finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum CheckLevel {
    /// Fine.
    Ok,
    /// Will post, but looks worse or risks the platform's UI covering something.
    Warning,
    /// The platform will refuse it.
    Error,
}

/// One finding of the preset checks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PresetCheck {
    /// Stable id (`aspect`, `resolution`, `media-count`, `safe-zone`, `ai-label`).
    pub id: String,
    /// How serious.
    pub level: CheckLevel,
    /// What it found, in words.
    pub message: String,
    /// The layer it is about, if one.
    pub layer: Option<LayerId>,
}

/// Edits to apply, in order, as one request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ApplyEditsRequest {
    /// The edits.
    pub edits: Vec<Edit>,
    /// Requests with the same gesture key in a row undo as one step (a whole drag); none: this
    /// request is one step of its own.
    pub gesture: Option<String>,
}

/// Add a new layer showing `content`, on top, centred (or at `at`), fitted into the canvas.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AddLayerRequest {
    /// What it shows.
    pub content: LayerContent,
    /// Its name in the layer list (none: made from the content).
    pub name: Option<String>,
    /// Centre in canvas pixels (none: the centre of the first slide).
    pub at: Option<[f32; 2]>,
}

/// Copy files into the project; with `place`, add each as a layer too.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ImportMediaRequest {
    /// Absolute paths of the files.
    pub paths: Vec<String>,
    /// Add each readable file as a layer.
    pub place: bool,
    /// Where to centre the first new layer, in canvas pixels (later ones are offset).
    pub at: Option<[f32; 2]>,
}

/// What an import did: files that failed are listed with why; the rest went in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ImportReport {
    /// The project after the import.
    pub view: ProjectView,
    /// Assets added (`assets/...`).
    pub imported: Vec<String>,
    /// Files that could not be imported.
    pub failed: Vec<ImportFailure>,
}

/// A file an import refused.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ImportFailure {
    /// The path as given.
    pub path: String,
    /// Why.
    pub error: IpcError,
}

/// Image formats export writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum ExportFormat {
    /// Lossless PNG.
    Png,
    /// JPEG, quality 92.
    Jpeg,
    /// The post's sound (voice over bed) as a 16-bit WAV at -14 LUFS.
    Wav,
    /// A video: the post's image (a carousel's slides in turn) with its sound, H.264 + AAC.
    Mp4,
}

impl ExportFormat {
    /// The file extension.
    pub fn extension(self) -> &'static str {
        match self {
            Self::Png => "png",
            Self::Jpeg => "jpg",
            Self::Wav => "wav",
            Self::Mp4 => "mp4",
        }
    }
}

/// Export the post.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ExportRequest {
    /// Canvas preset to export at (none: the post's own).
    pub preset: Option<String>,
    /// File format.
    pub format: ExportFormat,
    /// Output file (a carousel writes `name-1.ext`, `name-2.ext`, ...); none: `exports/<preset>.<ext>`
    /// in the project folder.
    pub out: Option<String>,
}

/// What an export wrote.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ExportReport {
    /// The files, in slide order.
    pub files: Vec<String>,
    /// Pixel width of each file.
    pub width: u32,
    /// Pixel height of each file.
    pub height: u32,
}

/// A layer to duplicate, or delete, by id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct LayerRequest {
    /// The layer.
    pub id: LayerId,
}

/// A canvas preset as the UI lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PresetInfo {
    /// Preset id (`instagram-portrait`).
    pub id: String,
    /// Name for people.
    pub name: String,
    /// Platform id (`instagram`).
    pub platform: String,
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
}

/// Add a generated image (an item of a finished or running job) to the post as a layer, with its
/// recipe.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AddGeneratedRequest {
    /// The job that made it.
    pub job_id: crate::JobId,
    /// The item's index within the job.
    pub index: u32,
}

/// Which part of the post's sound a clip becomes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum AudioRole {
    /// The voiceover.
    Voice,
    /// The music bed.
    Bed,
}

/// Put a clip (voice, beat, imported sound) into the post: saved into the project's assets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AddAudioRequest {
    /// The clip.
    pub clip: u32,
    /// As what.
    pub role: AudioRole,
}
