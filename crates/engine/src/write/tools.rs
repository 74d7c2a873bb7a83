//! From the model's raw text to the variants a creator sees: cleaned, fitted to the platform,
//! scored and ranked best first.

use postcraft_core::presets::Platform;
use postcraft_core::presets::TextCounting;
use postcraft_core::text_count::{count_for, dedupe_hashtags, extract_hashtags, fit, fit_to};
use postcraft_core::write_ipc::{WriteRequest, WriteTool, WriteVariant};
use postcraft_write::{ScoreOptions, clean, hashtags_for, score, split_thread, suggested_range};

/// Turns each raw variant (answer prefix included) into a finished one; best first.
pub fn finish(request: &WriteRequest, platform: &Platform, raw: &[String]) -> Vec<WriteVariant> {
    let mut variants: Vec<WriteVariant> =
        raw.iter().enumerate().map(|(index, text)| finish_one(request, platform, index as u32, text)).collect();
    // Best first; equal scores keep the sampling order, so the ranking is deterministic.
    variants.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.variant.cmp(&b.variant)));
    variants
}

fn finish_one(request: &WriteRequest, platform: &Platform, variant: u32, raw: &str) -> WriteVariant {
    let limit = platform.text_limit;
    let tool = request.tool;
    match tool {
        WriteTool::Hashtags => {
            let tags = relevant_hashtags(&hashtags_for(raw, platform), request, platform);
            let fitted = fit(&tags.join(" "), platform);
            let tags = extract_hashtags(&fitted.text);
            let score = score(&fitted.text, &options(platform, None)).total as f32;
            WriteVariant {
                variant,
                parts: vec![fitted.text.clone()],
                text: fitted.text,
                hashtags: tags,
                count: fitted.count as u32,
                limit,
                trimmed: fitted.trimmed,
                score,
            }
        }
        WriteTool::Draft => {
            let cleaned = clean(raw);
            // A blank line separates the posts of a thread (in the caption too): inside one post,
            // paragraphs keep a single line break.
            let parts: Vec<String> =
                split_thread(&cleaned, platform, true).into_iter().map(|part| single_spaced(&part)).collect();
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
            let (text, placeholders) = without_placeholders(&clean(raw));
            // Alt text is not the post's text: it has its own, larger limit.
            let fitted = if tool == WriteTool::AltText {
                fit_to(&text, TextCounting::Chars, ALT_TEXT_LIMIT)
            } else {
                fit(&text, platform)
            };
            let target = match tool {
                WriteTool::Caption => Some(caption_target(platform)),
                WriteTool::AltText => Some(ALT_TEXT_TARGET.min(platform.text_limit as usize)),
                _ => None,
            };
            // A cut answer lost its end, and one that had template blanks was a form letter:
            // both rank below an answer that was whole as written.
            let penalty = if fitted.trimmed { 0.8 } else { 1.0 } * if placeholders { 0.7 } else { 1.0 };
            // Alt text describes what is there: words the description does not support are
            // likely invented, and cost rank.
            let grounding =
                if tool == WriteTool::AltText { 0.25 + 0.75 * grounding(&fitted.text, &request.text) } else { 1.0 };
            let score = (score(&fitted.text, &options(platform, target)).total * penalty * grounding) as f32;
            WriteVariant {
                variant,
                hashtags: dedupe_hashtags(extract_hashtags(&fitted.text), usize::MAX),
                parts: vec![fitted.text.clone()],
                text: fitted.text,
                count: fitted.count as u32,
                limit: fitted.limit as u32,
                trimmed: fitted.trimmed,
                score,
            }
        }
    }
}

/// The alt text limit of X, the smallest of the platforms that take alt text (Mastodon 1,500,
/// Bluesky 2,000), in characters.
const ALT_TEXT_LIMIT: usize = 1000;

/// Alt text reads best in one or two sentences.
const ALT_TEXT_TARGET: usize = 100;

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

/// `part` with its blank lines made single line breaks (the count is unchanged or lower).
fn single_spaced(part: &str) -> String {
    part.lines().filter(|line| !line.trim().is_empty()).collect::<Vec<_>>().join("\n")
}

