//! Platform presets: what each platform accepts and the canvas sizes a post is made at.
//!
//! The data lives in one file, `crates/core/data/platforms.toml` (from `shared/docs/PLATFORMS.md`),
//! embedded at compile time and validated by the tests below, so a malformed edit fails the build's
//! tests rather than the app at run time.

use std::sync::OnceLock;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// The presets file this build embeds.
const PLATFORMS_TOML: &str = include_str!("../data/platforms.toml");

/// How a platform counts the characters of a post's text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum TextCounting {
    /// Unicode scalar values.
    Chars,
    /// User-perceived characters (grapheme clusters).
    Graphemes,
    /// twitter-text weighting: URLs count 23, some characters count 2.
    Twitter,
}

/// Fractions of the canvas covered by the platform's own UI, where text should not go.
#[derive(Debug, Clone, Copy, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SafeZone {
    /// From the top edge.
    pub top: f32,
    /// From the bottom edge.
    pub bottom: f32,
    /// From the left edge.
    pub left: f32,
    /// From the right edge.
    pub right: f32,
}

impl SafeZone {
    /// The rectangle left for content, in pixels of a `width` x `height` canvas:
    /// `(x, y, width, height)`.
    pub fn content_rect(&self, width: u32, height: u32) -> (u32, u32, u32, u32) {
        let x = (self.left * width as f32).round() as u32;
        let y = (self.top * height as f32).round() as u32;
        let right = (self.right * width as f32).round() as u32;
        let bottom = (self.bottom * height as f32).round() as u32;
        (x, y, width.saturating_sub(x + right), height.saturating_sub(y + bottom))
    }
}

/// How many hashtags suit a post on a platform: what the writing tools suggest by default (the
/// platform's own `max_hashtags`, where it has one, is the hard limit).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct HashtagRange {
    /// Fewest worth adding.
    pub min: u32,
    /// Most worth adding.
    pub max: u32,
}

/// A canvas size a post can be made at.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CanvasPreset {
    /// Stable id, lower-case kebab-case (`instagram-portrait`).
    pub id: String,
    /// Name for people.
    pub name: String,
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// Where the platform's UI covers the canvas.
    #[serde(default)]
    pub safe_zone: SafeZone,
    /// Longest video for this format, when it differs from the platform's.
    #[serde(default)]
    pub max_video_seconds: Option<u32>,
}

impl CanvasPreset {
    /// Width over height.
    pub fn aspect(&self) -> f64 {
        f64::from(self.width) / f64::from(self.height)
    }
}

/// One platform and its rules.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Platform {
    /// Stable id (`instagram`).
    pub id: String,
    /// Name for people.
    pub name: String,
    /// Longest post text.
    pub text_limit: u32,
    /// How the limit is counted.
    pub text_counting: TextCounting,
    /// Longest title, where the platform has one.
    #[serde(default)]
    pub title_limit: Option<u32>,
    /// Most hashtags allowed.
    #[serde(default)]
    pub max_hashtags: Option<u32>,
    /// How many hashtags the writing tools suggest (common practice on the platform).
    #[serde(default)]
    pub suggested_hashtags: Option<HashtagRange>,
    /// Fewest media items a post needs.
    #[serde(default)]
    pub min_media: u32,
    /// Most media items of any kind.
    #[serde(default)]
    pub max_media: Option<u32>,
    /// Most images in an all-image post.
    #[serde(default)]
    pub max_images: Option<u32>,
    /// Most videos in a post.
    #[serde(default)]
    pub max_videos: Option<u32>,
    /// Longest video.
    #[serde(default)]
    pub max_video_seconds: Option<u32>,
    /// Characters shown before the caption folds.
    #[serde(default)]
    pub caption_fold: Option<u32>,
    /// The platform asks for a label on realistic AI-generated media.
    #[serde(default)]
    pub ai_label: bool,
    /// The platform takes alt text per image.
    #[serde(default)]
    pub alt_text: bool,
    /// The platform supports content warnings.
    #[serde(default)]
    pub content_warnings: bool,
    /// Canvas sizes.
    #[serde(rename = "preset")]
    pub presets: Vec<CanvasPreset>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PlatformsFile {
    format_version: u32,
    #[serde(rename = "platform")]
    platforms: Vec<Platform>,
}

