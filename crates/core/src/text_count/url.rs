//! URL detection as twitter-text does it, for X's counting (every URL counts as 23) and for
//! keeping cuts out of links.
//!
//! A faithful subset of twitter-text's `extractURLsWithIndices`, written by hand instead of its
//! generated regular expressions:
//!
//! - `http://` and `https://` URLs (scheme case-insensitive), and bare domains (`example.com`,
//!   `www.example.co.uk/path`);
//! - a URL may not follow an ASCII letter or digit, `@`, `$` or `#` (nor `-`, `_`, `.`, `/` for a
//!   bare domain), and its domain may not be followed by `@` (an e-mail address is no link);
//! - labels: letters and digits with inner hyphens, underscores only in subdomains, at most 63
//!   characters after punycode encoding (twitter-text's IDN check; a non-ASCII domain needs a
//!   scheme);
//! - top-level domains: with a scheme, any alphabetic TLD (ASCII or not) or `xn--` punycode; a
//!   bare domain needs a TLD of the built-in lists below (every ccTLD and about a hundred common
//!   gTLDs, where twitter-text knows all ~1,500), and a bare `name.cc` (one label before a
//!   country code) counts only with a path, except `.co` and `.tv`, as twitter-text does;
//! - port (`:8080`), then path, query and fragment with twitter-text's character set (ASCII,
//!   Latin accents, Cyrillic); trailing punctuation is not part of the URL, a closing parenthesis
//!   is when it balances one in the path.
//!
//! Not supported: user info (`user:pass@host`), IP-address hosts, `t.co`-specific rules, and
//! twitter-text's limit of 4,096 characters per URL. Those URLs count by their characters.

use std::ops::Range;

use unicode_properties::{GeneralCategoryGroup, UnicodeGeneralCategory};

/// The byte ranges of the URLs in `text`, in order, not overlapping.
pub fn url_ranges(text: &str) -> Vec<Range<usize>> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    let mut prev: Option<char> = None;
    while i < text.len() {
        if bytes[i].is_ascii_alphanumeric() {
            if let Some(range) = url_at(text, i, prev) {
                i = range.end;
                prev = text[..i].chars().next_back();
                out.push(range);
                continue;
            }
            // A URL never starts inside a word.
            while i < text.len() && bytes[i].is_ascii_alphanumeric() {
                i += 1;
            }
            prev = text[..i].chars().next_back();
            continue;
        }
        let Some(c) = text[i..].chars().next() else { break };
        prev = Some(c);
        i += c.len_utf8();
    }
    out
}

fn starts_with_ignore_case(text: &str, prefix: &str) -> bool {
    text.len() >= prefix.len()
        && text.as_bytes()[..prefix.len()].eq_ignore_ascii_case(prefix.as_bytes())
        && text.is_char_boundary(prefix.len())
}

fn url_at(text: &str, start: usize, prev: Option<char>) -> Option<Range<usize>> {
    let rest = &text[start..];
    let scheme_len = if starts_with_ignore_case(rest, "https://") {
        8
    } else if starts_with_ignore_case(rest, "http://") {
        7
    } else {
        0
    };
    let has_scheme = scheme_len > 0;
    if let Some(p) = prev {
        if p.is_ascii_alphanumeric() || matches!(p, '@' | '＠' | '$' | '#' | '＃') {
            return None;
        }
        if !has_scheme && matches!(p, '-' | '_' | '.' | '/') {
            return None;
        }
    }
    let host = parse_host(text, start + scheme_len, has_scheme)?;
    let mut end = host.end;
    // port
    if let Some(after) = text[end..].strip_prefix(':') {
        let digits = after.bytes().take_while(u8::is_ascii_digit).count();
        if digits > 0 {
            end += 1 + digits;
        }
    }
    let port_end = end;
    if matches!(text[end..].chars().next(), Some('/' | '?' | '#')) {
        end = parse_path(text, end);
    }
    // twitter-text's "invalid short domain": `name.cc` without a scheme or a path is no URL.
    if !has_scheme && host.labels == 2 && end == port_end && host.country_code && !host.special_short {
        return None;
    }
    Some(start..end)
}

struct Host {
    end: usize,
    labels: usize,
    country_code: bool,
    special_short: bool,
}

fn is_label_char(c: char, unicode: bool) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphanumeric() || c == '-' || c == '_';
    }
    // twitter-text's IDN labels: anything but spaces, punctuation, controls, directional marks
    // and invalid characters (so `☃.net` is a domain).
    unicode
        && !c.is_whitespace()
        && !c.is_control()
        && c.general_category_group() != GeneralCategoryGroup::Punctuation
        && !matches!(c, '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}' | '\u{FFFE}' | '\u{FFFF}')
}

