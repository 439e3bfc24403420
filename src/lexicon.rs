//! The English words Attaché reads questions and releases with (`config/lexicon.toml`,
//! compiled in): stop words and the cues of each kind of question, titles and the
//! capitalised words that are not names, countries, meeting words, abbreviations,
//! number words. Data, not code: a new word is a line in the file and a row in
//! `tests/data/regressions.jsonl`.
//!
//! The file is read once, and each list kept in the form its lookups want — a sorted
//! list for a binary search, a hash set for the countries — since some are asked about
//! every candidate paragraph (`names::person`, `countries::names_country`).

use std::collections::HashSet;
use std::sync::OnceLock;

use serde::Deserialize;

const LEXICON: &str = include_str!("../config/lexicon.toml");

/// The lexicon, list by list as the file has them (each list's purpose is said there),
/// each in the form its lookups want.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Lexicon {
    stop_words: String,
    pub yes_no: Words,
    /// Lower case, in the file's order.
    pub question_words: Vec<String>,
    pub what_words: Words,
    pub manner_words: Words,
    pub event_words: Words,
    pub reason_words: Words,
    pub copulas: Words,
    pub determiners: Words,
    pub light_heads: Words,
    /// Lower case; a question opens with one and a space (`opens_with`).
    pub person_questions: Vec<String>,
    /// Lower case.
    pub person_heads: Words,
    /// Lower case; a question opens with one and a space (`opens_with`).
    pub identity_questions: Vec<String>,
    /// Lower case, found anywhere in the question.
    pub latest: Vec<String>,
    future: Words,
    past: Words,
    pub action_auxiliaries: Words,
    pub doer_joiners: Words,
    joint_roles: Vec<String>,
    clock_time: Vec<String>,
    /// Lower case.
    pub phrasal_words: Words,
    detachments: Vec<(String, String)>,
    /// (acronym, the word that ends the name spelled out).
    pub meeting_acronyms: Vec<(String, String)>,
    /// Compared as written and, through `is_title`, ignoring case.
    pub titles: Words,
    pub person_titles: Words,
    pub posts: Words,
    pub ranks: Words,
    pub not_names: Words,
    pub particles: Words,
    pub title_joiners: Words,
    pub acronym_joiners: Words,
    pub meeting_joiners: Words,
    pub countries: Countries,
    pub country_words: Words,
    pub home_country: Words,
    pub meeting_words: Words,
    pub not_places: Words,
    pub organisation_words: Words,
    pub abbreviations: Words,
    pub number_words: Words,
    /// In order of value, from zero.
    cardinals: Vec<String>,
    pub year_words: Words,
    pub anniversary: String,
    /// Found anywhere in a text, as written.
    pub money: Vec<String>,
    /// Lower case.
    pub amount_modifiers: Words,
    /// Lower case.
    pub amount_units: Words,
    /// Found anywhere in a lower-case text.
    pub clock_marks: Vec<String>,
    pub year_leads: Words,
    /// Tried in order.
    pub date_ranges: Vec<String>,
    pub standings: Words,
    /// Lower case, found as whole words (`asks_count`).
    count_cues: Vec<String>,
    /// (how-much cues, the words their amount is given in).
    pub units: Vec<(Vec<String>, Vec<String>)>,
    pub frames: Frames,
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

/// A list of single words, sorted once by length, then bytes, so that a lookup is a
/// binary search that allocates nothing and mostly compares lengths alone.
#[derive(Debug, Default, Deserialize)]
#[serde(from = "Vec<String>")]
pub struct Words(Box<[String]>);

impl From<Vec<String>> for Words {
    fn from(mut words: Vec<String>) -> Words {
        words.sort_unstable_by(|a, b| order(a).cmp(&order(b)));
        words.dedup();
        Words(words.into_boxed_slice())
    }
}

/// The order `Words` keeps: by length, then bytes.
fn order(word: &str) -> (usize, &[u8]) {
    (word.len(), word.as_bytes())
}

impl Words {
    /// Whether the word is in the list, as written.
    pub fn contains(&self, word: &str) -> bool {
        let key = order(word);
        self.0.binary_search_by(|w| order(w).cmp(&key)).is_ok()
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

    /// The names of one word.
    pub fn words(&self) -> impl Iterator<Item = &str> {
        self.words.iter().map(String::as_str)
    }

    /// The names of more than one word, or with dots or hyphens ("Viet Nam", "U.S.").
    pub fn phrases(&self) -> impl Iterator<Item = &str> {
        self.phrases.iter().map(String::as_str)
    }
}

/// The built-in lexicon. It is checked by a unit test, so a broken file fails the
/// build's tests rather than a user's question; were it ever unreadable, text is read
/// with empty lists (no stop words, cues, titles or countries).
pub fn get() -> &'static Lexicon {
    static LEX: OnceLock<Lexicon> = OnceLock::new();
    LEX.get_or_init(|| toml::from_str(LEXICON).unwrap_or_default())
}

impl Lexicon {
    /// The other way to write a small count: "3" for "three" and "three" for "3".
    pub fn count_written_otherwise(&self, word: &str) -> Option<String> {
        match word.parse::<usize>() {
            Ok(n) => self.cardinals.get(n).cloned(),
            Err(_) => self
                .cardinals
                .iter()
                .position(|c| c.eq_ignore_ascii_case(word))
                .map(|n| n.to_string()),
        }
    }

    /// The stop words as written; question analysis stems them.
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

    /// Whether the question asks about a time after its sources ("When will the next
    /// Dialogue be held?"): a word of `future` and none of `past`.
    /// Whether a lower-case word speaks of the time to come ("next", "upcoming"):
    /// never a word of a meeting's name.
    pub fn is_future_word(&self, word: &str) -> bool {
        self.future.contains(word)
    }

