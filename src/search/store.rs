//! A persisted index in the data directory, for corpora too large to index at every
//! start. It is used only when it was built from exactly the corpus being served (a
//! fingerprint of the corpus is stored with it); a stale or corrupted index is
//! rebuilt, never trusted.
//!
//! Layout: `DIR/index-<fingerprint>-<n>/` holds a complete index, and `DIR/CURRENT`
//! names the one in use. A build writes a new sibling directory, then replaces
//! `CURRENT` by renaming a temporary file over it — an atomic step — and only then
//! removes older directories. A crash at any point leaves `CURRENT` naming a complete
//! index (or no `CURRENT` at all, which means "build one").

use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use tantivy::directory::error::{DeleteError, LockError, OpenReadError, OpenWriteError};
use tantivy::directory::{
    Directory, DirectoryLock, FileHandle, Lock, WatchCallback, WatchHandle, WritePtr,
};

use super::{Fields, Index, SearchError};
use crate::corpus::Corpus;

/// Bump when the schema, the analyzer or the document order changes: older persisted
/// indexes then no longer match and are rebuilt.
const FORMAT: &str = "attache-index-v4";
const CURRENT: &str = "CURRENT";

/// How `open_or_build` got its index, for the operator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    /// The persisted index matched the corpus.
    Opened(PathBuf),
    /// A new index was built and persisted, and why.
    Built(PathBuf, Reason),
    /// The index could not be persisted (e.g. a read-only data directory): it was
    /// built in memory instead, and why.
    InMemory(Reason, String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reason {
    Missing,
    Stale,
    Corrupted(String),
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reason::Missing => write!(f, "there was no index yet"),
            Reason::Stale => write!(f, "the corpus changed since the index was built"),
            Reason::Corrupted(why) => write!(f, "the index was corrupted ({why})"),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{path}: {error}")]
    Io { path: String, error: String },
    #[error(transparent)]
    Search(#[from] SearchError),
}

fn io(path: &Path, e: std::io::Error) -> StoreError {
    StoreError::Io {
        path: path.display().to_string(),
        error: e.kind().to_string(),
    }
}

/// A stable 64-bit hash (eight bytes a step) of the corpus as loaded (ids, metadata, paragraph
/// numbers and texts, in index order) and of the index format.
pub fn fingerprint(corpus: &Corpus) -> String {
    // Eight bytes a step: a 100,000-paragraph corpus is ~60 MB of text, and a byte at a
    // time cost ~50 ms of every start.
    const K: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut eat = |s: &str| {
        let mut words = s.as_bytes().chunks_exact(8);
        for w in &mut words {
            let mut b = [0u8; 8];
            b.copy_from_slice(w);
            h = (h ^ u64::from_le_bytes(b)).wrapping_mul(K);
            h ^= h >> 29;
        }
        for &b in words.remainder().iter().chain([0xff].iter()) {
            h = (h ^ u64::from(b)).wrapping_mul(K);
            h ^= h >> 29;
        }
    };
    eat(FORMAT);
    for r in corpus.releases() {
        for field in [&r.id, &r.title, &r.meeting, &r.place, &r.date.to_string()] {
            eat(field);
        }
        for p in &r.paragraphs {
            eat(&p.number);
            eat(&p.text);
        }
    }
    format!("{h:016x}")
}

/// Opens the persisted index in `dir` if it matches `corpus`; otherwise builds one,
/// persists it, and says why.
pub fn open_or_build(dir: &Path, corpus: &Corpus) -> Result<(Index, Status), StoreError> {
    let print = fingerprint(corpus);
    let reason = match current(dir) {
        Some(path) if name_matches(&path, &print) => match open(&path, corpus) {
            Ok(index) => return Ok((index, Status::Opened(path))),
            Err(why) => Reason::Corrupted(why),
        },
        Some(_) => Reason::Stale,
        None => Reason::Missing,
    };
    match build(dir, corpus) {
        Ok((index, path)) => Ok((index, Status::Built(path, reason))),
        // A read-only data directory still answers, from an index built in memory.
        Err(e) => Ok((
            Index::build(corpus)?,
            Status::InMemory(reason, e.to_string()),
        )),
    }
}

/// Builds a fresh index for `corpus` in a sibling directory and makes it current.
pub fn build(dir: &Path, corpus: &Corpus) -> Result<(Index, PathBuf), StoreError> {
    fs::create_dir_all(dir).map_err(|e| io(dir, e))?;
    let print = fingerprint(corpus);
    let path = fresh_dir(dir, &print);
    fs::create_dir(&path).map_err(|e| io(&path, e))?;
    let (schema, _) = Fields::schema();
    let tantivy = tantivy::Index::create_in_dir(&path, schema).map_err(SearchError::from)?;
    let index = Index::fill(tantivy, corpus)?;
    point_current_at(dir, &path)?;
    remove_others(dir, &path);
    Ok((index, path))
}

fn current(dir: &Path) -> Option<PathBuf> {
    let name = fs::read_to_string(dir.join(CURRENT)).ok()?;
    let name = name.trim();
    // Only a plain directory name inside `dir` is accepted.
    (!name.is_empty() && !name.contains(['/', '\\']) && name != "..").then(|| dir.join(name))
}

fn name_matches(path: &Path, print: &str) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.starts_with(&format!("index-{print}-")))
}

