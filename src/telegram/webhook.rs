//! Webhook mode: Telegram POSTs each update to `telegram.public_url`.
//!
//! Every request must carry the configured secret in
//! `X-Telegram-Bot-Api-Secret-Token`: it is checked (in constant time) from the
//! headers, before a byte of the body is read, so an unauthenticated client costs
//! a header's worth of memory and gets 401. The body is then read with a limit
//! sized to Telegram's updates (`BODY_LIMIT`) and a read timeout; headers have
//! their own timeout, which also closes idle connections (`HEADER_TIMEOUT`). A body that is
//! not an update is logged without its content and acknowledged (200): answering
//! 4xx would make Telegram send it again forever.
//!
//! An update joins its chat's queue (`scheduler`); its request is acknowledged
//! (200) once it is handled, so Telegram re-delivers what a crash interrupted, and
//! 503 when the daemon stopped before handling it. Update ids in flight are
//! remembered so a re-delivery meanwhile is not answered twice; across restarts
//! the answered-update record does that.
//!
//! Why not teloxide's `webhooks::axum`: it reads the body before anything else,
//! answers 200 as soon as the update is parsed (a crash then loses it), and has no
//! body limit of its own.

use std::collections::HashSet;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::routing::post;
use secrecy::ExposeSecret;
use subtle::ConstantTimeEq as _;
use teloxide::prelude::*;
use tokio::net::TcpListener;

use super::Ctx;
use super::api::{call, describe, error_kind};
use super::polling::allowed_updates;
use super::scheduler::Scheduler;

const SECRET_HEADER: &str = "x-telegram-bot-api-secret-token";
/// The largest body read: a message of 4,096 characters with its entities, the
/// message it replies to and a quote stay well below this.
pub const BODY_LIMIT: usize = 256 * 1024;
/// How long a client may take to send the body.
const READ_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a client may take to send a request's headers, and how long an idle
/// keep-alive connection stays open.
pub const HEADER_TIMEOUT: Duration = Duration::from_secs(10);

#[derive(Clone)]
struct Hook {
    scheduler: Arc<Scheduler>,
    secret: Arc<str>,
    in_flight: Arc<Mutex<HashSet<u32>>>,
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
    let scheduler = Scheduler::new(ctx.clone());
    let hook = Hook {
        scheduler: scheduler.clone(),
        secret,
        in_flight: Arc::default(),
    };
    let path = match public.path() {
        "" => "/",
        p => p,
    };
    let app = Router::new().route(path, post(receive)).with_state(hook);
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let server = tokio::spawn(accept_loop(listener, app, stop_rx));
    tracing::info!(path, "webhook listening");
    shutdown.as_mut().await;
    let grace = Duration::from_secs(t.shutdown_grace_secs);
    scheduler.stop(grace).await;
    let _ = stop_tx.send(true);
    let _ = server.await;
    Ok(())
}

/// Serves HTTP/1.1 connections until `stop`, each with a header-read timeout (also
/// for an idle keep-alive connection waiting for its next request), which
/// `axum::serve` cannot set. Open connections are closed once stopped: every
/// update they carried was answered or handed back (503) by then.
async fn accept_loop(
    listener: TcpListener,
    app: Router,
    mut stop: tokio::sync::watch::Receiver<bool>,
) {
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(hyper_util::rt::TokioTimer::new())
        .header_read_timeout(HEADER_TIMEOUT)
        .max_buf_size(BODY_LIMIT.max(64 * 1024));
    let mut connections = tokio::task::JoinSet::new();
    loop {
        let accepted = tokio::select! {
            _ = stop.wait_for(|s| *s) => break,
            accepted = listener.accept() => accepted,
            Some(_) = connections.join_next(), if !connections.is_empty() => continue,
        };
        let stream = match accepted {
            Ok((stream, _)) => stream,
            Err(e) => {
                tracing::warn!(error = %e, "webhook accept failed");
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let service = hyper_util::service::TowerToHyperService::new(app.clone());
        let connection = http.serve_connection(hyper_util::rt::TokioIo::new(stream), service);
        connections.spawn(async move {
            let _ = connection.await;
        });
    }
    // A moment for the last answers to be written, then close what is left.
    let _ = tokio::time::timeout(Duration::from_secs(2), async {
        while connections.join_next().await.is_some() {}
    })
    .await;
    connections.abort_all();
}

async fn register(ctx: &Ctx, public: &url::Url, secret: &str) -> anyhow::Result<()> {
    let result = call!(ctx.api, "setWebhook", |b| b
        .set_webhook(public.clone())
        .secret_token(secret.to_string())
        .allowed_updates(allowed_updates()));
    if let Err(e) = result {
        tracing::error!(kind = error_kind(&e), error = %describe(&e), "setWebhook failed");
        return Err(e.into());
    }
    Ok(())
}

async fn receive(State(hook): State<Hook>, headers: HeaderMap, body: Body) -> StatusCode {
    let given = headers
        .get(SECRET_HEADER)
        .map(|v| v.as_bytes())
        .unwrap_or_default();
    if !bool::from(given.ct_eq(hook.secret.as_bytes())) {
        metrics::counter!("attache_webhook_rejected_total").increment(1);
        return StatusCode::UNAUTHORIZED;
    }
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > BODY_LIMIT) {
        tracing::warn!(bytes = declared, "webhook body too large; refused");
        return StatusCode::PAYLOAD_TOO_LARGE;
    }
    let bytes =
        match tokio::time::timeout(READ_TIMEOUT, axum::body::to_bytes(body, BODY_LIMIT)).await {
            Ok(Ok(bytes)) => bytes,
            Ok(Err(_)) => {
                tracing::warn!("webhook body too large or broken off; refused");
                return StatusCode::PAYLOAD_TOO_LARGE;
            }
            Err(_) => {
                tracing::warn!("webhook body not received in time");
                return StatusCode::REQUEST_TIMEOUT;
            }
        };
    let update: Update = match serde_json::from_slice(&bytes) {
        Ok(u) => u,
        Err(e) => {
            // serde's message may quote the body; only where it broke is logged.
            metrics::counter!("attache_webhook_malformed_total").increment(1);
            tracing::warn!(
                bytes = bytes.len(),
                line = e.line(),
                column = e.column(),
                category = ?e.classify(),
                "webhook body is not an update; acknowledged so Telegram does not send it again"
            );
            return StatusCode::OK;
        }
    };
    let id = update.id.0;
    let first = hook
        .in_flight
        .lock()
        .map(|mut s| s.insert(id))
        .unwrap_or(true);
    if !first {
        return StatusCode::OK;
    }
    let (tx, rx) = tokio::sync::oneshot::channel();
    let in_flight = hook.in_flight.clone();
    // The update is handled even if Telegram hangs up meanwhile.
    hook.scheduler.submit(
        update,
        Box::new(move |handled| {
            if let Ok(mut s) = in_flight.lock() {
                s.remove(&id);
            }
            let _ = tx.send(handled);
        }),
    );
    if rx.await.unwrap_or(false) {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    }
}
