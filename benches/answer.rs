//! Attaché's benchmarks, one target to keep link time down (see BENCHMARKS.md):
//!
//! - `shipped/…`: `answer()` over the dev questions on the shipped corpus, per kind of
//!   question, beside the same questions through tantivy's stock `QueryParser` over one
//!   text field (plain BM25, top 3 paragraphs fetched) — the same-run baseline;
//! - `parts/…`: question analysis, weights (document frequencies), search + re-rank and
//!   composing on their own, so a regression shows where it is;
//! - `scale10k/…` (and `scale100k/…` with `ATTACHE_BENCH_100K=1`): the same on the seeds
//!   plus 10,000 (100,000) synthetic paragraphs with distractors;
//! - `build/…`: `Engine::new` throughput in paragraphs per second, beside the baseline's
//!   index build.
//!
//! After criterion, `cargo bench` prints a latency table (median and p99 per kind of
//! question, each answer timed on its own) for each corpus, and the first answers of a
//! fresh engine (its paragraph cache empty); `ATTACHE_LATENCY=0` skips them.
//!
//! ```sh
//! cargo bench --bench answer                       # shipped + 10k + build + parts
//! ATTACHE_BENCH_100K=1 cargo bench --bench answer  # also 100,000 paragraphs
//! ```

#[path = "common/synth.rs"]
mod synth;

use std::collections::BTreeMap;
use std::hint::black_box;
use std::path::Path;
use std::time::{Duration, Instant};

use attache::Engine;
use attache::corpus::{Corpus, load_dir};
use attache::eval::{self, Case};
use attache::search::rank::{Ranked, Weights};
use attache::search::{Question, Synonyms, analyzer};
use criterion::{BatchSize, BenchmarkGroup, Criterion, Throughput, measurement::WallTime};
use tantivy::collector::TopDocs;
use tantivy::query::QueryParser;
use tantivy::schema::{Field, STORED, Schema, TEXT, Value};
use tantivy::{IndexReader, ReloadPolicy, TantivyDocument, doc};

type Fallible<T> = Result<T, Box<dyn std::error::Error>>;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn seeds() -> Fallible<Corpus> {
    Ok(load_dir(&root().join("corpus"))?.corpus)
}

fn synonyms() -> Fallible<Synonyms> {
    let a = analyzer::build();
    Ok(Synonyms::load(&root().join("config/synonyms.toml"), &a)?)
}

/// dev.jsonl and dev2.jsonl (paraphrases, misspellings, keyword queries and near
/// misses take other paths: the thesaurus, the vocabulary).
fn dev_cases() -> Fallible<Vec<Case>> {
    let mut cases = Vec::new();
    for name in ["dev.jsonl", "dev2.jsonl"] {
        let shared = root().join("../shared/eval").join(name);
        let path = if shared.exists() {
            shared
        } else {
            root().join("tests/data").join(name)
        };
        cases.extend(eval::parse_cases(&std::fs::read_to_string(path)?)?);
    }
    Ok(cases)
}

/// The dev questions by kind, in file order ("all" holds every question).
fn by_kind(cases: &[Case]) -> BTreeMap<String, Vec<String>> {
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for c in cases {
        let kind = if c.kind.is_empty() { "other" } else { &c.kind };
        out.entry(kind.to_string()).or_default().push(c.q.clone());
        out.entry("all".to_string()).or_default().push(c.q.clone());
    }
    out
}

/// Plain BM25: one text field with tantivy's default tokenizer, the question through
/// the stock `QueryParser` (lenient), top 3 paragraphs fetched from the store.
struct Baseline {
    reader: IndexReader,
    parser: QueryParser,
    text: Field,
}

impl Baseline {
    fn build(corpus: &Corpus) -> Fallible<Baseline> {
        let mut b = Schema::builder();
        let text = b.add_text_field("text", TEXT | STORED);
        let index = tantivy::Index::create_in_ram(b.build());
        let mut writer = index.writer_with_num_threads::<TantivyDocument>(1, 30_000_000)?;
        for r in corpus.releases() {
            for p in &r.paragraphs {
                writer.add_document(doc!(text => p.text.as_str()))?;
            }
        }
        writer.commit()?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        let parser = QueryParser::for_index(&index, vec![text]);
        Ok(Baseline {
            reader,
            parser,
            text,
        })
    }

