//! What to do with each layer of a frame, decided the same way for the GPU and the CPU reference:
//! natural size, placement, whether it can be drawn straight onto the accumulator, blur sizes,
//! and which pixels each step touches.

use std::sync::Arc;

use egui::epaint::Mesh;
use egui::epaint::text::{Fonts, Galley};
use postcraft_core::post::{BlendMode, Filters, ShapeKind};

use crate::math::{self, OutputMap, PixelRect, Placement};
use crate::scene::{Scene, SceneContent, SceneLayer, SourceImage, View};
use crate::text;

/// What a layer draws, resolved.
#[derive(Debug)]
pub(crate) enum Content<'a> {
    Shape {
        kind: ShapeKind,
        fill: [u8; 4],
    },
    Image {
        source: &'a SourceImage,
        origin: [f32; 2],
    },
    /// Text as a mesh in output px (unpadded); colours already scaled by opacity when direct.
    Text {
        mesh: Mesh,
    },
}

/// One layer's plan.
#[derive(Debug)]
pub(crate) struct LayerPlan<'a> {
    /// Its index in `Scene::layers`.
    pub index: usize,
    pub layer: &'a SceneLayer,
    pub content: Content<'a>,
    pub placement: Placement,
    /// The layer's filters, sanitized (see `math::sanitize_filters`).
    pub filters: Filters,
    /// Opacity clamped to 0..1.
    pub opacity: f32,
    /// Output pixels the layer's own drawing touches (before blur).
    pub bounds: PixelRect,
    /// Normal blend, no filters: drawn straight onto the accumulator with opacity.
    pub direct: bool,
    /// Not direct, but an unblurred image or shape: the composite computes its colour itself,
    /// without a layer target (and so without rounding it to 8 bits first).
    pub fused: bool,
    /// Gaussian sigmas in output px (horizontal, vertical), if blurred.
    pub sigma: [Option<f32>; 2],
    /// How far the blur spreads, in px per axis (`ceil(3 sigma)`).
    pub reach: [i32; 2],
}

/// The frame: output mapping, canvas pixels and layer plans.
#[derive(Debug)]
pub(crate) struct FramePlan<'a> {
    pub map: OutputMap,
    /// Canvas pixels in output coordinates, not clamped to the output.
    pub canvas: PixelRect,
    pub out: PixelRect,
    pub layers: Vec<LayerPlan<'a>>,
    /// Padding the layer textures need around the output for blurs to see what lies beyond it.
    pub pad: i32,
}

/// Where one layer's steps run.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Regions {
    /// Drawing into the (padded) layer target; for direct layers, onto the accumulator.
    pub draw: PixelRect,
    /// Horizontal blur output, padded coordinates.
    pub blur_h: PixelRect,
    /// Composite onto the accumulator, output coordinates.
    pub out: PixelRect,
}

/// Natural size of an image after crop, and the crop origin, in source px.
pub(crate) fn image_natural(
    source: &SourceImage,
    crop: Option<&postcraft_core::post::Crop>,
) -> Option<([f32; 2], [f32; 2])> {
    math::crop_px(source.pixels.width(), source.pixels.height(), crop).map(|(origin, size)| (size, origin))
}

/// Natural size of any content (text laid out at 1 output px per canvas px).
pub(crate) fn natural_size(
    fonts: &mut Fonts,
    content: &SceneContent,
    crop: Option<&postcraft_core::post::Crop>,
) -> [f32; 2] {
    match content {
        SceneContent::Image(source) => image_natural(source, crop).map_or([0.0, 0.0], |(size, _)| size),
        SceneContent::Shape { width, height, .. } => [width.max(0.0), height.max(0.0)],
        SceneContent::Text { text, font_size, color, wrap_width } => {
            text::layout(fonts, text, *font_size, *color, *wrap_width, 1.0)
                .map_or([0.0, 0.0], |g| text::galley_size(&g))
        }
    }
}

/// Plans a frame. `max_pad` limits the padding (the padded target must fit the device). Only the
/// layers whose index `include` accepts are planned (the others come from a cache); text among
/// the others is still laid out, so that its layout stays in epaint's cache for the next frame
/// that needs it.
pub(crate) fn plan_frame<'a>(
    scene: &'a Scene,
    view: &View,
    out_width: u32,
    out_height: u32,
    fonts: &mut Fonts,
    max_pad: i32,
    include: &dyn Fn(usize) -> bool,
) -> FramePlan<'a> {
    let map = OutputMap::new(view, out_width, out_height);
    let canvas = math::canvas_pixels([scene.width as f32, scene.height as f32], &map, 0);
    let out = PixelRect::sized(out_width, out_height);
    let mut layers = Vec::with_capacity(scene.layers.len());
    for (index, layer) in scene.layers.iter().enumerate() {
        if !include(index) {
            keep_text_warm(layer, &map, fonts);
        } else if let Some(plan) = plan_layer(index, layer, &map, fonts) {
            layers.push(plan);
        }
    }
    let pad = layers.iter().filter(|l| !l.direct).map(|l| l.reach[0].max(l.reach[1])).max().unwrap_or(0).min(max_pad);
    FramePlan { map, canvas, out, layers, pad }
}

