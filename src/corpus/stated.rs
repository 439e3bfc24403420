//! The event dates a release's paragraph states, and the rule that gives a date
//! without a year its year. Attaché never guesses: a year comes from the phrase
//! itself, from the keeper (`--date`), or from the posting date the page shows, when
//! the event falls on it or at most [`POSTED_WITHIN_DAYS`] days before it.

use super::Date;

/// How long after an event its release may be posted for the posting date to tell
/// the event's year.
pub const POSTED_WITHIN_DAYS: i64 = 60;

/// A date phrase as the text has it: "May 15 to 16", "9 June", "July 31-August 4,
/// 2018", "Tuesday, June 10 to Wednesday, June 11".
#[derive(Debug, Clone, PartialEq)]
pub struct Phrase {
    pub text: String,
    pub month: u8,
    pub day: u8,
    pub end: Option<(u8, u8)>,
    pub year: Option<u16>,
}

impl Phrase {
    /// The phrase's start and end dates in `year` (an end month before the start
    /// month is in the next year: "December 30 to January 2").
    pub fn dates_in(&self, year: u16) -> Option<(Date, Option<Date>)> {
        let start = Date::new(year, self.month, self.day)?;
        let end = self.end.and_then(|(m, d)| {
            let end_year = if m < self.month { year + 1 } else { year };
            Date::new(end_year, m, d)
        });
        Some((start, end.filter(|e| *e > start)))
    }
}

/// Words and numbers with their byte offsets.
fn tokens(text: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        match (c.is_alphanumeric(), start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                out.push((s, &text[s..i]));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push((s, &text[s..]));
    }
    out
}

fn month(word: &str) -> Option<u8> {
    let capital = word.starts_with(char::is_uppercase) && word.len() >= 3;
    Date::month_from_name(word).filter(|_| capital)
}

/// `9`, `09` or `9th`.
fn day(word: &str) -> Option<u8> {
    let digits = ["st", "nd", "rd", "th"]
        .iter()
        .find_map(|s| word.strip_suffix(s))
        .unwrap_or(word);
    let n: u8 = digits.parse().ok().filter(|_| digits.len() <= 2)?;
    (1..=31).contains(&n).then_some(n)
}

fn year(word: &str) -> Option<u16> {
    let n: u16 = word.parse().ok().filter(|_| word.len() == 4)?;
    (1900..2200).contains(&n).then_some(n)
}

fn is_weekday(word: &str) -> bool {
    const DAYS: [&str; 7] = [
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
    ];
    DAYS.contains(&word)
}

/// A cursor over the tokens of one text.
struct Scan<'a> {
    text: &'a str,
    tokens: Vec<(usize, &'a str)>,
}

impl<'a> Scan<'a> {
    fn word(&self, k: usize) -> Option<&'a str> {
        self.tokens.get(k).map(|t| t.1)
    }

    /// The characters between token `k - 1` and token `k`.
    fn gap(&self, k: usize) -> &'a str {
        match (
            k.checked_sub(1).and_then(|p| self.tokens.get(p)),
            self.tokens.get(k),
        ) {
            (Some(&(s, w)), Some(&(e, _))) => &self.text[s + w.len()..e],
            _ => "",
        }
    }

    fn spaced(&self, k: usize) -> bool {
        let gap = self.gap(k);
        !gap.is_empty() && gap.chars().all(|c| c == ' ' || c == '\u{a0}')
    }

    /// A dash between two tokens ("31-August", "25-27").
    fn dashed(&self, k: usize) -> bool {
        matches!(self.gap(k).trim(), "-" | "–" | "~")
    }

    /// "to", "through", "until" or a dash before token `k`; the token after it.
    fn range_sep(&self, k: usize) -> Option<usize> {
        if self.dashed(k) {
            return Some(k);
        }
        let w = self.word(k)?;
        matches!(w, "to" | "through" | "until").then_some(k + 1)
    }

    /// "Month D" at `k`: (month, day, next token).
    fn month_day(&self, k: usize) -> Option<(u8, u8, usize)> {
        let k = if self.word(k).is_some_and(is_weekday) && self.gap(k + 1).trim() == "," {
            k + 1
        } else {
            k
        };
        let m = month(self.word(k)?)?;
        let d = day(self.word(k + 1)?).filter(|_| self.spaced(k + 1))?;
        Some((m, d, k + 2))
    }

    /// ", 2024" or " 2024" at `k`.
    fn year_at(&self, k: usize) -> Option<(u16, usize)> {
        let gap = self.gap(k).trim_matches([' ', '\u{a0}']);
        let y = year(self.word(k)?).filter(|_| gap.is_empty() || gap == ",")?;
        Some((y, k + 1))
    }

    /// "Month D[ to [Weekday, ][Month ]D][, YYYY]" starting at token `k`.
    fn month_first(&self, k: usize) -> Option<(Phrase, usize)> {
        let (m, d, mut next) = self.month_day(k)?;
        let mut phrase = Phrase {
            text: String::new(),
            month: m,
            day: d,
            end: None,
            year: None,
        };
        if let Some(after) = self.range_sep(next) {
            if let Some((em, ed, n)) = self.month_day(after) {
                phrase.end = Some((em, ed));
                next = n;
            } else if let Some(ed) = self.word(after).and_then(day) {
                phrase.end = Some((m, ed));
                next = after + 1;
            }
        }
        if let Some((y, n)) = self.year_at(next) {
            phrase.year = Some(y);
            next = n;
        }
        Some((phrase, next))
    }

    /// "D[-D] Month[ YYYY]" starting at token `k`.
    fn day_first(&self, k: usize) -> Option<(Phrase, usize)> {
        let d = day(self.word(k)?)?;
        if self.gap(k).ends_with([':', '.']) {
            return None;
        }
        let (end_day, mk) = match self.word(k + 1).and_then(day) {
            Some(e) if self.dashed(k + 1) => (Some(e), k + 2),
            _ => (None, k + 1),
        };
        let m = month(self.word(mk)?).filter(|_| self.spaced(mk))?;
        let mut phrase = Phrase {
            text: String::new(),
            month: m,
            day: d,
            end: end_day.map(|e| (m, e)),
            year: None,
        };
        let mut next = mk + 1;
        if let Some((y, n)) = self.year_at(next).filter(|_| self.spaced(next)) {
            phrase.year = Some(y);
            next = n;
        }
        Some((phrase, next))
    }

    fn span(&self, from: usize, to: usize) -> &'a str {
        let start = self.tokens[from].0;
        let (s, w) = self.tokens[to - 1];
        &self.text[start..s + w.len()]
    }
}

