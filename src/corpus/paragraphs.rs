//! Splits a release body into paragraphs numbered the way the release shows them.
//!
//! Ministry releases number their paragraphs `1.` … `11.` and put bullets under them
//! with a zoo of markers (`о o ㅇ ° ○ - * ※` …). A paragraph keeps its number (`4`)
//! and the bullets under it get `4·1`, `4·2`, … so a citation can say "¶4·1" and a
//! reader finds it by counting. Releases without numbers are numbered by position.

use serde::Serialize;

/// One paragraph (or bullet) of a release: its number as shown, and its text verbatim
/// (without the number or bullet marker).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Paragraph {
    pub number: String,
    pub text: String,
}

/// Bullet markers seen on the ministry's board, plus common typographic ones.
const BULLETS: &[char] = &[
    'о', 'o', 'ㅇ', '°', '○', '◦', '-', '–', '*', '※', '•', '·', '▪', '■', '□', '◇', '◆', '▶', '►',
    '➢', '>',
];

/// Markers that are letters or ASCII punctuation only count as bullets when a space
/// follows ("o The ministers…"), so "online" or "-30%" are left alone.
fn needs_space(marker: char) -> bool {
    marker.is_alphabetic() || marker.is_ascii()
}

enum Line<'a> {
    Numbered(&'a str, &'a str),
    Bullet(&'a str),
    Plain(&'a str),
}

fn classify(line: &str) -> Line<'_> {
    if let Some((number, rest)) = numbered(line) {
        return Line::Numbered(number, rest);
    }
    if let Some(rest) = bullet(line) {
        return Line::Bullet(rest);
    }
    Line::Plain(line)
}

/// Whether a line starts a numbered paragraph (`1. On July 26 …`).
pub fn is_numbered(line: &str) -> bool {
    numbered(trim(line)).is_some()
}

/// `12. Text` or `12) Text`.
fn numbered(line: &str) -> Option<(&str, &str)> {
    let digits = line.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 || digits > 2 {
        return None;
    }
    let rest = &line[digits..];
    let rest = rest.strip_prefix('.').or_else(|| rest.strip_prefix(')'))?;
    let text = trim(rest);
    (rest.starts_with(char::is_whitespace) && !text.is_empty()).then(|| (&line[..digits], text))
}

fn bullet(line: &str) -> Option<&str> {
    let marker = line.chars().next().filter(|c| BULLETS.contains(c))?;
    let rest = &line[marker.len_utf8()..];
    if needs_space(marker) && !rest.starts_with(char::is_whitespace) {
        return None;
    }
    let text = trim(rest);
    (!text.is_empty()).then_some(text)
}

/// Trims white space including the non-breaking spaces pasted pages are full of.
fn trim(s: &str) -> &str {
    s.trim_matches(|c: char| c.is_whitespace() || c == '\u{a0}' || c == '\u{feff}')
}

/// Whether a plain line continues the previous one (a hard-wrapped paragraph) rather
/// than starting a paragraph of its own.
fn continues(previous: &str) -> bool {
    !previous.ends_with(['.', ':', ';', '!', '?', '"', '”', '’', ')', '」'])
}

#[derive(Default)]
struct Splitter {
    out: Vec<Paragraph>,
    current: Option<String>,
    bullets: usize,
    unnumbered: usize,
    any_numbered: bool,
    previous_blank: bool,
}

impl Splitter {
    fn push(&mut self, number: String, text: &str) {
        self.out.push(Paragraph {
            number,
            text: text.to_string(),
        });
    }

    fn sub(&mut self, text: &str) {
        self.bullets += 1;
        let number = match &self.current {
            Some(n) => format!("{n}·{}", self.bullets),
            None => format!("0·{}", self.bullets),
        };
        self.push(number, text);
    }

    fn line(&mut self, line: &str) {
        match classify(line) {
            Line::Numbered(n, text) => {
                self.current = Some(n.to_string());
                self.bullets = 0;
                self.push(n.to_string(), text);
            }
            Line::Bullet(text) => self.sub(text),
            Line::Plain(text) => self.plain(text),
        }
    }

