//! Long polling with an offset that only moves past handled updates.
//!
//! Updates are handled concurrently (bounded by `max_in_flight`, which also gives
//! backpressure), and each one is registered in the `Ledger` before its task
//! starts. getUpdates always asks from the committed offset, so Telegram keeps
//! every unhandled update until we are done with it: a crash re-delivers exactly
//! the updates that were not finished. On shutdown we stop polling, wait for the
//! answers in flight (bounded by `shutdown_grace_secs`), and save the offset
//! (in `attache.db`, or the fallback file: see `offset`).

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use teloxide::RequestError;
use teloxide::prelude::*;
use teloxide::types::AllowedUpdate;
use tokio::sync::{Notify, OwnedSemaphorePermit, Semaphore, watch};

use super::api::{call, error_kind};
use super::offset::{Ledger, OffsetStore};
use super::{Ctx, Fatal, handlers};

/// The update kinds the bot handles.
pub fn allowed_updates() -> Vec<AllowedUpdate> {
    vec![
        AllowedUpdate::Message,
        AllowedUpdate::EditedMessage,
        AllowedUpdate::CallbackQuery,
        AllowedUpdate::InlineQuery,
    ]
}

struct Shared {
    ctx: Arc<Ctx>,
    ledger: Mutex<Ledger>,
    committed: watch::Sender<u32>,
    finished: Notify,
}

pub(super) async fn run(
    ctx: Arc<Ctx>,
    mut shutdown: Pin<&mut (impl Future<Output = ()> + ?Sized)>,
) -> anyhow::Result<()> {
    remove_webhook(&ctx).await;
    let store = OffsetStore::new(&ctx.settings.data_dir, ctx.journal.clone());
    let loading = store.clone();
    let start = tokio::task::spawn_blocking(move || loading.load())
        .await?
        .map_err(|e| Fatal::DataDir {
            path: ctx.settings.data_dir.display().to_string(),
            message: e.to_string(),
        })?;
    let (committed, committed_rx) = watch::channel(start);
    let persister = tokio::spawn(persist(store.clone(), committed_rx));
    let max = ctx.settings.telegram.max_in_flight;
    let permits = Arc::new(Semaphore::new(max));
    let shared = Arc::new(Shared {
        ctx,
        ledger: Mutex::new(Ledger::new(start)),
        committed,
        finished: Notify::new(),
    });
    tracing::info!(offset = start, "polling for updates");
    let result = poll_loop(&shared, &permits, shutdown.as_mut()).await;
    drain(&shared, &permits, max).await;
    persister.abort();
    let last = lock(&shared.ledger).committed();
    match tokio::task::spawn_blocking(move || store.save(last)).await {
        Ok(Ok(())) => {}
        Ok(Err(e)) => tracing::error!(error = %e, "cannot save the polling offset"),
        Err(e) => tracing::error!(error = %e, "offset writer failed"),
    }
    result
}

fn lock(ledger: &Mutex<Ledger>) -> std::sync::MutexGuard<'_, Ledger> {
    ledger
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

async fn poll_loop(
    shared: &Arc<Shared>,
    permits: &Arc<Semaphore>,
    mut shutdown: Pin<&mut (impl Future<Output = ()> + ?Sized)>,
) -> anyhow::Result<()> {
    let mut failures = 0u32;
    loop {
        let offset = lock(&shared.ledger).committed();
        let polled = tokio::select! {
            () = shutdown.as_mut() => return Ok(()),
            r = get_updates(&shared.ctx, offset) => r,
        };
        let updates = match polled {
            Ok(updates) => {
                failures = 0;
                updates
            }
            Err(e) => {
                explain(&e)?;
                failures += 1;
                let wait = backoff(&shared.ctx, failures, &e);
                tokio::select! {
                    () = shutdown.as_mut() => return Ok(()),
                    () = tokio::time::sleep(wait) => continue,
                }
            }
        };
        // Telegram never returns an update below the offset asked for, unless its ids
        // started again: after a week without updates the next id is random, and an
        // offset above it would leave the bot deaf.
        if let Some(first) = updates
            .iter()
            .map(|u| u.id.0)
            .min()
            .filter(|&id| id < offset)
        {
            tracing::warn!(
                offset,
                first,
                "update ids started again below the offset; following them"
            );
            lock(&shared.ledger).restart(first);
            shared.committed.send_replace(first);
        }
        let received = updates.len();
        let mut fresh = 0;
        for update in updates {
            if !lock(&shared.ledger).begin(update.id.0) {
                continue;
            }
            fresh += 1;
            let permit = tokio::select! {
                () = shutdown.as_mut() => return Ok(()),
                p = permits.clone().acquire_owned() => p?,
            };
            spawn_handler(shared.clone(), update, permit);
        }
        if received > 0 && fresh == 0 {
            // Only updates still in flight came back: wait for one to finish
            // instead of asking again at once.
            tokio::select! {
                () = shutdown.as_mut() => return Ok(()),
                () = shared.finished.notified() => {}
                () = tokio::time::sleep(Duration::from_secs(1)) => {}
            }
        }
    }
}