fn parse_host(text: &str, start: usize, unicode: bool) -> Option<Host> {
    let mut labels: Vec<Range<usize>> = Vec::new();
    let mut pos = start;
    loop {
        let label_len: usize = text[pos..].chars().take_while(|&c| is_label_char(c, unicode)).map(char::len_utf8).sum();
        if label_len == 0 {
            break;
        }
        labels.push(pos..pos + label_len);
        pos += label_len;
        let mut after = text[pos..].chars();
        if after.next() == Some('.') && after.next().is_some_and(|c| is_label_char(c, unicode)) {
            pos += 1;
        } else {
            break;
        }
    }
    // The longest run of labels that makes a valid host (twitter-text's regex backtracks the same
    // way: `example.com.notatld` links `example.com`). Which leading labels are fine as inner
    // labels is found once, so trying every run stays linear in the labels (a long `a.a.a...`).
    let inner_ok = labels.iter().take_while(|label| label_ok(&text[(*label).clone()])).count();
    for n in (2..=labels.len()).rev() {
        // A TLD is letters (or `xn--` punycode): an IDN label read past it (`example.com😀`)
        // ends at its last letter or digit.
        let tld = labels[n - 1].clone();
        let tld_len: usize =
            text[tld.clone()].chars().take_while(|&c| c.is_alphanumeric() || c == '-').map(char::len_utf8).sum();
        let tld = tld.start..tld.start + tld_len;
        let end = tld.end;
        if n == labels.len() && text[end..].starts_with(['@', '＠']) {
            return None;
        }
        if inner_ok < n - 1 {
            continue;
        }
        if let Some((country_code, special_short)) = valid_host(text, &labels[n - 2], tld, unicode) {
            return Some(Host { end, labels: n, country_code, special_short });
        }
    }
    None
}

/// Whether a domain label is well formed: not empty, no hyphen at either end, at most 63
/// characters after punycode encoding.
fn label_ok(label: &str) -> bool {
    let encoded_len = if label.is_ascii() { Some(label.len()) } else { punycode_len(label) };
    !label.is_empty() && !label.starts_with('-') && !label.ends_with('-') && encoded_len.is_some_and(|len| len <= 63)
}

/// Whether a host whose labels before the TLD are well formed ([`label_ok`]) is valid, given its
/// second-level label and its TLD; if so, whether the TLD is a country code and one of the
/// short-domain exceptions (`co`, `tv`).
fn valid_host(text: &str, second: &Range<usize>, tld: Range<usize>, has_scheme: bool) -> Option<(bool, bool)> {
    // Underscores only in subdomains.
    if text[second.clone()].contains('_') || text[tld.clone()].contains('_') {
        return None;
    }
    if !label_ok(&text[tld.clone()]) {
        return None;
    }
    let tld = text[tld].to_lowercase();
    if let Some(puny) = tld.strip_prefix("xn--") {
        let ok = !puny.is_empty() && puny.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
        return ok.then_some((false, false));
    }
    if tld.is_ascii() {
        if !tld.bytes().all(|b| b.is_ascii_alphabetic()) {
            return None;
        }
        if COUNTRY_TLDS.contains(&tld.as_str()) {
            return Some((true, matches!(tld.as_str(), "co" | "tv")));
        }
        if GENERIC_TLDS.contains(&tld.as_str()) || (has_scheme && tld.len() >= 2) {
            return Some((false, false));
        }
        return None;
    }
    (has_scheme && tld.chars().all(char::is_alphabetic)).then_some((false, false))
}

fn is_latin_accent_or_cyrillic(c: char) -> bool {
    matches!(c,
        '\u{00C0}'..='\u{00D6}' | '\u{00D8}'..='\u{00F6}' | '\u{00F8}'..='\u{024F}'
        | '\u{0300}'..='\u{036F}' | '\u{1E00}'..='\u{1EFF}' | '\u{0400}'..='\u{04FF}')
}

fn is_path_char(c: char) -> bool {
    (c.is_ascii_graphic() && !matches!(c, '"' | '<' | '>' | '\\' | '^' | '`' | '{' | '}'))
        || is_latin_accent_or_cyrillic(c)
        || c == '\u{2013}'
}

fn is_path_end_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '=' | '_' | '#' | '/' | '-' | '+' | '&') || is_latin_accent_or_cyrillic(c)
}

fn parse_path(text: &str, start: usize) -> usize {
    let len: usize = text[start..].chars().take_while(|&c| is_path_char(c)).map(char::len_utf8).sum();
    let mut end = start + len;
    while let Some(last) = text[start..end].chars().next_back() {
        if is_path_end_char(last) {
            break;
        }
        if last == ')' {
            let path = &text[start..end];
            if path.matches('(').count() == path.matches(')').count() {
                break;
            }
        }
        end -= last.len_utf8();
    }
    end
}

