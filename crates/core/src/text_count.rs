//! Counting post text the way each platform counts it, fitting text into a platform's limit, and
//! hashtags.
//!
//! Platforms disagree on what a "character" is ([`TextCounting`]): most count Unicode scalar
//! values, Bluesky counts graphemes, and X weighs text with twitter-text. A post that the editor
//! says fits must fit once posted, so the counter follows twitter-text v3 rather than an estimate:
//!
//! - the text is NFC-normalized first;
//! - code points in U+0000–U+10FF, U+2000–U+200D, U+2010–U+201F and U+2032–U+2037 weigh 1, all
//!   others 2 (scale 100, default weight 200, as in twitter-text's `v3.json`);
//! - every URL weighs 23 (`transformedURLLength`) whatever its length ([`url_ranges`] says which
//!   URLs are recognized: a subset of twitter-text's extractor, documented there);
//! - every emoji weighs 2 (`emojiParsingEnabled`), however many code points it has: ZWJ sequences,
//!   flags, keycaps, skin tones, tag sequences, and text-default symbols followed by U+FE0F;
//! - text that is only spaces and control characters counts 0 (twitter-text trims first).
//!
//! Where this differs from twitter-text: twitter-text matches emoji with a regular expression
//! generated from one Unicode version's list of recommended sequences; here any well-formed emoji
//! sequence (UTS #51 shape: element (ZWJ element)*, element = flag pair, keycap, or emoji with
//! VS16 / skin tone / tags) counts 2. For a ZWJ sequence newer than twitter-text's list, or an
//! arbitrary one, twitter-text counts its parts (e.g. 2 + 1 + 2); this counter says 2.
//!
//! [`fit`] shortens text to a platform's limit at a sentence or word boundary, never inside a
//! grapheme, URL, hashtag or mention.

use std::ops::Range;

use serde::{Deserialize, Serialize};
use ts_rs::TS;
use unicode_normalization::UnicodeNormalization;
use unicode_properties::{EmojiStatus, GeneralCategory, GeneralCategoryGroup, UnicodeEmoji, UnicodeGeneralCategory};
use unicode_segmentation::UnicodeSegmentation;

use crate::presets::{Platform, TextCounting};

mod url;

pub use url::url_ranges;

/// What X counts for any URL (twitter-text's `transformedURLLength`).
pub const TWITTER_URL_LENGTH: usize = 23;

/// twitter-text's scale: weights are hundredths of a character.
const TWITTER_SCALE: usize = 100;
/// Weight of code points outside the light ranges, and of every emoji.
const TWITTER_HEAVY: usize = 200;
/// Weight of code points inside the light ranges.
const TWITTER_LIGHT: usize = 100;

const ZWJ: char = '\u{200D}';
const VS16: char = '\u{FE0F}';
const KEYCAP: char = '\u{20E3}';
const CANCEL_TAG: char = '\u{E007F}';

/// The last resort of [`fit`] when not even the first word fits.
pub const ELLIPSIS: char = '…';

/// How long `text` is for a platform that counts with `counting`.
pub fn count(text: &str, counting: TextCounting) -> usize {
    match counting {
        TextCounting::Chars => text.chars().count(),
        TextCounting::Graphemes => text.graphemes(true).count(),
        TextCounting::Twitter => twitter_length(text),
    }
}

/// How long `text` is on `platform`.
pub fn count_for(text: &str, platform: &Platform) -> usize {
    count(text, platform.text_counting)
}

/// twitter-text's weighted length (in characters: weighted count / scale).
fn twitter_length(text: &str) -> usize {
    if text.chars().all(|c| c <= ' ') {
        return 0;
    }
    let normalized: String = text.nfc().collect();
    let mut weight = 0;
    let mut pos = 0;
    for url in url_ranges(&normalized) {
        weight += plain_weight(&normalized[pos..url.start]) + TWITTER_URL_LENGTH * TWITTER_SCALE;
        pos = url.end;
    }
    weight += plain_weight(&normalized[pos..]);
    weight / TWITTER_SCALE
}

fn plain_weight(text: &str) -> usize {
    text.graphemes(true).map(grapheme_weight).sum()
}

