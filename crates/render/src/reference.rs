//! The compositor's semantics on the CPU: the reference the wgpu output is tested against, and the
//! baseline of the benchmark.
//!
//! Same plan (placement, fast path or not, blur sizes, regions), same formulas (`math`), same
//! 8-bit rounding points as the GPU's `Rgba8Unorm` targets (after each layer draw, the horizontal
//! blur pass and each composite), same text meshes. What differs is the arithmetic of texture filtering (the GPU's
//! filter weights have limited precision) and the blur's bilinear tap merging, hence the small
//! tolerance in the tests. Single-threaded and straightforward rather than tuned.

use std::collections::HashMap;

use egui::epaint::{ColorImage, Mesh};

use crate::fonts::FontSet;
use crate::math::{self, PixelRect, Placement};
use crate::plan::{self, Content, LayerPlan};
use crate::scene::{Scene, ShapeKind, SourceImage, View};
use crate::text;

/// Atlas side of the CPU's text layout (no device limit applies).
const ATLAS_SIDE: usize = 8192;

/// Renders `view` of `scene` like [`crate::Compositor::render`] (without overlays), on the CPU.
/// An empty output or view gives an empty (or fully transparent) image rather than an error.
pub fn render_cpu(scene: &Scene, view: &View, out_width: u32, out_height: u32, fonts: &FontSet) -> image::RgbaImage {
    if crate::check_request(view, out_width, out_height).is_err() {
        return image::RgbaImage::new(out_width, out_height);
    }
    fonts.with_cpu_fonts(|fonts| {
        text::begin_pass(fonts, ATLAS_SIDE);
        let plan = plan::plan_frame(scene, view, out_width, out_height, fonts, i32::MAX / 4, &|_| true);
        let atlas = fonts.texture_atlas().image();
        let mut renderer = Cpu { atlas, mips: HashMap::new() };
        let mut accum = Plane::new(plan.out);
        let background = math::premultiplied(scene.background).map(math::quantize);
        let visible = plan.canvas.intersect(&plan.out);
        accum.fill(&visible, background);
        for layer in &plan.layers {
            let Some(regions) = plan.regions(layer, plan.pad) else { continue };
            renderer.layer(&mut accum, layer, &regions, plan.pad);
        }
        let mut out = image::RgbaImage::new(out_width, out_height);
        for (px, c) in out.pixels_mut().zip(&accum.data) {
            px.0 = math::unpremultiply(c.map(|v| (v * 255.0).round() as u8));
        }
        out
    })
}

/// Premultiplied RGBA floats over a pixel rectangle; zero outside it.
struct Plane {
    rect: PixelRect,
    data: Vec<[f32; 4]>,
    /// Whether drawing rounds like an 8-bit target (false: a value the GPU keeps in registers).
    round: bool,
}

impl Plane {
    fn new(rect: PixelRect) -> Self {
        Self { rect, data: vec![[0.0; 4]; rect.width() as usize * rect.height() as usize], round: true }
    }

    fn index(&self, x: i32, y: i32) -> Option<usize> {
        let r = &self.rect;
        (x >= r.x0 && x < r.x1 && y >= r.y0 && y < r.y1)
            .then(|| (y - r.y0) as usize * r.width() as usize + (x - r.x0) as usize)
    }

    fn get(&self, x: i32, y: i32) -> [f32; 4] {
        self.index(x, y).map_or([0.0; 4], |i| self.data[i])
    }

    fn fill(&mut self, area: &PixelRect, c: [f32; 4]) {
        let area = area.intersect(&self.rect);
        for y in area.y0..area.y1 {
            for x in area.x0..area.x1 {
                if let Some(i) = self.index(x, y) {
                    self.data[i] = c;
                }
            }
        }
    }

    /// Premultiplied source-over of `s`, rounded like an 8-bit target.
    fn over(&mut self, x: i32, y: i32, s: [f32; 4]) {
        if let Some(i) = self.index(x, y) {
            let d = self.data[i];
            let k = 1.0 - s[3];
            let v = [0, 1, 2, 3].map(|c| s[c] + d[c] * k);
            self.data[i] = if self.round { v.map(math::quantize) } else { v };
        }
    }
}

