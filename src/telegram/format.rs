//! Turns an `Answer` (and the corpus lists behind the commands) into Telegram HTML.
//!
//! Why a separate module: what the bot says is decided by the core; this only
//! decides how it looks. Everything that came from the corpus or the user goes
//! through `escape`, so a release or a question containing `<b>` or `&` cannot break
//! a message. Messages are built from *blocks* that are each balanced HTML, and
//! `pack` only splits between blocks, so no split lands inside a tag or an entity.

use crate::answer::{Answer, Citation, Suggestion};
use crate::corpus::{Corpus, Release};

/// Telegram's limit for one message, in UTF-16 code units.
pub const MESSAGE_LIMIT: usize = 4096;

/// Escapes text for Telegram's HTML parse mode.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            _ => out.push(c),
        }
    }
    out
}

/// Length as Telegram counts it.
pub fn utf16_len(text: &str) -> usize {
    text.encode_utf16().count()
}

/// `title` linked to `url` when the URL is http(s); the plain title otherwise.
fn link(title: &str, url: &str) -> String {
    if url.starts_with("https://") || url.starts_with("http://") {
        format!("<a href=\"{}\">{}</a>", escape(url), escape(title))
    } else {
        escape(title)
    }
}

/// The snippet, escaped, with the highlighted byte ranges in bold. Ranges that are
/// out of bounds, overlapping or not on character boundaries are ignored.
pub fn highlighted(snippet: &str, highlights: &[(usize, usize)]) -> String {
    let mut ranges: Vec<(usize, usize)> = highlights
        .iter()
        .copied()
        .filter(|&(a, b)| a < b && snippet.get(a..b).is_some())
        .collect();
    ranges.sort_unstable();
    let mut out = String::new();
    let mut at = 0;
    for (a, b) in ranges {
        if a < at {
            continue;
        }
        out.push_str(&escape(&snippet[at..a]));
        out.push_str("<b>");
        out.push_str(&escape(&snippet[a..b]));
        out.push_str("</b>");
        at = b;
    }
    out.push_str(&escape(&snippet[at..]));
    out
}

fn quote_block(c: &Citation) -> String {
    format!(
        "<b>[{}]</b> “{}”",
        c.rank,
        highlighted(&c.snippet, &c.highlights)
    )
}

fn source_line(c: &Citation) -> String {
    format!(
        "[{}] {}, {}, ¶{}",
        c.rank,
        link(&c.title, &c.url),
        escape(&c.date.long()),
        escape(&c.paragraph)
    )
}

fn suggestion_line(s: &Suggestion) -> String {
    let name = if s.meeting.is_empty() {
        &s.title
    } else {
        &s.meeting
    };
    format!("• {} ({})", link(name, &s.url), escape(&s.date.long()))
}

/// The blocks of an answer: lead, one quote per citation, then the sources.
/// `note` (e.g. "your question was cut") goes first when present.
pub fn answer_blocks(answer: &Answer, note: Option<&str>) -> Vec<String> {
    let mut blocks = Vec::new();
    if let Some(note) = note {
        blocks.push(format!("<i>{}</i>", escape(note)));
    }
    blocks.push(escape(&answer.lead));
    if answer.found {
        blocks.extend(answer.citations.iter().map(quote_block));
        blocks.push("<b>Sources</b>".to_string());
        blocks.extend(answer.citations.iter().map(source_line));
    } else if !answer.suggestions.is_empty() {
        blocks.push("I can answer questions about:".to_string());
        blocks.extend(answer.suggestions.iter().map(suggestion_line));
    }
    blocks
}

/// Blocks for the "More" follow-up: the citations ranked after `shown`.
pub fn more_blocks(answer: &Answer, shown: usize) -> Vec<String> {
    let extra: Vec<&Citation> = answer.citations.iter().filter(|c| c.rank > shown).collect();
    if extra.is_empty() {
        return vec!["No further sources for this question.".to_string()];
    }
    let mut blocks = vec![format!("More on “{}”:", escape(&answer.question))];
    blocks.extend(extra.iter().map(|c| quote_block(c)));
    blocks.push("<b>Sources</b>".to_string());
    blocks.extend(extra.iter().map(|c| source_line(c)));
    blocks
}

/// The inline-mode message for one citation: the quote and its source.
pub fn inline_quote(c: &Citation) -> String {
    let blocks = vec![
        format!("“{}”", escape(&c.snippet)),
        format!(
            "— {}, {}, ¶{}",
            link(&c.title, &c.url),
            escape(&c.date.long()),
            escape(&c.paragraph)
        ),
    ];
    pack(&blocks, MESSAGE_LIMIT)
        .into_iter()
        .next()
        .unwrap_or_default()
}

