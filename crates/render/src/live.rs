//! Cache keys of [`crate::Compositor::render_live`]: hashes of everything that decides the pixels
//! of the composite below the live layer and of the group of layers above it.
//!
//! A private hasher over the scene's fields (floats by their bits, image keys, text strings), so
//! the public scene types need no `Hash`. Floats compare by bits: `-0.0` and `0.0`, or two NaNs of
//! different payloads, make different keys, which only costs a cache miss. What is not in the
//! scene and could change the pixels (the device, the fonts) is fixed for a compositor's life; the
//! caches are dropped after a device error.

use std::hash::{DefaultHasher, Hasher};

use crate::math;
use crate::scene::{Scene, SceneContent, SceneLayer, ShapeKind, View};

/// Key of the background and layers `[0, live)` as drawn onto the accumulator.
pub(crate) fn below_key(scene: &Scene, view: &View, size: [u32; 2], live: usize) -> u64 {
    let mut h = frame_hasher(b"below", scene, view, size);
    h.write(&scene.background);
    layers(&mut h, &scene.layers[..live.min(scene.layers.len())]);
    h.finish()
}

/// Key of layers `[start, end)` as drawn into a transparent group.
pub(crate) fn group_key(scene: &Scene, view: &View, size: [u32; 2], start: usize) -> u64 {
    let mut h = frame_hasher(b"group", scene, view, size);
    layers(&mut h, scene.layers.get(start..).unwrap_or(&[]));
    h.finish()
}

/// What every key depends on: the canvas (layers are clipped to it), the view and the output.
fn frame_hasher(tag: &[u8], scene: &Scene, view: &View, size: [u32; 2]) -> DefaultHasher {
    // `DefaultHasher::new` is SipHash with fixed keys: the same inputs give the same key.
    let mut h = DefaultHasher::new();
    h.write(tag);
    h.write_u32(scene.width);
    h.write_u32(scene.height);
    floats(&mut h, &[view.x, view.y, view.width, view.height]);
    h.write_u32(size[0]);
    h.write_u32(size[1]);
    h
}

fn floats(h: &mut DefaultHasher, values: &[f32]) {
    for v in values {
        h.write_u32(v.to_bits());
    }
}

fn string(h: &mut DefaultHasher, s: &str) {
    // Length first, so that consecutive strings cannot run into each other.
    h.write_usize(s.len());
    h.write(s.as_bytes());
}

fn layers(h: &mut DefaultHasher, layers: &[SceneLayer]) {
    h.write_usize(layers.len());
    for layer in layers {
        self::layer(h, layer);
    }
}

fn layer(h: &mut DefaultHasher, layer: &SceneLayer) {
    match &layer.content {
        SceneContent::Image(source) => {
            h.write_u8(0);
            string(h, &source.key);
            h.write_u32(source.pixels.width());
            h.write_u32(source.pixels.height());
        }
        SceneContent::Text { text, font_size, color, wrap_width } => {
            h.write_u8(1);
            string(h, text);
            floats(h, &[*font_size]);
            h.write(color);
            match wrap_width {
                Some(w) => floats(h, &[1.0, *w]),
                None => floats(h, &[0.0]),
            }
        }
        SceneContent::Shape { kind, fill, width, height } => {
            h.write_u8(2);
            h.write_u8(match kind {
                ShapeKind::Rectangle => 0,
                ShapeKind::Ellipse => 1,
            });
            h.write(fill);
            floats(h, &[*width, *height]);
        }
    }
    let t = &layer.transform;
    floats(h, &[t.x, t.y, t.scale_x, t.scale_y, t.rotation_deg]);
    match &layer.crop {
        Some(c) => floats(h, &[1.0, c.x, c.y, c.width, c.height]),
        None => floats(h, &[0.0]),
    }
    floats(h, &[layer.opacity]);
    h.write_u32(math::blend_index(layer.blend));
    let f = &layer.filters;
    floats(h, &[f.brightness, f.contrast, f.saturation, f.temperature, f.blur, f.vignette]);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scene::{BlendMode, SourceImage};

    fn scene() -> Scene {
        let image = SceneLayer::new(SceneContent::Image(SourceImage::new("a", image::RgbaImage::new(4, 4))), 5.0, 5.0);
        let text = SceneLayer::new(
            SceneContent::Text { text: "hi".into(), font_size: 12.0, color: [1, 2, 3, 255], wrap_width: None },
            8.0,
            8.0,
        );
        let shape = SceneLayer::new(
            SceneContent::Shape { kind: ShapeKind::Ellipse, fill: [9; 4], width: 3.0, height: 4.0 },
            2.0,
            2.0,
        );
        Scene { width: 20, height: 20, background: [255; 4], layers: vec![image, text, shape] }
    }

    #[test]
    fn keys_follow_what_they_cover() {
        let s = scene();
        let v = View::canvas(&s);
        let (below, above) = (below_key(&s, &v, [10, 10], 1), group_key(&s, &v, [10, 10], 2));
        assert_eq!(below, below_key(&s.clone(), &v, [10, 10], 1));
        // The live layer is in neither key.
        let mut moved = s.clone();
        moved.layers[1].transform.x += 3.0;
        assert_eq!(below, below_key(&moved, &v, [10, 10], 1));
        assert_eq!(above, group_key(&moved, &v, [10, 10], 2));
        // Anything below or above changes its key.
        let mut changed = s.clone();
        changed.layers[0].filters.blur = 2.0;
        assert_ne!(below, below_key(&changed, &v, [10, 10], 1));
        let mut changed = s.clone();
        changed.layers[2].blend = BlendMode::Screen;
        assert_ne!(above, group_key(&changed, &v, [10, 10], 2));
        let mut changed = s.clone();
        changed.background[0] = 0;
        assert_ne!(below, below_key(&changed, &v, [10, 10], 1));
        // So do the view and the output size.
        assert_ne!(below, below_key(&s, &View { x: 1.0, ..v }, [10, 10], 1));
        assert_ne!(above, group_key(&s, &v, [10, 11], 2));
        // And the split points.
        assert_ne!(below, below_key(&s, &v, [10, 10], 2));
        assert_ne!(above, group_key(&s, &v, [10, 10], 1));
    }
}
