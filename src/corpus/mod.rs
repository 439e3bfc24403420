//! The corpus: one file per press release, TOML front matter between `+++` lines and
//! the release's text, verbatim, as the body. Loading never stops at a bad file: each
//! problem is reported with the file's name and the rest of the corpus still loads.

pub mod batch;
mod date;
mod front_matter;
pub mod import;
pub mod link;
pub mod page;
mod paragraphs;
pub mod same;
pub mod stated;

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};

pub use date::{Date, DateError};
pub use front_matter::FrontMatter;
pub use paragraphs::{Paragraph, is_numbered, split_paragraphs};

/// One press release with its metadata and its paragraphs.
#[derive(Debug, Clone, PartialEq)]
pub struct Release {
    pub id: String,
    pub title: String,
    /// The line(s) under the title (`- He spoke of … -`), when the page has them.
    pub subtitle: Option<String>,
    pub date: Date,
    pub end_date: Option<Date>,
    pub published: Option<String>,
    pub place: String,
    pub meeting: String,
    pub url: String,
    pub lang: String,
    pub paragraphs: Vec<Paragraph>,
    /// The file it was read from (for error messages and `check`).
    pub path: PathBuf,
}

impl Release {
    /// Parses one corpus file's text. `path` only names the file in errors.
    pub fn parse(path: &Path, text: &str) -> Result<Release, CorpusError> {
        let fail = |kind| CorpusError::new(path, kind);
        let (front, body) = front_matter::split(text).map_err(fail)?;
        let paragraphs = split_paragraphs(body);
        if paragraphs.is_empty() {
            return Err(fail(ErrorKind::EmptyBody));
        }
        Ok(Release {
            id: front.id,
            title: front.title,
            subtitle: front.subtitle,
            date: front.date,
            end_date: front.end_date,
            published: front.published,
            place: front.place,
            meeting: front.meeting,
            url: front.url,
            lang: front.lang,
            paragraphs,
            path: path.to_path_buf(),
        })
    }

    /// "July 1, 2022", or "May 15–16, 2025" for a meeting over several days.
    pub fn date_label(&self) -> String {
        match self.end_date {
            Some(end) if end != self.date => format!("{} to {}", self.date, end),
            _ => self.date.to_string(),
        }
    }

    /// "May 15, 2025", or "May 15, 2025 to May 16, 2025".
    pub fn date_label_long(&self) -> String {
        match self.end_date {
            Some(end) if end != self.date => format!("{} to {}", self.date.long(), end.long()),
            _ => self.date.long(),
        }
    }

    /// Things a corpus keeper should look at though the release loads (a copy cut
    /// short).
    pub fn keeper_warnings(&self) -> Vec<String> {
        let last = self.paragraphs.last().filter(|p| looks_cut(&p.text));
        last.map(|p| {
            format!(
                "{}: ¶{} looks cut (it ends “…{}”): was the page copied whole?",
                self.path.display(),
                p.number,
                tail(&p.text, 24)
            )
        })
        .into_iter()
        .collect()
    }

    /// The meeting if the release names one, else its title.
    pub fn label(&self) -> &str {
        if self.meeting.is_empty() {
            &self.title
        } else {
            &self.meeting
        }
    }
}

/// Whether a paragraph stops where no sentence ends: mid-word or mid-sentence, as a
/// copy cut short does.
pub fn looks_cut(text: &str) -> bool {
    let last = text.trim_end().chars().last();
    last.is_some_and(|c| c.is_alphanumeric() || matches!(c, ',' | '-' | '(' | '–' | '&'))
}

/// The last `n` characters of a text, for messages.
pub fn tail(text: &str, n: usize) -> &str {
    let text = text.trim_end();
    let start = text
        .char_indices()
        .rev()
        .nth(n.saturating_sub(1))
        .map_or(0, |(i, _)| i);
    &text[start..]
}

/// The loaded releases, newest first (ties broken by id, so order is deterministic).
#[derive(Debug, Clone, Default)]
pub struct Corpus {
    releases: Vec<Release>,
}

