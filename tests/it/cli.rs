//! The command line, run as the real binary on the shipped corpus.

use std::io::Write;
use std::process::{Command, Output, Stdio};

pub fn attache(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_attache"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("the attache binary runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn ask_answers_with_the_fact_first_and_a_cited_quote() {
    let o = attache(&["ask", "Where was the 26th ASEAN-ROK Dialogue held?"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    let first = text.lines().next().unwrap_or_default();
    assert!(
        first.starts_with("Seoul"),
        "the lead states the place: {text}"
    );
    assert!(text.contains("[1] “The 26th ASEAN-ROK Dialogue"), "{text}");
    assert!(
        text.contains(
            "Outcome of the 26th ASEAN-ROK Dialogue · 2022-07-01 · ¶1 · https://www.mofa.go.kr/"
        ),
        "{text}"
    );
}

#[test]
fn ask_json_has_the_documented_shape() {
    let o = attache(&[
        "ask",
        "--json",
        "--top",
        "2",
        "When was the 29th ASEAN-ROK Dialogue held?",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("one JSON object");
    assert_eq!(v["found"], true);
    assert!(
        v["answer"]
            .as_str()
            .unwrap_or_default()
            .contains("May 15 to 16")
    );
    let citations = v["citations"].as_array().expect("citations");
    assert!(!citations.is_empty() && citations.len() <= 2);
    let c = &citations[0];
    for key in [
        "rank",
        "release",
        "title",
        "date",
        "url",
        "paragraph",
        "text",
        "snippet",
        "score",
    ] {
        assert!(!c[key].is_null(), "citation lacks {key}: {c}");
    }
    let (text, snippet) = (
        c["text"].as_str().unwrap_or(""),
        c["snippet"].as_str().unwrap_or("-"),
    );
    assert!(
        text.contains(snippet),
        "the snippet is a verbatim part of the paragraph"
    );
}

#[test]
fn a_meeting_the_corpus_lacks_is_named_with_the_nearest_ones() {
    let o = attache(&["ask", "--json", "When was the 27th ASEAN-ROK Dialogue?"]);
    assert!(
        o.status.success(),
        "abstaining is a normal answer: {}",
        stderr(&o)
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    assert_eq!(v["found"], false);
    assert_eq!(v["citations"].as_array().map(Vec::len), Some(0));
    let answer = v["answer"].as_str().unwrap_or_default();
    assert!(
        answer.contains("27th ASEAN-ROK Dialogue is not in the releases"),
        "{answer}"
    );
    let first = v["suggestions"][0]["meeting"].as_str().unwrap_or_default();
    assert!(
        first == "26th ASEAN-ROK Dialogue" || first == "29th ASEAN-ROK Dialogue",
        "nearest first: {first}"
    );
}

#[test]
fn batch_reads_stdin_and_answers_in_order() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_attache"))
        .args(["ask", "--json", "--batch", "-"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("spawn");
    let questions = "Who is the foreign minister of Laos?\n\nTell me a joke\nWhat is KASI?\n";
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(questions.as_bytes())
        .expect("write");
    let o = child.wait_with_output().expect("output");
    let lines: Vec<serde_json::Value> = stdout(&o)
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect();
    let asked: Vec<&str> = lines
        .iter()
        .map(|v| v["question"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(
        asked,
        [
            "Who is the foreign minister of Laos?",
            "Tell me a joke",
            "What is KASI?"
        ]
    );
    assert_eq!(
        lines.iter().map(|v| v["found"] == true).collect::<Vec<_>>(),
        [true, false, true]
    );
}

#[test]
fn query_syntax_in_a_question_is_harmless() {
    for q in [
        "\"ASEAN\" AND (Korea:*",
        "-",
        "title:foo^2 OR",
        "🙂",
        "<b>&amp;</b>",
    ] {
        let o = attache(&["ask", q]);
        assert!(o.status.success(), "{q:?}: {}", stderr(&o));
        assert!(!stdout(&o).trim().is_empty());
    }
}

#[test]
fn sources_lists_releases_newest_first() {
    let o = attache(&["sources"]);
    assert!(o.status.success());
    let dates: Vec<String> = stdout(&o)
        .lines()
        .map(|l| l.chars().take(10).collect())
        .collect();
    assert_eq!(
        dates,
        [
            "2025-05-15",
            "2024-07-26",
            "2023-06-16",
            "2022-07-01",
            "2020-09-09"
        ]
    );
}

#[test]
fn usage_errors_exit_2_with_one_line() {
    let missing = attache(&["--corpus", "no/such/dir", "ask", "hi"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(stderr(&missing).contains("no/such/dir"));
    assert_eq!(stderr(&missing).lines().count(), 1, "{}", stderr(&missing));
    assert_eq!(attache(&["ask"]).status.code(), Some(2));
    assert_eq!(attache(&["ask", "--top", "0", "x"]).status.code(), Some(2));
}

#[test]
fn an_empty_corpus_cannot_answer() {
    let dir = tempfile::tempdir().expect("tempdir");
    let o = attache(&[
        "--corpus",
        dir.path().to_str().unwrap_or("."),
        "ask",
        "What is KASI?",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("no release"), "{}", stderr(&o));
}

#[test]
fn import_writes_a_corpus_file_that_answers() {
    let dir = tempfile::tempdir().expect("tempdir");
    let corpus = dir.path().join("corpus");
    std::fs::create_dir(&corpus).expect("mkdir");
    let page = dir.path().join("page.txt");
    std::fs::write(&page, "바로가기 메뉴\n\nPress Releases\n\nOutcome of the 24th ASEAN-ROK Dialogue\n\n1. The 24th ASEAN-ROK Dialogue was held in Jakarta on May 12.\n\n- The delegates discussed ocean plastics.\n").expect("write");
    let c = corpus.to_str().unwrap_or(".");
    let p = page.to_str().unwrap_or(".");
    let refused = attache(&[
        "--corpus",
        c,
        "import",
        p,
        "--url",
        "https://example.org/24",
    ]);
    assert_eq!(
        refused.status.code(),
        Some(2),
        "no year on the page: it must not guess"
    );
    assert!(stderr(&refused).contains("--date"), "{}", stderr(&refused));
    let import = [
        "--corpus",
        c,
        "import",
        p,
        "--url",
        "https://example.org/24",
        "--date",
        "2021-05-12",
    ];
    let ok = attache(&[&import[..], &["--place", "Jakarta, Indonesia"]].concat());
    assert!(ok.status.success(), "{}", stderr(&ok));
    let again = attache(&import);
    assert!(again.status.success(), "{}", stderr(&again));
    assert!(
        stderr(&again).contains("skipped: the corpus already has this release"),
        "no silent overwrite: {}",
        stderr(&again)
    );
    assert_eq!(
        std::fs::read_dir(&corpus).map(Iterator::count).ok(),
        Some(1)
    );
    let a = attache(&[
        "--corpus",
        c,
        "ask",
        "--json",
        "What did the delegates discuss at the 24th Dialogue?",
    ]);
    let v: serde_json::Value = serde_json::from_slice(&a.stdout).expect("JSON");
    assert_eq!(v["citations"][0]["paragraph"], "1·1");
    assert!(
        v["answer"]
            .as_str()
            .unwrap_or_default()
            .contains("ocean plastics")
    );
}

#[test]
fn report_reads_the_question_log_the_daemon_keeps() {
    use attache::qlog::{Entry, QuestionLog};
    let dir = tempfile::tempdir().expect("tempdir");
    let log = QuestionLog::open(&dir.path().join("attache.db")).expect("opens");
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    for (q, found, at) in [
        ("Who won the World Cup?", false, now),
        ("who won the world cup", false, now),
        ("What is KASI?", true, now),
        ("Old question?", false, now - 30 * 86_400),
    ] {
        let entry = Entry {
            at,
            chat: "h".into(),
            chat_type: "private".into(),
            question: q.into(),
            found,
            release: found.then(|| "2023-06-16-park-jin-asean-secretary-general".to_string()),
            paragraph: None,
            latency_ms: 0.2,
        };
        log.record(&entry).expect("record");
    }
    drop(log);
    let d = dir.path().to_str().unwrap_or(".");
    let o = attache(&["--data-dir", d, "report", "--since", "7d", "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    assert_eq!(
        v["asked"], 3,
        "the 30-day-old question is outside --since 7d"
    );
    assert_eq!(v["unanswered"][0][1], 2);
    let text = attache(&["--data-dir", d, "report"]);
    assert!(stdout(&text).contains("Most asked, not found:"));
    assert_eq!(
        attache(&["--data-dir", d, "report", "--since", "a week"])
            .status
            .code(),
        Some(2)
    );
}
