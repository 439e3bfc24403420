//! Templates: every word a user reads from the corpus is a verbatim quote; the only
//! words added are the fixed ones in this file ("Not found", "Sources", citation
//! numbers …).

use tantivy::tokenizer::TextAnalyzer;

use super::lead;
use super::types::{Answer, Citation, Suggestion};
use crate::corpus::Release;
use crate::search::analyzer::{self, Token};
use crate::search::rank::{Ranked, StemId, Weights, contains, positions, stem_id};
use crate::search::{Kind, Question};
use crate::text::sentences;

/// Everything the composer needs to quote one ranked paragraph.
pub struct Evidence<'a> {
    pub ranked: &'a Ranked,
    pub release: &'a Release,
    pub paragraph: usize,
}

/// Builds a found answer from the ranked evidence (best first, at least one).
pub fn found(q: &Question, w: &Weights, evidence: &[Evidence<'_>], a: &TextAnalyzer) -> Answer {
    let citations: Vec<Citation> = evidence
        .iter()
        .enumerate()
        .map(|(i, e)| citation(i + 1, q, w, e, a))
        .collect();
    let lead = evidence
        .first()
        .zip(citations.first())
        .map(|(e, c)| lead::lead(q, w, e.release, c, a))
        .unwrap_or_default();
    let text = render(&lead, &citations, q.truncated);
    Answer {
        question: q.text.clone(),
        found: true,
        lead,
        citations,
        suggestions: Vec::new(),
        text,
        decision: None,
    }
}

/// Builds a "not found" answer: the reason, then what the corpus covers.
pub fn not_found(question: &Question, reason: String, suggestions: Vec<Suggestion>) -> Answer {
    let mut text = reason.clone();
    if !suggestions.is_empty() {
        text.push_str("\n\nThe releases I have cover:\n");
        for s in &suggestions {
            text.push_str(&format!("- {} ({}) {}\n", s.meeting, s.date, s.url));
        }
    }
    Answer {
        question: question.text.clone(),
        found: false,
        lead: reason,
        citations: Vec::new(),
        suggestions,
        text: text.trim_end().to_string(),
        decision: None,
    }
}

fn citation(
    rank: usize,
    q: &Question,
    w: &Weights,
    e: &Evidence<'_>,
    a: &TextAnalyzer,
) -> Citation {
    let para = &e.release.paragraphs[e.paragraph];
    let (tokens, ids) = stem_ids(a, &para.text);
    let (start, end) = best_window(q, w, &para.text, &tokens, &ids, a);
    let marked = matched_tokens(w, &ids);
    let highlights = tokens
        .iter()
        .zip(marked)
        .filter(|(t, m)| *m && t.start >= start && t.end <= end)
        .map(|(t, _)| (t.start - start, t.end - start))
        .collect();
    Citation {
        rank,
        release: e.release.id.clone(),
        title: e.release.title.clone(),
        date: e.release.date,
        url: e.release.url.clone(),
        paragraph: para.number.clone(),
        text: para.text.clone(),
        snippet: para.text[start..end].to_string(),
        highlights,
        score: (e.ranked.score * 1000.0).round() / 1000.0,
    }
}

fn stem_ids(a: &TextAnalyzer, text: &str) -> (Vec<analyzer::Token>, Vec<StemId>) {
    let tokens = analyzer::content_tokens(a, text);
    let ids = tokens.iter().map(|t| stem_id(&t.stem)).collect();
    (tokens, ids)
}

/// The part of a paragraph an answer quotes (`best_window`): what a lead may state.
pub fn quoted<'t>(q: &Question, w: &Weights, text: &'t str, a: &TextAnalyzer) -> &'t str {
    let (tokens, ids) = stem_ids(a, text);
    let (start, end) = best_window(q, w, text, &tokens, &ids, a);
    &text[start..end]
}

/// Which tokens belong to an occurrence of one of the question's concepts.
/// The words of the quote that made the match distinctive: the question's concepts,
/// but not the common ones ("ASEAN", "ROK" stand in most paragraphs and would bold
/// half the quote).
fn matched_tokens(w: &Weights, ids: &[StemId]) -> Vec<bool> {
    let mut marked = vec![false; ids.len()];
    let distinctive = w.ids.iter().zip(&w.common).filter(|(_, common)| !**common);
    for v in distinctive.flat_map(|(variants, _)| variants) {
        for i in positions(ids, v) {
            marked[i..i + v.len()].iter_mut().for_each(|m| *m = true);
        }
    }
    marked
}

/// What a sentence that states the fact asked for (the person of a who-question, an
/// amount the lead can state) counts beyond its words: more than any words do, as for
/// the focus, since the lead is cut from the quote and a quote without the fact has no
/// lead.
const FACT_CUE: f32 = 100.0;

