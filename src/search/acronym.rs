//! Acronyms a question uses that the releases only spell out: "the ISG" for the
//! "Inter-Sessional Support Group", "CBMs" for "Confidence Building Measures". The
//! phrases come from the corpus itself — runs of capitalised words whose initials
//! spell the acronym — so an acronym is never read as words the releases lack.

use std::collections::HashMap;

/// The longest acronym, and the most words of a phrase, looked for.
const MAX_LETTERS: usize = 6;
/// Hyphenated words of a phrase tried both ways ("Inter-Sessional" as "I" and as "IS"),
/// up to this many in one phrase.
const MAX_HYPHENATED: usize = 3;

/// The corpus's capitalised phrases by their initials.
#[derive(Debug, Default)]
pub struct Acronyms {
    /// Initials → the phrase (as written) most often spelled by them, with its count.
    by_initials: HashMap<String, (String, u32)>,
}

impl Acronyms {
    /// Reads every capitalised run of the texts (titles, paragraphs).
    pub fn new<'a>(texts: impl Iterator<Item = &'a str>) -> Acronyms {
        let mut counts: HashMap<(String, String), u32> = HashMap::new();
        let mut order: Vec<(String, String)> = Vec::new();
        for text in texts {
            for run in capitalised_runs(text) {
                for (initials, phrase) in phrases(&run) {
                    let count = counts
                        .entry((initials.clone(), phrase.clone()))
                        .or_insert(0);
                    if *count == 0 {
                        order.push((initials, phrase));
                    }
                    *count += 1;
                }
            }
        }
        let mut by_initials: HashMap<String, (String, u32)> = HashMap::new();
        // In the corpus's order, so that a tie goes to the phrase met first.
        for key in order {
            let count = counts.get(&key).copied().unwrap_or(0);
            let (initials, phrase) = key;
            let best = by_initials.entry(initials).or_insert((phrase.clone(), 0));
            if count > best.1 {
                *best = (phrase, count);
            }
        }
        Acronyms { by_initials }
    }

    /// The phrase the corpus spells `acronym` with, if the word is one ("ISG",
    /// "CBMs") and the corpus has such a phrase.
    pub fn phrase(&self, word: &str) -> Option<&str> {
        let letters = as_acronym(word)?;
        self.by_initials.get(&letters).map(|(p, _)| p.as_str())
    }
}

/// The acronyms a capitalised name may be written as ("11th East Asia Summit" →
/// "EAS").
pub fn spellings_of(name: &str) -> Vec<String> {
    capitalised_runs(name)
        .iter()
        .flat_map(|run| spellings(run))
        .filter(|s| (2..=MAX_LETTERS).contains(&s.len()))
        .collect()
}

/// The letters of a word written as an acronym: 2 to `MAX_LETTERS` capitals, perhaps
/// with a plural "s" ("CBMs" → "CBM").
pub fn as_acronym(word: &str) -> Option<String> {
    let core = word.strip_suffix('s').unwrap_or(word);
    let n = core.chars().count();
    ((2..=MAX_LETTERS).contains(&n) && core.chars().all(|c| c.is_ascii_uppercase()))
        .then(|| core.to_string())
}

/// A word of a run: as written, and whether it is a joiner ("of", "and").
type RunWord<'a> = (&'a str, bool);

/// Runs of capitalised words, joiners allowed between them ("Association of Southeast
/// Asian Nations"); punctuation after a word ends its run.
fn capitalised_runs(text: &str) -> Vec<Vec<RunWord<'_>>> {
    let joiners = &crate::lexicon::get().acronym_joiners;
    let mut runs = Vec::new();
    let mut run: Vec<RunWord<'_>> = Vec::new();
    // Brackets and quotes end a run too: "Forum (ARF)", "the “Dialogue”".
    for segment in text.split(|c: char| "()[]“”\"".contains(c)) {
        for raw in segment.split_whitespace() {
            // A plural's apostrophe stays ("Senior Officials’ Meeting").
            let word = raw.trim_end_matches(|c: char| !c.is_alphanumeric() && !"'’".contains(c));
            let ends = word.len() < raw.len();
            let capital = word.starts_with(|c: char| c.is_uppercase())
                && word.chars().all(|c| c.is_alphabetic() || "-'’".contains(c));
            if capital {
                run.push((word, false));
            } else if joiners.contains(word) && !run.is_empty() && !ends {
                run.push((word, true));
            } else {
                flush(&mut runs, &mut run);
                continue;
            }
            if ends {
                flush(&mut runs, &mut run);
            }
        }
        flush(&mut runs, &mut run);
    }
    runs
}

