//! Scenes shared by the render tests, generated in code.
#![allow(dead_code)]

use std::path::PathBuf;

use postcraft_render::{
    BlendMode, Crop, Filters, FontSet, Overlays, Scene, SceneContent, SceneLayer, ShapeKind, SourceImage, Transform,
    View,
};

/// Droid Sans Fallback (Debian fonts-droid-fallback), the CJK fallback the app ships.
pub const CJK_FONT: &str = "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf";

pub fn fonts() -> FontSet {
    FontSet::load(&[PathBuf::from(CJK_FONT)])
}

/// A smooth two-axis gradient with a soft alpha ramp on the right quarter.
pub fn gradient(key: &str, width: u32, height: u32) -> SourceImage {
    let img = image::RgbaImage::from_fn(width, height, |x, y| {
        let fx = x as f32 / (width - 1).max(1) as f32;
        let fy = y as f32 / (height - 1).max(1) as f32;
        let a = if fx > 0.75 { 255.0 - (fx - 0.75) * 4.0 * 155.0 } else { 255.0 };
        image::Rgba([(fx * 255.0) as u8, (fy * 255.0) as u8, ((1.0 - fx) * 200.0 + fy * 55.0) as u8, a as u8])
    });
    SourceImage::new(key, img)
}

/// A checkerboard with coloured cells: sharp edges show sampling and rotation.
pub fn checker(key: &str, width: u32, height: u32, cell: u32) -> SourceImage {
    let img = image::RgbaImage::from_fn(width, height, |x, y| {
        let on = ((x / cell) + (y / cell)).is_multiple_of(2);
        if on {
            image::Rgba([230, 60 + (x * 150 / width) as u8, 40, 255])
        } else {
            image::Rgba([30, 40, 90 + (y * 150 / height) as u8, 255])
        }
    });
    SourceImage::new(key, img)
}

pub fn shape(kind: ShapeKind, fill: [u8; 4], w: f32, h: f32, x: f32, y: f32) -> SceneLayer {
    SceneLayer::new(SceneContent::Shape { kind, fill, width: w, height: h }, x, y)
}

pub fn text(s: &str, size: f32, color: [u8; 4], x: f32, y: f32) -> SceneLayer {
    SceneLayer::new(SceneContent::Text { text: s.into(), font_size: size, color, wrap_width: None }, x, y)
}

pub fn transform(x: f32, y: f32, sx: f32, sy: f32, deg: f32) -> Transform {
    Transform { x, y, scale_x: sx, scale_y: sy, rotation_deg: deg }
}

pub const W: u32 = 256;
pub const H: u32 = 320;

/// An image layer, rotated and cropped, over a tinted background, plus a half-transparent one.
pub fn scene_image() -> Scene {
    let mut img = SceneLayer::new(SceneContent::Image(checker("checker", 200, 160, 16)), 128.0, 150.0);
    img.transform = transform(128.0, 150.0, 1.1, 0.9, 20.0);
    img.crop = Some(Crop { x: 0.1, y: 0.2, width: 0.7, height: 0.6 });
    let mut faded = SceneLayer::new(SceneContent::Image(gradient("gradient", 120, 90)), 90.0, 250.0);
    faded.opacity = 0.6;
    faded.transform = transform(90.0, 250.0, 0.55, 0.55, -8.0);
    Scene { width: W, height: H, background: [240, 236, 228, 255], layers: vec![img, faded] }
}

/// Shapes in each blend mode over a gradient image, plus a semi-transparent ellipse.
pub fn scene_blend() -> Scene {
    let mut layers = vec![{
        let mut l = SceneLayer::new(SceneContent::Image(gradient("gradient-big", 256, 320)), 128.0, 160.0);
        l.transform = transform(128.0, 160.0, 1.0, 1.0, 0.0);
        l
    }];
    let modes = [BlendMode::Normal, BlendMode::Multiply, BlendMode::Screen, BlendMode::Overlay];
    for (i, mode) in modes.into_iter().enumerate() {
        let kind = if i % 2 == 0 { ShapeKind::Rectangle } else { ShapeKind::Ellipse };
        let mut l =
            shape(kind, [220, 120, 40, 255], 90.0, 60.0, 70.0 + (i % 2) as f32 * 120.0, 70.0 + (i / 2) as f32 * 120.0);
        l.blend = mode;
        l.opacity = 0.85;
        l.transform.rotation_deg = 12.0 * i as f32;
        layers.push(l);
    }
    let mut glass = shape(ShapeKind::Ellipse, [40, 200, 255, 140], 140.0, 50.0, 128.0, 290.0);
    glass.blend = BlendMode::Screen;
    layers.push(glass);
    Scene { width: W, height: H, background: [255, 255, 255, 255], layers }
}

