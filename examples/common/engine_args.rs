//! The engine options the dev examples share: which corpus, synonyms and persisted
//! index to load (`#[path]`-included by `concurrency.rs` and `why.rs`).

use std::path::PathBuf;

use attache::{Engine, Options};

#[derive(clap::Args)]
pub struct EngineArgs {
    #[arg(long, default_value = "corpus")]
    pub corpus: PathBuf,
    /// Keep (and reuse) a persisted index under DIR/index.
    #[arg(long)]
    pub data_dir: Option<PathBuf>,
    #[arg(long, default_value = "config/synonyms.toml")]
    pub synonyms: PathBuf,
}

impl EngineArgs {
    pub fn load(&self) -> anyhow::Result<Engine> {
        let opts = Options {
            corpus_dir: &self.corpus,
            synonyms: Some(&self.synonyms),
            data_dir: self.data_dir.as_deref(),
        };
        Ok(Engine::load(&opts)?.engine)
    }
}
