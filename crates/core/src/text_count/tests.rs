use std::collections::HashSet;

use proptest::prelude::*;

use super::*;
use crate::presets::platforms;

fn x(text: &str) -> usize {
    count(text, TextCounting::Twitter)
}

fn platform(id: &str) -> &'static Platform {
    platforms().iter().find(|p| p.id == id).unwrap_or_else(|| panic!("platform {id}"))
}

// ---- twitter-text weighting (cases from twitter-text's conformance suite, validate.yml) ----

#[test]
fn ascii_counts_one_and_280_fit() {
    assert_eq!(x("This is a test."), 15);
    let text = "a".repeat(280);
    assert_eq!(x(&text), 280);
    assert!(x(&text) <= platform("x").text_limit as usize);
    assert_eq!(x(&"a".repeat(281)), 281);
    let long = "285 chars-".to_string() + &"xxxxxxxxxx-".repeat(25);
    assert_eq!(x(&long), 285);
}

#[test]
fn cjk_counts_two() {
    assert_eq!(x(&"の".repeat(140)), 280);
    assert_eq!(x(&"の".repeat(141)), 282);
    assert!(x(&"の".repeat(141)) > platform("x").text_limit as usize);
    // Hangul is outside the light ranges too.
    assert_eq!(x("저찀쯿쿿"), 8);
    let poem = "故人西辞黄鹤楼，烟花三月下扬州。孤帆远影碧空尽，唯见长江天际流。朱雀桥边野草花，乌衣巷口夕阳斜。旧时王谢堂前燕，飞入寻常百姓家。朝辞白帝彩云间，千里江陵一日还。两岸猿声啼不住，轻舟已过万重山。泪湿罗巾梦不成，夜深前殿按歌声。红颜未老恩先断，斜倚薰笼坐到明。独在异乡为异客，每逢佳节倍思亲。遥知兄弟登高处，遍插茱萸少一人。";
    assert_eq!(x(poem), 320);
    assert_eq!(x(&format!("the{poem}")), 323);
}

#[test]
fn emoji_sequences_count_two() {
    let family = "\u{1F468}\u{200D}\u{1F469}\u{200D}\u{1F467}\u{200D}\u{1F466}";
    assert_eq!(x(family), 2);
    assert_eq!(x(&family.repeat(140)), 280);
    assert_eq!(x("😷👾😡🔥💩"), 10);
    assert_eq!(x("🙋🏽👨\u{200D}🎤"), 4);
    assert_eq!(x("H🐱☺"), 5);
    assert_eq!(x("Unicode 9.0 emoji: 🤠; 💃; 💃🏾"), 29);
    let england = "🏴\u{E0067}\u{E0062}\u{E0065}\u{E006E}\u{E0067}\u{E007F}";
    assert_eq!(x(&format!("Unicode 10.0 emoji: 🤪; 🧕; 🧕🏾; {england}")), 34);
    assert_eq!(x("🇯🇵"), 2, "flag");
    assert_eq!(x("#\u{FE0F}\u{20E3}"), 2, "keycap");
    assert_eq!(x("1\u{20E3}"), 2, "keycap without VS16");
    assert_eq!(x("👍🏽"), 2, "skin tone");
    assert_eq!(x("❤\u{FE0F}"), 2, "text-default symbol shown as emoji");
    // Text-default symbols alone are characters: © weighs 1, followed by VS16 it is an emoji.
    assert_eq!(x("©"), 1);
    assert_eq!(x("©\u{FE0F}"), 2);
    assert_eq!(x("#1"), 2);
    // VS15 asks for text presentation: the symbol and the selector weigh 2 each.
    assert_eq!(x("☺\u{FE0E}"), 4);
    assert_eq!(x("😀\u{FE0E}"), 4);
}

#[test]
fn urls_count_23() {
    assert_eq!(x("http://test.com"), 23);
    assert_eq!(x("https://test.com"), 23);
    assert_eq!(x("test.com"), 23);
    assert_eq!(x("Test https://test.com test https://test.com test.com test"), 86);
    assert_eq!(x(&"https://www.twitter.com/aloha ".repeat(10)), 240);
    let long = format!("https://example.com/{}", "a".repeat(500));
    assert_eq!(x(&long), 23);
    // A 64-character label is no domain: counted as characters.
    assert_eq!(x("randomurlrandomurlrandomurlrandomurlrandomurlrandomurlrandomurls.com"), 68);
    // Directional marks weigh 2, the IDN URL 23.
    assert_eq!(x("\u{2066}\u{202A}http://foobar.پاکستان/\u{202C}\u{2069}"), 31);
}