/// Whether a layer draws anything at all (an invisible layer is skipped whatever its blend).
pub(crate) fn is_visible(layer: &SceneLayer) -> bool {
    let opacity = layer.opacity.clamp(0.0, 1.0);
    !opacity.is_nan() && opacity > 0.0
}

/// Lays out a text layer as `plan_layer` would, without tessellating it.
fn keep_text_warm(layer: &SceneLayer, map: &OutputMap, fonts: &mut Fonts) {
    if let SceneContent::Text { text, font_size, color, wrap_width } = &layer.content
        && is_visible(layer)
    {
        let t = &layer.transform;
        let ppp = text::text_pixels_per_point([t.scale_x, t.scale_y], map);
        text::layout(fonts, text, *font_size, *color, *wrap_width, ppp);
    }
}

fn plan_layer<'a>(index: usize, layer: &'a SceneLayer, map: &OutputMap, fonts: &mut Fonts) -> Option<LayerPlan<'a>> {
    if !is_visible(layer) {
        return None;
    }
    let opacity = layer.opacity.clamp(0.0, 1.0);
    let filters = math::sanitize_filters(&layer.filters);
    let f = &filters;
    // The blur radius is in canvas px whatever the layer's own scale.
    let sigma = [math::blur_sigma(f.blur, map.sx), math::blur_sigma(f.blur, map.sy)];
    let direct = layer.blend == BlendMode::Normal && !math::has_color_filters(f) && sigma == [None, None];
    let reach = sigma.map(|s| s.map_or(0, |s| (3.0 * s).ceil() as i32));
    let (content, placement, bounds) = match &layer.content {
        SceneContent::Shape { kind, fill, width, height } => {
            let placement = math::place([*width, *height], &layer.transform, map)?;
            (Content::Shape { kind: *kind, fill: *fill }, placement, placement.bounds)
        }
        SceneContent::Image(source) => {
            let (size, origin) = image_natural(source, layer.crop.as_ref())?;
            let placement = math::place(size, &layer.transform, map)?;
            (Content::Image { source, origin }, placement, placement.bounds)
        }
        SceneContent::Text { text, font_size, color, wrap_width } => {
            let t = &layer.transform;
            let ppp = text::text_pixels_per_point([t.scale_x, t.scale_y], map);
            let galley: Arc<Galley> = text::layout(fonts, text, *font_size, *color, *wrap_width, ppp)?;
            let placement = math::place(text::galley_size(&galley), t, map)?;
            let mesh = text::text_mesh(fonts, &galley, ppp, &placement, 0.0, if direct { opacity } else { 1.0 });
            let bounds = mesh_bounds(&mesh)?;
            (Content::Text { mesh }, placement, bounds)
        }
    };
    let fused = !direct && sigma == [None, None] && !matches!(content, Content::Text { .. });
    Some(LayerPlan { index, layer, content, placement, filters, opacity, bounds, direct, fused, sigma, reach })
}

fn mesh_bounds(mesh: &Mesh) -> Option<PixelRect> {
    if mesh.indices.is_empty() {
        return None;
    }
    let (mut x0, mut y0, mut x1, mut y1) = (f32::INFINITY, f32::INFINITY, f32::NEG_INFINITY, f32::NEG_INFINITY);
    for v in &mesh.vertices {
        x0 = x0.min(v.pos.x);
        y0 = y0.min(v.pos.y);
        x1 = x1.max(v.pos.x);
        y1 = y1.max(v.pos.y);
    }
    (x0.is_finite() && y1.is_finite()).then(|| PixelRect::touching(x0, y0, x1, y1))
}

impl FramePlan<'_> {
    /// Size of layer targets padded by `pad`.
    pub fn padded_size(&self, pad: i32) -> [u32; 2] {
        [self.out.width() + 2 * pad as u32, self.out.height() + 2 * pad as u32]
    }

    /// The pixels each step of `layer` touches with layer targets padded by `pad` (at least
    /// [`FramePlan::pad`]); `None` when it shows nowhere.
    pub fn regions(&self, layer: &LayerPlan<'_>, pad: i32) -> Option<Regions> {
        let visible = self.canvas.intersect(&self.out);
        if layer.direct {
            let draw = layer.bounds.intersect(&visible);
            return (!draw.is_empty()).then_some(Regions { draw, blur_h: draw, out: draw });
        }
        let [pw, ph] = self.padded_size(pad);
        let target = PixelRect::sized(pw, ph);
        let draw = layer.bounds.offset(pad, pad).intersect(&self.canvas.offset(pad, pad)).intersect(&target);
        let [rx, ry] = layer.reach;
        let out = draw.offset(-pad, -pad).expand(rx, ry).intersect(&visible);
        if draw.is_empty() || out.is_empty() {
            return None;
        }
        let blur_h = out.offset(pad, pad).expand(0, ry).intersect(&target);
        Some(Regions { draw, blur_h, out })
    }
}
