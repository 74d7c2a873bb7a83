//! Images as planar RGB floats in `[0, 1]`, the layout image models take.

use image::RgbImage;

/// An RGB image as three planes of `width * height` floats in `[0, 1]` (CHW order).
#[derive(Debug, Clone, PartialEq)]
pub struct PlanarImage {
    /// Width in pixels.
    pub width: usize,
    /// Height in pixels.
    pub height: usize,
    /// R plane, then G, then B.
    pub data: Vec<f32>,
}

impl PlanarImage {
    /// A black image.
    pub fn new(width: usize, height: usize) -> Self {
        Self { width, height, data: vec![0.0; 3 * width * height] }
    }

    /// From 8-bit RGB.
    pub fn from_rgb8(image: &RgbImage) -> Self {
        let (width, height) = (image.width() as usize, image.height() as usize);
        Self::from_interleaved(image.as_raw(), width, height)
    }

    /// From interleaved 8-bit RGB bytes (`3 * width * height` of them).
    pub fn from_interleaved(rgb: &[u8], width: usize, height: usize) -> Self {
        let plane = width * height;
        let mut data = vec![0.0; 3 * plane];
        for (pixel, chunk) in rgb.chunks_exact(3).take(plane).enumerate() {
            for channel in 0..3 {
                data[channel * plane + pixel] = f32::from(chunk[channel]) / 255.0;
            }
        }
        Self { width, height, data }
    }

    /// To interleaved 8-bit RGB bytes, rounding and clamping.
    pub fn to_interleaved(&self) -> Vec<u8> {
        let plane = self.width * self.height;
        let mut rgb = Vec::with_capacity(3 * plane);
        for pixel in 0..plane {
            for channel in 0..3 {
                rgb.push(to_byte(self.data[channel * plane + pixel]));
            }
        }
        rgb
    }

    /// To 8-bit RGB.
    pub fn to_rgb8(&self) -> RgbImage {
        RgbImage::from_raw(self.width as u32, self.height as u32, self.to_interleaved())
            .unwrap_or_else(|| RgbImage::new(self.width as u32, self.height as u32))
    }

    /// The `width x height` window at `(x, y)`, with pixels outside the image mirrored back in
    /// (reflection without repeating the edge, as the models' own padding does), so a model
    /// sees plausible content at the borders.
    pub fn window(&self, x: isize, y: isize, width: usize, height: usize) -> PlanarImage {
        let mut out = PlanarImage::new(width, height);
        let (plane, out_plane) = (self.width * self.height, width * height);
        let columns: Vec<usize> = (0..width).map(|i| mirror(x + i as isize, self.width)).collect();
        for row in 0..height {
            let source_row = mirror(y + row as isize, self.height) * self.width;
            for channel in 0..3 {
                let source = &self.data[channel * plane + source_row..][..self.width];
                let target = &mut out.data[channel * out_plane + row * width..][..width];
                for (value, column) in target.iter_mut().zip(&columns) {
                    *value = source[*column];
                }
            }
        }
        out
    }

    /// `self * (1 - strength) + other * strength`, in place; sizes must match.
    pub fn blend_towards(&mut self, other: &PlanarImage, strength: f32) {
        let s = strength.clamp(0.0, 1.0);
        for (a, b) in self.data.iter_mut().zip(&other.data) {
            *a += (b - *a) * s;
        }
    }
}

fn to_byte(value: f32) -> u8 {
    (value.clamp(0.0, 1.0) * 255.0).round() as u8
}

/// Index `i` mirrored into `0..len` (…, 2, 1, 0, 1, 2, …, len-1, len-2, …); a one-pixel axis
/// repeats its pixel.
fn mirror(i: isize, len: usize) -> usize {
    if len <= 1 {
        return 0;
    }
    let period = 2 * (len as isize - 1);
    let folded = i.rem_euclid(period);
    (if folded < len as isize { folded } else { period - folded }) as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_round_trip_and_mirror_folds() {
        let rgb: Vec<u8> = (0..2 * 3 * 3).map(|v| (v * 13) as u8).collect();
        let image = PlanarImage::from_interleaved(&rgb, 3, 2);
        assert_eq!(image.to_interleaved(), rgb);
        assert_eq!((-2..6).map(|i| mirror(i, 3)).collect::<Vec<_>>(), vec![2, 1, 0, 1, 2, 1, 0, 1]);
        assert_eq!(mirror(-5, 1), 0);
        let window = image.window(-1, 0, 5, 2);
        // column -1 mirrors column 1
        assert_eq!(window.data[0], image.data[1]);
        assert_eq!(window.data[1], image.data[0]);
    }

    #[test]
    fn blend_is_linear() {
        let mut a = PlanarImage { width: 1, height: 1, data: vec![0.0, 0.5, 1.0] };
        let b = PlanarImage { width: 1, height: 1, data: vec![1.0, 0.5, 0.0] };
        a.blend_towards(&b, 0.25);
        assert_eq!(a.data, vec![0.25, 0.5, 0.75]);
    }
}
