//! Questions per second with 1, 2 and 8 concurrent askers (dev-only). The daemon
//! answers on tokio's blocking threads; plain threads sharing one `Engine` measure the
//! same thing without Telegram in the way.
//!
//! ```sh
//! cargo run --release --example concurrency -- [--corpus DIR] [--data-dir DIR] [--seconds 3]
//! ```

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use attache::eval;
use clap::Parser;

#[path = "common/engine_args.rs"]
mod engine_args;

#[derive(Parser)]
struct Args {
    #[command(flatten)]
    engine: engine_args::EngineArgs,
    #[arg(long, default_value = "../shared/eval/dev.jsonl")]
    questions: PathBuf,
    #[arg(long, default_value_t = 3)]
    seconds: u64,
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let cases = eval::parse_cases(&std::fs::read_to_string(&args.questions)?)?;
    let questions: Vec<String> = cases.into_iter().map(|c| c.q).collect();
    let engine = args.engine.load()?;
    // Warm the per-paragraph caches once, as a running daemon would be.
    for q in &questions {
        engine.answer(q);
    }
    println!(
        "{} paragraphs, {} questions, {} s per run",
        engine.corpus().paragraph_count(),
        questions.len(),
        args.seconds
    );
    for askers in [1usize, 2, 8] {
        let done = AtomicU64::new(0);
        let stop = AtomicBool::new(false);
        let started = Instant::now();
        std::thread::scope(|s| {
            for i in 0..askers {
                let (engine, questions, done, stop) = (&engine, &questions, &done, &stop);
                s.spawn(move || {
                    let mut k = i;
                    while !stop.load(Ordering::Relaxed) {
                        engine.answer(&questions[k % questions.len()]);
                        done.fetch_add(1, Ordering::Relaxed);
                        k += 1;
                    }
                });
            }
            std::thread::sleep(Duration::from_secs(args.seconds));
            stop.store(true, Ordering::Relaxed);
        });
        let qps = done.load(Ordering::Relaxed) as f64 / started.elapsed().as_secs_f64();
        println!("{askers} asker(s): {qps:.0} questions/s");
    }
    Ok(())
}