async fn get_updates(ctx: &Ctx, offset: u32) -> Result<Vec<Update>, RequestError> {
    let result = ctx
        .api
        .poller
        .get_updates()
        .offset(i32::try_from(offset).unwrap_or(i32::MAX))
        .timeout(ctx.settings.telegram.poll_timeout_secs)
        .allowed_updates(allowed_updates())
        .send()
        .await;
    match &result {
        Ok(_) => ctx.api.health.set(true),
        Err(e) => ctx.api.record_error("getUpdates", error_kind(e)),
    }
    result
}

/// Logs a polling failure so an operator knows what to do; an invalid token ends
/// the daemon.
fn explain(error: &RequestError) -> anyhow::Result<()> {
    use teloxide::ApiError;
    match error {
        RequestError::Api(ApiError::InvalidToken) => return Err(Fatal::InvalidToken.into()),
        RequestError::Api(ApiError::TerminatedByOtherGetUpdates) => tracing::error!(
            "409 Conflict: another process is polling with this bot token. Only one \
             instance may poll; stop the other one, or run all replicas in webhook mode"
        ),
        RequestError::Api(ApiError::CantGetUpdates) => tracing::error!(
            "409 Conflict: a webhook is set for this bot, so polling is refused. Another \
             deployment may be in webhook mode; remove its webhook or use webhook mode here"
        ),
        other => {
            tracing::warn!(kind = error_kind(other), error = %other, "getUpdates failed; retrying")
        }
    }
    Ok(())
}

fn backoff(ctx: &Ctx, failures: u32, error: &RequestError) -> Duration {
    if let RequestError::RetryAfter(after) = error {
        return after.duration();
    }
    let base = Duration::from_millis(ctx.settings.telegram.backoff_ms.max(1));
    base.saturating_mul(2u32.saturating_pow(failures.min(16)))
        .min(Duration::from_secs(30))
}

fn spawn_handler(shared: Arc<Shared>, update: Update, permit: OwnedSemaphorePermit) {
    tokio::spawn(async move {
        let id = update.id.0;
        // The handler runs in its own task so a panic is contained and the update
        // still counts as handled (a poison update must not block the offset).
        if let Err(e) = tokio::spawn(handlers::handle_update(shared.ctx.clone(), update)).await {
            tracing::error!(update = id, error = %e, "update handler panicked");
        }
        let moved = lock(&shared.ledger).finish(id);
        if let Some(offset) = moved {
            shared.committed.send_replace(offset);
        }
        shared.finished.notify_one();
        drop(permit);
    });
}

/// Waits (bounded) until every handler has returned its permit.
async fn drain(shared: &Shared, permits: &Semaphore, max: usize) {
    let in_flight = lock(&shared.ledger).in_flight();
    if in_flight > 0 {
        tracing::info!(in_flight, "finishing answers in flight");
    }
    let grace = Duration::from_secs(shared.ctx.settings.telegram.shutdown_grace_secs);
    let all = u32::try_from(max).unwrap_or(u32::MAX);
    match tokio::time::timeout(grace, permits.acquire_many(all)).await {
        Ok(_) => {}
        Err(_) => tracing::warn!(
            in_flight = lock(&shared.ledger).in_flight(),
            "answers still in flight after the grace period; they will be answered after restart"
        ),
    }
}

/// Writes each new committed offset (coalescing bursts) off the async threads.
async fn persist(store: OffsetStore, mut rx: watch::Receiver<u32>) {
    while rx.changed().await.is_ok() {
        let offset = *rx.borrow_and_update();
        let s = store.clone();
        match tokio::task::spawn_blocking(move || s.save(offset)).await {
            Ok(Ok(())) => {}
            Ok(Err(e)) => tracing::error!(error = %e, "cannot save the polling offset"),
            Err(e) => tracing::error!(error = %e, "offset writer failed"),
        }
    }
}

/// Polling and a webhook exclude each other; in polling mode the operator chose
/// polling, so an old webhook is removed (pending updates are kept).
async fn remove_webhook(ctx: &Ctx) {
    let info = call!(ctx.api, "getWebhookInfo", |b| b.get_webhook_info());
    match info {
        Ok(info) if info.url.is_some() => {
            tracing::warn!(
                "a webhook is set for this bot; removing it because telegram.mode = \"polling\""
            );
            if let Err(e) = call!(ctx.api, "deleteWebhook", |b| b.delete_webhook()) {
                tracing::error!(kind = error_kind(&e), error = %e, "deleteWebhook failed");
            }
        }
        Ok(_) => {}
        Err(e) => tracing::warn!(kind = error_kind(&e), error = %e, "getWebhookInfo failed"),
    }
}