/// Every date phrase of `text`, in order.
pub fn phrases(text: &str) -> Vec<Phrase> {
    let scan = Scan {
        text,
        tokens: tokens(text),
    };
    let mut out = Vec::new();
    let mut k = 0;
    while k < scan.tokens.len() {
        match scan.month_first(k).or_else(|| scan.day_first(k)) {
            Some((mut phrase, next)) => {
                phrase.text = scan.span(k, next).to_string();
                out.push(phrase);
                k = next;
            }
            None => k += 1,
        }
    }
    out
}

/// Days from `a` to `b` (positive when `b` is later).
pub fn days_between(a: Date, b: Date) -> i64 {
    day_number(b) - day_number(a)
}

/// Days since 1 March of year 0 (proleptic Gregorian): only differences matter.
fn day_number(d: Date) -> i64 {
    let (y, m) = if d.month <= 2 {
        (i64::from(d.year) - 1, i64::from(d.month) + 12)
    } else {
        (i64::from(d.year), i64::from(d.month))
    };
    365 * y + y / 4 - y / 100 + y / 400 + (153 * (m - 3) + 2) / 5 + i64::from(d.day)
}

/// The year that puts the phrase's start on `posted` or at most
/// [`POSTED_WITHIN_DAYS`] before it.
pub fn year_from_posting(phrase: &Phrase, posted: Date) -> Option<u16> {
    [posted.year, posted.year.saturating_sub(1)]
        .into_iter()
        .find(|&y| {
            Date::new(y, phrase.month, phrase.day).is_some_and(|d| {
                let gap = days_between(d, posted);
                (0..=POSTED_WITHIN_DAYS).contains(&gap)
            })
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(text: &str) -> Phrase {
        let all = phrases(text);
        assert_eq!(all.len(), 1, "{text}: {all:?}");
        all[0].clone()
    }

    #[test]
    fn ranges_in_every_shape() {
        for (text, phrase, end) in [
            ("from May 15 to 16.", "May 15 to 16", (5, 16)),
            ("on June 10 to June 11", "June 10 to June 11", (6, 11)),
            (
                "from Tuesday, June 10 to Wednesday, June 11.",
                "Tuesday, June 10 to Wednesday, June 11",
                (6, 11),
            ),
            ("(July 31-August 4, Singapore)", "July 31-August 4", (8, 4)),
            ("on November 25-27, took", "November 25-27", (11, 27)),
            ("on 9-10 June", "9-10 June", (6, 10)),
        ] {
            let p = one(text);
            assert_eq!(p.text, phrase);
            assert_eq!(p.end, Some(end), "{text}");
        }
    }

    #[test]
    fn years_days_first_and_things_that_are_not_dates() {
        let p = one("held on 9 June, following");
        assert_eq!((p.month, p.day, p.year), (6, 9, None));
        let p = one("on June 9th");
        assert_eq!((p.month, p.day), (6, 9));
        let p = one("On June 15, 2023, the Minister");
        assert_eq!(p.year, Some(2023));
        assert!(phrases("at 11:00-17:30 (KST), the 10 ASEAN countries; May we").is_empty());
        assert!(phrases("in April 2016").is_empty());
    }

    #[test]
    fn the_posting_date_tells_the_year_only_when_close() {
        let posted: Date = "2021-01-03".parse().unwrap_or_default();
        let p = one("on December 28");
        assert_eq!(year_from_posting(&p, posted), Some(2020));
        let p = one("on January 3");
        assert_eq!(year_from_posting(&p, posted), Some(2021));
        let p = one("on September 9");
        assert_eq!(year_from_posting(&p, posted), None);
        let p = one("on January 4");
        assert_eq!(
            year_from_posting(&p, posted),
            None,
            "after the posting date"
        );
    }

    #[test]
    fn days_between_counts_leap_years() {
        let d = |s: &str| s.parse::<Date>().unwrap_or_default();
        assert_eq!(days_between(d("2024-02-28"), d("2024-03-01")), 2);
        assert_eq!(days_between(d("2023-12-31"), d("2024-01-01")), 1);
    }
}
