//! The writing tools' requests and results, as they cross the IPC boundary (and the CLI), and
//! the platform facts the Write tool shows: each platform's text rules ([`PlatformInfo`]) and a
//! text's count against its limit ([`TextCount`]), so the UI copies none of them.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::presets::{HashtagRange, Platform, TextCounting, platforms};
use crate::text_count::count_for;

/// Which writing tool.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum WriteTool {
    /// A caption from a topic, keywords, tone and platform.
    Caption,
    /// Hashtags for a topic.
    Hashtags,
    /// A thread or long draft, split into posts that each fit the platform.
    Draft,
    /// The given text in another tone, or shorter.
    Rewrite,
    /// Alt text from a short description of an image.
    AltText,
}

impl WriteTool {
    /// Every tool, in menu order.
    pub const ALL: [WriteTool; 5] = [Self::Caption, Self::Hashtags, Self::Draft, Self::Rewrite, Self::AltText];

    /// The id used by the CLI and in messages (`alt-text`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Caption => "caption",
            Self::Hashtags => "hashtags",
            Self::Draft => "draft",
            Self::Rewrite => "rewrite",
            Self::AltText => "alt-text",
        }
    }
}

/// One request to a writing tool. Fields a tool does not use are ignored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct WriteRequest {
    /// The tool.
    pub tool: WriteTool,
    /// Platform id (`x`, `instagram`, ...): its limits shape and bound the output.
    pub platform: String,
    /// What the post is about (caption, hashtags, draft).
    #[serde(default)]
    pub topic: String,
    /// Words the caption should use.
    #[serde(default)]
    pub keywords: Vec<String>,
    /// Tone, in words (`playful`, `professional`, ...); empty for neutral.
    #[serde(default)]
    pub tone: String,
    /// The text to rewrite, or the description of the image for alt text.
    #[serde(default)]
    pub text: String,
    /// Rewrite: make it shorter.
    #[serde(default)]
    pub shorter: bool,
    /// Variants to generate (1 to [`WriteRequest::MAX_VARIANTS`]); shown best first.
    pub variants: u32,
    /// Seed of the sampling: the same request and seed give the same variants.
    #[ts(type = "number")]
    pub seed: u64,
    /// Sampling temperature (0 is greedy: every variant the same); `None` for the tool's default.
    #[serde(default)]
    pub temperature: Option<f32>,
}

impl WriteRequest {
    /// Most variants per request.
    pub const MAX_VARIANTS: u32 = 6;
    /// Longest field a request may carry, in bytes (a prompt must fit the model's context).
    pub const MAX_FIELD_BYTES: usize = 4000;
    /// The largest seed, kept within JavaScript's exact integers.
    pub const MAX_SEED: u64 = (1 << 53) - 1;
}

/// One ranked result of a writing tool.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct WriteVariant {
    /// Which sampled variant this was (its stream), for regenerating just it.
    pub variant: u32,
    /// The text to insert (for a draft: the parts joined by blank lines).
    pub text: String,
    /// A draft's posts, each within the limit (a single entry, the text, for the other tools).
    pub parts: Vec<String>,
    /// Hashtags (the hashtag tool's result, or those the text carries).
    pub hashtags: Vec<String>,
    /// Length as the platform counts it (the longest part for a draft).
    pub count: u32,
    /// The limit it was fitted to: the platform's text limit (alt text: 1,000 characters).
    pub limit: u32,
    /// Whether the model's text had to be cut to fit.
    pub trimmed: bool,
    /// Quality score in [0, 1] used for the ranking.
    pub score: f32,
}

/// The result of a writing request: variants best first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct WriteResult {
    /// The tool.
    pub tool: WriteTool,
    /// The platform id.
    pub platform: String,
    /// Variants, best first.
    pub variants: Vec<WriteVariant>,
    /// The model that wrote them.
    pub model: String,
    /// The seed used.
    #[ts(type = "number")]
    pub seed: u64,
}

/// A platform's text rules, as the Write tool lists them (from `crates/core/data/platforms.toml`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PlatformInfo {
    /// Platform id (`x`, `instagram`, ...), as [`WriteRequest::platform`] takes it.
    pub id: String,
    /// Name for people.
    pub name: String,
    /// Longest post text, in the platform's own characters ([`PlatformInfo::text_counting`]).
    pub text_limit: u32,
    /// How the platform counts characters.
    pub text_counting: TextCounting,
    /// Most hashtags allowed, where the platform has a limit.
    pub max_hashtags: Option<u32>,
    /// How many hashtags the writing tools suggest, where common practice says.
    pub suggested_hashtags: Option<HashtagRange>,
    /// Characters shown before the caption folds, where the platform folds it.
    pub caption_fold: Option<u32>,
    /// Whether the platform takes alt text per image.
    pub alt_text: bool,
    /// Its canvas presets' ids, in the file's order.
    pub preset_ids: Vec<String>,
}