fn char_weight(c: char) -> usize {
    match u32::from(c) {
        0x0000..=0x10FF | 0x2000..=0x200D | 0x2010..=0x201F | 0x2032..=0x2037 => TWITTER_LIGHT,
        _ => TWITTER_HEAVY,
    }
}

fn grapheme_weight(grapheme: &str) -> usize {
    let mut chars = grapheme.chars();
    match (chars.next(), chars.next()) {
        (None, _) => 0,
        // One code point: its own weight. (No single emoji lies in the light ranges: © and #
        // count as emoji only with U+FE0F or U+20E3 after them.)
        (Some(c), None) => char_weight(c),
        _ => {
            let chars: Vec<char> = grapheme.chars().collect();
            let (start, emoji) = match emoji_sequence_len(&chars) {
                Some(len) => (len, TWITTER_HEAVY),
                None => (0, 0),
            };
            emoji + chars[start..].iter().map(|&c| char_weight(c)).sum::<usize>()
        }
    }
}

fn is_emoji_presentation(c: char) -> bool {
    matches!(
        c.emoji_status(),
        EmojiStatus::EmojiPresentation
            | EmojiStatus::EmojiPresentationAndModifierBase
            | EmojiStatus::EmojiPresentationAndEmojiComponent
            | EmojiStatus::EmojiPresentationAndModifierAndEmojiComponent
    )
}

fn is_skin_tone(c: char) -> bool {
    ('\u{1F3FB}'..='\u{1F3FF}').contains(&c)
}

fn is_regional_indicator(c: char) -> bool {
    ('\u{1F1E6}'..='\u{1F1FF}').contains(&c)
}

fn is_tag(c: char) -> bool {
    ('\u{E0020}'..='\u{E007E}').contains(&c)
}

/// One emoji element at `chars[i..]`: its end and whether it is shown as an emoji (rather than a
/// text-default symbol such as a bare `©` or digit).
fn emoji_element(chars: &[char], i: usize) -> Option<(usize, bool)> {
    let c = *chars.get(i)?;
    let next = chars.get(i + 1).copied();
    if is_regional_indicator(c) {
        let pair = next.is_some_and(is_regional_indicator);
        return Some((i + 1 + usize::from(pair), true));
    }
    if matches!(c, '#' | '*' | '0'..='9') {
        return match (next, chars.get(i + 2).copied()) {
            (Some(KEYCAP), _) => Some((i + 2, true)),
            (Some(VS16), Some(KEYCAP)) => Some((i + 3, true)),
            _ => None,
        };
    }
    if !c.is_emoji_char() {
        return None;
    }
    let mut end = i + 1;
    let mut shown = is_emoji_presentation(c);
    match next {
        Some(VS16) => {
            end += 1;
            shown = true;
        }
        Some(m) if is_skin_tone(m) => {
            end += 1;
            shown = true;
        }
        _ => {}
    }
    let tags = chars[end..].iter().take_while(|&&t| is_tag(t)).count();
    if tags > 0 {
        end += tags;
        if chars.get(end) == Some(&CANCEL_TAG) {
            end += 1;
        }
        shown = true;
    }
    Some((end, shown))
}

/// Code points taken by the emoji sequence at the start of `chars`, if it starts with one.
fn emoji_sequence_len(chars: &[char]) -> Option<usize> {
    let (mut end, mut shown) = emoji_element(chars, 0)?;
    while chars.get(end) == Some(&ZWJ) {
        match emoji_element(chars, end + 1) {
            Some((next_end, _)) => {
                end = next_end;
                shown = true;
            }
            None => break,
        }
    }
    shown.then_some(end)
}

/// The grapheme clusters (user-perceived characters) of `text`, extended clusters of UAX #29.
pub fn graphemes(text: &str) -> impl DoubleEndedIterator<Item = &str> + '_ {
    text.graphemes(true)
}

/// Whether a grapheme cluster is (starts with) an emoji: a pictograph shown as emoji, a ZWJ
/// sequence, a flag, a keycap.
pub fn is_emoji_grapheme(grapheme: &str) -> bool {
    let chars: Vec<char> = grapheme.chars().collect();
    emoji_sequence_len(&chars).is_some()
}

