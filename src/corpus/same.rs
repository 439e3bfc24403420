//! One release, one file: tells whether a page repeats a release already in the
//! corpus, by the ministry's `seq` in its link or by its text. Copies differ in
//! layout, white space, quotes and length (a page may be cut short), so the text is
//! compared as overlapping runs of words, folded, and a copy matches when most of the
//! shorter one's runs are in the other.

use std::collections::HashSet;

use super::link;

/// Words per compared run.
const RUN: usize = 5;
/// The share of the shorter text's runs found in the other above which two texts are
/// one release. Different releases of one series share boilerplate, well below this.
pub const SAME_TEXT: f64 = 0.5;
/// Texts shorter than this many runs are not compared (too little to tell).
const FEWEST_RUNS: usize = 8;

/// The runs of words of a text, folded (case, quotes, punctuation).
#[derive(Debug, Clone, Default)]
pub struct Fingerprint {
    runs: HashSet<u64>,
}

fn fold(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

fn hash(words: &[String]) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    words.hash(&mut h);
    h.finish()
}

impl Fingerprint {
    pub fn of(text: &str) -> Fingerprint {
        let words = fold(text);
        Fingerprint {
            runs: words.windows(RUN).map(hash).collect(),
        }
    }

    /// The share of the shorter text's runs that the other has.
    pub fn overlap(&self, other: &Fingerprint) -> f64 {
        let (small, large) = if self.runs.len() <= other.runs.len() {
            (&self.runs, &other.runs)
        } else {
            (&other.runs, &self.runs)
        };
        if small.len() < FEWEST_RUNS {
            return 0.0;
        }
        let shared = small.iter().filter(|r| large.contains(r)).count();
        shared as f64 / small.len() as f64
    }
}

/// A release already in the corpus, as the duplicate check sees it.
#[derive(Debug, Clone)]
pub struct Known {
    pub file: String,
    pub seq: Option<String>,
    pub text: Fingerprint,
}

impl Known {
    pub fn new(file: String, url: &str, text: &str) -> Known {
        Known {
            file,
            seq: link::seq(url),
            text: Fingerprint::of(text),
        }
    }
}

/// Why a page is the same release as a known one.
#[derive(Debug, Clone, PartialEq)]
pub enum Same {
    Seq(String),
    Text(f64),
}

/// The first known release the page repeats, and why.
pub fn find<'a>(known: &'a [Known], url: &str, text: &Fingerprint) -> Option<(&'a Known, Same)> {
    let seq = link::seq(url);
    known.iter().find_map(|k| {
        if let (Some(a), Some(b)) = (&seq, &k.seq)
            && a == b
        {
            return Some((k, Same::Seq(a.clone())));
        }
        let overlap = k.text.overlap(text);
        (overlap >= SAME_TEXT).then_some((k, Same::Text(overlap)))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "On June 16, Minister of Foreign Affairs Park Jin held a luncheon meeting with Dr. Kao Kim Hourn, Secretary-General of ASEAN who is on a visit to Korea. The two sides exchanged views on the implementation of the strategy.";

    #[test]
    fn a_shorter_copy_with_other_spaces_and_quotes_is_the_same_text() {
        let full = Fingerprint::of(TEXT);
        let cut = Fingerprint::of(&TEXT[..120].replace(' ', "\u{a0} ").to_uppercase());
        assert!(full.overlap(&cut) > 0.9);
        let other = Fingerprint::of(
            "On June 16, the Vice Minister held a dinner with the Ambassadors of ten countries to discuss the budget of the coming year in Seoul.",
        );
        assert!(full.overlap(&other) < 0.2);
    }

    #[test]
    fn the_same_seq_on_another_board_is_the_same_release() {
        let known = vec![Known::new(
            "corpus/a.md".into(),
            "https://www.mofa.go.kr/eng/brd/m_5676/view.do?seq=322219",
            TEXT,
        )];
        let url = "http://mofa.go.kr/eng/brd/m_5674/view.do?itm_seq_1=0&amp;seq=322219";
        let found = find(&known, url, &Fingerprint::of("other text"));
        assert_eq!(found.map(|(_, s)| s), Some(Same::Seq("322219".into())));
        assert!(find(&known, "https://example.org/1", &Fingerprint::of("x")).is_none());
    }
}
