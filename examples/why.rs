//! Why a question is answered as it is (dev-only): the analysed question, each
//! concept's weight, the re-ranked candidates with their scores, and the decision on
//! the best one (its signals, score against the threshold, and the reason shown when
//! it does not answer).
//!
//! ```sh
//! cargo run --release --example why -- --corpus corpus "When was the 29th ASEAN-ROK Dialogue held?"
//! ```

use clap::Parser;

#[path = "common/engine_args.rs"]
mod engine_args;

#[derive(Parser)]
struct Args {
    #[command(flatten)]
    engine: engine_args::EngineArgs,
    /// How many candidates to show.
    #[arg(long, default_value_t = 10)]
    show: usize,
    /// Also time `answer()` this many times and print the median and the slowest;
    /// with --batch, print each question's first (cold) and median time instead of
    /// its signals, slowest first.
    #[arg(long, default_value_t = 0)]
    time: usize,
    /// A question file (JSON lines with "q" and "must"): print each question's best
    /// passages' signals as JSON lines instead, with whether each holds the answer.
    #[arg(long, conflicts_with = "question")]
    batch: Option<std::path::PathBuf>,
    #[arg(required_unless_present = "batch")]
    question: Option<String>,
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let engine = args.engine.load()?;
    if let Some(file) = &args.batch {
        if args.time > 0 {
            return timings(&engine, file, args.time);
        }
        return batch(&engine, file);
    }
    let question = args.question.unwrap_or_default();
    let q = engine.analyse(&question);
    let w = engine.weights(&q);
    println!(
        "kind {:?} years {:?} latest {} focus {:?} attribute {:?} sought {:?} meetings {:?} names {:?}",
        q.kind,
        q.years,
        q.latest,
        q.focus,
        q.attribute,
        q.sought(),
        q.meetings,
        q.names
    );
    for (i, c) in q.concepts.iter().enumerate() {
        println!(
            "  concept {:?} weight {:.2} known {} common {} expansion {:?} name {}",
            c.variants, w.weight[i], w.known[i], w.common[i], c.expansion, w.name[i]
        );
    }
    let ranked = engine.rank(&q, &w, 3);
    for r in ranked.iter().take(args.show) {
        let release = &engine.corpus().releases()[r.at.release as usize];
        let p = &release.paragraphs[r.at.paragraph as usize];
        let text: String = p.text.chars().take(160).collect();
        println!(
            "{:.3} cov {:.2} text {:.2} gap {:.2} year {:?} | {} ¶{} | {}",
            r.score, r.coverage, r.text_coverage, r.gap, r.year_match, release.id, p.number, text
        );
    }
    if let Some(best) = ranked.first() {
        let d = engine.decide(&q, &w, best);
        println!(
            "decision: score {:.2}, threshold {:.2} -> {}",
            d.score,
            d.threshold,
            if d.answers {
                "answers".to_string()
            } else {
                d.reason(&q)
            }
        );
        println!("  signals of the best passage: {:?}", d.signals);
    }
    if args.time > 0 {
        let mut took: Vec<std::time::Duration> = (0..args.time)
            .map(|_| {
                let t = std::time::Instant::now();
                std::hint::black_box(engine.answer(&question));
                t.elapsed()
            })
            .collect();
        took.sort();
        println!(
            "answer(): median {:.2?}, slowest {:.2?} of {}",
            took[took.len() / 2],
            took[took.len() - 1],
            took.len()
        );
    }
    Ok(())
}

/// Each question's first answer (the paragraph cache cold for what it reads) and the
/// median of `reps` more, in µs, slowest median first.
fn timings(engine: &attache::Engine, file: &std::path::Path, reps: usize) -> anyhow::Result<()> {
    let cases = attache::eval::parse_cases(&std::fs::read_to_string(file)?)?;
    let time = |q: &str| {
        let t = std::time::Instant::now();
        std::hint::black_box(engine.answer(q));
        t.elapsed().as_micros()
    };
    let mut rows: Vec<(u128, u128, String)> = cases
        .iter()
        .map(|c| (time(&c.q), c.q.clone()))
        .collect::<Vec<_>>()
        .into_iter()
        .map(|(cold, q)| {
            let mut warm: Vec<u128> = (0..reps).map(|_| time(&q)).collect();
            warm.sort_unstable();
            (warm[warm.len() / 2], cold, q)
        })
        .collect();
    rows.sort_by(|a, b| b.cmp(a));
    println!("median µs\tfirst µs\tquestion");
    for (warm, cold, q) in rows {
        println!("{warm}\t{cold}\t{q}");
    }
    Ok(())
}

/// One JSON line per question: the question, its set's labels, and the text and
/// signals of its ten best passages (`scripts/fit_abstention.py` reads the first
/// three).
fn batch(engine: &attache::Engine, file: &std::path::Path) -> anyhow::Result<()> {
    let cases = attache::eval::parse_cases(&std::fs::read_to_string(file)?)?;
    for case in cases {
        let q = engine.analyse(&case.q);
        let w = engine.weights(&q);
        let ranked = engine.rank(&q, &w, 10);
        let passages: Vec<serde_json::Value> = ranked
            .iter()
            .take(10)
            .map(|r| {
                let release = &engine.corpus().releases()[r.at.release as usize];
                let text = &release.paragraphs[r.at.paragraph as usize].text;
                let holds = !case.must.is_empty()
                    && case
                        .must
                        .iter()
                        .all(|m| attache::text::fold(text).contains(&attache::text::fold(m)));
                serde_json::json!({
                    "holds": holds,
                    "score": r.score,
                    "text": text,
                    "signals": engine.signals(&q, &w, r),
                })
            })
            .collect();
        let line = serde_json::json!({
            "id": case.id,
            "q": case.q,
            "kind": case.kind,
            "answerable": !case.must.is_empty(),
            "passages": passages,
        });
        println!("{line}");
    }
    Ok(())
}
