//! The question log: what was asked, whether Attaché answered, which release it cited,
//! and the 👍/👎 it got — so corpus keepers learn which releases to add next. Also the
//! daemon's polling state, so no Telegram update is lost or answered twice across a
//! restart.
//!
//! SQLite (bundled) in the data directory. This module is synchronous; the daemon calls
//! it from a writer thread so a slow or broken disk never blocks an answer.

mod report;

use std::path::Path;

use rusqlite::{Connection, OptionalExtension, params};

pub use report::{Report, Since};

#[derive(Debug, thiserror::Error)]
#[error("question log {path}: {source}")]
pub struct LogError {
    path: String,
    #[source]
    source: rusqlite::Error,
}

/// One answered (or abstained) question.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// Unix seconds.
    pub at: i64,
    /// A hash of the chat id: the log never holds who asked.
    pub chat: String,
    /// "private", "group", "supergroup", "channel", "inline", "cli".
    pub chat_type: String,
    pub question: String,
    pub found: bool,
    pub release: Option<String>,
    pub paragraph: Option<String>,
    pub latency_ms: f64,
}

pub struct QuestionLog {
    conn: Connection,
    path: String,
}

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS questions (
    id         INTEGER PRIMARY KEY,
    at         INTEGER NOT NULL,
    chat       TEXT NOT NULL,
    chat_type  TEXT NOT NULL,
    question   TEXT NOT NULL,
    found      INTEGER NOT NULL,
    release    TEXT,
    paragraph  TEXT,
    latency_ms REAL NOT NULL,
    feedback   INTEGER
);
CREATE INDEX IF NOT EXISTS questions_at ON questions(at);
CREATE TABLE IF NOT EXISTS state (
    key   TEXT PRIMARY KEY,
    value INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS inbox (
    update_id INTEGER PRIMARY KEY,
    body      TEXT NOT NULL,
    at        INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS answered (
    update_id INTEGER PRIMARY KEY,
    mark      INTEGER NOT NULL,
    at        INTEGER NOT NULL
);
";

/// Answered update ids are kept this long: Telegram keeps an unconfirmed update
/// for 24 hours, so none older can be delivered again.
pub const ANSWERED_KEEP_SECS: i64 = 2 * 86_400;

impl QuestionLog {
    /// Opens (or creates) the log. WAL journaling lets `attache report` read while the
    /// daemon writes; a busy timeout rides out short locks instead of failing.
    pub fn open(path: &Path) -> Result<QuestionLog, LogError> {
        let name = path.display().to_string();
        let wrap = |source| LogError {
            path: name.clone(),
            source,
        };
        let conn = Connection::open(path).map_err(wrap)?;
        conn.busy_timeout(std::time::Duration::from_secs(2))
            .map_err(wrap)?;
        // WAL needs a writable directory; a read-only one still reads.
        let _ = conn.pragma_update(None, "journal_mode", "WAL");
        // In WAL mode NORMAL survives a crash of the process (kill -9), which is
        // what the answered-update record must; only a power cut may lose the
        // last commits.
        let _ = conn.pragma_update(None, "synchronous", "NORMAL");
        conn.execute_batch(SCHEMA).map_err(wrap)?;
        Ok(QuestionLog { conn, path: name })
    }

    fn err(&self, source: rusqlite::Error) -> LogError {
        LogError {
            path: self.path.clone(),
            source,
        }
    }

    /// Records a question; returns its id (for feedback on the answer later).
    pub fn record(&self, e: &Entry) -> Result<i64, LogError> {
        self.conn
            .execute(
                "INSERT INTO questions (at, chat, chat_type, question, found, release, paragraph, latency_ms)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                params![e.at, e.chat, e.chat_type, e.question, e.found, e.release, e.paragraph, e.latency_ms],
            )
            .map_err(|s| self.err(s))?;
        Ok(self.conn.last_insert_rowid())
    }

    /// Records a question under an id the caller chose (the daemon hands out ids
    /// before the row is written, so an answer's buttons can carry it).
    pub fn record_as(&self, id: i64, e: &Entry) -> Result<(), LogError> {
        self.conn
            .execute(
                "INSERT INTO questions (id, at, chat, chat_type, question, found, release, paragraph, latency_ms)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                params![id, e.at, e.chat, e.chat_type, e.question, e.found, e.release, e.paragraph, e.latency_ms],
            )
            .map(|_| ())
            .map_err(|s| self.err(s))
    }

    /// The highest question id in the log (0 when empty).
    pub fn last_id(&self) -> Result<i64, LogError> {
        self.conn
            .query_row("SELECT COALESCE(MAX(id), 0) FROM questions", [], |r| {
                r.get(0)
            })
            .map_err(|s| self.err(s))
    }

    /// The text of question `id`, if it is (still) in the log.
    pub fn question(&self, id: i64) -> Result<Option<String>, LogError> {
        self.conn
            .query_row(
                "SELECT question FROM questions WHERE id = ?1",
                params![id],
                |r| r.get(0),
            )
            .optional()
            .map_err(|s| self.err(s))
    }

    /// Stores 👍 (`true`) or 👎 (`false`) for an answer; the latest press wins.
    /// Returns whether the question exists.
    pub fn feedback(&self, id: i64, up: bool) -> Result<bool, LogError> {
        let changed = self
            .conn
            .execute(
                "UPDATE questions SET feedback = ?1 WHERE id = ?2",
                params![if up { 1 } else { -1 }, id],
            )
            .map_err(|s| self.err(s))?;
        Ok(changed > 0)
    }

    /// Deletes questions older than `keep_days` before `now`; returns how many.
    pub fn prune(&self, keep_days: u32, now: i64) -> Result<usize, LogError> {
        let cutoff = now - i64::from(keep_days) * 86_400;
        self.conn
            .execute("DELETE FROM questions WHERE at < ?1", params![cutoff])
            .map_err(|s| self.err(s))
    }

    /// A saved integer, e.g. the next Telegram update id to fetch.
    pub fn state(&self, key: &str) -> Result<Option<i64>, LogError> {
        self.conn
            .query_row(
                "SELECT value FROM state WHERE key = ?1",
                params![key],
                |r| r.get(0),
            )
            .optional()
            .map_err(|s| self.err(s))
    }

    pub fn set_state(&self, key: &str, value: i64) -> Result<(), LogError> {
        self.conn
            .execute(
                "INSERT INTO state (key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                params![key, value],
            )
            .map(|_| ())
            .map_err(|s| self.err(s))
    }

    /// Whether update `id` with this `mark` (what identifies it besides the id)
    /// was answered within `ANSWERED_KEEP_SECS` before `now`.
    pub fn answered(&self, id: i64, mark: i64, now: i64) -> Result<bool, LogError> {
        self.conn
            .query_row(
                "SELECT 1 FROM answered WHERE update_id = ?1 AND mark = ?2 AND at >= ?3",
                params![id, mark, now - ANSWERED_KEEP_SECS],
                |_| Ok(()),
            )
            .optional()
            .map(|found| found.is_some())
            .map_err(|s| self.err(s))
    }

    /// Records update `id` as answered (an older record of the same id is replaced).
    pub fn mark_answered(&self, id: i64, mark: i64, now: i64) -> Result<(), LogError> {
        self.conn
            .execute(
                "INSERT INTO answered (update_id, mark, at) VALUES (?1, ?2, ?3)
                 ON CONFLICT(update_id) DO UPDATE SET mark = excluded.mark, at = excluded.at",
                params![id, mark, now],
            )
            .map(|_| ())
            .map_err(|s| self.err(s))
    }

    /// Keeps received updates (id, JSON) until they are handled, in one transaction.
    /// Written with `synchronous = FULL`: once this returns, the updates survive a
    /// power cut too (they are confirmed to Telegram next).
    pub fn inbox_put(&self, updates: &[(i64, String)], now: i64) -> Result<(), LogError> {
        let _ = self.conn.pragma_update(None, "synchronous", "FULL");
        let result = self.inbox_put_now(updates, now);
        let _ = self.conn.pragma_update(None, "synchronous", "NORMAL");
        result
    }

    fn inbox_put_now(&self, updates: &[(i64, String)], now: i64) -> Result<(), LogError> {
        let tx = self.conn.unchecked_transaction().map_err(|s| self.err(s))?;
        for (id, body) in updates {
            tx.execute(
                "INSERT OR REPLACE INTO inbox (update_id, body, at) VALUES (?1, ?2, ?3)",
                params![id, body, now],
            )
            .map_err(|s| self.err(s))?;
        }
        tx.commit().map_err(|s| self.err(s))
    }

    /// Forgets a handled update.
    pub fn inbox_done(&self, id: i64) -> Result<(), LogError> {
        self.conn
            .execute("DELETE FROM inbox WHERE update_id = ?1", params![id])
            .map(|_| ())
            .map_err(|s| self.err(s))
    }

    /// The updates received and not yet handled, oldest first.
    pub fn inbox(&self) -> Result<Vec<(i64, String)>, LogError> {
        let mut stmt = self
            .conn
            .prepare("SELECT update_id, body FROM inbox ORDER BY at, update_id")
            .map_err(|s| self.err(s))?;
        let rows = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .map_err(|s| self.err(s))?;
        rows.collect::<Result<Vec<_>, _>>().map_err(|s| self.err(s))
    }

    /// How many answered updates are recorded.
    pub fn answered_count(&self) -> Result<i64, LogError> {
        self.conn
            .query_row("SELECT COUNT(*) FROM answered", [], |r| r.get(0))
            .map_err(|s| self.err(s))
    }

    /// Forgets answered updates too old to be delivered again; returns how many.
    pub fn prune_answered(&self, now: i64) -> Result<usize, LogError> {
        self.conn
            .execute(
                "DELETE FROM answered WHERE at < ?1",
                params![now - ANSWERED_KEEP_SECS],
            )
            .map_err(|s| self.err(s))
    }

    /// The report for corpus keepers, over the questions since `since` (Unix seconds).
    pub fn report(&self, since: i64, top: usize) -> Result<Report, LogError> {
        report::build(&self.conn, since, top).map_err(|s| self.err(s))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(at: i64, q: &str, found: bool, release: Option<&str>) -> Entry {
        Entry {
            at,
            chat: "c1".into(),
            chat_type: "private".into(),
            question: q.into(),
            found,
            release: release.map(String::from),
            paragraph: release.map(|_| "1".to_string()),
            latency_ms: 0.3,
        }
    }

    #[test]
    fn records_feedback_prunes_and_survives_reopening() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("attache.db");
        let log = QuestionLog::open(&path).expect("opens");
        let old = log
            .record(&entry(1_000, "old?", true, Some("r1")))
            .expect("records");
        let new = log
            .record(&entry(200_000, "new?", false, None))
            .expect("records");
        assert!(log.feedback(new, false).expect("feedback"));
        assert!(!log.feedback(9_999, true).expect("feedback on a missing id"));
        log.set_state("offset", 42).expect("state");
        drop(log);
        let log = QuestionLog::open(&path).expect("reopens");
        assert_eq!(log.state("offset").expect("state"), Some(42));
        assert_eq!(
            log.prune(1, 200_000).expect("prunes"),
            1,
            "only the old question goes"
        );
        let report = log.report(0, 10).expect("report");
        assert_eq!((report.asked, report.answered), (1, 0));
        let _ = old;
    }

    #[test]
    fn ids_chosen_by_the_caller_are_kept() {
        let dir = tempfile::tempdir().expect("tempdir");
        let log = QuestionLog::open(&dir.path().join("attache.db")).expect("opens");
        assert_eq!(log.last_id().expect("empty"), 0);
        log.record_as(7, &entry(1, "who?", true, Some("r1")))
            .expect("records");
        assert!(log.record_as(7, &entry(2, "again?", true, None)).is_err());
        assert_eq!(log.last_id().expect("max"), 7);
        assert_eq!(log.question(7).expect("reads").as_deref(), Some("who?"));
        assert_eq!(log.question(8).expect("reads"), None);
    }

    #[test]
    fn a_corrupt_file_is_an_error_not_a_panic() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("attache.db");
        std::fs::write(&path, b"this is not a database, just bytes").expect("write");
        let err = QuestionLog::open(&path).err().expect("refused");
        assert!(err.to_string().contains("attache.db"), "{err}");
    }
}