    pub fn asks_future(&self, question: &str) -> bool {
        let lower = question.to_lowercase();
        let words = words(&lower);
        words.iter().any(|w| self.future.contains(w))
            && !words.iter().any(|w| self.past.contains(w))
    }

    /// Whether the question asks about the past ("What *was* agreed …"): a word of
    /// `past` and none of `future`.
    pub fn asks_past(&self, question: &str) -> bool {
        let lower = question.to_lowercase();
        let words = words(&lower);
        words.iter().any(|w| self.past.contains(w))
            && !words.iter().any(|w| self.future.contains(w))
    }

    /// Whether a how-much question asks for a count ("How many …").
    pub fn asks_count(&self, question: &str) -> bool {
        holds_any(question, &self.count_cues)
    }

    /// The words the amount a how-much question asks for is given in, when its cue
    /// asks for one measure ("How *old* …": years); `None` for any amount.
    pub fn units_of(&self, question: &str) -> Option<&[String]> {
        self.units
            .iter()
            .find(|(cues, _)| holds_any(question, cues))
            .map(|(_, units)| units.as_slice())
    }
}

/// Whether the lower-case question opens with one of the words and a space ("who is …").
pub fn opens_with(lower: &str, openings: &[String]) -> bool {
    openings.iter().any(|w| {
        lower
            .strip_prefix(w.as_str())
            .is_some_and(|rest| rest.starts_with(' '))
    })
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
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn a_small_count_is_written_as_a_figure_or_a_word() {
        let lex = get();
        assert_eq!(lex.count_written_otherwise("3").as_deref(), Some("three"));
        assert_eq!(lex.count_written_otherwise("Ten").as_deref(), Some("10"));
        assert_eq!(lex.count_written_otherwise("2021"), None);
        assert_eq!(lex.count_written_otherwise("community"), None);
    }

    #[test]
    fn a_cue_of_one_measure_names_its_units() {
        let lex = get();
        let years = lex.units_of("How old is Foreign Minister Cho?");
        assert!(years.is_some_and(|u| u.iter().any(|w| w == "years")));
        assert!(lex.units_of("How much did Korea pledge?").is_none());
        // What something costs is a sum of money, in any currency.
        let money = lex.units_of("How much will the plan cost?");
        assert!(money.is_some_and(|u| u.iter().any(|w| w == "baht")));
    }

    #[test]
    fn a_question_asks_the_future_with_a_future_word_and_no_past_one() {
        let lex = get();
        assert!(lex.asks_future("When will the next Dialogue be held?"));
        assert!(lex.asks_future("When is the next ASEAN-ROK Dialogue?"));
        assert!(!lex.asks_future("When was the next meeting after the Summit held?"));
        assert!(!lex.asks_future("When was the 26th Dialogue held?"));
        assert!(lex.asks_past("What was agreed at the Summit in November 2022?"));
        assert!(!lex.asks_past("Where is the October 2025 ASEAN Summit taking place?"));
    }

    #[test]
    fn the_shipped_lexicon_parses_and_holds_no_unknown_list() {
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
        // A list the loader does not know is an error, not a list silently ignored.
        let unknown = format!("not_a_list = [\"x\"]\n{LEXICON}");
        assert!(toml::from_str::<Lexicon>(&unknown).is_err());
        let unknown = format!("{LEXICON}\nwhy = [\"why\"]\n");
        assert!(toml::from_str::<Lexicon>(&unknown).is_err());
    }

    /// No list of the file, nor `stop_words`, names an entry twice (ignoring case): a
    /// repeat is a word reviewed in two places, which can only drift apart.
    #[test]
    fn no_list_repeats_an_entry() {
        let file: toml::Table = toml::from_str(LEXICON).expect("config/lexicon.toml parses");
        let mut lists = Vec::new();
        collect_lists("", &file, &mut lists);
        assert!(lists.len() >= 30, "{} lists found", lists.len());
        for (list, entries) in lists {
            assert!(!entries.is_empty(), "{list} is empty");
            let mut seen = HashSet::new();
            for entry in entries {
                assert!(
                    seen.insert(entry.to_lowercase()),
                    "{list} repeats {entry:?}"
                );
            }
        }
    }

    /// Every list in a table, as (its key, its entries); a pair ("ies", "y") is one
    /// entry.
    fn collect_lists(at: &str, table: &toml::Table, out: &mut Vec<(String, Vec<String>)>) {
        fn text(v: &toml::Value) -> String {
            match v {
                toml::Value::Array(pair) => pair.iter().map(text).collect::<Vec<_>>().join(" → "),
                other => other.as_str().unwrap_or("?").to_string(),
            }
        }
        for (key, value) in table {
            let key = format!("{at}{key}");
            match value {
                toml::Value::Table(inner) => collect_lists(&format!("{key}."), inner, out),
                toml::Value::Array(items) => out.push((key, items.iter().map(text).collect())),
                toml::Value::String(words) => {
                    let words = words.split_whitespace().map(str::to_string).collect();
                    out.push((key, words));
                }
                other => panic!("{key} is neither a list nor words: {other:?}"),
            }
        }
    }

    #[test]
    fn words_are_found_as_written_or_ignoring_case() {
        let words = Words::from(vec!["Minister".to_string(), "Dr.".to_string()]);
        assert!(words.contains("Minister") && words.contains("Dr."));
        assert!(!words.contains("minister") && !words.contains("Dr"));
        assert!(words.contains_ignoring_case("MINISTER"));
        let openings = ["who is".to_string()];
        assert!(opens_with("who is he?", &openings));
        assert!(!opens_with("who isn't he?", &openings) && !opens_with("who is", &openings));
    }
}
