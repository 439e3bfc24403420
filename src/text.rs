//! Small text helpers shared by the corpus, the search and the composer: dates and
//! meetings as releases write them, ordinals, sentences, and folding for comparison.
//! Their words (meeting words, abbreviations, number words …) are in
//! `config/lexicon.toml`; the spelled-out ordinals, a closed grammar, are here.

use crate::corpus::Date;
use crate::lexicon;

/// A date phrase found in a text, e.g. "May 15 to 16" or "July 26, 2024".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FoundDate<'a> {
    /// The phrase, verbatim.
    pub phrase: &'a str,
    pub start: usize,
    pub month: u8,
    pub day: u8,
    pub end_month: u8,
    pub end_day: Option<u8>,
    pub year: Option<u16>,
}

/// The first "Month D[ to D][, YYYY]" phrase of `text`.
pub fn find_date(text: &str) -> Option<FoundDate<'_>> {
    find_dates(text).into_iter().next()
}

/// Every "Month D[ to D][, YYYY]" phrase of `text`, in order.
pub fn find_dates(text: &str) -> Vec<FoundDate<'_>> {
    let mut out = Vec::new();
    for (start, word) in words(text) {
        let Some(month) = Date::month_from_name(word).filter(|_| word.len() >= 3) else {
            continue;
        };
        if word.ends_with('.') || !word.starts_with(char::is_uppercase) {
            continue;
        }
        let mut s = Scan {
            text,
            pos: start + word.len(),
        };
        // "on 9 June 2022", as some releases write it.
        if let Some((day_at, day)) = day_before(text, start) {
            let mut found = FoundDate {
                phrase: "",
                start: day_at,
                month,
                day,
                end_month: month,
                end_day: None,
                year: None,
            };
            if let Some(year) = s.clone().year() {
                found.year = Some(year);
                s.year();
            }
            found.phrase = &text[day_at..s.pos];
            out.push(found);
            continue;
        }
        let Some(day) = s
            .space()
            .and_then(|s| s.number(1, 2))
            .filter(|d| (1..=31).contains(d))
        else {
            continue;
        };
        let mut found = FoundDate {
            phrase: "",
            start,
            month,
            day: day as u8,
            end_month: month,
            end_day: None,
            year: None,
        };
        let after_day = s.pos;
        if let Some((end_month, end_day)) = s.clone().range_end(month) {
            found.end_month = end_month;
            found.end_day = Some(end_day);
            s.range_end(month);
        } else {
            s.pos = after_day;
        }
        if let Some(year) = s.clone().year() {
            found.year = Some(year);
            s.year();
        }
        found.phrase = &text[start..s.pos];
        out.push(found);
    }
    out
}

/// The day of a day-first date ("9 June"): a number of one or two digits and one space
/// right before the month at `month_at`, as (where it starts, the day).
fn day_before(text: &str, month_at: usize) -> Option<(usize, u8)> {
    let before = text.get(..month_at)?.strip_suffix(' ')?;
    let digits = before.len() - before.trim_end_matches(|c: char| c.is_ascii_digit()).len();
    let at = before.len() - digits;
    let preceded_ok = !before[..at].ends_with(|c: char| c.is_alphanumeric() || c == '-');
    let day: u8 = before[at..].parse().ok()?;
    ((1..=2).contains(&digits) && preceded_ok && (1..=31).contains(&day)).then_some((at, day))
}

/// Months named without a day after "in" ("inaugurated … in January this year"), as
/// (start, phrase), the phrase with its year when one follows ("in May 2019").
pub fn find_months(text: &str) -> Vec<(usize, &str)> {
    let words: Vec<(usize, &str)> = words(text).collect();
    let mut out = Vec::new();
    for (i, &(start, word)) in words.iter().enumerate() {
        let after_in = i >= 1 && words[i - 1].1 == "in" && {
            let (at, before) = words[i - 1];
            text[at + before.len()..start].trim().is_empty()
        };
        let is_month = word.len() >= 3
            && word.starts_with(char::is_uppercase)
            && Date::month_from_name(word).is_some();
        if !after_in || !is_month {
            continue;
        }
        let mut s = Scan {
            text,
            pos: start + word.len(),
        };
        // "in May 15 to 16" is a dated phrase: `find_dates` has it.
        if s.clone().space().and_then(|s| s.number(1, 2)).is_some() {
            continue;
        }
        if s.clone().year().is_some() {
            s.year();
        }
        out.push((start, &text[start..s.pos]));
    }
    out
}

/// A tiny cursor for reading date phrases without a regex engine.
#[derive(Clone)]
struct Scan<'a> {
    text: &'a str,
    pos: usize,
}

