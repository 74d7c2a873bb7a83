//! Compositor benchmark: a 1080x1350 post (three photo-sized images, one blurred and saturated,
//! one multiplied; shapes; a text layer) rendered with the wgpu compositor on whatever adapter
//! wgpu picks, and with the CPU reference.
//!
//! `cargo run --release -p postcraft-render --example bench_compositor [-- FRAMES]` (default 20,
//! after 3 warm-up frames; the two renderers alternate frame by frame). Prints median and p95
//! milliseconds of each and the speed-up. `BENCH_LAYERS=0,2` keeps only those layers;
//! `BENCH_SAVE=out.png` writes the wgpu frame.
//!
//! Then the live preview of a drag: the same scene at the editor's 378x473, a middle layer
//! (`BENCH_LIVE=INDEX` picks another) moved every frame, `render` and `render_live` alternating
//! frame by frame (4 x FRAMES frames each), median and p95 ms of both; then the same at full size
//! (FRAMES frames each).

use std::path::PathBuf;
use std::time::Instant;

use postcraft_render::{
    BlendMode, Compositor, Filters, FontSet, Scene, SceneContent, SceneLayer, ShapeKind, SourceImage, Transform, View,
    reference,
};

const WIDTH: u32 = 1080;
const HEIGHT: u32 = 1350;

/// A photo-like 1600x1200 image: smooth colour fields plus deterministic grain.
fn photo(key: &str, seed: u32) -> SourceImage {
    let img = image::RgbaImage::from_fn(1600, 1200, |x, y| {
        let mut h = x.wrapping_mul(374_761_393) ^ y.wrapping_mul(668_265_263) ^ seed.wrapping_mul(2_246_822_519);
        h = (h ^ (h >> 13)).wrapping_mul(1_274_126_177);
        let grain = (h >> 24) as f32 / 255.0 - 0.5;
        let fx = x as f32 / 1600.0;
        let fy = y as f32 / 1200.0;
        let s = seed as f32;
        let r = 0.5 + 0.4 * (fx * 6.0 + s).sin() * (fy * 3.0).cos();
        let g = 0.5 + 0.4 * (fy * 5.0 - s).sin();
        let b = 0.5 + 0.4 * ((fx + fy) * 4.0 + s * 2.0).cos();
        let px = |v: f32| ((v + grain * 0.15).clamp(0.0, 1.0) * 255.0) as u8;
        image::Rgba([px(r), px(g), px(b), 255])
    });
    SourceImage::new(key, img)
}

fn layer(content: SceneContent, x: f32, y: f32, sx: f32, sy: f32, deg: f32) -> SceneLayer {
    let mut l = SceneLayer::new(content, x, y);
    l.transform = Transform { x, y, scale_x: sx, scale_y: sy, rotation_deg: deg };
    l
}

fn scene() -> Scene {
    let background = layer(SceneContent::Image(photo("photo-a", 1)), 540.0, 675.0, 1.125, 1.125, 0.0);
    let mut filtered = layer(SceneContent::Image(photo("photo-b", 2)), 560.0, 520.0, 0.45, 0.45, 8.0);
    filtered.filters = Filters { blur: 12.0, saturation: 0.6, ..Filters::default() };
    let mut multiplied = layer(SceneContent::Image(photo("photo-c", 3)), 420.0, 950.0, 0.4, 0.4, -5.0);
    multiplied.blend = BlendMode::Multiply;
    let shape = |kind, fill, w, h| SceneContent::Shape { kind, fill, width: w, height: h };
    let mut band =
        layer(shape(ShapeKind::Rectangle, [255, 255, 255, 190], 1080.0, 260.0), 540.0, 1180.0, 1.0, 1.0, 0.0);
    band.opacity = 0.9;
    let badge = layer(shape(ShapeKind::Ellipse, [240, 60, 90, 255], 260.0, 260.0), 880.0, 220.0, 1.0, 1.0, 0.0);
    let text = layer(
        SceneContent::Text {
            text: "Summer collection\n夏 – new arrivals ☀".into(),
            font_size: 64.0,
            color: [25, 25, 40, 255],
            wrap_width: Some(1000.0),
        },
        540.0,
        1180.0,
        1.0,
        1.0,
        -3.0,
    );
    Scene {
        width: WIDTH,
        height: HEIGHT,
        background: [255, 255, 255, 255],
        layers: vec![background, filtered, multiplied, band, badge, text],
    }
}