/// `/sources`: every release, newest first, linked.
pub fn sources_blocks(corpus: &Corpus) -> Vec<String> {
    let mut blocks = vec![format!(
        "<b>The {} press releases I quote</b> (newest first):",
        corpus.releases().len()
    )];
    blocks.extend(
        corpus
            .releases()
            .iter()
            .map(|r| format!("• {} — {}", link(&r.title, &r.url), escape(&r.date_label()))),
    );
    blocks
}

/// A release's heading and opening paragraph (`/latest`, deep links).
pub fn release_blocks(release: &Release) -> Vec<String> {
    let mut blocks = vec![format!("<b>{}</b>", escape(release.label()))];
    let mut line = escape(&release.date_label());
    if !release.place.is_empty() {
        line.push_str(", ");
        line.push_str(&escape(&release.place));
    }
    blocks.push(line);
    if let Some(p) = release.paragraphs.first() {
        blocks.push(format!("¶{} “{}”", escape(&p.number), escape(&p.text)));
    }
    blocks.push(format!("Source: {}", link(&release.title, &release.url)));
    blocks
}

/// Joins blocks with blank lines into messages of at most `limit` UTF-16 units,
/// splitting only between blocks. A block longer than `limit` on its own is
/// re-rendered as plain escaped text and cut at whitespace.
pub fn pack(blocks: &[String], limit: usize) -> Vec<String> {
    let mut messages = Vec::new();
    let mut current = String::new();
    for block in blocks {
        let pieces = if utf16_len(block) > limit {
            split_plain(&strip_tags(block), limit)
        } else {
            vec![block.clone()]
        };
        for piece in pieces.into_iter().filter(|p| !p.trim().is_empty()) {
            let joined = utf16_len(&current) + 2 + utf16_len(&piece);
            if !current.is_empty() && joined > limit {
                messages.push(std::mem::take(&mut current));
            }
            if !current.is_empty() {
                current.push_str("\n\n");
            }
            current.push_str(&piece);
        }
    }
    if !current.is_empty() {
        messages.push(current);
    }
    messages
}

/// The text of an HTML block with tags removed and entities decoded.
pub fn strip_tags(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match (in_tag, c) {
            (false, '<') => in_tag = true,
            (true, '>') => in_tag = false,
            (false, _) => out.push(c),
            _ => {}
        }
    }
    out.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&amp;", "&")
}

/// Plain text escaped and cut into pieces of at most `limit` UTF-16 units,
/// preferring to cut after whitespace; an entity is never cut.
fn split_plain(text: &str, limit: usize) -> Vec<String> {
    let mut pieces = Vec::new();
    let mut current = String::new();
    let mut len = 0;
    let mut last_space: Option<(usize, usize)> = None;
    for c in text.chars() {
        let escaped = escape(c.encode_utf8(&mut [0; 4]));
        let units = utf16_len(&escaped);
        if len + units > limit && !current.is_empty() {
            let cut = last_space.filter(|&(byte, _)| byte > 0 && byte < current.len());
            let rest = match cut {
                Some((byte, _)) => current.split_off(byte),
                None => String::new(),
            };
            pieces.push(std::mem::replace(&mut current, rest));
            len = utf16_len(&current);
            if len + units > limit {
                pieces.push(std::mem::take(&mut current));
                len = 0;
            }
            last_space = None;
        }
        current.push_str(&escaped);
        len += units;
        if c.is_whitespace() {
            last_space = Some((current.len(), len));
        }
    }
    if !current.is_empty() {
        pieces.push(current);
    }
    pieces
}

