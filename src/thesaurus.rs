//! A general English thesaurus: WordNet 3.0, built into `config/thesaurus.tsv` by
//! `scripts/thesaurus.py`, compiled into the binary and read in place (a sorted line
//! per word, found by binary search), so it costs no start-up time and only the pages
//! a lookup touches. It says which words are English words (`in_dictionary`), and
//! which other words say the same (`related`, `related_pair`).

/// `word<TAB>related|related|…`, one line per word, sorted by word.
const THESAURUS: &str = include_str!("../config/thesaurus.tsv");

/// The related words of `word` (lower-case), most frequent sense first, tried as
/// written and then in its dictionary forms ("talks" → "talk", "hosted" → "host").
pub fn related(word: &str) -> Vec<&'static str> {
    let mut out: Vec<&'static str> = Vec::new();
    for form in base_forms(word) {
        if let Some(line) = line_of(&form) {
            for r in line.split('|') {
                if !out.contains(&r) {
                    out.push(r);
                }
            }
        }
    }
    out
}

/// The related words of a verb of two words ("took part" → "participate"), its first
/// word tried as written and then in its dictionary forms ("stepped up" → "step up").
pub fn related_pair(first: &str, second: &str) -> Vec<&'static str> {
    base_forms(first)
        .iter()
        .find_map(|form| line_of(&format!("{form} {second}")))
        .map(|line| line.split('|').collect())
        .unwrap_or_default()
}

/// Whether the thesaurus has a line for `word` as written: a word of the dictionary,
/// not one that only looks like an inflected form of one ("chared" is no form of
/// "char").
pub fn in_dictionary(word: &str) -> bool {
    line_of(word).is_some()
}

/// The related-words part of `word`'s line, if it has one.
fn line_of(word: &str) -> Option<&'static str> {
    let lines = line_starts();
    let at = lines
        .binary_search_by(|&start| head(start).cmp(word))
        .ok()?;
    let start = lines[at];
    let rest = &THESAURUS[start + head(start).len() + 1..];
    Some(rest.split('\n').next().unwrap_or(""))
}

/// The word heading the line that starts at `start`.
fn head(start: usize) -> &'static str {
    THESAURUS[start..].split('\t').next().unwrap_or("")
}

/// Byte offsets of the thesaurus lines, found once.
fn line_starts() -> &'static [usize] {
    static STARTS: std::sync::OnceLock<Vec<usize>> = std::sync::OnceLock::new();
    STARTS.get_or_init(|| {
        std::iter::once(0)
            .chain(THESAURUS.match_indices('\n').map(|(i, _)| i + 1))
            .filter(|&i| i < THESAURUS.len())
            .collect()
    })
}

/// The forms a dictionary lists a word under, by WordNet's detachment rules
/// (`config/lexicon.toml`). Irregular forms ("spoke", "held") have lines of their own.
fn base_forms(word: &str) -> Vec<String> {
    let mut forms = vec![word.to_string()];
    for (suffix, with) in crate::lexicon::get().detachments() {
        if let Some(stem) = word.strip_suffix(suffix).filter(|s| s.len() >= 2) {
            let form = format!("{stem}{with}");
            if !forms.contains(&form) {
                forms.push(form);
            }
        }
    }
    forms
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_words_as_written_and_in_their_dictionary_form() {
        assert!(related("talks").contains(&"dialogue"));
        assert!(related("venue").contains(&"locale"));
        assert!(related("spoke").contains(&"speak"));
        // Pairs of words too, looked up as phrases.
        assert!(related("slump").contains(&"economic crisis"));
        assert!(related("zzzz").is_empty());
    }

    #[test]
    fn a_dictionary_word_is_one_the_thesaurus_lists_as_written() {
        assert!(in_dictionary("population"));
        assert!(in_dictionary("coming"));
        // Detached, "chared" would be "char": it is a slip for "chaired".
        assert!(!in_dictionary("chared"));
    }

    #[test]
    fn a_verb_of_two_words_is_looked_up_as_a_pair_in_any_form() {
        assert!(related_pair("took", "part").contains(&"participate"));
        assert!(related_pair("stepped", "up").contains(&"intensify"));
        assert!(related_pair("sets", "up").contains(&"establish"));
        assert!(related_pair("seoul", "up").is_empty());
    }

    #[test]
    fn the_thesaurus_is_sorted_for_binary_search() {
        let starts = line_starts();
        assert!(starts.len() > 10_000);
        assert!(starts.windows(2).all(|w| head(w[0]) < head(w[1])));
    }
}