struct Cpu<'a> {
    atlas: &'a ColorImage,
    /// Premultiplied mip chains of this render's images, built as far as needed.
    mips: HashMap<String, Vec<image::RgbaImage>>,
}

impl Cpu<'_> {
    fn layer(&mut self, accum: &mut Plane, layer: &LayerPlan<'_>, regions: &plan::Regions, pad: i32) {
        let opacity = layer.opacity;
        if layer.direct {
            self.draw(accum, layer, &regions.draw, 0, opacity);
            return;
        }
        let mut plane = Plane::new(regions.draw);
        // A fused layer's colour goes straight into the composite on the GPU, unrounded.
        plane.round = !layer.fused;
        self.draw(&mut plane, layer, &regions.draw, pad, 1.0);
        if layer.sigma != [None, None] {
            // The horizontal pass lands in an 8-bit target; the vertical one runs inside the
            // composite shader and feeds it unrounded.
            plane = blur(&plane, regions.blur_h, layer.sigma[0], [1, 0], true);
            plane = blur(&plane, regions.out.offset(pad, pad), layer.sigma[1], [0, 1], false);
        }
        let filters = &layer.filters;
        let adjust = math::has_color_filters(filters);
        let p = &layer.placement;
        let r = regions.out;
        for y in r.y0..r.y1 {
            for x in r.x0..r.x1 {
                let mut s = plane.get(x + pad, y + pad);
                if adjust && s[3] > 0.0 {
                    let c = math::adjust_color([s[0] / s[3], s[1] / s[3], s[2] / s[3]], filters);
                    let l = p.inverse.apply([x as f32 + 0.5, y as f32 + 0.5]);
                    let v = math::vignette_factor(l, p.size, filters.vignette);
                    s = [c[0] * v * s[3], c[1] * v * s[3], c[2] * v * s[3], s[3]];
                }
                let s = s.map(|c| c * opacity);
                if let Some(i) = accum.index(x, y) {
                    accum.data[i] = math::composite(s, accum.data[i], layer.layer.blend).map(math::quantize);
                }
            }
        }
    }

    /// Draws a layer's own pixels over `target` within `area` (target coordinates, which are
    /// output coordinates shifted by `pad`).
    fn draw(&mut self, target: &mut Plane, layer: &LayerPlan<'_>, area: &PixelRect, pad: i32, opacity: f32) {
        let p = &layer.placement;
        match &layer.content {
            Content::Text { mesh } => rasterize(target, mesh, area, pad as f32, self.atlas),
            Content::Shape { kind, fill } => {
                let colour = math::premultiplied(*fill).map(|c| c * opacity);
                for_each_local(area, p, pad, |x, y, l| {
                    let coverage = match kind {
                        ShapeKind::Rectangle => math::rect_coverage(l, p),
                        ShapeKind::Ellipse => math::ellipse_coverage(l, p),
                    };
                    if coverage > 0.0 {
                        target.over(x, y, colour.map(|c| c * coverage));
                    }
                });
            }
            Content::Image { source, origin } => {
                let (w, h) = (source.pixels.width() as f32, source.pixels.height() as f32);
                let levels = 32 - source.pixels.width().max(source.pixels.height()).max(1).leading_zeros();
                let lod = math::image_lod(p, 1.0).min((levels - 1) as f32);
                let chain = self.chain(source, lod.ceil() as usize);
                let clamp = crate::gpu::image_uv_clamp(*origin, p.size, [w, h]);
                for_each_local(area, p, pad, |x, y, l| {
                    let coverage = math::rect_coverage(l, p);
                    if coverage <= 0.0 {
                        return;
                    }
                    let u = ((origin[0] + l[0]) / w).clamp(clamp[0], clamp[2]);
                    let v = ((origin[1] + l[1]) / h).clamp(clamp[1], clamp[3]);
                    let texel = trilinear(chain, u, v, lod);
                    target.over(x, y, texel.map(|c| c * coverage * opacity));
                });
            }
        }
    }

    fn chain(&mut self, source: &SourceImage, last_level: usize) -> &[image::RgbaImage] {
        let chain =
            self.mips.entry(source.key.clone()).or_insert_with(|| vec![math::premultiply_image(&source.pixels)]);
        while chain.len() <= last_level {
            let next = math::half_size(&chain[chain.len() - 1]);
            chain.push(next);
        }
        chain
    }
}

