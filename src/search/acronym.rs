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

/// The phrase the texts most often spell `word` with ("Inter-Sessional Support Group"
/// for "ISG"), if the word is an acronym and such a phrase stands in them; a tie goes
/// to the phrase met first. A scan of every text, with no table kept: a corpus holds
/// far more capitalised phrases than questions ever ask about.
pub fn phrase_for<'a>(word: &str, texts: impl Iterator<Item = &'a str>) -> Option<String> {
    let letters: Vec<char> = as_acronym(word)?.chars().collect();
    let first = *letters.first()?;
    let needed = capitals(&letters.iter().collect::<String>());
    let mut counts: HashMap<&'a str, (u32, usize)> = HashMap::new();
    // Most texts lack one of the capitals: one pass over their bytes tells.
    for text in texts.filter(|t| capitals(t) & needed == needed) {
        // Only the words that start with the first letter can start a phrase.
        for (at, _) in text.match_indices(first) {
            let starts_word = text[..at]
                .chars()
                .next_back()
                .is_none_or(|c| c.is_whitespace() || "([“\"".contains(c));
            if !starts_word {
                continue;
            }
            let window = words_from(&text[at..], 2 * MAX_LETTERS);
            let runs = capitalised_runs(window);
            let Some(run) = runs.first().filter(|r| r[0].0.as_ptr() == window.as_ptr()) else {
                continue;
            };
            let mut ends = Vec::new();
            spell_on(run, &letters, 0, 0, 0, 0, &mut ends);
            for (_, to) in ends {
                let last = run[to].0;
                let end = last.as_ptr() as usize + last.len() - text.as_ptr() as usize;
                let Some(phrase) = text.get(at..end) else {
                    continue;
                };
                let seen = counts.len();
                counts.entry(phrase).or_insert((0, seen)).0 += 1;
            }
        }
    }
    counts
        .into_iter()
        .max_by(|a, b| a.1.0.cmp(&b.1.0).then(b.1.1.cmp(&a.1.1)))
        .map(|(phrase, _)| phrase.to_string())
}

/// The text up to the end of its first `n` words.
fn words_from(text: &str, n: usize) -> &str {
    let end = text.split_whitespace().take(n).last().map_or(0, |w| {
        w.as_ptr() as usize + w.len() - text.as_ptr() as usize
    });
    &text[..end]
}

/// The ASCII capitals a text holds, one bit each.
fn capitals(text: &str) -> u32 {
    text.bytes()
        .filter(u8::is_ascii_uppercase)
        .fold(0, |mask, b| mask | 1 << (b - b'A'))
}

/// Matches `letters[done..]` from word `at` on; pushes (from, last word) for each
/// full match.
fn spell_on(
    run: &[RunWord<'_>],
    letters: &[char],
    from: usize,
    at: usize,
    done: usize,
    hyphenated: usize,
    out: &mut Vec<(usize, usize)>,
) {
    let Some(&(word, joiner)) = run.get(at) else {
        return;
    };
    if at - from >= 2 * MAX_LETTERS {
        return;
    }
    if joiner {
        return spell_on(run, letters, from, at + 1, done, hyphenated, out);
    }
    let parts: Vec<char> = word.split('-').filter_map(initial).collect();
    let mut ways = vec![(initial(word).into_iter().collect::<Vec<_>>(), hyphenated)];
    if parts.len() > 1 && hyphenated < MAX_HYPHENATED {
        ways.push((parts, hyphenated + 1));
    }
    for (spelt, hyphenated) in ways {
        let next = done + spelt.len();
        if letters.get(done..next) != Some(&spelt[..]) {
            continue;
        }
        if next == letters.len() {
            out.push((from, at));
        } else {
            spell_on(run, letters, from, at + 1, next, hyphenated, out);
        }
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
    for segment in text.split(['(', ')', '[', ']', '“', '”', '"']) {
        for raw in segment.split_whitespace() {
            // Most words are lower case: a joiner inside a run, or its end.
            if raw.starts_with(|c: char| c.is_ascii_lowercase()) {
                if !run.is_empty() && raw.len() <= 3 && joiners.contains(raw) {
                    run.push((raw, true));
                } else {
                    flush(&mut runs, &mut run);
                }
                continue;
            }
            // A plural's apostrophe stays ("Senior Officials’ Meeting").
            let word =
                raw.trim_end_matches(|c: char| !c.is_alphanumeric() && c != '\'' && c != '’');
            let capital = word.starts_with(char::is_uppercase)
                && word
                    .chars()
                    .all(|c| c.is_alphabetic() || matches!(c, '-' | '\'' | '’'));
            if !capital {
                flush(&mut runs, &mut run);
                continue;
            }
            run.push((word, false));
            if word.len() < raw.len() {
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

    struct Text(&'static str);

    impl Text {
        fn phrase(&self, word: &str) -> Option<String> {
            phrase_for(word, std::iter::once(self.0))
        }
    }

    fn acronyms(text: &'static str) -> Text {
        Text(text)
    }

    #[test]
    fn an_acronym_is_read_as_the_phrase_the_corpus_spells_it_with() {
        let a = acronyms(
            "The 2nd ARF Inter-Sessional Support Group Meeting on Confidence Building \
             Measures and Preventive Diplomacy will be held in Ottawa.",
        );
        assert_eq!(
            a.phrase("ISG").as_deref(),
            Some("Inter-Sessional Support Group")
        );
        assert_eq!(
            a.phrase("CBMs").as_deref(),
            Some("Confidence Building Measures")
        );
        let som = acronyms("at the ASEAN Senior Officials’ Meeting (SOM) in Seoul");
        assert_eq!(
            som.phrase("SOM").as_deref(),
            Some("Senior Officials’ Meeting")
        );
        assert_eq!(
            a.phrase("CBMPD").as_deref(),
            Some("Confidence Building Measures and Preventive Diplomacy")
        );
    }

    #[test]
    fn hyphenated_words_and_joiners_spell_both_ways() {
        let a = acronyms(
            "the Korea-ASEAN Solidarity Initiative and the Ministry of Foreign Affairs of \
             Brunei Darussalam",
        );
        assert_eq!(
            a.phrase("KASI").as_deref(),
            Some("Korea-ASEAN Solidarity Initiative")
        );
        assert_eq!(
            a.phrase("MFA").as_deref(),
            Some("Ministry of Foreign Affairs")
        );
        assert_eq!(spellings_of("11th East Asia Summit"), ["EAS"]);
    }

    #[test]
    fn no_phrase_is_made_up_across_punctuation_or_for_plain_words() {
        let a = acronyms("Minister Kang, Foreign Minister of Japan. Then Seoul.");
        assert_eq!(a.phrase("KF").as_deref(), None, "a comma ends the run");
        assert_eq!(a.phrase("JT").as_deref(), None, "a full stop ends the run");
        assert_eq!(a.phrase("Seoul").as_deref(), None, "not an acronym");
        assert_eq!(as_acronym("S"), None);
        assert_eq!(as_acronym("CBMs").as_deref(), Some("CBM"));
    }

    #[test]
    fn the_most_frequent_phrase_wins() {
        let a = acronyms(
            "East Asia Summit; East Asia Summit; Economic Affairs Section; East Asia Summit",
        );
        assert_eq!(a.phrase("EAS").as_deref(), Some("East Asia Summit"));
    }
}
