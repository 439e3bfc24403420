//! The polling offset, kept so that no update is lost or answered twice across a
//! restart — including a crash or `kill -9`.
//!
//! Telegram forgets every update below the `offset` passed to getUpdates, so the
//! offset must never move past an update that has not been handled. The `Ledger`
//! tracks updates in flight and only lets the committed offset advance past a
//! contiguous run of handled ones; polling always asks from the committed offset
//! (re-receiving in-flight updates, which are skipped as known). The committed
//! offset is written to a small file under `data_dir`, atomically (write a sibling,
//! fsync, rename), so a restart resumes exactly there.

use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};

/// File name under `data_dir`.
pub const FILE_NAME: &str = "telegram-offset";

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

    /// Writes atomically: a sibling file, fsync, rename over the old one, then
    /// (best effort) fsync the directory so the rename survives a power cut.
    pub fn save(&self, offset: u32) -> std::io::Result<()> {
        let tmp = self.path.with_extension("tmp");
        let mut file = std::fs::File::create(&tmp)?;
        writeln!(file, "{offset}")?;
        file.sync_all()?;
        std::fs::rename(&tmp, &self.path)?;
        if let Some(dir) = self.path.parent()
            && let Ok(d) = std::fs::File::open(dir)
        {
            let _ = d.sync_all();
        }
        Ok(())
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
    fn file_round_trip_and_damage() {
        let dir = tempfile::tempdir().expect("tempdir");
        let f = OffsetFile::new(dir.path());
        assert_eq!(f.load().expect("missing is 0"), 0);
        f.save(42).expect("save");
        assert_eq!(f.load().expect("load"), 42);
        std::fs::write(dir.path().join(FILE_NAME), "garbage").expect("write");
        assert!(f.load().is_err());
    }
}