/// Calls `f(x, y, local)` for each pixel of `area` with the local coordinates of its centre.
fn for_each_local(area: &PixelRect, p: &Placement, pad: i32, mut f: impl FnMut(i32, i32, [f32; 2])) {
    let inv = &p.inverse;
    for y in area.y0..area.y1 {
        let oy = (y - pad) as f32 + 0.5;
        for x in area.x0..area.x1 {
            let ox = (x - pad) as f32 + 0.5;
            f(x, y, inv.apply([ox, oy]));
        }
    }
}

fn bilinear(img: &image::RgbaImage, u: f32, v: f32) -> [f32; 4] {
    let (w, h) = (img.width() as i32, img.height() as i32);
    let x = u * w as f32 - 0.5;
    let y = v * h as f32 - 0.5;
    let (x0, y0) = (x.floor(), y.floor());
    let (fx, fy) = (x - x0, y - y0);
    let (x0, y0) = (x0 as i32, y0 as i32);
    let texel = |tx: i32, ty: i32| img.get_pixel(tx.clamp(0, w - 1) as u32, ty.clamp(0, h - 1) as u32).0;
    let (a, b, c, d) = (texel(x0, y0), texel(x0 + 1, y0), texel(x0, y0 + 1), texel(x0 + 1, y0 + 1));
    [0, 1, 2, 3].map(|i| {
        let top = a[i] as f32 + (b[i] as f32 - a[i] as f32) * fx;
        let bottom = c[i] as f32 + (d[i] as f32 - c[i] as f32) * fx;
        (top + (bottom - top) * fy) / 255.0
    })
}

fn trilinear(chain: &[image::RgbaImage], u: f32, v: f32, lod: f32) -> [f32; 4] {
    let level = lod.floor() as usize;
    let t = lod - level as f32;
    let a = bilinear(&chain[level.min(chain.len() - 1)], u, v);
    if t <= 0.0 || level + 1 >= chain.len() {
        return a;
    }
    let b = bilinear(&chain[level + 1], u, v);
    [0, 1, 2, 3].map(|i| a[i] + (b[i] - a[i]) * t)
}

/// One separable Gaussian pass over `out` (target coordinates), reading `src` (zero outside it).
fn blur(src: &Plane, out: PixelRect, sigma: Option<f32>, dir: [i32; 2], round: bool) -> Plane {
    let mut dst = Plane::new(out);
    let kernel = sigma.map_or_else(|| vec![1.0], math::gaussian_half_kernel);
    let radius = kernel.len() as i32 - 1;
    for y in out.y0..out.y1 {
        for x in out.x0..out.x1 {
            let mut sum = [0.0f32; 4];
            for k in -radius..=radius {
                let s = src.get(x + k * dir[0], y + k * dir[1]);
                let w = kernel[k.unsigned_abs() as usize];
                for c in 0..4 {
                    sum[c] += s[c] * w;
                }
            }
            if let Some(i) = dst.index(x, y) {
                dst.data[i] = if round { sum.map(math::quantize) } else { sum };
            }
        }
    }
    dst
}

