//! The words questions are read with (`config/lexicon.toml`, compiled in): stop words
//! and the cues that say what kind of fact a question asks for. Data, not code: a new
//! cue is a line in the file and a row in `tests/data/regressions.jsonl`.

use std::sync::OnceLock;

use serde::Deserialize;

use super::Kind;

const LEXICON: &str = include_str!("../../config/lexicon.toml");

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Lexicon {
    stop_words: String,
    frames: Frames,
    yes_no: Vec<String>,
    joint_roles: Vec<String>,
    clock_time: Vec<String>,
    detachments: Vec<(String, String)>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Frames {
    when: Vec<String>,
    #[serde(rename = "where")]
    where_: Vec<String>,
    how_much: Vec<String>,
    who: Vec<String>,
}

/// The built-in lexicon. It is checked by a unit test, so a broken file fails the
/// build's tests rather than a user's question; were it ever unreadable, questions are
/// read with no stop words or cues.
pub fn get() -> &'static Lexicon {
    static LEX: OnceLock<Lexicon> = OnceLock::new();
    LEX.get_or_init(|| toml::from_str(LEXICON).unwrap_or_default())
}

impl Lexicon {
    pub fn stop_words(&self) -> impl Iterator<Item = &str> {
        self.stop_words.split_whitespace()
    }

    /// Whether the question asks who held a role jointly ("Who co-chaired …?").
    pub fn asks_joint_role(&self, question: &str) -> bool {
        holds_any(question, &self.joint_roles)
    }

    /// (ending, replacement) pairs that give an inflected word's dictionary forms.
    pub fn detachments(&self) -> impl Iterator<Item = (&str, &str)> {
        self.detachments
            .iter()
            .map(|(end, with)| (end.as_str(), with.as_str()))
    }

    /// Whether the question asks for a time of day ("What time did it start?").
    pub fn asks_clock_time(&self, question: &str) -> bool {
        holds_any(question, &self.clock_time)
    }

    /// The kind of fact a question asks for, from its lower-case words.
    pub fn kind_of(&self, words: &[&str]) -> Kind {
        let opening = self.cue_at(words, 0);
        let first = words.first().copied().unwrap_or("");
        if let Some(kind) = opening {
            kind
        } else if matches!(first, "what" | "which") {
            Kind::What
        } else if self.yes_no.iter().any(|w| w == first) {
            Kind::YesNo
        } else {
            (0..words.len())
                .find_map(|at| self.cue_at(words, at))
                .unwrap_or(Kind::What)
        }
    }

    /// The kind whose cue starts at word `at`; the longest cue wins ("which country
    /// hosted" over "which country").
    fn cue_at(&self, words: &[&str], at: usize) -> Option<Kind> {
        let f = &self.frames;
        let kinds = [
            (Kind::When, &f.when),
            (Kind::Where, &f.where_),
            (Kind::HowMuch, &f.how_much),
            (Kind::Who, &f.who),
        ];
        kinds
            .iter()
            .flat_map(|(kind, cues)| cues.iter().map(move |c| (*kind, c)))
            .filter(|(_, cue)| {
                let cue: Vec<&str> = cue.split_whitespace().collect();
                words.get(at..at + cue.len()) == Some(&cue[..])
            })
            .max_by_key(|(_, cue)| cue.len())
            .map(|(kind, _)| kind)
    }
}

/// Whether the question holds one of the phrases, as whole words.
fn holds_any(question: &str, phrases: &[String]) -> bool {
    let lower = question.to_lowercase();
    let words = words(&lower);
    phrases.iter().any(|phrase| {
        let phrase: Vec<&str> = phrase.split_whitespace().collect();
        words.windows(phrase.len()).any(|w| w == phrase.as_slice())
    })
}

/// The words of a lower-case question, as the cues are matched against them.
pub fn words(lower: &str) -> Vec<&str> {
    lower
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(q: &str) -> Kind {
        let lower = q.to_lowercase();
        get().kind_of(&words(&lower))
    }

    #[test]
    fn the_shipped_lexicon_parses() {
        let lex: Lexicon = toml::from_str(LEXICON).expect("config/lexicon.toml parses");
        assert!(lex.stop_words().count() > 100);
        assert!(!lex.frames.who.is_empty());
        assert!(lex.detachments().any(|(end, _)| end == "ing"));
    }

    #[test]
    fn the_opening_decides_the_kind_and_a_later_clause_does_not() {
        assert_eq!(kind("Which city hosted the 26th Dialogue?"), Kind::Where);
        assert_eq!(kind("Which country hosted it?"), Kind::Where);
        assert_eq!(kind("Which countries attended?"), Kind::Who);
        assert_eq!(
            kind("What was his position when he co-chaired it?"),
            Kind::What
        );
        assert_eq!(kind("What time did it start?"), Kind::When);
        assert_eq!(
            kind("Was Viet Nam one of the countries whose ministers met?"),
            Kind::YesNo
        );
        assert_eq!(kind("29th dialogue venue"), Kind::Where);
        assert_eq!(kind("Before their meeting, when had they met?"), Kind::When);
        assert_eq!(
            kind("How big is trade between Korea and ASEAN?"),
            Kind::HowMuch
        );
        assert_eq!(kind("Tell me about KASI"), Kind::What);
    }
}
