//! Bringing 64-pixel GAN output to post size.

use image::RgbaImage;
use image::imageops::{self, FilterType};

/// Largest side an upscale may produce (a 4K post; `postcraft_core::post::Upscale::MAX_SIDE`
/// says the same to the UI, checked by the engine's tests).
pub const MAX_UPSCALE_SIDE: u32 = 4096;

/// Resizes `image` so its longer side is `longest` pixels with Lanczos-3 (the sharpest of the
/// standard resamplers without ringing worth noticing at these factors), then applies an unsharp
/// mask of `sharpen` in `[0, 1]` (0 = none), which restores edge contrast that interpolation
/// softens. Alpha is resampled with the colour (premultiplied, so transparent pixels do not
/// bleed dark fringes into edges).
pub fn upscale(image: &RgbaImage, longest: u32, sharpen: f32) -> RgbaImage {
    let (w, h) = image.dimensions();
    let longest = longest.clamp(1, MAX_UPSCALE_SIDE);
    let (nw, nh) = if w >= h {
        (longest, ((h as f64 * longest as f64 / w as f64).round() as u32).max(1))
    } else {
        (((w as f64 * longest as f64 / h as f64).round() as u32).max(1), longest)
    };
    let premultiplied = map_pixels(image, premultiply);
    let resized = imageops::resize(&premultiplied, nw, nh, FilterType::Lanczos3);
    let sharpened = if sharpen > 0.0 {
        // sigma grows with the scale factor: the blur to undo is about one source pixel wide.
        let sigma = 0.5 + 0.5 * (nw as f32 / w.max(1) as f32).log2().max(0.0);
        let sharp = imageops::unsharpen(&resized, sigma, 2);
        blend(&resized, &sharp, sharpen.clamp(0.0, 1.0))
    } else {
        resized
    };
    map_pixels(&sharpened, unpremultiply)
}

fn map_pixels(image: &RgbaImage, f: impl Fn([u8; 4]) -> [u8; 4]) -> RgbaImage {
    let mut out = image.clone();
    for pixel in out.pixels_mut() {
        pixel.0 = f(pixel.0);
    }
    out
}

fn premultiply([r, g, b, a]: [u8; 4]) -> [u8; 4] {
    let m = |c: u8| ((u16::from(c) * u16::from(a) + 127) / 255) as u8;
    [m(r), m(g), m(b), a]
}

fn unpremultiply([r, g, b, a]: [u8; 4]) -> [u8; 4] {
    if a == 0 {
        return [0, 0, 0, 0];
    }
    let d = |c: u8| ((u32::from(c.min(a)) * 255 + u32::from(a) / 2) / u32::from(a)).min(255) as u8;
    [d(r), d(g), d(b), a]
}

fn blend(a: &RgbaImage, b: &RgbaImage, t: f32) -> RgbaImage {
    let mut out = a.clone();
    for (pixel, other) in out.pixels_mut().zip(b.pixels()) {
        for (c, o) in pixel.0.iter_mut().zip(other.0) {
            *c = (f32::from(*c) + (f32::from(o) - f32::from(*c)) * t).round() as u8;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::Rgba;

    #[test]
    fn keeps_aspect_and_sharpening_raises_edge_contrast() {
        let mut image = RgbaImage::from_pixel(64, 32, Rgba([20, 20, 20, 255]));
        for y in 0..32 {
            for x in 32..64 {
                image.put_pixel(x, y, Rgba([230, 230, 230, 255]));
            }
        }
        let soft = upscale(&image, 512, 0.0);
        let sharp = upscale(&image, 512, 1.0);
        assert_eq!(soft.dimensions(), (512, 256));
        // just right of the edge, the sharpened image is brighter (overshoot) than the soft one
        let edge = |img: &RgbaImage| img.get_pixel(259, 128).0[0];
        assert!(edge(&sharp) > edge(&soft), "{} vs {}", edge(&sharp), edge(&soft));
        // flat areas are untouched by sharpening
        assert_eq!(sharp.get_pixel(50, 50).0, soft.get_pixel(50, 50).0);
    }

    #[test]
    fn transparent_pixels_do_not_darken_edges() {
        let mut image = RgbaImage::from_pixel(8, 8, Rgba([0, 0, 0, 0]));
        for y in 0..8 {
            for x in 0..4 {
                image.put_pixel(x, y, Rgba([255, 255, 255, 255]));
            }
        }
        let big = upscale(&image, 64, 0.0);
        let p = big.get_pixel(31, 32).0;
        assert!(p[3] > 0 && p[0] > 240, "semi-transparent edge stays white: {p:?}");
    }
}
