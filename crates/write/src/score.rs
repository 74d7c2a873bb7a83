//! A quality score in [0, 1] for ranking a model's variants, best first.
//!
//! The engine samples several variants and shows them ranked, so the score only has to order
//! them the way a creator would at a glance, cheaply and explainably. Five parts, each in [0, 1]:
//!
//! | part | weight | measures |
//! |---|---|---|
//! | length | 0.25 | the platform's count close to a target (log-normal bell around it); 0 over the limit |
//! | repetition | 0.25 | repeated word trigrams, one word dominating, repeated sentences, emoji spam |
//! | language | 0.20 | share of plausible words (not gibberish), times agreement with the requested language |
//! | completeness | 0.20 | ends with a sentence end, hashtags, an emoji or a URL; not with "and", "the", "," |
//! | hashtags | 0.10 | count within the platform's suggested range, never over its maximum, no duplicates |
//!
//! A variant over the platform's limit scores half its weighted sum: it would have to be cut.
//!
//! Language: the requested language is checked with `whatlang` (trigram models of 69 languages,
//! MIT, one small dependency: `hashbrown`). A hand heuristic can tell Latin from Cyrillic but not
//! English from German, and a model drifting into another language than the one asked for is a
//! common failure of small models. Detection on a short caption is often unsure: an unsure
//! detection of another language costs little (0.6), a reliable one much (0.2). Gibberish is
//! judged by word shape: letters only, a vowel in Latin-script words, no six consonants or five
//! equal letters in a row, at most 25 letters.

use std::collections::{HashMap, HashSet};

use postcraft_core::presets::Platform;
use postcraft_core::text_count::{
    count_for, extract_hashtags, graphemes, hashtag_key, is_emoji_grapheme, protected_ranges, split_sentences,
};

use crate::hashtags::suggested_range;

/// Weights of the parts in the total (they sum to 1).
const WEIGHTS: [f64; 5] = [0.25, 0.25, 0.20, 0.20, 0.10];

/// What a variant is scored against.
#[derive(Debug, Clone, Copy)]
pub struct ScoreOptions<'a> {
    /// The platform: counting rule, limit, hashtag range.
    pub platform: &'a Platform,
    /// The length asked for, in the platform's count; `None` for [`default_target`].
    pub target_len: Option<usize>,
    /// The language asked for: ISO 639-1 (`en`), ISO 639-3 (`eng`), a BCP 47 tag (`en-GB`) or
    /// an English name (`German`); `None` to accept any language.
    pub language: Option<&'a str>,
}

/// A variant's score and its parts, each in [0, 1].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Score {
    /// The weighted sum of the parts (halved over the limit).
    pub total: f64,
    /// Closeness to the target length, 0 over the limit.
    pub length: f64,
    /// 1 without repetition.
    pub repetition: f64,
    /// Plausible words in the requested language.
    pub language: f64,
    /// Ends like a finished post.
    pub completeness: f64,
    /// Hashtag count sanity.
    pub hashtags: f64,
}

/// The target length when none is asked for: three quarters of the limit, at most 240 (a
/// caption people read to the end; the fold of Instagram is at 125).
pub fn default_target(platform: &Platform) -> usize {
    (platform.text_limit as usize * 3 / 4).clamp(1, 240)
}

/// Scores one variant.
pub fn score(text: &str, options: &ScoreOptions) -> Score {
    let text = text.trim();
    let platform = options.platform;
    let length_count = count_for(text, platform);
    let limit = platform.text_limit as usize;
    let over = length_count > limit;
    let words = plain_words(text);
    if words.is_empty() && extract_hashtags(text).is_empty() {
        return Score { total: 0.0, length: 0.0, repetition: 0.0, language: 0.0, completeness: 0.0, hashtags: 0.0 };
    }
    let target = options.target_len.unwrap_or_else(|| default_target(platform)).clamp(1, limit.max(1));
    let length = if over || length_count == 0 { 0.0 } else { length_score(length_count, target) };
    let repetition = repetition_score(text, &words);
    let language = shape_score(&words) * language_factor(text, options.language);
    let completeness = completeness_score(text);
    let hashtags = hashtag_score(text, platform);
    let parts = [length, repetition, language, completeness, hashtags];
    let mut total: f64 = parts.iter().zip(WEIGHTS).map(|(part, weight)| part * weight).sum();
    if over {
        total *= 0.5;
    }
    Score { total: total.clamp(0.0, 1.0), length, repetition, language, completeness, hashtags }
}

/// Indices of `variants`, best first; equal scores keep their order (the earlier variant first).
pub fn rank<S: AsRef<str>>(variants: &[S], options: &ScoreOptions) -> Vec<usize> {
    let scores: Vec<f64> = variants.iter().map(|v| score(v.as_ref(), options).total).collect();
    let mut order: Vec<usize> = (0..variants.len()).collect();
    order.sort_by(|&a, &b| scores[b].total_cmp(&scores[a]));
    order
}

