//! The command line: `ask`, `sources`, `eval`, `import`. Errors are one clear line on
//! stderr; exit code 0 when a question was answered or abstained, 2 for bad usage or
//! configuration, 1 for anything else.

use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use attache::corpus::import::{ImportOptions, import_page};
use attache::corpus::{self, Date};
use attache::search::store;
use attache::{Answer, Engine, Options, eval, qlog};
use clap::{Args, Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "attache",
    version,
    about = "Answers questions about ASEAN–Korea meetings from the ministry's press releases, with cited quotes."
)]
struct Cli {
    #[command(flatten)]
    common: Common,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Args)]
struct Common {
    /// The corpus directory (one Markdown file per release) [default: corpus].
    #[arg(long, global = true, value_name = "DIR")]
    corpus: Option<PathBuf>,
    /// The synonyms file (default: config/synonyms.toml when present, else built-in).
    #[arg(long, global = true, value_name = "FILE")]
    synonyms: Option<PathBuf>,
    /// Keep a persisted index under DIR/index (built with `attache index`, rebuilt when
    /// the corpus changes). Without it the index is built in memory at start.
    #[arg(long, global = true, value_name = "DIR")]
    data_dir: Option<PathBuf>,
}

impl Common {
    fn corpus_dir(&self) -> &Path {
        self.corpus.as_deref().unwrap_or(Path::new("corpus"))
    }
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Answer a question (or one question per line with --batch).
    Ask(AskArgs),
    /// List the releases in the corpus, newest first.
    Sources {
        /// Print JSON lines instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Score a question file (JSON lines with "q" and "must") and print the measures.
    Eval {
        file: PathBuf,
        /// List the questions that missed.
        #[arg(long)]
        misses: bool,
        /// Print the scores as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Turn a release copied from the ministry's web page into a corpus file.
    Import(ImportArgs),
    /// Build the persisted index in the data directory (--data-dir, default ./data).
    Index,
    /// What was asked, what went unanswered, what got 👎 (from the daemon's question log).
    Report {
        /// Only questions from this period before now: 7d, 24h, 30m.
        #[arg(long, value_name = "PERIOD")]
        since: Option<qlog::Since>,
        /// How many rows per list.
        #[arg(long, default_value_t = 20)]
        top: usize,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Run the Telegram bot (see docs/operating.md). Corpus, synonyms and data
    /// directory come from the settings (corpus.dir, corpus.synonyms, data_dir).
    Serve(SettingsArgs),
    /// Print the effective settings (secrets redacted) and where each one came from.
    Config(SettingsArgs),
    /// Load settings and corpus as `serve` would, without contacting Telegram; exit 0
    /// only if `serve` would start.
    Check(SettingsArgs),
    /// Ask the running daemon's /healthz (for container health checks); exit 0 or 1.
    Healthcheck(SettingsArgs),
}

#[derive(Debug, Args)]
struct SettingsArgs {
    /// A settings file layered over the built-in config/default.toml.
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
}

#[derive(Debug, Args)]
struct AskArgs {
    /// The question.
    #[arg(required_unless_present = "batch", conflicts_with = "batch")]
    question: Option<String>,
    /// Read one question per line from FILE (or - for standard input).
    #[arg(long, value_name = "FILE")]
    batch: Option<PathBuf>,
    /// Print JSON (one object per question).
    #[arg(long)]
    json: bool,
    /// How many citations to give.
    #[arg(long, default_value_t = attache::DEFAULT_TOP, value_parser = parse_top)]
    top: usize,
}

#[derive(Debug, Args)]
struct ImportArgs {
    /// Text files copied from the release pages.
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// Event date (YYYY-MM-DD), when the page does not state it with its year.
    #[arg(long, value_parser = parse_date)]
    date: Option<Date>,
    /// Last day of a meeting over several days (YYYY-MM-DD).
    #[arg(long, value_parser = parse_date)]
    end_date: Option<Date>,
    /// The release's page on the ministry's site.
    #[arg(long)]
    url: Option<String>,
    /// Where the meeting took place ("Seoul, Republic of Korea").
    #[arg(long)]
    place: Option<String>,
    /// The meeting ("26th ASEAN-ROK Dialogue"), when the title does not name it.
    #[arg(long)]
    meeting: Option<String>,
    /// The title, when the copy has none.
    #[arg(long)]
    title: Option<String>,
    /// Publication date as the page gives it.
    #[arg(long)]
    published: Option<String>,
    /// The release id (default: date and title words).
    #[arg(long)]
    id: Option<String>,
    /// Replace an existing corpus file with the same id.
    #[arg(long)]
    force: bool,
}

fn parse_top(s: &str) -> Result<usize, String> {
    match s.parse::<usize>() {
        Ok(n @ 1..=20) => Ok(n),
        _ => Err("give a number from 1 to 20".to_string()),
    }
}

fn parse_date(s: &str) -> Result<Date, String> {
    s.parse().map_err(|e: corpus::DateError| e.to_string())
}

/// An error with the exit code it deserves.
struct Failure {
    code: u8,
    error: anyhow::Error,
}

fn usage(error: anyhow::Error) -> Failure {
    Failure { code: 2, error }
}

impl From<anyhow::Error> for Failure {
    fn from(error: anyhow::Error) -> Failure {
        Failure { code: 1, error }
    }
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Some(f) = settings_flags_misused(&cli) {
        eprintln!("attache: {:#}", f.error);
        return ExitCode::from(f.code);
    }
    match &cli.command {
        Command::Serve(a) => return attache::daemon::run_serve(a.config.as_deref()),
        Command::Config(a) => return attache::config::run_config(a.config.as_deref()),
        Command::Check(a) => return attache::ops::check::run_check(a.config.as_deref()),
        Command::Healthcheck(a) => {
            return attache::ops::check::run_healthcheck(a.config.as_deref());
        }
        _ => {}
    }
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        // `attache ask … | head` closes the pipe early: that is not an error.
        Err(f) if is_broken_pipe(&f.error) => ExitCode::SUCCESS,
        Err(f) => {
            eprintln!("attache: {:#}", f.error);
            ExitCode::from(f.code)
        }
    }
}

/// `serve` and its companions read corpus, synonyms and data directory from the
/// settings; a command-line flag that would be ignored is refused instead.
fn settings_flags_misused(cli: &Cli) -> Option<Failure> {
    let settings_command = matches!(
        cli.command,
        Command::Serve(_) | Command::Config(_) | Command::Check(_) | Command::Healthcheck(_)
    );
    let given = [
        (
            cli.common.corpus.is_some(),
            "--corpus",
            "corpus.dir (ATTACHE__CORPUS__DIR)",
        ),
        (
            cli.common.synonyms.is_some(),
            "--synonyms",
            "corpus.synonyms (ATTACHE__CORPUS__SYNONYMS)",
        ),
        (
            cli.common.data_dir.is_some(),
            "--data-dir",
            "data_dir (ATTACHE__DATA_DIR)",
        ),
    ];
    let (_, flag, key) = given
        .into_iter()
        .find(|(set, _, _)| *set && settings_command)?;
    Some(usage(anyhow::anyhow!(
        "{flag} does not apply here: set {key} in --config FILE or the environment"
    )))
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

fn run(cli: Cli) -> Result<(), Failure> {
    match cli.command {
        Command::Ask(args) => ask(&cli.common, &args),
        Command::Sources { json } => sources(&cli.common, json),
        Command::Eval { file, misses, json } => run_eval(&cli.common, &file, misses, json),
        Command::Import(args) => import(&cli.common, &args),
        Command::Index => index(&cli.common),
        Command::Report { since, top, json } => report(&cli.common, since, top, json),
        Command::Serve(_) | Command::Config(_) | Command::Check(_) | Command::Healthcheck(_) => {
            Ok(())
        }
    }
}

/// Loads the engine; problems with single files are warned about, not fatal.
fn engine(common: &Common) -> Result<Engine, Failure> {
    let loaded = load(common, common.data_dir.as_deref())?;
    match &loaded.index {
        Some(store::Status::Built(path, reason)) => {
            eprintln!(
                "attache: built the index in {} because {reason}",
                path.display()
            );
        }
        Some(store::Status::InMemory(reason, error)) => {
            eprintln!(
                "attache: warning: indexing in memory: {reason}, and the data directory is not writable ({error})"
            );
        }
        _ => {}
    }
    Ok(loaded.engine)
}

fn load(common: &Common, data_dir: Option<&Path>) -> Result<attache::Loaded, Failure> {
    if !common.corpus_dir().is_dir() {
        let msg = anyhow::anyhow!(
            "corpus directory {} not found (give one with --corpus DIR)",
            common.corpus_dir().display()
        );
        return Err(usage(msg));
    }
    let default = Path::new("config/synonyms.toml");
    let synonyms = common
        .synonyms
        .as_deref()
        .or(default.exists().then_some(default));
    let opts = Options {
        corpus_dir: common.corpus_dir(),
        synonyms,
        data_dir,
    };
    let loaded = Engine::load(&opts).map_err(|e| match e {
        attache::Error::Store(_) | attache::Error::Search(_) => {
            Failure::from(anyhow::Error::from(e))
        }
        other => usage(other.into()),
    })?;
    for e in &loaded.errors {
        eprintln!("attache: warning: skipped {e}");
    }
    Ok(loaded)
}

/// The question log's file in the data directory.
pub const QUESTION_LOG: &str = "attache.db";

fn report(
    common: &Common,
    since: Option<qlog::Since>,
    top: usize,
    json: bool,
) -> Result<(), Failure> {
    let data_dir = common
        .data_dir
        .clone()
        .unwrap_or_else(|| PathBuf::from("data"));
    let path = data_dir.join(QUESTION_LOG);
    if !path.is_file() {
        return Err(usage(anyhow::anyhow!(
            "no question log at {} (give the daemon's data directory with --data-dir)",
            path.display()
        )));
    }
    let log = qlog::QuestionLog::open(&path).context("cannot open the question log")?;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    let from = since.map_or(0, |s| now - s.0);
    let report = log
        .report(from, top)
        .context("cannot read the question log")?;
    if json {
        println!(
            "{}",
            serde_json::to_string(&report).context("cannot print")?
        );
    } else {
        print!("{}", report.text());
    }
    Ok(())
}

fn index(common: &Common) -> Result<(), Failure> {
    let data_dir = common
        .data_dir
        .clone()
        .unwrap_or_else(|| PathBuf::from("data"));
    let started = std::time::Instant::now();
    let loaded = load(common, None)?;
    let dir = data_dir.join("index");
    let (_, path) = store::build(&dir, loaded.engine.corpus()).context("cannot build the index")?;
    let corpus = loaded.engine.corpus();
    println!(
        "indexed {} releases, {} paragraphs into {} in {:.2?}",
        corpus.releases().len(),
        corpus.paragraph_count(),
        path.display(),
        started.elapsed()
    );
    Ok(())
}

fn ask(common: &Common, args: &AskArgs) -> Result<(), Failure> {
    let engine = engine(common)?;
    let mut out = std::io::stdout().lock();
    let bold = out.is_terminal() && !args.json;
    let mut say = |question: &str| -> std::io::Result<()> {
        let answer = engine.answer_top(question, args.top);
        if args.json {
            writeln!(out, "{}", json_answer(&answer))
        } else {
            writeln!(
                out,
                "{}\n",
                if bold {
                    with_bold(&answer)
                } else {
                    answer.text.clone()
                }
            )
        }
    };
    match (&args.question, &args.batch) {
        (Some(q), _) => say(q).context("cannot write the answer")?,
        (None, Some(path)) => {
            let reader: Box<dyn BufRead> = if path.as_os_str() == "-" {
                Box::new(std::io::stdin().lock())
            } else {
                let file = std::fs::File::open(path)
                    .with_context(|| format!("cannot open {}", path.display()))
                    .map_err(usage)?;
                Box::new(std::io::BufReader::new(file))
            };
            for line in reader.lines() {
                let line = line.context("cannot read the questions")?;
                if !line.trim().is_empty() {
                    say(&line).context("cannot write the answer")?;
                }
            }
        }
        (None, None) => return Err(usage(anyhow::anyhow!("give a question or --batch FILE"))),
    }
    // The process ends here: freeing a large index and corpus would only delay it.
    std::mem::forget(engine);
    Ok(())
}

/// The JSON shape `ask --json` prints.
fn json_answer(a: &Answer) -> serde_json::Value {
    let citations: Vec<_> = a
        .citations
        .iter()
        .map(|c| {
            serde_json::json!({
                "rank": c.rank, "release": c.release, "title": c.title, "date": c.date,
                "url": c.url, "paragraph": c.paragraph, "text": c.text, "snippet": c.snippet,
                "highlights": c.highlights, "score": c.score,
            })
        })
        .collect();
    serde_json::json!({
        "question": a.question, "found": a.found, "lead": a.lead, "answer": a.text,
        "citations": citations, "suggestions": a.suggestions,
    })
}

/// The plain answer with matched words in bold, for a terminal.
fn with_bold(a: &Answer) -> String {
    let mut text = a.text.clone();
    for c in &a.citations {
        let mut marked = String::new();
        let mut last = 0;
        for &(s, e) in &c.highlights {
            marked.push_str(&c.snippet[last..s]);
            marked.push_str(&format!("\x1b[1m{}\x1b[0m", &c.snippet[s..e]));
            last = e;
        }
        marked.push_str(&c.snippet[last..]);
        text = text.replacen(
            &format!("[{}] “{}”", c.rank, c.snippet),
            &format!("[{}] “{}”", c.rank, marked),
            1,
        );
    }
    text
}

fn sources(common: &Common, json: bool) -> Result<(), Failure> {
    let engine = engine(common)?;
    let mut out = std::io::stdout().lock();
    for r in engine.corpus().releases() {
        let line = if json {
            serde_json::json!({
                "id": r.id, "date": r.date, "meeting": r.meeting, "title": r.title,
                "paragraphs": r.paragraphs.len(), "url": r.url, "place": r.place,
            })
            .to_string()
        } else {
            format!(
                "{}  {}  {}  ({} paragraphs)  {}",
                r.date,
                r.label(),
                r.title,
                r.paragraphs.len(),
                r.url
            )
        };
        writeln!(out, "{line}").context("cannot write")?;
    }
    Ok(())
}

fn run_eval(common: &Common, file: &Path, misses: bool, json: bool) -> Result<(), Failure> {
    let text = std::fs::read_to_string(file)
        .with_context(|| format!("cannot read {}", file.display()))
        .map_err(usage)?;
    let cases = eval::parse_cases(&text)
        .with_context(|| format!("{}", file.display()))
        .map_err(usage)?;
    let engine = engine(common)?;
    let (scores, outcomes) = eval::run(&engine, &cases);
    if misses {
        for o in outcomes.iter().filter(|o| o.missed()) {
            println!(
                "MISS {} [{}] {}\n  must: {:?}\n  found: {}, rank: {:?}, answer_ok: {}\n  {}\n",
                o.id,
                o.kind,
                o.q,
                o.must,
                o.found,
                o.rank,
                o.answer_ok,
                o.answer.replace('\n', "\n  ")
            );
        }
    }
    if json {
        println!(
            "{}",
            serde_json::to_string(&scores).context("cannot print")?
        );
    } else {
        println!(
            "questions: {} answerable, {} unanswerable",
            scores.answerable, scores.unanswerable
        );
        println!(
            "hit@1 {:.3}  hit@3 {:.3}  mrr@5 {:.3}",
            scores.hit_at_1, scores.hit_at_3, scores.mrr_at_5
        );
        println!(
            "answer_ok {:.3}  false_abstain {:.3}  abstain {:.3}",
            scores.answer_ok, scores.false_abstain, scores.abstain
        );
    }
    Ok(())
}

fn import(common: &Common, args: &ImportArgs) -> Result<(), Failure> {
    let one_release_flags =
        args.date.is_some() || args.url.is_some() || args.title.is_some() || args.id.is_some();
    if args.files.len() > 1 && one_release_flags {
        return Err(usage(anyhow::anyhow!(
            "--date, --url, --title and --id describe one release: import the files one at a time"
        )));
    }
    if !common.corpus_dir().is_dir() {
        return Err(usage(anyhow::anyhow!(
            "corpus directory {} not found",
            common.corpus_dir().display()
        )));
    }
    let opts = ImportOptions {
        id: args.id.clone(),
        title: args.title.clone(),
        date: args.date,
        end_date: args.end_date,
        published: args.published.clone(),
        place: args.place.clone(),
        meeting: args.meeting.clone(),
        url: args.url.clone(),
    };
    for file in &args.files {
        import_one(common, file, &opts, args.force)?;
    }
    Ok(())
}

fn import_one(
    common: &Common,
    file: &Path,
    opts: &ImportOptions,
    force: bool,
) -> Result<(), Failure> {
    let name = file.display();
    let bytes = std::fs::read(file)
        .with_context(|| format!("cannot read {name}"))
        .map_err(usage)?;
    let text = String::from_utf8(bytes)
        .map_err(|_| usage(anyhow::anyhow!("{name}: not valid UTF-8 text")))?;
    let imported = import_page(&text, opts).map_err(|e| usage(anyhow::anyhow!("{name}: {e}")))?;
    let target = common.corpus_dir().join(imported.file_name());
    if target.exists() && !force {
        return Err(usage(anyhow::anyhow!(
            "{} already exists (use --force to replace it)",
            target.display()
        )));
    }
    let rendered = imported.render();
    // Check the file loads exactly as the daemon will read it before writing it.
    corpus::Release::parse(&target, &rendered).map_err(|e| anyhow::anyhow!("{e}"))?;
    std::fs::write(&target, rendered)
        .with_context(|| format!("cannot write {}", target.display()))?;
    for w in &imported.warnings {
        eprintln!("attache: warning: {name}: {w}");
    }
    println!(
        "{} ← {name}: “{}”, {}",
        target.display(),
        imported.front.title,
        imported.front.date
    );
    Ok(())
}
