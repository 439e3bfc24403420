//! Writes a synthetic corpus for benchmarks and scale tests (dev-only; not part of the
//! `attache` CLI):
//!
//! ```sh
//! cargo run --release --example gen_corpus -- --paragraphs 100000 --seed 1 \
//!     --out /tmp/synth-100k --with-seeds corpus/
//! ```
//!
//! The releases are learnt from `--source` (default `corpus/`); `--with-seeds DIR`
//! also copies DIR's releases into the output, so the dev set can be asked of it.
//! The same `--seed` gives the same files byte for byte.

#[path = "../benches/common/synth.rs"]
mod synth;

use std::path::PathBuf;

use anyhow::{Context, bail};
use clap::Parser;

#[derive(Parser)]
struct Args {
    /// Synthetic paragraphs to write (seed releases not counted).
    #[arg(long)]
    paragraphs: usize,
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Output directory (created; must be empty or missing).
    #[arg(long)]
    out: PathBuf,
    /// Real releases to learn vocabulary, shapes and distractors from.
    #[arg(long, default_value = "corpus")]
    source: PathBuf,
    /// Also copy the releases of this directory into the output.
    #[arg(long)]
    with_seeds: Option<PathBuf>,
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let loaded = attache::corpus::load_dir(&args.source)
        .with_context(|| format!("reading {}", args.source.display()))?;
    for e in &loaded.errors {
        eprintln!("skipped: {e}");
    }
    if loaded.corpus.is_empty() {
        bail!("{} has no release to learn from", args.source.display());
    }
    if args.out.exists() && std::fs::read_dir(&args.out)?.next().is_some() {
        bail!("{} is not empty", args.out.display());
    }
    let synth = synth::generate(&loaded.corpus, args.paragraphs, args.seed);
    synth
        .write(&args.out)
        .with_context(|| format!("writing {}", args.out.display()))?;
    let mut copied = 0;
    if let Some(dir) = &args.with_seeds {
        for entry in std::fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))? {
            let path = entry?.path();
            if path.extension().is_some_and(|x| x == "md")
                && let Some(name) = path.file_name()
            {
                std::fs::copy(&path, args.out.join(name))
                    .with_context(|| format!("copying {}", path.display()))?;
                copied += 1;
            }
        }
    }
    println!(
        "{}: {} releases ({} distractors), {} paragraphs; {copied} seed releases copied",
        args.out.display(),
        synth.files.len(),
        synth.distractors.len(),
        synth.paragraphs,
    );
    Ok(())
}
