//! Model output into a hashtag list sized for the platform.
//!
//! Asked for hashtags, a small model answers in any of several shapes: `#a #b #c`, `a, b, c`, a
//! numbered list, tags glued together (`#a#b`), a preamble before them, the same tag twice in
//! different case, a 60-letter "tag", or `#2024`. [`hashtags_from_output`] accepts all of those
//! and returns valid, distinct tags.
//!
//! How many: each platform's `suggested_hashtags` range in `platforms.toml` (X 1-3, Instagram
//! 10-15 of the 30 allowed, LinkedIn 3-5, TikTok 3-6, Threads 1, ...), never more than the
//! platform's `max_hashtags`; see [`suggested_range`].

use postcraft_core::presets::{HashtagRange, Platform};
use postcraft_core::text_count::{dedupe_hashtags, hashtag_key, is_hashtag_char, normalize_hashtag};

use crate::clean::strip_artifacts;

/// Longest hashtag kept, in characters without `#`: longer ones are run-on sentences, not tags.
pub const MAX_HASHTAG_CHARS: usize = 30;

/// Words joined into one tag at most, when the model lists tags without `#` (`new york`).
const MAX_WORDS_PER_TAG: usize = 3;

/// The range for a platform without `suggested_hashtags` in the presets file.
pub const DEFAULT_RANGE: HashtagRange = HashtagRange { min: 1, max: 5 };

/// How many hashtags suit a post on `platform`: its `suggested_hashtags`, else [`DEFAULT_RANGE`],
/// capped at its `max_hashtags`.
pub fn suggested_range(platform: &Platform) -> HashtagRange {
    let range = platform.suggested_hashtags.unwrap_or(DEFAULT_RANGE);
    match platform.max_hashtags {
        Some(max) => HashtagRange { min: range.min.min(max), max: range.max.min(max) },
        None => range,
    }
}

/// Hashtags from a model's answer for `platform`, at most its suggested maximum.
pub fn hashtags_for(raw: &str, platform: &Platform) -> Vec<String> {
    hashtags_from_output(raw, suggested_range(platform).max as usize)
}

/// Splits `text` into candidate tags.
///
/// When the text has `#` tags, only those count (the words around them are the model talking).
/// Otherwise it is a list: items split at commas, semicolons and line breaks (or at spaces when
/// there are none), an item of up to three words becoming one tag (`New York` -> `NewYork`).
fn candidates(text: &str) -> Vec<String> {
    let has_hash_tags = text.char_indices().any(|(i, c)| {
        matches!(c, '#' | '＃') && text[i + c.len_utf8()..].chars().next().is_some_and(char::is_alphanumeric)
    });
    let separators = |c: char| matches!(c, ',' | ';' | '\n' | '、' | '，' | '；' | '|' | '/' | '·' | '•');
    if has_hash_tags {
        // `#a#b` is two tags: split before every `#`.
        return hash_tokens(text);
    }
    let multi_item = text.contains(separators);
    let items: Vec<&str> =
        if multi_item { text.split(separators).collect() } else { text.split_whitespace().collect() };
    items
        .into_iter()
        .filter_map(|item| {
            let item = strip_list_marker(item.trim());
            if item.ends_with([':', '：']) {
                return None;
            }
            let words: Vec<&str> = item.split_whitespace().collect();
            if words.is_empty() || words.len() > MAX_WORDS_PER_TAG {
                return None;
            }
            Some(if words.len() == 1 { words[0].to_string() } else { camel_case(&words) })
        })
        .collect()
}

/// The `#` tokens of `text`, split at whitespace, list separators and before each `#`.
fn hash_tokens(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut in_tag = false;
    for c in text.chars() {
        if matches!(c, '#' | '＃') {
            if in_tag && current.chars().count() > 1 {
                out.push(std::mem::take(&mut current));
            }
            current.clear();
            current.push('#');
            in_tag = true;
        } else if in_tag && (is_hashtag_char(c) || c == '-') {
            current.push(c);
        } else {
            if in_tag && current.chars().count() > 1 {
                out.push(std::mem::take(&mut current));
            }
            current.clear();
            in_tag = false;
        }
    }
    if in_tag && current.chars().count() > 1 {
        out.push(current);
    }
    out
}

fn strip_list_marker(item: &str) -> &str {
    let item = item.trim_start_matches(['-', '*', '•', '·', '>']).trim_start();
    let digits = item.chars().take_while(char::is_ascii_digit).count();
    if digits > 0
        && let Some(rest) = item[digits..].strip_prefix(['.', ')'])
    {
        return rest.trim_start();
    }
    item.trim_matches(|c: char| {
        matches!(c, '"' | '\'' | '“' | '”' | '‘' | '’' | '*' | '`' | '(' | ')' | '[' | ']' | '.')
    })
}

