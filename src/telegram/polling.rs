//! Long polling with an offset that only moves past handled updates.
//!
//! Each received update goes to its chat's queue (`scheduler`) and is registered
//! in the `Ledger` first. getUpdates always asks from the committed offset, so
//! Telegram keeps every unhandled update (for 24 hours) until we are done with it:
//! a crash re-delivers exactly the updates that were not finished, and the
//! answered-update record (`journal`) keeps the ones finished but not yet
//! confirmed from being answered twice. On shutdown we stop polling, hand queued
//! updates back unhandled, wait for the answers in flight (bounded by
//! `shutdown_grace_secs`), and save the offset (in `attache.db`, or the fallback
//! file: see `offset`).
//!
//! Two things Telegram does that a naive loop gets wrong:
//! - **Update ids start over** after a week without updates (and on a new Bot API
//!   server). An offset above every new id then returns nothing; an empty poll
//!   while Telegram reports pending updates means exactly that, so the next poll
//!   asks from 0 and follows the new ids (logged once: "update ids started again").
//! - **409 Conflict**: another process polls this token, or a webhook is set. It is
//!   logged once per episode, counted (`attache_telegram_conflicts_total`), and
//!   polling backs off until it clears.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use teloxide::RequestError;
use teloxide::prelude::*;
use teloxide::types::AllowedUpdate;
use tokio::sync::{Notify, watch};

use super::api::{call, describe, error_kind};
use super::offset::{Ledger, OffsetStore};
use super::scheduler::Scheduler;
use super::{Ctx, Fatal};

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
    let (stop_persisting, stopped) = tokio::sync::oneshot::channel();
    let persister = tokio::spawn(persist(store.clone(), committed_rx, stopped));
    let scheduler = Scheduler::new(ctx.clone());
    let grace = Duration::from_secs(ctx.settings.telegram.shutdown_grace_secs);
    let shared = Arc::new(Shared {
        ctx,
        ledger: Mutex::new(Ledger::new(start)),
        committed,
        finished: Notify::new(),
    });
    resume(&shared.ctx, &scheduler).await;
    tracing::info!(offset = start, "polling for updates");
    let result = poll_loop(&shared, &scheduler, shutdown.as_mut()).await;
    scheduler.stop(grace).await;
    let last = lock(&shared.ledger).committed();
    // The persister is the only writer: stop it (after the save it may be doing),
    // then write the last offset (which may be lower after ids started over).
    let _ = stop_persisting.send(());
    let _ = persister.await;
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

/// What the loop remembers between polls.
#[derive(Default)]
struct Polling {
    failures: u32,
    /// In a 409 episode (logged once).
    conflict: bool,
    /// The last poll was empty while Telegram holds updates: ask from 0.
    resync: bool,
}

async fn poll_loop(
    shared: &Arc<Shared>,
    scheduler: &Arc<Scheduler>,
    mut shutdown: Pin<&mut (impl Future<Output = ()> + ?Sized)>,
) -> anyhow::Result<()> {
    let mut state = Polling::default();
    loop {
        let committed = lock(&shared.ledger).committed();
        let offset = if state.resync { 0 } else { committed };
        let polled = tokio::select! {
            () = shutdown.as_mut() => return Ok(()),
            r = get_updates(&shared.ctx, offset) => r,
        };
        let updates = match polled {
            Ok(updates) => {
                if std::mem::take(&mut state.conflict) {
                    tracing::info!("getUpdates works again; the conflict is over");
                }
                state.failures = 0;
                updates
            }
            Err(e) => {
                explain(&e, &mut state)?;
                state.failures += 1;
                let wait = backoff(&shared.ctx, state.failures, &e);
                tokio::select! {
                    () = shutdown.as_mut() => return Ok(()),
                    () = tokio::time::sleep(wait) => continue,
                }
            }
        };
        let resynced = std::mem::take(&mut state.resync);
        if updates.is_empty() {
            if !resynced && offset > 0 && pending_elsewhere(&shared.ctx).await {
                // Nothing at or above our offset, yet Telegram holds updates: their
                // ids started again below it.
                state.resync = true;
            }
            continue;
        }
        // Telegram never returns an update below the offset asked for, unless its ids
        // started again: after a week without updates the next id is random.
        if let Some(first) = updates
            .iter()
            .map(|u| u.id.0)
            .min()
            .filter(|&id| id < committed)
        {
            tracing::warn!(
                offset = committed,
                first,
                "update ids started again below the offset; following them"
            );
            metrics::counter!("attache_update_id_resets_total").increment(1);
            lock(&shared.ledger).restart(first);
            shared.committed.send_replace(first);
        }
        let received = updates.len();
        let fresh: Vec<Update> = updates
            .into_iter()
            .filter(|u| lock(&shared.ledger).begin(u.id.0))
            .collect();
        let count = fresh.len();
        if park(&shared.ctx, &fresh).await {
            // Kept in attache.db: confirmed with the next poll, handled from there.
            for update in fresh {
                let id = update.id.0;
                if let Some(offset) = lock(&shared.ledger).finish(id) {
                    shared.committed.send_replace(offset);
                }
                let journal = shared.ctx.journal.clone();
                scheduler.submit(update, unpark(journal, id));
            }
        } else {
            for update in fresh {
                let id = update.id.0;
                let me = shared.clone();
                scheduler.submit(
                    update,
                    Box::new(move |handled| {
                        if handled {
                            let moved = lock(&me.ledger).finish(id);
                            if let Some(offset) = moved {
                                me.committed.send_replace(offset);
                            }
                        }
                        me.finished.notify_one();
                    }),
                );
            }
        }
        let fresh = count;
        if received > 0 && fresh == 0 {
            // Only updates still queued or in flight came back: wait for one to
            // finish instead of asking again at once.
            tokio::select! {
                () = shutdown.as_mut() => return Ok(()),
                () = shared.finished.notified() => {}
                () = tokio::time::sleep(Duration::from_secs(1)) => {}
            }
        }
    }
}

