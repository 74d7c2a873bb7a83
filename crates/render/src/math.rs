//! The semantics both renderers share: where a layer lands, how its edges are anti-aliased, the
//! filter and blend formulas, and the blur kernel. The WGSL shaders implement the same formulas;
//! keep them in step (the wgpu-vs-CPU test checks that they are).

use postcraft_core::post::{BlendMode, Crop, Filters, Transform};

use crate::scene::View;

/// A 2D affine map: `x' = a*x + b*y + c`, `y' = d*x + e*y + f`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Affine {
    pub a: f32,
    pub b: f32,
    pub c: f32,
    pub d: f32,
    pub e: f32,
    pub f: f32,
}

impl Affine {
    pub fn apply(&self, p: [f32; 2]) -> [f32; 2] {
        [self.a * p[0] + self.b * p[1] + self.c, self.d * p[0] + self.e * p[1] + self.f]
    }

    pub fn inverse(&self) -> Option<Affine> {
        let det = self.a * self.e - self.b * self.d;
        if !det.is_finite() || det.abs() < 1e-12 {
            return None;
        }
        let (a, b, d, e) = (self.e / det, -self.b / det, -self.d / det, self.a / det);
        Some(Affine { a, b, c: -(a * self.c + b * self.f), d, e, f: -(d * self.c + e * self.f) })
    }

    /// The same map followed by a translation.
    pub fn translated(&self, dx: f32, dy: f32) -> Affine {
        Affine { c: self.c + dx, f: self.f + dy, ..*self }
    }

    /// Rows as `[a, b, c, 0]` and `[d, e, f, 0]` for a uniform.
    pub fn rows(&self) -> [[f32; 4]; 2] {
        [[self.a, self.b, self.c, 0.0], [self.d, self.e, self.f, 0.0]]
    }
}

/// Canvas px to output px.
#[derive(Debug, Clone, Copy)]
pub(crate) struct OutputMap {
    /// Output px per canvas px, horizontally and vertically.
    pub sx: f32,
    pub sy: f32,
    pub view_x: f32,
    pub view_y: f32,
}

impl OutputMap {
    pub fn new(view: &View, out_width: u32, out_height: u32) -> Self {
        Self { sx: out_width as f32 / view.width, sy: out_height as f32 / view.height, view_x: view.x, view_y: view.y }
    }

    pub fn point(&self, p: [f32; 2]) -> [f32; 2] {
        [(p[0] - self.view_x) * self.sx, (p[1] - self.view_y) * self.sy]
    }
}

/// An integer pixel rectangle `[x0, x1) x [y0, y1)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct PixelRect {
    pub x0: i32,
    pub y0: i32,
    pub x1: i32,
    pub y1: i32,
}

impl PixelRect {
    pub fn new(x0: i32, y0: i32, x1: i32, y1: i32) -> Self {
        Self { x0, y0, x1, y1 }
    }

    pub fn sized(width: u32, height: u32) -> Self {
        Self::new(0, 0, width as i32, height as i32)
    }

    pub fn is_empty(&self) -> bool {
        self.x1 <= self.x0 || self.y1 <= self.y0
    }

    pub fn intersect(&self, other: &PixelRect) -> PixelRect {
        PixelRect::new(self.x0.max(other.x0), self.y0.max(other.y0), self.x1.min(other.x1), self.y1.min(other.y1))
    }

    /// The smallest rectangle holding both (an empty one adds nothing).
    pub fn union(&self, other: &PixelRect) -> PixelRect {
        if self.is_empty() {
            return *other;
        }
        if other.is_empty() {
            return *self;
        }
        PixelRect::new(self.x0.min(other.x0), self.y0.min(other.y0), self.x1.max(other.x1), self.y1.max(other.y1))
    }

    pub fn expand(&self, dx: i32, dy: i32) -> PixelRect {
        PixelRect::new(self.x0 - dx, self.y0 - dy, self.x1 + dx, self.y1 + dy)
    }

    pub fn offset(&self, dx: i32, dy: i32) -> PixelRect {
        PixelRect::new(self.x0 + dx, self.y0 + dy, self.x1 + dx, self.y1 + dy)
    }

    pub fn width(&self) -> u32 {
        (self.x1 - self.x0).max(0) as u32
    }

    pub fn height(&self) -> u32 {
        (self.y1 - self.y0).max(0) as u32
    }

