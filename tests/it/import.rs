//! `attache import` on real ministry pages as a corpus keeper copies them: the 22 pages
//! of `tests/fixtures/archive/` (copied from `../shared/archive/pages/`, each the
//! opening of its page, cut mid-word) in every layout the site had, and the five
//! shipped releases as copied (`tests/fixtures/seeds/`).

use std::path::{Path, PathBuf};
use std::process::Output;

use attache::corpus::{Release, load_dir};

use crate::cli::attache;

fn fixtures(dir: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(dir)
}

fn err(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn out(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// A corpus directory holding a copy of the shipped corpus.
pub(crate) fn shipped_copy() -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().expect("tempdir");
    let corpus = dir.path().join("corpus");
    std::fs::create_dir(&corpus).expect("mkdir");
    let shipped = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
    for entry in std::fs::read_dir(shipped)
        .expect("the shipped corpus")
        .flatten()
    {
        std::fs::copy(entry.path(), corpus.join(entry.file_name())).expect("copy");
    }
    let c = corpus.display().to_string();
    (dir, c)
}

/// One row of `expected.tsv`: what the release is, as the ministry's record has it
/// (`../shared/archive/releases.tsv`) and as the page shows it.
struct Expected {
    file: String,
    flags: Vec<String>,
    date: String,
    end_date: String,
    title: String,
    meeting: String,
    url: String,
    first_line: String,
}

fn expected() -> Vec<Expected> {
    let text = std::fs::read_to_string(fixtures("archive/expected.tsv")).expect("expected.tsv");
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let c: Vec<&str> = l.split('\t').collect();
            assert_eq!(c.len(), 8, "expected.tsv: {l}");
            Expected {
                file: c[0].to_string(),
                flags: c[1].split_whitespace().map(str::to_string).collect(),
                date: c[2].to_string(),
                end_date: c[3].to_string(),
                title: c[4].to_string(),
                meeting: c[5].to_string(),
                url: c[6].to_string(),
                first_line: c[7].to_string(),
            }
        })
        .collect()
}

/// The page's lines from the release's first line on (the release), and the lines
/// before it (the page's furniture).
fn release_and_furniture(page: &str, first_line: &str) -> (Vec<String>, Vec<String>) {
    let lines: Vec<String> = page
        .lines()
        .skip(2) // `URL: …` and a blank line
        .map(|l| {
            l.trim_matches(|c: char| c.is_whitespace() || c == '\u{a0}')
                .to_string()
        })
        .collect();
    let start = lines
        .iter()
        .position(|l| l.starts_with(first_line))
        .unwrap_or_else(|| panic!("no line starts with {first_line:?}"));
    let keep = |ls: &[String]| ls.iter().filter(|l| !l.is_empty()).cloned().collect();
    (keep(&lines[start..]), keep(&lines[..start]))
}

/// The closing table's row for a page (its first column is the page's path).
fn row<'a>(table: &'a str, file: &str) -> &'a str {
    table
        .lines()
        .find(|l| {
            l.split_whitespace()
                .next()
                .is_some_and(|p| p.ends_with(file))
        })
        .unwrap_or_else(|| panic!("no row for {file}: {table}"))
}

fn check_body(e: &Expected, release: &Release, body: &str) {
    let page =
        std::fs::read_to_string(fixtures(&format!("archive/{}.txt", e.file))).expect("the page");
    let (lines, furniture) = release_and_furniture(&page, &e.first_line);
    let mut at = 0;
    for line in &lines {
        let found = body[at..].find(line.as_str());
        assert!(
            found.is_some(),
            "{}: body lacks {line:?} (in order)",
            e.file
        );
        at += found.unwrap_or(0) + line.len();
    }
    let body_lines: Vec<&str> = body.lines().map(str::trim).collect();
    for f in furniture.iter().filter(|f| !lines.contains(f)) {
        assert!(
            !body_lines.contains(&f.as_str()),
            "{}: furniture {f:?} in the body",
            e.file
        );
    }
    assert!(!release.paragraphs.is_empty());
}

fn check_front(e: &Expected, r: &Release) {
    let end = r.end_date.map(|d| d.to_string()).unwrap_or_default();
    let got = (
        r.date.to_string(),
        end,
        r.title.as_str(),
        r.meeting.as_str(),
    );
    let want = (
        e.date.clone(),
        e.end_date.clone(),
        e.title.as_str(),
        e.meeting.as_str(),
    );
    assert_eq!(got, want, "{}", e.file);
    assert_eq!(r.url, e.url, "{}: the canonical link", e.file);
}

