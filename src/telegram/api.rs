//! The bot's line to the Bot API: teloxide's `Bot`, our own per-chat rate limiter
//! (`limiter`), and the retry policy the daemon needs to run for months.
//!
//! Why a wrapper: every call must survive Telegram's bad days the same way — a 429
//! waits `retry_after`, network errors and 5xx retry with capped exponential
//! backoff — and every failure is counted by kind for `/metrics` and reflected in
//! `/readyz`. A request whose outcome is unknown (it timed out, the connection
//! dropped after it was sent, the answer was unreadable) is retried only when
//! repeating it cannot do harm: never for `sendMessage`, which Telegram may already
//! have delivered (see `Retry::Never`).
//!
//! Errors are logged through `describe`, never through teloxide's `Display`:
//! its invalid-JSON error carries the raw response body, which holds users'
//! messages and names. The token never appears either (teloxide strips the URL
//! from network errors).

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use teloxide::{ApiError, Bot, RequestError};

use super::limiter::Limiter;
use crate::config::TelegramSettings;
use crate::service::Health;

/// Calls a `Requester` method with retries:
/// `call!(api, "sendMessage", |b| b.send_message(chat, text).parse_mode(..))`.
macro_rules! call {
    ($api:expr, $method:literal, |$b:ident| $request:expr) => {{
        use teloxide::requests::Request as _;
        let api = &$api;
        api.retrying($method, $crate::telegram::api::Retry::Safe, || async {
            let $b = &api.bot;
            $request.send().await
        })
        .await
    }};
    ($api:expr, $method:literal, $retry:expr, |$b:ident| $request:expr) => {{
        use teloxide::requests::Request as _;
        let api = &$api;
        api.retrying($method, $retry, || async {
            let $b = &api.bot;
            $request.send().await
        })
        .await
    }};
}
pub(crate) use call;

/// Whether a failed call may be sent again when its outcome is unknown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Retry {
    /// Repeating it is harmless (reads, acknowledgements, edits to the same text).
    Safe,
    /// Only when Telegram certainly did not act on it (429, connection refused,
    /// 5xx); a timeout or a lost answer ends the call (`sendMessage`).
    Never,
}

/// Cheap to clone; shared by all handler tasks.
#[derive(Clone)]
pub struct Api {
    /// Requests with `request_timeout_secs`.
    pub bot: Bot,
    /// With the long-poll timeout: getUpdates.
    pub poller: Bot,
    pub health: Arc<Health>,
    /// Per-chat and overall sending limits (`None` with `telegram.throttle = false`).
    pub limiter: Option<Arc<Limiter>>,
    max_retries: u32,
    backoff: Duration,
}

impl Api {
    /// Builds the clients. The URL was validated with the settings; a bad one is an
    /// error here too, never a panic.
    pub fn new(
        token: &str,
        settings: &TelegramSettings,
        health: Arc<Health>,
    ) -> anyhow::Result<Api> {
        let api_url = crate::config::api_url(&settings.api_url)
            .map_err(|e| anyhow::anyhow!("telegram.api_url: {e}"))?;
        let timeout = Duration::from_secs(settings.request_timeout_secs.max(1));
        let long = timeout + Duration::from_secs(u64::from(settings.poll_timeout_secs));
        let client = |t| teloxide::net::default_reqwest_settings().timeout(t).build();
        let bot = Bot::with_client(token, client(timeout)?).set_api_url(api_url.clone());
        let poller = Bot::with_client(token, client(long)?).set_api_url(api_url);
        Ok(Api {
            bot,
            poller,
            health,
            limiter: settings.throttle.then(|| Arc::new(Limiter::telegram())),
            max_retries: settings.max_retries,
            backoff: Duration::from_millis(settings.backoff_ms.max(1)),
        })
    }

    /// Waits until a message may be sent to `chat` (Telegram's limits), when
    /// throttling is on.
    pub async fn pace(&self, chat: i64) {
        if let Some(limiter) = &self.limiter {
            limiter.acquire(chat).await;
        }
    }

    /// Runs `call` until it succeeds, a non-retryable error comes, or the retries
    /// are spent. Every error is counted by kind.
    pub async fn retrying<T, F, Fut>(
        &self,
        method: &'static str,
        retry: Retry,
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
                    self.health.success();
                    return Ok(value);
                }
                Err(error) => {
                    let kind = error_kind(&error);
                    self.record_error(method, kind);
                    let wait = self.retry_delay(&error, attempt, retry);
                    match wait {
                        Some(wait) if attempt < self.max_retries => {
                            tracing::warn!(method, kind, attempt, wait_ms = wait.as_millis() as u64, error = %describe(&error), "Telegram call failed; retrying");
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
        if matches!(kind, "network" | "server" | "timeout" | "io") {
            self.health.failure();
        }
        metrics::counter!("attache_telegram_errors_total", "kind" => kind, "method" => method)
            .increment(1);
    }

    /// How long to wait before retrying, or `None` when retrying cannot help (or
    /// could send the same message twice).
    fn retry_delay(&self, error: &RequestError, attempt: u32, retry: Retry) -> Option<Duration> {
        let backoff = backoff(self.backoff, attempt);
        match error {
            RequestError::RetryAfter(after) => Some(after.duration()),
            RequestError::Network(e) if e.is_connect() => Some(backoff),
            RequestError::Api(ApiError::Unknown(text)) if is_server_error(text) => Some(backoff),
            _ if retry == Retry::Never => None,
            RequestError::Network(_) | RequestError::InvalidJson { .. } | RequestError::Io(_) => {
                Some(backoff)
            }
            RequestError::Api(ApiError::Unknown(_)) => Some(backoff),
            _ => None,
        }
    }
}

/// The one backoff rule: `base`, doubling with each attempt, capped at 30 s.
pub fn backoff(base: Duration, attempt: u32) -> Duration {
    base.saturating_mul(2u32.saturating_pow(attempt.min(16)))
        .min(Duration::from_secs(30))
}

/// Whether Telegram may have acted on a request that failed this way.
pub fn outcome_unknown(error: &RequestError) -> bool {
    match error {
        RequestError::Network(e) => !e.is_connect(),
        RequestError::InvalidJson { .. } | RequestError::Io(_) => true,
        _ => false,
    }
}

/// An error as it may appear in a log line: never the raw response body (user
/// content) that teloxide's invalid-JSON error carries, never the token.
pub fn describe(error: &RequestError) -> String {
    match error {
        RequestError::InvalidJson { source, .. } => {
            format!("Telegram's answer is not the JSON expected ({source}); body not logged")
        }
        RequestError::Network(e) if e.is_timeout() => "the request timed out".to_string(),
        RequestError::Network(e) if e.is_connect() => "cannot connect to the Bot API".to_string(),
        RequestError::Network(_) => "network error (connection lost)".to_string(),
        other => other.to_string(),
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
