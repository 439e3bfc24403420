//! Answer quality at scale (dev-only): the dev set on the seed corpus, then on the
//! seeds plus N synthetic paragraphs with distractors; prints both, the hit@3 drop
//! (target ≤ 0.05) and the questions that cite a distractor with another ordinal or
//! year above the paragraph that answers them (target: none).
//!
//! ```sh
//! cargo run --release --example scale_eval -- --paragraphs 100000 --seed 1
//! ```

#[path = "../benches/common/synth.rs"]
mod synth;

#[path = "../benches/common/quality.rs"]
mod quality;

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::time::Instant;

use anyhow::Context;
use attache::search::{Synonyms, analyzer};
use attache::{Engine, eval};
use clap::Parser;

#[derive(Parser)]
struct Args {
    #[arg(long, default_value_t = 100_000)]
    paragraphs: usize,
    #[arg(long, default_value_t = 1)]
    seed: u64,
    #[arg(long, default_value = "corpus")]
    corpus: PathBuf,
    #[arg(long, default_value = "config/synonyms.toml")]
    synonyms: PathBuf,
    #[arg(long, default_value = "../shared/eval/dev.jsonl")]
    dev: PathBuf,
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let text = std::fs::read_to_string(&args.dev)
        .with_context(|| format!("reading {}", args.dev.display()))?;
    let cases = eval::parse_cases(&text)?;
    let loaded = attache::corpus::load_dir(&args.corpus)?;
    anyhow::ensure!(
        !loaded.corpus.is_empty(),
        "no seed releases in {}",
        args.corpus.display()
    );
    let seeds: BTreeSet<String> = loaded
        .corpus
        .releases()
        .iter()
        .map(|r| r.id.clone())
        .collect();
    let a = analyzer::build();
    let synonyms = Synonyms::load(&args.synonyms, &a)?;

    let base = Engine::new(loaded.corpus.clone(), Some(synonyms.clone()))?;
    let before = quality::check(&base, &cases, &seeds, &[]);
    println!("seeds only   {}", before.summary());

    let t = Instant::now();
    let (corpus, synth) = synth::corpus_with_seeds(&loaded.corpus, args.paragraphs, args.seed)?;
    let generated = t.elapsed();
    let t = Instant::now();
    let engine = Engine::new(corpus, Some(synonyms))?;
    let built = t.elapsed();
    let after = quality::check(&engine, &cases, &seeds, &synth.distractors);
    println!("with seeds   {}", after.summary());
    println!(
        "generated {} releases ({} distractors) in {:.2?}; index built in {:.2?}",
        synth.files.len(),
        synth.distractors.len(),
        generated,
        built
    );
    println!(
        "hit@3 drop {:.3} (target ≤ 0.05); seed-paragraph hit@3 drop {:.3}; distractor violations {} of {} questions naming an ordinal or a year (target 0)",
        before.scores.hit_at_3 - after.scores.hit_at_3,
        before.seed_hit_at_3 - after.seed_hit_at_3,
        after.violations.len(),
        after.named,
    );
    Ok(())
}
