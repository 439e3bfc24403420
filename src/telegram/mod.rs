//! The Telegram front end: `attache serve`.
//!
//! Shaped like mini-redis: `serve(engine, settings, shutdown)` is the whole daemon,
//! so `main` and the tests start it the same way and stopping it is just resolving
//! a future. This module decides nothing about retrieval — it receives updates
//! (long polling or webhook), hands questions to the core `Engine`, and turns the
//! `Answer` into messages and buttons (`format`, `callback`).

pub mod api;
pub mod callback;
pub mod format;
mod handlers;
pub mod journal;
pub mod offset;
mod polling;
mod webhook;

use std::future::Future;
use std::hash::{BuildHasher, Hash, Hasher};
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use secrecy::ExposeSecret;
use teloxide::RequestError;
use teloxide::prelude::*;
use teloxide::types::{BotCommand, Me};
use tokio::net::TcpListener;

use crate::Engine;
use crate::config::{Mode, Settings, SettingsError};
use crate::ops::reload::{self, Reloader};
use api::{Api, call};
pub use handlers::AnswerMemory;

/// Errors that mean "fix the configuration": the binary exits with code 2.
#[derive(Debug, thiserror::Error)]
pub enum Fatal {
    #[error(
        "Telegram rejected the bot token (401 Unauthorized / 404): check ATTACHE__TELEGRAM__TOKEN, TELOXIDE_TOKEN or telegram.token_file"
    )]
    InvalidToken,
    #[error(transparent)]
    Settings(#[from] SettingsError),
    #[error("cannot use data_dir {path}: {message}")]
    DataDir { path: String, message: String },
    #[error("cannot load corpus.dir {path}: {message}")]
    Corpus { path: String, message: String },
}

/// The engine as the daemon holds it: swappable, so a reload (issue 5: SIGHUP, file
/// change, `POST /admin/reload`) can put a new one in while questions in flight
/// finish on the old one. Each question takes one snapshot with `load_full()`.
pub type SharedEngine = Arc<arc_swap::ArcSwap<Engine>>;

/// Wraps a loaded engine for `serve_on`.
pub fn shared(engine: Arc<Engine>) -> SharedEngine {
    Arc::new(arc_swap::ArcSwap::new(engine))
}

/// Everything a handler needs; one per daemon, shared by all tasks.
pub struct Ctx {
    pub engine: SharedEngine,
    pub api: Api,
    pub me: Me,
    pub settings: Settings,
    /// Salt for hashing chat and user ids in logs (kept in `data_dir`).
    pub salt: u64,
    pub memory: AnswerMemory,
    /// The question log and polling state (`data_dir/attache.db`).
    pub journal: Arc<journal::Journal>,
}

impl Ctx {
    /// The current engine (a snapshot: a reload does not change it under a question).
    pub fn engine(&self) -> Arc<Engine> {
        self.engine.load_full()
    }

    /// A chat or user id as it appears in logs: salted and hashed.
    pub fn hash_id(&self, id: i64) -> String {
        let mut h = std::hash::DefaultHasher::new();
        (self.salt, id).hash(&mut h);
        format!("{:012x}", h.finish() & 0xffff_ffff_ffff)
    }
}

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

/// Runs the daemon on already-bound listeners until `shutdown` resolves; then stops
/// taking updates, lets answers in flight finish (bounded), and returns.
pub async fn serve_on(
    engine: SharedEngine,
    settings: Settings,
    listeners: Listeners,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let token = settings.token().map_err(Fatal::from)?;
    prepare_data_dir(&settings.data_dir)?;
    let salt = load_salt(&settings.data_dir);
    let api = Api::new(token.expose_secret(), &settings.telegram)?;
    drop(token);
    crate::ops::record_corpus(engine.load().corpus());
    let journal = open_journal(&settings).await;
    let reloader = Reloader::new(engine.clone(), &settings);
    let mut background = vec![crate::ops::spawn_upkeep()];
    background.extend(reload::spawn_sighup(reloader.clone()));
    if settings.corpus.watch {
        background.push(reload::spawn_watcher(reloader.clone()));
    }
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let ops_task = listeners.ops.map(|listener| {
        let state = crate::ops::OpsState::new(engine.clone(), api.health.clone())
            .with_reload(reloader, settings.ops.admin_token.clone());
        let mut rx = stop_rx.clone();
        tokio::spawn(crate::ops::serve(listener, state, async move {
            let _ = rx.wait_for(|stop| *stop).await;
        }))
    });
    let mut shutdown = Box::pin(shutdown);
    let result = async {
        let Some(me) = get_me(&api, shutdown.as_mut()).await? else {
            return Ok(());
        };
        tracing::info!(bot = username(&me), mode = %settings.telegram.mode, "connected to Telegram");
        let ctx = Arc::new(Ctx {
            engine,
            api,
            me,
            salt,
            memory: AnswerMemory::default(),
            settings,
            journal: journal.clone(),
        });
        register_commands(&ctx).await;
        match ctx.settings.telegram.mode {
            Mode::Polling => polling::run(ctx, shutdown.as_mut()).await,
            Mode::Webhook => webhook::run(ctx, listeners.webhook, shutdown.as_mut()).await,
        }
    }
    .await;
    let _ = stop_tx.send(true);
    if let Some(task) = ops_task {
        let _ = task.await;
    }
    for task in background {
        task.abort();
    }
    // Rows still queued are written before `serve` returns.
    let _ = tokio::task::spawn_blocking(move || journal.close()).await;
    result
}