/// Checks that `html` is something Telegram's HTML parser accepts: only the tags we
/// emit, balanced, and every `&` starting a known entity. Used by tests and as a
/// last guard before sending.
pub fn is_valid_html(html: &str) -> bool {
    let mut stack: Vec<&str> = Vec::new();
    let mut rest = html;
    while let Some(pos) = rest.find(['<', '&', '>']) {
        let tail = &rest[pos..];
        if tail.starts_with('>') {
            return false;
        }
        if let Some(after) = tail.strip_prefix('&') {
            let ok = ["amp;", "lt;", "gt;", "quot;"]
                .iter()
                .any(|e| after.starts_with(e));
            if !ok {
                return false;
            }
            rest = after;
            continue;
        }
        let Some(end) = tail.find('>') else {
            return false;
        };
        let tag = &tail[1..end];
        if let Some(name) = tag.strip_prefix('/') {
            if stack.pop() != Some(name) {
                return false;
            }
        } else {
            let name = tag.split(' ').next().unwrap_or_default();
            if !["b", "i", "a", "code", "blockquote"].contains(&name) {
                return false;
            }
            stack.push(name);
        }
        rest = &tail[end + 1..];
    }
    stack.is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::Date;

    fn citation(rank: usize, snippet: &str, highlights: Vec<(usize, usize)>) -> Citation {
        Citation {
            rank,
            release: "r1".into(),
            title: "Title <with> & \"quotes\"".into(),
            date: Date::new(2024, 7, 26).expect("date"),
            url: "https://example.org/a?b=1&c=2".into(),
            paragraph: "4·1".into(),
            text: snippet.into(),
            snippet: snippet.into(),
            highlights,
            score: 1.0,
        }
    }

    fn answer(citations: Vec<Citation>) -> Answer {
        Answer {
            question: "q".into(),
            found: !citations.is_empty(),
            lead: "Lead & <lead>".into(),
            citations,
            suggestions: vec![],
            text: String::new(),
            decision: None,
        }
    }

    #[test]
    fn escapes_everything() {
        assert_eq!(
            escape("<b>&\"x\"</b>"),
            "&lt;b&gt;&amp;&quot;x&quot;&lt;/b&gt;"
        );
    }

    #[test]
    fn highlights_bold_and_tolerate_bad_ranges() {
        let s = "ASEAN & Korea met";
        let h = highlighted(s, &[(0, 5), (8, 13), (3, 9), (50, 60), (9, 8)]);
        assert_eq!(h, "<b>ASEAN</b> &amp; <b>Korea</b> met");
        // Not on a char boundary: ignored, no panic.
        assert_eq!(highlighted("é", &[(0, 1)]), "é");
    }

    #[test]
    fn answer_html_is_valid_and_cites() {
        let a = answer(vec![
            citation(1, "ASEAN <and> Korea", vec![(0, 5)]),
            citation(2, "Second & last", vec![]),
        ]);
        let msgs = pack(&answer_blocks(&a, Some("note")), MESSAGE_LIMIT);
        assert_eq!(msgs.len(), 1);
        let m = &msgs[0];
        assert!(is_valid_html(m), "{m}");
        assert!(m.contains("<b>[1]</b>") && m.contains("<b>[2]</b>"));
        assert!(m.contains("href=\"https://example.org/a?b=1&amp;c=2\""));
        assert!(m.contains("July 26, 2024, ¶4·1"));
    }

    #[test]
    fn long_answers_split_under_limit_between_blocks() {
        let long = "Word & <word> ".repeat(200);
        let a = answer((1..=6).map(|r| citation(r, &long, vec![(0, 4)])).collect());
        let msgs = pack(&answer_blocks(&a, None), MESSAGE_LIMIT);
        assert!(msgs.len() > 1);
        for m in &msgs {
            assert!(utf16_len(m) <= MESSAGE_LIMIT);
            assert!(is_valid_html(m), "{m}");
        }
    }

    #[test]
    fn oversize_block_is_cut_without_breaking_entities() {
        let block = format!("<b>x</b> {}", "&amp;&lt;😀 ".repeat(3000));
        let msgs = pack(&[block], 100);
        assert!(msgs.len() > 10);
        for m in &msgs {
            assert!(utf16_len(m) <= 100, "{}", utf16_len(m));
            assert!(is_valid_html(m), "{m}");
        }
    }

    proptest::proptest! {
        #[test]
        fn any_text_packs_into_valid_messages_within_the_limit(
            texts in proptest::collection::vec("[a-z <>&\"'é😀\n]{0,300}", 1..12),
            limit in 20usize..400,
        ) {
            let blocks: Vec<String> = texts.iter().map(|t| format!("<b>{}</b>", escape(t))).collect();
            let messages = pack(&blocks, limit);
            for m in &messages {
                proptest::prop_assert!(utf16_len(m) <= limit, "{} > {limit}", utf16_len(m));
                proptest::prop_assert!(is_valid_html(m), "{m}");
            }
            let kept: String = messages.iter().map(|m| strip_tags(m)).collect::<String>();
            let kept: String = kept.chars().filter(|c| !c.is_whitespace()).collect();
            let given: String = texts.concat().chars().filter(|c| !c.is_whitespace()).collect();
            proptest::prop_assert_eq!(kept, given, "no text lost or added");
        }
    }

    #[test]
    fn validator_rejects_broken_html() {
        assert!(!is_valid_html("<b>x"));
        assert!(!is_valid_html("a & b"));
        assert!(!is_valid_html("<script>x</script>"));
        assert!(!is_valid_html("<b><i>x</b></i>"));
        assert!(is_valid_html("<a href=\"x\">t</a> &amp;"));
    }
}