    fn ask(&self, q: &str) -> Vec<String> {
        let (query, _) = self.parser.parse_query_lenient(q);
        let searcher = self.reader.searcher();
        let top = searcher
            .search(&query, &TopDocs::with_limit(3).order_by_score())
            .unwrap_or_default();
        top.into_iter()
            .filter_map(|(_, addr)| searcher.doc::<TantivyDocument>(addr).ok())
            .filter_map(|d| {
                d.get_first(self.text)
                    .and_then(|v| v.as_str())
                    .map(String::from)
            })
            .collect()
    }
}

fn answers(
    g: &mut BenchmarkGroup<'_, WallTime>,
    engine: &Engine,
    base: &Baseline,
    kind: &str,
    qs: &[String],
) {
    g.throughput(Throughput::Elements(qs.len() as u64));
    g.bench_function(format!("attache/{kind}"), |b| {
        b.iter(|| {
            for q in qs {
                black_box(engine.answer(black_box(q)));
            }
        })
    });
    g.bench_function(format!("bm25/{kind}"), |b| {
        b.iter(|| {
            for q in qs {
                black_box(base.ask(black_box(q)));
            }
        })
    });
}

fn parts(g: &mut BenchmarkGroup<'_, WallTime>, p: &Engine, qs: &[String]) {
    g.throughput(Throughput::Elements(qs.len() as u64));
    g.bench_function("analyse", |b| {
        b.iter(|| {
            for q in qs {
                black_box(p.analyse(black_box(q)));
            }
        })
    });
    let analysed: Vec<Question> = qs.iter().map(|q| p.analyse(q)).collect();
    g.bench_function("weights", |b| {
        b.iter(|| {
            for q in &analysed {
                black_box(p.weights(q));
            }
        })
    });
    let weighted: Vec<(Question, Weights)> = analysed
        .into_iter()
        .map(|q| {
            let w = p.weights(&q);
            (q, w)
        })
        .collect();
    g.bench_function("search+rerank", |b| {
        b.iter(|| {
            for (q, w) in &weighted {
                black_box(p.rank(q, w, 3));
            }
        })
    });
    let ranked: Vec<(&Question, &Weights, Vec<Ranked>)> = weighted
        .iter()
        .map(|(q, w)| (q, w, p.rank(q, w, 3)))
        .filter(|(_, _, r)| !r.is_empty())
        .collect();
    g.throughput(Throughput::Elements(ranked.len() as u64));
    g.bench_function("compose", |b| {
        b.iter(|| {
            for (q, w, r) in &ranked {
                black_box(p.compose(q, w, r, 3));
            }
        })
    });
}

struct Scale {
    name: &'static str,
    corpus: Corpus,
    engine: Engine,
    baseline: Baseline,
}

fn scale(name: &'static str, seeds: &Corpus, paragraphs: usize, syn: &Synonyms) -> Fallible<Scale> {
    let corpus = if paragraphs == 0 {
        seeds.clone()
    } else {
        synth::corpus_with_seeds(seeds, paragraphs, 1)?.0
    };
    let engine = Engine::new(corpus.clone(), Some(syn.clone()))?;
    let baseline = Baseline::build(&corpus)?;
    Ok(Scale {
        name,
        corpus,
        engine,
        baseline,
    })
}

fn bench_scale(
    c: &mut Criterion,
    s: &Scale,
    kinds: &BTreeMap<String, Vec<String>>,
    syn: &Synonyms,
) -> Fallible<()> {
    let mut g = c.benchmark_group(s.name);
    if s.corpus.paragraph_count() > 50_000 {
        g.sample_size(20);
    }
    for (kind, qs) in kinds {
        if s.name == "shipped" || kind == "all" {
            answers(&mut g, &s.engine, &s.baseline, kind, qs);
        }
    }
    g.finish();
    let p = Engine::new(s.corpus.clone(), Some(syn.clone()))?;
    let mut g = c.benchmark_group(format!("parts-{}", s.name));
    if s.corpus.paragraph_count() > 50_000 {
        g.sample_size(20);
    }
    parts(&mut g, &p, &kinds["all"]);
    g.finish();
    Ok(())
}

fn bench_build(c: &mut Criterion, s: &Scale, syn: &Synonyms) {
    let mut g = c.benchmark_group("build");
    let n = s.corpus.paragraph_count();
    g.throughput(Throughput::Elements(n as u64));
    if n > 1_000 {
        g.sample_size(10);
    }
    g.bench_function(format!("engine-new/{}", s.name), |b| {
        b.iter_batched(
            || (s.corpus.clone(), syn.clone()),
            |(corpus, syn)| Engine::new(corpus, Some(syn)).map(|_| ()),
            BatchSize::LargeInput,
        )
    });
    g.bench_function(format!("bm25-index/{}", s.name), |b| {
        b.iter(|| Baseline::build(&s.corpus).map(|_| ()))
    });
    g.finish();
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let at = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[at.min(sorted.len() - 1)]
}

