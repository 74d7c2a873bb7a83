//! A long draft split into a thread of posts that each fit the platform.
//!
//! Splitting follows the text's own structure, coarsest first: a paragraph that fits the room
//! left in the current post joins it, one that fits a post of its own starts the next post, and
//! only a paragraph too long for any post is split into its lines, then sentences, then words
//! (the same rule at each level). A word longer than a whole post (a pasted hash, a 400-letter
//! URL on a grapheme-counting platform) is the one thing cut inside, at grapheme boundaries.
//!
//! Nothing is lost or reordered: the words of the posts, numbering aside, are the words of the
//! draft in order (property-tested). Only whitespace between the pieces changes: paragraphs
//! inside a post stay separated by a blank line, lines by a line break, the rest by a space.
//!
//! Numbering (` 1/3`) is optional and counted in the limit: room for the widest suffix is kept
//! in every post. A draft that fits one post comes back as that one post, unnumbered.

use postcraft_core::presets::{Platform, TextCounting};
use postcraft_core::text_count::{count, graphemes, split_sentences};

/// Splits `text` into posts for `platform`. See the module docs.
pub fn split_thread(text: &str, platform: &Platform, numbering: bool) -> Vec<String> {
    split_thread_to(text, platform.text_counting, platform.text_limit as usize, numbering)
}

/// Splits `text` into posts of at most `limit` as counted with `counting`, each ending with
/// ` i/n` when `numbering` and there is more than one post.
pub fn split_thread_to(text: &str, counting: TextCounting, limit: usize, numbering: bool) -> Vec<String> {
    let text = text.trim();
    if text.is_empty() {
        return Vec::new();
    }
    if count(text, counting) <= limit {
        return vec![text.to_string()];
    }
    if !numbering {
        return pack(text, counting, limit);
    }
    // Reserve room for the widest suffix: " 9/9", then " 99/99" if that made more than 9 posts.
    let mut width = 1u32;
    loop {
        let widest = 10usize.pow(width) - 1;
        let reserve = format!(" {widest}/{widest}").len();
        if reserve >= limit {
            return pack(text, counting, limit);
        }
        let parts = pack(text, counting, limit - reserve);
        if parts.len() == 1 {
            // Packing tidied the whitespace and the draft became one post: no number.
            return pack(text, counting, limit);
        }
        if parts.len() <= widest || width >= 6 {
            let total = parts.len();
            return parts.into_iter().enumerate().map(|(i, part)| format!("{part} {}/{total}", i + 1)).collect();
        }
        width += 1;
    }
}

/// Greedy packing into posts of at most `budget`, exact counts checked at the end: should a
/// post's real count exceed its estimate (counts are additive across the whitespace between
/// pieces for every counting rule, so this is a guard), the text is packed again counting every
/// candidate post whole.
fn pack(text: &str, counting: TextCounting, budget: usize) -> Vec<String> {
    let posts = Packer::new(counting, budget, false).run(text);
    if posts.iter().all(|post| count(post, counting) <= budget) {
        return posts;
    }
    Packer::new(counting, budget, true).run(text)
}

#[derive(Debug)]
struct Packer {
    counting: TextCounting,
    budget: usize,
    /// Count every candidate post whole instead of adding the pieces' counts.
    exact: bool,
    posts: Vec<String>,
    current: String,
    current_count: usize,
}

impl Packer {
    fn new(counting: TextCounting, budget: usize, exact: bool) -> Self {
        Self { counting, budget, exact, posts: Vec::new(), current: String::new(), current_count: 0 }
    }

    fn run(mut self, text: &str) -> Vec<String> {
        for paragraph in paragraphs(text) {
            self.paragraph(paragraph);
        }
        self.flush();
        self.posts
    }

    fn count(&self, text: &str) -> usize {
        count(text, self.counting)
    }

    /// Whether `piece` fits after the current post's text with `separator` between.
    fn fits_after(&self, separator: &str, piece: &str) -> bool {
        if self.current.is_empty() {
            return self.count(piece) <= self.budget;
        }
        let total = if self.exact {
            self.count(&format!("{}{separator}{piece}", self.current))
        } else {
            // Every separator is ASCII whitespace: one character in every counting rule.
            self.current_count + separator.chars().count() + self.count(piece)
        };
        total <= self.budget
    }

    fn append(&mut self, separator: &str, piece: &str) {
        if self.current.is_empty() {
            self.current = piece.to_string();
            self.current_count = self.count(piece);
        } else {
            self.current_count += separator.chars().count() + self.count(piece);
            self.current.push_str(separator);
            self.current.push_str(piece);
            if self.exact {
                self.current_count = self.count(&self.current);
            }
        }
    }

