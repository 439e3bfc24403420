//! The Telegram front end: receives updates (long polling or webhook), queues them
//! per chat (`scheduler`), hands questions to the core `Engine`, and turns the
//! `Answer` into messages and buttons (`format`, `callback`). It decides nothing
//! about retrieval, and knows nothing of the ops listener: `daemon` starts it
//! beside `ops` with what they share (`service`).

pub mod api;
pub mod callback;
pub mod format;
mod handlers;
pub mod journal;
pub mod limiter;
pub mod offset;
mod polling;
pub mod scheduler;
mod webhook;

use std::hash::{BuildHasher, Hash, Hasher};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};
use teloxide::RequestError;
use teloxide::prelude::*;
use teloxide::types::{BotCommand, Me};
use tokio::net::TcpListener;

use crate::Engine;
use crate::config::{Mode, Settings};
pub use crate::service::Fatal;
use crate::service::{Health, SharedEngine, Shutdown};
use api::{Api, call, describe};
pub use handlers::AnswerMemory;

/// Everything a handler needs; one per daemon, shared by all tasks.
pub struct Ctx {
    pub engine: SharedEngine,
    pub api: Api,
    pub me: Me,
    pub settings: Settings,
    /// Salt for hashing chat and user ids in logs (kept in `data_dir`).
    pub salt: u64,
    pub memory: AnswerMemory,
    /// The question log, polling state and answered updates (`data_dir/attache.db`).
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

/// What `daemon` hands the front end.
pub struct Front {
    pub engine: SharedEngine,
    pub settings: Settings,
    pub token: SecretString,
    /// Written here, read by `/readyz`.
    pub health: Arc<Health>,
    /// Webhook mode only.
    pub webhook: Option<TcpListener>,
}

/// Runs the front end until `stop` fires, then drains it and closes the question
/// log (rows still queued are written before this returns).
pub async fn run(front: Front, stop: Shutdown) -> anyhow::Result<()> {
    let Front {
        engine,
        settings,
        token,
        health,
        webhook,
    } = front;
    let salt = load_salt(&settings.data_dir);
    let api = Api::new(token.expose_secret(), &settings.telegram, health)?;
    drop(token);
    let journal = open_journal(&settings).await;
    let result = async {
        let Some(me) = get_me(&api, &stop).await? else {
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
        let mut stopped = Box::pin(stop.wait());
        match ctx.settings.telegram.mode {
            Mode::Polling => polling::run(ctx, stopped.as_mut()).await,
            Mode::Webhook => webhook::run(ctx, webhook, stopped.as_mut()).await,
        }
    }
    .await;
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
async fn get_me(api: &Api, stop: &Shutdown) -> anyhow::Result<Option<Me>> {
    let mut rounds = 0u32;
    loop {
        let attempt = async {
            api.retrying("getMe", api::Retry::Safe, || async {
                use teloxide::requests::Request as _;
                api.poller.get_me().send().await
            })
            .await
        };
        let result = tokio::select! {
            () = stop.wait() => return Ok(None),
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
                tracing::error!(kind = api::error_kind(&e), error = %describe(&e), wait_secs = wait.as_secs(), "cannot reach Telegram; still trying");
                tokio::select! {
                    () = stop.wait() => return Ok(None),
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
        tracing::warn!(kind = api::error_kind(&e), error = %describe(&e), "setMyCommands failed");
    }
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
