//! `Compositor::render_live` gives `render`'s pixels while it caches what lies below and above the
//! live layer.
//!
//! Tolerance: every channel within 2/255 of `render` for at least 99.9 % of the pixels and never
//! more than 8/255 (seen: at most 1/255). The composite below the live layer is `render`'s own
//! bytes; the group of the layers above is rounded to 8 bits at other points than the sequential
//! composite (see `render_live`'s docs), which is where the differences come from. On a
//! translucent canvas the same tolerance applies to premultiplied colours.

mod common;

use postcraft_render::{
    BlendMode, Compositor, Filters, Overlays, RenderError, Scene, SceneContent, SceneLayer, ShapeKind, View,
};

const WITHIN: u8 = 2;
const SHARE: f64 = 0.999;
const MAX: u8 = 8;

const W: u32 = 270;
const H: u32 = 338;

/// Eight layers on a 540x675 canvas: a full-bleed photo, a blurred and saturated image, a
/// translucent band, text, a rotated translucent gradient, an ellipse with a vignette, blurred
/// wrapped text and a small rectangle. `multiply` gets `BlendMode::Multiply`.
fn scene(multiply: usize) -> Scene {
    let mut layers = Vec::new();
    let mut photo = SceneLayer::new(SceneContent::Image(common::gradient("live-photo", 300, 375)), 270.0, 337.5);
    photo.transform = common::transform(270.0, 337.5, 1.8, 1.8, 0.0);
    layers.push(photo);
    let mut blurred = SceneLayer::new(SceneContent::Image(common::checker("live-checker", 200, 150, 20)), 250.0, 220.0);
    blurred.transform = common::transform(250.0, 220.0, 1.2, 1.2, 7.0);
    blurred.filters = Filters { blur: 6.0, saturation: 0.5, ..Filters::default() };
    layers.push(blurred);
    let mut band = common::shape(ShapeKind::Rectangle, [255, 255, 255, 200], 540.0, 150.0, 270.0, 560.0);
    band.opacity = 0.85;
    layers.push(band);
    let mut title = common::text("Live drag\n夏 sale ☀", 44.0, [20, 20, 40, 255], 270.0, 560.0);
    title.transform.rotation_deg = -4.0;
    layers.push(title);
    let mut faded = SceneLayer::new(SceneContent::Image(common::gradient("live-gradient", 160, 120)), 380.0, 400.0);
    faded.transform = common::transform(380.0, 400.0, 1.3, 1.3, -12.0);
    faded.opacity = 0.7;
    layers.push(faded);
    let mut badge = common::shape(ShapeKind::Ellipse, [240, 60, 90, 230], 180.0, 180.0, 440.0, 120.0);
    badge.filters = Filters { vignette: 0.6, brightness: 0.1, ..Filters::default() };
    layers.push(badge);
    let mut caption = SceneLayer::new(
        SceneContent::Text {
            text: "Soft caption that wraps over two lines".into(),
            font_size: 26.0,
            color: [255, 255, 255, 255],
            wrap_width: Some(300.0),
        },
        250.0,
        640.0,
    );
    caption.filters.blur = 1.0;
    layers.push(caption);
    let mut tag = common::shape(ShapeKind::Rectangle, [30, 140, 90, 255], 160.0, 60.0, 120.0, 300.0);
    tag.opacity = 0.9;
    layers.push(tag);
    layers[multiply].blend = BlendMode::Multiply;
    Scene { width: 540, height: 675, background: [250, 246, 238, 255], layers }
}

fn compare(what: &str, live: &image::RgbaImage, full: &image::RgbaImage) {
    let diff = common::diff(live, full, WITHIN);
    assert!(
        diff.max <= MAX && diff.share_within >= SHARE,
        "{what}: render_live differs from render (max {}/255, {:.3} % within {WITHIN}/255)",
        diff.max,
        diff.share_within * 100.0
    );
}

/// Drags each layer in turn over a few positions: every frame matches `render` of the same scene.
fn drag_each_layer(scene: &Scene, view: &View, overlays: Option<&Overlays>, c: &mut Compositor) {
    let mut worst = 0;
    for live in 0..scene.layers.len() {
        let mut s = scene.clone();
        let start = s.layers[live].transform;
        for (step, (dx, dy)) in [(0.0, 0.0), (23.5, -11.0), (-40.25, 31.0)].into_iter().enumerate() {
            s.layers[live].transform.x = start.x + dx;
            s.layers[live].transform.y = start.y + dy;
            s.layers[live].transform.rotation_deg = start.rotation_deg + step as f32 * 3.0;
            let live_frame = c.render_live(&s, view, W, H, overlays, live).expect("render_live");
            let full = c.render(&s, view, W, H, overlays).expect("render");
            compare(&format!("layer {live}, step {step}"), &live_frame, &full);
            worst = worst.max(common::diff(&live_frame, &full, WITHIN).max);
        }
    }
    eprintln!("largest channel difference render_live vs render: {worst}/255");
}

#[test]
fn multiply_below_the_live_layer() {
    let scene = scene(1);
    common::with_compositor(|c| drag_each_layer(&scene, &View::canvas(&scene), None, c));
}

#[test]
fn multiply_above_the_live_layer() {
    let scene = scene(6);
    common::with_compositor(|c| {
        let before = c.live_cache_stats();
        drag_each_layer(&scene, &View::canvas(&scene), None, c);
        let after = c.live_cache_stats();
        // Live layers below the multiply layer draw the layers up to it one by one, and those
        // above it from the cached group.
        assert!(after.above_uncached > before.above_uncached, "{after:?}");
        assert!(after.above_hits > before.above_hits, "{after:?}");
    });
}

