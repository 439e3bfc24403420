//! Webhook mode: Telegram POSTs each update to `telegram.public_url`.
//!
//! Every request must carry the configured secret in
//! `X-Telegram-Bot-Api-Secret-Token`, or it is refused (401) before its body is
//! read as an update. An update is acknowledged (200) only after it is handled, so
//! Telegram re-delivers what a crash interrupted; recently seen update ids are
//! remembered so a re-delivery is not answered twice by this replica.

use std::collections::{HashSet, VecDeque};
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use secrecy::ExposeSecret;
use teloxide::prelude::*;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;

use super::api::{call, error_kind};
use super::polling::allowed_updates;
use super::{Ctx, handlers};

const SECRET_HEADER: &str = "x-telegram-bot-api-secret-token";

#[derive(Clone)]
struct Hook {
    ctx: Arc<Ctx>,
    secret: Arc<str>,
    seen: Arc<Mutex<Seen>>,
    permits: Arc<Semaphore>,
}

#[derive(Default)]
struct Seen {
    set: HashSet<u32>,
    order: VecDeque<u32>,
}

impl Seen {
    const CAPACITY: usize = 10_000;

    fn first_time(&mut self, id: u32) -> bool {
        if !self.set.insert(id) {
            return false;
        }
        self.order.push_back(id);
        while self.order.len() > Self::CAPACITY {
            if let Some(old) = self.order.pop_front() {
                self.set.remove(&old);
            }
        }
        true
    }
}

pub(super) async fn run(
    ctx: Arc<Ctx>,
    listener: Option<TcpListener>,
    mut shutdown: Pin<&mut (impl Future<Output = ()> + ?Sized)>,
) -> anyhow::Result<()> {
    let Some(listener) = listener else {
        anyhow::bail!("webhook mode needs a listener (telegram.webhook_listen)");
    };
    let t = &ctx.settings.telegram;
    let public = url::Url::parse(&t.public_url)?;
    let secret: Arc<str> = t
        .secret_token
        .as_ref()
        .map(|s| Arc::from(s.expose_secret()))
        .ok_or_else(|| anyhow::anyhow!("webhook mode needs telegram.secret_token"))?;
    register(&ctx, &public, &secret).await?;
    let hook = Hook {
        permits: Arc::new(Semaphore::new(t.max_in_flight)),
        ctx: ctx.clone(),
        secret,
        seen: Arc::default(),
    };
    let path = match public.path() {
        "" => "/",
        p => p,
    };
    let app = Router::new().route(path, post(receive)).with_state(hook);
    let (stop_tx, mut stop_rx) = tokio::sync::watch::channel(false);
    let server = tokio::spawn(
        axum::serve(listener, app)
            .with_graceful_shutdown(async move {
                let _ = stop_rx.wait_for(|s| *s).await;
            })
            .into_future(),
    );
    tracing::info!(path, "webhook listening");
    shutdown.as_mut().await;
    let _ = stop_tx.send(true);
    let grace = Duration::from_secs(t.shutdown_grace_secs);
    match tokio::time::timeout(grace, server).await {
        Ok(Ok(Ok(()))) => Ok(()),
        Ok(Ok(Err(e))) => Err(e.into()),
        Ok(Err(e)) => Err(e.into()),
        Err(_) => {
            tracing::warn!("webhook requests still running after the grace period");
            Ok(())
        }
    }
}

async fn register(ctx: &Ctx, public: &url::Url, secret: &str) -> anyhow::Result<()> {
    let result = call!(ctx.api, "setWebhook", |b| b
        .set_webhook(public.clone())
        .secret_token(secret.to_string())
        .allowed_updates(allowed_updates()));
    if let Err(e) = result {
        tracing::error!(kind = error_kind(&e), error = %e, "setWebhook failed");
        return Err(e.into());
    }
    Ok(())
}

/// Constant-time comparison, so the secret cannot be guessed byte by byte.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

async fn receive(State(hook): State<Hook>, headers: HeaderMap, body: Bytes) -> StatusCode {
    let given = headers
        .get(SECRET_HEADER)
        .map(|v| v.as_bytes())
        .unwrap_or_default();
    if !same(given, hook.secret.as_bytes()) {
        metrics::counter!("attache_webhook_rejected_total").increment(1);
        return StatusCode::UNAUTHORIZED;
    }
    let update: Update = match serde_json::from_slice(&body) {
        Ok(u) => u,
        Err(e) => {
            tracing::warn!(error = %e, "webhook body is not an update");
            return StatusCode::BAD_REQUEST;
        }
    };
    let first = hook
        .seen
        .lock()
        .map(|mut s| s.first_time(update.id.0))
        .unwrap_or(true);
    if !first {
        return StatusCode::OK;
    }
    let Ok(_permit) = hook.permits.clone().acquire_owned().await else {
        return StatusCode::SERVICE_UNAVAILABLE;
    };
    // In its own task: a client that hangs up must not cancel an answer halfway.
    match tokio::spawn(handlers::handle_update(hook.ctx.clone(), update)).await {
        Ok(()) => StatusCode::OK,
        Err(e) => {
            tracing::error!(error = %e, "update handler panicked");
            StatusCode::OK
        }
    }
}