    /// The pixels whose centres lie in the float rectangle `[x0, x1) x [y0, y1)`.
    pub fn covering_centres(x0: f32, y0: f32, x1: f32, y1: f32) -> PixelRect {
        let lo = |v: f32| (v - 0.5).ceil().clamp(-1e8, 1e8) as i32;
        PixelRect::new(lo(x0), lo(y0), lo(x1), lo(y1))
    }

    /// The pixels touched by the float rectangle (outward rounding).
    pub fn touching(x0: f32, y0: f32, x1: f32, y1: f32) -> PixelRect {
        let f = |v: f32| v.clamp(-1e8, 1e8);
        PixelRect::new(f(x0).floor() as i32, f(y0).floor() as i32, f(x1).ceil() as i32, f(y1).ceil() as i32)
    }
}

/// The canvas in output pixels: layers and the background are clipped to the pixels whose centres
/// lie on the canvas (outside it the output is transparent). `pad` shifts into a padded target.
pub(crate) fn canvas_pixels(canvas: [f32; 2], map: &OutputMap, pad: i32) -> PixelRect {
    let [x0, y0] = map.point([0.0, 0.0]);
    let [x1, y1] = map.point(canvas);
    PixelRect::covering_centres(x0, y0, x1, y1).offset(pad, pad)
}

/// Where a layer of natural size `size` lands in the output.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Placement {
    /// Natural size (local units: source px for images, canvas px otherwise).
    pub size: [f32; 2],
    /// Local coordinates (origin at the layer's top-left, before transform) to output px.
    pub forward: Affine,
    /// Output px to local coordinates.
    pub inverse: Affine,
    /// Output px per local unit across vertical / horizontal edges (edge distances in px).
    pub edge_scale: [f32; 2],
    /// The local rectangle grown by one output pixel on each side (room for anti-aliasing).
    pub quad: [f32; 4],
    /// Output pixels the grown quad touches.
    pub bounds: PixelRect,
}

/// Places a layer: local `(0,0)..size` is scaled by the transform around its centre, rotated
/// clockwise by `rotation_deg` (y points down), centred at `(x, y)` on the canvas, then mapped to
/// the output. `None` when it is degenerate (zero size or scale) or not finite.
pub(crate) fn place(size: [f32; 2], transform: &Transform, map: &OutputMap) -> Option<Placement> {
    let [w, h] = size;
    if !(w > 0.0 && h > 0.0 && w.is_finite() && h.is_finite()) {
        return None;
    }
    let (sin, cos) = transform.rotation_deg.to_radians().sin_cos();
    let (kx, ky) = (transform.scale_x, transform.scale_y);
    // canvas = T + R * S * (local - size/2), R = [[cos, -sin], [sin, cos]] (clockwise, y down).
    let (a, b, d, e) = (cos * kx, -sin * ky, sin * kx, cos * ky);
    let (cx, cy) = (w * 0.5, h * 0.5);
    let canvas = Affine { a, b, c: transform.x - a * cx - b * cy, d, e, f: transform.y - d * cx - e * cy };
    let forward = Affine {
        a: canvas.a * map.sx,
        b: canvas.b * map.sx,
        c: (canvas.c - map.view_x) * map.sx,
        d: canvas.d * map.sy,
        e: canvas.e * map.sy,
        f: (canvas.f - map.view_y) * map.sy,
    };
    let inverse = forward.inverse()?;
    let grad_x = inverse.a.hypot(inverse.b);
    let grad_y = inverse.d.hypot(inverse.e);
    let quad = [-grad_x, -grad_y, w + grad_x, h + grad_y];
    let corners =
        [[quad[0], quad[1]], [quad[2], quad[1]], [quad[0], quad[3]], [quad[2], quad[3]]].map(|p| forward.apply(p));
    let min_x = corners.iter().map(|p| p[0]).fold(f32::INFINITY, f32::min);
    let max_x = corners.iter().map(|p| p[0]).fold(f32::NEG_INFINITY, f32::max);
    let min_y = corners.iter().map(|p| p[1]).fold(f32::INFINITY, f32::min);
    let max_y = corners.iter().map(|p| p[1]).fold(f32::NEG_INFINITY, f32::max);
    if !(min_x.is_finite() && max_x.is_finite() && min_y.is_finite() && max_y.is_finite()) {
        return None;
    }
    Some(Placement {
        size,
        forward,
        inverse,
        edge_scale: [1.0 / grad_x, 1.0 / grad_y],
        quad,
        bounds: PixelRect::touching(min_x, min_y, max_x, max_y),
    })
}