/// Imports the archive into a copy of the shipped corpus, with a sidecar giving
/// `--date` to the pages that show no year and `--title` to those without title.
pub(crate) fn import_archive(corpus: &str) -> Output {
    let dir = tempfile::tempdir().expect("tempdir");
    let sidecar = dir.path().join("flags.tsv");
    let mut tsv = "file\tdate\ttitle\n".to_string();
    for e in expected().iter().filter(|e| !e.flags.is_empty()) {
        let date = if e.flags.iter().any(|f| f == "--date") {
            &e.date
        } else {
            ""
        };
        let title = if e.flags.iter().any(|f| f == "--title") {
            &e.title
        } else {
            ""
        };
        tsv.push_str(&format!("{}.txt\t{date}\t{title}\n", e.file));
    }
    std::fs::write(&sidecar, tsv).expect("write the sidecar");
    let archive = fixtures("archive").display().to_string();
    let side = sidecar.display().to_string();
    attache(&["--corpus", corpus, "import", &archive, "--sidecar", &side])
}

#[test]
fn every_archive_page_imports_with_only_what_it_does_not_show() {
    let (_dir, corpus) = shipped_copy();
    let o = import_archive(&corpus);
    assert!(o.status.success(), "{}{}", out(&o), err(&o));
    assert!(
        out(&o).contains("22 imported, 0 skipped as duplicates, 0 need --date/--title, 0 failed"),
        "{}",
        out(&o)
    );
    let loaded = load_dir(Path::new(&corpus)).expect("the corpus loads");
    assert!(loaded.errors.is_empty(), "{:?}", loaded.errors);
    let releases = loaded.corpus.releases();
    assert_eq!(
        releases.len(),
        27,
        "five shipped and 22 imported, no duplicates"
    );
    let mut urls: Vec<&str> = releases.iter().map(|r| r.url.as_str()).collect();
    urls.sort();
    urls.dedup();
    assert_eq!(urls.len(), 27, "one link per release");
    for e in expected() {
        let release = releases
            .iter()
            .find(|r| r.url == e.url)
            .unwrap_or_else(|| panic!("{}: no release with link {}", e.file, e.url));
        let text = std::fs::read_to_string(&release.path).expect("the written file");
        let body = text.splitn(3, "+++").nth(2).unwrap_or_default();
        check_front(&e, release);
        check_body(&e, release, body);
    }
}

#[test]
fn without_flags_only_the_pages_that_lack_a_year_or_a_title_are_refused() {
    let (_dir, corpus) = shipped_copy();
    let archive = fixtures("archive").display().to_string();
    let o = attache(&["--corpus", &corpus, "import", &archive]);
    assert_eq!(o.status.code(), Some(2), "{}", err(&o));
    let table = out(&o);
    for e in expected() {
        let row = row(&table, &format!("{}.txt", e.file));
        if e.flags.is_empty() {
            assert!(row.contains(" imported "), "{row}");
        } else {
            assert!(row.contains(" needs "), "{row}");
            for flag in &e.flags {
                assert!(row.contains(flag.as_str()), "{row} should ask for {flag}");
            }
            assert!(
                row.contains("attache --corpus"),
                "the command to finish: {row}"
            );
        }
    }
    // Running it again with what was missing imports the rest; what is in skips.
    let again = import_archive(&corpus);
    assert!(again.status.success(), "{}", err(&again));
    let needing = expected().iter().filter(|e| !e.flags.is_empty()).count();
    assert!(
        out(&again).contains(&format!(
            "{needing} imported, {} skipped as duplicates",
            22 - needing
        )),
        "{}",
        out(&again)
    );
}

#[test]
fn the_shipped_releases_copied_again_are_refused_as_duplicates() {
    let (_dir, corpus) = shipped_copy();
    let seeds = fixtures("seeds").display().to_string();
    let o = attache(&["--corpus", &corpus, "import", &seeds]);
    assert!(o.status.success(), "{}", err(&o));
    let table = out(&o);
    assert!(
        table.contains("0 imported, 5 skipped as duplicates"),
        "{table}"
    );
    assert!(
        table.contains("2023-06-16-park-jin-asean-secretary-general.md"),
        "names the existing file: {table}"
    );
    // Under another link, the same text is still the same release.
    let page = fixtures("seeds/004_3a0123e4a4b49311.txt")
        .display()
        .to_string();
    let url = "https://www.mofa.go.kr/eng/brd/m_5674/view.do?seq=999999";
    let o = attache(&["--corpus", &corpus, "import", &page, "--url", url]);
    assert!(o.status.success(), "{}", err(&o));
    assert!(err(&o).contains("same text"), "{}", err(&o));
}

