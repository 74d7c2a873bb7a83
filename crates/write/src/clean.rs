//! Post-processing of raw model output into a clean caption.
//!
//! Small chat models wrap their answer in artefacts a creator should never see: template tokens
//! (`<|im_end|>`), a role or label (`assistant:`, `Caption:`), a preamble ("Here is your
//! caption:"), quotes around the whole answer, markdown (`**bold**`, `# heading`, `- ` bullets).
//! They also repeat themselves and stop mid-sentence at the token limit. [`clean`] removes all of
//! that by rule; what it cannot judge (tone, facts) is left to ranking ([`crate::score`]).
//!
//! Cleaning never invents text and never returns nothing for an output that had words: when the
//! rules would remove everything, the trimmed input comes back.

use std::collections::HashSet;

use postcraft_core::text_count::{
    graphemes, hashtag_key, hashtag_ranges, is_emoji_grapheme, split_sentences, url_ranges,
};

/// Tokens that end a model's turn: anything after them is not part of the answer.
const END_TOKENS: &[&str] =
    &["<|im_end|>", "<|endoftext|>", "<|eot_id|>", "<|end_of_text|>", "<|end|>", "</s>", "<end_of_turn>", "<eos>"];

/// Tokens that start a turn; a role name may follow them.
const START_TOKENS: &[&str] = &["<|im_start|>", "<|start_header_id|>", "<start_of_turn>", "<s>", "[INST]", "[/INST]"];

/// Role names that follow a start token or lead a line as `role:`.
const ROLES: &[&str] = &["assistant", "user", "system", "model", "ai", "bot"];

/// Labels a model puts before its answer (`Caption:`, `Hashtags:`), compared lower-case on the
/// first word of a line followed, within four words, by `:`.
/// (Not `ai`, `model`, `bot`: "AI: the future of work" is a caption.)
const LABELS: &[&str] = &[
    "assistant",
    "caption",
    "captions",
    "post",
    "tweet",
    "answer",
    "output",
    "response",
    "reply",
    "result",
    "hashtags",
    "title",
    "description",
    "rewrite",
    "rewritten",
    "draft",
    "thread",
    "alt",
    "variant",
    "version",
    "option",
];

/// Words that mark a line ending in `:` as a preamble ("Here is a caption for your post:").
const PREAMBLE_WORDS: &[&str] =
    &["here", "here's", "sure", "certainly", "okay", "ok", "caption", "post", "tweet", "hashtags", "version"];

/// Removes chat-template artefacts only: everything after the first turn-ending token (when
/// something came before it), start tokens with the role after them, any other `<|...|>`
/// token, and leading `role:` labels. Formatting and wording are left alone.
pub fn strip_artifacts(raw: &str) -> String {
    remove_template_tokens(raw).lines().map(strip_role_label).collect::<Vec<_>>().join("\n").trim().to_string()
}

/// The first step of [`strip_artifacts`]: template tokens only.
fn remove_template_tokens(raw: &str) -> String {
    let mut text = raw.to_string();
    // The answer ends at the first end token that follows some content.
    for token in END_TOKENS {
        while let Some(at) = text.find(token) {
            if has_words(&remove_start_tokens(&text[..at])) {
                text.truncate(at);
            } else {
                text.replace_range(at..at + token.len(), " ");
            }
        }
    }
    remove_angle_tokens(&remove_start_tokens(&text))
}

fn has_words(text: &str) -> bool {
    text.chars().any(char::is_alphanumeric)
}

fn remove_start_tokens(text: &str) -> String {
    let mut text = text.to_string();
    for token in START_TOKENS {
        while let Some(at) = text.find(token) {
            let mut end = at + token.len();
            // `<|im_start|>assistant\n`: the role belongs to the token.
            let after = &text[end..];
            let word_len = after.chars().take_while(|c| c.is_ascii_alphabetic()).count();
            if ROLES.contains(&after[..word_len].to_ascii_lowercase().as_str()) {
                end += word_len;
                // `<|start_header_id|>assistant<|end_header_id|>`
                if let Some(rest) = text[end..].strip_prefix("<|end_header_id|>") {
                    end = text.len() - rest.len();
                }
            }
            text.replace_range(at..end, " ");
        }
    }
    text
}

