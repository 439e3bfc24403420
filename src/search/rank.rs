//! Re-ranking: BM25 finds candidates; this decides between them with what BM25 cannot
//! see — how much of the question a paragraph covers (weighted by rarity), whether its
//! release is the meeting or year the question names, whether it holds the kind of
//! fact asked for, and, for "latest", how recent it is.

use super::analyzer::{self, Token};
use super::{Hit, Index, Kind, ParagraphRef, Question};
use crate::corpus::{Corpus, Release};
use crate::text::{find_dates, find_meeting, ordinal_number};

/// What the ranker knows about a release beyond its text.
#[derive(Debug, Clone)]
pub struct ReleaseFacts {
    /// Stems of title, meeting and place.
    pub meta: Vec<String>,
    /// The meeting's ordinal and its stems ("26th ASEAN-ROK Dialogue" → 26, [...]).
    pub meeting: Option<(u32, Vec<String>)>,
}

impl ReleaseFacts {
    pub fn of(release: &Release, index: &Index) -> ReleaseFacts {
        let a = index.analyzer();
        let meta_text = format!("{} {} {}", release.title, release.meeting, release.place);
        let name = if release.meeting.is_empty() {
            find_meeting(&release.title)
        } else {
            Some(release.meeting.clone())
        };
        let meeting = name.and_then(|m| {
            let first = m.split_whitespace().next().and_then(ordinal_number)?;
            Some((first, analyzer::stems(a, &m)))
        });
        ReleaseFacts {
            meta: analyzer::stems(a, &meta_text),
            meeting,
        }
    }

    /// Whether the release is the meeting a question names, another one of the same
    /// kind (a distractor), or unrelated.
    pub fn meeting_match(&self, q: &Question) -> Option<bool> {
        let (ordinal, stems) = self.meeting.as_ref()?;
        let asked = q
            .meetings
            .iter()
            .find(|m| m.words.last().is_some_and(|w| stems.contains(w)))?;
        Some(asked.ordinal == *ordinal)
    }
}

/// Per-question weights of its concepts: rare words count more, words the corpus never
/// uses count as evidence *against* an answer.
#[derive(Debug, Clone)]
pub struct Weights {
    pub weight: Vec<f32>,
    pub known: Vec<bool>,
}

impl Weights {
    pub fn of(q: &Question, index: &Index) -> Weights {
        let n = index.paragraph_count().max(1) as f32;
        let mut weight = Vec::new();
        let mut known = Vec::new();
        for c in &q.concepts {
            let df = c
                .variants
                .iter()
                .map(|v| index.doc_freq(v))
                .max()
                .unwrap_or(0);
            let idf = ((n + 1.0) / (df as f32 + 0.5)).ln().max(0.1);
            // An unknown plain word may be a paraphrase ("pledge" for "commit"): it
            // counts, but less than an unknown name would.
            weight.push(if df == 0 && !c.name { idf * 0.5 } else { idf });
            known.push(df > 0);
        }
        Weights { weight, known }
    }

    pub fn total(&self) -> f32 {
        self.weight.iter().sum::<f32>().max(f32::EPSILON)
    }
}

/// A candidate paragraph after re-ranking.
#[derive(Debug, Clone, PartialEq)]
pub struct Ranked {
    pub at: ParagraphRef,
    pub score: f32,
    /// Share of the question's weight the paragraph (or its release's title, meeting
    /// and place) covers, 0..=1.
    pub coverage: f32,
    /// Coverage by the paragraph text alone.
    pub text_coverage: f32,
}

pub fn contains(haystack: &[String], needle: &[String]) -> bool {
    !needle.is_empty() && haystack.windows(needle.len()).any(|w| w == needle)
}

/// Re-ranks BM25 hits, best first.
pub fn rerank(
    q: &Question,
    w: &Weights,
    hits: &[Hit],
    corpus: &Corpus,
    facts: &[ReleaseFacts],
    a: &tantivy::tokenizer::TextAnalyzer,
) -> Vec<Ranked> {
    let top_bm25 = hits.iter().map(|h| h.score).fold(f32::EPSILON, f32::max);
    let releases = corpus.releases();
    let mut out: Vec<Ranked> = hits
        .iter()
        .map(|hit| {
            let release = &releases[hit.at.release as usize];
            let text = &release.paragraphs[hit.at.paragraph as usize].text;
            let tokens = analyzer::tokens(a, text);
            let fact = &facts[hit.at.release as usize];
            let (coverage, text_coverage) = coverage(q, w, &tokens, &fact.meta);
            // For ranking, words found only in the release's title or meeting count
            // for less than words the paragraph itself says.
            let ranking_coverage = (coverage + text_coverage) / 2.0;
            let mut score = 0.35 * hit.score / top_bm25 + 0.65 * ranking_coverage;
            score += match fact.meeting_match(q) {
                Some(true) => 0.3,
                Some(false) => -0.5,
                None if !q.meetings.is_empty() => -0.1,
                None => 0.0,
            };
            score += 0.2 * proximity(q, &tokens);
            score += year_bonus(q, release, &tokens, text);
            score += kind_bonus(q, text);
            Ranked {
                at: hit.at,
                score,
                coverage,
                text_coverage,
            }
        })
        .collect();
    if q.latest {
        prefer_newest(&mut out);
    }
    out.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.at.cmp(&b.at)));
    out
}

