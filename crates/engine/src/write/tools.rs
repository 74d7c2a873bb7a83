//! From the model's raw text to the variants a creator sees: cleaned, fitted to the platform,
//! scored and ranked best first.

use postcraft_core::presets::Platform;
use postcraft_core::text_count::{count_for, dedupe_hashtags, extract_hashtags, fit};
use postcraft_core::write_ipc::{WriteTool, WriteVariant};
use postcraft_write::{ScoreOptions, clean, hashtags_for, score, split_thread};

/// Turns each raw variant (answer prefix included) into a finished one; best first.
pub fn finish(tool: WriteTool, platform: &Platform, raw: &[String]) -> Vec<WriteVariant> {
    let mut variants: Vec<WriteVariant> =
        raw.iter().enumerate().map(|(index, text)| finish_one(tool, platform, index as u32, text)).collect();
    // Best first; equal scores keep the sampling order, so the ranking is deterministic.
    variants.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.variant.cmp(&b.variant)));
    variants
}

fn finish_one(tool: WriteTool, platform: &Platform, variant: u32, raw: &str) -> WriteVariant {
    let limit = platform.text_limit;
    match tool {
        WriteTool::Hashtags => {
            let tags = hashtags_for(raw, platform);
            let fitted = fit(&tags.join(" "), platform);
            let tags = extract_hashtags(&fitted.text);
            let score = score(&fitted.text, &options(platform, None)).total as f32;
            WriteVariant {
                variant,
                text: fitted.text,
                parts: Vec::new(),
                hashtags: tags,
                count: fitted.count as u32,
                limit,
                trimmed: fitted.trimmed,
                score,
            }
        }
        WriteTool::Draft => {
            let cleaned = clean(raw);
            let parts = split_thread(&cleaned, platform, true);
            let longest = parts.iter().map(|p| count_for(p, platform)).max().unwrap_or(0);
            // Each post of a thread is scored on its own; the draft is as good as its average.
            let total: f64 = parts.iter().map(|p| score(p, &options(platform, None)).total).sum();
            let score = (total / parts.len().max(1) as f64) as f32;
            WriteVariant {
                variant,
                text: parts.join("\n\n"),
                hashtags: dedupe_hashtags(extract_hashtags(&cleaned), usize::MAX),
                parts,
                count: longest as u32,
                limit,
                trimmed: false,
                score,
            }
        }
        WriteTool::Caption | WriteTool::Rewrite | WriteTool::AltText => {
            let fitted = fit(&clean(raw), platform);
            let target = match tool {
                WriteTool::Caption => Some(caption_target(platform)),
                WriteTool::AltText => Some(ALT_TEXT_TARGET.min(platform.text_limit as usize)),
                _ => None,
            };
            // A cut answer lost its end: it ranks below one that fit as written.
            let penalty = if fitted.trimmed { 0.8 } else { 1.0 };
            let score = (score(&fitted.text, &options(platform, target)).total * penalty) as f32;
            WriteVariant {
                variant,
                hashtags: dedupe_hashtags(extract_hashtags(&fitted.text), usize::MAX),
                parts: vec![fitted.text.clone()],
                text: fitted.text,
                count: fitted.count as u32,
                limit,
                trimmed: fitted.trimmed,
                score,
            }
        }
    }
}

/// Alt text reads best in one or two sentences.
const ALT_TEXT_TARGET: usize = 125;

fn options(platform: &Platform, target_len: Option<usize>) -> ScoreOptions<'_> {
    // The writing tools prompt in English; a variant that drifted into another language ranks
    // lower.
    ScoreOptions { platform, target_len, language: Some("en") }
}

/// A caption's ideal length in the platform's units: short enough to read before the fold.
fn caption_target(platform: &Platform) -> usize {
    let fold = platform.caption_fold.unwrap_or(platform.text_limit);
    (fold as usize).clamp(60, 200)
}