/// Keeps received updates in `attache.db` (the inbox) so they can be confirmed to
/// Telegram before they are answered: the offset then never waits behind a long
/// backlog, and Telegram's window of 100 updates never hides a chat's question.
/// False (answer first, confirm after) when the database cannot keep them.
async fn park(ctx: &Ctx, updates: &[Update]) -> bool {
    if updates.is_empty() || !ctx.settings.telegram.keep_updates || !ctx.journal.is_open() {
        return false;
    }
    let rows: Option<Vec<(i64, String)>> = updates
        .iter()
        .map(|u| {
            serde_json::to_string(u)
                .ok()
                .map(|json| (i64::from(u.id.0), json))
        })
        .collect();
    let Some(rows) = rows else {
        return false;
    };
    let journal = ctx.journal.clone();
    match tokio::task::spawn_blocking(move || journal.inbox_put(rows)).await {
        Ok(Ok(())) => true,
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "cannot keep received updates; confirming them only once answered");
            false
        }
        Err(_) => false,
    }
}

/// Forgets an inbox row once its update was handled (kept when the daemon stopped
/// first: it is handled after the restart).
fn unpark(journal: Arc<super::journal::Journal>, id: u32) -> super::scheduler::Done {
    Box::new(move |handled| {
        if handled {
            journal.inbox_done(id);
        }
    })
}

/// Hands the updates left in the inbox by the last run (stopped or killed before
/// answering them) to the scheduler, oldest first.
async fn resume(ctx: &Ctx, scheduler: &Arc<Scheduler>) {
    let journal = ctx.journal.clone();
    if !journal.is_open() {
        return;
    }
    let rows = match tokio::task::spawn_blocking(move || journal.inbox()).await {
        Ok(Ok(rows)) => rows,
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "cannot read the updates kept from the last run");
            return;
        }
        Err(_) => return,
    };
    if !rows.is_empty() {
        tracing::info!(
            updates = rows.len(),
            "answering the updates kept from the last run"
        );
    }
    for (id, json) in rows {
        let id = u32::try_from(id).unwrap_or_default();
        match serde_json::from_str::<Update>(&json) {
            Ok(update) => scheduler.submit(update, unpark(ctx.journal.clone(), id)),
            Err(e) => {
                tracing::warn!(
                    update = id,
                    line = e.line(),
                    column = e.column(),
                    "a kept update no longer reads; dropped"
                );
                ctx.journal.inbox_done(id);
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
        Ok(_) => ctx.api.health.success(),
        Err(e) => ctx.api.record_error("getUpdates", error_kind(e)),
    }
    result
}

/// Whether Telegram holds updates that a poll at our offset did not return.
async fn pending_elsewhere(ctx: &Ctx) -> bool {
    use teloxide::requests::Request as _;
    match ctx.api.bot.get_webhook_info().send().await {
        Ok(info) => info.pending_update_count > 0,
        Err(e) => {
            tracing::debug!(kind = error_kind(&e), "getWebhookInfo failed");
            false
        }
    }
}

/// Logs a polling failure so an operator knows what to do (a conflict once per
/// episode); an invalid token ends the daemon.
fn explain(error: &RequestError, state: &mut Polling) -> anyhow::Result<()> {
    use teloxide::ApiError;
    match error {
        RequestError::Api(ApiError::InvalidToken) => return Err(Fatal::InvalidToken.into()),
        RequestError::Api(ApiError::TerminatedByOtherGetUpdates | ApiError::CantGetUpdates) => {
            metrics::counter!("attache_telegram_conflicts_total").increment(1);
            if !std::mem::replace(&mut state.conflict, true) {
                tracing::error!(
                    "409 Conflict from getUpdates: another process polls this token, or a \
                     webhook is set. Only one instance may poll: stop the other one, or run \
                     every replica in webhook mode. Backing off until it clears"
                );
            } else {
                tracing::debug!("409 Conflict again");
            }
        }
        other => {
            tracing::warn!(kind = error_kind(other), error = %describe(other), "getUpdates failed; retrying")
        }
    }
    Ok(())
}

fn backoff(ctx: &Ctx, failures: u32, error: &RequestError) -> Duration {
    if let RequestError::RetryAfter(after) = error {
        return after.duration();
    }
    let base = Duration::from_millis(ctx.settings.telegram.backoff_ms.max(1));
    super::api::backoff(base, failures)
}

/// Writes each new committed offset (coalescing bursts) off the async threads,
/// until `stop` (checked between saves, so none is left running).
async fn persist(
    store: OffsetStore,
    mut rx: watch::Receiver<u32>,
    mut stop: tokio::sync::oneshot::Receiver<()>,
) {
    loop {
        tokio::select! {
            biased;
            _ = &mut stop => return,
            changed = rx.changed() => if changed.is_err() { return },
        }
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
                tracing::error!(kind = error_kind(&e), error = %describe(&e), "deleteWebhook failed");
            }
        }
        Ok(_) => {}
        Err(e) => {
            tracing::warn!(kind = error_kind(&e), error = %describe(&e), "getWebhookInfo failed")
        }
    }
}
