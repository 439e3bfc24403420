//! `attache import DIR_OR_FILES…`: many copied pages in one run. Each page ends as
//! one [`Outcome`] — imported, skipped as a release the corpus already has, needing
//! the keeper's `--date`/`--title` (with the command that finishes it), or failed and
//! why — and a failed page never stops the others. Per-page flags come from a sidecar
//! file (TSV with a header line, or TOML `[[page]]` tables: file, url, date, place,
//! title, …) so a keeper can fix twenty pages in one go.

use std::path::{Path, PathBuf};

use super::import::{ImportError, ImportOptions, Imported, import_page};
use super::same::{self, Fingerprint, Known, Same};
use super::{Date, Paragraph, Release, load_dir, split_paragraphs};

/// The columns a sidecar may have.
const COLUMNS: &[&str] = &[
    "file",
    "url",
    "date",
    "end_date",
    "place",
    "title",
    "meeting",
    "id",
    "published",
];

/// One sidecar row: the page it is for and the flags it gives.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PageFlags {
    pub file: String,
    pub options: ImportOptions,
}

impl PageFlags {
    /// Whether this row is for `page` (named as given, by file name, or by stem).
    pub fn is_for(&self, page: &Path) -> bool {
        let name = |p: Option<&std::ffi::OsStr>| p.is_some_and(|n| n == self.file.as_str());
        page == Path::new(&self.file) || name(page.file_name()) || name(page.file_stem())
    }
}

fn set(options: &mut ImportOptions, key: &str, value: &str) -> Result<(), String> {
    let value = value.trim();
    if value.is_empty() {
        return Ok(());
    }
    let text = Some(value.to_string());
    let date = || value.parse::<Date>().map(Some).map_err(|e| e.to_string());
    match key {
        "url" => options.url = text,
        "date" => options.date = date()?,
        "end_date" => options.end_date = date()?,
        "place" => options.place = text,
        "title" => options.title = text,
        "meeting" => options.meeting = text,
        "id" => options.id = text,
        "published" => options.published = text,
        _ => {
            return Err(format!(
                "unknown column `{key}` (known: {})",
                COLUMNS.join(", ")
            ));
        }
    }
    Ok(())
}

fn row(pairs: &[(&str, String)]) -> Result<PageFlags, String> {
    let mut flags = PageFlags::default();
    for (key, value) in pairs {
        if *key == "file" {
            flags.file = value.trim().to_string();
        } else {
            set(&mut flags.options, key, value)?;
        }
    }
    if flags.file.is_empty() {
        return Err("a row names no `file`".to_string());
    }
    Ok(flags)
}

/// Reads a sidecar: TOML when the name ends in `.toml`, else TSV.
pub fn read_sidecar(path: &Path) -> Result<Vec<PageFlags>, String> {
    let name = path.display();
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {name}: {e}"))?;
    let rows = if path.extension().is_some_and(|x| x == "toml") {
        sidecar_toml(&text)
    } else {
        sidecar_tsv(&text)
    };
    rows.map_err(|e| format!("{name}: {e}"))
}

fn sidecar_tsv(text: &str) -> Result<Vec<PageFlags>, String> {
    let mut lines = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty());
    let (_, header) = lines.next().ok_or("no header line")?;
    let header: Vec<&str> = header
        .trim_start_matches('#')
        .split('\t')
        .map(str::trim)
        .collect();
    if !header.contains(&"file") {
        return Err("the header line has no `file` column".to_string());
    }
    lines
        .filter(|(_, l)| !l.starts_with('#'))
        .map(|(n, line)| {
            let pairs: Vec<(&str, String)> = header
                .iter()
                .copied()
                .zip(line.split('\t').map(str::to_string))
                .collect();
            row(&pairs).map_err(|e| format!("line {}: {e}", n + 1))
        })
        .collect()
}

fn sidecar_toml(text: &str) -> Result<Vec<PageFlags>, String> {
    let table: toml::Table = toml::from_str(text).map_err(|e| one_line(&e))?;
    let pages = match table.get("page") {
        Some(toml::Value::Array(pages)) if table.len() == 1 => pages,
        _ => return Err("expected only [[page]] tables".to_string()),
    };
    pages
        .iter()
        .enumerate()
        .map(|(n, page)| {
            let toml::Value::Table(t) = page else {
                return Err(format!("page {} is not a table", n + 1));
            };
            let pairs: Vec<(&str, String)> = t
                .iter()
                .map(|(k, v)| match v {
                    toml::Value::String(s) => (k.as_str(), s.clone()),
                    other => (k.as_str(), other.to_string()),
                })
                .collect();
            row(&pairs).map_err(|e| format!("page {}: {e}", n + 1))
        })
        .collect()
}