fn flush<'a>(runs: &mut Vec<Vec<RunWord<'a>>>, run: &mut Vec<RunWord<'a>>) {
    while run.last().is_some_and(|(_, joiner)| *joiner) {
        run.pop();
    }
    if run.len() >= 2 {
        runs.push(std::mem::take(run));
    }
    run.clear();
}

/// Every stretch of the run that starts and ends on a capitalised word, with each
/// spelling of its initials.
fn phrases(run: &[RunWord<'_>]) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for start in 0..run.len() {
        if run[start].1 {
            continue;
        }
        for end in start + 1..run.len().min(start + 2 * MAX_LETTERS) {
            let stretch = &run[start..=end];
            if run[end].1 || stretch.iter().filter(|(_, j)| !j).count() > MAX_LETTERS {
                continue;
            }
            let phrase = stretch
                .iter()
                .map(|(w, _)| *w)
                .collect::<Vec<_>>()
                .join(" ");
            for initials in spellings(stretch) {
                if (2..=MAX_LETTERS).contains(&initials.len()) {
                    out.push((initials, phrase.clone()));
                }
            }
        }
    }
    out
}

/// The initials of the stretch's capitalised words, a hyphenated word giving its first
/// letter or the first letter of each part ("Korea-ASEAN Solidarity Initiative" is
/// "KSI" or "KASI").
fn spellings(stretch: &[RunWord<'_>]) -> Vec<String> {
    let mut out = vec![String::new()];
    let mut hyphenated = 0;
    for (word, joiner) in stretch {
        if *joiner {
            continue;
        }
        let first = initial(word);
        let parts: String = word.split('-').filter_map(initial).collect();
        let both = parts.len() > 1 && hyphenated < MAX_HYPHENATED;
        hyphenated += usize::from(both);
        let mut next = Vec::with_capacity(out.len() * 2);
        for so_far in &out {
            next.extend(first.map(|c| format!("{so_far}{c}")));
            if both {
                next.push(format!("{so_far}{parts}"));
            }
        }
        out = next;
    }
    out
}

fn initial(word: &str) -> Option<char> {
    word.chars().next().map(|c| c.to_ascii_uppercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn acronyms(text: &str) -> Acronyms {
        Acronyms::new(std::iter::once(text))
    }

    #[test]
    fn an_acronym_is_read_as_the_phrase_the_corpus_spells_it_with() {
        let a = acronyms(
            "The 2nd ARF Inter-Sessional Support Group Meeting on Confidence Building \
             Measures and Preventive Diplomacy will be held in Ottawa.",
        );
        assert_eq!(a.phrase("ISG"), Some("Inter-Sessional Support Group"));
        assert_eq!(a.phrase("CBMs"), Some("Confidence Building Measures"));
        let som = acronyms("at the ASEAN Senior Officials’ Meeting (SOM) in Seoul");
        assert_eq!(som.phrase("SOM"), Some("Senior Officials’ Meeting"));
        assert_eq!(
            a.phrase("CBMPD"),
            Some("Confidence Building Measures and Preventive Diplomacy")
        );
    }

    #[test]
    fn hyphenated_words_and_joiners_spell_both_ways() {
        let a = acronyms(
            "the Korea-ASEAN Solidarity Initiative and the Ministry of Foreign Affairs of \
             Brunei Darussalam",
        );
        assert_eq!(a.phrase("KASI"), Some("Korea-ASEAN Solidarity Initiative"));
        assert_eq!(a.phrase("MFA"), Some("Ministry of Foreign Affairs"));
        assert_eq!(spellings_of("11th East Asia Summit"), ["EAS"]);
    }

    #[test]
    fn no_phrase_is_made_up_across_punctuation_or_for_plain_words() {
        let a = acronyms("Minister Kang, Foreign Minister of Japan. Then Seoul.");
        assert_eq!(a.phrase("KF"), None, "a comma ends the run");
        assert_eq!(a.phrase("JT"), None, "a full stop ends the run");
        assert_eq!(a.phrase("Seoul"), None, "not an acronym");
        assert_eq!(as_acronym("S"), None);
        assert_eq!(as_acronym("CBMs").as_deref(), Some("CBM"));
    }

    #[test]
    fn the_most_frequent_phrase_wins() {
        let a = acronyms(
            "East Asia Summit; East Asia Summit; Economic Affairs Section; East Asia Summit",
        );
        assert_eq!(a.phrase("EAS"), Some("East Asia Summit"));
    }
}