// ---------------------------------------------------------------------------------------------
// Sentences

/// Characters that end a sentence.
fn is_terminator(c: char) -> bool {
    matches!(c, '.' | '!' | '?' | '…' | '‼' | '⁇' | '⁈' | '⁉' | '。' | '！' | '？' | '｡')
}

/// Full-width terminators end a sentence without a space after them.
fn is_wide_terminator(c: char) -> bool {
    matches!(c, '。' | '！' | '？' | '｡')
}

/// Closing quotes and brackets that belong to the sentence before them.
fn is_closer(c: char) -> bool {
    matches!(c, '"' | '\'' | '”' | '’' | '»' | '›' | ')' | ']' | '」' | '』' | '）' | '】')
}

/// Abbreviations whose period ends no sentence (compared lower-case, without the final period).
const ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "prof", "sr", "jr", "st", "vs", "e.g", "i.e", "approx", "no", "nr", "fig", "inc", "ltd",
    "co", "mt", "ca", "cf", "dept", "est", "z.b", "bzw", "usw", "p.ex", "cca",
];

/// Byte offsets where a sentence ends: just after its terminator and any closing quotes, when
/// whitespace or the end of the text follows (full-width `。！？` need no space). Periods of
/// abbreviations, initials (`J. K.`), and those followed by a lower-case word end no sentence.
/// Terminators inside URLs are ignored. Line breaks are not reported here (see [`split_sentences`]).
pub fn sentence_ends(text: &str) -> Vec<usize> {
    let urls = url_ranges(text);
    let mut ends = Vec::new();
    let mut iter = text.char_indices().peekable();
    while let Some((i, c)) = iter.next() {
        if !is_terminator(c) || urls.iter().any(|r| r.start <= i && i < r.end) {
            continue;
        }
        let mut end = i + c.len_utf8();
        // Whether the run ends with a full-width stop (or a full-width closer after one).
        let mut wide = is_wide_terminator(c);
        while let Some(&(j, d)) = iter.peek() {
            if is_terminator(d) || is_closer(d) {
                wide = is_wide_terminator(d) || (wide && matches!(d, '」' | '』' | '）' | '】'));
                end = j + d.len_utf8();
                iter.next();
            } else {
                break;
            }
        }
        let rest = &text[end..];
        let followed_by_space = rest.is_empty() || rest.starts_with(char::is_whitespace);
        if !(followed_by_space || wide) {
            continue;
        }
        if c == '.' && !rest.is_empty() && !period_ends_sentence(&text[..i], rest) {
            continue;
        }
        ends.push(end);
    }
    ends
}

fn period_ends_sentence(before: &str, after: &str) -> bool {
    let word = before.rsplit(char::is_whitespace).next().unwrap_or_default();
    let word = word.trim_start_matches(|c: char| !c.is_alphanumeric()).to_lowercase();
    if ABBREVIATIONS.contains(&word.as_str()) {
        return false;
    }
    // An initial: one letter.
    let mut letters = word.chars();
    if letters.next().is_some_and(char::is_alphabetic) && letters.next().is_none() {
        return false;
    }
    // "approx. three", "wait... what": a lower-case word goes on with the sentence.
    !after.trim_start().starts_with(char::is_lowercase)
}

