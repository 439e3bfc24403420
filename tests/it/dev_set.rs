//! The development question set must stay above the floors the project promised.

use attache::{Engine, eval};

#[test]
fn dev_set_scores_stay_above_the_floors() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let dev = root.join("../shared/eval/dev.jsonl");
    let fallback = root.join("tests/data/dev.jsonl");
    let path = if dev.exists() { dev } else { fallback };
    let text = std::fs::read_to_string(&path).expect("the dev set is readable");
    let cases = eval::parse_cases(&text).expect("the dev set parses");
    let (engine, errors) = Engine::from_dir(
        &root.join("corpus"),
        Some(&root.join("config/synonyms.toml")),
    )
    .expect("corpus loads");
    assert!(errors.is_empty(), "{errors:?}");
    let (s, outcomes) = eval::run(&engine, &cases);
    let misses: Vec<_> = outcomes
        .iter()
        .filter(|o| o.missed())
        .map(|o| &o.q)
        .collect();
    assert!(
        s.hit_at_1 >= 0.90,
        "hit@1 {:.3}; misses: {misses:#?}",
        s.hit_at_1
    );
    assert!(s.hit_at_3 >= 0.97, "hit@3 {:.3}", s.hit_at_3);
    assert!(s.answer_ok >= 0.85, "answer_ok {:.3}", s.answer_ok);
    assert!(s.abstain >= 0.80, "abstain {:.3}", s.abstain);
}