#[test]
fn idn_labels_are_limited_to_63_punycode_characters() {
    let cjk = "あいうえおかきくけこ".repeat(12);
    let valid = format!("{cjk} http://{}あい.com", "あいうえおかきくけこ".repeat(5));
    assert_eq!(x(&valid), 264);
    let invalid = format!("{cjk} http://{}あいう.com", "あいうえおかきくけこ".repeat(5));
    assert_eq!(x(&invalid), 358);
}

#[test]
fn normalization_and_weights() {
    assert_eq!(x("A\u{301}B"), 2, "NFC composes A + acute into one character");
    assert_eq!(x("A\u{FB2C}"), 4, "U+FB2C decomposes into three Hebrew characters");
    assert_eq!(x("ABC\u{202A}\u{FFFF}ABC\u{FFFE}"), 12);
    assert_eq!(x("\u{2000}\u{200D}\u{2010}\u{201F}\u{2032}\u{2037}"), 6);
    assert_eq!(x("\u{2020}\u{2038}"), 4);
    assert_eq!(x("ÁB"), 2);
    assert_eq!(x("   \n "), 0, "blank text counts 0, as twitter-text trims");
    assert_eq!(x(""), 0);
}

#[test]
fn chars_and_graphemes() {
    let family = "\u{1F468}\u{200D}\u{1F469}\u{200D}\u{1F467}";
    assert_eq!(count(family, TextCounting::Chars), 5);
    assert_eq!(count(family, TextCounting::Graphemes), 1);
    assert_eq!(count("e\u{301}🇯🇵", TextCounting::Graphemes), 2);
    assert_eq!(count("e\u{301}🇯🇵", TextCounting::Chars), 4);
    assert_eq!(count_for("ab", platform("bluesky")), 2);
}

// ---- sentences ----

#[test]
fn sentences_respect_abbreviations_urls_and_cjk() {
    let text =
        "Dr. Smith met J. K. Rowling at 3.5 p.m. today. See example.com/a.b now! Wait... what? \"Done.\" 終わり。次";
    assert_eq!(
        split_sentences(text),
        [
            "Dr. Smith met J. K. Rowling at 3.5 p.m. today.",
            "See example.com/a.b now!",
            "Wait... what?",
            "\"Done.\"",
            "終わり。",
            "次"
        ]
    );
    assert_eq!(split_sentences("line one\nline two"), ["line one", "line two"]);
    assert_eq!(split_sentences("「終わり。」次。一！...é"), ["「終わり。」", "次。", "一！...é"]);
    assert!(split_sentences("  \n ").is_empty());
}

// ---- hashtags ----

#[test]
fn hashtags_are_extracted_like_twitter_text() {
    let text = "Love #Rust and #rustlang! #2024 no, a#b no, #日本語 yes, #1st, &#39; no, https://x.com/#frag no, #\u{FE0F}\u{20E3} no, (#café)";
    assert_eq!(extract_hashtags(text), ["#Rust", "#rustlang", "#日本語", "#1st", "#café"]);
}

#[test]
fn hashtags_normalize_and_dedupe() {
    assert_eq!(normalize_hashtag("#self-care").as_deref(), Some("#selfcare"));
    assert_eq!(normalize_hashtag("  ##Rust ").as_deref(), Some("#Rust"));
    assert_eq!(normalize_hashtag("＃東京").as_deref(), Some("#東京"));
    assert_eq!(normalize_hashtag("travel_tips").as_deref(), Some("#travel_tips"));
    assert_eq!(normalize_hashtag("#2024"), None);
    assert_eq!(normalize_hashtag("#"), None);
    assert_eq!(normalize_hashtag("🔥"), None);
    assert_eq!(hashtag_key("#Café"), hashtag_key("#cafe\u{301}"));
    assert_eq!(dedupe_hashtags(["#Rust", "rust", "#RUST", "#go", "#2024", "#zig", "#c"], 3), ["#Rust", "#go", "#zig"]);
    assert!(dedupe_hashtags(["#a"], 0).is_empty());
}

// ---- fit ----

#[test]
fn text_that_fits_is_untouched() {
    let fitted = fit("Short and sweet.", platform("x"));
    assert_eq!(fitted, Fitted { text: "Short and sweet.".into(), count: 16, limit: 280, trimmed: false });
}

#[test]
fn fit_prefers_a_sentence_end() {
    let first = "The sunrise over the bay was the best thing I saw all year.";
    let text = format!("{first} {}", "More words follow here and there ".repeat(12));
    let fitted = fit(&text, platform("x"));
    assert!(fitted.trimmed);
    assert!(fitted.count <= 280);
    // The sentence keeps less than half of what words keep: cut at a word.
    assert!(fitted.text.len() > first.len());
    assert!(!fitted.text.ends_with(' '));

    let second = "Second sentence is here and it is long enough to matter a lot for this.";
    let text = format!("{first} {second} {second} {second} {}", "word ".repeat(100));
    let fitted = fit(&text, platform("x"));
    assert_eq!(fitted.text, format!("{first} {second} {second}"));
}

