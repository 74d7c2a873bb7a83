//! The wgpu compositor and the CPU reference agree, so the shaders really implement the
//! documented semantics (`reference::render_cpu`); text included.
//!
//! Tolerance: every channel within 3/255 for at least 99.9 % of the pixels and no channel off by
//! more than 12/255 anywhere (measured on llvmpipe: at most 4/255, 99.99 % within 3/255). Both round to 8 bits at the same points; what remains is the GPU's
//! texture filtering arithmetic (weights of limited precision, bilinear-merged blur taps) and
//! float rounding, which can tip a value to the next step and, on a sharp edge, a bit more.

mod common;

use postcraft_render::{BlendMode, Filters, Scene, SceneContent, SceneLayer, ShapeKind, View, reference};

const WITHIN: u8 = 3;
const SHARE: f64 = 0.999;
const MAX: u8 = 12;

fn agree(name: &str, scene: &Scene, view: &View, width: u32, height: u32) {
    let gpu = common::with_compositor(|c| c.render(scene, view, width, height, None))
        .unwrap_or_else(|e| panic!("{name}: render failed: {e}"));
    let cpu = reference::render_cpu(scene, view, width, height, &common::fonts());
    let diff = common::diff(&gpu, &cpu, WITHIN);
    if std::env::var_os("KEEP_RENDERS").is_some() {
        let dir = common::failure_dir();
        let _ = std::fs::create_dir_all(&dir);
        let _ = gpu.save(dir.join(format!("reference-{name}-gpu.png")));
    }
    eprintln!("{name}: max {}/255, {:.4} % within {WITHIN}", diff.max, diff.share_within * 100.0);
    if diff.max > MAX || diff.share_within < SHARE {
        let dir = common::failure_dir();
        std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
        let _ = gpu.save(dir.join(format!("reference-{name}-gpu.png")));
        let _ = cpu.save(dir.join(format!("reference-{name}-cpu.png")));
        let _ = diff.image.save(dir.join(format!("reference-{name}-diff.png")));
        panic!(
            "{name}: wgpu and CPU differ (max {}/255, {:.3} % within {WITHIN}/255); images in {}",
            diff.max,
            diff.share_within * 100.0,
            dir.display()
        );
    }
}

#[test]
fn image_layers() {
    let scene = common::scene_image();
    agree("image", &scene, &View::canvas(&scene), common::W, common::H);
}

#[test]
fn blend_modes() {
    let scene = common::scene_blend();
    agree("blend", &scene, &View::canvas(&scene), common::W, common::H);
}

#[test]
fn filters() {
    let scene = common::scene_filters();
    agree("filters", &scene, &View::canvas(&scene), common::W, common::H);
}

/// Text too: both draw the same epaint meshes (the CPU rasterizes them with the GPU's top-left
/// rule and egui's bilinear atlas sampling).
#[test]
fn text() {
    let scene = common::scene_text();
    agree("text", &scene, &View::canvas(&scene), common::W, common::H);
}

#[test]
fn carousel_slide_with_blur_across_the_edge() {
    let scene = common::scene_carousel();
    agree("carousel", &scene, &common::carousel_view(&scene), common::W, common::H);
}

/// Downscaled photo (mip levels), a mirrored and rotated copy, translucency, every blend mode
/// with filters, layers off the canvas edge, a view wider than the canvas and a stretched output.
#[test]
fn awkward_placements() {
    let photo = common::checker("photo", 900, 700, 5);
    let mut layers = Vec::new();
    let mut small = SceneLayer::new(SceneContent::Image(photo.clone()), 80.0, 90.0);
    small.transform = common::transform(80.0, 90.0, 0.13, 0.17, 33.0);
    layers.push(small);
    let mut mirrored = SceneLayer::new(SceneContent::Image(common::gradient("g", 64, 48)), 200.0, 80.0);
    mirrored.transform = common::transform(200.0, 80.0, -1.5, 2.0, 200.0);
    mirrored.opacity = 0.7;
    layers.push(mirrored);
    let modes = [BlendMode::Normal, BlendMode::Multiply, BlendMode::Screen, BlendMode::Overlay];
    for (i, mode) in modes.into_iter().enumerate() {
        let mut l =
            common::shape(ShapeKind::Ellipse, [40 + 50 * i as u8, 180, 220 - 40 * i as u8, 200], 120.0, 70.0, 0.0, 0.0);
        l.transform = common::transform(30.0 + 70.0 * i as f32, 220.0 + 15.0 * i as f32, 1.0, 1.0, -25.0 * i as f32);
        l.blend = mode;
        l.opacity = 0.9;
        l.filters =
            Filters { saturation: 0.5, temperature: -0.4, blur: 2.0 * i as f32, vignette: 0.5, ..Filters::default() };
        layers.push(l);
    }
    let mut off_edge = common::shape(ShapeKind::Rectangle, [250, 250, 20, 255], 100.0, 100.0, 250.0, 310.0);
    off_edge.filters.blur = 8.0;
    layers.push(off_edge);
    let mut flipped_photo = SceneLayer::new(SceneContent::Image(photo), 128.0, 150.0);
    flipped_photo.transform = common::transform(128.0, 150.0, 0.2, -0.2, 0.0);
    flipped_photo.blend = BlendMode::Overlay;
    flipped_photo.filters.contrast = 0.5;
    layers.push(flipped_photo);
    let scene = Scene { width: common::W, height: common::H, background: [200, 220, 255, 200], layers };
    agree("awkward", &scene, &View::canvas(&scene), 200, 180);
    // Beyond the canvas the output stays transparent.
    let wide = View { x: -40.0, y: -20.0, width: 336.0, height: 360.0 };
    agree("awkward-wide-view", &scene, &wide, 300, 300);
}