impl Scan<'_> {
    fn rest(&self) -> &str {
        &self.text[self.pos..]
    }

    fn space(&mut self) -> Option<&mut Self> {
        let n = self.rest().len() - self.rest().trim_start_matches([' ', '\u{a0}']).len();
        (n > 0).then(|| {
            self.pos += n;
            self
        })
    }

    fn skip_spaces(&mut self) {
        let n = self.rest().len() - self.rest().trim_start_matches([' ', '\u{a0}']).len();
        self.pos += n;
    }

    fn number(&mut self, min: usize, max: usize) -> Option<u32> {
        let n = self.rest().bytes().take_while(u8::is_ascii_digit).count();
        let followed_by_digit_or_letter =
            self.rest()[n..].starts_with(|c: char| c.is_alphanumeric());
        if n < min || n > max || followed_by_digit_or_letter {
            return None;
        }
        let value = self.rest()[..n].parse().ok()?;
        self.pos += n;
        Some(value)
    }

    /// "to 16", "-18", "–27", "to June 2".
    fn range_end(&mut self, month: u8) -> Option<(u8, u8)> {
        self.skip_spaces();
        let rest = self.rest();
        let sep = lexicon::get()
            .date_ranges
            .iter()
            .find(|s| rest.starts_with(s.as_str()))?;
        self.pos += sep.len();
        self.skip_spaces();
        let mut end_month = month;
        let month_word = words(self.rest())
            .next()
            .filter(|(at, _)| *at == 0)
            .and_then(|(_, w)| {
                Date::month_from_name(w)
                    .filter(|_| w.len() >= 3)
                    .map(|m| (m, w.len()))
            });
        if let Some((m, len)) = month_word {
            end_month = m;
            self.pos += len;
            self.skip_spaces();
        }
        let day = self.number(1, 2).filter(|d| (1..=31).contains(d))?;
        Some((end_month, day as u8))
    }

    /// ", 2024" or " 2024".
    fn year(&mut self) -> Option<u16> {
        if self.rest().starts_with(',') {
            self.pos += 1;
        }
        self.space()?;
        self.number(4, 4)
            .and_then(|y| u16::try_from(y).ok())
            .filter(|y| (1900..2200).contains(y))
    }
}

/// "November 2019", or the year of "in 1989": a time phrase coarser than a day, for
/// "when" questions whose answer has no day.
pub fn find_period(text: &str) -> Option<&str> {
    let words: Vec<(usize, &str)> = words(text).collect();
    month_years(text, &words)
        .next()
        .or_else(|| led_years(&words).next())
}

/// Every period of the text, month-years first ("November 2019"), then the years of
/// "in 2012", each a slice of `text`, so its offset is where it starts.
pub fn find_periods(text: &str) -> Vec<&str> {
    let words: Vec<(usize, &str)> = words(text).collect();
    month_years(text, &words).chain(led_years(&words)).collect()
}

fn month_years<'t>(text: &'t str, words: &[(usize, &'t str)]) -> impl Iterator<Item = &'t str> {
    words.windows(2).filter_map(move |w| {
        let ((start, word), (at, y)) = (w[0], w[1]);
        let month = Date::month_from_name(word)
            .filter(|_| word.len() >= 3 && word.starts_with(char::is_uppercase));
        let gap = &text[start + word.len()..at];
        (month.is_some() && year_of(y).is_some() && gap.trim().is_empty())
            .then(|| &text[start..at + y.len()])
    })
}

fn led_years<'t>(words: &[(usize, &'t str)]) -> impl Iterator<Item = &'t str> {
    words.windows(2).filter_map(|w| {
        let lead = w[0].1.to_lowercase();
        (lexicon::get().year_leads.contains(&lead) && year_of(w[1].1).is_some()).then_some(w[1].1)
    })
}

/// Whether one sentence of the text names a meeting ("Meeting", "Summit", as the
/// lexicon writes them) and a time later than `date`, its release's: how a release tells
/// a meeting to come ("The next Meeting will be held in Jakarta in 2026"), not one it
/// reports. A sentence that names a meeting and a later plan ("the Meeting adopted the
/// Plan for 2021-2025") passes too: the rule reads dates, not what they belong to. When
/// the question asks of an anniversary, one to come is told the same way ("the 50th
/// anniversary … in 2025").
pub fn states_meeting_after(text: &str, date: Date, anniversary: bool) -> bool {
    let lex = lexicon::get();
    let event = |w: &str| {
        lex.meeting_words.contains(w) || anniversary && w.eq_ignore_ascii_case(&lex.anniversary)
    };
    sentences(text).into_iter().any(|(start, end)| {
        let sentence = &text[start..end];
        words(sentence).any(|(_, w)| event(w)) && states_time_after(sentence, date)
    })
}