/// The sentence that covers most of the question, joined by a neighbour when that
/// neighbour adds something the question asks about.
pub fn best_window(
    q: &Question,
    w: &Weights,
    text: &str,
    tokens: &[Token],
    ids: &[StemId],
    a: &TextAnalyzer,
) -> (usize, usize) {
    let spans = sentences(text);
    if spans.is_empty() {
        return (0, text.len());
    }
    let covered = |(s, e): (usize, usize)| -> Vec<bool> {
        let from = tokens
            .iter()
            .position(|t| t.start >= s)
            .unwrap_or(tokens.len());
        let to = tokens
            .iter()
            .rposition(|t| t.end <= e)
            .map_or(from, |i| i + 1);
        let inside = ids.get(from..to.max(from)).unwrap_or_default();
        w.ids
            .iter()
            .map(|variants| variants.iter().any(|v| contains(inside, v)))
            .collect()
    };
    let telling = super::lead::telling_words(q, w);
    let value = |cov: &[bool], span: (usize, usize)| -> f32 {
        let base: f32 = cov
            .iter()
            .zip(&w.weight)
            .filter(|(c, _)| **c)
            .map(|(_, w)| w)
            .sum();
        // A sentence holding what the question is about ("which *ambassadors*") wins
        // over one that only repeats the question's context.
        let focus = q
            .attribute
            .or(q.focus)
            .filter(|&f| cov.get(f) == Some(&true))
            .map_or(0.0, |_| 100.0);
        let cue = match q.kind {
            Kind::When if crate::text::find_date(&text[span.0..span.1]).is_some() => 0.5,
            Kind::HowMuch if super::stated_amount(q, w, &text[span.0..span.1], a).is_some() => {
                FACT_CUE
            }
            Kind::HowMuch if crate::search::rank::has_amount(&text[span.0..span.1]) => 0.5,
            // The sentence that names the person asked for, which the lead is cut from.
            Kind::Who
                if q.asks_person()
                    && !crate::names::people_in_post(&telling, &q.posts, &text[span.0..span.1])
                        .is_empty() =>
            {
                FACT_CUE
            }
            _ => 0.0,
        };
        base + cue + focus
    };
    let scored: Vec<(Vec<bool>, f32)> = spans
        .iter()
        .map(|&s| {
            let cov = covered(s);
            let v = value(&cov, s);
            (cov, v)
        })
        .collect();
    let best = (0..spans.len())
        .max_by(|&a, &b| scored[a].1.total_cmp(&scored[b].1).then(b.cmp(&a)))
        .unwrap_or(0);
    let adds = |other: usize| -> f32 {
        scored[other]
            .0
            .iter()
            .zip(&scored[best].0)
            .zip(&w.weight)
            .filter(|((o, b), _)| **o && !**b)
            .map(|(_, w)| w)
            .sum()
    };
    let before = best.checked_sub(1).map(|i| (i, adds(i)));
    let after = (best + 1 < spans.len()).then(|| (best + 1, adds(best + 1)));
    let (mut start, mut end) = spans[best];
    match (before, after) {
        (Some((i, x)), Some((_, y))) if x > 0.0 && x >= y => start = spans[i].0,
        (_, Some((i, y))) if y > 0.0 => end = spans[i].1,
        (Some((i, x)), None) if x > 0.0 => start = spans[i].0,
        _ => {}
    }
    (start, end)
}

/// The plain-text answer: lead, quotes, sources.
fn render(lead: &str, citations: &[Citation], truncated: bool) -> String {
    let mut out = String::new();
    if truncated {
        out.push_str("(Your question was long; I read its first 500 characters.)\n\n");
    }
    out.push_str(lead);
    out.push_str("\n\n");
    for c in citations {
        out.push_str(&format!("[{}] “{}”\n", c.rank, c.snippet));
    }
    out.push_str("\nSources:\n");
    for c in citations {
        out.push_str(&format!(
            "[{}] {} · {} · ¶{} · {}\n",
            c.rank, c.title, c.date, c.paragraph, c.url
        ));
    }
    out.trim_end().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::Date;

    fn citation(rank: usize, snippet: &str) -> Citation {
        Citation {
            rank,
            release: "r".into(),
            title: "Outcome of the 26th ASEAN-ROK Dialogue".into(),
            date: Date {
                year: 2022,
                month: 7,
                day: 1,
            },
            url: "https://example.org/r".into(),
            paragraph: "4·1".into(),
            text: format!("{snippet} More."),
            snippet: snippet.into(),
            highlights: vec![],
            score: 1.0,
        }
    }

    #[test]
    fn the_answer_reads_lead_quotes_then_sources() {
        let text = render(
            "Seoul [1]",
            &[
                citation(1, "It was held in Seoul."),
                citation(2, "Views were shared."),
            ],
            false,
        );
        let expected = "Seoul [1]\n\n[1] “It was held in Seoul.”\n[2] “Views were shared.”\n\nSources:\n[1] Outcome of the 26th ASEAN-ROK Dialogue · 2022-07-01 · ¶4·1 · https://example.org/r\n[2] Outcome of the 26th ASEAN-ROK Dialogue · 2022-07-01 · ¶4·1 · https://example.org/r";
        assert_eq!(text, expected);
        assert!(render("x", &[], true).starts_with("(Your question was long"));
    }

    #[test]
    fn not_found_says_so_and_lists_what_it_covers() {
        let a = crate::search::analyzer::build();
        let q = crate::search::question::analyse(
            "When was the 27th Dialogue?",
            &a,
            &crate::search::Synonyms::builtin(&a),
        );
        let s = Suggestion {
            release: "r".into(),
            meeting: "26th ASEAN-ROK Dialogue".into(),
            title: "t".into(),
            date: Date {
                year: 2022,
                month: 7,
                day: 1,
            },
            url: "https://example.org/r".into(),
        };
        let answer = not_found(
            &q,
            "The 27th Dialogue is not in the releases I have.".into(),
            vec![s],
        );
        assert!(!answer.found && answer.citations.is_empty());
        assert_eq!(
            answer.text,
            "The 27th Dialogue is not in the releases I have.\n\nThe releases I have cover:\n- 26th ASEAN-ROK Dialogue (2022-07-01) https://example.org/r"
        );
    }
}