#[test]
fn fit_cuts_at_words_and_strips_dangling_punctuation() {
    let text = format!("{}tail, - more", "word ".repeat(54));
    // 54 * 5 = 270 characters of "word ", then "tail," would end at 275.
    let fitted = fit_to(&text, TextCounting::Chars, 276);
    assert_eq!(fitted.text, format!("{}tail", "word ".repeat(54)));
    let fitted = fit_to("alpha beta, gamma delta", TextCounting::Chars, 16);
    assert_eq!(fitted.text, "alpha beta");
    let fitted = fit_to("alpha beta - gamma delta", TextCounting::Chars, 14);
    assert_eq!(fitted.text, "alpha beta");
}

#[test]
fn fit_never_cuts_urls_or_hashtags() {
    let text = format!("{} https://example.com/{} end", "word ".repeat(10), "p".repeat(300));
    // On Bluesky the URL counts by its graphemes: it cannot fit, the words before it do.
    let fitted = fit(&text, platform("bluesky"));
    assert_eq!(fitted.text, "word ".repeat(10).trim_end());
    // On X it counts 23 and stays whole.
    let fitted = fit(&format!("{text} {}", "more ".repeat(60)), platform("x"));
    assert!(fitted.text.contains(&format!("https://example.com/{}", "p".repeat(300))));
    let tag = format!("#{}", "日本".repeat(10));
    let fitted = fit_to(&format!("今日は {tag} です"), TextCounting::Chars, 15);
    assert_eq!(fitted.text, "今日は");
}

#[test]
fn fit_cuts_cjk_between_characters() {
    let text = "故人西辞黄鹤楼，烟花三月下扬州。孤帆远影碧空尽，唯见长江天际流。".repeat(6);
    let fitted = fit(&text, platform("x"));
    assert!(fitted.count <= 280);
    assert!(fitted.text.ends_with('。'), "{}", fitted.text);
    let text = "あ".repeat(200);
    let fitted = fit(&text, platform("x"));
    assert_eq!(fitted.text, "あ".repeat(140));
}

#[test]
fn fit_falls_back_to_an_ellipsis() {
    let word = "a".repeat(400);
    let fitted = fit(&word, platform("bluesky"));
    assert_eq!(fitted.text, format!("{}…", "a".repeat(299)));
    assert_eq!(fitted.count, 300);
    assert!(fit_to("abc", TextCounting::Chars, 0).text.is_empty());
}

#[test]
fn fit_keeps_emoji_whole() {
    let family = "\u{1F468}\u{200D}\u{1F469}\u{200D}\u{1F467}\u{200D}\u{1F466}";
    let fitted = fit(&family.repeat(200), platform("x"));
    assert_eq!(fitted.text, family.repeat(140));
    let fitted = fit(&family.repeat(400), platform("bluesky"));
    assert_eq!(fitted.text, family.repeat(300));
}

// ---- properties ----

const EMOJI: &[&str] = &[
    "😀",
    "🔥",
    "👍🏽",
    "🇯🇵",
    "🇺🇦",
    "#\u{FE0F}\u{20E3}",
    "❤\u{FE0F}",
    "\u{1F468}\u{200D}\u{1F469}\u{200D}\u{1F467}\u{200D}\u{1F466}",
    "🏴\u{E0067}\u{E0062}\u{E0073}\u{E0063}\u{E0074}\u{E007F}",
    "🧑🏾\u{200D}🚀",
    "©",
];

const URLS: &[&str] = &[
    "https://example.com/a/b?c=d&e=f",
    "example.org",
    "www.test.co.uk/path_(x)",
    "http://☃.net/",
    "HTTP://EXAMPLE.COM",
    "t.co/abc",
];

fn token() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => "[a-zA-Zéü]{1,12}",
        2 => "[a-z]{1,8}[,.!?;:]",
        1 => "[a-z]{1,6}-[a-z]{1,6}",
        2 => prop::sample::select(URLS).prop_map(String::from),
        1 => "#[a-zA-Z_]{1,10}",
        1 => "@[a-z_]{1,8}",
        3 => prop::sample::select(EMOJI).prop_map(String::from),
        3 => "[\u{4E00}-\u{4FFF}\u{3041}-\u{3096}]{1,24}[。！、]?",
        1 => "[\u{0627}-\u{064A}]{1,6}",
        1 => prop::sample::select(&[" - ", "\n", "\n\n", "...", "\"Quote.\"", "e\u{301}", "\r\n"][..]).prop_map(String::from),
        1 => "[a-z]{150,400}",
    ]
}