/// Whether the text names a time later than `date` (its release's): a day after it
/// ("on November 3" in a release of July 1, a year taken as the release's when none is
/// written), or a year after its year ("in 2026", "November 2026"). A year of its own
/// year alone may be past or to come, and does not count.
fn states_time_after(text: &str, date: Date) -> bool {
    let later_day = find_dates(text).iter().any(|d| {
        let year = d.year.unwrap_or(date.year);
        (year, d.month, d.day) > (date.year, date.month, date.day)
    });
    let later_year = words(text)
        .filter_map(|(_, w)| year_of(w))
        .any(|y| y > date.year);
    later_day || later_year
}

/// Whether the text gives a time of day: "10 a.m.", "3:30 p.m.", "at 9 o'clock".
pub fn has_clock_time(text: &str) -> bool {
    let lower = text.to_lowercase();
    let marked = lexicon::get()
        .clock_marks
        .iter()
        .any(|m| lower.contains(m.as_str()));
    let b = lower.as_bytes();
    let hh_mm = (1..b.len().saturating_sub(2)).any(|i| {
        b[i] == b':'
            && b[i - 1].is_ascii_digit()
            && b[i + 1].is_ascii_digit()
            && b[i + 2].is_ascii_digit()
    });
    marked || hh_mm
}

/// The time of day the text gives, as written: "20:00-22:30" of "at 20:00-22:30,
/// August 4", "10 a.m.", "3:30 p.m.".
pub fn find_clock_time(text: &str) -> Option<&str> {
    let marks = &lexicon::get().clock_marks;
    let is_mark = |w: &str| marks.iter().any(|m| w.eq_ignore_ascii_case(m));
    let words = spaced_words(text);
    let at = words.iter().position(|(_, w)| {
        let b = w.as_bytes();
        (1..b.len().saturating_sub(2)).any(|i| {
            b[i] == b':'
                && b[i - 1].is_ascii_digit()
                && b[i + 1..i + 3].iter().all(u8::is_ascii_digit)
        })
    });
    let at = at.or_else(|| {
        let mark = words.iter().position(|(_, w)| is_mark(w))?;
        mark.checked_sub(1)
            .filter(|&i| words[i].1.starts_with(|c: char| c.is_ascii_digit()))
    })?;
    let (start, first) = words[at];
    let end = match words.get(at + 1) {
        Some((s, w)) if is_mark(w) => s + w.len(),
        _ => start + first.trim_end_matches([',', ';', '.', ')']).len(),
    };
    text.get(start..end)
}

/// An ordinal anniversary the text names ("the *40th anniversary* of diplomatic
/// relations", lexicon `anniversary`): a count of years, said as releases say it.
pub fn anniversary_phrase(text: &str) -> Option<&str> {
    let lex = lexicon::get();
    let tokens: Vec<(usize, &str)> = words(text).collect();
    tokens.windows(2).find_map(|pair| {
        let [(at, ordinal), (next, word)] = pair else {
            return None;
        };
        (ordinal_number(ordinal).is_some() && word.eq_ignore_ascii_case(&lex.anniversary))
            .then(|| &text[*at..next + word.len()])
    })
}

/// Whether the text states a quantity: a percentage, a sum of money, a count ("ten
/// ASEAN Member States", "8 core lines") — not an ordinal, a date or a year.
pub fn has_quantity(text: &str) -> bool {
    let lex = lexicon::get();
    if text.contains('%') || lex.money.iter().any(|u| text.contains(u.as_str())) {
        return true;
    }
    let dates: Vec<(usize, usize)> = find_dates(text)
        .iter()
        .map(|d| (d.start, d.start + d.phrase.len()))
        .collect();
    words(text).any(|(at, w)| {
        let in_date = dates.iter().any(|&(s, e)| at >= s && at < e);
        // "COVID-19", "KF-21", "G20": a number joined to a word names a thing.
        let before = text[..at].strip_suffix('-').unwrap_or(&text[..at]);
        let in_name = before.ends_with(|c: char| c.is_alphabetic());
        let cardinal =
            w.bytes().all(|b| b.is_ascii_digit()) && year_of(w).is_none() && !in_date && !in_name;
        cardinal || lex.number_words.contains(&w.to_lowercase())
    })
}

