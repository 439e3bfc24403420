//! `attache check` and `attache healthcheck`: the two commands an operator's tooling
//! runs around the daemon. `check` loads settings and corpus exactly as `serve` would,
//! without contacting Telegram, and says whether `serve` would start (systemd runs it
//! as `ExecStartPre=`). `healthcheck` asks the running daemon's `/healthz`, for a
//! container `HEALTHCHECK` that needs no curl.

use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::process::ExitCode;
use std::time::Duration;

use crate::config::{Settings, Sources};
use crate::corpus::{self, Corpus};
use crate::search::Synonyms;
use crate::search::analyzer;

/// A paragraph longer than this cannot be quoted in one Telegram message with its
/// citation (4096 UTF-16 units, minus room for the lead and sources).
const LONGEST_QUOTABLE: usize = 3_500;

/// What `check` found.
#[derive(Debug, Default)]
pub struct Findings {
    pub lines: Vec<String>,
    pub warnings: Vec<String>,
    pub errors: Vec<String>,
}

impl Findings {
    /// `serve` starts only without errors.
    pub fn would_start(&self) -> bool {
        self.errors.is_empty()
    }

    fn print(&self) {
        for l in &self.lines {
            println!("{l}");
        }
        for w in &self.warnings {
            println!("warning: {w}");
        }
        for e in &self.errors {
            println!("error: {e}");
        }
        if self.would_start() {
            println!("ok: `attache serve` would start");
        } else {
            println!(
                "`attache serve` would not start ({} errors)",
                self.errors.len()
            );
        }
    }
}

/// `attache check`: exit 0 only if `serve` would start.
pub fn run_check(config_file: Option<&Path>) -> ExitCode {
    let findings = check(&Sources::from_process(config_file));
    findings.print();
    if findings.would_start() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(2)
    }
}

/// Loads everything `serve` needs, in the same order, and reports on each part.
pub fn check(sources: &Sources) -> Findings {
    let mut f = Findings::default();
    let settings = match Settings::load(sources) {
        Ok(s) => s,
        Err(e) => {
            f.errors.push(e.to_string());
            return f;
        }
    };
    if let Err(e) = settings.token() {
        f.errors.push(e.to_string());
    }
    check_data_dir(&settings.data_dir, &mut f);
    check_synonyms(settings.corpus.synonyms.as_deref(), &mut f);
    check_corpus(&settings.corpus.dir, &mut f);
    f
}

fn check_data_dir(dir: &Path, f: &mut Findings) {
    let probe = dir.join(".attache-check");
    let writable = std::fs::create_dir_all(dir)
        .and_then(|()| std::fs::write(&probe, b"ok"))
        .and_then(|()| std::fs::remove_file(&probe));
    match writable {
        Ok(()) => f
            .lines
            .push(format!("data_dir: {} (writable)", dir.display())),
        Err(e) => f
            .errors
            .push(format!("data_dir {} is not writable: {e}", dir.display())),
    }
}

fn check_synonyms(path: Option<&Path>, f: &mut Findings) {
    let Some(path) = path else { return };
    if !path.is_file() {
        f.warnings.push(format!(
            "corpus.synonyms {} not found: questions go without synonyms",
            path.display()
        ));
        return;
    }
    match Synonyms::load(path, &analyzer::build()) {
        Ok(_) => f.lines.push(format!("synonyms: {}", path.display())),
        Err(e) => f.errors.push(e.to_string()),
    }
}

fn check_corpus(dir: &Path, f: &mut Findings) {
    let loaded = match corpus::load_dir(dir) {
        Ok(l) => l,
        Err(e) => {
            f.errors.push(format!("corpus.dir: {e}"));
            return;
        }
    };
    for e in &loaded.errors {
        f.warnings.push(format!("skipped {e}"));
    }
    let c = &loaded.corpus;
    if c.is_empty() {
        f.errors.push(format!(
            "corpus.dir {} has no release that loads",
            dir.display()
        ));
        return;
    }
    f.lines.push(format!(
        "corpus: {} — {} releases, {} paragraphs",
        dir.display(),
        c.releases().len(),
        c.paragraph_count()
    ));
    if let Some((first, last)) = c.date_range() {
        f.lines.push(format!("dates: {first} to {last}"));
    }
    f.warnings.extend(corpus_warnings(c));
    if let Err(e) = crate::search::Index::build(c) {
        f.errors.push(format!("cannot index the corpus: {e}"));
    }
}

/// Things a corpus keeper should fix though the corpus loads.
pub fn corpus_warnings(c: &Corpus) -> Vec<String> {
    let mut out = Vec::new();
    let mut titles: HashMap<&str, &str> = HashMap::new();
    for r in c.releases() {
        let file = r.path.display();
        if r.url.trim().is_empty() {
            out.push(format!("{file}: no url: citations will have no link"));
        }
        if r.place.trim().is_empty() {
            out.push(format!("{file}: no place"));
        }
        if let Some(other) = titles.insert(r.title.as_str(), r.id.as_str()) {
            out.push(format!("{file}: same title as release `{other}`"));
        }
        // A copy cut short (the last paragraph ends mid-word) still serves; say so.
        out.extend(r.keeper_warnings());
        for p in r
            .paragraphs
            .iter()
            .filter(|p| p.text.chars().count() > LONGEST_QUOTABLE)
        {
            out.push(format!(
                "{file}: ¶{} is {} characters, too long to quote in one message",
                p.number,
                p.text.chars().count()
            ));
        }
    }
    out
}

/// `attache healthcheck`: exit 0 when the daemon's `/healthz` answers 200.
pub fn run_healthcheck(config_file: Option<&Path>) -> ExitCode {
    let settings = match crate::config::load_for_command(config_file) {
        Ok(s) => s,
        Err(code) => return code,
    };
    match healthz(local(settings.ops.listen)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("attache: unhealthy: {e}");
            ExitCode::FAILURE
        }
    }
}

/// A listener bound to every interface is reached on loopback.
fn local(mut addr: SocketAddr) -> SocketAddr {
    if addr.ip().is_unspecified() {
        let loopback = if addr.is_ipv4() {
            [127, 0, 0, 1].into()
        } else {
            std::net::Ipv6Addr::LOCALHOST.into()
        };
        addr.set_ip(loopback);
    }
    addr
}

/// One plain HTTP/1.0 request; the ops listener speaks HTTP/1.1, which answers it.
pub fn healthz(addr: SocketAddr) -> std::io::Result<()> {
    let timeout = Duration::from_secs(3);
    let mut stream = TcpStream::connect_timeout(&addr, timeout)?;
    stream.set_read_timeout(Some(timeout))?;
    stream.set_write_timeout(Some(timeout))?;
    stream.write_all(b"GET /healthz HTTP/1.0\r\nHost: localhost\r\nConnection: close\r\n\r\n")?;
    let mut head = [0u8; 32];
    let n = stream.read(&mut head)?;
    let status = String::from_utf8_lossy(&head[..n]);
    if status.starts_with("HTTP/1.1 200") || status.starts_with("HTTP/1.0 200") {
        Ok(())
    } else {
        let line = status.lines().next().unwrap_or("no answer").to_string();
        Err(std::io::Error::other(format!(
            "{addr}/healthz answered {line}"
        )))
    }
}
