//! The lead: one line that states the fact asked for — a date, a place, a person, an
//! amount — cut verbatim from the best quote, followed by its citation number. When no
//! such fact stands in the quote, the lead names the release the quotes come from.

use tantivy::tokenizer::TextAnalyzer;

use super::types::Citation;
use crate::corpus::Release;
use crate::search::analyzer;
use crate::search::rank::{Weights, contains, has_amount};
use crate::search::{Kind, Question};
use crate::text::find_dates;

pub fn lead(q: &Question, w: &Weights, release: &Release, c: &Citation, a: &TextAnalyzer) -> String {
    let fact = match q.kind {
        Kind::When => when(release, &c.snippet),
        Kind::Where => place(q, &c.snippet),
        Kind::Who => person(q, &c.snippet),
        Kind::HowMuch => amount(q, w, &c.snippet, a),
        Kind::YesNo => Some("Yes, the releases say so".to_string()),
        Kind::What => None,
    };
    match fact {
        Some(fact) => format!("{fact} [{}]", c.rank),
        None => format!("From “{}” ({}):", release.title, release.date.long()),
    }
}

/// "May 15 to 16, 2025": the quote's date phrase, with the release's year when the
/// phrase has none.
fn when(release: &Release, snippet: &str) -> Option<String> {
    let d = find_dates(snippet).into_iter().next()?;
    Some(match d.year {
        Some(_) => d.phrase.to_string(),
        None => format!("{}, {}", d.phrase, release.date.year),
    })
}

/// Words that start a capitalised run but are not a place.
const NOT_PLACES: &[&str] = &[
    "the", "The", "ASEAN", "January", "February", "March", "April", "May", "June", "July",
    "August", "September", "October", "November", "December", "Korea", "ROK", "In", "Meeting",
];

/// "Vientiane, Lao PDR" from "… in Vientiane, Lao PDR, on July 26".
fn place(q: &Question, snippet: &str) -> Option<String> {
    let mut rest = snippet;
    while let Some(at) = rest.find(" in ") {
        let after = &rest[at + 4..];
        let run = capitalised_run(after, true);
        let first = run.split([' ', ',']).next().unwrap_or("");
        let asked = q.concepts.iter().any(|c| c.asked == first);
        if !run.is_empty() && !NOT_PLACES.contains(&first) && !asked {
            return Some(run.to_string());
        }
        rest = after;
    }
    None
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

/// Titles that come before a name and are not part of it.
const TITLES: &[&str] = &[
    "Minister", "Deputy", "Prime", "Foreign", "Vice", "President", "Secretary-General", "Dr.",
    "Ambassador", "Acting", "Leader", "Director-General", "Head", "Chair", "Co-chair", "Mr.",
    "Ms.", "Affairs", "Secretary", "General", "Senior", "Officials", "Political", "Ministry",
    "Ministers", "Meeting", "Member", "States", "Deputy-Secretary-General",
];

/// A person's name in the quote, nearest to the words the question asked about:
/// "Vu Ho" for "Who acted as leader of the ASEAN SOM …".
fn person(q: &Question, snippet: &str) -> Option<String> {
    let asked: Vec<&str> = q.concepts.iter().flat_map(|c| c.asked.split_whitespace()).collect();
    let words: Vec<(usize, &str)> = word_offsets(snippet);
    let mut best: Option<(usize, String)> = None;
    let mut i = 0;
    while i < words.len() {
        let run: Vec<&str> = words[i..]
            .iter()
            .map(|(_, w)| *w)
            .take_while(|w| is_name_word(w))
            .collect();
        if run.is_empty() {
            i += 1;
            continue;
        }
        let name: Vec<&str> = run
            .iter()
            .map(|w| w.trim_end_matches([',', '.', ';', ':', ')']))
            .filter(|w| !TITLES.contains(w) && !asked.iter().any(|a| a.eq_ignore_ascii_case(w)))
            .collect();
        let clean = name.iter().all(|w| !w.contains(['(', '“', '"']) && !w.chars().all(|c| c.is_uppercase()));
        if name.len() >= 2 && clean {
            let distance = distance_to_asked(&words, i, run.len(), &asked);
            if best.as_ref().is_none_or(|(d, _)| distance < *d) {
                best = Some((distance, name.join(" ")));
            }
        }
        i += run.len();
    }
    best.map(|(_, name)| name)
}

fn is_name_word(w: &str) -> bool {
    let core = w.trim_end_matches([',', '.', ';', ':', ')']);
    core.starts_with(|c: char| c.is_uppercase()) && core.len() == w.len()
        || (core.starts_with(|c: char| c.is_uppercase()) && w.ends_with(','))
}

fn word_offsets(text: &str) -> Vec<(usize, &str)> {
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

fn distance_to_asked(words: &[(usize, &str)], start: usize, len: usize, asked: &[&str]) -> usize {
    words
        .iter()
        .enumerate()
        .filter(|(_, (_, w))| {
            let core = w.trim_matches(|c: char| !c.is_alphanumeric()).to_lowercase();
            asked.iter().any(|a| a.to_lowercase() == core || (core.len() > 4 && a.to_lowercase().starts_with(&core[..4])))
        })
        .map(|(j, _)| if j < start { start - j } else { j.saturating_sub(start + len - 1) })
        .min()
        .unwrap_or(usize::MAX / 2)
}

/// The clause of the quote that states an amount and shares most with the question:
/// "25% of Korea’s total bilateral ODA".
fn amount(q: &Question, w: &Weights, snippet: &str, a: &TextAnalyzer) -> Option<String> {
    let clauses = snippet.split([',', ';', '(', ')']).flat_map(|c| c.split(" -- "));
    let scored = clauses.filter(|c| has_amount(c) || c.contains(|ch: char| ch.is_ascii_digit()));
    let best = scored
        .map(|clause| {
            let stems = analyzer::stems(a, clause);
            let value: f32 = q
                .concepts
                .iter()
                .zip(&w.weight)
                .filter(|(c, _)| c.variants.iter().any(|v| contains(&stems, v)))
                .map(|(_, w)| w)
                .sum();
            (value + if has_amount(clause) { 0.5 } else { 0.0 }, clause.trim())
        })
        .max_by(|x, y| x.0.total_cmp(&y.0))?;
    (!best.1.is_empty()).then(|| best.1.to_string())
}