/// The amount a text states, with the words that make it one: the number, the
/// modifiers before it (`amount_modifiers`, a money mark: "an annual", "about USD") and
/// its scale and unit after it ("million U.S. dollars", "%"). `None` when the text
/// states no number, or a bare one: "ten" alone says nothing a reader can use.
pub fn amount_phrase(text: &str) -> Option<&str> {
    let lex = lexicon::get();
    let tokens = spaced_words(text);
    fn bare(w: &str) -> &str {
        w.trim_matches(|c: char| !c.is_alphanumeric() && c != '%' && c != '$')
    }
    let money = |w: &str| lex.money.iter().any(|m| w.contains(m.as_str()));
    let dates: Vec<(usize, usize)> = find_dates(text)
        .iter()
        .map(|d| (d.start, d.start + d.phrase.len()))
        .collect();
    let number = |&(at, w): &(usize, &str)| {
        let w = bare(w);
        let in_date = dates.iter().any(|&(s, e)| at >= s && at < e);
        let digits = w.bytes().all(|b| b.is_ascii_digit() || b == b'.') && !w.is_empty();
        (digits && year_of(w).is_none() && !in_date)
            || lex.number_words.contains(&w.to_lowercase())
            || w.ends_with('%')
    };
    let first = tokens.iter().position(number)?;
    let scale = |w: &str| {
        let b = bare(w).to_lowercase();
        lex.number_words.contains(&b)
            || lex.amount_units.contains(&b)
            || money(w)
            || abbreviation(w)
    };
    let last = first
        + tokens[first + 1..]
            .iter()
            .take_while(|(_, w)| scale(w))
            .count();
    let lead = |w: &str| lex.amount_modifiers.contains(&w.to_lowercase()) || money(w);
    let start = first
        - tokens[..first]
            .iter()
            .rev()
            .take_while(|(_, w)| lead(w))
            .count();
    let (_, alone) = tokens[first];
    if start == first && last == first && !bare(alone).ends_with('%') && !money(alone) {
        return None;
    }
    let (end_at, end_word) = tokens[last];
    let end_word = if abbreviation(end_word) {
        end_word
    } else {
        end_word.trim_end_matches([',', '.', ';', ':'])
    };
    text.get(tokens[start].0..end_at + end_word.len())
}

/// "U.S.", "U.K.": capitals with periods between them.
fn abbreviation(w: &str) -> bool {
    w.len() >= 3 && w.contains('.') && w.chars().all(|c| c.is_ascii_uppercase() || c == '.')
}

/// Whether `text` still states an amount once the numbers of `question` are taken out
/// of it ("How many KF-21 jets …?" is not answered by "KF-21").
/// A count the question spells ("ASEAN Plus *Three*") is its number too: "ASEAN+3"
/// states no amount.
pub fn has_quantity_besides(text: &str, question: &str) -> bool {
    let mut rest = text.to_string();
    for number in question
        .split(|c: char| !c.is_ascii_digit())
        .filter(|n| !n.is_empty())
    {
        rest = rest.replace(number, " ");
    }
    let lex = lexicon::get();
    // Both ways: "Three" as the question writes it, and "3".
    let spelled: Vec<String> = question
        .split(|c: char| !c.is_alphabetic())
        .filter_map(|w| {
            lex.count_written_otherwise(w)
                .map(|n| [n, w.to_lowercase()])
        })
        .flatten()
        .collect();
    if !spelled.is_empty() {
        let asked = |w: &str| spelled.iter().any(|n| n.eq_ignore_ascii_case(w));
        let spans: Vec<(usize, usize)> = words(&rest)
            .filter(|(_, w)| asked(w))
            .map(|(at, w)| (at, at + w.len()))
            .collect();
        for (start, end) in spans.into_iter().rev() {
            rest.replace_range(start..end, " ");
        }
    }
    has_quantity(&rest)
}

/// Words (runs of letters, digits and apostrophes/periods inside) with their offsets.
/// The text's words between spaces, punctuation kept ("Kang,"), with their byte
/// offsets.
pub fn spaced_words(text: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut pos = 0;
    for w in text.split(' ') {
        if !w.is_empty() {
            out.push((pos, w));
        }
        pos += w.len() + 1;
    }
    out
}

fn words(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.split_word_bound_indices()
}

trait WordBounds {
    fn split_word_bound_indices(&self) -> std::vec::IntoIter<(usize, &str)>;
}

impl WordBounds for str {
    fn split_word_bound_indices(&self) -> std::vec::IntoIter<(usize, &str)> {
        let mut out = Vec::new();
        let mut start = None;
        for (i, c) in self.char_indices() {
            match (c.is_alphanumeric(), start) {
                (true, None) => start = Some(i),
                (false, Some(s)) => {
                    out.push((s, &self[s..i]));
                    start = None;
                }
                _ => {}
            }
        }
        if let Some(s) = start {
            out.push((s, &self[s..]));
        }
        out.into_iter()
    }
}

/// "26th ASEAN-ROK Dialogue" or "23rd ASEAN-ROK Foreign Ministers’ Meeting": an ordinal
/// followed by capitalised words, up to a word that names a kind of meeting.
pub fn find_meeting(text: &str) -> Option<String> {
    let meeting_words = &lexicon::get().meeting_words;
    let tokens: Vec<&str> = text.split_whitespace().collect();
    for (i, token) in tokens.iter().enumerate() {
        if ordinal_number(token).is_none() {
            continue;
        }
        let mut end = None;
        for (j, word) in tokens.iter().enumerate().skip(i + 1) {
            let bare = word.trim_end_matches([',', '.', ';', ':', ')']);
            if !bare.starts_with(|c: char| c.is_uppercase()) {
                break;
            }
            if meeting_words.contains(bare) {
                end = Some(j);
            }
            if bare.len() != word.len() {
                break;
            }
        }
        if let Some(end) = end {
            let phrase = tokens[i..=end].join(" ");
            return Some(
                phrase
                    .trim_end_matches([',', '.', ';', ':', ')'])
                    .to_string(),
            );
        }
    }
    None
}