/// Every platform, in the file's order. Parsed once.
pub fn platforms() -> &'static [Platform] {
    static PLATFORMS: OnceLock<Vec<Platform>> = OnceLock::new();
    // The embedded file is validated by this module's tests; an empty list (no presets offered)
    // is the graceful answer should a broken file ever ship.
    PLATFORMS.get_or_init(|| parse(PLATFORMS_TOML).unwrap_or_default())
}

/// The canvas preset with that id, and its platform.
pub fn preset(id: &str) -> Option<(&'static Platform, &'static CanvasPreset)> {
    platforms().iter().find_map(|platform| platform.presets.iter().find(|p| p.id == id).map(|p| (platform, p)))
}

fn parse(text: &str) -> Result<Vec<Platform>, String> {
    let file: PlatformsFile = toml::from_str(text).map_err(|e| e.to_string())?;
    if file.format_version != 1 {
        return Err(format!("format_version {} is not supported", file.format_version));
    }
    Ok(file.platforms)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    fn is_kebab(id: &str) -> bool {
        !id.is_empty()
            && !id.starts_with('-')
            && !id.ends_with('-')
            && !id.contains("--")
            && id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    }

    #[test]
    fn the_embedded_file_is_valid() {
        let platforms = parse(PLATFORMS_TOML).expect("platforms.toml parses");
        assert!(platforms.len() >= 10);
        let mut preset_ids = BTreeSet::new();
        let mut platform_ids = BTreeSet::new();
        for platform in &platforms {
            assert!(is_kebab(&platform.id), "platform id {}", platform.id);
            assert!(platform_ids.insert(platform.id.as_str()), "platform {} twice", platform.id);
            assert!(platform.text_limit > 0);
            assert!(!platform.presets.is_empty(), "{} has no canvas preset", platform.id);
            if let Some(range) = platform.suggested_hashtags {
                assert!(range.min <= range.max && range.max > 0, "{}: suggested hashtags", platform.id);
                assert!(platform.max_hashtags.is_none_or(|max| range.max <= max), "{}: over max_hashtags", platform.id);
            }
            for preset in &platform.presets {
                assert!(is_kebab(&preset.id), "preset id {}", preset.id);
                assert!(preset_ids.insert(preset.id.as_str()), "preset {} twice", preset.id);
                assert!((320..=4096).contains(&preset.width) && (320..=4096).contains(&preset.height), "{}", preset.id);
                let zone = preset.safe_zone;
                for side in [zone.top, zone.bottom, zone.left, zone.right] {
                    assert!((0.0..0.5).contains(&side), "{}: safe zone side {side}", preset.id);
                }
                assert!(zone.top + zone.bottom < 0.9 && zone.left + zone.right < 0.9, "{}", preset.id);
            }
        }
        assert_eq!(platforms, super::platforms(), "the cached list is the file");
    }

    #[test]
    fn the_presets_the_cli_documents_exist_with_their_sizes() {
        for (id, width, height) in [
            ("instagram-square", 1080, 1080),
            ("instagram-portrait", 1080, 1350),
            ("instagram-story", 1080, 1920),
            ("x-landscape", 1600, 900),
            ("tiktok", 1080, 1920),
            ("linkedin-landscape", 1200, 627),
        ] {
            let (_, preset) = preset(id).unwrap_or_else(|| panic!("preset {id} missing"));
            assert_eq!((preset.width, preset.height), (width, height), "{id}");
        }
        assert!(preset("myspace").is_none());
    }

    #[test]
    fn story_safe_zone_keeps_text_out_of_the_overlays() {
        let (platform, story) = preset("instagram-story").expect("story preset");
        assert_eq!(platform.id, "instagram");
        // top 14% and bottom 35% of 1920 px are covered by Instagram's UI.
        assert_eq!(story.safe_zone.content_rect(story.width, story.height), (0, 269, 1080, 979));
        assert!((story.aspect() - 9.0 / 16.0).abs() < 1e-9);
    }

    #[test]
    fn broken_files_are_errors() {
        assert!(parse("format_version = 2\nplatform = []").is_err());
        assert!(parse("format_version = 1\n[[platform]]\nid = \"x\"").is_err());
        assert!(parse("not toml at all = = =").is_err());
    }
}
