//! The daemon's side of the question log (`crate::qlog`): one writer thread owns the
//! SQLite connection, and the answer path only ever hands it work through a bounded
//! queue without waiting.
//!
//! Why a thread and ids handed out here: an answer's 👍/👎 buttons must carry the
//! row id of its question before the answer is sent, but the answer must not wait
//! for a disk. So ids come from a counter (started past the highest id in the log),
//! and the row is written behind the answer's back. A full queue drops the row; a
//! locked, full, corrupt or read-only database costs one warning and a metric
//! (`attache_question_log_errors_total{op}`) — the bot keeps answering. The polling
//! offset is kept here too (`state` table), read and written synchronously by the
//! polling loop's own blocking tasks.

use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError, SyncSender, TrySendError};
use std::sync::{Mutex, mpsc};
use std::thread::JoinHandle;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use crate::config::LogSettings;
use crate::qlog::{Entry, QuestionLog};

use super::callback::question_hash;

/// The database's file name under `data_dir` (the one `attache report` reads).
pub const FILE_NAME: &str = "attache.db";
/// Rows waiting to be written; beyond this a question goes unlogged.
const QUEUE: usize = 1024;
/// How long a state read or write may wait for the writer before giving up.
const STATE_WAIT: Duration = Duration::from_secs(10);
/// Old questions are pruned at start and then this often.
const PRUNE_EVERY: Duration = Duration::from_secs(24 * 3600);

enum Job {
    Record(i64, Entry),
    Feedback { id: i64, question: u32, up: bool },
    GetState(String, SyncSender<Result<Option<i64>, String>>),
    SetState(String, i64, SyncSender<Result<(), String>>),
    Answered(i64, i64, SyncSender<Result<bool, String>>),
    MarkAnswered(i64, i64, SyncSender<Result<(), String>>),
    InboxPut(Vec<(i64, String)>, SyncSender<Result<(), String>>),
    InboxDone(i64),
    InboxLoad(SyncSender<Result<Vec<(i64, String)>, String>>),
    Stop,
}

/// A handle to the writer thread; `Journal::off()` when there is no database.
pub struct Journal {
    tx: Option<SyncSender<Job>>,
    questions: bool,
    next_id: AtomicI64,
    thread: Mutex<Option<JoinHandle<()>>>,
    warned_full: AtomicBool,
}

/// Seconds since the Unix epoch (0 if the clock is before it).
pub fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

impl Journal {
    /// No database: questions are not logged, state calls fail (callers fall back).
    pub fn off() -> Journal {
        Journal {
            tx: None,
            questions: false,
            next_id: AtomicI64::new(1),
            thread: Mutex::new(None),
            warned_full: AtomicBool::new(false),
        }
    }

    /// Opens `data_dir/attache.db` and starts the writer (blocking: call it from a
    /// blocking thread). A database that cannot be opened is one warning, not an
    /// error: the daemon then runs without it.
    pub fn open(data_dir: &Path, settings: &LogSettings) -> Journal {
        let path = data_dir.join(FILE_NAME);
        let opened = QuestionLog::open(&path).and_then(|log| Ok((log.last_id()?, log)));
        let (last, log) = match opened {
            Ok(opened) => opened,
            Err(e) => {
                failed("open");
                tracing::warn!(error = %e, "cannot use the question log; answering without it");
                return Journal::off();
            }
        };
        let (tx, rx) = mpsc::sync_channel(QUEUE);
        let retention = settings.retention_days;
        let prune = settings.questions.then_some(retention);
        let spawned = std::thread::Builder::new()
            .name("attache-qlog".into())
            .spawn(move || write_loop(&log, &rx, prune));
        let thread = match spawned {
            Ok(t) => t,
            Err(e) => {
                tracing::warn!(error = %e, "cannot start the question log writer; answering without it");
                return Journal::off();
            }
        };
        tracing::info!(path = %path.display(), questions = settings.questions, retention_days = retention, "question log open");
        Journal {
            tx: Some(tx),
            questions: settings.questions,
            next_id: AtomicI64::new(last.saturating_add(1)),
            thread: Mutex::new(Some(thread)),
            warned_full: AtomicBool::new(false),
        }
    }

    /// Whether the database is in use (for the polling state).
    pub fn is_open(&self) -> bool {
        self.tx.is_some()
    }

    /// Queues a question for the log without waiting; its id, for the feedback
    /// buttons, or `None` when it will not be logged.
    pub fn record(&self, entry: Entry) -> Option<i64> {
        if !self.questions {
            return None;
        }
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        self.enqueue(Job::Record(id, entry)).then_some(id)
    }

    /// Queues 👍/👎 for question `id`; stored only if that row holds a question with
    /// this hash (a stale or forged button changes nothing).
    pub fn feedback(&self, id: i64, question: u32, up: bool) {
        if self.questions {
            self.enqueue(Job::Feedback { id, question, up });
        }
    }

