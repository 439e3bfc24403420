//! The engine: a loaded corpus, its index and the synonyms, and `answer()` — the one
//! call every front end makes. It decides whether the corpus answers a question from
//! evidence (what the question names must exist in the corpus; the best paragraphs
//! must cover most of what it asks), and abstains politely otherwise.

use std::path::Path;

use crate::answer::{self, Answer, Evidence, Suggestion};
use crate::corpus::{self, Corpus, CorpusError};
use crate::search::rank::{self, Ranked, ReleaseFacts, Weights};
use crate::search::{Index, Question, SearchError, SynonymError, Synonyms, question};

/// How many citations an answer carries unless asked otherwise.
pub const DEFAULT_TOP: usize = 3;
/// Candidates taken from the index before re-ranking.
const CANDIDATES: usize = 40;
/// Below this share of the question covered by the best paragraph, Attaché abstains.
const MIN_COVERAGE: f32 = 0.5;
/// Further citations must cover at least this share too, or they are left out.
const MIN_SUPPORT: f32 = 0.3;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Corpus(#[from] CorpusError),
    #[error("the corpus in {0} has no release that loads")]
    EmptyCorpus(String),
    #[error(transparent)]
    Synonyms(#[from] SynonymError),
    #[error(transparent)]
    Search(#[from] SearchError),
}

pub struct Engine {
    corpus: Corpus,
    index: Index,
    synonyms: Synonyms,
    facts: Vec<ReleaseFacts>,
}

impl Engine {
    /// Indexes a corpus. An empty corpus is an error: there is nothing to answer from.
    pub fn new(corpus: Corpus, synonyms: Option<Synonyms>) -> Result<Engine, Error> {
        let index = Index::build(&corpus)?;
        let synonyms = synonyms.unwrap_or_else(|| Synonyms::builtin(index.analyzer()));
        let facts = corpus
            .releases()
            .iter()
            .map(|r| ReleaseFacts::of(r, &index))
            .collect();
        Ok(Engine {
            corpus,
            index,
            synonyms,
            facts,
        })
    }

    /// Loads a corpus directory and a synonyms file (the built-in groups when `None`).
    /// Files that fail to load are returned beside the engine; the rest still serve.
    pub fn from_dir(
        dir: &Path,
        synonyms: Option<&Path>,
    ) -> Result<(Engine, Vec<CorpusError>), Error> {
        let loaded = corpus::load_dir(dir)?;
        if loaded.corpus.is_empty() {
            return Err(Error::EmptyCorpus(dir.display().to_string()));
        }
        let analyzer = crate::search::analyzer::build();
        let synonyms = synonyms.map(|p| Synonyms::load(p, &analyzer)).transpose()?;
        Ok((Engine::new(loaded.corpus, synonyms)?, loaded.errors))
    }

    pub fn corpus(&self) -> &Corpus {
        &self.corpus
    }

    /// Answers with the default number of citations.
    pub fn answer(&self, question: &str) -> Answer {
        self.answer_top(question, DEFAULT_TOP)
    }

    /// Answers with up to `top` citations. Never fails: when the corpus does not
    /// answer, the `Answer` says so and suggests what it does cover.
    pub fn answer_top(&self, question: &str, top: usize) -> Answer {
        let q = question::analyse(question, self.index.analyzer(), &self.synonyms);
        if let Some(answer) = self.named_but_absent(&q) {
            return answer;
        }
        let w = Weights::of(&q, &self.index);
        // "Latest" needs the newest releases among the candidates even when older
        // ones match the words better.
        let limit = if q.latest { CANDIDATES * 5 } else { CANDIDATES }.max(top);
        let hits = self.index.search(&q, limit).unwrap_or_default();
        let ranked = rank::rerank(
            &q,
            &w,
            &hits,
            &self.corpus,
            &self.facts,
            self.index.analyzer(),
        );
        match ranked.first() {
            Some(best) if best.coverage >= MIN_COVERAGE => self.compose(&q, &w, &ranked, top),
            _ => self.abstain(
                &q,
                "I could not find this in the releases I have.".to_string(),
            ),
        }
    }

    fn compose(&self, q: &Question, w: &Weights, ranked: &[Ranked], top: usize) -> Answer {
        let evidence: Vec<Evidence<'_>> = ranked
            .iter()
            .filter(|r| r.coverage >= MIN_SUPPORT)
            .take(top.max(1))
            .map(|r| Evidence {
                ranked: r,
                release: &self.corpus.releases()[r.at.release as usize],
                paragraph: r.at.paragraph as usize,
            })
            .collect();
        answer::found(q, w, &evidence, self.index.analyzer())
    }

    /// Abstains when the question names something the corpus does not have: a meeting
    /// by its ordinal, a year, or a name no release mentions.
    fn named_but_absent(&self, q: &Question) -> Option<Answer> {
        if q.concepts.is_empty() {
            let reason = "I answer questions about ASEAN–Korea meetings from the ministry’s press releases; I found nothing to look up in this message.";
            return Some(self.abstain(q, reason.to_string()));
        }
        for m in &q.meetings {
            let kind = m.words.last()?;
            let same_kind: Vec<&ReleaseFacts> = self
                .facts
                .iter()
                .filter(|f| f.meeting.as_ref().is_some_and(|(_, s)| s.contains(kind)))
                .collect();
            let exists = same_kind
                .iter()
                .any(|f| f.meeting.as_ref().is_some_and(|(n, _)| *n == m.ordinal));
            if !exists && !same_kind.is_empty() {
                let reason = format!("The {} is not in the releases I have.", m.asked);
                return Some(self.abstain_near(q, reason, Some(m.ordinal)));
            }
        }
        let unknown: Vec<&str> = q
            .concepts
            .iter()
            .filter(|c| c.name && c.ordinal.is_none())
            .filter(|c| c.variants.iter().all(|v| self.index.doc_freq(v) == 0))
            .map(|c| c.asked.as_str())
            .collect();
        if !unknown.is_empty() {
            let reason = format!(
                "The releases I have do not mention {}.",
                join_names(&unknown)
            );
            return Some(self.abstain(q, reason));
        }
        let years = self.corpus.releases().iter().map(|r| r.date.year);
        let missing_year = q.years.iter().find(|y| {
            !years.clone().any(|ry| ry == **y) && self.index.doc_freq(&[y.to_string()]) == 0
        });
        if let Some(year) = missing_year {
            let reason = format!("The releases I have say nothing about {year}.");
            return Some(self.abstain_near(q, reason, None));
        }
        None
    }

    fn abstain(&self, q: &Question, reason: String) -> Answer {
        self.abstain_near(q, reason, None)
    }

    /// "Not found", with the meetings nearest to what was asked: same kind of meeting
    /// and closest ordinal first, then the newest.
    fn abstain_near(&self, q: &Question, reason: String, ordinal: Option<u32>) -> Answer {
        let mut scored: Vec<(i64, usize)> = self
            .facts
            .iter()
            .enumerate()
            .map(|(i, f)| {
                let shared = q
                    .concepts
                    .iter()
                    .filter(|c| c.variants.iter().any(|v| rank::contains(&f.meta, v)))
                    .count() as i64;
                let gap = match (ordinal, &f.meeting) {
                    (Some(o), Some((n, _))) => i64::from(o.abs_diff(*n)),
                    _ => 100,
                };
                (gap - 10 * shared, i)
            })
            .collect();
        scored.sort();
        let suggestions = scored
            .iter()
            .take(5)
            .map(|&(_, i)| suggestion(&self.corpus.releases()[i]))
            .collect();
        answer::not_found(q, reason, suggestions)
    }
}

fn suggestion(r: &crate::corpus::Release) -> Suggestion {
    Suggestion {
        release: r.id.clone(),
        meeting: r.label().to_string(),
        title: r.title.clone(),
        date: r.date,
        url: r.url.clone(),
    }
}

fn join_names(names: &[&str]) -> String {
    match names {
        [] => String::new(),
        [one] => one.to_string(),
        [rest @ .., last] => format!("{} or {last}", rest.join(", ")),
    }
}