/// The sentences of `text`, trimmed, in order: split after each [`sentence_ends`] and at line
/// breaks. Every non-whitespace character of `text` is in exactly one of them.
pub fn split_sentences(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut cuts = sentence_ends(text);
    cuts.extend(text.match_indices('\n').map(|(i, _)| i));
    cuts.sort_unstable();
    cuts.push(text.len());
    for cut in cuts {
        if cut < start {
            continue;
        }
        let sentence = text[start..cut].trim();
        if !sentence.is_empty() {
            out.push(sentence);
        }
        start = cut;
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Hashtags

/// Whether `c` may be part of a hashtag: a letter, mark, decimal digit, `_`, or ZWNJ (needed by
/// Persian and Indic scripts). twitter-text's set, less a few punctuation marks it allows.
pub fn is_hashtag_char(c: char) -> bool {
    c == '_'
        || c == '\u{200C}'
        || matches!(c.general_category_group(), GeneralCategoryGroup::Letter | GeneralCategoryGroup::Mark)
        || c.general_category() == GeneralCategory::DecimalNumber
}

fn is_hashtag_letter(c: char) -> bool {
    matches!(c.general_category_group(), GeneralCategoryGroup::Letter | GeneralCategoryGroup::Mark)
}

/// The byte ranges of the hashtags in `text` (`#` included), as twitter-text finds them: `#` or
/// `＃` not after a hashtag character or `&`, not a keycap, followed by hashtag characters with
/// at least one letter (`#2024` is no hashtag), and not inside a URL.
pub fn hashtag_ranges(text: &str) -> Vec<Range<usize>> {
    hashtag_ranges_outside(text, &url_ranges(text))
}

fn hashtag_ranges_outside(text: &str, urls: &[Range<usize>]) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut prev: Option<char> = None;
    let mut iter = text.char_indices().peekable();
    while let Some((i, c)) = iter.next() {
        let starts = matches!(c, '#' | '＃') && !prev.is_some_and(|p| is_hashtag_char(p) || p == '&');
        prev = Some(c);
        if !starts {
            continue;
        }
        let body_start = i + c.len_utf8();
        if text[body_start..].starts_with([VS16, KEYCAP]) {
            continue;
        }
        let body_len: usize = text[body_start..].chars().take_while(|&d| is_hashtag_char(d)).map(char::len_utf8).sum();
        let body = &text[body_start..body_start + body_len];
        if body.is_empty() || !body.chars().any(is_hashtag_letter) {
            continue;
        }
        if urls.iter().any(|r| r.start <= i && i < r.end) {
            continue;
        }
        out.push(i..body_start + body_len);
        while iter.peek().is_some_and(|&(j, _)| j < body_start + body_len) {
            if let Some((_, d)) = iter.next() {
                prev = Some(d);
            }
        }
    }
    out
}

/// The hashtags of `text`, as written (`#` included), in order, duplicates kept.
pub fn extract_hashtags(text: &str) -> Vec<String> {
    hashtag_ranges(text).into_iter().map(|r| text[r].to_string()).collect()
}

/// A hashtag in canonical form: `#` followed by its hashtag characters (NFC), or `None` when
/// nothing of it is a hashtag. Leading `#`/`＃` and surrounding spaces are dropped, characters
/// that cannot be in a hashtag are removed (`#self-care` becomes `#selfcare`), and a tag needs a
/// letter (`#2024` is none). Case is kept: see [`hashtag_key`].
pub fn normalize_hashtag(raw: &str) -> Option<String> {
    let body = raw.trim().trim_start_matches(['#', '＃']);
    let body: String = body.nfc().filter(|&c| is_hashtag_char(c)).collect();
    if !body.chars().any(is_hashtag_letter) {
        return None;
    }
    Some(format!("#{body}"))
}

/// The case-insensitive identity of a hashtag (`#Rust` and `#rust` are one tag): its body,
/// NFC and lower case, without `#`.
pub fn hashtag_key(tag: &str) -> String {
    tag.trim().trim_start_matches(['#', '＃']).nfc().collect::<String>().to_lowercase()
}

/// Normalized hashtags without duplicates (case-insensitive, the first spelling wins), in order,
/// at most `max`.
pub fn dedupe_hashtags<I, S>(tags: I, max: usize) -> Vec<String>
where
    I: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::new();
    for tag in tags {
        if out.len() >= max {
            break;
        }
        let Some(tag) = normalize_hashtag(tag.as_ref()) else { continue };
        if seen.insert(hashtag_key(&tag)) {
            out.push(tag);
        }
    }
    out
}

