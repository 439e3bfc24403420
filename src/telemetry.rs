//! Logging setup: build a subscriber, install it. Two functions, so tests can build
//! one that writes into a buffer and `main` installs the real one.
//!
//! Text for people at a terminal, JSON for log shippers; the level comes from
//! `RUST_LOG` when set (the operator's emergency override), else from `log.level`.
//! `log` records (teloxide, reqwest) are bridged into `tracing`.

use tracing::Subscriber;
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{EnvFilter, fmt};

use crate::config::{LogFormat, LogSettings};

/// A subscriber writing to `writer`, filtered by `RUST_LOG` or `settings.level`;
/// `ansi` colours the text format (only for a terminal: not for files or journald).
pub fn subscriber<W>(
    settings: &LogSettings,
    ansi: bool,
    writer: W,
) -> Box<dyn Subscriber + Send + Sync>
where
    W: for<'a> MakeWriter<'a> + Send + Sync + 'static,
{
    let filter = EnvFilter::try_from_default_env()
        .or_else(|_| EnvFilter::try_new(&settings.level))
        .unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = fmt()
        .with_env_filter(filter)
        .with_writer(writer)
        .with_ansi(ansi);
    match settings.format {
        LogFormat::Text => Box::new(builder.finish()),
        LogFormat::Json => Box::new(builder.json().flatten_event(true).finish()),
    }
}

/// Installs `subscriber` as the process-wide default (and bridges `log`). Returns
/// false when one was already installed (tests install theirs first).
pub fn install(subscriber: Box<dyn Subscriber + Send + Sync>) -> bool {
    subscriber.try_init().is_ok()
}