/// Words outside URLs, hashtags and mentions, without surrounding punctuation, lower case.
fn plain_words(text: &str) -> Vec<String> {
    let mut plain = String::with_capacity(text.len());
    let mut pos = 0;
    for range in protected_ranges(text) {
        if range.start < pos {
            continue;
        }
        plain.push_str(&text[pos..range.start]);
        plain.push(' ');
        pos = range.end;
    }
    plain.push_str(&text[pos..]);
    plain
        .split_whitespace()
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()).to_lowercase())
        .filter(|w| !w.is_empty())
        .collect()
}

/// A log-normal bell around the target: 1 at the target, about 0.6 at half or double it.
fn length_score(length: usize, target: usize) -> f64 {
    let ratio = length as f64 / target as f64;
    let sigma = 0.7;
    (-(ratio.ln().powi(2)) / (2.0 * sigma * sigma)).exp()
}

fn repetition_score(text: &str, words: &[String]) -> f64 {
    let mut penalty: f64 = 0.0;
    // Repeated word trigrams: "golden hour golden hour golden hour".
    if words.len() >= 6 {
        let trigrams: Vec<&[String]> = words.windows(3).collect();
        let distinct: HashSet<&[String]> = trigrams.iter().copied().collect();
        let repeated = 1.0 - distinct.len() as f64 / trigrams.len() as f64;
        penalty = penalty.max(1.5 * repeated);
    }
    // One content word dominating.
    let content: Vec<&String> = words.iter().filter(|w| w.chars().count() >= 4).collect();
    if content.len() >= 6 {
        let mut counts: HashMap<&String, usize> = HashMap::new();
        for word in &content {
            *counts.entry(*word).or_default() += 1;
        }
        let top = counts.values().copied().max().unwrap_or(0) as f64 / content.len() as f64;
        penalty = penalty.max(2.5 * (top - 0.2));
    }
    // Repeated sentences.
    let sentences: Vec<String> = split_sentences(text)
        .into_iter()
        .map(|s| plain_words(s).join(" "))
        .filter(|s| s.split(' ').count() >= 2)
        .collect();
    if sentences.len() >= 2 {
        let distinct: HashSet<&String> = sentences.iter().collect();
        penalty = penalty.max(2.0 * (1.0 - distinct.len() as f64 / sentences.len() as f64));
    }
    // The same emoji over and over.
    let mut emoji: HashMap<&str, usize> = HashMap::new();
    for grapheme in graphemes(text).filter(|g| is_emoji_grapheme(g)) {
        *emoji.entry(grapheme).or_default() += 1;
    }
    if let Some(&most) = emoji.values().max() {
        penalty = penalty.max(0.1 * most.saturating_sub(3) as f64);
    }
    (1.0 - penalty).clamp(0.0, 1.0)
}

fn is_latin_vowel(c: char) -> bool {
    "aeiouyàáâãäåæèéêëìíîïòóôõöøùúûüýÿœāēīōūăąęėįųůőű".contains(c)
}

/// Whether a word looks like a word of some language rather than a random string.
fn is_plausible_word(word: &str) -> bool {
    if word.chars().all(|c| c.is_numeric() || matches!(c, '.' | ',' | ':' | '%')) {
        return true; // numbers, times, percentages
    }
    let letters: Vec<char> = word.chars().filter(|c| !matches!(c, '\'' | '’' | '-')).collect();
    if !letters.iter().all(|c| c.is_alphabetic()) {
        return false;
    }
    let latin = letters.iter().all(|c| c.is_ascii_alphabetic() || ('\u{00C0}'..='\u{024F}').contains(c));
    if !latin {
        return true; // other scripts: letters are enough
    }
    if letters.len() > 25 {
        return false;
    }
    if letters.len() > 3 && !letters.iter().any(|&c| is_latin_vowel(c)) {
        return false;
    }
    let mut consonants = 0;
    let mut same = 1;
    for (i, &c) in letters.iter().enumerate() {
        consonants = if is_latin_vowel(c) { 0 } else { consonants + 1 };
        same = if i > 0 && letters[i - 1] == c { same + 1 } else { 1 };
        if consonants >= 6 || same >= 5 {
            return false;
        }
    }
    true
}

fn shape_score(words: &[String]) -> f64 {
    if words.is_empty() {
        return 0.5; // hashtags or emoji only: nothing to judge
    }
    words.iter().filter(|w| is_plausible_word(w)).count() as f64 / words.len() as f64
}