#[test]
fn force_replaces_the_release_and_dry_run_writes_nothing() {
    let (_dir, corpus) = shipped_copy();
    let page = fixtures("seeds/004_3a0123e4a4b49311.txt")
        .display()
        .to_string();
    let url = "http://mofa.go.kr/eng/brd/m_5676/view.do?seq=322219&amp;page=1";
    let before = load_dir(Path::new(&corpus))
        .expect("loads")
        .corpus
        .releases()
        .len();
    let dry = attache(&[
        "--corpus",
        &corpus,
        "import",
        &page,
        "--url",
        url,
        "--force",
        "--dry-run",
    ]);
    assert!(dry.status.success(), "{}", err(&dry));
    assert!(out(&dry).contains("would write"), "{}", out(&dry));
    let old = Path::new(&corpus).join("2023-06-16-park-jin-asean-secretary-general.md");
    assert!(old.exists(), "a dry run writes and removes nothing");
    let forced = attache(&[
        "--corpus", &corpus, "import", &page, "--url", url, "--force",
    ]);
    assert!(forced.status.success(), "{}", err(&forced));
    assert!(out(&forced).contains("replacing"), "{}", out(&forced));
    let releases = load_dir(Path::new(&corpus)).expect("loads").corpus;
    assert_eq!(releases.releases().len(), before, "replaced, not added");
    let park = releases
        .releases()
        .iter()
        .find(|r| r.url.ends_with("seq=322219"))
        .expect("the new file");
    assert_eq!(park.date.to_string(), "2023-06-16");
    assert_eq!(park.published.as_deref(), Some("2023-06-20"));
}

#[test]
fn a_bad_page_in_a_batch_never_stops_the_others() {
    let (_dir, corpus) = shipped_copy();
    let pages = tempfile::tempdir().expect("tempdir");
    let p = pages.path();
    std::fs::write(
        p.join("a_latin1.txt"),
        b"Press Releases\n\nCaf\xe9\n\n1. Text.\n",
    )
    .expect("w");
    std::fs::write(p.join("b_empty.txt"), "  \n").expect("w");
    std::fs::write(
        p.join("c_no_text.txt"),
        "바로가기 메뉴\n\nPress Releases\n\nA Title\n",
    )
    .expect("w");
    std::fs::write(
        p.join("d_no_year.txt"),
        "URL: https://www.mofa.go.kr/eng/brd/m_5676/view.do?seq=1\n\nA Title\n\n1. The Meeting was held on May 3.\n",
    )
    .expect("w");
    let good = std::fs::read_to_string(fixtures("archive/m5676_321653.txt")).expect("page");
    std::fs::write(p.join("e_good.txt"), good).expect("w");
    let dir = p.display().to_string();
    let o = attache(&["--corpus", &corpus, "import", &dir]);
    assert_eq!(o.status.code(), Some(1), "something failed: {}", err(&o));
    let table = out(&o);
    for (file, kind, why) in [
        ("a_latin1.txt", "failed", "not valid UTF-8"),
        ("b_empty.txt", "failed", "empty"),
        ("c_no_text.txt", "failed", "no release text"),
        ("d_no_year.txt", "needs", "--date YYYY-MM-DD"),
        ("e_good.txt", "imported", "2021-04-28-outcome-of-telephone"),
    ] {
        let row = row(&table, file);
        assert!(
            row.contains(kind) && row.contains(why),
            "{file}: {row}\n{table}"
        );
    }
    assert!(
        err(&o).contains(
            "d_no_year.txt: cannot tell the event date: the page says \"May 3\" but no year"
        ),
        "{}",
        err(&o)
    );
}

#[test]
fn a_toml_sidecar_gives_flags_per_page() {
    let (_dir, corpus) = shipped_copy();
    let pages = tempfile::tempdir().expect("tempdir");
    let page = std::fs::read_to_string(fixtures("archive/m5676_322872.txt")).expect("page");
    std::fs::write(pages.path().join("penang.txt"), page).expect("w");
    let sidecar = pages.path().join("flags.toml");
    std::fs::write(
        &sidecar,
        "[[page]]\nfile = \"penang.txt\"\ndate = 2025-06-10\ntitle = \"Senior Officials’ Meetings in Penang\"\nplace = \"Penang, Malaysia\"\n",
    )
    .expect("w");
    let dir = pages.path().display().to_string();
    let side = sidecar.display().to_string();
    let o = attache(&["--corpus", &corpus, "import", &dir, "--sidecar", &side]);
    assert!(o.status.success(), "{}{}", out(&o), err(&o));
    let sources = attache(&["--corpus", &corpus, "sources", "--json"]);
    let line = out(&sources)
        .lines()
        .find(|l| l.contains("Penang, Malaysia"))
        .map(str::to_string)
        .unwrap_or_default();
    assert!(
        line.contains("\"date\":\"2025-06-10\""),
        "sources shows it: {line}"
    );
    let loaded = load_dir(Path::new(&corpus)).expect("loads");
    let r = loaded
        .corpus
        .releases()
        .iter()
        .find(|r| r.place == "Penang, Malaysia")
        .expect("imported");
    assert_eq!(
        r.end_date.map(|d| d.to_string()).as_deref(),
        Some("2025-06-11")
    );
    assert!(
        r.subtitle
            .as_deref()
            .is_some_and(|s| s.starts_with("He spoke of"))
    );
    assert_eq!(
        r.paragraphs
            .iter()
            .find(|p| !p.number.starts_with('0'))
            .map(|p| p.number.as_str()),
        Some("1")
    );
    assert!(
        !r.keeper_warnings().is_empty(),
        "the copy is cut: {:?}",
        r.keeper_warnings()
    );
}