fn stats(mut ms: Vec<f64>) -> (f64, f64) {
    ms.sort_by(f64::total_cmp);
    let pick = |q: f64| ms[((ms.len() as f64 - 1.0) * q).round() as usize];
    (pick(0.5), pick(0.95))
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let frames: usize = std::env::args().nth(1).map(|a| a.parse()).transpose()?.unwrap_or(20);
    let font_files = [PathBuf::from("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf")];
    let mut scene = scene();
    // BENCH_LAYERS=0,2 keeps only those layers (for profiling).
    if let Ok(keep) = std::env::var("BENCH_LAYERS") {
        let keep: Vec<usize> = keep.split(',').filter_map(|s| s.trim().parse().ok()).collect();
        scene.layers = scene.layers.into_iter().enumerate().filter(|(i, _)| keep.contains(i)).map(|(_, l)| l).collect();
    }
    let view = View::canvas(&scene);

    let t = Instant::now();
    let mut compositor = Compositor::new(FontSet::load(&font_files))?;
    let a = compositor.adapter();
    println!(
        "adapter: {} ({}, {}), device init {:.0} ms",
        a.name,
        a.backend,
        a.device_type,
        t.elapsed().as_secs_f64() * 1e3
    );
    let t = Instant::now();
    let first = compositor.render(&scene, &view, WIDTH, HEIGHT, None)?;
    println!("first frame (uploads, pipelines warm-up): {:.1} ms", t.elapsed().as_secs_f64() * 1e3);
    for _ in 0..2 {
        compositor.render(&scene, &view, WIDTH, HEIGHT, None)?;
    }
    let fonts = FontSet::load(&font_files);
    let cpu_image = reference::render_cpu(&scene, &view, WIDTH, HEIGHT, &fonts);
    // Alternate the two so that load from elsewhere on the machine hits both alike.
    let mut gpu = Vec::with_capacity(frames);
    let mut cpu = Vec::with_capacity(frames);
    for _ in 0..frames {
        let t = Instant::now();
        compositor.render(&scene, &view, WIDTH, HEIGHT, None)?;
        gpu.push(t.elapsed().as_secs_f64() * 1000.0);
        let t = Instant::now();
        reference::render_cpu(&scene, &view, WIDTH, HEIGHT, &fonts);
        cpu.push(t.elapsed().as_secs_f64() * 1000.0);
    }

    let (gm, gp) = stats(gpu);
    let (cm, cp) = stats(cpu);
    println!("scene: {WIDTH}x{HEIGHT}, {} layers, {frames} frames after warm-up", scene.layers.len());
    println!("wgpu compositor: median {gm:.1} ms, p95 {gp:.1} ms");
    println!("CPU reference:   median {cm:.1} ms, p95 {cp:.1} ms");
    println!("speed-up (reference / wgpu, medians): {:.1}x", cm / gm);
    let max_diff = first
        .pixels()
        .zip(cpu_image.pixels())
        .map(|(p, q)| (0..4).map(|i| p.0[i].abs_diff(q.0[i])).max().unwrap_or(0))
        .max()
        .unwrap_or(0);
    println!("largest channel difference wgpu vs reference (text included): {max_diff}/255");
    if let Some(path) = std::env::var_os("BENCH_SAVE") {
        first.save(PathBuf::from(path))?;
    }
    if !scene.layers.is_empty() {
        live_drag(&mut compositor, &scene, PREVIEW, frames * 4)?;
        live_drag(&mut compositor, &scene, (WIDTH, HEIGHT), frames)?;
    }
    Ok(())
}

/// The editor's preview size of a 1080x1350 post.
const PREVIEW: (u32, u32) = (378, 473);

/// A drag of one layer at preview size: `render` vs `render_live`, the layer moved every frame.
fn live_drag(
    compositor: &mut Compositor,
    scene: &Scene,
    (w, h): (u32, u32),
    frames: usize,
) -> Result<(), Box<dyn std::error::Error>> {
    let live: usize = match std::env::var("BENCH_LIVE") {
        Ok(v) => v.parse()?,
        Err(_) => scene.layers.len() / 2,
    };
    let live = live.min(scene.layers.len() - 1);
    let view = View::canvas(scene);
    let mut scene = scene.clone();
    let start = scene.layers[live].transform;
    let place = |scene: &mut Scene, frame: usize| {
        // A slow circle, a new position every frame.
        let t = frame as f32 * 0.15;
        scene.layers[live].transform.x = start.x + 90.0 * t.cos();
        scene.layers[live].transform.y = start.y + 60.0 * t.sin();
    };
    for frame in 0..3 {
        place(&mut scene, frame);
        compositor.render(&scene, &view, w, h, None)?;
        compositor.render_live(&scene, &view, w, h, None, live)?;
    }
    let before = compositor.live_cache_stats();
    let mut full = Vec::with_capacity(frames);
    let mut cached = Vec::with_capacity(frames);
    let mut max_diff = 0;
    for frame in 0..frames {
        place(&mut scene, frame + 3);
        let t = Instant::now();
        let a = compositor.render(&scene, &view, w, h, None)?;
        full.push(t.elapsed().as_secs_f64() * 1000.0);
        let t = Instant::now();
        let b = compositor.render_live(&scene, &view, w, h, None, live)?;
        cached.push(t.elapsed().as_secs_f64() * 1000.0);
        let diff = a.pixels().zip(b.pixels()).flat_map(|(p, q)| (0..4).map(move |i| p.0[i].abs_diff(q.0[i]))).max();
        max_diff = max_diff.max(diff.unwrap_or(0));
    }
    let after = compositor.live_cache_stats();
    let (fm, fp) = stats(full);
    let (cm, cp) = stats(cached);
    println!("live drag: {w}x{h}, layer {live} of {} moved every frame, {frames} frames each", scene.layers.len());
    println!("render:      median {fm:.1} ms, p95 {fp:.1} ms");
    println!("render_live: median {cm:.1} ms, p95 {cp:.1} ms ({:.1}x faster, medians)", fm / cm);
    println!(
        "render_live cache: below {} hits / {} misses, above {} hits / {} misses / {} uncached; largest \
         channel difference to render {max_diff}/255",
        after.below_hits - before.below_hits,
        after.below_misses - before.below_misses,
        after.above_hits - before.above_hits,
        after.above_misses - before.above_misses,
        after.above_uncached - before.above_uncached,
    );
    Ok(())
}