/// Length of the punycode (RFC 3492) form of a label, `xn--` included; `None` on overflow.
fn punycode_len(label: &str) -> Option<usize> {
    const BASE: u32 = 36;
    const T_MIN: u32 = 1;
    const T_MAX: u32 = 26;
    let input: Vec<u32> = label.to_lowercase().chars().map(u32::from).collect();
    let basic = input.iter().filter(|&&c| c < 0x80).count();
    let mut out = basic + usize::from(basic > 0);
    let (mut n, mut delta, mut bias) = (0x80u32, 0u32, 72u32);
    let mut handled = basic;
    while handled < input.len() {
        let m = input.iter().copied().filter(|&c| c >= n).min()?;
        let handled_plus_one = u32::try_from(handled + 1).ok()?;
        delta = delta.checked_add((m - n).checked_mul(handled_plus_one)?)?;
        n = m;
        for &c in &input {
            if c < n {
                delta = delta.checked_add(1)?;
            }
            if c == n {
                let mut q = delta;
                let mut k = BASE;
                loop {
                    let t = if k <= bias {
                        T_MIN
                    } else if k >= bias + T_MAX {
                        T_MAX
                    } else {
                        k - bias
                    };
                    if q < t {
                        break;
                    }
                    out += 1;
                    q = (q - t) / (BASE - t);
                    k += BASE;
                }
                out += 1;
                bias = adapt(delta, u32::try_from(handled + 1).ok()?, handled == basic);
                delta = 0;
                handled += 1;
            }
        }
        delta = delta.checked_add(1)?;
        n = n.checked_add(1)?;
    }
    Some(out + 4)
}

fn adapt(delta: u32, points: u32, first: bool) -> u32 {
    let mut delta = if first { delta / 700 } else { delta / 2 };
    delta += delta / points;
    let mut k = 0;
    while delta > ((36 - 1) * 26) / 2 {
        delta /= 35;
        k += 36;
    }
    k + (36 * delta) / (delta + 38)
}

/// Country-code TLDs: ISO 3166-1 alpha-2 codes in use as TLDs, plus `ac`, `eu`, `su`, `uk`.
const COUNTRY_TLDS: &[&str] = &[
    "ac", "ad", "ae", "af", "ag", "ai", "al", "am", "ao", "aq", "ar", "as", "at", "au", "aw", "ax", "az", "ba", "bb",
    "bd", "be", "bf", "bg", "bh", "bi", "bj", "bm", "bn", "bo", "br", "bs", "bt", "bw", "by", "bz", "ca", "cc", "cd",
    "cf", "cg", "ch", "ci", "ck", "cl", "cm", "cn", "co", "cr", "cu", "cv", "cw", "cx", "cy", "cz", "de", "dj", "dk",
    "dm", "do", "dz", "ec", "ee", "eg", "er", "es", "et", "eu", "fi", "fj", "fk", "fm", "fo", "fr", "ga", "gb", "gd",
    "ge", "gf", "gg", "gh", "gi", "gl", "gm", "gn", "gp", "gq", "gr", "gs", "gt", "gu", "gw", "gy", "hk", "hm", "hn",
    "hr", "ht", "hu", "id", "ie", "il", "im", "in", "io", "iq", "ir", "is", "it", "je", "jm", "jo", "jp", "ke", "kg",
    "kh", "ki", "km", "kn", "kp", "kr", "kw", "ky", "kz", "la", "lb", "lc", "li", "lk", "lr", "ls", "lt", "lu", "lv",
    "ly", "ma", "mc", "md", "me", "mg", "mh", "mk", "ml", "mm", "mn", "mo", "mp", "mq", "mr", "ms", "mt", "mu", "mv",
    "mw", "mx", "my", "mz", "na", "nc", "ne", "nf", "ng", "ni", "nl", "no", "np", "nr", "nu", "nz", "om", "pa", "pe",
    "pf", "pg", "ph", "pk", "pl", "pm", "pn", "pr", "ps", "pt", "pw", "py", "qa", "re", "ro", "rs", "ru", "rw", "sa",
    "sb", "sc", "sd", "se", "sg", "sh", "si", "sk", "sl", "sm", "sn", "so", "sr", "ss", "st", "su", "sv", "sx", "sy",
    "sz", "tc", "td", "tf", "tg", "th", "tj", "tk", "tl", "tm", "tn", "to", "tr", "tt", "tv", "tw", "tz", "ua", "ug",
    "uk", "us", "uy", "uz", "va", "vc", "ve", "vg", "vi", "vn", "vu", "wf", "ws", "ye", "yt", "za", "zm", "zw",
];

