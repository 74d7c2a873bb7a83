//! From a post (data) to a scene (pixels and placements the compositor draws), and the
//! canvas geometry around it: slides, safe zones, views for export at another preset.

use std::path::Path;

use postcraft_core::post::{LayerContent, LayerId, Post};
use postcraft_core::presets::{self, CanvasPreset};
use postcraft_core::project_ipc::CanvasInfo;
use postcraft_core::{ErrorCode, IpcError};
use postcraft_render::{Overlays, Scene, SceneContent, SceneLayer, View};

use super::assets::AssetCache;

/// A layer the scene had to leave out, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Skipped {
    /// The layer.
    pub layer: LayerId,
    /// Why, in words.
    pub reason: String,
}

/// The post's canvas preset.
pub fn canvas_preset(post: &Post) -> Result<&'static CanvasPreset, IpcError> {
    presets::preset(&post.preset).map(|(_, canvas)| canvas).ok_or_else(|| {
        IpcError::new(ErrorCode::ProjectInvalid, format!("the project uses an unknown preset `{}`", post.preset))
    })
}

/// The canvas size in pixels: all slides side by side.
pub fn canvas_size(post: &Post) -> Result<(u32, u32), IpcError> {
    let canvas = canvas_preset(post)?;
    Ok((canvas.width * post.slides.max(1), canvas.height))
}

/// The canvas as the UI shows it.
pub fn canvas_info(post: &Post) -> Result<CanvasInfo, IpcError> {
    let canvas = canvas_preset(post)?;
    Ok(CanvasInfo {
        preset_id: canvas.id.clone(),
        preset_name: canvas.name.clone(),
        slide_width: canvas.width,
        height: canvas.height,
        slides: post.slides.max(1),
        unsafe_rects: unsafe_rects(canvas, post.slides.max(1)),
    })
}

/// The strips of every slide that the platform's UI covers, `[x, y, w, h]` in canvas pixels.
pub fn unsafe_rects(canvas: &CanvasPreset, slides: u32) -> Vec<[f32; 4]> {
    let (w, h) = (canvas.width as f32, canvas.height as f32);
    let zone = canvas.safe_zone;
    let mut rects = Vec::new();
    for slide in 0..slides {
        let x0 = slide as f32 * w;
        let strips = [
            [x0, 0.0, w, zone.top * h],
            [x0, h - zone.bottom * h, w, zone.bottom * h],
            [x0, zone.top * h, zone.left * w, h * (1.0 - zone.top - zone.bottom)],
            [x0 + w - zone.right * w, zone.top * h, zone.right * w, h * (1.0 - zone.top - zone.bottom)],
        ];
        rects.extend(strips.into_iter().filter(|r| r[2] > 0.0 && r[3] > 0.0));
    }
    rects
}

/// Safe zones shaded and slide dividers, for the preview.
pub fn overlays(post: &Post, safe_zones: bool) -> Result<Overlays, IpcError> {
    let canvas = canvas_preset(post)?;
    let slides = post.slides.max(1);
    let h = canvas.height as f32;
    let guides = (1..slides).map(|i| [(i * canvas.width) as f32, 0.0, (i * canvas.width) as f32, h]).collect();
    Ok(Overlays { shaded: if safe_zones { unsafe_rects(canvas, slides) } else { Vec::new() }, guides })
}

/// A post's scene and how it maps back to the post.
#[derive(Debug, Clone)]
pub struct BuiltScene {
    /// What the compositor draws.
    pub scene: Scene,
    /// The post's layer id of each scene layer (scene layers are the drawable subset).
    pub ids: Vec<LayerId>,
    /// Layers left out, and why.
    pub skipped: Vec<Skipped>,
}

