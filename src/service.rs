//! What the front ends share without knowing each other: the swappable engine and
//! whether Telegram answers. `daemon` creates both; `telegram` writes the health,
//! `ops` reads it for `/readyz`; `ops::reload` swaps the engine.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};

use crate::Engine;

/// The engine as the daemon holds it: swappable, so a reload (SIGHUP, file change,
/// `POST /admin/reload`) can put a new one in while questions in flight finish on
/// the old one. Each question takes one snapshot with `load_full()`.
pub type SharedEngine = Arc<arc_swap::ArcSwap<Engine>>;

/// Wraps a loaded engine.
pub fn shared(engine: Arc<Engine>) -> SharedEngine {
    Arc::new(arc_swap::ArcSwap::new(engine))
}

/// Whether Telegram answered lately (for `/readyz`): reachable after a success,
/// unreachable after `Health::FAILURES` failures in a row (timeouts, network
/// errors, 5xx) with no success between them.
#[derive(Debug, Default)]
pub struct Health {
    answered: AtomicBool,
    failures: AtomicU32,
}

impl Health {
    /// Failures in a row that make the daemon not ready.
    pub const FAILURES: u32 = 3;

    pub fn reachable(&self) -> bool {
        self.answered.load(Ordering::Relaxed)
            && self.failures.load(Ordering::Relaxed) < Self::FAILURES
    }

    pub fn success(&self) {
        self.answered.store(true, Ordering::Relaxed);
        self.failures.store(0, Ordering::Relaxed);
    }

    pub fn failure(&self) {
        self.failures.fetch_add(1, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_failures_make_it_unreachable_until_a_success() {
        let h = Health::default();
        assert!(!h.reachable(), "not before Telegram answered");
        h.success();
        h.failure();
        h.failure();
        assert!(h.reachable(), "two failures are weather");
        h.failure();
        assert!(!h.reachable());
        h.success();
        assert!(h.reachable());
    }
}

/// The daemon's one stop signal: `daemon` resolves it (SIGINT, SIGTERM, or the
/// future a test passes to `serve_on`); every part waits on its own clone.
#[derive(Clone)]
pub struct Shutdown {
    rx: tokio::sync::watch::Receiver<bool>,
}

/// Resolves every `Shutdown` made from it; dropping it does too.
pub struct Trigger {
    tx: tokio::sync::watch::Sender<bool>,
}

impl Shutdown {
    pub fn new() -> (Trigger, Shutdown) {
        let (tx, rx) = tokio::sync::watch::channel(false);
        (Trigger { tx }, Shutdown { rx })
    }

    /// Resolves once the daemon is stopping (at once if it already is).
    pub async fn wait(&self) {
        let mut rx = self.rx.clone();
        let _ = rx.wait_for(|stop| *stop).await;
    }

    pub fn is_set(&self) -> bool {
        *self.rx.borrow()
    }
}

impl Trigger {
    pub fn fire(&self) {
        self.tx.send_replace(true);
    }
}

/// Errors that mean "fix the configuration": the binary exits with code 2.
#[derive(Debug, thiserror::Error)]
pub enum Fatal {
    #[error(
        "Telegram rejected the bot token (401 Unauthorized / 404): check ATTACHE__TELEGRAM__TOKEN, TELOXIDE_TOKEN or telegram.token_file"
    )]
    InvalidToken,
    #[error(transparent)]
    Settings(#[from] crate::config::SettingsError),
    #[error("cannot use data_dir {path}: {message}")]
    DataDir { path: String, message: String },
    #[error("cannot load corpus.dir {path}: {message}")]
    Corpus { path: String, message: String },
}