/// Generic TLDs accepted on bare domains: the original ones and common newer ones.
const GENERIC_TLDS: &[&str] = &[
    "academy",
    "aero",
    "agency",
    "app",
    "art",
    "asia",
    "bar",
    "beauty",
    "berlin",
    "bike",
    "biz",
    "blog",
    "cafe",
    "cat",
    "center",
    "city",
    "click",
    "cloud",
    "club",
    "coffee",
    "com",
    "company",
    "coop",
    "design",
    "dev",
    "digital",
    "eco",
    "edu",
    "email",
    "events",
    "fashion",
    "fitness",
    "food",
    "fun",
    "gallery",
    "games",
    "global",
    "gov",
    "green",
    "guru",
    "health",
    "info",
    "ink",
    "int",
    "jobs",
    "life",
    "link",
    "live",
    "lol",
    "london",
    "love",
    "ltd",
    "media",
    "mil",
    "mobi",
    "museum",
    "music",
    "name",
    "net",
    "network",
    "news",
    "nyc",
    "one",
    "online",
    "org",
    "page",
    "paris",
    "photo",
    "photography",
    "photos",
    "pics",
    "pizza",
    "post",
    "pro",
    "pub",
    "restaurant",
    "run",
    "science",
    "services",
    "shop",
    "site",
    "social",
    "software",
    "solutions",
    "space",
    "store",
    "studio",
    "systems",
    "team",
    "tech",
    "tel",
    "today",
    "tokyo",
    "tools",
    "top",
    "travel",
    "video",
    "vip",
    "website",
    "wiki",
    "wine",
    "work",
    "works",
    "world",
    "xxx",
    "xyz",
    "zone",
];

#[cfg(test)]
mod tests {
    use super::*;

    fn urls(text: &str) -> Vec<&str> {
        url_ranges(text).into_iter().map(|r| &text[r]).collect()
    }

    #[test]
    fn schemes_and_bare_domains() {
        assert_eq!(
            urls("Test https://test.com test https://test.com test.com test"),
            ["https://test.com", "https://test.com", "test.com"]
        );
        assert_eq!(urls("see HTTPS://www.ExaMPLE.COM/index.html."), ["HTTPS://www.ExaMPLE.COM/index.html"]);
        assert_eq!(urls("http://twitter.com/#!/twitter"), ["http://twitter.com/#!/twitter"]);
        assert_eq!(urls("(see example.com/a_(b))"), ["example.com/a_(b)"]);
        assert_eq!(urls("go to example.com/path, now"), ["example.com/path"]);
        assert_eq!(urls("foo.co.jp and t.co and bar.jp and bar.jp/x"), ["foo.co.jp", "t.co", "bar.jp/x"]);
        assert_eq!(urls("http://test_underscore.twitter.com"), ["http://test_underscore.twitter.com"]);
        assert_eq!(
            urls("https://www.youtube.com/playlist?list=PL0Z-"),
            ["https://www.youtube.com/playlist?list=PL0Z-"]
        );
        assert_eq!(urls("http://example.com:8080/login"), ["http://example.com:8080/login"]);
        assert_eq!(urls("http://☃.net/"), ["http://☃.net/"]);
        assert_eq!(urls("http://example.com😀 and http://例え.jp"), ["http://example.com", "http://例え.jp"]);
        assert_eq!(urls("http://example.com/Русские_слова"), ["http://example.com/Русские_слова"]);
        assert_eq!(urls("example.com.notatld"), ["example.com"]);
    }

    #[test]
    fn not_urls() {
        for text in [
            "mail me@example.com",
            "e.g. this",
            "file.txt",
            "version 1.2.3",
            "http://domain-dash_2314352345_dfasd.foo-cow_4352.com",
            "http://www.-domain4352.com/",
            "http://www.domain4352-.com/",
            "$example.com",
            "#example.com",
            "end.It was",
            "randomurlrandomurlrandomurlrandomurlrandomurlrandomurlrandomurls.com",
        ] {
            assert!(urls(text).is_empty(), "{text}: {:?}", urls(text));
        }
    }

    #[test]
    fn long_runs_of_labels_are_read_once() {
        // Every run of labels is tried from the longest down; that stays linear (this took minutes
        // when each try re-checked all its labels).
        let dotted = "a.".repeat(60_000);
        assert!(urls(&dotted).is_empty());
        let host = format!("{}example.com", "a.".repeat(60_000));
        assert_eq!(urls(&format!("see {host} now")), [host.as_str()]);
        let bad_inner = format!("{}-a-.example.com", "a.".repeat(60_000));
        assert!(urls(&bad_inner).is_empty(), "an invalid inner label spoils every longer run");
    }

    #[test]
    fn punycode_lengths() {
        // RFC 3492 sample: "bücher" is "xn--bcher-kva".
        assert_eq!(punycode_len("bücher"), Some("xn--bcher-kva".len()));
        // "münchen" is "xn--mnchen-3ya".
        assert_eq!(punycode_len("münchen"), Some("xn--mnchen-3ya".len()));
        // "☃" is "xn--n3h".
        assert_eq!(punycode_len("☃"), Some(7));
    }
}
