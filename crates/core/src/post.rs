//! The post being made: a canvas preset and a stack of layers.
//!
//! Plain data, serializable, no I/O. Changes go through [`crate::edit::Edit`]s so every change can
//! be undone; `crates/store` saves and reopens posts as versioned project files.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// A layer's id, unique within its post (never reused after a delete, so undo can restore it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(transparent)]
pub struct LayerId(pub u32);

/// The post: bottom layer first.
///
/// The canvas is the preset's size, `slides` times as wide: a carousel is one wide canvas that
/// export cuts into numbered slides, so an image can run across the swipe (the creators' seamless
/// carousel). Field names stay snake_case on the wire: this is also the project file's format.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Post {
    /// The canvas preset (`instagram-portrait`), from [`crate::presets`].
    pub preset: String,
    /// Slides of a carousel, 1 for a single image.
    #[serde(default = "one_slide")]
    pub slides: u32,
    /// Canvas colour under the layers, RGBA.
    #[serde(default = "white")]
    pub background: [u8; 4],
    /// Layers, bottom first.
    pub layers: Vec<Layer>,
    /// The id the next new layer gets.
    pub next_layer_id: u32,
    /// The words posted with the media (caption, hashtags; a thread's posts separated by blank
    /// lines).
    #[serde(default)]
    pub caption: String,
    /// The post's sound: a voiceover and a music bed, and how they mix.
    #[serde(default, skip_serializing_if = "PostAudio::is_empty")]
    #[ts(optional, as = "Option<PostAudio>")]
    pub audio: PostAudio,
}

/// A sound of the post: a WAV in the project's `assets/`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AudioTrack {
    /// Path relative to the project folder (`assets/...wav`).
    pub asset: String,
    /// A name for people.
    pub label: String,
    /// Length in seconds.
    pub duration_seconds: f64,
}

/// How the voice and the bed mix (then the whole is normalized to the platform loudness).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PostMix {
    /// Where the voice starts, in seconds (0 to 60).
    pub voice_offset_seconds: f64,
    /// How far the bed goes down under speech, in dB (0: no ducking, up to 40).
    pub ducking_db: f32,
    /// Bed level, in dB (-60 to 12).
    pub bed_gain_db: f32,
    /// Fade-in seconds (0 to 30).
    pub fade_in_seconds: f64,
    /// Fade-out seconds (0 to 30).
    pub fade_out_seconds: f64,
}

impl Default for PostMix {
    /// The bed sets the mood for half a second, sits 12 dB under the voice and ducks 10 dB more
    /// while it speaks; half a second in, a second and a half out.
    fn default() -> Self {
        Self {
            voice_offset_seconds: 0.5,
            ducking_db: 10.0,
            bed_gain_db: -12.0,
            fade_in_seconds: 0.5,
            fade_out_seconds: 1.5,
        }
    }
}

/// The post's sound.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PostAudio {
    /// The voiceover.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub voice: Option<AudioTrack>,
    /// The music bed (loops under a longer voice).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub bed: Option<AudioTrack>,
    /// The mix settings.
    #[serde(default)]
    pub mix: PostMix,
}

impl PostAudio {
    /// No voice and no bed.
    pub fn is_empty(&self) -> bool {
        self.voice.is_none() && self.bed.is_none()
    }
}

impl Post {
    /// An empty post on a preset.
    pub fn new(preset: impl Into<String>) -> Self {
        Self {
            preset: preset.into(),
            slides: 1,
            background: white(),
            layers: Vec::new(),
            next_layer_id: 1,
            caption: String::new(),
            audio: PostAudio::default(),
        }
    }

    /// A fresh id for a layer about to be added.
    pub fn allocate_layer_id(&mut self) -> LayerId {
        let id = LayerId(self.next_layer_id);
        self.next_layer_id += 1;
        id
    }

    /// The layer with that id and its position.
    pub fn layer(&self, id: LayerId) -> Option<(usize, &Layer)> {
        self.layers.iter().enumerate().find(|(_, layer)| layer.id == id)
    }

    pub(crate) fn layer_mut(&mut self, id: LayerId) -> Option<&mut Layer> {
        self.layers.iter_mut().find(|layer| layer.id == id)
    }
}

/// One layer of the post.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Layer {
    /// Its id.
    pub id: LayerId,
    /// Name shown in the layer list.
    pub name: String,
    /// What it shows.
    pub content: LayerContent,
    /// Where and how big.
    #[serde(default)]
    pub transform: Transform,
    /// The part of the source shown, as fractions of the source (none: all of it).
    #[serde(default)]
    pub crop: Option<Crop>,
    /// 0 (invisible) to 1.
    #[serde(default = "one")]
    pub opacity: f32,
    /// How it combines with the layers below.
    #[serde(default)]
    pub blend: BlendMode,
    /// Colour and blur filters.
    #[serde(default)]
    pub filters: Filters,
    /// Hidden layers are kept but not drawn.
    #[serde(default = "yes")]
    pub visible: bool,
    /// Alt text of an image or video layer, for readers who cannot see it.
    #[serde(default)]
    pub alt_text: String,
}

fn hundred() -> f32 {
    100.0
}

fn one_slide() -> u32 {
    1
}

fn white() -> [u8; 4] {
    [255, 255, 255, 255]
}

fn one() -> f32 {
    1.0
}

fn yes() -> bool {
    true
}

impl Layer {
    /// A visible, untransformed layer.
    pub fn new(id: LayerId, name: impl Into<String>, content: LayerContent) -> Self {
        Self {
            id,
            name: name.into(),
            content,
            transform: Transform::default(),
            crop: None,
            opacity: 1.0,
            blend: BlendMode::default(),
            filters: Filters::default(),
            visible: true,
            alt_text: String::new(),
        }
    }
}