/// The scene of a post: visible layers with their pixels. Layers whose media cannot be drawn
/// (a missing file, a video before video support) are left out and listed.
pub fn build(post: &Post, project: &Path, assets: &AssetCache) -> Result<BuiltScene, IpcError> {
    let (width, height) = canvas_size(post)?;
    let mut layers = Vec::with_capacity(post.layers.len());
    let mut ids = Vec::with_capacity(post.layers.len());
    let mut skipped = Vec::new();
    for layer in post.layers.iter().filter(|l| l.visible && l.opacity > 0.0) {
        let content = match &layer.content {
            // A video layer shows its first frame (the asset cache decodes the poster).
            LayerContent::Image { asset } | LayerContent::Generated { asset, .. } | LayerContent::Video { asset } => {
                match assets.get(&project.join(asset)) {
                    Ok(image) => SceneContent::Image(image),
                    Err(error) => {
                        skipped.push(Skipped { layer: layer.id, reason: error.message });
                        continue;
                    }
                }
            }
            LayerContent::Text { text, font_size, color, wrap_width } => {
                SceneContent::Text { text: text.clone(), font_size: *font_size, color: *color, wrap_width: *wrap_width }
            }
            LayerContent::Shape { shape, fill, width, height } => {
                SceneContent::Shape { kind: *shape, fill: *fill, width: *width, height: *height }
            }
        };
        ids.push(layer.id);
        layers.push(SceneLayer {
            content,
            transform: layer.transform,
            crop: layer.crop,
            opacity: layer.opacity,
            blend: layer.blend,
            filters: layer.filters,
        });
    }
    Ok(BuiltScene { scene: Scene { width, height, background: post.background, layers }, ids, skipped })
}

/// The part of the post's canvas that fills slide `slide` of an export at `target` (each slide
/// `target.width` x `target.height`): the post is scaled uniformly to cover the target canvas,
/// centred, so a different aspect crops the edges rather than stretching.
pub fn export_view(post: &Post, target: &CanvasPreset, slide: u32) -> Result<View, IpcError> {
    let (cw, ch) = canvas_size(post)?;
    let slides = post.slides.max(1);
    let (tw, th) = ((target.width * slides) as f32, target.height as f32);
    let scale = (tw / cw as f32).max(th / ch as f32);
    let (vw, vh) = (tw / scale, th / scale);
    let (vx, vy) = ((cw as f32 - vw) / 2.0, (ch as f32 - vh) / 2.0);
    let slide_w = vw / slides as f32;
    Ok(View { x: vx + slide as f32 * slide_w, y: vy, width: slide_w, height: vh })
}

/// The whole canvas.
pub fn full_view(post: &Post) -> Result<View, IpcError> {
    let (w, h) = canvas_size(post)?;
    Ok(View { x: 0.0, y: 0.0, width: w as f32, height: h as f32 })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn export_at_the_same_preset_shows_each_slide_exactly() {
        let mut post = Post::new("instagram-portrait");
        post.slides = 3;
        let target = canvas_preset(&post).expect("preset");
        let view = export_view(&post, target, 1).expect("view");
        assert_eq!((view.x, view.y, view.width, view.height), (1080.0, 0.0, 1080.0, 1350.0));
    }

    #[test]
    fn export_at_a_wider_preset_crops_top_and_bottom() {
        let post = Post::new("instagram-square");
        let (_, target) = presets::preset("x-landscape").expect("preset");
        let view = export_view(&post, target, 0).expect("view");
        assert!((view.width - 1080.0).abs() < 1e-3);
        assert!((view.height - 607.5).abs() < 1e-3);
        assert!((view.y - 236.25).abs() < 1e-3);
    }

    #[test]
    fn story_safe_zones_cover_top_and_bottom_of_each_slide() {
        let (_, story) = presets::preset("instagram-story").expect("preset");
        let rects = unsafe_rects(story, 2);
        assert!(rects.iter().any(|r| r[0] == 1080.0 && r[1] == 0.0), "{rects:?}");
        assert!(rects.iter().all(|r| r[2] > 0.0 && r[3] > 0.0));
    }
}
