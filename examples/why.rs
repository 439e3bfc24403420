//! Why a question is answered as it is (dev-only): the analysed question, each
//! concept's weight, and the re-ranked candidates with their scores.
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
    /// Also time `answer()` this many times and print the median and the slowest.
    #[arg(long, default_value_t = 0)]
    time: usize,
    question: String,
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let engine = args.engine.load()?;
    let q = engine.analyse(&args.question);
    let w = engine.weights(&q);
    println!(
        "kind {:?} years {:?} latest {} focus {:?} meetings {:?}",
        q.kind, q.years, q.latest, q.focus, q.meetings
    );
    for (i, c) in q.concepts.iter().enumerate() {
        println!(
            "  concept {:?} weight {:.2} known {} common {}",
            c.variants, w.weight[i], w.known[i], w.common[i]
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
    if args.time > 0 {
        let mut took: Vec<std::time::Duration> = (0..args.time)
            .map(|_| {
                let t = std::time::Instant::now();
                std::hint::black_box(engine.answer(&args.question));
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
