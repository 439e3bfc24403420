//! Answer quality at scale: the dev set's measures on a corpus with synthetic releases
//! and distractors added, plus what those measures cannot see.
//!
//! - `seed_hit_at_3`: hit@3 counting only citations of a *seed* release (a distractor
//!   copy holds the same `must` phrases, so plain hit@3 would credit it).
//! - distractor violations: a question that names an ordinal or a year cites a
//!   distractor with another ordinal or year above the seed paragraph that answers it
//!   (or instead of it).
//!
//! Shared by `examples/scale_eval.rs` and `tests/it/scale.rs` (with `synth.rs` beside
//! it as `super::synth`).

#![allow(dead_code)]

use std::collections::{BTreeSet, HashMap};
use std::fmt::Write as _;

use attache::eval::{self, Case, Scores};
use attache::search::{Synonyms, analyzer, question};
use attache::text::{fold, ordinal_number};
use attache::{Answer, Engine};

use super::synth::{Change, Distractor};

/// A question naming an ordinal or a year whose answer cites a distractor first.
#[derive(Debug, Clone)]
pub struct Violation {
    pub id: String,
    pub q: String,
    /// 1-based rank of the distractor citation.
    pub distractor_rank: usize,
    pub distractor: String,
    /// 1-based rank of the seed paragraph that answers, if cited at all.
    pub match_rank: Option<usize>,
}

#[derive(Debug, Clone)]
pub struct Report {
    pub paragraphs: usize,
    pub scores: Scores,
    pub seed_hit_at_3: f64,
    /// Questions naming an ordinal or a year.
    pub named: usize,
    pub violations: Vec<Violation>,
    /// Answerable questions whose seed paragraph is not among the first three.
    pub seed_misses: Vec<String>,
    /// Answerable questions with no paragraph that answers (seed or copy) among the
    /// first three: the misses that hit@3 counts.
    pub misses: Vec<String>,
}

struct Facts {
    ordinal: Option<u32>,
    year: u16,
    distractor: Option<Change>,
}

fn holds_all(text: &str, must: &[String]) -> bool {
    let text = fold(text);
    !must.is_empty() && must.iter().all(|m| text.contains(&fold(m)))
}

/// Scores `cases` on `engine`. `seeds` are the ids of the real releases; `distractors`
/// what the generator wrote.
pub fn check(
    engine: &Engine,
    cases: &[Case],
    seeds: &BTreeSet<String>,
    distractors: &[Distractor],
) -> Report {
    let (scores, _) = eval::run(engine, cases);
    let kinds: HashMap<&str, Change> = distractors
        .iter()
        .map(|d| (d.id.as_str(), d.change))
        .collect();
    let facts: HashMap<&str, Facts> = engine
        .corpus()
        .releases()
        .iter()
        .map(|r| {
            let ordinal = r.meeting.split_whitespace().next().and_then(ordinal_number);
            let f = Facts {
                ordinal,
                year: r.date.year,
                distractor: kinds.get(r.id.as_str()).copied(),
            };
            (r.id.as_str(), f)
        })
        .collect();
    let a = analyzer::build();
    let synonyms = Synonyms::builtin(&a);
    let mut report = Report {
        paragraphs: engine.corpus().paragraph_count(),
        scores,
        seed_hit_at_3: 0.0,
        named: 0,
        violations: Vec::new(),
        seed_misses: Vec::new(),
        misses: Vec::new(),
    };
    let mut answerable = 0usize;
    let mut seed_hits = 0usize;
    for case in cases {
        let answer: Answer = engine.answer(&case.q);
        let is_match =
            |c: &attache::Citation| seeds.contains(&c.release) && holds_all(&c.text, &case.must);
        let match_rank = answer.citations.iter().position(is_match).map(|i| i + 1);
        if !case.must.is_empty() {
            answerable += 1;
            let answers = |c: &attache::Citation| holds_all(&c.text, &case.must);
            if !answer.citations.iter().take(3).any(answers) {
                report.misses.push(format!("{} {}", case.id, case.q));
            }
            if match_rank.is_some_and(|r| r <= 3) {
                seed_hits += 1;
            } else {
                report.seed_misses.push(format!("{} {}", case.id, case.q));
            }
        }
        let q = question::analyse(&case.q, &a, &synonyms);
        let mut ordinals: BTreeSet<u32> = q.meetings.iter().map(|m| m.ordinal).collect();
        ordinals.extend(q.concepts.iter().filter_map(|c| c.ordinal));
        // A year in the question tells releases apart only when it is the year of
        // the release that answers ("the 2019 Commemorative Summit" is quoted by the
        // 2020 meeting's release and by every copy of it).
        let answering: BTreeSet<u16> = engine
            .corpus()
            .releases()
            .iter()
            .filter(|r| seeds.contains(&r.id))
            .filter(|r| r.paragraphs.iter().any(|p| holds_all(&p.text, &case.must)))
            .map(|r| r.date.year)
            .collect();
        let years: BTreeSet<u16> = q
            .years
            .iter()
            .copied()
            .filter(|y| case.must.is_empty() || answering.contains(y))
            .collect();
        let named_year = !q.years.is_empty();
        if ordinals.is_empty() && !named_year {
            continue;
        }
        report.named += 1;
        if !answer.found {
            continue;
        }
        let is_distractor = |c: &attache::Citation| {
            facts.get(c.release.as_str()).is_some_and(|f| {
                f.distractor.is_some()
                    && ((!ordinals.is_empty() && f.ordinal.is_some_and(|o| !ordinals.contains(&o)))
                        || (!years.is_empty() && !years.contains(&f.year)))
            })
        };
        if let Some(i) = answer.citations.iter().position(is_distractor)
            && match_rank.is_none_or(|m| i + 1 < m)
        {
            report.violations.push(Violation {
                id: case.id.clone(),
                q: case.q.clone(),
                distractor_rank: i + 1,
                distractor: answer.citations[i].title.clone(),
                match_rank,
            });
        }
    }
    report.seed_hit_at_3 = if answerable == 0 {
        0.0
    } else {
        seed_hits as f64 / answerable as f64
    };
    report
}

impl Report {
    pub fn summary(&self) -> String {
        let s = &self.scores;
        let mut out = format!(
            "{} paragraphs: hit@1 {:.3} hit@3 {:.3} (seed paragraph in top 3: {:.3}) mrr@5 {:.3} answer_ok {:.3} false_abstain {:.3} abstain {:.3}; {} questions name an ordinal or a year, {} cite a distractor above the match",
            self.paragraphs,
            s.hit_at_1,
            s.hit_at_3,
            self.seed_hit_at_3,
            s.mrr_at_5,
            s.answer_ok,
            s.false_abstain,
            s.abstain,
            self.named,
            self.violations.len(),
        );
        for v in &self.violations {
            let _ = write!(
                out,
                "\n  {} {:?}: distractor {:?} at [{}], seed paragraph at {}",
                v.id,
                v.q,
                v.distractor,
                v.distractor_rank,
                v.match_rank
                    .map_or("none".to_string(), |r| format!("[{r}]")),
            );
        }
        for m in &self.misses {
            let _ = write!(out, "\n  no answering paragraph in top 3: {m}");
        }
        for m in &self.seed_misses {
            let _ = write!(out, "\n  seed paragraph not in top 3: {m}");
        }
        out
    }
}
