//! What the compositor draws: a canvas with a background and a stack of layers, and which part of
//! it goes to the output.
//!
//! These are render-side copies of the post model (`postcraft_core::post`): the engine resolves
//! assets to decoded pixels ([`SourceImage`]), drops hidden layers and hands a [`Scene`] to the
//! render thread. Placement, crop, blend and filter types are the post model's own.

use std::fmt;
use std::sync::Arc;

pub use postcraft_core::post::{BlendMode, Crop, Filters, ShapeKind, Transform};

/// A canvas and its layers.
#[derive(Debug, Clone)]
pub struct Scene {
    /// Canvas width in canvas pixels.
    pub width: u32,
    /// Canvas height in canvas pixels.
    pub height: u32,
    /// Straight-alpha sRGB colour filling the canvas under the layers.
    pub background: [u8; 4],
    /// Layers, bottom first.
    pub layers: Vec<SceneLayer>,
}

/// One visible layer.
#[derive(Debug, Clone)]
pub struct SceneLayer {
    /// What it shows.
    pub content: SceneContent,
    /// Centre (canvas px), scale and clockwise rotation.
    pub transform: Transform,
    /// Part of an image source shown (fractions); ignored for text and shapes.
    pub crop: Option<Crop>,
    /// 0 (invisible) to 1.
    pub opacity: f32,
    /// How it combines with what is below.
    pub blend: BlendMode,
    /// Filters applied to the layer's own pixels before blending.
    pub filters: Filters,
}

impl SceneLayer {
    /// An untransformed, opaque, normal-blend layer without filters, centred at (`x`, `y`).
    pub fn new(content: SceneContent, x: f32, y: f32) -> Self {
        Self {
            content,
            transform: Transform { x, y, ..Transform::default() },
            crop: None,
            opacity: 1.0,
            blend: BlendMode::Normal,
            filters: Filters::default(),
        }
    }
}

/// What a layer shows.
#[derive(Debug, Clone)]
pub enum SceneContent {
    /// A decoded picture.
    Image(SourceImage),
    /// Text, centred on the layer's position, each line centred.
    Text {
        /// The words; `\n` breaks lines.
        text: String,
        /// Size in canvas pixels before the transform's scale.
        font_size: f32,
        /// Straight-alpha sRGB colour.
        color: [u8; 4],
        /// Longest line in canvas pixels before wrapping (none: only explicit breaks).
        wrap_width: Option<f32>,
    },
    /// A filled rectangle or ellipse.
    Shape {
        /// Which shape.
        kind: ShapeKind,
        /// Straight-alpha sRGB colour.
        fill: [u8; 4],
        /// Width in canvas pixels before the transform.
        width: f32,
        /// Height in canvas pixels before the transform.
        height: f32,
    },
}

/// Decoded pixels of an image layer.
#[derive(Clone)]
pub struct SourceImage {
    /// Stable cache key (for example a content hash): the same key must mean the same pixels. The
    /// compositor keeps GPU textures by this key between renders.
    pub key: String,
    /// Straight-alpha sRGB pixels.
    pub pixels: Arc<image::RgbaImage>,
}

impl SourceImage {
    /// Wraps pixels under a key.
    pub fn new(key: impl Into<String>, pixels: image::RgbaImage) -> Self {
        Self { key: key.into(), pixels: Arc::new(pixels) }
    }
}

impl fmt::Debug for SourceImage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SourceImage")
            .field("key", &self.key)
            .field("width", &self.pixels.width())
            .field("height", &self.pixels.height())
            .finish()
    }
}

/// The rectangle of the canvas (canvas px) that is mapped onto the whole output: the canvas
/// itself, or one slide of a carousel. Its aspect may differ from the output's (the mapping then
/// stretches).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct View {
    /// Left edge in canvas px.
    pub x: f32,
    /// Top edge in canvas px.
    pub y: f32,
    /// Width in canvas px.
    pub width: f32,
    /// Height in canvas px.
    pub height: f32,
}

impl View {
    /// The whole canvas of a scene.
    pub fn canvas(scene: &Scene) -> Self {
        Self { x: 0.0, y: 0.0, width: scene.width as f32, height: scene.height as f32 }
    }

    /// Slide `index` (0-based) of a carousel of `slides` equal slides side by side.
    pub fn slide(scene: &Scene, slides: u32, index: u32) -> Self {
        let width = scene.width as f32 / slides.max(1) as f32;
        Self { x: width * index as f32, y: 0.0, width, height: scene.height as f32 }
    }
}

/// Editor-only marks drawn over the composite (never part of an export).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Overlays {
    /// Canvas-px rectangles `[x, y, w, h]` to shade (platform safe zones): a translucent dark
    /// fill with a dashed light border.
    pub shaded: Vec<[f32; 4]>,
    /// Canvas-px lines `[x0, y0, x1, y1]` (slide dividers), drawn dashed.
    pub guides: Vec<[f32; 4]>,
}
