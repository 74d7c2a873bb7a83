//! Determinism, refused requests, odd inputs and large sources.

mod common;

use postcraft_render::{
    Compositor, Crop, Filters, RenderError, Scene, SceneContent, SceneLayer, ShapeKind, SourceImage, View, reference,
};

#[test]
fn same_inputs_same_bytes() {
    let scene = common::scene_filters();
    let other = common::scene_text();
    let view = View::canvas(&scene);
    let (first, second, third) = common::with_compositor(|c| {
        let first = c.render(&scene, &view, 200, 250, None)?;
        let second = c.render(&scene, &view, 200, 250, None)?;
        // Caches and targets changed in between (other size, other images, text) must not matter.
        c.render(&other, &View::canvas(&other), 333, 111, Some(&common::overlays()))?;
        let third = c.render(&scene, &view, 200, 250, None)?;
        Ok::<_, RenderError>((first, second, third))
    })
    .unwrap_or_else(|e| panic!("{e}"));
    assert!(first.as_raw() == second.as_raw(), "two renders differ");
    assert!(first.as_raw() == third.as_raw(), "a render after other work differs");
    let fonts = common::fonts();
    let a = reference::render_cpu(&scene, &view, 120, 150, &fonts);
    let b = reference::render_cpu(&scene, &view, 120, 150, &fonts);
    assert!(a.as_raw() == b.as_raw(), "the CPU reference is not deterministic");
}

#[test]
fn bad_sizes_are_errors() {
    let scene = common::scene_blend();
    let view = View::canvas(&scene);
    common::with_compositor(|c| {
        let max = c.max_dimension();
        for (w, h) in [(0, 10), (10, 0), (0, 0)] {
            let result = c.render(&scene, &view, w, h, None);
            assert!(matches!(result, Err(RenderError::InvalidRequest(_))), "{w}x{h}: {result:?}");
        }
        for (w, h) in [(max + 1, 8), (8, max + 1), (u32::MAX, u32::MAX)] {
            match c.render(&scene, &view, w, h, None) {
                Err(RenderError::TooLarge { width, height, max: m }) => {
                    assert_eq!((width, height, m), (w, h, max));
                }
                other => panic!("{w}x{h}: expected TooLarge, got {:?}", other.map(|i| i.dimensions())),
            }
        }
        for bad in [
            View { width: 0.0, ..view },
            View { height: -5.0, ..view },
            View { x: f32::NAN, ..view },
            View { width: f32::INFINITY, ..view },
        ] {
            assert!(matches!(c.render(&scene, &bad, 10, 10, None), Err(RenderError::InvalidRequest(_))), "{bad:?}");
        }
        // Still works afterwards.
        assert!(c.render(&scene, &view, 16, 20, None).is_ok());
    });
    assert_eq!(reference::render_cpu(&scene, &view, 0, 5, &common::fonts()).dimensions(), (0, 5));
}

#[test]
fn the_largest_output_renders() {
    // A long strip at the device's limit: output of any size up to it works (readback padding).
    let scene = Scene { width: 100, height: 10, background: [10, 20, 30, 255], layers: vec![] };
    let img = common::with_compositor(|c| {
        let max = c.max_dimension();
        c.render(&scene, &View::canvas(&scene), max, 3, None)
    })
    .unwrap_or_else(|e| panic!("{e}"));
    assert!(img.pixels().all(|p| p.0 == [10, 20, 30, 255]));
}

