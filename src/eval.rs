//! Scores a question file in the format of the development set (one JSON object a
//! line: `q`, `must`, optional `id` and `kind`) with the measures its README defines.

use serde::{Deserialize, Serialize};

use crate::text::fold;
use crate::{Answer, Engine};

#[derive(Debug, Clone, Deserialize)]
pub struct Case {
    #[serde(default)]
    pub id: String,
    pub q: String,
    #[serde(default)]
    pub must: Vec<String>,
    #[serde(default)]
    pub kind: String,
}

#[derive(Debug, Clone, thiserror::Error)]
#[error("line {line}: {error}")]
pub struct CaseError {
    pub line: usize,
    pub error: String,
}

/// Parses a question file; blank lines are skipped.
pub fn parse_cases(text: &str) -> Result<Vec<Case>, CaseError> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| {
            serde_json::from_str(l).map_err(|e| CaseError {
                line: i + 1,
                error: e.to_string(),
            })
        })
        .collect()
}

/// One question's result.
#[derive(Debug, Clone, Serialize)]
pub struct Outcome {
    pub id: String,
    pub q: String,
    pub kind: String,
    pub must: Vec<String>,
    pub found: bool,
    /// 1-based rank of the first citation holding every `must` phrase (within 5).
    pub rank: Option<usize>,
    pub answer_ok: bool,
    pub answer: String,
}

impl Outcome {
    /// Whether this question counts as a failure for `--misses`.
    pub fn missed(&self) -> bool {
        if self.must.is_empty() {
            self.found
        } else {
            self.rank != Some(1) || !self.answer_ok
        }
    }
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Scores {
    pub answerable: usize,
    pub unanswerable: usize,
    pub hit_at_1: f64,
    pub hit_at_3: f64,
    pub mrr_at_5: f64,
    pub answer_ok: f64,
    pub false_abstain: f64,
    pub abstain: f64,
}

fn holds_all(text: &str, must: &[String]) -> bool {
    let text = fold(text);
    must.iter().all(|m| text.contains(&fold(m)))
}

pub fn judge(case: &Case, answer: &Answer) -> Outcome {
    let rank = answer
        .citations
        .iter()
        .take(5)
        .position(|c| !case.must.is_empty() && holds_all(&c.text, &case.must))
        .map(|i| i + 1);
    Outcome {
        id: case.id.clone(),
        q: case.q.clone(),
        kind: case.kind.clone(),
        must: case.must.clone(),
        found: answer.found,
        rank,
        answer_ok: answer.found && holds_all(&answer.text, &case.must),
        answer: answer.text.clone(),
    }
}

pub fn run(engine: &Engine, cases: &[Case]) -> (Scores, Vec<Outcome>) {
    // Ranks are read from five citations; the text judged is the default answer.
    let outcomes: Vec<Outcome> = cases
        .iter()
        .map(|c| {
            let mut outcome = judge(c, &engine.answer_top(&c.q, 5));
            let shown = engine.answer(&c.q);
            outcome.answer_ok = shown.found && holds_all(&shown.text, &c.must);
            outcome.answer = shown.text;
            outcome
        })
        .collect();
    (score(&outcomes), outcomes)
}

pub fn score(outcomes: &[Outcome]) -> Scores {
    let (answerable, unanswerable): (Vec<&Outcome>, Vec<&Outcome>) =
        outcomes.iter().partition(|o| !o.must.is_empty());
    let share = |set: &[&Outcome], f: &dyn Fn(&Outcome) -> f64| -> f64 {
        if set.is_empty() {
            0.0
        } else {
            set.iter().map(|o| f(o)).sum::<f64>() / set.len() as f64
        }
    };
    let flag = |b: bool| if b { 1.0 } else { 0.0 };
    Scores {
        answerable: answerable.len(),
        unanswerable: unanswerable.len(),
        hit_at_1: share(&answerable, &|o| flag(o.rank == Some(1))),
        hit_at_3: share(&answerable, &|o| flag(o.rank.is_some_and(|r| r <= 3))),
        mrr_at_5: share(&answerable, &|o| o.rank.map_or(0.0, |r| 1.0 / r as f64)),
        answer_ok: share(&answerable, &|o| flag(o.answer_ok)),
        false_abstain: share(&answerable, &|o| flag(!o.found)),
        abstain: share(&unanswerable, &|o| flag(!o.found)),
    }
}

/// One row of `attache eval`: the scores of a whole question file (`kind == None`) or
/// of the questions of one kind in it.
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    pub set: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    #[serde(flatten)]
    pub scores: Scores,
}

/// The row for the whole set, then one per kind (sorted by name) when `kinds`.
pub fn rows(set: &str, outcomes: &[Outcome], kinds: bool) -> Vec<Row> {
    let mut rows = vec![Row {
        set: set.to_string(),
        kind: None,
        scores: score(outcomes),
    }];
    if kinds {
        let mut names: Vec<&str> = outcomes.iter().map(|o| o.kind.as_str()).collect();
        names.sort_unstable();
        names.dedup();
        for kind in names {
            let of_kind: Vec<Outcome> = outcomes
                .iter()
                .filter(|o| o.kind == kind)
                .cloned()
                .collect();
            rows.push(Row {
                set: set.to_string(),
                kind: Some(kind.to_string()),
                scores: score(&of_kind),
            });
        }
    }
    rows
}

impl Row {
    /// One line for a person: set, kind, counts and the measures that apply.
    pub fn line(&self) -> String {
        let s = &self.scores;
        let name = match &self.kind {
            Some(kind) => format!("{}/{kind}", self.set),
            None => self.set.clone(),
        };
        let mut line = format!("{name:<24} {:>3}+{:<3}", s.answerable, s.unanswerable);
        if s.answerable > 0 {
            line += &format!(
                " hit@1 {:.3}  hit@3 {:.3}  mrr@5 {:.3}  answer_ok {:.3}  false_abstain {:.3}",
                s.hit_at_1, s.hit_at_3, s.mrr_at_5, s.answer_ok, s.false_abstain
            );
        }
        if s.unanswerable > 0 {
            line += &format!("  abstain {:.3}", s.abstain);
        }
        line
    }
}
