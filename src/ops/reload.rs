//! Live corpus reload: a new release is answerable without a restart.
//!
//! Three triggers — SIGHUP, a change in the corpus directory (debounced), and
//! `POST /admin/reload` on the ops listener — all end in `Reloader::reload`: build a
//! new `Engine` beside the one serving (on a blocking thread; with a data directory
//! the persisted index is rebuilt by `store::open_or_build`, which replaces it
//! atomically), check it loaded at least one release, and swap it into the
//! `SharedEngine`. A question in flight holds its own snapshot of the old engine and
//! finishes on it; the next one gets the new one. A corpus that does not load keeps
//! the old engine serving; the error, naming the file, is logged and counted in
//! `attache_reload_total{result="error"}`. Reloads run one at a time.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use notify::{EventKind, RecursiveMode, Watcher};
use tokio::sync::mpsc;

use crate::config::Settings;
use crate::engine::Error as EngineError;
use crate::service::SharedEngine;
use crate::{Engine, Options, corpus};

/// Quiet time after the last change in the corpus directory before a reload: an
/// editor's save or a copy of several files becomes one reload.
pub const DEBOUNCE: Duration = Duration::from_secs(1);

/// What asked for a reload (for the log).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trigger {
    Signal,
    Watch,
    Http,
}

impl Trigger {
    fn name(self) -> &'static str {
        match self {
            Trigger::Signal => "sighup",
            Trigger::Watch => "file change",
            Trigger::Http => "http",
        }
    }
}

/// The corpus now serving, after a successful reload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reloaded {
    pub releases: usize,
    pub paragraphs: usize,
    /// Files that did not load (each logged as a warning).
    pub skipped: usize,
    pub elapsed: Duration,
}

/// Why the old corpus is still serving.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct ReloadError(String);

/// Builds and swaps engines for the daemon; shared by the three triggers.
pub struct Reloader {
    engine: SharedEngine,
    corpus_dir: PathBuf,
    synonyms: Option<PathBuf>,
    data_dir: PathBuf,
    one_at_a_time: tokio::sync::Mutex<()>,
}

impl Reloader {
    pub fn new(engine: SharedEngine, settings: &Settings) -> Arc<Reloader> {
        // Both series exist from the start, so `increase(...)` alerts see the first one.
        for result in ["ok", "error"] {
            metrics::counter!("attache_reload_total", "result" => result).increment(0);
        }
        Arc::new(Reloader {
            engine,
            corpus_dir: settings.corpus.dir.clone(),
            synonyms: settings.corpus.synonyms.clone(),
            data_dir: settings.data_dir.clone(),
            one_at_a_time: tokio::sync::Mutex::new(()),
        })
    }

    pub fn corpus_dir(&self) -> &Path {
        &self.corpus_dir
    }

    /// Loads the corpus again and swaps it in, or keeps the old one and says why.
    pub async fn reload(&self, trigger: Trigger) -> Result<Reloaded, ReloadError> {
        let _turn = self.one_at_a_time.lock().await;
        let started = Instant::now();
        let (dir, synonyms, data) = (
            self.corpus_dir.clone(),
            self.synonyms.clone(),
            self.data_dir.clone(),
        );
        let built = tokio::task::spawn_blocking(move || build(&dir, synonyms.as_deref(), &data))
            .await
            .map_err(|e| ReloadError(format!("the reload panicked: {e}")))
            .and_then(|r| r);
        let elapsed = started.elapsed();
        metrics::histogram!("attache_reload_seconds").record(elapsed.as_secs_f64());
        let (engine, skipped) = match built {
            Ok(built) => built,
            Err(e) => {
                metrics::counter!("attache_reload_total", "result" => "error").increment(1);
                tracing::error!(trigger = trigger.name(), dir = %self.corpus_dir.display(), error = %e, "corpus reload failed; the previous corpus keeps serving");
                return Err(e);
            }
        };
        let corpus = engine.corpus();
        let done = Reloaded {
            releases: corpus.releases().len(),
            paragraphs: corpus.paragraph_count(),
            skipped,
            elapsed,
        };
        self.engine.store(Arc::new(engine));
        crate::ops::record_corpus(self.engine.load().corpus());
        metrics::counter!("attache_reload_total", "result" => "ok").increment(1);
        tracing::info!(
            trigger = trigger.name(),
            dir = %self.corpus_dir.display(),
            releases = done.releases,
            paragraphs = done.paragraphs,
            skipped,
            elapsed_ms = elapsed.as_secs_f64() * 1000.0,
            "corpus reloaded"
        );
        Ok(done)
    }
}

/// Loads an engine as `serve` does (blocking). Per-file problems are warnings; a
/// corpus with no release that loads is an error naming each broken file.
fn build(
    dir: &Path,
    synonyms: Option<&Path>,
    data_dir: &Path,
) -> Result<(Engine, usize), ReloadError> {
    let synonyms = synonyms.filter(|p| p.is_file());
    let options = Options {
        corpus_dir: dir,
        synonyms,
        data_dir: Some(data_dir),
    };
    match Engine::load(&options) {
        Ok(loaded) => {
            for e in &loaded.errors {
                tracing::warn!(error = %e, "corpus file skipped");
            }
            if loaded.engine.corpus().is_empty() {
                return Err(ReloadError(format!("{}: no release loaded", dir.display())));
            }
            loaded.engine.prepare();
            Ok((loaded.engine, loaded.errors.len()))
        }
        Err(EngineError::EmptyCorpus(_)) => Err(ReloadError(empty_corpus(dir))),
        Err(e) => Err(ReloadError(format!("{}: {e}", dir.display()))),
    }
}

