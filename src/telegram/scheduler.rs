//! Fair scheduling: one queue per chat, so one chat's backlog never holds another
//! chat's answer.
//!
//! Telegram lets a bot send one message a second in a chat (20 a minute in a
//! group). A chat that sends 80 questions therefore needs 80 seconds however fast
//! the bot is; if its questions took every handler slot, every other chat would
//! wait with it. Here each chat has its own queue, worked by one task at a time:
//! a chat's updates are handled in order (a question and its edit give one answer
//! and one edit), and a chat occupies at most one of the `max_in_flight` slots.
//! A queue holds at most `telegram.chat_backlog` updates; beyond that the chat is
//! told, once, to ask one question at a time, and the extra updates are dropped
//! (confirmed without an answer).
//!
//! Each job carries its `Done` callback: polling moves the offset with it, the
//! webhook answers Telegram's request with it. Before an update is handled its id
//! is looked up among the answered ones (`journal::Journal::answered`), and after
//! its reply was sent the id is recorded there, so an update delivered again after
//! a restart is not answered twice.

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use teloxide::types::{MaybeInaccessibleMessage, Update, UpdateKind};
use tokio::sync::{Notify, Semaphore};

use super::{Ctx, handlers};

/// Called once per submitted update: `true` when it was handled (answered,
/// skipped as already answered, or dropped as overflow), `false` when the daemon
/// stopped before handling it (it must be delivered again).
pub type Done = Box<dyn FnOnce(bool) + Send>;

/// Whose queue an update joins.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Key {
    Chat(i64),
    /// Inline queries come from a user, not a chat.
    User(u64),
    /// Anything else: its own queue.
    Update(u32),
}

fn key(update: &Update) -> Key {
    match &update.kind {
        UpdateKind::Message(m) | UpdateKind::EditedMessage(m) => Key::Chat(m.chat.id.0),
        UpdateKind::CallbackQuery(q) => match &q.message {
            Some(MaybeInaccessibleMessage::Regular(m)) => Key::Chat(m.chat.id.0),
            Some(MaybeInaccessibleMessage::Inaccessible(m)) => Key::Chat(m.chat.id.0),
            None => Key::User(q.from.id.0),
        },
        UpdateKind::InlineQuery(q) => Key::User(q.from.id.0),
        _ => Key::Update(update.id.0),
    }
}

enum Job {
    Update(Box<Update>, Done),
    /// "One at a time, please", replying to the message that overflowed.
    Note(teloxide::types::ChatId, teloxide::types::MessageId),
}

#[derive(Default)]
struct Queue {
    jobs: VecDeque<Job>,
    /// The overflow note is queued or sent since the queue was last empty.
    noted: bool,
}

pub struct Scheduler {
    ctx: Arc<Ctx>,
    queues: Mutex<HashMap<Key, Queue>>,
    permits: Arc<Semaphore>,
    backlog: usize,
    /// Jobs started and not yet finished.
    running: AtomicUsize,
    idle: Notify,
    stopping: AtomicBool,
}

impl Scheduler {
    pub fn new(ctx: Arc<Ctx>) -> Arc<Scheduler> {
        let t = &ctx.settings.telegram;
        Arc::new(Scheduler {
            permits: Arc::new(Semaphore::new(t.max_in_flight.max(1))),
            backlog: t.chat_backlog.max(1),
            ctx,
            queues: Mutex::default(),
            running: AtomicUsize::new(0),
            idle: Notify::new(),
            stopping: AtomicBool::new(false),
        })
    }

    fn queues(&self) -> MutexGuard<'_, HashMap<Key, Queue>> {
        self.queues.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Queues an update behind its chat's earlier ones; never waits.
    pub fn submit(self: &Arc<Self>, update: Update, done: Done) {
        if self.stopping.load(Ordering::Relaxed) {
            done(false);
            return;
        }
        let key = key(&update);
        let mut queues = self.queues();
        let start = !queues.contains_key(&key);
        let queue = queues.entry(key).or_default();
        if queue.jobs.len() >= self.backlog {
            let note = match &update.kind {
                UpdateKind::Message(m) if !queue.noted => Some((m.chat.id, m.id)),
                _ => None,
            };
            if let Some((chat, message)) = note {
                queue.noted = true;
                queue.jobs.push_front(Job::Note(chat, message));
            }
            drop(queues);
            metrics::counter!("attache_updates_dropped_total", "reason" => "backlog").increment(1);
            tracing::info!(
                update = update.id.0,
                backlog = self.backlog,
                "a chat's backlog is full; update dropped"
            );
            done(true);
            return;
        }
        queue.jobs.push_back(Job::Update(Box::new(update), done));
        drop(queues);
        if start {
            let me = self.clone();
            tokio::spawn(async move { me.work(key).await });
        }
    }