fn open(path: &Path, corpus: &Corpus) -> Result<Index, String> {
    let dir = tantivy::directory::MmapDirectory::open(path).map_err(|e| e.to_string())?;
    let tantivy = tantivy::Index::open(ReadOnly(dir)).map_err(|e| e.to_string())?;
    let corrupted = tantivy.validate_checksum().map_err(|e| e.to_string())?;
    if let Some(file) = corrupted.iter().next() {
        return Err(format!("checksum mismatch in {}", file.display()));
    }
    let index = Index::open_with(tantivy, corpus).map_err(|e| e.to_string())?;
    if index.searcher_doc_count() != index.paragraph_count() as u64 {
        return Err("it holds a different number of paragraphs".to_string());
    }
    Ok(index)
}

fn fresh_dir(dir: &Path, print: &str) -> PathBuf {
    (0u32..)
        .map(|n| dir.join(format!("index-{print}-{n}")))
        .find(|p| !p.exists())
        .unwrap_or_else(|| dir.join(format!("index-{print}-new")))
}

/// Writes `CURRENT.tmp`, syncs it, and renames it over `CURRENT`.
fn point_current_at(dir: &Path, path: &Path) -> Result<(), StoreError> {
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    let tmp = dir.join(format!("{CURRENT}.tmp"));
    let write = || -> std::io::Result<()> {
        let mut f = fs::File::create(&tmp)?;
        std::io::Write::write_all(&mut f, name.as_bytes())?;
        f.sync_all()?;
        fs::rename(&tmp, dir.join(CURRENT))?;
        // Make the rename itself durable.
        fs::File::open(dir).and_then(|d| d.sync_all())
    };
    write().map_err(|e| io(&dir.join(CURRENT), e))
}

/// Removes older index directories; failures only leave garbage behind.
fn remove_others(dir: &Path, keep: &Path) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let is_index = path
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with("index-"));
        if is_index && path != keep && path.is_dir() {
            let _ = fs::remove_dir_all(&path);
        }
    }
}

/// A persisted index is never written after it is built (a new build goes to a new
/// directory), so readers need no lock files — and a read-only data directory works.
#[derive(Debug, Clone)]
struct ReadOnly(tantivy::directory::MmapDirectory);

