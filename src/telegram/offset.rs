//! The polling offset, kept so that no update is lost across a restart — including
//! a crash or `kill -9` — and none handled before it is delivered again (those
//! between the saved offset and a crash are caught by the answered-update record).
//!
//! Telegram forgets every update below the `offset` passed to getUpdates, so the
//! offset must never move past an update that has not been handled. The `Ledger`
//! tracks updates in flight and only lets the committed offset advance past a
//! contiguous run of handled ones; polling always asks from the committed offset
//! (re-receiving in-flight updates, which are skipped as known). The committed
//! offset is kept in the `state` table of `data_dir/attache.db` (`OffsetStore`), so
//! a restart resumes exactly there. When the database cannot be used, it goes to a
//! small file under `data_dir` instead, written atomically (a sibling, fsync,
//! rename); at start the higher of the two wins — both only ever hold offsets of
//! handled updates.

use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use super::journal::Journal;

/// File name under `data_dir` (before the database, and its fallback).
pub const FILE_NAME: &str = "telegram-offset";
/// The key in the database's `state` table.
pub const STATE_KEY: &str = "telegram_offset";

/// Which updates are in flight and which are done but not yet committed.
#[derive(Debug, Default)]
pub struct Ledger {
    /// Every update id below this is handled (the getUpdates offset).
    committed: u32,
    pending: BTreeSet<u32>,
    done: BTreeSet<u32>,
}

impl Ledger {
    pub fn new(committed: u32) -> Ledger {
        Ledger {
            committed,
            ..Ledger::default()
        }
    }

    pub fn committed(&self) -> u32 {
        self.committed
    }

    pub fn in_flight(&self) -> usize {
        self.pending.len()
    }

    /// Registers a received update; false when it is already known (in flight,
    /// handled, or below the committed offset) and must not be handled again.
    pub fn begin(&mut self, id: u32) -> bool {
        if id < self.committed || self.pending.contains(&id) || self.done.contains(&id) {
            return false;
        }
        self.pending.insert(id);
        true
    }

    /// Follows update ids that started again at `first`, below the committed offset:
    /// after a week without updates Telegram picks the next id at random. Updates of
    /// the old sequence still in flight finish without moving the new offset.
    pub fn restart(&mut self, first: u32) {
        self.committed = first;
        self.pending.clear();
        self.done.clear();
    }

    /// Marks an update handled; returns the new committed offset if it moved.
    pub fn finish(&mut self, id: u32) -> Option<u32> {
        if !self.pending.remove(&id) {
            return None;
        }
        self.done.insert(id);
        let before = self.committed;
        let limit = self.pending.first().copied().unwrap_or(u32::MAX);
        while let Some(&first) = self.done.first() {
            if first >= limit {
                break;
            }
            self.done.pop_first();
            self.committed = self.committed.max(first.saturating_add(1));
        }
        (self.committed != before).then_some(self.committed)
    }
}

/// Reads and writes the committed offset.
#[derive(Debug, Clone)]
pub struct OffsetFile {
    path: PathBuf,
}

impl OffsetFile {
    pub fn new(data_dir: &Path) -> OffsetFile {
        OffsetFile {
            path: data_dir.join(FILE_NAME),
        }
    }

    fn exists(&self) -> bool {
        self.path.exists()
    }

    fn remove(&self) -> std::io::Result<()> {
        std::fs::remove_file(&self.path)
    }