#[test]
fn overlays_and_a_view_wider_than_the_canvas() {
    let scene = scene(2);
    // Part of the output lies outside the canvas (transparent there).
    let view = View { x: -60.0, y: -20.0, width: 640.0, height: 800.0 };
    let overlays = Overlays { shaded: vec![[0.0, 0.0, 540.0, 60.0]], guides: vec![[270.0, 0.0, 270.0, 675.0]] };
    common::with_compositor(|c| drag_each_layer(&scene, &view, Some(&overlays), c));
}

#[test]
fn cache_hits_while_dragging_and_misses_when_a_cached_layer_changes() {
    let mut scene = scene(1);
    let view = View::canvas(&scene);
    let live = 4;
    common::with_compositor(|c| {
        c.clear_live_cache();
        let first = c.render_live(&scene, &view, W, H, None, live).expect("first frame");
        let s0 = c.live_cache_stats();
        // Only the live layer moves: both caches hit.
        scene.layers[live].transform.x += 30.0;
        let moved = c.render_live(&scene, &view, W, H, None, live).expect("moved");
        let s1 = c.live_cache_stats();
        assert_eq!((s1.below_hits, s1.above_hits), (s0.below_hits + 1, s0.above_hits + 1), "{s1:?}");
        assert_ne!(first, moved, "the live layer moved");
        compare("hit", &moved, &c.render(&scene, &view, W, H, None).expect("render"));
        // A layer below changes: the below cache misses, and the frame shows the change.
        scene.layers[1].filters.blur = 0.0;
        scene.layers[1].transform.x -= 50.0;
        let changed = c.render_live(&scene, &view, W, H, None, live).expect("below changed");
        let s2 = c.live_cache_stats();
        assert_eq!((s2.below_misses, s2.above_hits), (s1.below_misses + 1, s1.above_hits + 1), "{s2:?}");
        assert_ne!(changed, moved, "the change below shows");
        compare("below miss", &changed, &c.render(&scene, &view, W, H, None).expect("render"));
        // A layer above changes (text): the group is redrawn.
        if let SceneContent::Text { text, .. } = &mut scene.layers[6].content {
            text.push_str(" now");
        }
        let changed = c.render_live(&scene, &view, W, H, None, live).expect("above changed");
        let s3 = c.live_cache_stats();
        assert_eq!((s3.below_hits, s3.above_misses), (s2.below_hits + 1, s2.above_misses + 1), "{s3:?}");
        compare("above miss", &changed, &c.render(&scene, &view, W, H, None).expect("render"));
        // `render` in between does not disturb the caches.
        scene.layers[live].transform.y += 12.0;
        let again = c.render_live(&scene, &view, W, H, None, live).expect("again");
        let s4 = c.live_cache_stats();
        assert_eq!((s4.below_hits, s4.above_hits), (s3.below_hits + 1, s3.above_hits + 1), "{s4:?}");
        compare("after render", &again, &c.render(&scene, &view, W, H, None).expect("render"));
        // Another output size starts over, and still matches.
        let small = c.render_live(&scene, &view, W / 2, H / 2, None, live).expect("small");
        let s5 = c.live_cache_stats();
        assert_eq!((s5.below_misses, s5.above_misses), (s4.below_misses + 1, s4.above_misses + 1), "{s5:?}");
        compare("other size", &small, &c.render(&scene, &view, W / 2, H / 2, None).expect("render"));
    });
}

#[test]
fn live_layer_out_of_range_is_an_invalid_request() {
    let scene = scene(1);
    let view = View::canvas(&scene);
    common::with_compositor(|c| {
        let n = scene.layers.len();
        for live in [n, n + 5, usize::MAX] {
            match c.render_live(&scene, &view, W, H, None, live) {
                Err(RenderError::InvalidRequest(_)) => {}
                other => panic!("live layer {live}: expected InvalidRequest, got {:?}", other.map(|i| i.dimensions())),
            }
        }
        let empty = Scene { layers: Vec::new(), ..scene.clone() };
        assert!(matches!(c.render_live(&empty, &view, W, H, None, 0), Err(RenderError::InvalidRequest(_))));
        // The request checks of `render` apply too.
        assert!(matches!(c.render_live(&scene, &view, 0, H, None, 0), Err(RenderError::InvalidRequest(_))));
    });
}

/// Straight colours times alpha: what the output looks like laid over something.
fn premultiplied(img: &image::RgbaImage) -> image::RgbaImage {
    let mut out = img.clone();
    for p in out.pixels_mut() {
        let a = p.0[3] as u32;
        for c in &mut p.0[..3] {
            *c = ((*c as u32 * a + 127) / 255) as u8;
        }
    }
    out
}

#[test]
fn a_translucent_canvas() {
    // A transparent background and a faint photo: the output's alpha is low in places, where
    // straight colours magnify rounding differences by 1/alpha; compare premultiplied colours.
    let mut scene = scene(1);
    scene.background = [0, 0, 0, 0];
    scene.layers[0].opacity = 0.3;
    let view = View::canvas(&scene);
    common::with_compositor(|c| {
        let mut worst = 0;
        for live in 0..scene.layers.len() {
            let live_frame = c.render_live(&scene, &view, W, H, None, live).expect("render_live");
            let full = c.render(&scene, &view, W, H, None).expect("render");
            let (a, b) = (premultiplied(&live_frame), premultiplied(&full));
            compare(&format!("translucent, layer {live}"), &a, &b);
            worst = worst.max(common::diff(&a, &b, WITHIN).max);
        }
        eprintln!("largest premultiplied channel difference on a translucent canvas: {worst}/255");
    });
}
