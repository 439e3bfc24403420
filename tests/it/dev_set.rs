//! The development question sets must stay above the floors the project promised, and
//! every recorded regression must stay fixed.

use std::path::{Path, PathBuf};

use attache::{Engine, eval};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// `../shared/eval/NAME` when the shared folder is beside the checkout, else the copy
/// kept in `tests/data/`.
fn question_file(name: &str) -> PathBuf {
    let shared = root().join("../shared/eval").join(name);
    if shared.exists() {
        shared
    } else {
        root().join("tests/data").join(name)
    }
}

fn cases(files: &[PathBuf]) -> Vec<eval::Case> {
    files
        .iter()
        .flat_map(|f| {
            let text = std::fs::read_to_string(f).expect("the question file is readable");
            eval::parse_cases(&text).expect("the question file parses")
        })
        .collect()
}

fn shipped_engine() -> Engine {
    let (engine, errors) = Engine::from_dir(
        &root().join("corpus"),
        Some(&root().join("config/synonyms.toml")),
    )
    .expect("corpus loads");
    assert!(errors.is_empty(), "{errors:?}");
    engine
}

fn misses(outcomes: &[eval::Outcome]) -> Vec<String> {
    outcomes
        .iter()
        .filter(|o| o.missed())
        .map(|o| format!("{} {}", o.id, o.q))
        .collect()
}

#[test]
fn dev_set_scores_stay_above_the_floors() {
    let (s, outcomes) = eval::run(&shipped_engine(), &cases(&[question_file("dev.jsonl")]));
    let misses = misses(&outcomes);
    assert!(s.hit_at_1 >= 0.90, "hit@1 {:.3}; {misses:#?}", s.hit_at_1);
    assert!(s.hit_at_3 >= 0.95, "hit@3 {:.3}; {misses:#?}", s.hit_at_3);
    assert!(s.answer_ok >= 0.85, "answer_ok {:.3}", s.answer_ok);
    assert!(s.abstain >= 0.80, "abstain {:.3}", s.abstain);
}

/// dev.jsonl and dev2.jsonl together: paraphrases, misspellings, keyword queries and
/// near misses, the set the abstention scorer was fitted on.
#[test]
fn both_development_sets_stay_above_the_floors() {
    let files = [question_file("dev.jsonl"), question_file("dev2.jsonl")];
    let (s, outcomes) = eval::run(&shipped_engine(), &cases(&files));
    let misses = misses(&outcomes);
    assert!(s.hit_at_1 >= 0.89, "hit@1 {:.3}; {misses:#?}", s.hit_at_1);
    assert!(s.hit_at_3 >= 0.94, "hit@3 {:.3}", s.hit_at_3);
    assert!(
        s.false_abstain <= 0.05,
        "false_abstain {:.3}",
        s.false_abstain
    );
    assert!(s.abstain >= 0.90, "abstain {:.3}", s.abstain);
}

/// Floors on a set of questions on the five releases (hit@1, false_abstain, abstain).
fn shipped_set_stays_above(name: &str, hit_at_1: f64, false_abstain: f64, abstain: f64) {
    let file = root().join("tests/data").join(name);
    let (s, outcomes) = eval::run(&shipped_engine(), &cases(&[file]));
    let misses = misses(&outcomes);
    assert!(
        s.hit_at_1 >= hit_at_1,
        "hit@1 {:.3}; {misses:#?}",
        s.hit_at_1
    );
    assert!(
        s.false_abstain <= false_abstain,
        "false_abstain {:.3}",
        s.false_abstain
    );
    assert!(s.abstain >= abstain, "abstain {:.3}", s.abstain);
}

/// Questions on the five releases written blind, by someone who never saw the engine
/// (`tests/data/seed-probe.jsonl`): a floor below today's score, so that a change that
/// only fits the development sets shows here.
#[test]
fn the_blind_probe_on_the_shipped_corpus_stays_above_its_floor() {
    shipped_set_stays_above("seed-probe.jsonl", 0.75, 0.2, 0.75);
}