    fn enqueue(&self, job: Job) -> bool {
        let Some(tx) = &self.tx else {
            return false;
        };
        match tx.try_send(job) {
            Ok(()) => true,
            Err(TrySendError::Full(_)) => {
                metrics::counter!("attache_question_log_dropped_total").increment(1);
                if !self.warned_full.swap(true, Ordering::Relaxed) {
                    tracing::warn!("the question log falls behind; questions go unlogged");
                }
                false
            }
            Err(TrySendError::Disconnected(_)) => false,
        }
    }

    /// A saved integer (blocking: call it from a blocking thread).
    pub fn state(&self, key: &str) -> Result<Option<i64>, String> {
        let (reply, answer) = mpsc::sync_channel(1);
        self.ask(Job::GetState(key.to_string(), reply), &answer)?
    }

    /// Saves an integer and waits until it is written (blocking).
    pub fn set_state(&self, key: &str, value: i64) -> Result<(), String> {
        let (reply, answer) = mpsc::sync_channel(1);
        self.ask(Job::SetState(key.to_string(), value, reply), &answer)?
    }

    /// Whether update `id` (with `mark`) was answered lately (blocking). Without a
    /// database: false — the update is answered (at least once beats never).
    pub fn answered(&self, id: u32, mark: i64) -> bool {
        if !self.is_open() {
            return false;
        }
        let (reply, answer) = mpsc::sync_channel(1);
        match self.ask(Job::Answered(i64::from(id), mark, reply), &answer) {
            Ok(Ok(seen)) => seen,
            Ok(Err(e)) | Err(e) => {
                tracing::warn!(error = %e, "cannot look up answered updates; answering");
                false
            }
        }
    }

    /// Records update `id` as answered and waits until it is written (blocking).
    pub fn mark_answered(&self, id: u32, mark: i64) {
        if !self.is_open() {
            return;
        }
        let (reply, answer) = mpsc::sync_channel(1);
        match self.ask(Job::MarkAnswered(i64::from(id), mark, reply), &answer) {
            Ok(Ok(())) => {}
            Ok(Err(e)) | Err(e) => {
                tracing::warn!(error = %e, "cannot record an answered update")
            }
        }
    }

    /// Keeps received updates until handled, and waits until they are written
    /// (blocking). An error means they were not kept: do not confirm them.
    pub fn inbox_put(&self, updates: Vec<(i64, String)>) -> Result<(), String> {
        let (reply, answer) = mpsc::sync_channel(1);
        self.ask(Job::InboxPut(updates, reply), &answer)?
    }

    /// Forgets a handled update (without waiting: a row left by a crash is only
    /// looked at again, and skipped as answered).
    pub fn inbox_done(&self, id: u32) {
        self.enqueue(Job::InboxDone(i64::from(id)));
    }

    /// The updates received and not yet handled (blocking).
    pub fn inbox(&self) -> Result<Vec<(i64, String)>, String> {
        let (reply, answer) = mpsc::sync_channel(1);
        self.ask(Job::InboxLoad(reply), &answer)?
    }

    fn ask<T>(&self, job: Job, answer: &Receiver<T>) -> Result<T, String> {
        let tx = self.tx.as_ref().ok_or("the question log is not open")?;
        let deadline = Instant::now() + STATE_WAIT;
        let mut job = job;
        loop {
            match tx.try_send(job) {
                Ok(()) => break,
                Err(TrySendError::Full(back)) if Instant::now() < deadline => {
                    job = back;
                    std::thread::sleep(Duration::from_millis(20));
                }
                Err(_) => return Err("the question log writer is not answering".into()),
            }
        }
        let left = deadline.saturating_duration_since(Instant::now());
        answer
            .recv_timeout(left.max(Duration::from_millis(100)))
            .map_err(|_| "the question log writer is not answering".to_string())
    }

    /// Writes what is queued and stops the writer (blocking). Later calls are no-ops.
    pub fn close(&self) {
        if let Some(tx) = &self.tx {
            let _ = tx.send(Job::Stop);
        }
        let thread = self.thread.lock().ok().and_then(|mut t| t.take());
        if let Some(thread) = thread
            && thread.join().is_err()
        {
            tracing::error!("the question log writer panicked");
        }
    }
}

/// Counts a failed database operation.
fn failed(op: &'static str) {
    metrics::counter!("attache_question_log_errors_total", "op" => op).increment(1);
}

/// Warns once per run of failures, and says when writes work again.
#[derive(Default)]
struct Trouble {
    warned: bool,
}

impl Trouble {
    fn check<T>(
        &mut self,
        op: &'static str,
        result: Result<T, crate::qlog::LogError>,
    ) -> Option<T> {
        match result {
            Ok(v) => {
                if std::mem::take(&mut self.warned) {
                    tracing::info!(op, "the question log works again");
                }
                Some(v)
            }
            Err(e) => {
                failed(op);
                if self.warned {
                    tracing::debug!(op, error = %e, "question log write failed");
                } else {
                    self.warned = true;
                    tracing::warn!(op, error = %e, "question log write failed; answering goes on without it");
                }
                None
            }
        }
    }
}

