//! `attache serve`: the one place that knows how the daemon's pieces start and
//! stop — runtime, engine, ops listener, reload, signals, and the Telegram front
//! end. `telegram` and `ops` sit side by side under it and never import each
//! other; what they share (the swappable engine, Telegram's health, the stop
//! signal) lives in `service`.
//!
//! Shaped like mini-redis: `serve_on(engine, settings, listeners, shutdown)` is the
//! whole daemon, so `main` and the tests start it the same way, and stopping it is
//! resolving a future. That future fires the one `Shutdown` every part waits on.

use std::future::Future;
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context as _;
use tokio::net::TcpListener;

use crate::Engine;
use crate::config::{Mode, Settings};
use crate::ops::reload::{self, Reloader};
use crate::service::{Fatal, Health, SharedEngine, Shutdown, shared};

/// The sockets `serve` listens on; tests bind port 0 and pass them in.
#[derive(Default)]
pub struct Listeners {
    /// `/healthz`, `/readyz`, `/metrics`. `None`: no ops listener.
    pub ops: Option<TcpListener>,
    /// Webhook mode only.
    pub webhook: Option<TcpListener>,
}

/// Runs the daemon until `shutdown` resolves, binding the addresses in `settings`.
pub async fn serve(
    engine: Arc<Engine>,
    settings: Settings,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let ops = TcpListener::bind(settings.ops.listen)
        .await
        .with_context(|| format!("cannot listen on ops.listen {}", settings.ops.listen))?;
    let webhook = match settings.telegram.mode {
        Mode::Webhook => {
            let addr = settings.telegram.webhook_listen;
            let l = TcpListener::bind(addr)
                .await
                .with_context(|| format!("cannot listen on telegram.webhook_listen {addr}"))?;
            Some(l)
        }
        Mode::Polling => None,
    };
    let listeners = Listeners {
        ops: Some(ops),
        webhook,
    };
    serve_on(shared(engine), settings, listeners, shutdown).await
}

/// Runs the daemon on already-bound listeners until `shutdown` resolves; then the
/// front end stops taking updates, lets answers in flight finish (bounded), and
/// the ops listener closes last.
pub async fn serve_on(
    engine: SharedEngine,
    settings: Settings,
    listeners: Listeners,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let token = settings.token().map_err(Fatal::from)?;
    prepare_data_dir(&settings.data_dir)?;
    crate::ops::record_corpus(engine.load().corpus());
    let health = Arc::new(Health::default());
    let (trigger, stop) = Shutdown::new();
    let trigger = Arc::new(trigger);
    let relay = {
        let trigger = trigger.clone();
        tokio::spawn(async move {
            shutdown.await;
            trigger.fire();
        })
    };
    let reloader = Reloader::new(engine.clone(), &settings);
    let mut background = vec![crate::ops::spawn_upkeep(), relay];
    background.extend(reload::spawn_sighup(reloader.clone()));
    if settings.corpus.watch {
        background.push(reload::spawn_watcher(reloader.clone()));
    }
    let ops_task = listeners.ops.map(|listener| {
        let state = crate::ops::OpsState::new(engine.clone(), health.clone())
            .with_reload(reloader, settings.ops.admin_token.clone());
        let stop = stop.clone();
        tokio::spawn(crate::ops::serve(listener, state, async move {
            stop.wait().await;
        }))
    });
    let front = crate::telegram::Front {
        engine,
        settings,
        token,
        health,
        webhook: listeners.webhook,
    };
    let result = crate::telegram::run(front, stop).await;
    trigger.fire();
    if let Some(task) = ops_task {
        let _ = task.await;
    }
    for task in background {
        task.abort();
    }
    result
}

pub fn prepare_data_dir(dir: &Path) -> Result<(), Fatal> {
    std::fs::create_dir_all(dir).map_err(|e| Fatal::DataDir {
        path: dir.display().to_string(),
        message: e.to_string(),
    })
}

/// `attache serve`: settings, telemetry, corpus, then the daemon until SIGINT or
/// SIGTERM. Exit code 2 for bad settings or an invalid token, 1 for other failures.
pub fn run_serve(config_file: Option<&Path>) -> ExitCode {
    let settings = match crate::config::load_for_command(config_file) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr());
    crate::telemetry::install(crate::telemetry::subscriber(
        &settings.log,
        ansi,
        std::io::stderr,
    ));
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(r) => r,
        Err(e) => {
            tracing::error!(error = %e, "cannot start the async runtime");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(async {
        let engine = Arc::new(load_engine(&settings)?);
        let warm = Arc::clone(&engine);
        tokio::task::spawn_blocking(move || warm.prepare());
        serve(engine, settings, shutdown_signal()).await
    });
    match result {
        Ok(()) => {
            tracing::info!("stopped");
            ExitCode::SUCCESS
        }
        Err(e) => {
            tracing::error!(error = format!("{e:#}"), "attache serve failed");
            eprintln!("attache: {e:#}");
            if e.downcast_ref::<Fatal>().is_some() {
                ExitCode::from(2)
            } else {
                ExitCode::FAILURE
            }
        }
    }
}

/// Loads the corpus named in the settings (with the persisted index in `data_dir`
/// when it matches), logging per-file problems.
pub fn load_engine(settings: &Settings) -> anyhow::Result<Engine> {
    let synonyms = settings.corpus.synonyms.as_deref().filter(|p| {
        let exists = p.is_file();
        if !exists {
            tracing::warn!(path = %p.display(), "corpus.synonyms file not found; going without");
        }
        exists
    });
    prepare_data_dir(&settings.data_dir)?;
    let options = crate::Options {
        corpus_dir: &settings.corpus.dir,
        synonyms,
        data_dir: Some(&settings.data_dir),
    };
    let loaded = Engine::load(&options).map_err(|e| Fatal::Corpus {
        path: settings.corpus.dir.display().to_string(),
        message: e.to_string(),
    })?;
    for e in &loaded.errors {
        tracing::warn!(error = %e, "corpus file skipped");
    }
    let corpus = loaded.engine.corpus();
    tracing::info!(
        releases = corpus.releases().len(),
        paragraphs = corpus.paragraph_count(),
        skipped = loaded.errors.len(),
        index = ?loaded.index,
        "corpus loaded"
    );
    Ok(loaded.engine)
}

/// Resolves on SIGINT or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => tracing::info!("SIGINT: shutting down"),
        () = term => tracing::info!("SIGTERM: shutting down"),
    }
}