/// Anti-aliased coverage of a rectangle `0..size` at local point `l` (box-filter approximation:
/// signed distance to each edge pair in output px, plus half a pixel, clamped).
pub(crate) fn rect_coverage(l: [f32; 2], p: &Placement) -> f32 {
    let dx = l[0].min(p.size[0] - l[0]) * p.edge_scale[0];
    let dy = l[1].min(p.size[1] - l[1]) * p.edge_scale[1];
    (dx + 0.5).clamp(0.0, 1.0) * (dy + 0.5).clamp(0.0, 1.0)
}

/// Anti-aliased coverage of the ellipse inscribed in `0..size`: the implicit distance `1 - |q|`
/// divided by its gradient in output px.
pub(crate) fn ellipse_coverage(l: [f32; 2], p: &Placement) -> f32 {
    let half = [p.size[0] * 0.5, p.size[1] * 0.5];
    let q = [(l[0] - half[0]) / half[0], (l[1] - half[1]) / half[1]];
    let r = q[0].hypot(q[1]);
    if r < 1e-4 {
        return 1.0;
    }
    let n = [q[0] / r / half[0], q[1] / r / half[1]];
    let gx = n[0] * p.inverse.a + n[1] * p.inverse.d;
    let gy = n[0] * p.inverse.b + n[1] * p.inverse.e;
    let d = (1.0 - r) / gx.hypot(gy).max(1e-6);
    (d + 0.5).clamp(0.0, 1.0)
}

/// Straight-alpha colour to premultiplied floats.
pub(crate) fn premultiplied(c: [u8; 4]) -> [f32; 4] {
    let a = c[3] as f32 / 255.0;
    [c[0] as f32 / 255.0 * a, c[1] as f32 / 255.0 * a, c[2] as f32 / 255.0 * a, a]
}

/// Filters with values that are not finite set to 0 (no change), vignette to 0..1 and blur to
/// 0 or more, so neither renderer ever sees a NaN.
pub(crate) fn sanitize_filters(f: &Filters) -> Filters {
    let finite = |v: f32| if v.is_finite() { v } else { 0.0 };
    Filters {
        brightness: finite(f.brightness),
        contrast: finite(f.contrast),
        saturation: finite(f.saturation),
        temperature: finite(f.temperature),
        blur: finite(f.blur).max(0.0),
        vignette: finite(f.vignette).clamp(0.0, 1.0),
    }
}

/// Whether any colour filter (or the vignette) changes pixels.
pub(crate) fn has_color_filters(f: &Filters) -> bool {
    f.brightness != 0.0 || f.contrast != 0.0 || f.saturation != 0.0 || f.temperature != 0.0 || f.vignette > 0.0
}

/// Rec. 709 luma weights (sRGB primaries), applied to gamma-encoded values like design tools do.
pub(crate) const LUMA: [f32; 3] = [0.2126, 0.7152, 0.0722];

/// The colour filters on a straight-alpha colour, in this order, each on 0..1 gamma values:
/// brightness `c + b/2`; contrast `(c - 0.5)(1 + k) + 0.5`; saturation `luma + (c - luma)(1 + s)`
/// with Rec. 709 luma; temperature `r + t/10, b - t/10`; then clamped to 0..1.
pub(crate) fn adjust_color(c: [f32; 3], f: &Filters) -> [f32; 3] {
    let mut c = c.map(|v| v + f.brightness * 0.5);
    c = c.map(|v| (v - 0.5) * (1.0 + f.contrast) + 0.5);
    let luma = c[0] * LUMA[0] + c[1] * LUMA[1] + c[2] * LUMA[2];
    c = c.map(|v| luma + (v - luma) * (1.0 + f.saturation));
    c[0] += f.temperature * 0.1;
    c[2] -= f.temperature * 0.1;
    c.map(|v| v.clamp(0.0, 1.0))
}

/// Vignette factor at local point `l`: `1 - amount * smoothstep(0.4, 1, r)` with `r` the distance
/// from the layer's centre normalised to 1 at its corners (0.71 at its edge midpoints).
pub(crate) fn vignette_factor(l: [f32; 2], size: [f32; 2], amount: f32) -> f32 {
    if amount <= 0.0 {
        return 1.0;
    }
    let u = [(l[0] - size[0] * 0.5) / (size[0] * 0.5), (l[1] - size[1] * 0.5) / (size[1] * 0.5)];
    let r = u[0].hypot(u[1]) * std::f32::consts::FRAC_1_SQRT_2;
    let t = ((r - 0.4) / 0.6).clamp(0.0, 1.0);
    1.0 - amount.min(1.0) * t * t * (3.0 - 2.0 * t)
}

