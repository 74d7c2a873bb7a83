//! Running an image model over a photo of any size, tile by tile.
//!
//! A convolutional generator's output pixel depends on a bounded neighbourhood of input pixels
//! (its receptive radius). So a large photo is cut into overlapping windows whose positions are
//! multiples of the model's downsampling factor (each tile then samples the same grid a
//! whole-image run would), each window is translated on its own, and overlaps are blended with
//! complementary smoothstep weights that are zero within the receptive radius of a tile's inner
//! edges, where the tile's own padding differs from the real neighbours. Every pixel that gets
//! weight was computed from real neighbours only, so a tiled run equals a whole-image run (up
//! to float rounding); the short feather between the two zones only hides rounding. Memory
//! stays bounded by the tile, whatever the photo's size.

use crate::PlanarImage;

/// How a photo is cut into model runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TilePlan {
    /// Tile width and height in pixels (a multiple of `multiple`).
    pub tile: (usize, usize),
    /// Pixels adjacent tiles share (at least; the last tile of a row may share more).
    pub overlap: usize,
    /// Pixels at a tile's inner edge that get no weight (the receptive radius: what the tile's
    /// padding reaches). `overlap` is twice this plus the feather.
    pub margin: usize,
    /// Window positions and sizes are multiples of this (the model's downsampling).
    pub multiple: usize,
    /// True when the model takes this one size only: windows are never resized.
    pub fixed: bool,
}

/// A tile that could not be translated.
#[derive(Debug, thiserror::Error)]
pub enum TilingError<E> {
    /// The model failed (or was cancelled) on a tile.
    #[error(transparent)]
    Model(E),
    /// The model returned a tile of the wrong size.
    #[error("the model returned {got} values for a {width}x{height} tile")]
    WrongSize {
        /// Values returned.
        got: usize,
        /// Tile width.
        width: usize,
        /// Tile height.
        height: usize,
    },
}

/// One model run: the window at `(x, y)` of `width x height` pixels (may reach past the image,
/// which is mirrored there).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    /// Left edge (image coordinates).
    pub x: usize,
    /// Top edge.
    pub y: usize,
    /// Width.
    pub width: usize,
    /// Height.
    pub height: usize,
}

impl TilePlan {
    /// A plan for a model with dynamic input size: square tiles of about `tile` pixels (grown
    /// when the radius needs it), overlapping by twice the receptive radius plus a feather.
    pub fn dynamic(tile: usize, multiple: usize, receptive_radius: usize) -> Self {
        let multiple = multiple.max(1);
        let margin = receptive_radius;
        let overlap = round_up(2 * margin + FEATHER, multiple);
        // At least twice the overlap, so a tile is not mostly shared with its neighbours.
        let tile = round_up(tile.max(4 * multiple).max(2 * overlap), multiple);
        Self { tile: (tile, tile), overlap, margin, multiple, fixed: false }
    }

    /// A plan for a model that takes exactly `width x height`: the overlap follows the radius as
    /// far as the size allows (a small fixed size cannot give an exact result, only a blend).
    pub fn fixed(width: usize, height: usize, receptive_radius: usize) -> Self {
        let room = width.min(height) / 2;
        let margin = receptive_radius.min(room.saturating_sub(FEATHER) / 2);
        let overlap = (2 * margin + FEATHER).min(room).max(1);
        Self { tile: (width, height), overlap, margin, multiple: 1, fixed: true }
    }

    /// The windows covering a `width x height` image, row by row.
    pub fn windows(&self, width: usize, height: usize) -> Vec<Window> {
        let xs = self.axis(width, self.tile.0);
        let ys = self.axis(height, self.tile.1);
        ys.iter()
            .flat_map(|(y, h)| xs.iter().map(move |(x, w)| Window { x: *x, y: *y, width: *w, height: *h }))
            .collect()
    }

    /// Window starts and sizes along one axis of `len` pixels: the fewest windows of at most
    /// `tile` pixels that cover it with the overlap, all of one size, so no run is spent on a
    /// mostly-mirrored window (a 640 px frame is two 352 px windows, not two of 512).
    fn axis(&self, len: usize, tile: usize) -> Vec<(usize, usize)> {
        if len <= tile {
            let size = if self.fixed { tile } else { round_up(len, self.multiple) };
            return vec![(0, size)];
        }
        let overlap = self.overlap.min(tile / 2);
        let count = (len - overlap).div_ceil(tile - overlap);
        let size =
            if self.fixed { tile } else { round_up((len + (count - 1) * overlap).div_ceil(count), self.multiple) };
        let stride = ((size - overlap) / self.multiple * self.multiple).max(self.multiple);
        let last = round_up(len - size, self.multiple);
        let mut starts: Vec<usize> = (0..count - 1).map(|i| i * stride).filter(|s| *s < last).collect();
        starts.push(last);
        starts.into_iter().map(|s| (s, size)).collect()
    }
}

