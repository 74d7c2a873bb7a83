//! The writing tools' requests and results, as they cross the IPC boundary (and the CLI).

use serde::{Deserialize, Serialize};
use ts_rs::TS;

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