/// Blend-mode index shared with the composite shader.
pub(crate) fn blend_index(mode: BlendMode) -> u32 {
    match mode {
        BlendMode::Normal => 0,
        BlendMode::Multiply => 1,
        BlendMode::Screen => 2,
        BlendMode::Overlay => 3,
    }
}

/// W3C compositing: premultiplied source `s` (opacity applied) over premultiplied backdrop `b`
/// with separable blend function `B(cb, cs)` on straight colours:
/// `co = cs(1 - ab) + cb(1 - as) + as*ab*B`, `ao = as + ab(1 - as)`.
pub(crate) fn composite(s: [f32; 4], b: [f32; 4], mode: BlendMode) -> [f32; 4] {
    let ao = s[3] + b[3] * (1.0 - s[3]);
    if mode == BlendMode::Normal {
        return [s[0] + b[0] * (1.0 - s[3]), s[1] + b[1] * (1.0 - s[3]), s[2] + b[2] * (1.0 - s[3]), ao];
    }
    let mut out = [0.0, 0.0, 0.0, ao];
    for i in 0..3 {
        let cs = if s[3] > 0.0 { s[i] / s[3] } else { 0.0 };
        let cb = if b[3] > 0.0 { b[i] / b[3] } else { 0.0 };
        let mixed = match mode {
            BlendMode::Normal | BlendMode::Multiply => cs * cb,
            BlendMode::Screen => cs + cb - cs * cb,
            BlendMode::Overlay => {
                if cb <= 0.5 {
                    2.0 * cs * cb
                } else {
                    let t = 2.0 * cb - 1.0;
                    cs + t - cs * t
                }
            }
        };
        out[i] = s[i] * (1.0 - b[3]) + b[i] * (1.0 - s[3]) + s[3] * b[3] * mixed;
    }
    out
}

/// Largest blur sigma in output px (bigger blurs are clamped; a 2048-wide export of a 1080 canvas
/// reaches it at a blur radius of ~135 canvas px).
pub(crate) const MAX_SIGMA: f32 = 128.0;

/// Gaussian sigma in output px of a blur of `radius` canvas px along an axis with `scale` output
/// px per canvas px: sigma = radius / 2. Below a quarter pixel a blur is invisible and skipped.
pub(crate) fn blur_sigma(radius: f32, scale: f32) -> Option<f32> {
    let sigma = (radius * 0.5 * scale).min(MAX_SIGMA);
    (sigma.is_finite() && sigma >= 0.25).then_some(sigma)
}

/// Half of a normalised discrete Gaussian: `weights[i]` for offsets `+-i`, `i` in `0..=ceil(3 sigma)`.
pub(crate) fn gaussian_half_kernel(sigma: f32) -> Vec<f32> {
    let radius = (3.0 * sigma).ceil() as usize;
    let mut weights: Vec<f32> = (0..=radius).map(|i| (-((i * i) as f32) / (2.0 * sigma * sigma)).exp()).collect();
    let total: f32 = weights[0] + 2.0 * weights[1..].iter().sum::<f32>();
    for w in &mut weights {
        *w /= total;
    }
    weights
}

/// The crop of an image in source px: origin and size; `None` when empty.
pub(crate) fn crop_px(width: u32, height: u32, crop: Option<&Crop>) -> Option<([f32; 2], [f32; 2])> {
    let (w, h) = (width as f32, height as f32);
    let Some(c) = crop else {
        return (width > 0 && height > 0).then_some(([0.0, 0.0], [w, h]));
    };
    let x0 = c.x.clamp(0.0, 1.0);
    let y0 = c.y.clamp(0.0, 1.0);
    let x1 = (c.x + c.width).clamp(0.0, 1.0);
    let y1 = (c.y + c.height).clamp(0.0, 1.0);
    (x1 > x0 && y1 > y0 && width > 0 && height > 0).then_some(([x0 * w, y0 * h], [(x1 - x0) * w, (y1 - y0) * h]))
}

/// Mip level to sample an image at: log2 of the source texels one output pixel spans (the longer
/// of the pixel's two sides), 0 when magnifying.
pub(crate) fn image_lod(p: &Placement, texels_per_source_px: f32) -> f32 {
    let col_x = p.inverse.a.hypot(p.inverse.d);
    let col_y = p.inverse.b.hypot(p.inverse.e);
    (col_x.max(col_y) * texels_per_source_px).log2().max(0.0)
}