    fn flush(&mut self) {
        if !self.current.is_empty() {
            self.posts.push(std::mem::take(&mut self.current));
            self.current_count = 0;
        }
    }

    /// Puts `piece` in the current post if it fits, else in a new post if it fits one; `false`
    /// when it fits no post and must be split.
    fn place(&mut self, separator: &str, piece: &str) -> bool {
        if self.fits_after(separator, piece) {
            self.append(separator, piece);
            return true;
        }
        if self.count(piece) <= self.budget {
            self.flush();
            self.append(separator, piece);
            return true;
        }
        false
    }

    fn paragraph(&mut self, paragraph: &str) {
        if self.place("\n\n", paragraph) {
            return;
        }
        for (i, line) in paragraph.lines().map(str::trim).filter(|l| !l.is_empty()).enumerate() {
            self.line(if i == 0 { "\n\n" } else { "\n" }, line);
        }
    }

    fn line(&mut self, separator: &str, line: &str) {
        if self.place(separator, line) {
            return;
        }
        let mut previous_end = None;
        for sentence in split_sentences(line) {
            // `split_sentences` gives slices of `line`: where this one starts in it.
            let start = sentence.as_ptr() as usize - line.as_ptr() as usize;
            let separator = match previous_end {
                None => separator,
                // Full-width stops end a sentence without a space after them: add none.
                Some(end) if !line[end..start].contains(char::is_whitespace) => "",
                Some(_) => " ",
            };
            self.sentence(separator, sentence);
            previous_end = Some(start + sentence.len());
        }
    }

    fn sentence(&mut self, separator: &str, sentence: &str) {
        if self.place(separator, sentence) {
            return;
        }
        for (i, word) in sentence.split_whitespace().enumerate() {
            let separator = if i == 0 { separator } else { " " };
            if !self.place(separator, word) {
                self.long_word(word);
            }
        }
    }

    /// A word longer than a post: whole posts of its graphemes.
    fn long_word(&mut self, word: &str) {
        self.flush();
        let mut rest = word;
        while !rest.is_empty() {
            let take = self.longest_prefix(rest);
            self.append("", &rest[..take]);
            self.flush();
            rest = &rest[take..];
        }
    }

    /// Bytes of the longest grapheme-aligned prefix of `text` within the budget (at least one
    /// grapheme, so that splitting always progresses). Every grapheme counts at least 1, so
    /// only the first `budget` graphemes need trying.
    fn longest_prefix(&self, text: &str) -> usize {
        let mut ends = Vec::new();
        let mut end = 0;
        for grapheme in graphemes(text).take(self.budget.max(1)) {
            end += grapheme.len();
            ends.push(end);
        }
        let fitting = ends.partition_point(|&end| self.count(&text[..end]) <= self.budget);
        ends.get(fitting.saturating_sub(1)).copied().unwrap_or(text.len())
    }
}