/// Each filter on its own layer.
pub fn scene_filters() -> Scene {
    let image = |key: &str, x: f32, y: f32, filters: Filters| {
        let mut l = SceneLayer::new(SceneContent::Image(checker(key, 96, 96, 12)), x, y);
        l.filters = filters;
        l
    };
    let f = Filters::default();
    let layers = vec![
        image("c1", 64.0, 60.0, Filters { brightness: 0.3, contrast: 0.4, ..f }),
        image("c2", 192.0, 60.0, Filters { saturation: -0.8, temperature: 0.6, ..f }),
        image("c3", 64.0, 170.0, Filters { blur: 6.0, ..f }),
        image("c4", 192.0, 170.0, Filters { vignette: 0.9, contrast: -0.3, ..f }),
        {
            let mut l = shape(ShapeKind::Rectangle, [30, 140, 90, 255], 200.0, 50.0, 128.0, 275.0);
            l.filters = Filters { blur: 3.0, brightness: -0.2, ..f };
            l.blend = BlendMode::Multiply;
            l
        },
    ];
    Scene { width: W, height: H, background: [250, 250, 250, 255], layers }
}

/// Latin, CJK and emoji text, one line rotated and blurred.
pub fn scene_text() -> Scene {
    let mut title = text("Summer sale\n夏 – 50% off ☀", 28.0, [20, 20, 30, 255], 128.0, 80.0);
    title.transform.rotation_deg = -6.0;
    let mut emoji = text("🎉 🌸 😀", 36.0, [200, 40, 90, 255], 128.0, 170.0);
    emoji.transform.scale_x = 1.2;
    let mut wrapped = SceneLayer::new(
        SceneContent::Text {
            text: "Wrapped text keeps its lines centred".into(),
            font_size: 18.0,
            color: [255, 255, 255, 255],
            wrap_width: Some(150.0),
        },
        128.0,
        255.0,
    );
    wrapped.filters.blur = 0.8;
    let band = shape(ShapeKind::Rectangle, [40, 60, 120, 255], 256.0, 90.0, 128.0, 255.0);
    Scene { width: W, height: H, background: [250, 246, 238, 255], layers: vec![title, emoji, band, wrapped] }
}

/// A three-slide carousel canvas with an image running across the slides.
pub fn scene_carousel() -> Scene {
    let mut panorama = SceneLayer::new(SceneContent::Image(gradient("panorama", 300, 100)), 384.0, 160.0);
    panorama.transform = transform(384.0, 160.0, 2.4, 2.4, 0.0);
    let mut dot = shape(ShapeKind::Ellipse, [255, 210, 0, 255], 120.0, 120.0, 256.0, 160.0);
    dot.filters.blur = 10.0;
    let mut card = shape(ShapeKind::Rectangle, [255, 255, 255, 200], 180.0, 80.0, 384.0, 260.0);
    card.transform.rotation_deg = 5.0;
    Scene { width: W * 3, height: H, background: [20, 20, 30, 255], layers: vec![panorama, dot, card] }
}

pub fn carousel_view(scene: &Scene) -> View {
    View::slide(scene, 3, 1)
}

pub fn overlays() -> Overlays {
    Overlays {
        shaded: vec![[0.0, 0.0, 256.0, 40.0], [0.0, 270.0, 256.0, 50.0]],
        guides: vec![[128.0, 0.0, 128.0, 320.0]],
    }
}

/// One compositor per test binary (opening a device takes a while; tests share it in turn).
pub fn with_compositor<R>(f: impl FnOnce(&mut postcraft_render::Compositor) -> R) -> R {
    use std::sync::{Mutex, OnceLock, PoisonError};
    static COMPOSITOR: OnceLock<Mutex<postcraft_render::Compositor>> = OnceLock::new();
    let compositor = COMPOSITOR.get_or_init(|| {
        let compositor = postcraft_render::Compositor::new(fonts())
            .unwrap_or_else(|e| panic!("no adapter for the render tests (install Mesa llvmpipe): {e}"));
        Mutex::new(compositor)
    });
    let mut guard = compositor.lock().unwrap_or_else(PoisonError::into_inner);
    f(&mut guard)
}

/// Per-pixel comparison of two images of the same size.
#[derive(Debug)]
pub struct Diff {
    /// Largest difference of any channel, in 1/255 steps.
    pub max: u8,
    /// Share of pixels with every channel within `within`.
    pub share_within: f64,
    pub image: image::RgbaImage,
}

pub fn diff(a: &image::RgbaImage, b: &image::RgbaImage, within: u8) -> Diff {
    assert_eq!(a.dimensions(), b.dimensions(), "image sizes differ");
    let mut max = 0;
    let mut ok = 0usize;
    let image = image::RgbaImage::from_fn(a.width(), a.height(), |x, y| {
        let (p, q) = (a.get_pixel(x, y).0, b.get_pixel(x, y).0);
        let d = [0, 1, 2, 3].map(|i| p[i].abs_diff(q[i]));
        let m = d.iter().copied().max().unwrap_or(0);
        max = max.max(m);
        if m <= within {
            ok += 1;
        }
        image::Rgba([
            d[0].saturating_mul(8),
            d[1].saturating_mul(8),
            d[2].saturating_mul(8).max(d[3].saturating_mul(8)),
            255,
        ])
    });
    Diff { max, share_within: ok as f64 / (a.width() as f64 * a.height() as f64), image }
}

/// Where failing image tests leave the actual and diff images.
pub fn failure_dir() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target"));
    target.join("golden-failures")
}