fn one_line(e: &impl std::fmt::Display) -> String {
    e.to_string()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The pages to import: files as given, and the `*.txt` files of directories.
pub fn expand(paths: &[PathBuf]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for path in paths {
        let Ok(entries) = std::fs::read_dir(path) else {
            out.push(path.clone());
            continue;
        };
        let mut pages: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "txt") && p.is_file())
            .collect();
        pages.sort();
        out.extend(pages);
    }
    out
}

/// How one page ended.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    Imported {
        file: PathBuf,
        /// The front matter written (or that would be), as TOML.
        front: String,
        title: String,
        date_rule: String,
        warnings: Vec<String>,
        replaced: Option<String>,
    },
    Duplicate {
        existing: String,
        why: String,
    },
    Needs {
        reason: String,
        command: String,
    },
    Failed(String),
}

impl Outcome {
    pub fn kind(&self) -> &'static str {
        match self {
            Outcome::Imported { .. } => "imported",
            Outcome::Duplicate { .. } => "duplicate",
            Outcome::Needs { .. } => "needs",
            Outcome::Failed(_) => "failed",
        }
    }
}

/// A run of imports into one corpus directory.
pub struct Batch {
    dir: PathBuf,
    known: Vec<Known>,
    pub dry_run: bool,
    pub force: bool,
}

fn text_of(paragraphs: &[Paragraph]) -> String {
    let texts: Vec<&str> = paragraphs.iter().map(|p| p.text.as_str()).collect();
    texts.join("\n")
}

fn known(release: &Release) -> Known {
    let file = release.path.display().to_string();
    Known::new(file, &release.url, &text_of(&release.paragraphs))
}

impl Batch {
    /// Reads what the corpus directory already holds (files that do not load are
    /// left out of the duplicate check).
    pub fn open(dir: &Path) -> Result<Batch, String> {
        let loaded = load_dir(dir).map_err(|e| e.to_string())?;
        Ok(Batch {
            dir: dir.to_path_buf(),
            known: loaded.corpus.releases().iter().map(known).collect(),
            dry_run: false,
            force: false,
        })
    }

    /// Imports one page; never fails, whatever the page. A page the corpus already
    /// has is told before anything is asked of the keeper.
    pub fn import(&mut self, page: &Path, opts: &ImportOptions, command: &str) -> Outcome {
        let text = match read_page(page) {
            Ok(text) => text,
            Err(why) => return Outcome::Failed(why),
        };
        let copy = super::page::read(&text.replace("\r\n", "\n"));
        let fingerprint = Fingerprint::of(&text_of(&split_paragraphs(&copy.body)));
        let url = opts
            .url
            .as_deref()
            .or(copy.url.as_deref())
            .unwrap_or_default();
        let replaced = match same::find(&self.known, url, &fingerprint) {
            Some((k, why)) if !self.force => {
                return Outcome::Duplicate {
                    existing: k.file.clone(),
                    why: describe(&why),
                };
            }
            Some((k, _)) => Some(k.file.clone()),
            None => None,
        };
        match import_page(&text, opts) {
            Ok(imported) => self.write(&imported, fingerprint, replaced, command, page),
            Err(ImportError::NoBody) => Outcome::Failed(ImportError::NoBody.to_string()),
            Err(e) => needs(&e, page, command),
        }
    }

    fn write(
        &mut self,
        imported: &Imported,
        fingerprint: Fingerprint,
        replaced: Option<String>,
        command: &str,
        page: &Path,
    ) -> Outcome {
        let target = self.dir.join(imported.file_name());
        let target_name = target.display().to_string();
        if target.exists() && replaced.as_deref() != Some(target_name.as_str()) {
            let reason = format!("{target_name} already holds another release");
            return Outcome::Needs {
                reason,
                command: format!("{command} {} --id ID", quote(&page.display().to_string())),
            };
        }
        let rendered = imported.render();
        // The file must load exactly as the daemon will read it before it is written.
        if let Err(e) = Release::parse(&target, &rendered) {
            return Outcome::Failed(e.to_string());
        }
        if !self.dry_run
            && let Err(why) = write_atomically(&target, &rendered, replaced.as_deref())
        {
            return Outcome::Failed(why);
        }
        self.known.retain(|k| Some(&k.file) != replaced.as_ref());
        self.known.push(Known {
            file: target_name,
            seq: super::link::seq(&imported.front.url),
            text: fingerprint,
        });
        Outcome::Imported {
            file: target,
            front: toml::to_string(&imported.front).unwrap_or_default(),
            title: imported.front.title.clone(),
            date_rule: imported.date_rule.clone(),
            warnings: imported.warnings.clone(),
            replaced,
        }
    }
}

fn describe(why: &Same) -> String {
    match why {
        Same::Seq(seq) => format!("same ministry seq {seq}"),
        Same::Text(share) => format!("same text ({:.0}% of it)", share * 100.0),
    }
}

