//! The preset's checks against a post: what the platform will refuse (errors) and what will look
//! worse than the creator expects (warnings). Shown in the UI's checklist, live.

use std::collections::HashMap;

use postcraft_core::post::{LayerContent, LayerId, Post};
use postcraft_core::presets::{self, CanvasPreset, Platform};
use postcraft_core::project_ipc::{CheckLevel, PresetCheck};
use postcraft_core::text_count::{count_for, dedupe_hashtags, extract_hashtags};

use super::scene::unsafe_rects;

/// Upscaling past this makes a photo visibly soft.
const MAX_UPSCALE: f32 = 1.5;

fn check(id: &str, level: CheckLevel, message: impl Into<String>, layer: Option<LayerId>) -> PresetCheck {
    PresetCheck { id: id.to_owned(), level, message: message.into(), layer }
}

/// Checks `post` for export at `target` (its own preset when exporting as made). `sizes` are the
/// layers' natural sizes (for images: source pixels after crop).
pub fn run(post: &Post, target_id: &str, sizes: &HashMap<LayerId, [f32; 2]>) -> Vec<PresetCheck> {
    let Some((platform, target)) = presets::preset(target_id) else {
        return vec![check("preset", CheckLevel::Error, format!("unknown preset `{target_id}`"), None)];
    };
    let Some((_, own)) = presets::preset(&post.preset) else {
        return vec![check("preset", CheckLevel::Error, format!("unknown preset `{}`", post.preset), None)];
    };
    let mut checks = vec![aspect(own, target), media_count(post, platform)];
    checks.extend(resolution(post, sizes, own, target));
    checks.extend(safe_zone(post, sizes, own));
    checks.extend(ai_label(post, platform));
    checks.extend(caption(post, platform));
    checks.extend(alt_text(post, platform));
    checks
}

/// The caption against the platform's limit, counted as the platform counts; a thread (posts
/// separated by blank lines) is checked post by post.
fn caption(post: &Post, platform: &Platform) -> Option<PresetCheck> {
    if post.caption.trim().is_empty() {
        return None;
    }
    let limit = platform.text_limit as usize;
    let longest = post.caption.split("\n\n").map(|part| count_for(part, platform)).max().unwrap_or(0);
    let hashtags = dedupe_hashtags(extract_hashtags(&post.caption), usize::MAX).len();
    if longest > limit {
        return Some(check(
            "caption-length",
            CheckLevel::Error,
            format!(
                "The caption is {longest} long; {} allows {limit}: shorten it or split it into a thread",
                platform.name
            ),
            None,
        ));
    }
    if let Some(max) = platform.max_hashtags
        && hashtags > max as usize
    {
        return Some(check(
            "caption-hashtags",
            CheckLevel::Error,
            format!("The caption has {hashtags} hashtags; {} allows {max}", platform.name),
            None,
        ));
    }
    Some(check("caption-length", CheckLevel::Ok, format!("Caption {longest} / {limit}"), None))
}

/// Images without alt text, on platforms that take it.
fn alt_text(post: &Post, platform: &Platform) -> Option<PresetCheck> {
    if !platform.alt_text {
        return None;
    }
    let missing = post.layers.iter().find(|layer| {
        layer.visible
            && layer.alt_text.trim().is_empty()
            && matches!(layer.content, LayerContent::Image { .. } | LayerContent::Generated { .. })
    })?;
    Some(check(
        "alt-text",
        CheckLevel::Warning,
        format!(
            "`{}` has no alt text: {} readers who cannot see it get nothing (Write → Alt text)",
            missing.name, platform.name
        ),
        Some(missing.id),
    ))
}

fn aspect(own: &CanvasPreset, target: &CanvasPreset) -> PresetCheck {
    let (a, b) = (own.aspect(), target.aspect());
    if (a / b - 1.0).abs() < 0.01 {
        check("aspect", CheckLevel::Ok, format!("{} x {} fits {}", own.width, own.height, target.name), None)
    } else {
        let cropped = if a < b { "top and bottom" } else { "left and right" };
        check(
            "aspect",
            CheckLevel::Warning,
            format!(
                "The post is {}x{}; {} is {}x{}: the export crops the {cropped}",
                own.width, own.height, target.name, target.width, target.height
            ),
            None,
        )
    }
}