/// "The latest …": the newest release that answers the question well enough goes
/// first (releases are ordered newest first, so the smallest index is the newest).
fn prefer_newest(ranked: &mut [Ranked]) {
    let newest = ranked
        .iter()
        .filter(|r| r.coverage >= LATEST_MIN_COVERAGE)
        .map(|r| r.at.release)
        .min();
    for r in ranked.iter_mut().filter(|r| Some(r.at.release) == newest) {
        r.score += 1.0;
    }
}

/// How much of a "latest" question a release must cover to count as the latest answer.
const LATEST_MIN_COVERAGE: f32 = 0.6;

fn coverage(q: &Question, w: &Weights, tokens: &[Token], meta: &[String]) -> (f32, f32) {
    let stems: Vec<String> = tokens.iter().map(|t| t.stem.clone()).collect();
    let (mut all, mut text) = (0.0, 0.0);
    for (c, weight) in q.concepts.iter().zip(&w.weight) {
        if c.variants.iter().any(|v| contains(&stems, v)) {
            all += weight;
            text += weight;
        } else if c.variants.iter().any(|v| contains(meta, v)) {
            all += 0.8 * weight;
        }
    }
    (all / w.total(), text / w.total())
}

/// Share of the question's neighbouring concept pairs that stand within a few words of
/// each other in the paragraph, in either order ("foreign minister of Laos" meets "Lao
/// Deputy Prime Minister and Foreign Minister").
fn proximity(q: &Question, tokens: &[Token]) -> f32 {
    const NEAR: usize = 5;
    if q.concepts.len() < 2 {
        return 0.0;
    }
    let stems: Vec<String> = tokens.iter().map(|t| t.stem.clone()).collect();
    let positions: Vec<Vec<usize>> = q
        .concepts
        .iter()
        .map(|c| occurrences(&stems, &c.variants))
        .collect();
    let near = positions
        .windows(2)
        .filter(|p| {
            p[0].iter()
                .any(|a| p[1].iter().any(|b| a.abs_diff(*b) <= NEAR))
        })
        .count();
    near as f32 / (q.concepts.len() - 1) as f32
}

/// Token positions where any of the variants starts.
fn occurrences(stems: &[String], variants: &[Vec<String>]) -> Vec<usize> {
    variants
        .iter()
        .filter(|v| !v.is_empty())
        .flat_map(|v| {
            stems
                .windows(v.len())
                .enumerate()
                .filter(move |(_, w)| *w == v.as_slice())
                .map(|(i, _)| i)
        })
        .collect()
}

fn year_bonus(q: &Question, release: &Release, tokens: &[Token], text: &str) -> f32 {
    if q.years.is_empty() {
        return 0.0;
    }
    let in_text = tokens.iter().any(|t| {
        q.years
            .iter()
            .any(|y| text[t.start..t.end] == y.to_string())
    });
    if q.years.contains(&release.date.year) || in_text {
        0.15
    } else {
        -0.1
    }
}

fn kind_bonus(q: &Question, text: &str) -> f32 {
    match q.kind {
        Kind::Who if q.asks_person() => {
            let asked: Vec<&str> = q
                .concepts
                .iter()
                .flat_map(|c| c.asked.split_whitespace())
                .collect();
            if crate::names::person(&asked, text).is_some() {
                0.1
            } else {
                0.0
            }
        }
        Kind::When if !find_dates(text).is_empty() => 0.15,
        Kind::HowMuch if has_amount(text) => 0.1,
        _ => 0.0,
    }
}

/// Whether the text states an amount: a percentage, a sum of money, a count.
pub fn has_amount(text: &str) -> bool {
    text.contains('%')
        || ["USD", "US$", "KRW", "won", "dollars", "million", "billion"]
            .iter()
            .any(|u| text.contains(u))
}
