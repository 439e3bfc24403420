//! The words questions are read with (`config/lexicon.toml`, compiled in): stop words
//! and the cues that say what kind of fact a question asks for. Data, not code: a new
//! cue is a line in the file and a row in `tests/data/regressions.jsonl`.

use std::collections::HashSet;
use std::sync::OnceLock;

use serde::Deserialize;

const LEXICON: &str = include_str!("../config/lexicon.toml");

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Lexicon {
    stop_words: String,
    pub frames: Frames,
    pub yes_no: Vec<String>,
    joint_roles: Vec<String>,
    clock_time: Vec<String>,
    detachments: Vec<(String, String)>,
    /// Compared as written and, through `is_title`, ignoring case.
    pub titles: Words,
    pub person_titles: Words,
    pub ranks: Words,
    pub not_names: Words,
    pub particles: Words,
    pub countries: Countries,
    pub country_words: Words,
    pub home_country: Words,
    pub meeting_words: Words,
    pub not_places: Words,
    pub abbreviations: Words,
    pub number_words: Words,
    /// Found anywhere in a text, as written.
    pub money: Vec<String>,
    /// Found anywhere in a lower-case text.
    pub clock_marks: Vec<String>,
    pub year_leads: Words,
    /// Tried in order.
    pub date_ranges: Vec<String>,
}

/// The cues of each kind of question (lower case, one or more words).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Frames {
    pub when: Vec<String>,
    #[serde(rename = "where")]
    pub where_: Vec<String>,
    pub how_much: Vec<String>,
    pub who: Vec<String>,
}

/// A list of single words, sorted once so that a lookup is a search by halves and
/// allocates nothing.
#[derive(Debug, Default, Deserialize)]
#[serde(from = "Vec<String>")]
pub struct Words(Box<[String]>);

impl From<Vec<String>> for Words {
    fn from(mut words: Vec<String>) -> Words {
        words.sort_unstable();
        words.dedup();
        Words(words.into_boxed_slice())
    }
}

impl Words {
    /// Whether the word is in the list, as written.
    pub fn contains(&self, word: &str) -> bool {
        self.0.binary_search_by(|w| w.as_str().cmp(word)).is_ok()
    }

    /// Whether the word is in the list, ignoring ASCII case.
    pub fn contains_ignoring_case(&self, word: &str) -> bool {
        self.0.iter().any(|w| w.eq_ignore_ascii_case(word))
    }

    pub fn iter(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(String::as_str)
    }
}

/// Country names: those of one word of letters in a hash set (looked up for every word
/// of a candidate paragraph), the others as phrases.
#[derive(Debug, Default, Deserialize)]
#[serde(from = "Vec<String>")]
pub struct Countries {
    words: HashSet<String>,
    phrases: Vec<String>,
}

impl From<Vec<String>> for Countries {
    fn from(names: Vec<String>) -> Countries {
        let (words, phrases): (Vec<String>, Vec<String>) = names
            .into_iter()
            .partition(|n| n.chars().all(char::is_alphanumeric));
        Countries {
            words: words.into_iter().collect(),
            phrases,
        }
    }
}

impl Countries {
    /// Whether the word is a country's one-word name, as written ("Malaysia").
    pub fn is_word(&self, word: &str) -> bool {
        self.words.contains(word)
    }

    /// The names of more than one word, or with dots or hyphens ("Viet Nam", "U.S.").
    pub fn phrases(&self) -> impl Iterator<Item = &str> {
        self.phrases.iter().map(String::as_str)
    }
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

    /// Whether a word is a title or a part of one ("Secretary-General", "minister").
    pub fn is_title(&self, word: &str) -> bool {
        self.titles.contains_ignoring_case(word)
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

    #[test]
    fn the_shipped_lexicon_parses() {
        let lex: Lexicon = toml::from_str(LEXICON).expect("config/lexicon.toml parses");
        assert!(lex.stop_words().count() > 100);
        assert!(!lex.frames.who.is_empty());
        assert!(lex.detachments().any(|(end, _)| end == "ing"));
        assert!(lex.titles.contains("Minister") && lex.is_title("minister"));
        assert!(!lex.titles.contains("minister"));
        assert!(lex.countries.is_word("Malaysia") && !lex.countries.is_word("Viet"));
        assert!(lex.countries.phrases().any(|p| p == "Viet Nam"));
        assert!(lex.countries.phrases().any(|p| p == "U.S."));
        assert!(lex.meeting_words.contains("Dialogue") && lex.abbreviations.contains("Dr"));
    }
}