/// The writer thread: prunes (when questions are kept) at start and daily, and
/// runs jobs in order until `Stop` or until every handle is gone.
fn write_loop(log: &QuestionLog, rx: &Receiver<Job>, retention: Option<u32>) {
    let mut trouble = Trouble::default();
    let mut pruned: Option<Instant> = None;
    loop {
        if pruned.is_none_or(|at| at.elapsed() >= PRUNE_EVERY) {
            pruned = Some(Instant::now());
            if let Some(days) = retention
                && let Some(n) = trouble.check("prune", log.prune(days, now()))
                && n > 0
            {
                tracing::info!(deleted = n, retention_days = days, "old questions pruned");
            }
            trouble.check("prune", log.prune_answered(now()));
        }
        let job = match rx.recv_timeout(Duration::from_secs(3600)) {
            Ok(Job::Stop) | Err(RecvTimeoutError::Disconnected) => return,
            Err(RecvTimeoutError::Timeout) => continue,
            Ok(job) => job,
        };
        run(log, job, &mut trouble);
    }
}

fn run(log: &QuestionLog, job: Job, trouble: &mut Trouble) {
    match job {
        Job::Record(id, entry) => {
            trouble.check("record", log.record_as(id, &entry));
        }
        Job::Feedback { id, question, up } => {
            let Some(text) = trouble.check("feedback", log.question(id)) else {
                return;
            };
            match text {
                Some(text) if question_hash(&text) == question => {
                    trouble.check("feedback", log.feedback(id, up));
                }
                _ => tracing::debug!(id, "feedback for a question not in the log"),
            }
        }
        Job::GetState(key, reply) => {
            let _ = reply.send(log.state(&key).map_err(|e| e.to_string()));
        }
        Job::SetState(key, value, reply) => {
            let result = log.set_state(&key, value);
            if result.is_err() {
                failed("state");
            }
            let _ = reply.send(result.map_err(|e| e.to_string()));
        }
        Job::Answered(id, mark, reply) => {
            let _ = reply.send(log.answered(id, mark, now()).map_err(|e| e.to_string()));
        }
        Job::MarkAnswered(id, mark, reply) => {
            let result = log.mark_answered(id, mark, now());
            if result.is_err() {
                failed("answered");
            }
            let _ = reply.send(result.map_err(|e| e.to_string()));
        }
        Job::InboxPut(updates, reply) => {
            let result = log.inbox_put(&updates, now());
            if result.is_err() {
                failed("inbox");
            }
            let _ = reply.send(result.map_err(|e| e.to_string()));
        }
        Job::InboxDone(id) => {
            trouble.check("inbox", log.inbox_done(id));
        }
        Job::InboxLoad(reply) => {
            let _ = reply.send(log.inbox().map_err(|e| e.to_string()));
        }
        Job::Stop => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::LogFormat;

    fn settings(questions: bool) -> LogSettings {
        LogSettings {
            format: LogFormat::Text,
            level: "info".into(),
            questions,
            retention_days: 90,
        }
    }

    fn entry(q: &str) -> Entry {
        Entry {
            at: now(),
            chat: "c".into(),
            chat_type: "private".into(),
            question: q.into(),
            found: true,
            release: Some("r1".into()),
            paragraph: Some("2".into()),
            latency_ms: 1.0,
        }
    }

    #[test]
    fn records_feedback_and_state_reach_the_database() {
        let dir = tempfile::tempdir().expect("tempdir");
        let journal = Journal::open(dir.path(), &settings(true));
        assert!(journal.is_open());
        let id = journal.record(entry("Who met?")).expect("logged");
        journal.feedback(id, question_hash("Who met?"), false);
        journal.feedback(id, question_hash("Something else"), true);
        journal.set_state("k", 5).expect("state saved");
        assert_eq!(journal.state("k").expect("state read"), Some(5));
        journal.close();
        let log = QuestionLog::open(&dir.path().join(FILE_NAME)).expect("reopens");
        let report = log.report(0, 10).expect("report");
        assert_eq!(report.asked, 1);
        assert_eq!(report.disliked, vec![("Who met?".into(), "r1".into())]);
        let again = Journal::open(dir.path(), &settings(true));
        assert_eq!(again.record(entry("Next?")), Some(id + 1), "ids continue");
        again.close();
    }

    #[test]
    fn switched_off_it_logs_no_question_but_keeps_state() {
        let dir = tempfile::tempdir().expect("tempdir");
        let journal = Journal::open(dir.path(), &settings(false));
        assert_eq!(journal.record(entry("Who met?")), None);
        journal.set_state("k", 1).expect("state saved");
        journal.close();
        let log = QuestionLog::open(&dir.path().join(FILE_NAME)).expect("reopens");
        assert_eq!(log.report(0, 10).expect("report").asked, 0);
    }

    #[test]
    fn a_corrupt_database_means_no_journal_not_a_failure() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join(FILE_NAME), [0x5au8; 8192]).expect("write");
        let journal = Journal::open(dir.path(), &settings(true));
        assert!(!journal.is_open());
        assert_eq!(journal.record(entry("Who met?")), None);
        assert!(journal.state("k").is_err());
        journal.close();
    }
}