/// A second blind set on the five releases, written after the first one's failures
/// had been read (`tests/data/seed-probe3.jsonl`): floors below today's scores.
#[test]
fn the_second_blind_probe_on_the_shipped_corpus_stays_above_its_floor() {
    shipped_set_stays_above("seed-probe3.jsonl", 0.66, 0.23, 0.70);
}

/// A third, written blind in the sixteenth round (`tests/data/seed-probe4.jsonl`,
/// hit@1 0.639, false_abstain 0.222, abstain 0.643 when first asked): floors below.
#[test]
fn the_third_blind_probe_on_the_shipped_corpus_stays_above_its_floor() {
    shipped_set_stays_above("seed-probe4.jsonl", 0.61, 0.25, 0.60);
}

/// Questions that once failed, one row each (`tests/data/regressions.jsonl`): all of
/// them must pass.
#[test]
fn recorded_regressions_stay_fixed() {
    let file = root().join("tests/data/regressions.jsonl");
    let (_, outcomes) = eval::run(&shipped_engine(), &cases(&[file]));
    let misses = misses(&outcomes);
    assert!(misses.is_empty(), "{misses:#?}");
}

/// The archive's questions, asked with its 22 real pages imported beside the shipped
/// five (every other release is a distractor). A validation set: nothing in the
/// engine is fitted to it, so this floor guards against losing ground on releases
/// nobody tuned for.
#[test]
fn the_archive_validation_set_stays_above_its_floor() {
    let (_dir, corpus) = crate::import::shipped_copy();
    let o = crate::import::import_archive(&corpus);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let (engine, errors) = Engine::from_dir(
        Path::new(&corpus),
        Some(&root().join("config/synonyms.toml")),
    )
    .expect("corpus loads");
    assert!(errors.is_empty(), "{errors:?}");
    let shared = root().join("../shared/archive/questions.jsonl");
    let file = if shared.exists() {
        shared
    } else {
        root().join("tests/data/archive-questions.jsonl")
    };
    let (s, outcomes) = eval::run(&engine, &cases(&[file]));
    let missed = misses(&outcomes);
    assert!(s.hit_at_1 >= 0.82, "hit@1 {:.3}; {missed:#?}", s.hit_at_1);
    assert!(s.hit_at_3 >= 0.93, "hit@3 {:.3}", s.hit_at_3);
    assert!(
        s.false_abstain <= 0.06,
        "false_abstain {:.3}",
        s.false_abstain
    );
    assert!(s.abstain >= 0.80, "abstain {:.3}", s.abstain);
    // Questions on the archive pages written blind, with floors below their scores on
    // this import: archive-probe2 (hit@1 0.639 when its floor was set), archive-probe3
    // (0.500), archive-probe4 (0.553 when first asked, 0.658 once its failures were
    // read and the mechanisms behind them fixed).
    blind_set_stays_above(&engine, "archive-probe2.jsonl", 0.62, 0.80, 0.78);
    blind_set_stays_above(&engine, "archive-probe3.jsonl", 0.47, 0.70, 0.85);
    blind_set_stays_above(&engine, "archive-probe4.jsonl", 0.62, 0.73, 0.70);
}

/// hit@1, hit@3 and abstain floors on a blind set in `tests/data`.
fn blind_set_stays_above(engine: &Engine, file: &str, hit_at_1: f64, hit_at_3: f64, abstain: f64) {
    let (s, outcomes) = eval::run(engine, &cases(&[root().join("tests/data").join(file)]));
    let missed = misses(&outcomes);
    assert!(
        s.hit_at_1 >= hit_at_1,
        "{file} hit@1 {:.3}; {missed:#?}",
        s.hit_at_1
    );
    assert!(s.hit_at_3 >= hit_at_3, "{file} hit@3 {:.3}", s.hit_at_3);
    assert!(s.abstain >= abstain, "{file} abstain {:.3}", s.abstain);
}