/// Removes `<|anything|>` tokens (no whitespace inside, at most 40 bytes).
fn remove_angle_tokens(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("<|") {
        out.push_str(&rest[..at]);
        let after = &rest[at + 2..];
        match after.find("|>") {
            Some(close) if close <= 40 && !after[..close].contains(char::is_whitespace) => {
                out.push(' ');
                rest = &after[close + 2..];
            }
            _ => {
                out.push_str("<|");
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// `assistant: text` -> `text`; `**Caption for Instagram:** text` -> `text`.
fn strip_role_label(line: &str) -> &str {
    let trimmed = line.trim_start().trim_start_matches(['*', '_']).trim_start();
    let Some(colon) = trimmed.find([':', '：']) else { return line };
    let label = trimmed[..colon].trim_end_matches(['*', '_']).trim();
    let mut words = label.split_whitespace();
    let first = words.next().unwrap_or_default().to_lowercase();
    let first = first.trim_matches(|c: char| !c.is_alphanumeric());
    if label.split_whitespace().count() > 4 || !LABELS.contains(&first) {
        return line;
    }
    let colon_len = trimmed[colon..].chars().next().map_or(1, char::len_utf8);
    trimmed[colon + colon_len..].trim_start_matches(['*', '_']).trim_start()
}

fn is_preamble(line: &str) -> bool {
    let line = line.trim();
    if !line.ends_with([':', '：']) {
        return false;
    }
    let words: Vec<String> = line
        .split_whitespace()
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric() && c != '\'').to_lowercase())
        .collect();
    words.len() <= 10 && words.iter().any(|w| PREAMBLE_WORDS.contains(&w.as_str()))
}

/// Markdown marks at the start of a line: a heading (`# `, not a hashtag), a bullet, a number.
fn strip_line_markers(line: &str) -> &str {
    let mut line = line.trim_start();
    let hashes = line.chars().take_while(|&c| c == '#').count();
    if (1..=6).contains(&hashes) && line[hashes..].starts_with(' ') {
        line = line[hashes..].trim_start();
    }
    for bullet in ["- ", "* ", "• ", "· ", "– ", "— ", "> "] {
        if let Some(rest) = line.strip_prefix(bullet) {
            return rest.trim_start();
        }
    }
    let digits = line.chars().take_while(char::is_ascii_digit).count();
    if (1..=2).contains(&digits) {
        let rest = &line[digits..];
        if let Some(rest) = rest.strip_prefix(". ").or_else(|| rest.strip_prefix(") ")) {
            return rest.trim_start();
        }
    }
    line
}

/// Removes one pair of quotes around the whole text, when they are the only ones of their kind.
fn strip_surrounding_quotes(text: &str) -> &str {
    const PAIRS: &[(char, char)] =
        &[('"', '"'), ('“', '”'), ('„', '“'), ('\'', '\''), ('‘', '’'), ('«', '»'), ('「', '」')];
    let text = text.trim();
    for &(open, close) in PAIRS {
        if let Some(inner) = text.strip_prefix(open).and_then(|t| t.strip_suffix(close))
            && !inner.contains(open)
            && !inner.contains(close)
            && has_words(inner)
        {
            return inner.trim();
        }
    }
    text
}

/// Collapses runs of spaces and tabs inside each line, trims lines, and keeps at most one blank
/// line between paragraphs.
fn collapse_whitespace(text: &str) -> String {
    let mut out: Vec<String> = Vec::new();
    for line in text.lines() {
        let line = line.split_whitespace().collect::<Vec<_>>().join(" ");
        if line.is_empty() && out.last().is_none_or(String::is_empty) {
            continue;
        }
        out.push(line);
    }
    while out.last().is_some_and(String::is_empty) {
        out.pop();
    }
    out.join("\n")
}

/// The identity of a sentence for repetition: its words, lower case.
fn sentence_key(sentence: &str) -> String {
    sentence
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join(" ")
}

/// Drops sentences seen before (same words, any case and punctuation). Hashtag-only sentences
/// are left to [`dedupe_hashtags_in_place`].
fn remove_repeated_sentences(text: &str) -> String {
    let mut seen = HashSet::new();
    let mut lines = Vec::new();
    for line in text.lines() {
        let mut kept = String::new();
        let mut previous_end = 0;
        for sentence in split_sentences(line) {
            // `split_sentences` gives slices of `line`: where this one starts in it.
            let start = sentence.as_ptr() as usize - line.as_ptr() as usize;
            let gap_has_space = line[previous_end..start].contains(char::is_whitespace);
            previous_end = start + sentence.len();
            let key = sentence_key(sentence);
            let only_tags = hashtag_ranges(sentence).iter().map(|r| r.len()).sum::<usize>()
                >= sentence.split_whitespace().map(str::len).sum::<usize>();
            if key.is_empty() || only_tags || seen.insert(key) {
                // Sentences of scripts without spaces (`。`) stay joined without one.
                if !kept.is_empty() && gap_has_space {
                    kept.push(' ');
                }
                kept.push_str(sentence);
            }
        }
        if line.trim().is_empty() || !kept.is_empty() {
            lines.push(kept);
        }
    }
    lines.join("\n")
}

/// Removes every hashtag whose key appeared earlier in the text, with the space before it.
fn dedupe_hashtags_in_place(text: &str) -> String {
    let mut seen = HashSet::new();
    let mut out = String::with_capacity(text.len());
    let mut pos = 0;
    for range in hashtag_ranges(text) {
        if seen.insert(hashtag_key(&text[range.clone()])) {
            continue;
        }
        let before = text[pos..range.start].trim_end_matches([' ', '\t']);
        out.push_str(before);
        pos = range.end;
    }
    out.push_str(&text[pos..]);
    out
}

fn is_terminated(sentence: &str) -> bool {
    let trimmed = sentence.trim_end().trim_end_matches(['"', '\'', '”', '’', '»', ')', ']', '」', '』', '）']);
    trimmed.ends_with(['.', '!', '?', '…', '。', '！', '？', '‼', '⁉'])
}

/// Whether a text ends with a hashtag, an emoji or a URL: an ending that needs no period.
pub(crate) fn ends_with_tag_emoji_or_url(text: &str) -> bool {
    let text = text.trim_end();
    if text.is_empty() {
        return false;
    }
    let end = text.len();
    if hashtag_ranges(text).last().is_some_and(|r| r.end == end)
        || url_ranges(text).last().is_some_and(|r| r.end == end)
    {
        return true;
    }
    graphemes(text).next_back().is_some_and(is_emoji_grapheme)
}

/// Words that do not end a finished sentence: a text ending with one was cut. English, German,
/// French, Spanish.
pub(crate) const DANGLING_WORDS: &[&str] = &[
    "a", "an", "the", "and", "or", "but", "of", "to", "in", "on", "at", "for", "with", "from", "by", "as", "that",
    "which", "because", "so", "then", "than", "if", "when", "while", "is", "are", "was", "were", "my", "our", "your",
    "their", "its", "this", "these", "und", "oder", "der", "die", "das", "ein", "eine", "mit", "zu", "et", "ou", "le",
    "la", "les", "un", "une", "de", "des", "avec", "y", "el", "los", "las", "con", "para", "que",
];

/// Whether a text ends on a word or mark that cannot end a sentence (`and`, `the`, `,`).
pub(crate) fn ends_dangling(text: &str) -> bool {
    let text = text.trim_end();
    if text.ends_with([',', ';', ':', '-', '–', '—', '(', '&']) {
        return true;
    }
    let last = text.rsplit(char::is_whitespace).next().unwrap_or_default().to_lowercase();
    DANGLING_WORDS.contains(&last.as_str())
}

/// Drops a last sentence that was cut off (no end punctuation) when an earlier sentence is
/// complete, unless the text ends with hashtags, an emoji or a URL. "Cut off" means: it shares
/// its line with the complete sentence before it (a caption cut at the token limit), or it ends
/// on a word like "and" or "the". A last line of its own without a period ("Link in bio") stays.
fn drop_broken_tail(text: &str) -> String {
    if ends_with_tag_emoji_or_url(text) {
        return text.to_string();
    }
    let Some(last_line) = text.lines().rev().find(|l| has_words(l)) else { return text.to_string() };
    let sentences: Vec<&str> = text.lines().flat_map(split_sentences).collect();
    let Some((last, earlier)) = sentences.split_last() else { return text.to_string() };
    if is_terminated(last) || !earlier.iter().any(|s| is_terminated(s)) {
        return text.to_string();
    }
    let shares_line = split_sentences(last_line).len() > 1;
    if !(shares_line || ends_dangling(last)) {
        return text.to_string();
    }
    // `last` is a slice of `text`: cut there.
    let start = last.as_ptr() as usize - text.as_ptr() as usize;
    text[..start].trim_end().to_string()
}

/// Cleans raw model output into a caption. In order:
///
/// 1. [`strip_artifacts`]: template tokens, role labels;
/// 2. preamble lines ("Here is your caption:") when other lines have words;
/// 3. markdown: `**`/`__` emphasis, heading marks, bullets and numbers at line starts;
/// 4. quotes around the whole text (or a whole line);
/// 5. whitespace: runs collapsed inside lines, at most one blank line between paragraphs;
/// 6. repeated sentences and repeated hashtags (case-insensitive; the first stays);
/// 7. a trailing sentence without end punctuation, when an earlier one is complete and the
///    text does not end with hashtags, an emoji or a URL (a caption cut at the token limit).
///
/// Never empty when the input had words: if the rules remove everything, the input comes back
/// trimmed, without its template tokens (output of template tokens only cleans to "").
pub fn clean(raw: &str) -> String {
    let stripped = strip_artifacts(raw);
    let lines: Vec<&str> = stripped.lines().collect();
    // Only the first line with words can be a preamble, and only when words follow it.
    let first = lines.iter().position(|l| has_words(l));
    let preamble = first.filter(|&i| is_preamble(lines[i]) && lines[i + 1..].iter().any(|l| has_words(l)));
    let mut kept = Vec::new();
    for (i, line) in lines.into_iter().enumerate() {
        if Some(i) == preamble {
            continue;
        }
        let line = line.replace("**", "").replace("__", "");
        let line = strip_line_markers(&line);
        kept.push(strip_surrounding_quotes(line).to_string());
    }
    let text = collapse_whitespace(&kept.join("\n"));
    let text = strip_surrounding_quotes(&text).to_string();
    let text = remove_repeated_sentences(&text);
    let text = dedupe_hashtags_in_place(&text);
    let text = collapse_whitespace(&text);
    let text = drop_broken_tail(&text);
    // Never nothing for an answer with words: the rules' result if it has some, else the answer
    // without its template tokens (an answer of template tokens only has no words: "").
    if has_words(&text) {
        text
    } else if has_words(&stripped) {
        stripped
    } else {
        remove_template_tokens(raw).trim().to_string()
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    const PIECES: &[&str] = &[
        "<|im_start|>",
        "assistant",
        "<|im_end|>",
        "Caption:",
        "Here is your caption:",
        "\"",
        "**",
        "# ",
        "- ",
        "1. ",
        "#sunset",
        "#Sunset",
        "Golden hour.",
        "golden hour!",
        "and",
        "the",
        "🌅",
        "\n",
        "\n\n",
        "  ",
        "example.com",
        "夕焼け。",
        "word",
    ];

    proptest! {
        #[test]
        fn output_with_words_never_cleans_to_nothing(pieces in prop::collection::vec(prop::sample::select(PIECES), 0..30)) {
            let raw = pieces.concat();
            let cleaned = clean(&raw);
            if has_words(&remove_template_tokens(&raw)) {
                prop_assert!(cleaned.chars().any(char::is_alphanumeric), "{raw:?} -> {cleaned:?}");
            }
            prop_assert!(!cleaned.contains("<|im_"), "{raw:?} -> {cleaned:?}");
            prop_assert_eq!(cleaned.trim(), cleaned.as_str());
        }
    }

    #[test]
    fn chat_artefacts_go() {
        assert_eq!(
            clean("<|im_start|>assistant\nSunset at the pier.<|im_end|>\n<|im_start|>user\nmore"),
            "Sunset at the pier."
        );
        assert_eq!(clean("assistant: Sunset at the pier.<|endoftext|>junk"), "Sunset at the pier.");
        assert_eq!(clean("<|im_end|>Sunset at the pier."), "Sunset at the pier.");
        assert_eq!(clean("Caption: Sunset at the pier. 🌅"), "Sunset at the pier. 🌅");
        assert_eq!(clean("**Caption for Instagram:** Sunset at the pier."), "Sunset at the pier.");
        assert_eq!(clean("<|start_header_id|>assistant<|end_header_id|>\n\nHello there.<|eot_id|>"), "Hello there.");
        assert_eq!(strip_artifacts("Note: keep this.<|foo_bar|>"), "Note: keep this.");
    }

    #[test]
    fn preambles_quotes_and_markdown_go() {
        assert_eq!(clean("Sure! Here is your caption:\n\n\"Golden hour at the pier.\""), "Golden hour at the pier.");
        assert_eq!(clean("“Golden hour at the pier.”"), "Golden hour at the pier.");
        assert_eq!(clean("# Golden hour\n\n- **Bold** light.\n- Warm sky."), "Golden hour\n\nBold light.\nWarm sky.");
        assert_eq!(clean("1. First light.\n2) Second light."), "First light.\nSecond light.");
        // A hashtag at a line start is no heading.
        assert_eq!(clean("#sunset #pier"), "#sunset #pier");
        // Quotes inside the text stay.
        assert_eq!(clean("She said \"wow\" at the pier."), "She said \"wow\" at the pier.");
    }

    #[test]
    fn whitespace_collapses() {
        assert_eq!(
            clean("  Golden   hour\t at the pier.  \n\n\n\nSecond   paragraph.  "),
            "Golden hour at the pier.\n\nSecond paragraph."
        );
    }

    #[test]
    fn repetition_goes() {
        assert_eq!(
            clean("Golden hour at the pier. What a view! golden hour at the pier! What a view."),
            "Golden hour at the pier. What a view!"
        );
        assert_eq!(clean("Pier vibes. #Sunset #pier #sunset #PIER #beach"), "Pier vibes. #Sunset #pier #beach");
        assert_eq!(clean("夕焼けがきれい。港は静か。夕焼けがきれい。"), "夕焼けがきれい。港は静か。");
    }

    #[test]
    fn a_cut_tail_goes_unless_it_ends_with_tags_or_emoji() {
        assert_eq!(clean("Golden hour at the pier. The boats came home and"), "Golden hour at the pier.");
        assert_eq!(
            clean("Golden hour at the pier. Boats coming home 🌅"),
            "Golden hour at the pier. Boats coming home 🌅"
        );
        assert_eq!(clean("Golden hour at the pier. #sunset #pier"), "Golden hour at the pier. #sunset #pier");
        assert_eq!(
            clean("Golden hour at the pier. More at example.com/pier"),
            "Golden hour at the pier. More at example.com/pier"
        );
        // No earlier complete sentence: kept.
        assert_eq!(clean("Golden hour at the pier"), "Golden hour at the pier");
        // A closing line of its own is no cut sentence; one ending on "and" is.
        assert_eq!(clean("Golden hour at the pier.\nLink in bio"), "Golden hour at the pier.\nLink in bio");
        assert_eq!(clean("Golden hour at the pier.\n\nTomorrow we go back and"), "Golden hour at the pier.");
        assert_eq!(clean("Golden hour at the pier. AI: the future"), "Golden hour at the pier.");
    }

    #[test]
    fn never_empty_when_the_input_had_words() {
        assert_eq!(clean("Caption:"), "Caption:");
        assert_eq!(clean("\"\""), "\"\"");
        assert_eq!(clean("   "), "");
        assert_eq!(clean("<|im_end|>"), "");
        assert_eq!(clean("Here is your caption:"), "Here is your caption:");
        // A line ending in ":" later in a caption is content, not a preamble.
        assert_eq!(
            clean("Packing day!\nHere's what's in my bag:\n- camera\n- snacks"),
            "Packing day!\nHere's what's in my bag:\ncamera\nsnacks"
        );
        assert_eq!(clean("AI: the future of work."), "AI: the future of work.");
    }
}
