//! TEMPORARY stand-in for the core `Engine` (lands on main from the lead). Same API;
//! naive word overlap instead of tantivy. Delete when merging main.

use std::path::Path;

use crate::answer::{Answer, Citation, Suggestion};
use crate::corpus::{Corpus, CorpusError, load_dir};

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{0}")]
    Corpus(#[from] CorpusError),
    #[error("no release loaded from {0}")]
    Empty(String),
}

pub struct Engine {
    corpus: Corpus,
}

impl Engine {
    pub fn from_dir(
        corpus_dir: &Path,
        _synonyms: Option<&Path>,
    ) -> Result<(Engine, Vec<CorpusError>), Error> {
        let loaded = load_dir(corpus_dir)?;
        if loaded.corpus.is_empty() {
            return Err(Error::Empty(corpus_dir.display().to_string()));
        }
        Ok((
            Engine {
                corpus: loaded.corpus,
            },
            loaded.errors,
        ))
    }

    pub fn answer(&self, question: &str) -> Answer {
        self.answer_top(question, 3)
    }

    pub fn answer_top(&self, question: &str, top: usize) -> Answer {
        let words: Vec<String> = question
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| w.len() > 3)
            .map(str::to_lowercase)
            .collect();
        let mut scored = Vec::new();
        for r in self.corpus.releases() {
            for p in &r.paragraphs {
                let lower = p.text.to_lowercase();
                let score = words.iter().filter(|w| lower.contains(w.as_str())).count();
                if score > 0 {
                    scored.push((score, r, p));
                }
            }
        }
        scored.sort_by(|a, b| b.0.cmp(&a.0));
        let citations: Vec<Citation> = scored
            .iter()
            .take(top)
            .enumerate()
            .map(|(i, (score, r, p))| {
                let highlights = words
                    .iter()
                    .filter_map(|w| {
                        let lower = p.text.to_lowercase();
                        lower
                            .find(w.as_str())
                            .filter(|_| lower.len() == p.text.len())
                            .map(|s| (s, s + w.len()))
                    })
                    .collect();
                Citation {
                    rank: i + 1,
                    release: r.id.clone(),
                    title: r.title.clone(),
                    date: r.date,
                    url: r.url.clone(),
                    paragraph: p.number.clone(),
                    text: p.text.clone(),
                    snippet: p.text.clone(),
                    highlights,
                    score: *score as f32,
                }
            })
            .collect();
        let found = !citations.is_empty();
        let lead = match citations.first() {
            Some(c) => c.snippet.clone(),
            None => "I could not find that in the press releases I know.".to_string(),
        };
        let suggestions = if found {
            Vec::new()
        } else {
            self.corpus
                .releases()
                .iter()
                .take(3)
                .map(|r| Suggestion {
                    release: r.id.clone(),
                    meeting: r.label().to_string(),
                    title: r.title.clone(),
                    date: r.date,
                    url: r.url.clone(),
                })
                .collect()
        };
        Answer {
            question: question.trim().to_string(),
            found,
            text: lead.clone(),
            lead,
            citations,
            suggestions,
        }
    }

    pub fn corpus(&self) -> &Corpus {
        &self.corpus
    }
}