/// ISO 639-1 codes of the languages `whatlang` knows, with its ISO 639-3 codes.
const ISO_639_1: &[(&str, &str)] = &[
    ("af", "afr"),
    ("ak", "aka"),
    ("am", "amh"),
    ("ar", "ara"),
    ("az", "aze"),
    ("be", "bel"),
    ("bg", "bul"),
    ("bn", "ben"),
    ("ca", "cat"),
    ("cs", "ces"),
    ("cy", "cym"),
    ("da", "dan"),
    ("de", "deu"),
    ("el", "ell"),
    ("en", "eng"),
    ("eo", "epo"),
    ("es", "spa"),
    ("et", "est"),
    ("fa", "pes"),
    ("fi", "fin"),
    ("fr", "fra"),
    ("gu", "guj"),
    ("he", "heb"),
    ("hi", "hin"),
    ("hr", "hrv"),
    ("hu", "hun"),
    ("hy", "hye"),
    ("id", "ind"),
    ("it", "ita"),
    ("ja", "jpn"),
    ("jv", "jav"),
    ("ka", "kat"),
    ("km", "khm"),
    ("kn", "kan"),
    ("ko", "kor"),
    ("la", "lat"),
    ("lt", "lit"),
    ("lv", "lav"),
    ("mk", "mkd"),
    ("ml", "mal"),
    ("mr", "mar"),
    ("my", "mya"),
    ("nb", "nob"),
    ("ne", "nep"),
    ("nl", "nld"),
    ("no", "nob"),
    ("or", "ori"),
    ("pa", "pan"),
    ("pl", "pol"),
    ("pt", "por"),
    ("ro", "ron"),
    ("ru", "rus"),
    ("si", "sin"),
    ("sk", "slk"),
    ("sl", "slv"),
    ("sn", "sna"),
    ("sr", "srp"),
    ("sv", "swe"),
    ("ta", "tam"),
    ("te", "tel"),
    ("th", "tha"),
    ("tk", "tuk"),
    ("tl", "tgl"),
    ("tr", "tur"),
    ("uk", "ukr"),
    ("ur", "urd"),
    ("uz", "uzb"),
    ("vi", "vie"),
    ("yi", "yid"),
    ("zh", "cmn"),
    ("zu", "zul"),
];

/// The `whatlang` language for a code or name; `None` when unknown.
pub fn parse_language(language: &str) -> Option<whatlang::Lang> {
    let language = language.trim();
    let primary = language.split(['-', '_']).next().unwrap_or_default().to_ascii_lowercase();
    let code = match primary.len() {
        2 => ISO_639_1.iter().find(|(short, _)| *short == primary).map(|(_, long)| (*long).to_string()),
        3 => Some(primary),
        _ => None,
    };
    code.and_then(whatlang::Lang::from_code)
        .or_else(|| whatlang::Lang::all().iter().copied().find(|l| l.eng_name().eq_ignore_ascii_case(language)))
}

fn language_factor(text: &str, language: Option<&str>) -> f64 {
    let Some(wanted) = language.and_then(parse_language) else { return 1.0 };
    let words = plain_words(text).join(" ");
    match whatlang::detect(&words) {
        Some(info) if info.lang() == wanted => 1.0,
        Some(info) if info.is_reliable() => 0.2,
        Some(_) => 0.6,
        None => 0.5,
    }
}

fn completeness_score(text: &str) -> f64 {
    if crate::clean::ends_with_tag_emoji_or_url(text) {
        return 1.0;
    }
    let trimmed = text.trim_end().trim_end_matches(['"', '\'', '”', '’', '»', ')', ']', '」', '』', '）']);
    if trimmed.ends_with("...") || trimmed.ends_with('…') {
        return 0.5; // looks cut, or trails off on purpose
    }
    if trimmed.ends_with(['.', '!', '?', '。', '！', '？', '‼', '⁉']) {
        return 1.0;
    }
    if crate::clean::ends_dangling(trimmed) { 0.1 } else { 0.6 }
}

fn hashtag_score(text: &str, platform: &Platform) -> f64 {
    let tags = extract_hashtags(text);
    let n = tags.len();
    if platform.max_hashtags.is_some_and(|max| n > max as usize) {
        return 0.0;
    }
    let range = suggested_range(platform);
    let (min, max) = (range.min as usize, range.max as usize);
    let base = if n > max {
        max as f64 / n as f64
    } else if n < min {
        0.85
    } else {
        1.0
    };
    let distinct: HashSet<String> = tags.iter().map(|t| hashtag_key(t)).collect();
    let unique = if n == 0 { 1.0 } else { distinct.len() as f64 / n as f64 };
    base * unique
}

#[cfg(test)]
mod tests {
    use postcraft_core::presets::platforms;

    use super::*;

