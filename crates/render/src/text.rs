//! Text and overlays through epaint (egui's painting layer): layout, tessellation into meshes
//! already placed in output pixels. The GPU draws the meshes with `egui_wgpu::Renderer`, the CPU
//! reference rasterizes the same meshes, so both show the same glyphs.
//!
//! Text is laid out with epaint's [`Fonts`] directly rather than through an `egui::Context`: a
//! context has one `pixels_per_point` per pass, and each text layer needs its own (glyphs are
//! rasterized at the size they end up on the output, whatever the layer's scale), and a context
//! would add input handling and a frame loop the compositor has no use for.

use std::sync::Arc;

use egui::Align;
use egui::epaint::text::{Fonts, Galley, LayoutJob, ViewportKey};
use egui::epaint::{Color32, FontId, Mesh, Rect, Shape, Stroke, TessellationOptions, Tessellator, TextShape, pos2};

use crate::fonts::text_options;
use crate::math::{OutputMap, Placement};
use crate::scene::Overlays;

/// Glyphs are rasterized at most this many pixels tall (epaint's atlas limit is 1024); larger
/// text is drawn from glyphs of this size, magnified.
const MAX_GLYPH_PX: f32 = 960.0;

/// Text is laid out at most this size in canvas px (larger sizes are clamped).
pub(crate) const MAX_FONT_SIZE: f32 = 4096.0;

/// Starts a render: flushes layouts unused since the last one and resets the atlas when full.
pub(crate) fn begin_pass(fonts: &mut Fonts, max_texture_side: usize) {
    fonts.begin_pass(text_options(max_texture_side), ViewportKey::default());
}

/// Lays out a text layer at `pixels_per_point` (output px per canvas px of the glyphs).
pub(crate) fn layout(
    fonts: &mut Fonts,
    text: &str,
    font_size: f32,
    color: [u8; 4],
    wrap_width: Option<f32>,
    pixels_per_point: f32,
) -> Option<Arc<Galley>> {
    if text.is_empty() || !(font_size > 0.0 && font_size.is_finite()) {
        return None;
    }
    let font_size = font_size.min(MAX_FONT_SIZE);
    // Never below 1/64 (epaint needs some resolution); MAX_GLYPH_PX / MAX_FONT_SIZE is above it.
    let ppp = pixels_per_point.clamp(1.0 / 64.0, MAX_GLYPH_PX / font_size);
    let wrap = wrap_width.filter(|w| *w > 0.0 && w.is_finite()).unwrap_or(f32::INFINITY);
    let colour = Color32::from_rgba_unmultiplied(color[0], color[1], color[2], color[3]);
    let mut job = LayoutJob::simple(text.to_owned(), FontId::proportional(font_size), colour, wrap);
    job.halign = Align::Center;
    Some(fonts.with_pixels_per_point(ppp).layout_job(job))
}

/// The resolution text of a layer is laid out at: its largest on-screen scale.
pub(crate) fn text_pixels_per_point(scale: [f32; 2], map: &OutputMap) -> f32 {
    (scale[0].abs().max(scale[1].abs()) * map.sx.max(map.sy)).max(1e-3)
}

/// Natural size of laid-out text in canvas px.
pub(crate) fn galley_size(galley: &Galley) -> [f32; 2] {
    let size = galley.rect.size();
    [size.x, size.y]
}

/// The text's mesh in target px: local coordinates (the galley's rectangle at `0..size`) through
/// `placement`, shifted by `pad`, every colour scaled by `opacity`.
pub(crate) fn text_mesh(
    fonts: &Fonts,
    galley: &Arc<Galley>,
    pixels_per_point: f32,
    placement: &Placement,
    pad: f32,
    opacity: f32,
) -> Mesh {
    let atlas = fonts.texture_atlas();
    let mut tessellator =
        Tessellator::new(pixels_per_point, TessellationOptions::default(), atlas.size(), atlas.prepared_discs());
    let origin = galley.rect.min;
    let shape = TextShape::new(pos2(-origin.x, -origin.y), Arc::clone(galley), Color32::WHITE);
    let mut mesh = Mesh::default();
    tessellator.tessellate_text(&shape, &mut mesh);
    let forward = placement.forward.translated(pad, pad);
    for v in &mut mesh.vertices {
        let [x, y] = forward.apply([v.pos.x, v.pos.y]);
        v.pos = pos2(x, y);
        if opacity < 1.0 {
            v.color = v.color.gamma_multiply(opacity);
        }
    }
    mesh
}

/// Safe-zone shading and guides as one mesh in output px (drawn last, over everything).
pub(crate) fn overlay_mesh(fonts: &Fonts, overlays: &Overlays, map: &OutputMap) -> Mesh {
    let atlas = fonts.texture_atlas();
    let mut tessellator = Tessellator::new(1.0, TessellationOptions::default(), atlas.size(), atlas.prepared_discs());
    let fill = Color32::from_rgba_unmultiplied(0, 0, 0, 90);
    let border = Stroke::new(1.5, Color32::from_rgba_unmultiplied(255, 80, 80, 220));
    let guide = Stroke::new(1.5, Color32::from_rgba_unmultiplied(0, 200, 255, 230));
    let point = |x: f32, y: f32| {
        let [x, y] = map.point([x, y]);
        pos2(x, y)
    };
    let mut shapes = Vec::new();
    for &[x, y, w, h] in &overlays.shaded {
        let rect = Rect::from_two_pos(point(x, y), point(x + w, y + h));
        shapes.push(Shape::rect_filled(rect, 0.0, fill));
        let corners = [rect.left_top(), rect.right_top(), rect.right_bottom(), rect.left_bottom(), rect.left_top()];
        shapes.extend(Shape::dashed_line(&corners, border, 6.0, 4.0));
    }
    for &[x0, y0, x1, y1] in &overlays.guides {
        shapes.extend(Shape::dashed_line(&[point(x0, y0), point(x1, y1)], guide, 8.0, 6.0));
    }
    let mut mesh = Mesh::default();
    for shape in shapes {
        tessellator.tessellate_shape(shape, &mut mesh);
    }
    mesh
}