impl Corpus {
    pub fn new(mut releases: Vec<Release>) -> Corpus {
        releases.sort_by(|a, b| b.date.cmp(&a.date).then_with(|| a.id.cmp(&b.id)));
        Corpus { releases }
    }

    pub fn releases(&self) -> &[Release] {
        &self.releases
    }

    pub fn paragraph_count(&self) -> usize {
        self.releases.iter().map(|r| r.paragraphs.len()).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.releases.is_empty()
    }

    /// Earliest and latest event dates.
    pub fn date_range(&self) -> Option<(Date, Date)> {
        let last = self.releases.first()?.date;
        let first = self.releases.last()?.date;
        Some((first, last))
    }

    pub fn get(&self, id: &str) -> Option<&Release> {
        self.releases.iter().find(|r| r.id == id)
    }
}

/// What loading a corpus directory gives: the releases that loaded, and one error per
/// file that did not.
#[derive(Debug, Default)]
pub struct Loaded {
    pub corpus: Corpus,
    pub errors: Vec<CorpusError>,
}

/// Loads every `*.md` file of `dir` (sorted by name). Fails only when the directory
/// itself cannot be read; a bad file is reported in `Loaded::errors`.
pub fn load_dir(dir: &Path) -> Result<Loaded, CorpusError> {
    let entries = std::fs::read_dir(dir).map_err(|e| CorpusError::io(dir, &e))?;
    let mut paths: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "md") && p.is_file())
        .collect();
    paths.sort();
    let mut releases: Vec<Release> = Vec::new();
    let mut errors = Vec::new();
    let mut seen: HashMap<String, PathBuf> = HashMap::new();
    for path in paths {
        match load_file(&path) {
            Ok(release) => {
                if let Some(first) = seen.get(&release.id) {
                    let kind = ErrorKind::DuplicateId {
                        id: release.id.clone(),
                        first: first.clone(),
                    };
                    errors.push(CorpusError::new(&path, kind));
                    continue;
                }
                seen.insert(release.id.clone(), path.clone());
                releases.push(release);
            }
            Err(e) => errors.push(e),
        }
    }
    Ok(Loaded {
        corpus: Corpus::new(releases),
        errors,
    })
}

fn load_file(path: &Path) -> Result<Release, CorpusError> {
    let bytes = std::fs::read(path).map_err(|e| CorpusError::io(path, &e))?;
    let text = String::from_utf8(bytes).map_err(|e| {
        CorpusError::new(path, ErrorKind::InvalidUtf8(e.utf8_error().valid_up_to()))
    })?;
    Release::parse(path, &text)
}

/// A problem with one corpus file (or the corpus directory), naming the file.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{}: {kind}", path.display())]
pub struct CorpusError {
    pub path: PathBuf,
    pub kind: ErrorKind,
}

impl CorpusError {
    pub fn new(path: &Path, kind: ErrorKind) -> CorpusError {
        CorpusError {
            path: path.to_path_buf(),
            kind,
        }
    }

    fn io(path: &Path, e: &std::io::Error) -> CorpusError {
        CorpusError::new(path, ErrorKind::Io(e.to_string()))
    }
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ErrorKind {
    #[error("cannot read: {0}")]
    Io(String),
    #[error("not valid UTF-8 (first bad byte at offset {0})")]
    InvalidUtf8(usize),
    #[error("no front matter: the file must start with a `+++` line")]
    NoFrontMatter,
    #[error("front matter is not closed by a `+++` line")]
    UnclosedFrontMatter,
    #[error("bad front matter: {0}")]
    BadFrontMatter(String),
    #[error("front matter lacks `{0}`")]
    MissingField(&'static str),
    #[error("bad `{0}`: {1}")]
    BadField(&'static str, String),
    #[error("the body has no text")]
    EmptyBody,
    #[error("duplicate id `{id}` (already used by {})", first.display())]
    DuplicateId { id: String, first: PathBuf },
}

impl fmt::Display for Release {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} · {}", self.label(), self.date_label())
    }
}