/// A seed text of one of four kinds: mixed, emoji-heavy, CJK without spaces, URL-heavy.
fn seed_text() -> impl Strategy<Value = String> {
    let mixed = (prop::collection::vec(token(), 1..40), prop::sample::select(&[" ", " ", "", "  "][..]))
        .prop_map(|(tokens, separator)| tokens.join(separator));
    let emoji = prop::collection::vec(
        prop_oneof![4 => prop::sample::select(EMOJI).prop_map(String::from), 1 => "[a-z]{1,8}"],
        1..60,
    )
    .prop_map(|tokens| tokens.join(""));
    let cjk = prop::collection::vec("[\u{4E00}-\u{4FFF}\u{3041}-\u{3096}]{1,30}[。！、]?", 1..20)
        .prop_map(|tokens| tokens.concat());
    let urls = prop::collection::vec(
        prop_oneof![2 => prop::sample::select(URLS).prop_map(String::from), 1 => "[a-z]{1,10}[.,]?"],
        1..30,
    )
    .prop_map(|tokens| tokens.join(" "));
    prop_oneof![mixed, emoji, cjk, urls]
}

/// `seed` repeated until it is about `target` characters long.
fn grow(seed: &str, target: usize) -> String {
    let seed_chars = seed.chars().count().max(1);
    let mut out = String::new();
    let mut chars = 0;
    while chars < target.max(1) {
        out.push_str(seed);
        out.push(' ');
        chars += seed_chars + 1;
    }
    out
}

fn check_fit(text: &str, platform: &Platform) -> Result<(), TestCaseError> {
    let limit = platform.text_limit as usize;
    let fitted = fit(text, platform);
    prop_assert!(fitted.count <= limit, "{}: {} > {limit}", platform.id, fitted.count);
    prop_assert_eq!(fitted.count, count_for(&fitted.text, platform));
    prop_assert_eq!(fitted.limit, limit);
    if !fitted.trimmed {
        prop_assert_eq!(&fitted.text, text);
        prop_assert!(count_for(text, platform) <= limit);
        return Ok(());
    }
    prop_assert!(!fitted.text.is_empty());
    let boundaries: HashSet<usize> =
        text.grapheme_indices(true).map(|(i, _)| i).chain(std::iter::once(text.len())).collect();
    if !text.starts_with(&fitted.text) {
        // The last resort: a grapheme cut with an ellipsis, only when no word boundary fits.
        let head = fitted.text.strip_suffix(ELLIPSIS);
        prop_assert!(head.is_some(), "{}: not a prefix and no ellipsis: {:?}", platform.id, fitted.text);
        let head = head.unwrap_or_default();
        prop_assert!(text.starts_with(head));
        prop_assert!(boundaries.contains(&head.len()), "ellipsis cut splits a grapheme");
        return Ok(());
    }
    let cut = fitted.text.len();
    prop_assert!(boundaries.contains(&cut), "{}: cut at {cut} splits a grapheme", platform.id);
    prop_assert!(
        !url_ranges(text).iter().any(|r| r.start < cut && cut < r.end),
        "{}: cut at {cut} inside a URL",
        platform.id
    );
    prop_assert!(
        !hashtag_ranges(text).iter().any(|r| r.start < cut && cut < r.end),
        "{}: cut at {cut} inside a hashtag",
        platform.id
    );
    let rest = &text[cut..];
    let last = fitted.text.graphemes(true).next_back().map(class_of);
    let next = rest.graphemes(true).next().map(class_of);
    let at_word_boundary = rest.starts_with(|c: char| c.is_whitespace() || is_dangling(c))
        || matches!(last, Some(Class::Unspaced | Class::Emoji))
        || matches!(next, Some(Class::Unspaced | Class::Emoji));
    prop_assert!(at_word_boundary, "{}: cut mid-word: ...{:?} | {:?}...", platform.id, fitted.text, rest);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn fit_stays_within_every_platform_limit_at_word_boundaries(seed in seed_text(), factor in 0.3f64..2.5) {
        for platform in platforms() {
            let target = (platform.text_limit as f64 * factor) as usize;
            // The biggest limits get a text just over or under them, not many times them.
            let text = grow(&seed, target.min(platform.text_limit as usize + 2_000));
            check_fit(&text, platform)?;
        }
    }

    #[test]
    fn plain_text_weighs_one_or_two_per_code_point(text in "\\PC{0,200}") {
        let normalized: String = text.nfc().collect();
        let plain = url_ranges(&normalized).is_empty()
            && !normalized.graphemes(true).any(is_emoji_grapheme)
            && !text.chars().all(|c| c <= ' ');
        if plain {
            let expected = normalized.chars().map(char_weight).sum::<usize>() / TWITTER_SCALE;
            prop_assert_eq!(x(&text), expected);
        }
    }
}