/// The byte ranges of `@mentions` (ASCII letters, digits, `_`, as on X), not inside a URL.
fn mention_ranges(text: &str, urls: &[Range<usize>]) -> Vec<Range<usize>> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    for (i, _) in text.match_indices('@') {
        let prev_ok = text[..i].chars().next_back().is_none_or(|p| !p.is_alphanumeric() && p != '_');
        let len = bytes[i + 1..].iter().take_while(|b| b.is_ascii_alphanumeric() || **b == b'_').count();
        if prev_ok && len > 0 && !urls.iter().any(|r| r.start <= i && i < r.end) {
            out.push(i..i + 1 + len);
        }
    }
    out
}

/// Ranges a cut may not fall inside: URLs, hashtags, mentions. Sorted by start.
pub fn protected_ranges(text: &str) -> Vec<Range<usize>> {
    let urls = url_ranges(text);
    let mut out = hashtag_ranges_outside(text, &urls);
    out.extend(mention_ranges(text, &urls));
    out.extend(urls);
    out.sort_by_key(|r| (r.start, r.end));
    out
}

fn strictly_inside(ranges: &[Range<usize>], pos: usize) -> bool {
    ranges.iter().any(|r| r.start < pos && pos < r.end)
}

// ---------------------------------------------------------------------------------------------
// Fitting

/// Text fitted into a platform's limit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Fitted {
    /// The text: the input when it fits, else its longest prefix that does (see [`fit`]).
    pub text: String,
    /// Its length as the platform counts it.
    pub count: usize,
    /// The platform's limit.
    pub limit: usize,
    /// Whether the input was shortened.
    pub trimmed: bool,
}

/// Fits `text` into `platform`'s text limit. See [`fit_to`].
pub fn fit(text: &str, platform: &Platform) -> Fitted {
    fit_to(text, platform.text_counting, platform.text_limit as usize)
}

/// Punctuation that makes no sense at the end of a shortened text.
fn is_dangling(c: char) -> bool {
    matches!(
        c,
        ',' | ';'
            | ':'
            | '-'
            | '–'
            | '—'
            | '('
            | '['
            | '{'
            | '/'
            | '&'
            | '+'
            | '|'
            | '·'
            | '•'
            | '“'
            | '‘'
            | '«'
            | '‹'
            | '、'
            | '，'
            | '：'
            | '；'
            | '（'
            | '「'
            | '『'
            | '@'
            | '#'
    )
}

/// `text` without trailing whitespace and dangling punctuation (except characters that belong to
/// a protected range, such as the final `-` of a URL).
fn trim_tail<'a>(text: &'a str, protected: &[Range<usize>]) -> &'a str {
    let mut end = text.len();
    loop {
        let trimmed = text[..end].trim_end();
        end = trimmed.len();
        match trimmed.chars().next_back() {
            Some(c) if is_dangling(c) && !protected.iter().any(|r| r.start < end && end <= r.end) => {
                end -= c.len_utf8();
            }
            _ => return &text[..end],
        }
    }
}

/// The class of a grapheme for word boundaries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    Space,
    /// Scripts written without spaces between words (Han, kana, Thai, ...): each grapheme may
    /// start a line, as in UAX #14.
    Unspaced,
    Emoji,
    Other,
}

fn is_unspaced(c: char) -> bool {
    matches!(u32::from(c),
        0x0E00..=0x0EFF        // Thai, Lao
        | 0x1000..=0x109F      // Myanmar
        | 0x1780..=0x17FF      // Khmer
        | 0x2E80..=0x2FDF      // CJK radicals
        | 0x3000..=0x303F      // CJK punctuation
        | 0x3040..=0x30FF      // Hiragana, Katakana
        | 0x3100..=0x312F      // Bopomofo
        | 0x31F0..=0x31FF      // Katakana extensions
        | 0x3400..=0x4DBF      // CJK extension A
        | 0x4E00..=0x9FFF      // CJK unified ideographs
        | 0xF900..=0xFAFF      // CJK compatibility ideographs
        | 0xFF00..=0xFFEF      // full-width forms
        | 0x20000..=0x3FFFF) // CJK extensions B and later
}

fn class_of(grapheme: &str) -> Class {
    let Some(first) = grapheme.chars().next() else { return Class::Other };
    if first.is_whitespace() {
        Class::Space
    } else if is_unspaced(first) {
        Class::Unspaced
    } else if first > '\u{7F}' && is_emoji_grapheme(grapheme) {
        Class::Emoji
    } else {
        Class::Other
    }
}