fn micros(d: Duration) -> String {
    format!("{:.1}", d.as_secs_f64() * 1e6)
}

/// Each answer timed on its own, `reps` times per question after a warm-up.
fn latency(s: &Scale, cases: &[Case], reps: usize) {
    let mut per_kind: BTreeMap<String, Vec<Duration>> = BTreeMap::new();
    let mut base: Vec<Duration> = Vec::new();
    for c in cases {
        black_box(s.engine.answer(&c.q));
        black_box(s.baseline.ask(&c.q));
    }
    for _ in 0..reps {
        for c in cases {
            let t = Instant::now();
            black_box(s.engine.answer(black_box(&c.q)));
            let d = t.elapsed();
            per_kind.entry(c.kind.clone()).or_default().push(d);
            per_kind.entry("all".to_string()).or_default().push(d);
            let t = Instant::now();
            black_box(s.baseline.ask(black_box(&c.q)));
            base.push(t.elapsed());
        }
    }
    base.sort();
    println!(
        "\nlatency {} ({} paragraphs, {} answers per question, µs)",
        s.name,
        s.corpus.paragraph_count(),
        reps
    );
    println!(
        "| kind | n | attaché median | attaché p99 | max | bm25 median (all) | bm25 p99 (all) |"
    );
    println!("|---|---|---|---|---|---|---|");
    for (kind, mut ds) in per_kind {
        ds.sort();
        println!(
            "| {kind} | {} | {} | {} | {} | {} | {} |",
            ds.len() / reps,
            micros(percentile(&ds, 0.5)),
            micros(percentile(&ds, 0.99)),
            micros(percentile(&ds, 1.0)),
            micros(percentile(&base, 0.5)),
            micros(percentile(&base, 0.99)),
        );
    }
}

/// Each question's first answer from an engine that has answered nothing yet: what a
/// freshly started daemon pays while its paragraph cache fills (`passes` engines, the
/// questions in file order). Prepared as `serve` prepares it after start (the words
/// as written, for misspellings); the acronym table is still read at first need.
fn cold_latency(s: &Scale, cases: &[Case], syn: &Synonyms, passes: usize) -> Fallible<()> {
    let mut times: Vec<Duration> = Vec::new();
    for _ in 0..passes {
        let engine = Engine::new(s.corpus.clone(), Some(syn.clone()))?;
        engine.prepare();
        for c in cases {
            let t = Instant::now();
            black_box(engine.answer(black_box(&c.q)));
            times.push(t.elapsed());
        }
    }
    times.sort();
    println!(
        "\ncold {} ({} paragraphs, {passes} fresh engines): first answers median {} µs, p99 {} µs, max {} µs",
        s.name,
        s.corpus.paragraph_count(),
        micros(percentile(&times, 0.5)),
        micros(percentile(&times, 0.99)),
        micros(percentile(&times, 1.0)),
    );
    Ok(())
}

fn main() -> Fallible<()> {
    let mut c = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .configure_from_args();
    let seeds = seeds()?;
    let syn = synonyms()?;
    let cases = dev_cases()?;
    let kinds = by_kind(&cases);
    let mut scales = vec![
        scale("shipped", &seeds, 0, &syn)?,
        scale("scale10k", &seeds, 10_000, &syn)?,
    ];
    if std::env::var("ATTACHE_BENCH_100K").is_ok_and(|v| v != "0") {
        scales.push(scale("scale100k", &seeds, 100_000, &syn)?);
    }
    for s in &scales {
        bench_scale(&mut c, s, &kinds, &syn)?;
        bench_build(&mut c, s, &syn);
    }
    c.final_summary();
    let benching = std::env::args().any(|a| a == "--bench");
    if benching && std::env::var("ATTACHE_LATENCY").map_or(true, |v| v != "0") {
        for s in &scales {
            let reps = if s.corpus.paragraph_count() > 50_000 {
                20
            } else {
                100
            };
            latency(s, &cases, reps);
            cold_latency(s, &cases, &syn, 3)?;
        }
    }
    Ok(())
}