/// The last meeting named before byte `at` in its sentence, as written: a run of
/// capitalised words (and `meeting_joiners`: "Republic *of* Korea") that ends in a
/// meeting word — "ASEAN-Republic of Korea Foreign Ministers’ Meeting" of "… the
/// ASEAN-Republic of Korea Foreign Ministers’ Meeting held at 19:40-21:00". The
/// date or time after it is that meeting's.
pub fn meeting_before(text: &str, at: usize) -> Option<&str> {
    const ENDS: [char; 7] = [',', '.', ';', ':', ')', '”', '"'];
    let lex = lexicon::get();
    let before = sentence_before(text, at)?;
    let start = at - before.len();
    let (mut run, mut last) = (None, None);
    for (offset, word) in spaced_words(before) {
        let bare = word.trim_end_matches(ENDS);
        let from = start + offset;
        // An acronym in brackets stays inside the name: "East Asia Summit (EAS)
        // Foreign Ministers’ Meeting".
        if word.starts_with('(') && word.ends_with(')') && run.is_some() {
            continue;
        }
        if word.starts_with(|c: char| c.is_uppercase() || c.is_ascii_digit()) {
            run = run.or(Some(from));
        } else if !lex.meeting_joiners.contains(word) {
            run = None;
        }
        if let Some(run_start) = run.filter(|_| lex.meeting_words.contains(bare)) {
            last = text.get(run_start..from + bare.len());
        }
        if bare.len() != word.len() {
            run = None;
        }
    }
    last
}

/// The part of the sentence holding byte `at` that comes before it.
pub fn sentence_before(text: &str, at: usize) -> Option<&str> {
    let (start, _) = sentences(text)
        .into_iter()
        .find(|&(s, e)| s <= at && at <= e)?;
    text.get(start..at)
}

const UNITS: [&str; 10] = [
    "", "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth",
];
const TEENS: [&str; 10] = [
    "tenth",
    "eleventh",
    "twelfth",
    "thirteenth",
    "fourteenth",
    "fifteenth",
    "sixteenth",
    "seventeenth",
    "eighteenth",
    "nineteenth",
];
const TENS: [(&str, &str, u32); 5] = [
    ("twenty", "twentieth", 20),
    ("thirty", "thirtieth", 30),
    ("forty", "fortieth", 40),
    ("fifty", "fiftieth", 50),
    ("sixty", "sixtieth", 60),
];

/// The number of an ordinal: "26th" → 26, "twenty-sixth" → 26, "Third" → 3.
pub fn ordinal_number(word: &str) -> Option<u32> {
    let w = word
        .trim_matches(|c: char| !c.is_alphanumeric())
        .to_lowercase();
    let digits = w.bytes().take_while(u8::is_ascii_digit).count();
    if digits > 0 {
        let suffix = &w[digits..];
        let n: u32 = w[..digits].parse().ok()?;
        let right = match (n % 100, n % 10) {
            (11..=13, _) => "th",
            (_, 1) => "st",
            (_, 2) => "nd",
            (_, 3) => "rd",
            _ => "th",
        };
        return (suffix == right || (suffix == "th" && digits <= 3)).then_some(n);
    }
    word_ordinal(&w)
}

fn word_ordinal(w: &str) -> Option<u32> {
    if let Some(i) = UNITS.iter().position(|u| !u.is_empty() && *u == w) {
        return Some(i as u32);
    }
    if let Some(i) = TEENS.iter().position(|t| *t == w) {
        return Some(10 + i as u32);
    }
    for (tens, tenth, value) in TENS {
        if w == tenth {
            return Some(value);
        }
        if let Some(unit) = w
            .strip_prefix(tens)
            .map(|r| r.trim_start_matches(['-', ' ']))
            && let Some(i) = UNITS.iter().position(|u| !u.is_empty() && *u == unit)
        {
            return Some(value + i as u32);
        }
    }
    None
}

