//! Country names, so that "*Which countries* established a CSP with ASEAN?" is met by a
//! quote that names countries ("with China and Australia in 2021, and the U.S. and
//! India in 2022") rather than only by one that says the word "countries". The names
//! are in `config/lexicon.toml`.

use crate::lexicon;

/// Whether the text names a country (as a word of its own, as written: "Korea's"
/// counts, "Korean" does not).
pub fn names_country(text: &str) -> bool {
    let countries = &lexicon::get().countries;
    text.split(|c: char| !c.is_alphanumeric())
        .any(|w| countries.is_word(w))
        || countries.phrases().any(|name| contains_word(text, name))
}

fn contains_word(text: &str, name: &str) -> bool {
    text.match_indices(name).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + name.len()..].chars().next();
        !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
    })
}

/// Whether the text names a country other than the one whose ministry writes every
/// release ("(Malaysia) Minister Cho and …").
pub fn names_foreign_country(text: &str) -> bool {
    let lex = lexicon::get();
    let foreign = |name: &str| !lex.home_country.contains(name);
    text.split(|c: char| !c.is_alphanumeric())
        .any(|w| foreign(w) && lex.countries.is_word(w))
        || lex
            .countries
            .phrases()
            .any(|name| foreign(name) && contains_word(text, name))
}

/// Whether a word is a country's one-word name ("Malaysia").
pub fn is_country(word: &str) -> bool {
    lexicon::get().countries.is_word(word)
}

/// Whether the words, as a question gives them ("Viet Nam's", "Malaysia"), are the name
/// of a country other than the one whose ministry writes every release.
pub fn is_foreign_country(words: &str) -> bool {
    let name = words
        .trim_end_matches("'s")
        .trim_end_matches("’s")
        .trim_matches(|c: char| !c.is_alphanumeric() && c != '.');
    let lex = lexicon::get();
    !lex.home_country.contains(name)
        && (lex.countries.is_word(name) || lex.countries.phrases().any(|p| p == name))
}

/// Whether a question's word asks for countries ("which *countries*").
pub fn asks_for_countries(word: &str) -> bool {
    lexicon::get().country_words.contains(&word.to_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_countries_as_the_releases_name_them() {
        assert!(names_country("with the U.S. and India in 2022."));
        assert!(names_country("(Brunei Darussalam) In the meeting"));
        assert!(names_country("congratulated Korea’s efforts"));
        assert!(names_country("Viet Nam hosted"));
        assert!(!names_country("the Korean side and ASEAN Member States"));
        assert!(!names_country("Minister Chadwick and the Omani delegates"));
    }

    #[test]
    fn a_foreign_country_as_a_question_gives_it() {
        assert!(is_foreign_country("Viet Nam's"));
        assert!(is_foreign_country("Malaysia"));
        assert!(
            !is_foreign_country("Korea's"),
            "the home country is in every release"
        );
        assert!(!is_foreign_country("Vientiane"));
    }
}