/// Whether a cut between graphemes of these classes is a word boundary.
fn is_word_break(before: Class, after: Class) -> bool {
    !(before == Class::Other && after == Class::Other)
}

/// Fits `text` into `limit` as counted with `counting`.
///
/// Text that fits comes back as it is. Longer text is cut at the last sentence end (or line
/// break) that fits, provided that keeps at least half of what the last fitting word boundary
/// keeps; otherwise at that word boundary. Cuts fall between graphemes, never inside a word (a
/// word boundary is whitespace, or a grapheme of a script written without spaces or an emoji
/// on either side), URL, hashtag or mention. Nothing is appended; trailing whitespace and
/// dangling punctuation (`,`, ` -`, an opening bracket) are removed.
///
/// Last resort: when not even the first word fits (a very long URL on a grapheme-counting
/// platform, a 300-letter word), the text is cut at the last grapheme boundary that fits with
/// [`ELLIPSIS`] appended. The result always counts at most `limit` (empty when `limit` is 0).
pub fn fit_to(text: &str, counting: TextCounting, limit: usize) -> Fitted {
    let total = count(text, counting);
    if total <= limit {
        return Fitted { text: text.to_string(), count: total, limit, trimmed: false };
    }
    let protected = protected_ranges(text);
    let graphemes: Vec<(usize, &str)> = text.grapheme_indices(true).collect();

    let mut word_cuts = Vec::new();
    for pair in graphemes.windows(2) {
        let ((_, before), (pos, after)) = (pair[0], pair[1]);
        if is_word_break(class_of(before), class_of(after)) && !strictly_inside(&protected, pos) {
            word_cuts.push(pos);
        }
    }
    let mut sentence_cuts: Vec<usize> = sentence_ends(text);
    sentence_cuts.extend(text.match_indices('\n').map(|(i, _)| i));
    sentence_cuts.retain(|&p| p > 0 && !strictly_inside(&protected, p));
    sentence_cuts.sort_unstable();
    sentence_cuts.dedup();

    let candidate = |p: usize| trim_tail(&text[..p], &protected);
    let fits = |p: usize| count(candidate(p), counting) <= limit;
    let best_word = last_fitting(&word_cuts, fits).map(candidate).filter(|s| !s.is_empty());
    let best_sentence = last_fitting(&sentence_cuts, fits).map(candidate).filter(|s| !s.is_empty());

    let chosen = match (best_sentence, best_word) {
        (Some(sentence), Some(word)) => {
            if 2 * count(sentence, counting) >= count(word, counting) {
                Some(sentence)
            } else {
                Some(word)
            }
        }
        (sentence, word) => sentence.or(word),
    };
    if let Some(chosen) = chosen {
        return Fitted { text: chosen.to_string(), count: count(chosen, counting), limit, trimmed: true };
    }

    // Last resort: a grapheme cut with an ellipsis.
    let with_ellipsis = |p: usize| format!("{}{ELLIPSIS}", text[..p].trim_end());
    let grapheme_cuts: Vec<usize> = graphemes.iter().map(|&(p, _)| p).filter(|&p| p > 0).collect();
    let text = last_fitting(&grapheme_cuts, |p| count(&with_ellipsis(p), counting) <= limit)
        .map(with_ellipsis)
        .filter(|s| count(s, counting) <= limit)
        .unwrap_or_default();
    Fitted { count: count(&text, counting), text, limit, trimmed: true }
}

/// The last of the ascending `cuts` for which `fits` holds, assuming it holds up to some cut and
/// not after (the counts grow with the prefix). Checked: should a count ever shrink as the prefix
/// grows, the search walks down from its guess until `fits` holds.
fn last_fitting(cuts: &[usize], fits: impl Fn(usize) -> bool) -> Option<usize> {
    let guess = cuts.partition_point(|&p| fits(p));
    cuts[..guess].iter().rev().copied().find(|&p| fits(p))
}

#[cfg(test)]
mod tests;