/// "26" → "26th".
pub fn ordinal_suffix(n: u32) -> String {
    let suffix = match (n % 100, n % 10) {
        (11..=13, _) => "th",
        (_, 1) => "st",
        (_, 2) => "nd",
        (_, 3) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

/// Byte ranges of the sentences of a paragraph. Keeps "Dr. Kao", "Retno L.P. Marsudi"
/// and "the U.S. and India" inside one sentence.
pub fn sentences(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, c) in text.char_indices() {
        if !matches!(c, '.' | '?' | '!') {
            continue;
        }
        let mut end = i + 1;
        // Closing quotes and brackets belong to the sentence they end.
        while let Some(next) = text[end..].chars().next().filter(|c| "\"”’)".contains(*c)) {
            end += next.len_utf8();
        }
        let rest = &text[end..];
        let next_starts_sentence = rest.starts_with([' ', '\u{a0}'])
            && rest
                .trim_start()
                .starts_with(|c: char| c.is_uppercase() || "\"“(‘".contains(c));
        if c == '.' && is_abbreviation(&text[start..i]) {
            continue;
        }
        if next_starts_sentence || rest.trim().is_empty() {
            if rest.trim().is_empty() {
                end = text.len();
            }
            out.push((start, end));
            start = end + (rest.len() - rest.trim_start().len());
            if start >= text.len() {
                break;
            }
        }
    }
    if start < text.len() && !text[start..].trim().is_empty() {
        out.push((start, text.len()));
    }
    out
}

fn is_abbreviation(before: &str) -> bool {
    let word = before.rsplit([' ', '\u{a0}', '(']).next().unwrap_or("");
    let single_initial = word.chars().count() == 1 && word.starts_with(char::is_uppercase);
    let initials = word.contains('.') && word.split('.').all(|p| p.chars().count() <= 1);
    single_initial || initials || lexicon::get().abbreviations.contains(word)
}

/// The places a text names after "in", in order: "Vientiane, Lao PDR" from "… in
/// Vientiane, Lao PDR, on July 26".
pub fn places(text: &str) -> impl Iterator<Item = &str> {
    text.match_indices(" in ").filter_map(move |(at, _)| {
        let run = capitalised_run(&text[at + 4..], true);
        let first = run.split([' ', ',']).next().unwrap_or("");
        let month = crate::corpus::Date::month_from_name(first).is_some();
        let not_place = lexicon::get().not_places.contains(first);
        (!run.is_empty() && !not_place && !month).then_some(run)
    })
}

/// The bodies a text names, each as the range of its words in `words` (the text split
/// at white space, punctuation trimmed): "Mekong Institute" in "the role of the Mekong
/// Institute, the overseer …" — capitalised words ending in one of the lexicon's
/// `organisation_words`.
pub fn organisations<'a>(
    words: &'a [&'a str],
) -> impl Iterator<Item = std::ops::Range<usize>> + 'a {
    let body = &lexicon::get().organisation_words;
    let capital = |w: &str| w.starts_with(char::is_uppercase);
    (1..words.len())
        .filter(move |&end| body.contains(words[end]))
        .filter_map(move |end| {
            let start = (0..end).rev().take_while(|&i| capital(words[i])).last()?;
            Some(start..end + 1)
        })
}

/// The longest prefix of `text` made of capitalised words (and, when `commas`, of
/// several such groups separated by ", ").
fn capitalised_run(text: &str, commas: bool) -> &str {
    let mut end = 0;
    let mut pos = 0;
    for word in text.split_inclusive(' ') {
        let bare = word.trim_end();
        let core = bare.trim_end_matches([',', '.', ';', ':', ')']);
        if !core.starts_with(|c: char| c.is_uppercase()) {
            break;
        }
        end = pos + core.len();
        if bare.len() != core.len() && !(commas && bare.ends_with(',')) {
            break;
        }
        pos += word.len();
    }
    &text[..end]
}