/// 8-bit render targets keep `round(v * 255)`; the CPU reference rounds at the same points.
pub(crate) fn quantize(v: f32) -> f32 {
    (v.clamp(0.0, 1.0) * 255.0).round() / 255.0
}

/// Premultiplied 8-bit to straight alpha, rounding to nearest.
pub(crate) fn unpremultiply(p: [u8; 4]) -> [u8; 4] {
    let a = p[3] as u32;
    match a {
        0 => [0, 0, 0, 0],
        255 => p,
        _ => {
            let f = |c: u8| ((c as u32 * 255 + a / 2) / a).min(255) as u8;
            [f(p[0]), f(p[1]), f(p[2]), p[3]]
        }
    }
}

/// Premultiplies straight-alpha 8-bit pixels (rounding), as images are kept on both renderers.
pub(crate) fn premultiply_image(src: &image::RgbaImage) -> image::RgbaImage {
    let mut out = src.clone();
    for px in out.pixels_mut() {
        let a = px.0[3] as u32;
        if a < 255 {
            for c in &mut px.0[..3] {
                *c = ((*c as u32 * a + 127) / 255) as u8;
            }
        }
    }
    out
}

/// The next mip level: a 2x2 box filter (the last odd row/column is folded into its neighbour's
/// box by clamping), rounding to nearest.
pub(crate) fn half_size(src: &image::RgbaImage) -> image::RgbaImage {
    let (w, h) = src.dimensions();
    let (nw, nh) = ((w / 2).max(1), (h / 2).max(1));
    image::RgbaImage::from_fn(nw, nh, |x, y| {
        let (x0, y0) = ((2 * x).min(w - 1), (2 * y).min(h - 1));
        let (x1, y1) = ((2 * x + 1).min(w - 1), (2 * y + 1).min(h - 1));
        let mut sum = [2u32; 4];
        for (sx, sy) in [(x0, y0), (x1, y0), (x0, y1), (x1, y1)] {
            let p = src.get_pixel(sx, sy).0;
            for i in 0..4 {
                sum[i] += p[i] as u32;
            }
        }
        image::Rgba(sum.map(|v| (v / 4) as u8))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn affine_inverse_round_trips() {
        let m = Affine { a: 2.0, b: 0.5, c: 3.0, d: -0.25, e: 1.5, f: -7.0 };
        let inv = m.inverse().unwrap_or(m);
        let p = inv.apply(m.apply([3.0, -4.0]));
        assert!((p[0] - 3.0).abs() < 1e-4 && (p[1] + 4.0).abs() < 1e-4);
    }

    #[test]
    fn rotation_is_clockwise() {
        let map = OutputMap { sx: 1.0, sy: 1.0, view_x: 0.0, view_y: 0.0 };
        let t = Transform { x: 50.0, y: 50.0, scale_x: 1.0, scale_y: 1.0, rotation_deg: 90.0 };
        let p = place([20.0, 10.0], &t, &map).map(|p| p.forward.apply([20.0, 5.0]));
        // The right edge's midpoint turns to below the centre.
        let p = p.unwrap_or_default();
        assert!((p[0] - 50.0).abs() < 1e-3 && (p[1] - 60.0).abs() < 1e-3, "{p:?}");
    }

    #[test]
    fn kernel_is_normalised() {
        let k = gaussian_half_kernel(3.0);
        let total: f32 = k[0] + 2.0 * k[1..].iter().sum::<f32>();
        assert!((total - 1.0).abs() < 1e-5);
        assert_eq!(k.len(), 10);
    }

    #[test]
    fn blend_modes_match_the_spec_on_opaque_colours() {
        let s = [0.8, 0.2, 0.5, 1.0];
        let b = [0.5, 0.5, 0.75, 1.0];
        let m = composite(s, b, BlendMode::Multiply);
        assert!((m[0] - 0.4).abs() < 1e-6 && (m[2] - 0.375).abs() < 1e-6);
        let sc = composite(s, b, BlendMode::Screen);
        assert!((sc[0] - 0.9).abs() < 1e-6);
        let o = composite(s, b, BlendMode::Overlay);
        // cb = 0.5 -> 2*cs*cb = cs; cb = 0.75 -> screen(cs, 0.5).
        assert!((o[0] - 0.8).abs() < 1e-6 && (o[2] - 0.75).abs() < 1e-6);
    }
}