/// Removes template blanks a small model copies from form letters (`[User's Name]`, `[Insert
/// link here]`): lines that are only a blank go, blanks inside a line go with the space before
/// them. Says whether there were any.
fn without_placeholders(text: &str) -> (String, bool) {
    let mut found = false;
    let mut lines = Vec::new();
    for line in text.lines() {
        let mut kept = String::new();
        let mut had_blank = false;
        let mut rest = line;
        while let Some(open) = rest.find('[') {
            let Some(close) = rest[open..].find(']').map(|c| open + c) else { break };
            let inner = &rest[open + 1..close];
            let is_blank = !inner.is_empty() && inner.chars().next().is_some_and(char::is_uppercase);
            if is_blank {
                found = true;
                had_blank = true;
                kept.push_str(rest[..open].trim_end());
            } else {
                kept.push_str(&rest[..=close]);
            }
            rest = &rest[close + 1..];
        }
        kept.push_str(rest);
        let kept = kept.trim_end_matches([' ', ',']).trim_start();
        // "Hi [Name]," leaves a lone "Hi": a greeting without its blank goes too.
        let words = kept.split_whitespace().count();
        if kept.chars().any(char::is_alphanumeric) && !(had_blank && words <= 1) {
            lines.push(kept.to_owned());
        }
    }
    if !found || lines.is_empty() {
        return (text.to_owned(), found);
    }
    (lines.join("\n"), true)
}

/// Words too common to say whether a text is about its source.
const STOPWORDS: &[&str] = &[
    "with", "that", "this", "from", "their", "there", "they", "them", "then", "than", "have", "has", "into", "onto",
    "over", "under", "while", "where", "which", "what", "when", "some", "very", "just", "your", "yours", "image",
    "photo", "picture", "shows", "showing", "sits", "stands", "lies",
];

fn content_words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().count() >= 4)
        .map(str::to_lowercase)
        .filter(|w| !STOPWORDS.contains(&w.as_str()))
        .collect()
}

/// Two words match when one starts with the other's first four letters or more (`sleeps` and
/// `asleep` do not; `golden` and `goldens` do): a cheap stem without a stemmer.
fn same_stem(a: &str, b: &str) -> bool {
    let stem = |w: &str| w.chars().take(5).collect::<String>();
    a.starts_with(&stem(b)) || b.starts_with(&stem(a))
}

/// Share of the content words of `text` that the `source` has (1 when there are none).
fn grounding(text: &str, source: &str) -> f64 {
    let words = content_words(text);
    if words.is_empty() {
        return 1.0;
    }
    let known = content_words(source);
    let supported = words.iter().filter(|w| known.iter().any(|k| same_stem(w, k))).count();
    supported as f64 / words.len() as f64
}

/// The model's tags that are about the post (they share a word with the topic or keywords),
/// then tags made from the topic's own words, up to the platform's suggested count. A small
/// model drifts (tags from its example, tags of another subject): those go, and the topic's
/// words make up the count.
fn relevant_hashtags(model_tags: &[String], request: &WriteRequest, platform: &Platform) -> Vec<String> {
    let subject = format!("{} {}", request.topic, request.keywords.join(" "));
    let words: Vec<String> = content_words(&subject);
    let short_words: Vec<String> = subject
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| (3..4).contains(&w.chars().count()))
        .map(str::to_lowercase)
        .collect();
    let about = |tag: &str| {
        let body = tag.trim_start_matches('#').to_lowercase();
        words.iter().chain(&short_words).any(|w| body.contains(w.as_str()))
    };
    let mut candidates: Vec<String> = model_tags.iter().filter(|t| about(t) && !stutters(t)).cloned().collect();
    candidates.extend(request.keywords.iter().map(|k| k.split_whitespace().collect::<String>()));
    candidates.extend(words.iter().cloned());
    if words.len() >= 2 {
        candidates.extend(words.windows(2).map(|pair| pair.concat()));
    }
    dedupe_hashtags(candidates, suggested_range(platform).max as usize)
}