/// Rasterizes an epaint mesh (positions in output px, shifted here by `pad`) over `target`
/// within `clip`, like egui's shader: vertex colour times the bilinear atlas texel, source-over.
fn rasterize(target: &mut Plane, mesh: &Mesh, clip: &PixelRect, pad: f32, atlas: &ColorImage) {
    let [aw, ah] = atlas.size;
    let texel = |x: i32, y: i32| {
        let c = atlas.pixels[y.clamp(0, ah as i32 - 1) as usize * aw + x.clamp(0, aw as i32 - 1) as usize];
        [c.r(), c.g(), c.b(), c.a()].map(|v| v as f32 / 255.0)
    };
    let sample = |u: f32, v: f32| {
        let x = u * aw as f32 - 0.5;
        let y = v * ah as f32 - 0.5;
        let (x0, y0) = (x.floor(), y.floor());
        let (fx, fy) = (x - x0, y - y0);
        let (x0, y0) = (x0 as i32, y0 as i32);
        let (a, b, c, d) = (texel(x0, y0), texel(x0 + 1, y0), texel(x0, y0 + 1), texel(x0 + 1, y0 + 1));
        [0, 1, 2, 3].map(|i| {
            let top = a[i] + (b[i] - a[i]) * fx;
            let bottom = c[i] + (d[i] - c[i]) * fx;
            top + (bottom - top) * fy
        })
    };
    for tri in mesh.indices.chunks_exact(3) {
        let mut v = [tri[0], tri[1], tri[2]].map(|i| mesh.vertices[i as usize]);
        // GPUs snap vertices to a sub-pixel grid (1/256 px on llvmpipe) before rasterizing; doing
        // the same decides pixel centres on or near an edge the same way.
        let snap = |v: f32| (v * 256.0).round() / 256.0;
        let pos = |i: usize, v: &[egui::epaint::Vertex; 3]| [snap(v[i].pos.x + pad), snap(v[i].pos.y + pad)];
        let edge =
            |a: [f32; 2], b: [f32; 2], p: [f32; 2]| (b[0] - a[0]) * (p[1] - a[1]) - (b[1] - a[1]) * (p[0] - a[0]);
        let mut area = edge(pos(0, &v), pos(1, &v), pos(2, &v));
        if area == 0.0 || !area.is_finite() {
            continue;
        }
        if area < 0.0 {
            v.swap(1, 2);
            area = -area;
        }
        let p = [pos(0, &v), pos(1, &v), pos(2, &v)];
        let bounds = PixelRect::touching(
            p[0][0].min(p[1][0]).min(p[2][0]),
            p[0][1].min(p[1][1]).min(p[2][1]),
            p[0][0].max(p[1][0]).max(p[2][0]),
            p[0][1].max(p[1][1]).max(p[2][1]),
        )
        .intersect(clip)
        .intersect(&target.rect);
        // The top-left rule, as GPUs rasterize: a pixel centre exactly on an edge belongs to the
        // triangle if that is its top edge (flat, interior below) or a left edge (interior to the
        // right). With y down and the interior where every edge function is positive, those are
        // the edges pointing right when flat, or up.
        let owns = |a: [f32; 2], b: [f32; 2]| b[1] < a[1] || (b[1] == a[1] && b[0] > a[0]);
        let edges = [(p[1], p[2]), (p[2], p[0]), (p[0], p[1])];
        for y in bounds.y0..bounds.y1 {
            for x in bounds.x0..bounds.x1 {
                let c = [x as f32 + 0.5, y as f32 + 0.5];
                let w = edges.map(|(a, b)| edge(a, b, c));
                let inside = (0..3).all(|i| w[i] > 0.0 || (w[i] == 0.0 && owns(edges[i].0, edges[i].1)));
                if !inside {
                    continue;
                }
                let b = w.map(|wi| wi / area);
                let u = b[0] * v[0].uv.x + b[1] * v[1].uv.x + b[2] * v[2].uv.x;
                let t = b[0] * v[0].uv.y + b[1] * v[1].uv.y + b[2] * v[2].uv.y;
                let tex = sample(u, t);
                let col = [0, 1, 2, 3].map(|i| {
                    let channel = |vx: &egui::epaint::Vertex| vx.color.to_array()[i] as f32 / 255.0;
                    b[0] * channel(&v[0]) + b[1] * channel(&v[1]) + b[2] * channel(&v[2])
                });
                target.over(x, y, [0, 1, 2, 3].map(|i| col[i] * tex[i]));
            }
        }
    }
}