    /// The saved offset, 0 when there is none yet. A damaged file is an error:
    /// guessing could lose or repeat updates.
    pub fn load(&self) -> std::io::Result<u32> {
        match std::fs::read_to_string(&self.path) {
            Ok(text) => text.trim().parse().map_err(|_| {
                std::io::Error::new(
                    std::io::ErrorKind::InvalidData,
                    format!(
                        "{} does not hold an update offset (delete it to start over)",
                        self.path.display()
                    ),
                )
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(0),
            Err(e) => Err(e),
        }
    }

    /// Writes atomically: a temporary sibling file, fsync, renamed over the old
    /// one (`tempfile`), then (best effort) fsync the directory so the rename
    /// survives a power cut.
    pub fn save(&self, offset: u32) -> std::io::Result<()> {
        let dir = self.path.parent().unwrap_or(Path::new("."));
        let mut file = tempfile::NamedTempFile::new_in(dir)?;
        writeln!(file, "{offset}")?;
        file.as_file().sync_all()?;
        file.persist(&self.path).map_err(|e| e.error)?;
        if let Some(dir) = self.path.parent()
            && let Ok(d) = std::fs::File::open(dir)
        {
            let _ = d.sync_all();
        }
        Ok(())
    }
}

/// Where the committed offset lives: the database when it works, else the file.
/// It stores whatever it is given, also a lower offset (update ids start over);
/// the polling loop's one writer task keeps saves in order.
#[derive(Clone)]
pub struct OffsetStore {
    file: OffsetFile,
    journal: Arc<Journal>,
    fell_back: Arc<AtomicBool>,
}

impl OffsetStore {
    pub fn new(data_dir: &Path, journal: Arc<Journal>) -> OffsetStore {
        OffsetStore {
            file: OffsetFile::new(data_dir),
            journal,
            fell_back: Arc::default(),
        }
    }

    /// The offset to poll from (blocking). A file left by an older version (or by a
    /// fallback) is moved into the database. A damaged file is an error, as before.
    pub fn load(&self) -> std::io::Result<u32> {
        let from_file = self.file.load()?;
        if !self.journal.is_open() {
            return Ok(from_file);
        }
        let saved = match self.journal.state(STATE_KEY) {
            Ok(saved) => saved.and_then(|v| u32::try_from(v).ok()).unwrap_or(0),
            Err(e) => {
                tracing::warn!(error = %e, "cannot read the polling offset from the database; using the file");
                return Ok(from_file);
            }
        };
        let offset = saved.max(from_file);
        if self.file.exists() {
            match self.journal.set_state(STATE_KEY, i64::from(offset)) {
                Ok(()) => {
                    tracing::info!(
                        offset,
                        "polling offset moved from {FILE_NAME} into the database"
                    );
                    if let Err(e) = self.file.remove() {
                        tracing::warn!(error = %e, "cannot remove the old offset file");
                    }
                }
                Err(e) => {
                    tracing::warn!(error = %e, "cannot move the polling offset into the database")
                }
            }
        }
        Ok(offset)
    }

    /// Saves the committed offset (blocking): the database, else the file.
    pub fn save(&self, offset: u32) -> std::io::Result<()> {
        if self.journal.is_open() {
            match self.journal.set_state(STATE_KEY, i64::from(offset)) {
                Ok(()) => return Ok(()),
                Err(e) => {
                    if !self.fell_back.swap(true, Ordering::Relaxed) {
                        tracing::warn!(error = %e, "cannot save the polling offset in the database; using {FILE_NAME}");
                    }
                }
            }
        }
        self.file.save(offset)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commits_only_contiguous_handled_updates() {
        let mut l = Ledger::new(10);
        assert!(!l.begin(9));
        for id in [10, 11, 12] {
            assert!(l.begin(id));
        }
        assert!(!l.begin(11));
        assert_eq!(l.finish(11), None);
        assert_eq!(l.committed(), 10);
        assert!(!l.begin(11), "done but uncommitted stays known");
        assert_eq!(l.finish(10), Some(12));
        assert_eq!(l.finish(12), Some(13));
        assert_eq!(l.finish(12), None);
        assert_eq!(l.in_flight(), 0);
    }

    #[test]
    fn follows_ids_that_start_again_below_the_offset() {
        let mut l = Ledger::new(5_000);
        assert!(l.begin(5_000));
        l.restart(1_000);
        assert_eq!(l.committed(), 1_000);
        assert!(l.begin(1_000));
        assert_eq!(
            l.finish(5_000),
            None,
            "the old sequence does not move the offset"
        );
        assert_eq!(l.finish(1_000), Some(1_001));
    }

    #[test]
    fn file_round_trip_and_damage() {
        let dir = tempfile::tempdir().expect("tempdir");
        let f = OffsetFile::new(dir.path());
        assert_eq!(f.load().expect("missing is 0"), 0);
        f.save(42).expect("save");
        assert_eq!(f.load().expect("load"), 42);
        std::fs::write(dir.path().join(FILE_NAME), "garbage").expect("write");
        assert!(f.load().is_err());
    }

    fn journal(dir: &Path) -> Arc<Journal> {
        let settings = crate::config::LogSettings {
            format: crate::config::LogFormat::Text,
            level: "info".into(),
            questions: true,
            retention_days: 90,
        };
        Arc::new(Journal::open(dir, &settings))
    }

    #[test]
    fn an_old_offset_file_moves_into_the_database() {
        let dir = tempfile::tempdir().expect("tempdir");
        OffsetFile::new(dir.path()).save(77).expect("save");
        let j = journal(dir.path());
        let store = OffsetStore::new(dir.path(), j.clone());
        assert_eq!(store.load().expect("load"), 77);
        assert!(!dir.path().join(FILE_NAME).exists(), "file removed");
        store.save(80).expect("save");
        j.close();
        let j = journal(dir.path());
        assert_eq!(
            OffsetStore::new(dir.path(), j.clone())
                .load()
                .expect("load"),
            80
        );
        j.close();
    }

    #[test]
    fn a_lower_offset_is_stored_after_ids_started_over() {
        let dir = tempfile::tempdir().expect("tempdir");
        let j = journal(dir.path());
        let store = OffsetStore::new(dir.path(), j.clone());
        store.save(500_000).expect("save");
        store.save(1_001).expect("a lower offset is saved too");
        assert_eq!(store.load().expect("load"), 1_001);
        j.close();
        let store = OffsetStore::new(dir.path(), Arc::new(Journal::off()));
        store.save(12).expect("save");
        store.save(11).expect("save");
        assert_eq!(store.load().expect("load"), 11);
    }

    #[test]
    fn without_a_database_the_file_keeps_the_offset() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = OffsetStore::new(dir.path(), Arc::new(Journal::off()));
        assert_eq!(store.load().expect("load"), 0);
        store.save(9).expect("save");
        assert_eq!(OffsetFile::new(dir.path()).load().expect("load"), 9);
        // Once the database works again, the higher offset (the file's) wins.
        let j = journal(dir.path());
        j.set_state(STATE_KEY, 3).expect("older value");
        assert_eq!(
            OffsetStore::new(dir.path(), j.clone())
                .load()
                .expect("load"),
            9
        );
        j.close();
    }
}