    /// Works one chat's queue until it is empty.
    async fn work(self: Arc<Self>, key: Key) {
        loop {
            let job = {
                let mut queues = self.queues();
                let Some(queue) = queues.get_mut(&key) else {
                    return;
                };
                if self.stopping.load(Ordering::Relaxed) {
                    let jobs = std::mem::take(&mut queue.jobs);
                    queues.remove(&key);
                    drop(queues);
                    for job in jobs {
                        if let Job::Update(_, done) = job {
                            done(false);
                        }
                    }
                    return;
                }
                match queue.jobs.pop_front() {
                    Some(job) => {
                        self.running.fetch_add(1, Ordering::Relaxed);
                        job
                    }
                    None => {
                        queues.remove(&key);
                        return;
                    }
                }
            };
            let Ok(permit) = self.permits.clone().acquire_owned().await else {
                return;
            };
            match job {
                Job::Update(update, done) => {
                    let handled = self.run(*update).await;
                    done(handled);
                }
                Job::Note(chat, message) => handlers::one_at_a_time(&self.ctx, chat, message).await,
            }
            drop(permit);
            if self.running.fetch_sub(1, Ordering::Relaxed) == 1 {
                self.idle.notify_waiters();
            }
        }
    }

    /// Handles one update unless it was answered before; records it as answered.
    async fn run(&self, update: Update) -> bool {
        let id = update.id.0;
        let mark = fingerprint(&update);
        let journal = self.ctx.journal.clone();
        let seen = tokio::task::spawn_blocking(move || journal.answered(id, mark))
            .await
            .unwrap_or(false);
        if seen {
            metrics::counter!("attache_updates_skipped_total", "reason" => "answered").increment(1);
            tracing::info!(
                update = id,
                "update delivered again after it was answered; not answering twice"
            );
            return true;
        }
        // In its own task, so a panic is contained and the update still counts as
        // handled (a poison update must not block the offset).
        if let Err(e) = tokio::spawn(handlers::handle_update(self.ctx.clone(), update)).await {
            tracing::error!(update = id, error = %e, "update handler panicked");
        }
        let journal = self.ctx.journal.clone();
        let _ = tokio::task::spawn_blocking(move || journal.mark_answered(id, mark)).await;
        true
    }

    /// Stops starting queued updates (they are handed back undone) and waits,
    /// at most `grace`, for those already started.
    pub async fn stop(&self, grace: Duration) {
        self.stopping.store(true, Ordering::Relaxed);
        let abandoned: Vec<Job> = {
            let mut queues = self.queues();
            queues
                .values_mut()
                .flat_map(|q| std::mem::take(&mut q.jobs))
                .collect()
        };
        for job in abandoned {
            if let Job::Update(_, done) = job {
                done(false);
            }
        }
        let running = self.running.load(Ordering::Relaxed);
        if running > 0 {
            tracing::info!(in_flight = running, "finishing answers in flight");
        }
        let wait = async {
            loop {
                let idle = self.idle.notified();
                if self.running.load(Ordering::Relaxed) == 0 {
                    return;
                }
                let _ = tokio::time::timeout(Duration::from_millis(100), idle).await;
            }
        };
        if tokio::time::timeout(grace, wait).await.is_err() {
            tracing::warn!(
                in_flight = self.running.load(Ordering::Relaxed),
                "answers still in flight after the grace period; they will be answered after restart"
            );
        }
    }
}

/// What identifies an update besides its id (ids start over after a week without
/// updates, so an old id may come back for another message): stable across
/// processes (FNV-1a).
pub fn fingerprint(update: &Update) -> i64 {
    let identity = match &update.kind {
        UpdateKind::Message(m) => format!("m:{}:{}", m.chat.id.0, m.id.0),
        UpdateKind::EditedMessage(m) => format!(
            "e:{}:{}:{}",
            m.chat.id.0,
            m.id.0,
            m.edit_date().map_or(0, |d| d.timestamp())
        ),
        UpdateKind::CallbackQuery(q) => format!("c:{}", q.id),
        UpdateKind::InlineQuery(q) => format!("i:{}", q.id),
        _ => format!("u:{}", update.id.0),
    };
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in identity.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    i64::from_ne_bytes(hash.to_ne_bytes())
}