/// Translates `image` window by window with `run` (planar RGB in `[0, 1]` in and out, same
/// size) and blends the windows; `progress(done, total)` is called after each window.
pub fn translate_tiled<E>(
    image: &PlanarImage,
    plan: &TilePlan,
    mut run: impl FnMut(&PlanarImage) -> Result<Vec<f32>, E>,
    mut progress: impl FnMut(usize, usize),
) -> Result<PlanarImage, TilingError<E>> {
    let (width, height) = (image.width, image.height);
    let windows = plan.windows(width, height);
    if let [window] = windows.as_slice() {
        // One window: no blending, just the run and a crop of its padding.
        let output = run_window(image, window, &mut run)?;
        progress(1, 1);
        return Ok(crop(output, window, width, height));
    }
    let plane = width * height;
    let mut sum = vec![0.0f32; 3 * plane];
    let mut weight_sum = vec![0.0f32; plane];
    for (done, window) in windows.iter().enumerate() {
        let output = run_window(image, window, &mut run)?;
        let tile_plane = window.width * window.height;
        let wx = edge_weights(window.x, window.width, width, plan);
        let wy = edge_weights(window.y, window.height, height, plan);
        let visible_w = window.width.min(width - window.x);
        let visible_h = window.height.min(height - window.y);
        for (row, row_weight) in wy.iter().enumerate().take(visible_h) {
            let image_row = (window.y + row) * width + window.x;
            for (column, column_weight) in wx.iter().enumerate().take(visible_w) {
                let weight = row_weight * column_weight;
                if weight == 0.0 {
                    continue;
                }
                let target = image_row + column;
                let source = row * window.width + column;
                weight_sum[target] += weight;
                for channel in 0..3 {
                    sum[channel * plane + target] += weight * output[channel * tile_plane + source];
                }
            }
        }
        progress(done + 1, windows.len());
    }
    for (pixel, total) in weight_sum.iter().enumerate() {
        let scale = if *total > 0.0 { 1.0 / total } else { 0.0 };
        for channel in 0..3 {
            sum[channel * plane + pixel] *= scale;
        }
    }
    Ok(PlanarImage { width, height, data: sum })
}

/// Runs the model on one window (mirrored where it reaches past the image) and checks the size
/// of what it returns.
fn run_window<E>(
    image: &PlanarImage,
    window: &Window,
    run: &mut impl FnMut(&PlanarImage) -> Result<Vec<f32>, E>,
) -> Result<Vec<f32>, TilingError<E>> {
    let input = if (window.x, window.y, window.width, window.height) == (0, 0, image.width, image.height) {
        None
    } else {
        Some(image.window(window.x as isize, window.y as isize, window.width, window.height))
    };
    let output = run(input.as_ref().unwrap_or(image)).map_err(TilingError::Model)?;
    if output.len() != 3 * window.width * window.height {
        return Err(TilingError::WrongSize { got: output.len(), width: window.width, height: window.height });
    }
    Ok(output)
}

/// The `width x height` top-left part of a window's planar output.
fn crop(output: Vec<f32>, window: &Window, width: usize, height: usize) -> PlanarImage {
    if (window.width, window.height) == (width, height) {
        return PlanarImage { width, height, data: output };
    }
    let tile_plane = window.width * window.height;
    let mut data = Vec::with_capacity(3 * width * height);
    for channel in 0..3 {
        for row in 0..height {
            let start = channel * tile_plane + row * window.width;
            data.extend_from_slice(&output[start..start + width]);
        }
    }
    PlanarImage { width, height, data }
}

/// Pixels over which two windows cross-fade, between their margins.
const FEATHER: usize = 16;

/// Blend weights along one axis of a window starting at `start` of `size` pixels in an image
/// of `len`: 1 inside; towards an edge that has a neighbouring window, 0 over the plan's margin
/// (pixels the window's padding reaches), then a smoothstep up to 1 over the rest of the
/// overlap (complementary for two windows overlapping by exactly `overlap`). Image borders keep 1.
fn edge_weights(start: usize, size: usize, len: usize, plan: &TilePlan) -> Vec<f32> {
    let dead = plan.margin as f32;
    let ramp = (plan.overlap as f32 - 2.0 * dead).max(1.0);
    let fade = |distance: f32| smoothstep(((distance - dead) / ramp).clamp(0.0, 1.0));
    (0..size)
        .map(|i| {
            let mut w = 1.0;
            if start > 0 {
                w *= fade(i as f32 + 0.5);
            }
            if start + size < len {
                w *= fade((size - i) as f32 - 0.5);
            }
            // Never exactly zero where this window is the only one (a tile smaller than its
            // margins): a pixel always gets some window's value.
            w.max(1e-6)
        })
        .collect()
}