/// Opens the question log and polling state off the async threads; without a
/// usable database the daemon still runs (see `journal`).
async fn open_journal(settings: &Settings) -> Arc<journal::Journal> {
    let dir = settings.data_dir.clone();
    let log = settings.log.clone();
    let opened = tokio::task::spawn_blocking(move || journal::Journal::open(&dir, &log)).await;
    Arc::new(opened.unwrap_or_else(|_| journal::Journal::off()))
}

/// The bot's @username without the `@` (empty if Telegram sent none).
pub fn username(me: &Me) -> &str {
    me.user.username.as_deref().unwrap_or_default()
}

/// Asks Telegram who we are, retrying while it is unreachable. An invalid token is
/// fatal; `None` when shutdown came first.
async fn get_me(
    api: &Api,
    mut shutdown: std::pin::Pin<&mut (impl Future<Output = ()> + ?Sized)>,
) -> anyhow::Result<Option<Me>> {
    let mut rounds = 0u32;
    loop {
        let attempt = async {
            api.retrying("getMe", || async {
                use teloxide::requests::Request as _;
                api.poller.get_me().send().await
            })
            .await
        };
        let result = tokio::select! {
            () = shutdown.as_mut() => return Ok(None),
            r = attempt => r,
        };
        match result {
            Ok(me) => return Ok(Some(me)),
            Err(RequestError::Api(teloxide::ApiError::InvalidToken)) => {
                return Err(Fatal::InvalidToken.into());
            }
            Err(e) => {
                rounds = rounds.saturating_add(1);
                let wait = Duration::from_secs(u64::from(rounds.min(6)) * 5);
                tracing::error!(kind = api::error_kind(&e), error = %e, wait_secs = wait.as_secs(), "cannot reach Telegram; still trying");
                tokio::select! {
                    () = shutdown.as_mut() => return Ok(None),
                    () = tokio::time::sleep(wait) => {}
                }
            }
        }
    }
}

/// Puts the commands in the chat menu. Failure is logged, not fatal.
async fn register_commands(ctx: &Ctx) {
    let commands = vec![
        BotCommand::new("start", "What Attaché is, with example questions"),
        BotCommand::new("help", "How to ask, in private, groups and inline"),
        BotCommand::new("ask", "Ask a question (in groups: /ask QUESTION)"),
        BotCommand::new("sources", "The press releases I quote"),
        BotCommand::new("latest", "The newest release"),
        BotCommand::new("about", "Version and corpus"),
    ];
    let result = call!(ctx.api, "setMyCommands", |b| b
        .set_my_commands(commands.clone()));
    if let Err(e) = result {
        tracing::warn!(kind = api::error_kind(&e), error = %e, "setMyCommands failed");
    }
}

fn prepare_data_dir(dir: &Path) -> Result<(), Fatal> {
    std::fs::create_dir_all(dir).map_err(|e| Fatal::DataDir {
        path: dir.display().to_string(),
        message: e.to_string(),
    })
}

/// The log-hash salt: random once, then kept in `data_dir` so hashes stay
/// comparable across restarts. Falls back to a per-process salt.
fn load_salt(dir: &Path) -> u64 {
    let path = dir.join("log-salt");
    if let Some(salt) = std::fs::read_to_string(&path)
        .ok()
        .and_then(|s| u64::from_str_radix(s.trim(), 16).ok())
    {
        return salt;
    }
    let salt =
        std::collections::hash_map::RandomState::new().hash_one(std::time::SystemTime::now());
    if let Err(e) = std::fs::write(&path, format!("{salt:016x}\n")) {
        tracing::warn!(error = %e, "cannot save the log salt; hashed ids will change on restart");
    }
    salt
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
        let engine = load_engine(&settings)?;
        serve(Arc::new(engine), settings, shutdown_signal()).await
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