    fn platform(id: &str) -> &'static Platform {
        platforms().iter().find(|p| p.id == id).unwrap_or_else(|| panic!("platform {id}"))
    }

    fn options(id: &str) -> ScoreOptions<'static> {
        ScoreOptions { platform: platform(id), target_len: None, language: Some("en") }
    }

    const CLEAN: &str = "Golden hour at the pier tonight. The sky turned pink and orange while the fishing boats came home, and the whole harbour went quiet. #sunset #pier";

    fn in_range(score: &Score) -> bool {
        [score.total, score.length, score.repetition, score.language, score.completeness, score.hashtags]
            .iter()
            .all(|v| (0.0..=1.0).contains(v))
    }

    #[test]
    fn a_clean_caption_outranks_the_usual_failures() {
        let repetitive = "Golden hour golden hour golden hour at the pier pier pier. Golden hour golden hour golden hour at the pier. So golden, so golden, so golden. #sunset #sunset";
        let cut = "Golden hour at the pier tonight. The sky turned pink and orange while the fishing boats came home, and the whole harbour went";
        let gibberish = "Xkqzt vbnmrt plkjhgf qwrtzp hjklmn zzxcvb. Bnmvcxz qwrtps xzzqq fghjkl sdfghjk! #sunset";
        let over_long = format!(
            "{CLEAN} {}",
            "We stayed until the last light faded over the water and the lamps came on along the quay.".repeat(3)
        );
        let options = options("x");
        assert!(count_for(&over_long, options.platform) > 280);
        let variants = [repetitive, cut, gibberish, over_long.as_str(), CLEAN];
        let order = rank(&variants, &options);
        assert_eq!(order[0], 4, "clean first: {order:?}");
        let clean = score(CLEAN, &options);
        for (name, variant) in ["repetitive", "cut", "gibberish", "over-long"].iter().zip(variants) {
            let other = score(variant, &options);
            assert!(in_range(&other), "{name}: {other:?}");
            assert!(clean.total > other.total, "{name}: {other:?} vs clean {clean:?}");
        }
        assert!(in_range(&clean));
        assert!(clean.total > 0.8, "{clean:?}");
    }

    #[test]
    fn parts_measure_what_they_say() {
        let options = options("x");
        assert!(score("Golden hour at the pier tonight and", &options).completeness < 0.2);
        assert_eq!(score("Golden hour at the pier tonight 🌅", &options).completeness, 1.0);
        assert!(score(&format!("{CLEAN} #a #b #c #d #e #f"), &options).hashtags < 0.5);
        let instagram = ScoreOptions { platform: platform("instagram"), ..options };
        let thirty_one: String = (0..31).map(|i| format!(" #tag{i}x")).collect();
        assert_eq!(score(&format!("{CLEAN}{thirty_one}"), &instagram).hashtags, 0.0);
        // Another language than the one asked for.
        let german = "Goldene Stunde am Pier heute Abend. Der Himmel wurde rosa und orange, während die Fischerboote nach Hause kamen.";
        let german_score = score(german, &options);
        assert!(german_score.language < 0.7, "{german_score:?}");
        let as_german = ScoreOptions { language: Some("de"), ..options };
        assert!(score(german, &as_german).language > 0.9);
        assert_eq!(score("", &options).total, 0.0);
        assert_eq!(score("   ", &options).total, 0.0);
    }

    #[test]
    fn length_prefers_the_target() {
        let short = ScoreOptions { target_len: Some(40), ..options("x") };
        let a = score("Golden hour at the pier tonight, friends.", &short);
        let b = score(CLEAN, &short);
        assert!(a.length > b.length);
        assert!((length_score(100, 100) - 1.0).abs() < 1e-9);
        assert!(length_score(50, 100) > 0.5 && length_score(50, 100) < 0.7);
    }

    #[test]
    fn ties_keep_their_order() {
        let options = options("x");
        assert_eq!(rank(&["Same text here.", "Same text here.", "Same text here."], &options), [0, 1, 2]);
        assert!(rank::<&str>(&[], &options).is_empty());
    }

    #[test]
    fn languages_parse_from_codes_and_names() {
        assert_eq!(parse_language("en"), Some(whatlang::Lang::Eng));
        assert_eq!(parse_language("en-GB"), Some(whatlang::Lang::Eng));
        assert_eq!(parse_language("deu"), Some(whatlang::Lang::Deu));
        assert_eq!(parse_language("German"), Some(whatlang::Lang::Deu));
        assert_eq!(parse_language("zh_CN"), Some(whatlang::Lang::Cmn));
        assert_eq!(parse_language("klingon"), None);
    }

    #[test]
    fn gibberish_words_are_implausible() {
        for word in ["xkqzt", "bnmvcxz", "aaaaaah", "qwrtzp"] {
            assert!(!is_plausible_word(word), "{word}");
        }
        for word in ["strengths", "rhythm", "naïve", "don't", "2024", "東京", "привет", "my"] {
            assert!(is_plausible_word(word), "{word}");
        }
    }
}