/// A tag that repeats a piece of itself (`#beachbeach`): a small model's loop, not a tag.
fn stutters(tag: &str) -> bool {
    let body: Vec<char> = tag.trim_start_matches('#').to_lowercase().chars().collect();
    (3..=body.len() / 2).any(|n| body.windows(2 * n).any(|w| w[..n] == w[n..]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::write::platform_by_id;

    fn request(tool: WriteTool, topic: &str, text: &str) -> WriteRequest {
        WriteRequest {
            tool,
            platform: "instagram".into(),
            topic: topic.into(),
            keywords: Vec::new(),
            tone: String::new(),
            text: text.into(),
            shorter: false,
            variants: 1,
            seed: 0,
            temperature: None,
        }
    }

    #[test]
    fn off_topic_and_stuttering_tags_go_and_the_topic_fills_in() {
        let platform = platform_by_id("instagram").expect("instagram");
        let model = ["#sunset", "#coffeeparty", "#beachbeach", "#beachgoals", "#Sunset"].map(String::from);
        let tags =
            relevant_hashtags(&model, &request(WriteTool::Hashtags, "sunset at the beach with friends", ""), platform);
        assert_eq!(&tags[..2], &["#sunset", "#beachgoals"]);
        assert!(!tags.iter().any(|t| t == "#coffeeparty" || t == "#beachbeach"), "{tags:?}");
        assert!(tags.contains(&"#friends".to_owned()) && tags.contains(&"#beach".to_owned()), "{tags:?}");
        assert!(tags.len() <= suggested_range(platform).max as usize);
        let keys: std::collections::HashSet<String> = tags.iter().map(|t| t.to_lowercase()).collect();
        assert_eq!(keys.len(), tags.len(), "distinct: {tags:?}");
    }

    #[test]
    fn a_draft_s_posts_hold_no_blank_line() {
        let platform = platform_by_id("x").expect("x");
        let long: String = (0..30).map(|i| format!("Sentence number {i} says something new. ")).collect();
        let raw = "First short paragraph.\n\nSecond short paragraph.\n\n".to_owned() + &long;
        let finished = finish(&request(WriteTool::Draft, "topic", ""), platform, &[raw]);
        let best = &finished[0];
        assert!(best.parts.len() >= 2, "{best:?}");
        assert!(best.parts.iter().all(|part| !part.contains("\n\n")), "{:?}", best.parts);
        assert_eq!(best.text.split("\n\n").count(), best.parts.len(), "the text's posts are the parts");
    }

    #[test]
    fn template_blanks_are_removed() {
        let (text, found) =
            without_placeholders("Hi [User's Name],\nWe are sorry. [Insert friendly message here]\nSee you [soon].");
        assert!(found);
        assert_eq!(text, "We are sorry.\nSee you [soon].");
        assert_eq!(without_placeholders("No blanks [here]."), ("No blanks [here].".to_owned(), false));
    }

    #[test]
    fn invented_details_rank_alt_text_lower() {
        let description = "a golden retriever asleep on a red sofa";
        assert!(grounding("A golden retriever sleeps on a red sofa.", description) > 0.6);
        assert!(
            grounding(
                "A golden retriever on a red sofa, surrounded by cookies and their favourite brand.",
                description
            ) < 0.6
        );
        let platform = platform_by_id("x").expect("x");
        let raw = [
            "A golden retriever sleeps on a red sofa, surrounded by the scent of fresh-baked cookies and candles.",
            "A golden retriever sleeps on a red sofa.",
        ]
        .map(String::from);
        let ranked = finish(&request(WriteTool::AltText, "", description), platform, &raw);
        assert_eq!(ranked[0].variant, 1, "{ranked:?}");
    }

    #[test]
    fn every_platform_gets_text_within_its_limit() {
        let long = "Golden hour at the beach 🌅🏖️ with the best people! ".repeat(400);
        let cjk = "海辺の夕日はとても美しいです。".repeat(300);
        for platform in postcraft_core::presets::platforms() {
            for tool in [WriteTool::Caption, WriteTool::Rewrite, WriteTool::AltText, WriteTool::Draft] {
                for raw in [&long, &cjk] {
                    let finished = finish(&request(tool, "beach", "beach"), platform, std::slice::from_ref(raw));
                    for part in &finished[0].parts {
                        assert!(
                            count_for(part, platform) <= platform.text_limit as usize,
                            "{tool:?} on {}: {} over {}",
                            platform.id,
                            count_for(part, platform),
                            platform.text_limit
                        );
                    }
                    assert!(finished[0].count <= finished[0].limit);
                }
            }
        }
    }
}