fn smoothstep(t: f32) -> f32 {
    t * t * (3.0 - 2.0 * t)
}

fn round_up(value: usize, multiple: usize) -> usize {
    value.div_ceil(multiple) * multiple
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// A local operator standing in for a model: a 5x5 box blur with mirrored borders; it sees
    /// 2 pixels on each side, like a generator with receptive radius 2.
    fn box_blur(image: &PlanarImage) -> Result<Vec<f32>, ()> {
        let (w, h) = (image.width, image.height);
        let padded = image.window(-2, -2, w + 4, h + 4);
        let mut out = vec![0.0; 3 * w * h];
        for c in 0..3 {
            for y in 0..h {
                for x in 0..w {
                    let mut s = 0.0;
                    for dy in 0..5 {
                        for dx in 0..5 {
                            s += padded.data[c * (w + 4) * (h + 4) + (y + dy) * (w + 4) + x + dx];
                        }
                    }
                    out[c * w * h + y * w + x] = s / 25.0;
                }
            }
        }
        Ok(out)
    }

    fn pattern(width: usize, height: usize) -> PlanarImage {
        let data = (0..3 * width * height).map(|i| ((i * 7919 % 255) as f32) / 255.0).collect();
        PlanarImage { width, height, data }
    }

    #[test]
    fn windows_cover_the_image_on_the_multiple_grid() {
        let plan = TilePlan::dynamic(128, 4, 16);
        let windows = plan.windows(300, 130);
        assert!(windows.iter().all(|w| w.x % 4 == 0 && w.y % 4 == 0 && w.width <= 128 && w.height <= 128));
        assert!(windows.iter().all(|w| w.width % 4 == 0 && w.height % 4 == 0));
        // overlap 2 x 16 + 16 = 48; balanced: 300 px is 4 windows of 112, 130 px 2 of 92
        assert_eq!(plan.overlap, 48);
        assert_eq!(windows.len(), 8);
        assert_eq!((windows[0].width, windows[0].height), (112, 92));
        assert!(windows.iter().any(|w| w.x + w.width >= 300) && windows.iter().any(|w| w.y + w.height >= 130));
        // a small image is one window, rounded up to the multiple
        assert_eq!(plan.windows(50, 30), vec![Window { x: 0, y: 0, width: 52, height: 32 }]);
    }

    #[test]
    fn a_local_operator_tiled_equals_the_whole_image_run() {
        let image = pattern(203, 157);
        // The whole-image run is one window, rounded up to the multiple like the last tiles.
        let single = TilePlan::dynamic(256, 4, 8);
        assert_eq!(single.windows(203, 157).len(), 1);
        let whole = translate_tiled(&image, &single, box_blur, |_, _| {}).expect("runs").data;
        let plan = TilePlan::dynamic(48, 4, 8);
        assert!(plan.windows(203, 157).len() > 9);
        let tiled = translate_tiled(&image, &plan, box_blur, |_, _| {}).expect("runs");
        let worst = whole.iter().zip(&tiled.data).map(|(a, b)| (a - b).abs()).fold(0.0, f32::max);
        assert!(worst < 1e-5, "tiled differs from whole by {worst}");
    }

    #[test]
    fn progress_counts_every_window_and_errors_stop_the_run() {
        let image = pattern(100, 100);
        let plan = TilePlan::dynamic(32, 4, 8);
        let mut seen = Vec::new();
        translate_tiled(&image, &plan, box_blur, |done, total| seen.push((done, total))).expect("runs");
        let total = plan.windows(100, 100).len();
        assert_eq!(seen.last(), Some(&(total, total)));
        let mut runs = 0;
        let failed = translate_tiled(
            &image,
            &plan,
            |tile| {
                runs += 1;
                if runs == 3 { Err("cancelled") } else { Ok(vec![0.0; 3 * tile.width * tile.height]) }
            },
            |_, _| {},
        );
        assert!(matches!(failed, Err(TilingError::Model("cancelled"))));
        assert_eq!(runs, 3);
    }

    proptest! {
        #[test]
        fn identity_model_is_exact_for_any_size(width in 1usize..140, height in 1usize..140, tile in 8usize..64) {
            let image = pattern(width, height);
            let plan = TilePlan::dynamic(tile, 4, 6);
            let out = translate_tiled(&image, &plan, |t| Ok::<_, ()>(t.data.clone()), |_, _| {}).expect("runs");
            let worst = image.data.iter().zip(&out.data).map(|(a, b)| (a - b).abs()).fold(0.0, f32::max);
            prop_assert!(worst < 1e-5);
        }
    }
}