impl Directory for ReadOnly {
    fn get_file_handle(&self, path: &Path) -> Result<Arc<dyn FileHandle>, OpenReadError> {
        self.0.get_file_handle(path)
    }
    fn delete(&self, path: &Path) -> Result<(), DeleteError> {
        self.0.delete(path)
    }
    fn exists(&self, path: &Path) -> Result<bool, OpenReadError> {
        self.0.exists(path)
    }
    fn open_write(&self, path: &Path) -> Result<WritePtr, OpenWriteError> {
        self.0.open_write(path)
    }
    fn atomic_read(&self, path: &Path) -> Result<Vec<u8>, OpenReadError> {
        self.0.atomic_read(path)
    }
    fn atomic_write(&self, path: &Path, data: &[u8]) -> std::io::Result<()> {
        self.0.atomic_write(path, data)
    }
    fn sync_directory(&self) -> std::io::Result<()> {
        self.0.sync_directory()
    }
    fn acquire_lock(&self, _lock: &Lock) -> Result<DirectoryLock, LockError> {
        Ok(DirectoryLock::from(Box::new(())))
    }
    fn watch(&self, callback: WatchCallback) -> tantivy::Result<WatchHandle> {
        self.0.watch(callback)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::Release;

    fn corpus(extra: &str) -> Corpus {
        let text = format!(
            "+++\nid = \"r\"\ntitle = \"Outcome of the 24th ASEAN-ROK Dialogue\"\ndate = \"2021-05-12\"\n+++\n1. The Dialogue discussed ocean plastics.{extra}\n"
        );
        Corpus::new(vec![
            Release::parse(Path::new("r.md"), &text).expect("parses"),
        ])
    }

    fn dirs(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .into_iter()
            .flatten()
            .flatten()
            .filter_map(|e| e.file_name().into_string().ok())
            .filter(|n| n.starts_with("index-"))
            .collect();
        names.sort();
        names
    }

    #[test]
    fn opens_a_matching_index_and_rebuilds_a_stale_one() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let dir = tmp.path().join("index");
        let (_, first) = open_or_build(&dir, &corpus("")).expect("builds");
        assert!(
            matches!(first, Status::Built(_, Reason::Missing)),
            "{first:?}"
        );
        let (_, again) = open_or_build(&dir, &corpus("")).expect("opens");
        assert!(matches!(again, Status::Opened(_)), "{again:?}");
        let (index, changed) = open_or_build(&dir, &corpus(" And fisheries.")).expect("rebuilds");
        assert!(
            matches!(changed, Status::Built(_, Reason::Stale)),
            "{changed:?}"
        );
        assert_eq!(index.paragraph_count(), 1);
        assert_eq!(
            dirs(&dir).len(),
            1,
            "the old index is removed once the new one is current"
        );
    }

    #[test]
    fn a_corrupted_index_is_detected_and_rebuilt() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let dir = tmp.path().join("index");
        let (_, path) = build(&dir, &corpus("")).expect("builds");
        for entry in fs::read_dir(&path).expect("read").flatten() {
            let p = entry.path();
            if p.extension().is_some_and(|e| e == "idx" || e == "pos") {
                let mut bytes = fs::read(&p).expect("read");
                let mid = bytes.len() / 2;
                bytes[mid] ^= 0xff;
                fs::write(&p, bytes).expect("write");
            }
        }
        let (_, status) = open_or_build(&dir, &corpus("")).expect("recovers");
        assert!(
            matches!(status, Status::Built(_, Reason::Corrupted(_))),
            "{status:?}"
        );
    }

    #[test]
    fn a_half_built_directory_does_not_replace_the_current_index() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let dir = tmp.path().join("index");
        let (_, good) = build(&dir, &corpus("")).expect("builds");
        // A crash mid-build leaves a sibling directory that CURRENT never named.
        let print = fingerprint(&corpus(""));
        fs::create_dir(dir.join(format!("index-{print}-9"))).expect("mkdir");
        let (_, status) = open_or_build(&dir, &corpus("")).expect("opens");
        assert_eq!(status, Status::Opened(good));
    }

    #[test]
    fn fingerprints_follow_the_corpus() {
        assert_eq!(fingerprint(&corpus("")), fingerprint(&corpus("")));
        assert_ne!(fingerprint(&corpus("")), fingerprint(&corpus(" More.")));
    }
}