/// Folds text for comparison: lower case, straight quotes, white space runs to one space.
pub fn fold(text: &str) -> String {
    let mapped: String = text
        .chars()
        .map(|c| match c {
            '’' | '‘' | '′' => '\'',
            '“' | '”' => '"',
            '\u{a0}' => ' ',
            other => other,
        })
        .flat_map(char::to_lowercase)
        .collect();
    mapped.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A four-digit year in a plausible range.
pub fn year_of(word: &str) -> Option<u16> {
    let w = word.trim_matches(|c: char| !c.is_alphanumeric());
    (w.len() == 4 && w.bytes().all(|b| b.is_ascii_digit()))
        .then(|| w.parse().ok())
        .flatten()
        .filter(|y| (1950..2100).contains(y))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_period_of_a_text_is_found_in_order() {
        let text = "established relations in November 1958 and a partnership in 2012, since 2019";
        assert_eq!(find_periods(text), vec!["November 1958", "2012", "2019"]);
        assert_eq!(find_period(text), Some("November 1958"));
        assert_eq!(find_periods("on May 3"), Vec::<&str>::new());
    }

    #[test]
    fn a_date_belongs_to_the_meeting_named_just_before_it() {
        let text = "On September 9, Minister of Foreign Affairs Kang, Kyung-wha attended in her capacity as Co-chair the ASEAN-Republic of Korea Foreign Ministers’ Meeting held at 19:40-21:00, Korea Standard Time, in the wake of the ASEAN Plus Three Foreign Ministers’ Meeting. In the Meeting, they met.";
        let at = text.find("19:40").unwrap_or(0);
        assert_eq!(
            meeting_before(text, at),
            Some("ASEAN-Republic of Korea Foreign Ministers’ Meeting")
        );
        assert_eq!(
            meeting_before(text, text.find("September").unwrap_or(0)),
            None
        );
        let text =
            "Kang attended the East Asia Summit (EAS) Foreign Ministers’ Meeting on August 2.";
        let at = text.find("August").unwrap_or(0);
        assert_eq!(
            meeting_before(text, at),
            Some("East Asia Summit (EAS) Foreign Ministers’ Meeting")
        );
        let q = "What time did the ASEAN Plus Three Foreign Ministers' Meeting begin?";
        assert_eq!(
            meeting_before(q, q.len()),
            Some("ASEAN Plus Three Foreign Ministers' Meeting")
        );
    }

    #[test]
    fn a_meeting_to_come_is_one_dated_after_its_release() {
        let release = Date::new(2020, 9, 9).unwrap();
        let after = |text: &str| states_meeting_after(text, release, false);
        assert!(after("The next Meeting will be held in Jakarta in 2021."));
        assert!(after("The Summit will take place on November 3."));
        assert!(!after(
            "They had launched the Meeting during the Summit in 2019."
        ));
        assert!(!after("The Meeting was held on September 9."));
        // A later year in a sentence without a meeting is a plan, not a meeting.
        assert!(!after(
            "The Plan of Action for 2021-2025 was adopted. It was a Meeting."
        ));
        // An anniversary to come is told the same way, when one is asked of.
        let jubilee = |text: &str| states_meeting_after(text, release, true);
        assert!(jubilee(
            "They look to the 50th anniversary of relations in 2021."
        ));
        assert!(!after(
            "They look to the 50th anniversary of relations in 2021."
        ));
        assert!(!jubilee(
            "They marked the 10th anniversary of the partnership."
        ));
    }

    #[test]
    fn a_count_the_question_spells_is_no_amount() {
        let q = "How many areas does ASEAN Plus Three cover?";
        assert!(!has_quantity_besides(
            "the ASEAN Plus Three (ASEAN+3/APT)",
            q
        ));
        assert!(has_quantity_besides("cooperation across 20 areas", q));
    }

    #[test]
    fn the_questions_own_numbers_are_no_amount() {
        let q = "How many KF-21 fighter jets will Indonesia buy?";
        assert!(!has_quantity_besides(
            "the joint development program of fighter jets (KF-21/IF-X)",
            q
        ));
        assert!(has_quantity_besides("Indonesia will buy 48 KF-21 jets", q));
    }

    #[test]
    fn a_number_joined_to_a_word_is_a_name_not_an_amount() {
        assert!(!has_quantity(
            "the ROK government’s COVID-19-related measures"
        ));
        assert!(!has_quantity("the KF-21 program"));
        assert!(has_quantity("some 100 diplomats of about 70 embassies"));
        assert!(has_quantity("a 10-year plan"));
    }

    #[test]
    fn places_follow_in_and_are_not_months_or_ourselves() {
        let found: Vec<&str> =
            places("held in Seoul, the ROK, in July and in ASEAN, then in Bangkok, Thailand.")
                .collect();
        assert_eq!(found, ["Seoul", "Bangkok, Thailand"]);
    }

    #[test]
    fn the_time_of_day_as_written() {
        let time = |t| find_clock_time(t);
        assert_eq!(
            time("held via video conference at 20:00-22:30, August 4."),
            Some("20:00-22:30")
        );
        assert_eq!(time("starting at 10 a.m. on June 3"), Some("10 a.m."));
        assert_eq!(time("at 3:30 p.m. local time"), Some("3:30 p.m."));
        assert_eq!(time("on 9 June 2022"), None);
        assert_eq!(time("in the 2021-2025 period"), None);
    }

    #[test]
    fn months_without_a_day() {
        let text = "Dr. Kao was inaugurated in January this year and visited on June 15-18, in May 2019 and in May 15 to 16.";
        let found: Vec<&str> = find_months(text).into_iter().map(|(_, p)| p).collect();
        assert_eq!(found, ["January", "May 2019"]);
    }

    #[test]
    fn finds_date_phrases_verbatim() {
        let cases = [
            (
                "held in Seoul, the ROK, on July 1. The two",
                "July 1",
                7,
                1,
                None,
                None,
            ),
            (
                "in Bangkok, Thailand, from May 15 to 16. This",
                "May 15 to 16",
                5,
                15,
                Some(16),
                None,
            ),
            (
                "visited Korea on June 15-18 for the first",
                "June 15-18",
                6,
                15,
                Some(18),
                None,
            ),
            (
                "the ASEAN Summit (May 26–27), as well",
                "May 26–27",
                5,
                26,
                Some(27),
                None,
            ),
            (
                "on July 26, 2024, in Vientiane",
                "July 26, 2024",
                7,
                26,
                None,
                Some(2024),
            ),
            // Day first, as some releases write it.
            (
                "held online at 11:00-17:30 (KST) on 9 June 2022. The",
                "9 June 2022",
                6,
                9,
                None,
                Some(2022),
            ),
            ("on 9 June via video", "9 June", 6, 9, None, None),
        ];
        for (text, phrase, month, day, end, year) in cases {
            let d = find_date(text).unwrap_or_else(|| panic!("no date in {text:?}"));
            assert_eq!(
                (d.phrase, d.month, d.day, d.end_day, d.year),
                (phrase, month, day, end, year)
            );
        }
    }

    #[test]
    fn month_words_without_a_day_are_not_dates() {
        assert_eq!(find_date("held in November 2019 and"), None);
        assert_eq!(find_date("the March of progress"), None);
        assert_eq!(find_date("the may 5 thing"), None);
    }

    #[test]
    fn finds_meetings_by_ordinal_and_kind() {
        assert_eq!(
            find_meeting("Outcome of the 26th ASEAN-ROK Dialogue").as_deref(),
            Some("26th ASEAN-ROK Dialogue")
        );
        assert_eq!(
            find_meeting("Minister Attends 23rd ASEAN-ROK Foreign Ministers’ Meeting").as_deref(),
            Some("23rd ASEAN-ROK Foreign Ministers’ Meeting")
        );
        assert_eq!(find_meeting("the 30th anniversary of relations"), None);
    }

    #[test]
    fn ordinals_in_digits_and_words() {
        for (w, n) in [
            ("26th", 26),
            ("1st", 1),
            ("22nd", 22),
            ("twenty-sixth", 26),
            ("Third", 3),
            ("thirtieth", 30),
            ("eleventh", 11),
        ] {
            assert_eq!(ordinal_number(w), Some(n), "{w}");
        }
        for w in ["26", "2nd3", "sixth-ish", "the"] {
            assert_eq!(ordinal_number(w), None, "{w}");
        }
        assert_eq!(ordinal_suffix(23), "23rd");
        assert_eq!(ordinal_suffix(11), "11th");
    }

    #[test]
    fn sentences_survive_abbreviations_and_initials() {
        let text = "Minister Cho met Retno L.P. Marsudi. Dr. Kao came. ASEAN set up CSPs with the U.S. and India in 2022.";
        let got: Vec<&str> = sentences(text)
            .into_iter()
            .map(|(s, e)| &text[s..e])
            .collect();
        assert_eq!(
            got,
            [
                "Minister Cho met Retno L.P. Marsudi.",
                "Dr. Kao came.",
                "ASEAN set up CSPs with the U.S. and India in 2022."
            ]
        );
    }

    #[test]
    fn sentences_keep_closing_quotes_and_unfinished_tails() {
        let text = "They named it “ASEAN Cyber Shield.” It helps. No final stop";
        let got: Vec<&str> = sentences(text)
            .into_iter()
            .map(|(s, e)| &text[s..e])
            .collect();
        assert_eq!(
            got,
            [
                "They named it “ASEAN Cyber Shield.”",
                "It helps.",
                "No final stop"
            ]
        );
    }

    #[test]
    fn periods_and_quantities() {
        assert_eq!(
            find_period("the Summit held in November 2019 and"),
            Some("November 2019")
        );
        assert_eq!(
            find_period("since establishing dialogue partnership in 1989."),
            Some("1989")
        );
        assert_eq!(find_period("on July 1"), None);
        assert!(has_quantity("from the ten ASEAN Member States"));
        let fund =
            "in 2020 after expanding the Fund to an annual 14 million U.S. dollars last year";
        assert_eq!(
            amount_phrase(fund),
            Some("an annual 14 million U.S. dollars")
        );
        assert_eq!(
            amount_phrase("about USD 200 billion in bilateral trade"),
            Some("about USD 200 billion")
        );
        assert_eq!(
            amount_phrase("25% of Korea’s total bilateral ODA"),
            Some("25%")
        );
        assert_eq!(amount_phrase("from the ten ASEAN Member States"), None);
        assert_eq!(amount_phrase("on July 1 in 2022"), None);
        assert!(has_quantity("25% of total ODA"));
        assert!(has_quantity("KASI’s 8 core lines"));
        assert!(!has_quantity("the 26th Dialogue on July 1 in 2022"));
    }

    #[test]
    fn folding_matches_what_the_eval_compares() {
        assert_eq!(
            fold("Korea’s  “Special”\u{a0}Partner"),
            "korea's \"special\" partner"
        );
    }
}
