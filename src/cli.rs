//! The command line: `ask`, `sources`, `eval`, `import`. Errors are one clear line on
//! stderr; exit code 0 when a question was answered or abstained, 2 for bad usage or
//! configuration, 1 for anything else.

use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use attache::corpus::batch;
use attache::corpus::import::ImportOptions;
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
    /// Score question files (JSON lines with "q" and "must"): one row per file.
    Eval(EvalArgs),
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
struct EvalArgs {
    /// Question files, such as ../shared/eval/dev.jsonl.
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// Also one row per `kind` of question (paraphrase, typo, nearmiss, …).
    #[arg(long)]
    kinds: bool,
    /// List the questions that missed.
    #[arg(long)]
    misses: bool,
    /// Print one JSON object per row.
    #[arg(long)]
    json: bool,
    /// More corpus files to answer from, beside --corpus (a directory of imported
    /// releases, such as the archive pages).
    #[arg(long, value_name = "DIR")]
    corpus_extra: Vec<PathBuf>,
    /// Answer when the best passage's evidence score is above this instead of the
    /// fitted threshold (to measure what it trades; see src/decide.rs).
    #[arg(long, allow_hyphen_values = true)]
    threshold: Option<f32>,
}

#[derive(Debug, Args)]
struct ImportArgs {
    /// Text files copied from the release pages, or directories of them (their *.txt).
    #[arg(required = true, value_name = "DIR_OR_FILES")]
    files: Vec<PathBuf>,
    /// Event date (YYYY-MM-DD), when the page does not state it with its year.
    #[arg(long, value_parser = parse_date)]
    date: Option<Date>,
    /// Last day of a meeting over several days (YYYY-MM-DD).
    #[arg(long, value_parser = parse_date)]
    end_date: Option<Date>,
    /// The release's page on the ministry's site (or a `URL: …` first line in the copy).
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
    /// Per-page flags: a TSV file with a header line (file, url, date, place, title,
    /// …) or a TOML file of [[page]] tables with the same keys.
    #[arg(long, value_name = "FILE")]
    sidecar: Option<PathBuf>,
    /// Show what would be written, and write nothing.
    #[arg(long)]
    dry_run: bool,
    /// Replace the corpus file of the same release (same seq or text) or id.
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
        Command::Eval(args) => run_eval(&cli.common, &args),
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
    check_corpus_dir(common)?;
    let opts = Options {
        corpus_dir: common.corpus_dir(),
        synonyms: synonyms_path(common),
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

fn check_corpus_dir(common: &Common) -> Result<(), Failure> {
    if common.corpus_dir().is_dir() {
        return Ok(());
    }
    Err(usage(anyhow::anyhow!(
        "corpus directory {} not found (give one with --corpus DIR)",
        common.corpus_dir().display()
    )))
}

/// --synonyms, else config/synonyms.toml when present (else the built-in groups).
fn synonyms_path(common: &Common) -> Option<&Path> {
    let default = Path::new("config/synonyms.toml");
    common
        .synonyms
        .as_deref()
        .or(default.exists().then_some(default))
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
    check_corpus_dir(common)?;
    // The corpus alone: an engine would index it once more in memory.
    let loaded = Engine::load_corpus(common.corpus_dir()).map_err(|e| usage(e.into()))?;
    for e in &loaded.errors {
        eprintln!("attache: warning: skipped {e}");
    }
    let dir = data_dir.join("index");
    let (_, path) = store::build(&dir, &loaded.corpus).context("cannot build the index")?;
    let corpus = &loaded.corpus;
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
        "citations": citations, "suggestions": a.suggestions, "decision": a.decision,
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

fn run_eval(common: &Common, args: &EvalArgs) -> Result<(), Failure> {
    let mut sets = Vec::with_capacity(args.files.len());
    for file in &args.files {
        let text = std::fs::read_to_string(file)
            .with_context(|| format!("cannot read {}", file.display()))
            .map_err(usage)?;
        let cases = eval::parse_cases(&text)
            .with_context(|| format!("{}", file.display()))
            .map_err(usage)?;
        let name = file.file_stem().map_or_else(
            || file.display().to_string(),
            |s| s.to_string_lossy().into_owned(),
        );
        sets.push((name, cases));
    }
    let engine = if args.corpus_extra.is_empty() {
        engine(common)?
    } else {
        engine_with_extra(common, &args.corpus_extra)?
    };
    let engine = match args.threshold {
        Some(threshold) => engine.with_tuning(attache::decide::Tuning {
            threshold,
            ..attache::decide::TUNING
        }),
        None => engine,
    };
    let mut out = std::io::stdout().lock();
    for (name, cases) in &sets {
        let (_, outcomes) = eval::run(&engine, cases);
        if args.misses {
            print_misses(&mut out, &outcomes)?;
        }
        for row in eval::rows(name, &outcomes, args.kinds) {
            let line = if args.json {
                serde_json::to_string(&row).context("cannot print")?
            } else {
                row.line()
            };
            writeln!(out, "{line}").context("cannot write")?;
        }
    }
    Ok(())
}

fn print_misses(out: &mut impl Write, outcomes: &[eval::Outcome]) -> Result<(), Failure> {
    for o in outcomes.iter().filter(|o| o.missed()) {
        writeln!(
            out,
            "MISS {} [{}] {}\n  must: {:?}\n  found: {}, rank: {:?}, answer_ok: {}\n  {}\n",
            o.id,
            o.kind,
            o.q,
            o.must,
            o.found,
            o.rank,
            o.answer_ok,
            o.answer.replace('\n', "\n  ")
        )
        .context("cannot write")?;
    }
    Ok(())
}

/// The corpus of --corpus and the releases of each `extra` directory, indexed in
/// memory together.
fn engine_with_extra(common: &Common, extra: &[PathBuf]) -> Result<Engine, Failure> {
    let mut releases = Vec::new();
    for dir in std::iter::once(common.corpus_dir()).chain(extra.iter().map(PathBuf::as_path)) {
        let loaded = corpus::load_dir(dir)
            .with_context(|| format!("cannot read {}", dir.display()))
            .map_err(usage)?;
        for e in &loaded.errors {
            eprintln!("attache: warning: skipped {e}");
        }
        releases.extend(loaded.corpus.releases().iter().cloned());
    }
    let analyzer = attache::search::analyzer::build();
    let synonyms = synonyms_path(common)
        .map(|p| attache::search::Synonyms::load(p, &analyzer))
        .transpose()
        .map_err(|e| usage(e.into()))?;
    Engine::new(attache::Corpus::new(releases), synonyms).map_err(|e| usage(e.into()))
}

fn import(common: &Common, args: &ImportArgs) -> Result<(), Failure> {
    let one_release_flags =
        args.date.is_some() || args.url.is_some() || args.title.is_some() || args.id.is_some();
    let pages = batch::expand(&args.files);
    if pages.len() > 1 && one_release_flags {
        return Err(usage(anyhow::anyhow!(
            "--date, --url, --title and --id describe one release: give them per page in a --sidecar file"
        )));
    }
    let dir = common.corpus_dir();
    if !dir.is_dir() {
        return Err(usage(anyhow::anyhow!(
            "corpus directory {} not found",
            dir.display()
        )));
    }
    let sidecar = match &args.sidecar {
        Some(path) => batch::read_sidecar(path).map_err(|e| usage(anyhow::anyhow!(e)))?,
        None => Vec::new(),
    };
    let mut run = batch::Batch::open(dir).map_err(|e| usage(anyhow::anyhow!(e)))?;
    run.dry_run = args.dry_run;
    run.force = args.force;
    warn_unused_rows(&sidecar, &pages);
    let command = finishing_command(common, args);
    let single = pages.len() == 1;
    let mut results = Vec::new();
    for page in pages {
        let outcome = run.import(&page, &page_options(args, &sidecar, &page), &command);
        if !single {
            report_page(&page, &outcome, args.dry_run);
        }
        results.push((page, outcome));
    }
    if let [(page, outcome)] = &results[..] {
        return single_page(page, outcome, args.dry_run);
    }
    print!("{}", batch::table(&results));
    import_exit(&results)
}

fn warn_unused_rows(sidecar: &[batch::PageFlags], pages: &[PathBuf]) {
    for row in sidecar
        .iter()
        .filter(|r| !pages.iter().any(|p| r.is_for(p)))
    {
        eprintln!(
            "attache: warning: the sidecar names {}, which is not among the pages",
            row.file
        );
    }
}

/// One page: its line, and its error as the command's one-line error.
fn single_page(page: &Path, outcome: &batch::Outcome, dry_run: bool) -> Result<(), Failure> {
    let name = page.display();
    match outcome {
        batch::Outcome::Needs { reason, .. } => Err(usage(anyhow::anyhow!("{name}: {reason}"))),
        batch::Outcome::Failed(why) => Err(usage(anyhow::anyhow!("{name}: {why}"))),
        _ => {
            report_page(page, outcome, dry_run);
            Ok(())
        }
    }
}

/// The command line flags, overridden by the page's sidecar row.
fn page_options(args: &ImportArgs, sidecar: &[batch::PageFlags], page: &Path) -> ImportOptions {
    let row = sidecar
        .iter()
        .find(|r| r.is_for(page))
        .map(|r| r.options.clone())
        .unwrap_or_default();
    ImportOptions {
        id: row.id.or(args.id.clone()),
        title: row.title.or(args.title.clone()),
        date: row.date.or(args.date),
        end_date: row.end_date.or(args.end_date),
        published: row.published.or(args.published.clone()),
        place: row.place.or(args.place.clone()),
        meeting: row.meeting.or(args.meeting.clone()),
        url: row.url.or(args.url.clone()),
    }
}

/// `attache import [--corpus DIR]`, what a keeper types to finish one page.
fn finishing_command(common: &Common, args: &ImportArgs) -> String {
    let mut command = "attache".to_string();
    if let Some(dir) = &common.corpus {
        command.push_str(&format!(
            " --corpus {}",
            batch::quote(&dir.display().to_string())
        ));
    }
    command.push_str(" import");
    if let Some(url) = &args.url {
        command.push_str(&format!(" --url {}", batch::quote(url)));
    }
    command
}

/// One line per page as it is done: stdout for what was written, stderr for the rest.
fn report_page(page: &Path, outcome: &batch::Outcome, dry_run: bool) {
    let name = page.display();
    match outcome {
        batch::Outcome::Imported {
            file,
            front,
            title,
            date_rule,
            warnings,
            replaced,
        } => {
            let verb = if dry_run { "would write" } else { "wrote" };
            let also = replaced
                .as_ref()
                .map(|old| format!(", replacing {old}"))
                .unwrap_or_default();
            println!(
                "{verb} {} ← {name}: “{title}”, {date_rule}{also}",
                file.display()
            );
            if dry_run {
                println!("+++\n{front}+++");
            }
            for w in warnings {
                eprintln!("attache: warning: {name}: {w}");
            }
        }
        batch::Outcome::Duplicate { existing, why } => eprintln!(
            "attache: {name}: skipped: the corpus already has this release as {existing} ({why}; --force replaces it)"
        ),
        batch::Outcome::Needs { reason, .. } => eprintln!("attache: {name}: {reason}"),
        batch::Outcome::Failed(why) => eprintln!("attache: {name}: {why}"),
    }
}

/// 0 when every page is in the corpus (imported or already there), 2 when some need
/// the keeper's flags, 1 when one failed.
fn import_exit(results: &[(PathBuf, batch::Outcome)]) -> Result<(), Failure> {
    let count = |kind: &str| results.iter().filter(|(_, o)| o.kind() == kind).count();
    let (failed, needs) = (count("failed"), count("needs"));
    if failed > 0 {
        return Err(Failure::from(anyhow::anyhow!(
            "{failed} of {} pages failed",
            results.len()
        )));
    }
    if needs > 0 {
        return Err(usage(anyhow::anyhow!(
            "{needs} of {} pages need --date, --title or --url (commands above)",
            results.len()
        )));
    }
    Ok(())
}
