//! Words a question may use that the releases do not: the corpus's own vocabulary
//! for misspellings (the general thesaurus, `crate::thesaurus`, for paraphrases). Both
//! only ever add ways to say a question's word; they never remove what was asked.

use std::collections::HashMap;

/// The number of single-character edits (insert, delete, substitute, swap two
/// neighbours) from `a` to `b`, or `None` when it is more than `max`.
pub fn edit_distance(a: &str, b: &str, max: usize) -> Option<usize> {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    if a.len().abs_diff(b.len()) > max {
        return None;
    }
    // Three rows of the optimal-string-alignment table.
    let mut before: Vec<usize> = Vec::new();
    let mut last: Vec<usize> = (0..=b.len()).collect();
    for i in 1..=a.len() {
        let mut row = vec![i; b.len() + 1];
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            row[j] = (last[j] + 1).min(row[j - 1] + 1).min(last[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                row[j] = row[j].min(before[j - 2] + 1);
            }
        }
        if row.iter().min().is_some_and(|&m| m > max) {
            return None;
        }
        before = std::mem::replace(&mut last, row);
    }
    last.last().copied().filter(|&d| d <= max)
}

/// The corpus's words for spelling (its stems, or its words as written): a question's
/// word the corpus lacks is read as the corpus word fewest edits away, never as a word
/// the corpus does not hold.
#[derive(Debug, Default)]
pub struct Vocabulary {
    /// (word, how often the corpus uses it), grouped by first letter.
    by_initial: std::collections::HashMap<char, Vec<(String, u64)>>,
}

impl Vocabulary {
    pub fn new(words: Vec<(String, u64)>) -> Vocabulary {
        let mut by_initial: std::collections::HashMap<char, Vec<(String, u64)>> =
            Default::default();
        let mut words = words;
        // One order whatever order they come in: a tie goes to the first.
        words.sort_unstable();
        for (word, df) in words {
            let alphabetic = word.chars().all(char::is_alphabetic);
            if let Some(first) = word.chars().next().filter(|_| alphabetic) {
                by_initial.entry(first).or_default().push((word, df));
            }
        }
        Vocabulary { by_initial }
    }

    /// The corpus word nearest `stem` within `max` edits, the most used one on a tie;
    /// only words that share its first letter or its first two swapped.
    pub fn nearest(&self, stem: &str, max: usize) -> Option<&str> {
        if max == 0 {
            return None;
        }
        let mut chars = stem.chars();
        let first = chars.next()?;
        let second = chars.next();
        let mut best: Option<(usize, u64, &str)> = None;
        for initial in std::iter::once(first).chain(second.filter(|&c| c != first)) {
            for (word, df) in self.by_initial.get(&initial).into_iter().flatten() {
                // Most words are too long or too short to be within reach: skip them
                // before counting edits.
                if word.len().abs_diff(stem.len()) > max {
                    continue;
                }
                let Some(d) = edit_distance(stem, word, max) else {
                    continue;
                };
                let better = best.is_none_or(|(bd, bdf, _)| d < bd || (d == bd && *df > bdf));
                if d > 0 && better {
                    best = Some((d, *df, word));
                }
            }
        }
        best.map(|(_, _, word)| word)
    }
}

/// The words of the releases as written, lower-case, for misspellings.
pub struct Written {
    /// Each word with the number of times it is written.
    pub words: Vocabulary,
    /// Hyphenated words by the stem of the word without its hyphens
    /// ("deescal" → "de-escalating").
    pub hyphenated: HashMap<String, String>,
}

impl Written {
    /// Reads `texts`; `stems` is the analyzer, for the hyphenated words.
    pub fn of<'a>(
        texts: impl Iterator<Item = &'a str>,
        stems: impl Fn(&str) -> Vec<String>,
    ) -> Written {
        // Counted as written first, folded to lower case once per distinct token: a
        // large corpus says the same words again and again.
        let mut tokens: HashMap<&str, u64, BuildFnv> = HashMap::default();
        for text in texts {
            for token in text.split(|c: char| !(c.is_alphabetic() || c == '-')) {
                let token = token.trim_matches('-');
                if !token.is_empty() {
                    *tokens.entry(token).or_default() += 1;
                }
            }
        }
        let mut counts: HashMap<String, u64> = HashMap::new();
        let mut hyphenated: HashMap<String, (u64, String)> = HashMap::new();
        for (token, n) in tokens {
            let token = token.to_lowercase();
            for word in token.split('-').filter(|w| !w.is_empty()) {
                *counts.entry(word.to_string()).or_default() += n;
            }
            if token.contains('-') {
                let joined = token.replace('-', "");
                if let [stem] = stems(&joined).as_slice() {
                    // The most written spelling, whatever order the tokens come in.
                    let best = hyphenated.entry(stem.clone()).or_insert((n, token.clone()));
                    if (n, &token) > (best.0, &best.1) {
                        *best = (n, token);
                    }
                }
            }
        }
        Written {
            words: Vocabulary::new(counts.into_iter().collect()),
            hyphenated: hyphenated.into_iter().map(|(k, (_, v))| (k, v)).collect(),
        }
    }
}

/// FNV-1a for the tokens of a whole corpus, counted once per word written: SipHash,
/// the standard map's, is made for keys an attacker picks, and costs twice as much.
#[derive(Default)]
struct Fnv(u64);

impl std::hash::Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        let start = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        self.0 = bytes.iter().fold(start, |h, b| {
            (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
        });
    }
}

type BuildFnv = std::hash::BuildHasherDefault<Fnv>;

/// How many edits a misspelling of a word this long may hold: none for short words,
/// where one edit makes another word ("cost" → "post").
pub fn edits_allowed(word: &str) -> usize {
    match word.chars().count() {
        0..=4 => 0,
        5..=7 => 1,
        _ => 2,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_misspelling_is_read_as_the_nearest_corpus_word_and_never_as_another() {
        let v = Vocabulary::new(vec![
            ("program".into(), 3),
            ("progress".into(), 9),
            ("dialogu".into(), 40),
            ("2025".into(), 4),
        ]);
        assert_eq!(v.nearest("progam", 1), Some("program"));
        assert_eq!(v.nearest("dailogu", 1), Some("dialogu"));
        assert_eq!(v.nearest("budget", 1), None);
        assert_eq!(v.nearest("program", 1), None, "a corpus word is not a typo");
    }

    #[test]
    fn the_words_as_written_keep_hyphenated_words_whole_too() {
        let stems = |w: &str| vec![w.trim_end_matches("ing").to_string()];
        let texts = [
            "De-escalating tension, de-escalating it.",
            "The ASEAN-ROK Dialogue",
        ];
        let written = Written::of(texts.into_iter(), stems);
        assert_eq!(written.words.nearest("dialouge", 1), Some("dialogue"));
        assert_eq!(written.words.nearest("escalatin", 1), Some("escalating"));
        assert_eq!(
            written.hyphenated.get("deescalat").map(String::as_str),
            Some("de-escalating")
        );
    }

    #[test]
    fn counts_swaps_as_one_edit_and_stops_past_the_bound() {
        assert_eq!(edit_distance("dialouge", "dialogue", 2), Some(1));
        assert_eq!(edit_distance("progam", "program", 1), Some(1));
        assert_eq!(edit_distance("comunities", "communities", 2), Some(1));
        assert_eq!(edit_distance("cost", "post", 1), Some(1));
        assert_eq!(edit_distance("budget", "bridge", 1), None);
        assert_eq!(edits_allowed("cost"), 0);
    }
}