#[test]
fn degenerate_layers_draw_nothing_and_do_not_panic() {
    let n = f32::NAN;
    let mut layers = Vec::new();
    for (sx, sy, deg, opacity) in [(0.0, 1.0, 0.0, 1.0), (1.0, 1.0, n, 1.0), (n, 1.0, 0.0, 1.0), (1.0, 1.0, 0.0, n)] {
        let mut l = common::shape(ShapeKind::Rectangle, [255, 0, 0, 255], 50.0, 50.0, 50.0, 50.0);
        l.transform = common::transform(50.0, 50.0, sx, sy, deg);
        l.opacity = opacity;
        layers.push(l);
    }
    layers.push(common::shape(ShapeKind::Ellipse, [255, 0, 0, 255], 0.0, 40.0, 50.0, 50.0));
    layers.push(common::shape(ShapeKind::Ellipse, [255, 0, 0, 255], f32::INFINITY, 40.0, 50.0, 50.0));
    layers.push(common::text("", 20.0, [255, 0, 0, 255], 50.0, 50.0));
    layers.push(common::text("x", 0.0, [255, 0, 0, 255], 50.0, 50.0));
    let mut cropped = SceneLayer::new(SceneContent::Image(common::gradient("g", 10, 10)), 50.0, 50.0);
    cropped.crop = Some(Crop { x: 0.5, y: 0.5, width: 0.0, height: 1.0 });
    layers.push(cropped);
    let mut nan_filters = common::shape(ShapeKind::Rectangle, [0, 0, 255, 255], 30.0, 30.0, 50.0, 50.0);
    nan_filters.filters = Filters {
        brightness: f32::NAN,
        contrast: f32::INFINITY,
        blur: f32::NAN,
        vignette: f32::NAN,
        ..Filters::default()
    };
    layers.push(nan_filters);
    layers.push(common::text("Huge", 1e12, [255, 0, 0, 0], 50.0, 50.0));
    let mut far = common::shape(ShapeKind::Rectangle, [255, 0, 0, 255], 50.0, 50.0, 1e30, -1e30);
    far.filters.blur = 1e9;
    layers.push(far);
    let scene = Scene { width: 100, height: 100, background: [0, 0, 255, 255], layers };
    let img = common::with_compositor(|c| c.render(&scene, &View::canvas(&scene), 50, 50, None))
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(img.pixels().all(|p| p.0 == [0, 0, 255, 255]), "a degenerate layer drew something");
}

#[test]
fn a_source_larger_than_the_device_allows_is_reduced_to_fit() {
    let max = common::with_compositor(|c| c.max_dimension());
    let huge = SourceImage::new(
        "huge",
        image::RgbaImage::from_fn(max + 300, 24, |x, y| image::Rgba([(x % 256) as u8, (y * 10) as u8, 128, 255])),
    );
    let mut layer = SceneLayer::new(SceneContent::Image(huge.clone()), 128.0, 160.0);
    layer.transform.scale_x = 250.0 / (max + 300) as f32;
    layer.transform.scale_y = 4.0;
    let scene = Scene { width: 256, height: 320, background: [255, 255, 255, 255], layers: vec![layer] };
    let view = View::canvas(&scene);
    let gpu = common::with_compositor(|c| {
        assert_eq!(c.measure(&SceneContent::Image(huge), None), [(max + 300) as f32, 24.0]);
        c.render(&scene, &view, 256, 320, None)
    })
    .unwrap_or_else(|e| panic!("{e}"));
    let cpu = reference::render_cpu(&scene, &view, 256, 320, &common::fonts());
    let diff = common::diff(&gpu, &cpu, 3);
    assert!(diff.max <= 12 && diff.share_within > 0.999, "{:?}", (diff.max, diff.share_within));
}

#[test]
fn measure_gives_natural_sizes() {
    common::with_compositor(|c| {
        let img = SceneContent::Image(common::gradient("m", 200, 100));
        assert_eq!(c.measure(&img, None), [200.0, 100.0]);
        let crop = Crop { x: 0.25, y: 0.0, width: 0.5, height: 0.5 };
        assert_eq!(c.measure(&img, Some(&crop)), [100.0, 50.0]);
        let shape = SceneContent::Shape { kind: ShapeKind::Ellipse, fill: [0; 4], width: 30.0, height: 12.0 };
        assert_eq!(c.measure(&shape, None), [30.0, 12.0]);
        let text =
            |s: &str, wrap| SceneContent::Text { text: s.into(), font_size: 20.0, color: [0; 4], wrap_width: wrap };
        let [w1, h1] = c.measure(&text("Hello", None), None);
        let [w2, h2] = c.measure(&text("Hello, world", None), None);
        let [w3, h3] = c.measure(&text("Hello\nworld", None), None);
        let [w4, h4] = c.measure(&text("Hello, wide world of text", Some(60.0)), None);
        assert!(w1 > 20.0 && h1 > 15.0 && h1 < 40.0, "{w1}x{h1}");
        assert!(w2 > w1 && (h2 - h1).abs() < 0.5);
        assert!(h3 > 1.8 * h1 && w3 < w2);
        assert!(w4 <= 60.5 && h4 > 2.5 * h1, "{w4}x{h4}");
    });
}

#[test]
fn fonts_report_missing_files() {
    let fonts = postcraft_render::FontSet::load(&[
        std::path::PathBuf::from("/nonexistent/font.ttf"),
        std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml"),
    ]);
    let report = fonts.report().join("\n");
    assert!(report.contains("missing") && report.contains("/nonexistent/font.ttf"), "{report}");
    assert!(report.contains("not a font"), "{report}");
}

#[test]
fn compositor_is_send() {
    fn send<T: Send>() {}
    send::<Compositor>();
}
