//! The bot's line to the Bot API: teloxide's `Bot` (optionally behind its `Throttle`
//! adaptor), plus the retry policy the daemon needs to run for months.
//!
//! Why a wrapper: every call must survive Telegram's bad days the same way — a 429
//! waits `retry_after`, network errors and 5xx retry with capped exponential
//! backoff — and every failure is counted by kind for `/metrics` and reflected in
//! `/readyz`. Errors logged here never carry the token (teloxide strips the URL
//! from network errors, and we only log the error's kind and text).

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use teloxide::adaptors::Throttle;
use teloxide::adaptors::throttle::Limits;
use teloxide::{ApiError, Bot, RequestError};

use crate::config::TelegramSettings;

/// Whether Telegram answered lately (for `/readyz`).
#[derive(Debug, Default)]
pub struct Health {
    reachable: AtomicBool,
}

impl Health {
    pub fn reachable(&self) -> bool {
        self.reachable.load(Ordering::Relaxed)
    }

    pub fn set(&self, ok: bool) {
        self.reachable.store(ok, Ordering::Relaxed);
    }
}

/// The sending side: plain, or throttled to Telegram's limits.
#[derive(Clone)]
pub enum Sender {
    Plain(Bot),
    Throttled(Throttle<Bot>),
}

/// Calls a `Requester` method on whichever sender is configured, with retries:
/// `call!(api, "sendMessage", |b| b.send_message(chat, text).parse_mode(..))`.
macro_rules! call {
    ($api:expr, $method:literal, |$b:ident| $request:expr) => {{
        use teloxide::requests::Request as _;
        let api = &$api;
        api.retrying($method, || async {
            match &api.sender {
                $crate::telegram::api::Sender::Plain($b) => $request.send().await,
                $crate::telegram::api::Sender::Throttled($b) => $request.send().await,
            }
        })
        .await
    }};
}
pub(crate) use call;

/// Cheap to clone; shared by all handler tasks.
#[derive(Clone)]
pub struct Api {
    pub sender: Sender,
    /// Unthrottled, with the long-poll timeout: getUpdates, getMe, webhook calls.
    pub poller: Bot,
    pub health: Arc<Health>,
    max_retries: u32,
    backoff: Duration,
}

impl Api {
    /// Builds the clients. Must run inside the tokio runtime (Throttle spawns).
    pub fn new(token: &str, settings: &TelegramSettings) -> anyhow::Result<Api> {
        let api_url = url::Url::parse(&settings.api_url)?;
        let timeout = Duration::from_secs(settings.request_timeout_secs.max(1));
        let long = timeout + Duration::from_secs(u64::from(settings.poll_timeout_secs));
        let client = |t| teloxide::net::default_reqwest_settings().timeout(t).build();
        let bot = Bot::with_client(token, client(timeout)?).set_api_url(api_url.clone());
        let poller = Bot::with_client(token, client(long)?).set_api_url(api_url);
        let sender = if settings.throttle {
            Sender::Throttled(Throttle::new_spawn(bot, Limits::default()))
        } else {
            Sender::Plain(bot)
        };
        Ok(Api {
            sender,
            poller,
            health: Arc::new(Health::default()),
            max_retries: settings.max_retries,
            backoff: Duration::from_millis(settings.backoff_ms.max(1)),
        })
    }

    /// Runs `call` until it succeeds, a non-retryable error comes, or the retries
    /// are spent. Every error is counted by kind.
    pub async fn retrying<T, F, Fut>(
        &self,
        method: &'static str,
        mut call: F,
    ) -> Result<T, RequestError>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T, RequestError>>,
    {
        let mut attempt = 0;
        loop {
            match call().await {
                Ok(value) => {
                    self.health.set(true);
                    return Ok(value);
                }
                Err(error) => {
                    let kind = error_kind(&error);
                    self.record_error(method, kind);
                    let wait = self.retry_delay(&error, attempt);
                    match wait {
                        Some(wait) if attempt < self.max_retries => {
                            tracing::warn!(method, kind, attempt, wait_ms = wait.as_millis() as u64, error = %error, "Telegram call failed; retrying");
                            tokio::time::sleep(wait).await;
                            attempt += 1;
                        }
                        _ => return Err(error),
                    }
                }
            }
        }
    }

    pub fn record_error(&self, method: &'static str, kind: &'static str) {
        if matches!(kind, "network" | "server") {
            self.health.set(false);
        }
        metrics::counter!("attache_telegram_errors_total", "kind" => kind, "method" => method)
            .increment(1);
    }

    /// How long to wait before retrying, or `None` when retrying cannot help.
    fn retry_delay(&self, error: &RequestError, attempt: u32) -> Option<Duration> {
        let backoff = self
            .backoff
            .saturating_mul(2u32.saturating_pow(attempt.min(16)))
            .min(Duration::from_secs(30));
        match error {
            RequestError::RetryAfter(after) => Some(after.duration()),
            RequestError::Network(_) | RequestError::InvalidJson { .. } | RequestError::Io(_) => {
                Some(backoff)
            }
            RequestError::Api(ApiError::Unknown(_)) => Some(backoff),
            _ => None,
        }
    }
}

/// A short, stable label for metrics and logs.
pub fn error_kind(error: &RequestError) -> &'static str {
    match error {
        RequestError::RetryAfter(_) => "retry_after",
        RequestError::Network(e) if e.is_timeout() => "timeout",
        RequestError::Network(_) => "network",
        RequestError::InvalidJson { .. } => "invalid_json",
        RequestError::Io(_) => "io",
        RequestError::MigrateToChatId(_) => "migrated",
        RequestError::Api(api) => api_kind(api),
    }
}

fn api_kind(error: &ApiError) -> &'static str {
    match error {
        ApiError::InvalidToken => "unauthorized",
        ApiError::TerminatedByOtherGetUpdates | ApiError::CantGetUpdates => "conflict",
        ApiError::BotBlocked | ApiError::UserDeactivated | ApiError::BotKicked => "blocked",
        ApiError::MessageNotModified => "not_modified",
        ApiError::Unknown(text) if is_server_error(text) => "server",
        ApiError::Unknown(_) => "other",
        _ => "bad_request",
    }
}

/// Telegram's descriptions for 5xx answers.
fn is_server_error(text: &str) -> bool {
    [
        "Internal Server Error",
        "Bad Gateway",
        "Service Unavailable",
        "Gateway",
    ]
    .iter()
    .any(|s| text.contains(s))
}