fn read_page(page: &Path) -> Result<String, String> {
    let bytes = std::fs::read(page).map_err(|e| format!("cannot read: {e}"))?;
    let text = String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        format!("not valid UTF-8 text (first bad byte at offset {at})")
    })?;
    if text.trim().is_empty() {
        return Err("the file is empty".to_string());
    }
    Ok(text)
}

/// The reason and the exact command that finishes a page the keeper must complete.
fn needs(e: &ImportError, page: &Path, command: &str) -> Outcome {
    let flags: Vec<&str> = e
        .flags_needed()
        .into_iter()
        .map(|flag| match flag {
            "--url" => "--url URL",
            "--title" => "--title \"TITLE\"",
            _ => "--date YYYY-MM-DD",
        })
        .collect();
    Outcome::Needs {
        reason: e.to_string(),
        command: format!(
            "{command} {} {}",
            quote(&page.display().to_string()),
            flags.join(" ")
        ),
    }
}

/// A path as a shell would need it.
pub fn quote(s: &str) -> String {
    let plain = s
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "/._-+=:,@".contains(c));
    if plain {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

/// Writes beside the target and renames, so a watching daemon never reads half a
/// file; removes the release replaced under another name.
fn write_atomically(target: &Path, text: &str, replaced: Option<&str>) -> Result<(), String> {
    let name = target.display();
    let file_name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temp = target.with_file_name(format!(".{file_name}.partial"));
    std::fs::write(&temp, text).map_err(|e| format!("cannot write {}: {e}", temp.display()))?;
    std::fs::rename(&temp, target).map_err(|e| format!("cannot write {name}: {e}"))?;
    if let Some(old) = replaced.filter(|old| Path::new(old) != target) {
        std::fs::remove_file(old).map_err(|e| format!("cannot remove {old}: {e}"))?;
    }
    Ok(())
}

/// The closing table: one line per page, then the counts.
pub fn table(results: &[(PathBuf, Outcome)]) -> String {
    let mut out = String::new();
    let width = results
        .iter()
        .map(|(p, _)| p.display().to_string().chars().count())
        .max()
        .unwrap_or(4);
    for (page, outcome) in results {
        let detail = match outcome {
            Outcome::Imported { file, replaced, .. } => match replaced {
                Some(old) => format!("{} (replaces {old})", file.display()),
                None => file.display().to_string(),
            },
            Outcome::Duplicate { existing, why } => format!("already {existing} ({why})"),
            Outcome::Needs { command, .. } => command.clone(),
            Outcome::Failed(why) => why.clone(),
        };
        let page = page.display().to_string();
        out.push_str(&format!(
            "{page:<width$}  {:<9}  {detail}\n",
            outcome.kind()
        ));
    }
    let count = |kind: &str| results.iter().filter(|(_, o)| o.kind() == kind).count();
    out.push_str(&format!(
        "{} imported, {} skipped as duplicates, {} need --date/--title, {} failed\n",
        count("imported"),
        count("duplicate"),
        count("needs"),
        count("failed")
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sidecars_in_tsv_and_toml_say_the_same() {
        let tsv = "# file\turl\tdate\tplace\ttitle\na.txt\thttps://e/1\t2025-06-10\t\tA Title\n";
        let toml = "[[page]]\nfile = \"a.txt\"\nurl = \"https://e/1\"\ndate = 2025-06-10\ntitle = \"A Title\"\n";
        let a = sidecar_tsv(tsv).unwrap();
        let b = sidecar_toml(toml).unwrap();
        assert_eq!(a, b);
        assert_eq!(
            a[0].options.date.map(|d| d.to_string()).as_deref(),
            Some("2025-06-10")
        );
        assert!(a[0].is_for(Path::new("pages/a.txt")));
        let by_stem = PageFlags {
            file: "a".into(),
            ..PageFlags::default()
        };
        assert!(by_stem.is_for(Path::new("pages/a.txt")));
        assert!(!a[0].is_for(Path::new("b.txt")));
    }

    #[test]
    fn a_bad_sidecar_says_where() {
        let err = sidecar_tsv("file\tdate\na.txt\tJune 10\n").unwrap_err();
        assert!(
            err.contains("line 2") && err.contains("YYYY-MM-DD"),
            "{err}"
        );
        let err = sidecar_tsv("file\tcolour\na.txt\tred\n").unwrap_err();
        assert!(err.contains("unknown column `colour`"), "{err}");
        assert!(sidecar_toml("[[page]]\nurl = \"x\"\n").is_err());
    }

    #[test]
    fn quoting_for_the_shell() {
        assert_eq!(quote("pages/a_1.txt"), "pages/a_1.txt");
        assert_eq!(quote("my page's.txt"), "'my page'\\''s.txt'");
    }
}