/// Paragraphs: text between blank lines, trimmed, non-empty.
fn paragraphs(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut offset = 0;
    let mut blank_run = false;
    for line in text.split_inclusive('\n') {
        let is_blank = line.trim().is_empty();
        if is_blank && !blank_run {
            let paragraph = text[start..offset].trim();
            if !paragraph.is_empty() {
                out.push(paragraph);
            }
        }
        if !is_blank && blank_run {
            start = offset;
        }
        blank_run = is_blank;
        offset += line.len();
    }
    if !blank_run {
        let paragraph = text[start..].trim();
        if !paragraph.is_empty() {
            out.push(paragraph);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use postcraft_core::presets::platforms;
    use proptest::prelude::*;

    use super::*;

    fn platform(id: &str) -> &'static Platform {
        platforms().iter().find(|p| p.id == id).unwrap_or_else(|| panic!("platform {id}"))
    }

    fn words(text: &str) -> Vec<&str> {
        text.split_whitespace().collect()
    }

    /// The posts without their ` i/n` suffixes.
    fn unnumbered(posts: &[String]) -> Vec<&str> {
        let total = posts.len();
        posts
            .iter()
            .enumerate()
            .map(|(i, post)| post.strip_suffix(&format!(" {}/{total}", i + 1)).unwrap_or(post))
            .collect()
    }

    #[test]
    fn a_short_draft_is_one_unnumbered_post() {
        assert_eq!(split_thread("  Just one post.  ", platform("x"), true), ["Just one post."]);
        assert!(split_thread(" \n ", platform("x"), true).is_empty());
    }

    #[test]
    fn paragraphs_stay_whole_when_they_fit() {
        let a = "First paragraph. ".repeat(10);
        let b = "Second paragraph here. ".repeat(5);
        let c = "Third one. ".repeat(3);
        let text = format!("{}\n\n{}\n\n\n{}", a.trim(), b.trim(), c.trim());
        let posts = split_thread(&text, platform("x"), false);
        assert_eq!(posts, [a.trim().to_string(), format!("{}\n\n{}", b.trim(), c.trim())]);
    }

    #[test]
    fn long_paragraphs_split_at_sentences_then_words() {
        let sentence = "This sentence has exactly eight words in it.";
        let text = vec![sentence; 20].join(" ");
        let posts = split_thread(&text, platform("x"), false);
        assert!(posts.len() > 1);
        for post in &posts {
            assert!(count(post, TextCounting::Twitter) <= 280);
            assert!(post.ends_with('.'), "{post}");
        }
        let one_long_sentence = "word ".repeat(200);
        let posts = split_thread(&one_long_sentence, platform("bluesky"), false);
        assert_eq!(posts.len(), 4);
        assert!(posts.iter().all(|p| p.chars().count() <= 300));
    }

    #[test]
    fn numbering_is_counted_in_the_limit() {
        let text = "Counting matters on every platform. ".repeat(40);
        let posts = split_thread(&text, platform("x"), true);
        let total = posts.len();
        assert!(total > 1);
        for (i, post) in posts.iter().enumerate() {
            assert!(post.ends_with(&format!(" {}/{total}", i + 1)), "{post}");
            assert!(count(post, TextCounting::Twitter) <= 280);
        }
        let joined = unnumbered(&posts).join(" ");
        assert_eq!(words(&joined), words(&text));
        // More than nine posts: the suffix room grows to two digits.
        let text = "A sentence of some length to fill the posts. ".repeat(120);
        let posts = split_thread_to(&text, TextCounting::Chars, 100, true);
        assert!(posts.len() > 9);
        assert!(posts.iter().all(|p| p.chars().count() <= 100));
    }

    #[test]
    fn a_word_longer_than_a_post_is_cut_at_graphemes() {
        let family = "\u{1F468}\u{200D}\u{1F469}\u{200D}\u{1F467}";
        let word = family.repeat(350);
        let posts = split_thread(&format!("intro {word} outro"), platform("bluesky"), false);
        assert_eq!(posts.len(), 4);
        assert_eq!(posts[0], "intro");
        assert_eq!(posts[1], family.repeat(300));
        assert_eq!(posts[2], family.repeat(50));
        assert_eq!(posts[3], "outro");
    }

    const TOKENS: &[&str] = &[
        "sunset",
        "the",
        "a",
        "pier",
        "golden",
        "hour.",
        "boats!",
        "why?",
        "example.com/a",
        "#beach",
        "@me",
        "🌅",
        "👍🏽",
        "東京の夜。",
        "naïve",
        "e\u{301}",
        "—",
        "\n",
        "\n\n",
        "...",
    ];

    fn draft() -> impl Strategy<Value = String> {
        prop::collection::vec(
            prop_oneof![
                8 => prop::sample::select(TOKENS).prop_map(String::from),
                2 => "[a-zA-Z]{1,15}[.,!?]?",
                1 => "[\u{4E00}-\u{4FFF}]{1,30}[。]?",
            ],
            0..400,
        )
        .prop_map(|tokens| tokens.join(" "))
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

        #[test]
        fn posts_fit_and_no_word_is_lost(text in draft(), numbering in any::<bool>()) {
            for platform in platforms() {
                let limit = (platform.text_limit as usize).min(500);
                let posts = split_thread_to(&text, platform.text_counting, limit, numbering);
                for post in &posts {
                    prop_assert!(count(post, platform.text_counting) <= limit, "{}: {post:?}", platform.id);
                    prop_assert!(!post.trim().is_empty());
                }
                let parts = if numbering && posts.len() > 1 { unnumbered(&posts) } else { posts.iter().map(String::as_str).collect() };
                let joined = parts.join(" ");
                prop_assert_eq!(words(&joined), words(&text), "{}", platform.id);
            }
        }

        #[test]
        fn words_longer_than_a_post_keep_their_characters(
            words_in in prop::collection::vec("[a-z]{1,400}", 1..20),
            numbering in any::<bool>(),
        ) {
            let text = words_in.join(" ");
            let posts = split_thread_to(&text, TextCounting::Graphemes, 120, numbering);
            let parts = if numbering && posts.len() > 1 { unnumbered(&posts) } else { posts.iter().map(String::as_str).collect() };
            prop_assert!(posts.iter().all(|p| p.chars().count() <= 120));
            let joined: String = parts.concat().chars().filter(|c| !c.is_whitespace()).collect();
            let expected: String = text.chars().filter(|c| !c.is_whitespace()).collect();
            prop_assert_eq!(joined, expected);
        }
    }
}