fn media_count(post: &Post, platform: &Platform) -> PresetCheck {
    let slides = post.slides.max(1);
    let limit = platform.max_images.or(platform.max_media);
    if let Some(limit) = limit
        && slides > limit
    {
        return check(
            "media-count",
            CheckLevel::Error,
            format!("{} takes at most {limit} images in a post; this carousel has {slides} slides", platform.name),
            None,
        );
    }
    let has_visual = post.layers.iter().any(|l| l.visible);
    if platform.min_media > 0 && !has_visual {
        return check(
            "media-count",
            CheckLevel::Error,
            format!("{} needs an image: the post is empty", platform.name),
            None,
        );
    }
    let noun = if slides == 1 { "image" } else { "images" };
    check(
        "media-count",
        CheckLevel::Ok,
        format!("{slides} {noun} (of {})", limit.map_or("no limit".into(), |l| l.to_string())),
        None,
    )
}

fn resolution(
    post: &Post,
    sizes: &HashMap<LayerId, [f32; 2]>,
    own: &CanvasPreset,
    target: &CanvasPreset,
) -> Vec<PresetCheck> {
    // Exporting at another preset scales the whole canvas by this much.
    let export_scale = (target.width as f32 / own.width as f32).max(target.height as f32 / own.height as f32);
    post.layers
        .iter()
        .filter(|l| l.visible && matches!(l.content, LayerContent::Image { .. } | LayerContent::Generated { .. }))
        .filter_map(|layer| {
            sizes.get(&layer.id)?;
            let upscale = layer.transform.scale_x.max(layer.transform.scale_y) * export_scale;
            (upscale > MAX_UPSCALE).then(|| {
                check(
                    "resolution",
                    CheckLevel::Warning,
                    format!(
                        "“{}” is shown at {upscale:.1}x its pixels and will look soft: use a larger image",
                        layer.name
                    ),
                    Some(layer.id),
                )
            })
        })
        .collect()
}

fn safe_zone(post: &Post, sizes: &HashMap<LayerId, [f32; 2]>, own: &CanvasPreset) -> Vec<PresetCheck> {
    let rects = unsafe_rects(own, post.slides.max(1));
    if rects.is_empty() {
        return Vec::new();
    }
    post.layers
        .iter()
        .filter(|l| l.visible && matches!(l.content, LayerContent::Text { .. }))
        .filter_map(|layer| {
            let [w, h] = *sizes.get(&layer.id)?;
            let bounds = rotated_bounds(layer.transform, w, h);
            let hit = rects
                .iter()
                .any(|r| bounds[0] < r[0] + r[2] && bounds[2] > r[0] && bounds[1] < r[1] + r[3] && bounds[3] > r[1]);
            hit.then(|| {
                check(
                    "safe-zone",
                    CheckLevel::Warning,
                    format!("Text “{}” reaches where {} shows its own buttons and captions", layer.name, own.name),
                    Some(layer.id),
                )
            })
        })
        .collect()
}

/// The axis-aligned box `[x0, y0, x1, y1]` of a placed layer.
pub fn rotated_bounds(t: postcraft_core::post::Transform, w: f32, h: f32) -> [f32; 4] {
    let (hw, hh) = (w * t.scale_x / 2.0, h * t.scale_y / 2.0);
    let (sin, cos) = t.rotation_deg.to_radians().sin_cos();
    let ex = (hw * cos).abs() + (hh * sin).abs();
    let ey = (hw * sin).abs() + (hh * cos).abs();
    [t.x - ex, t.y - ey, t.x + ex, t.y + ey]
}