    fn plain(&mut self, text: &str) {
        if let Some(last) = self.out.last_mut().filter(|_| !self.previous_blank)
            && continues(&last.text)
        {
            last.text.push(' ');
            last.text.push_str(text);
            return;
        }
        if self.any_numbered {
            self.sub(text);
        } else {
            self.unnumbered += 1;
            self.current = Some(self.unnumbered.to_string());
            self.bullets = 0;
            self.push(self.unnumbered.to_string(), text);
        }
    }
}

/// Splits a release body into numbered paragraphs.
pub fn split_paragraphs(body: &str) -> Vec<Paragraph> {
    let any_numbered = body.lines().any(|l| numbered(trim(l)).is_some());
    let mut s = Splitter {
        any_numbered,
        ..Splitter::default()
    };
    for raw in body.lines() {
        let line = trim(raw);
        if line.is_empty() {
            s.previous_blank = true;
            continue;
        }
        s.line(line);
        s.previous_blank = false;
    }
    s.out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn numbers(body: &str) -> Vec<String> {
        split_paragraphs(body)
            .into_iter()
            .map(|p| p.number)
            .collect()
    }

    #[test]
    fn numbered_paragraphs_and_every_bullet_marker() {
        let markers = ["о", "o", "ㅇ", "°", "○", "-", "*", "※"];
        for marker in markers {
            let body = format!(
                "1. First.\n\n{marker} Under one.\n2. Second.\n{marker} Under two.\n{marker} Again.\n"
            );
            let paras = split_paragraphs(&body);
            let got: Vec<_> = paras.iter().map(|p| p.number.as_str()).collect();
            assert_eq!(got, ["1", "1·1", "2", "2·1", "2·2"], "marker {marker:?}");
            assert_eq!(
                paras[1].text, "Under one.",
                "marker {marker:?} is not part of the text"
            );
        }
    }

    #[test]
    fn blank_lines_between_paragraphs_or_none() {
        let spaced = "1. One.\n\n\n* Bullet.\n\n\n2. Two.";
        let tight = "1. One.\n* Bullet.\n2. Two.";
        assert_eq!(numbers(spaced), numbers(tight));
    }

    #[test]
    fn two_digit_numbers_and_country_brackets() {
        let body = "10. Ten.\n11. (Malaysia) Minister Cho met.\n";
        let paras = split_paragraphs(body);
        assert_eq!(paras[1].number, "11");
        assert_eq!(paras[1].text, "(Malaysia) Minister Cho met.");
    }

    #[test]
    fn inline_markers_stay_inside_their_paragraph() {
        let body =
            "1. Views on ▲the strategy, ▲ways to advance.\n※ KASI’s lines : ① Upgrade ②Enhance.\n";
        let paras = split_paragraphs(body);
        assert_eq!(paras.len(), 2);
        assert!(paras[0].text.contains("▲ways"));
        assert_eq!(paras[1].number, "1·1");
        assert!(paras[1].text.contains("②Enhance"));
    }

    #[test]
    fn non_breaking_spaces_and_curly_quotes_are_kept_but_trimmed() {
        let body = "1. The “Korea-ASEAN” partner’s view.\u{a0}\n";
        let paras = split_paragraphs(body);
        assert_eq!(paras[0].text, "The “Korea-ASEAN” partner’s view.");
    }

    #[test]
    fn letter_markers_need_a_space() {
        let body = "1. One.\nonline meeting held.\n-30% is a number.\n";
        let paras = split_paragraphs(body);
        assert_eq!(paras[1].text, "online meeting held.");
        assert_eq!(paras[2].text, "-30% is a number.");
    }

    #[test]
    fn unnumbered_releases_are_numbered_by_position() {
        let body = "First paragraph.\n\nSecond paragraph.\n- a bullet.\n";
        assert_eq!(numbers(body), ["1", "2", "2·1"]);
    }

    #[test]
    fn hard_wrapped_lines_join_their_paragraph() {
        let body = "1. A sentence that was\nwrapped by the copy.\n2. Next.";
        let paras = split_paragraphs(body);
        assert_eq!(paras.len(), 2);
        assert_eq!(paras[0].text, "A sentence that was wrapped by the copy.");
    }

    #[test]
    fn lines_before_the_first_number_do_not_take_its_number() {
        assert_eq!(numbers("A lead line.\n1. One.\n2. Two."), ["0·1", "1", "2"]);
    }
}