/// What a layer shows. Asset paths are relative to the project folder.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum LayerContent {
    /// A picture file.
    Image {
        /// Relative path of the file in the project.
        asset: String,
    },
    /// A video file.
    Video {
        /// Relative path of the file in the project.
        asset: String,
    },
    /// A generated picture and how to make it again.
    Generated {
        /// Relative path of the rendered result in the project.
        asset: String,
        /// The recipe.
        recipe: Recipe,
    },
    /// Text, centred on the layer's position; lines break at `\n` and at `wrap_width`.
    Text {
        /// The words.
        text: String,
        /// Size in canvas pixels (before the transform's scale).
        font_size: f32,
        /// RGBA.
        color: [u8; 4],
        /// Longest line in canvas pixels before wrapping (none: only explicit line breaks).
        #[serde(default)]
        wrap_width: Option<f32>,
    },
    /// A filled shape or sticker of `width` x `height` canvas pixels (before the transform).
    Shape {
        /// Which shape.
        shape: ShapeKind,
        /// RGBA.
        fill: [u8; 4],
        /// Width in canvas pixels (files from before sizes existed: 100).
        #[serde(default = "hundred")]
        width: f32,
        /// Height in canvas pixels.
        #[serde(default = "hundred")]
        height: f32,
    },
}

/// How a generated layer was made: enough to make it again and to embed in the export.
///
/// The latent is the one drawn for `(seed, index)`, then optionally varied and/or blended
/// towards another seed's latent; the generator's output is then optionally upscaled. Fields
/// added after the first version are omitted when unused, so older recipes read and write the
/// same.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Recipe {
    /// Manifest id of the model.
    pub model: String,
    /// SHA-256 of the model file that made it (empty in recipes older than this field).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    #[ts(optional, as = "Option<String>")]
    pub model_sha256: String,
    /// The seed.
    #[ts(type = "number")]
    pub seed: u64,
    /// The item's index within the seed's sequence.
    pub index: u32,
    /// A variation of that latent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub variation: Option<Variation>,
    /// A point between that latent and another seed's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub between: Option<LatentBlend>,
    /// The resampling to post size.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub upscale: Option<Upscale>,
}

impl Recipe {
    /// Image `index` of `seed` from `model`, nothing more.
    pub fn seeded(model: impl Into<String>, seed: u64, index: u32) -> Self {
        Self {
            model: model.into(),
            model_sha256: String::new(),
            seed,
            index,
            variation: None,
            between: None,
            upscale: None,
        }
    }
}

/// Variation number `number` of a latent, rotated `strength` (0 to 1) towards fresh noise.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, TS)]
pub struct Variation {
    /// Which variation (each draws its own noise).
    pub number: u32,
    /// 0 (the same) to 1 (unrelated).
    pub strength: f32,
}

/// The spherical interpolation at `t` (0 to 1) towards image `to_index` of `to_seed`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, TS)]
pub struct LatentBlend {
    /// The other seed.
    #[ts(type = "number")]
    pub to_seed: u64,
    /// The other image's index.
    pub to_index: u32,
    /// The other image is this variation of `(to_seed, to_index)`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub to_variation: Option<Variation>,
    /// Position: 0 is this recipe's image, 1 the other.
    pub t: f32,
}

/// Lanczos resampling to `longest` pixels on the longer side, then an unsharp mask.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, TS)]
pub struct Upscale {
    /// Target size of the longer side, in pixels (1 to [`Upscale::MAX_SIDE`]).
    pub longest: u32,
    /// Sharpening, 0 (none) to 1.
    pub sharpen: f32,
}

impl Upscale {
    /// The largest side an upscale may produce (a 4K post).
    pub const MAX_SIDE: u32 = 4096;
}

/// Shapes a shape layer can be.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum ShapeKind {
    /// Rectangle.
    Rectangle,
    /// Ellipse.
    Ellipse,
}

/// Placement on the canvas: the layer's centre, scale and rotation.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, TS)]
pub struct Transform {
    /// Centre, in canvas pixels from the left.
    pub x: f32,
    /// Centre, in canvas pixels from the top.
    pub y: f32,
    /// Horizontal scale.
    pub scale_x: f32,
    /// Vertical scale.
    pub scale_y: f32,
    /// Clockwise degrees.
    pub rotation_deg: f32,
}

impl Default for Transform {
    fn default() -> Self {
        Self { x: 0.0, y: 0.0, scale_x: 1.0, scale_y: 1.0, rotation_deg: 0.0 }
    }
}

/// A crop rectangle, in fractions of the source (0 to 1).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, TS)]
pub struct Crop {
    /// Left edge.
    pub x: f32,
    /// Top edge.
    pub y: f32,
    /// Width.
    pub width: f32,
    /// Height.
    pub height: f32,
}

/// Blend modes the compositor implements.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum BlendMode {
    /// Source over.
    #[default]
    Normal,
    /// Multiply.
    Multiply,
    /// Screen.
    Screen,
    /// Overlay.
    Overlay,
}

/// Per-layer filters; the defaults change nothing.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, TS)]
#[serde(default)]
pub struct Filters {
    /// -1 to 1.
    pub brightness: f32,
    /// -1 to 1.
    pub contrast: f32,
    /// -1 to 1.
    pub saturation: f32,
    /// -1 (cooler) to 1 (warmer).
    pub temperature: f32,
    /// Blur radius in canvas pixels.
    pub blur: f32,
    /// 0 to 1.
    pub vignette: f32,
}

impl Default for Filters {
    fn default() -> Self {
        Self { brightness: 0.0, contrast: 0.0, saturation: 0.0, temperature: 0.0, blur: 0.0, vignette: 0.0 }
    }
}