/// `["new", "york"]` -> `NewYork`: capitals keep multi-word tags readable (and screen readers
/// read them as words).
fn camel_case(words: &[&str]) -> String {
    words
        .iter()
        .map(|word| {
            let mut chars = word.chars();
            match chars.next() {
                Some(first) => first.to_uppercase().chain(chars).collect::<String>(),
                None => String::new(),
            }
        })
        .collect()
}

/// Hashtags from a model's answer: template artefacts and preambles removed, split (see above),
/// each normalized (`#` and letters, digits, `_`), tags longer than [`MAX_HASHTAG_CHARS`] and
/// tags without a letter (`#2024`) dropped, duplicates removed case-insensitively (the first
/// spelling stays), at most `max`.
pub fn hashtags_from_output(raw: &str, max: usize) -> Vec<String> {
    let text = strip_artifacts(raw).replace("**", "");
    let tags = candidates(&text)
        .into_iter()
        .filter_map(|candidate| normalize_hashtag(&candidate))
        .filter(|tag| tag.chars().count() - 1 <= MAX_HASHTAG_CHARS && !hashtag_key(tag).is_empty());
    dedupe_hashtags(tags, max)
}

#[cfg(test)]
mod tests {
    use postcraft_core::presets::platforms;

    use super::*;

    fn platform(id: &str) -> &'static Platform {
        platforms().iter().find(|p| p.id == id).unwrap_or_else(|| panic!("platform {id}"))
    }

    #[test]
    fn hash_tags_in_any_layout() {
        assert_eq!(hashtags_from_output("#Sunset #beach #GoldenHour", 10), ["#Sunset", "#beach", "#GoldenHour"]);
        assert_eq!(
            hashtags_from_output("Here are some hashtags: #sunset, #beach,#pier", 10),
            ["#sunset", "#beach", "#pier"]
        );
        assert_eq!(hashtags_from_output("#sunset#beach", 10), ["#sunset", "#beach"]);
        assert_eq!(
            hashtags_from_output("1. #sunset\n2. #beach\n3. #self-care", 10),
            ["#sunset", "#beach", "#selfcare"]
        );
        assert_eq!(
            hashtags_from_output("<|im_start|>assistant\n#sunset #beach<|im_end|>#junk", 10),
            ["#sunset", "#beach"]
        );
        assert_eq!(hashtags_from_output("#東京 #旅行 #東京", 10), ["#東京", "#旅行"]);
    }

    #[test]
    fn bare_lists() {
        assert_eq!(hashtags_from_output("sunset, beach, golden hour", 10), ["#sunset", "#beach", "#GoldenHour"]);
        assert_eq!(hashtags_from_output("sunset beach pier", 10), ["#sunset", "#beach", "#pier"]);
        assert_eq!(hashtags_from_output("Hashtags:\n- sunset\n- beach", 10), ["#sunset", "#beach"]);
        assert_eq!(
            hashtags_from_output("Here are some hashtags for you:\nsunset\nthis is a whole sentence not a tag", 10),
            ["#sunset"]
        );
    }

    #[test]
    fn junk_is_dropped_and_duplicates_removed() {
        let long = format!("#{}", "a".repeat(31));
        let raw = format!("#Sunset #sunset #SUNSET #2024 #123 {long} #{} #ok #!!", "b".repeat(30));
        assert_eq!(
            hashtags_from_output(&raw, 10),
            ["#Sunset".to_string(), format!("#{}", "b".repeat(30)), "#ok".into()]
        );
        assert!(hashtags_from_output("", 10).is_empty());
        assert!(hashtags_from_output("no tags here: 2024!", 10).iter().all(|t| t != "#2024"));
    }

    #[test]
    fn capped_per_platform() {
        let raw: String = (0..40)
            .map(|i| format!("#tag{} ", char::from(b'a' + (i % 26) as u8).to_string().repeat(i / 26 + 1)))
            .collect();
        assert_eq!(hashtags_for(&raw, platform("x")).len(), 3);
        assert_eq!(hashtags_for(&raw, platform("instagram")).len(), 15);
        assert_eq!(hashtags_for(&raw, platform("linkedin")).len(), 5);
        assert_eq!(hashtags_for(&raw, platform("tiktok")).len(), 6);
        assert_eq!(hashtags_for(&raw, platform("threads")).len(), 1);
        for platform in platforms() {
            let range = suggested_range(platform);
            assert!(range.min <= range.max && range.max >= 1, "{}", platform.id);
            assert!(platform.max_hashtags.is_none_or(|max| range.max <= max), "{}", platform.id);
        }
    }
}