impl From<&Platform> for PlatformInfo {
    fn from(platform: &Platform) -> Self {
        Self {
            id: platform.id.clone(),
            name: platform.name.clone(),
            text_limit: platform.text_limit,
            text_counting: platform.text_counting,
            max_hashtags: platform.max_hashtags,
            suggested_hashtags: platform.suggested_hashtags,
            caption_fold: platform.caption_fold,
            alt_text: platform.alt_text,
            preset_ids: platform.presets.iter().map(|preset| preset.id.clone()).collect(),
        }
    }
}

impl PlatformInfo {
    /// Every platform the app knows, in the data file's order.
    pub fn all() -> Vec<Self> {
        platforms().iter().map(Self::from).collect()
    }
}

/// A text's length as a platform counts it, against the platform's limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct TextCount {
    /// Length as the platform counts it ([`crate::text_count::count_for`]: twitter-text weighting
    /// on X, graphemes on Bluesky, code points elsewhere).
    pub count: u32,
    /// The platform's text limit.
    pub limit: u32,
    /// Whether `count` is over `limit`.
    pub over: bool,
}

impl TextCount {
    /// How long `text` is on `platform`.
    pub fn of(text: &str, platform: &Platform) -> Self {
        let count = u32::try_from(count_for(text, platform)).unwrap_or(u32::MAX);
        Self { count, limit: platform.text_limit, over: count > platform.text_limit }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn platform_info_carries_the_data_file() {
        let all = PlatformInfo::all();
        assert_eq!(all.len(), platforms().len());
        let x = all.iter().find(|p| p.id == "x").expect("x");
        assert_eq!((x.name.as_str(), x.text_limit, x.text_counting), ("X", 280, TextCounting::Twitter));
        assert_eq!(x.suggested_hashtags, Some(HashtagRange { min: 1, max: 3 }));
        assert_eq!(x.preset_ids, ["x-landscape", "x-portrait"]);
        let instagram = all.iter().find(|p| p.id == "instagram").expect("instagram");
        assert_eq!((instagram.max_hashtags, instagram.caption_fold), (Some(30), Some(125)));
        assert!(instagram.preset_ids.iter().any(|id| id == "instagram-portrait"));
        let bluesky = all.iter().find(|p| p.id == "bluesky").expect("bluesky");
        assert_eq!(bluesky.text_counting, TextCounting::Graphemes);
        for (info, platform) in all.iter().zip(platforms()) {
            assert_eq!(info.alt_text, platform.alt_text, "{}", info.id);
            assert_eq!(info.preset_ids.len(), platform.presets.len(), "{}", info.id);
        }
    }

    #[test]
    fn platform_info_crosses_the_boundary_in_camel_case() {
        let json = serde_json::to_value(PlatformInfo::all().remove(0)).expect("serializes");
        assert_eq!(json["id"], "x");
        assert_eq!(json["textLimit"], 280);
        assert_eq!(json["textCounting"], "twitter");
        assert_eq!(json["maxHashtags"], serde_json::Value::Null);
        assert_eq!(json["suggestedHashtags"], serde_json::json!({ "min": 1, "max": 3 }));
        assert_eq!(json["presetIds"], serde_json::json!(["x-landscape", "x-portrait"]));
    }

    #[test]
    fn text_count_is_the_platforms_count_against_its_limit() {
        let x = platforms().iter().find(|p| p.id == "x").expect("x");
        let bluesky = platforms().iter().find(|p| p.id == "bluesky").expect("bluesky");
        let family = "\u{1F468}\u{200D}\u{1F469}\u{200D}\u{1F467}";
        assert_eq!(TextCount::of("Hello world", x), TextCount { count: 11, limit: 280, over: false });
        assert_eq!(TextCount::of(&format!("hi {family}"), x).count, 3 + 2);
        assert_eq!(TextCount::of(&format!("hi {family}"), bluesky).count, 4);
        assert_eq!(TextCount::of("see https://example.com/a/very/long/path?q=1 now", x).count, 4 + 23 + 4);
        assert_eq!(TextCount::of(&"日".repeat(140), x), TextCount { count: 280, limit: 280, over: false });
        assert_eq!(TextCount::of(&"日".repeat(141), x), TextCount { count: 282, limit: 280, over: true });
    }
}