/// "no release loads", with each file's own error (loaded again: this is the
/// failure path, and `Engine::load` does not return them with the error).
fn empty_corpus(dir: &Path) -> String {
    let files: Vec<String> = corpus::load_dir(dir)
        .map(|l| l.errors.iter().map(ToString::to_string).collect())
        .unwrap_or_default();
    if files.is_empty() {
        format!("the corpus in {} has no release", dir.display())
    } else {
        format!(
            "the corpus in {} has no release that loads: {}",
            dir.display(),
            files.join("; ")
        )
    }
}

/// Reloads on every SIGHUP until the task is aborted. The handler is installed
/// before this returns, so a SIGHUP right after start no longer ends the process.
#[cfg(unix)]
pub fn spawn_sighup(reloader: Arc<Reloader>) -> Option<tokio::task::JoinHandle<()>> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut hup = match signal(SignalKind::hangup()) {
        Ok(s) => s,
        Err(e) => {
            tracing::warn!(error = %e, "cannot listen for SIGHUP; reload with POST /admin/reload");
            return None;
        }
    };
    Some(tokio::spawn(async move {
        while hup.recv().await.is_some() {
            tracing::info!("SIGHUP: reloading the corpus");
            let _ = reloader.reload(Trigger::Signal).await;
        }
    }))
}

#[cfg(not(unix))]
pub fn spawn_sighup(_reloader: Arc<Reloader>) -> Option<tokio::task::JoinHandle<()>> {
    None
}

/// Watches the corpus directory and reloads after `DEBOUNCE` of quiet following a
/// change to a `*.md` file (or to the directory itself). The watch is set up again
/// after each reload, so a directory replaced by a new one is followed.
pub fn spawn_watcher(reloader: Arc<Reloader>) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        // Capacity 1: one pending "something changed" is all a reload needs.
        let (tx, mut rx) = mpsc::channel::<()>(1);
        // Absolute, so the parent watch exists and event paths compare equal.
        let given = reloader.corpus_dir();
        let dir = std::path::absolute(given).unwrap_or_else(|_| given.to_path_buf());
        let mut watcher = watch(&dir, &tx);
        while rx.recv().await.is_some() {
            loop {
                match tokio::time::timeout(DEBOUNCE, rx.recv()).await {
                    Ok(Some(())) => continue,
                    Ok(None) => return,
                    Err(_quiet) => break,
                }
            }
            let _ = reloader.reload(Trigger::Watch).await;
            drop(watcher);
            watcher = watch(&dir, &tx);
        }
    })
}

/// An inotify (or platform) watch on `dir` and, to notice the directory being
/// replaced, on its parent. `None` (with a warning) when it cannot be set up.
fn watch(dir: &Path, tx: &mpsc::Sender<()>) -> Option<notify::RecommendedWatcher> {
    let target = dir.to_path_buf();
    let tx = tx.clone();
    let handler = move |event: notify::Result<notify::Event>| {
        let Ok(event) = event else { return };
        if relevant(&event, &target) {
            // Full means a reload is already pending: nothing is lost.
            let _ = tx.try_send(());
        }
    };
    let mut watcher = match notify::recommended_watcher(handler) {
        Ok(w) => w,
        Err(e) => {
            tracing::warn!(error = %e, "cannot watch the corpus directory; reload with SIGHUP");
            return None;
        }
    };
    if let Err(e) = watcher.watch(dir, RecursiveMode::NonRecursive) {
        tracing::warn!(dir = %dir.display(), error = %e, "cannot watch the corpus directory; reload with SIGHUP");
    }
    if let Some(parent) = dir.parent().filter(|p| !p.as_os_str().is_empty()) {
        let _ = watcher.watch(parent, RecursiveMode::NonRecursive);
    }
    Some(watcher)
}

/// A change worth a reload: a `*.md` file in the corpus directory, or the
/// directory itself (created, removed, renamed). Reads are not changes.
fn relevant(event: &notify::Event, dir: &Path) -> bool {
    if matches!(event.kind, EventKind::Access(_)) {
        return false;
    }
    event.paths.iter().any(|p| {
        let is_release = p.extension().is_some_and(|e| e == "md") && p.parent() == Some(dir);
        p == dir || is_release
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use notify::event::{AccessKind, CreateKind, ModifyKind};

    fn event(kind: EventKind, path: &Path) -> notify::Event {
        notify::Event::new(kind).add_path(path.to_path_buf())
    }

    #[test]
    fn only_release_files_and_the_directory_count() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let dir = tmp.path().join("corpus");
        std::fs::create_dir(&dir).expect("mkdir");
        let md = dir.join("new.md");
        let create = EventKind::Create(CreateKind::File);
        assert!(relevant(&event(create, &md), &dir));
        assert!(relevant(
            &event(EventKind::Modify(ModifyKind::Any), &dir),
            &dir
        ));
        assert!(!relevant(&event(create, &dir.join(".new.md.swp")), &dir));
        assert!(!relevant(
            &event(create, &tmp.path().join("other.md")),
            &dir
        ));
        assert!(!relevant(
            &event(EventKind::Access(AccessKind::Any), &md),
            &dir
        ));
    }
}