fn ai_label(post: &Post, platform: &Platform) -> Option<PresetCheck> {
    let generated = post.layers.iter().find(|l| l.visible && matches!(l.content, LayerContent::Generated { .. }))?;
    Some(check(
        "ai-label",
        if platform.ai_label { CheckLevel::Warning } else { CheckLevel::Ok },
        if platform.ai_label {
            format!("The post uses generated media: turn on {}'s AI-generated label when posting", platform.name)
        } else {
            "The post uses generated media: say so in the caption where it matters".to_owned()
        },
        Some(generated.id),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use postcraft_core::post::{Layer, Recipe, Transform};

    fn image_layer(id: u32, scale: f32) -> Layer {
        let mut layer = Layer::new(LayerId(id), "photo", LayerContent::Image { asset: "assets/a.png".into() });
        layer.transform = Transform { x: 540.0, y: 675.0, scale_x: scale, scale_y: scale, rotation_deg: 0.0 };
        layer
    }

    fn level(checks: &[PresetCheck], id: &str) -> Option<CheckLevel> {
        checks.iter().find(|c| c.id == id).map(|c| c.level)
    }

    #[test]
    fn the_caption_is_checked_against_the_platform_and_images_need_alt_text() {
        let mut post = Post::new("x-portrait");
        post.layers.push(image_layer(1, 1.0));
        let sizes = HashMap::from([(LayerId(1), [1080.0, 1350.0])]);
        assert_eq!(level(&run(&post, "x-portrait", &sizes), "caption-length"), None, "no caption, no check");
        post.caption = "海".repeat(141);
        let checks = run(&post, "x-portrait", &sizes);
        assert_eq!(level(&checks, "caption-length"), Some(CheckLevel::Error), "141 CJK characters weigh 282 on X");
        post.caption = format!("{}\n\n{}", "海".repeat(140), "a".repeat(280));
        assert_eq!(
            level(&run(&post, "x-portrait", &sizes), "caption-length"),
            Some(CheckLevel::Ok),
            "a thread: each post fits"
        );
        assert_eq!(level(&run(&post, "x-portrait", &sizes), "alt-text"), None, "X's preset does not ask");

        let mut post = Post::new("bluesky-square");
        post.layers.push(image_layer(1, 1.0));
        assert_eq!(level(&run(&post, "bluesky-square", &sizes), "alt-text"), Some(CheckLevel::Warning));
        post.layers[0].alt_text = "A dog on a sofa.".into();
        assert_eq!(level(&run(&post, "bluesky-square", &sizes), "alt-text"), None);
    }

    #[test]
    fn too_many_slides_for_x_is_an_error() {
        let mut post = Post::new("x-portrait");
        post.slides = 5;
        post.layers.push(image_layer(1, 1.0));
        let checks = run(&post, "x-portrait", &HashMap::from([(LayerId(1), [1080.0, 1350.0])]));
        assert_eq!(level(&checks, "media-count"), Some(CheckLevel::Error));
        post.slides = 4;
        let checks = run(&post, "x-portrait", &HashMap::from([(LayerId(1), [1080.0, 1350.0])]));
        assert_eq!(level(&checks, "media-count"), Some(CheckLevel::Ok));
    }

    #[test]
    fn an_empty_instagram_post_is_an_error_and_an_upscaled_photo_a_warning() {
        let post = Post::new("instagram-portrait");
        assert_eq!(level(&run(&post, "instagram-portrait", &HashMap::new()), "media-count"), Some(CheckLevel::Error));
        let mut post = Post::new("instagram-portrait");
        post.layers.push(image_layer(1, 3.0));
        let checks = run(&post, "instagram-portrait", &HashMap::from([(LayerId(1), [360.0, 450.0])]));
        assert_eq!(level(&checks, "resolution"), Some(CheckLevel::Warning));
    }

    #[test]
    fn aspect_differs_when_exporting_elsewhere_and_generated_media_asks_for_a_label() {
        let mut post = Post::new("instagram-square");
        let mut layer = image_layer(1, 1.0);
        layer.content =
            LayerContent::Generated { asset: "assets/f.png".into(), recipe: Recipe::seeded("dcgan-faces", 1, 0) };
        post.layers.push(layer);
        let sizes = HashMap::from([(LayerId(1), [64.0, 64.0])]);
        let checks = run(&post, "x-landscape", &sizes);
        assert_eq!(level(&checks, "aspect"), Some(CheckLevel::Warning));
        assert_eq!(level(&run(&post, "instagram-square", &sizes), "ai-label"), Some(CheckLevel::Warning));
    }

    #[test]
    fn text_in_a_story_s_bottom_strip_is_flagged() {
        let mut post = Post::new("instagram-story");
        let mut text = Layer::new(
            LayerId(2),
            "caption",
            LayerContent::Text { text: "hi".into(), font_size: 80.0, color: [255; 4], wrap_width: None },
        );
        text.transform = Transform { x: 540.0, y: 1800.0, ..Transform::default() };
        post.layers.push(text);
        let sizes = HashMap::from([(LayerId(2), [200.0, 90.0])]);
        assert_eq!(level(&run(&post, "instagram-story", &sizes), "safe-zone"), Some(CheckLevel::Warning));
        post.layers[0].transform.y = 900.0;
        assert_eq!(level(&run(&post, "instagram-story", &sizes), "safe-zone"), None);
    }
}
