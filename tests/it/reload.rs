//! Live corpus reload, end to end: SIGHUP (the real binary), a change in the corpus
//! directory and `POST /admin/reload` (the daemon in process). Each adds a release
//! (it becomes answerable) and then breaks the corpus (the old one keeps serving,
//! the failure is counted), while a chat keeps asking — and every one of those
//! questions gets exactly one real answer. Waits only guard against hangs.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::fake_telegram::FakeTelegram;
use crate::telegram::{
    QUESTION, TestApp, ask_private, binary, http, logs_text, root, signal, start, text_of,
    wait_exit,
};

/// A release the shipped corpus lacks, and a question only it answers.
const NEW_FILE: &str = "2026-03-10-30th-asean-rok-dialogue.md";
const NEW_RELEASE: &str = r#"+++
id = "2026-03-10-30th-asean-rok-dialogue"
title = "Outcome of the 30th ASEAN-ROK Dialogue"
date = "2026-03-10"
place = "Kuala Lumpur, Malaysia"
meeting = "30th ASEAN-ROK Dialogue"
url = "https://www.mofa.go.kr/eng/brd/m_5676/view.do?seq=999001"
lang = "en"
+++

1. The 30th ASEAN-ROK Dialogue was held in Kuala Lumpur, Malaysia on March 10, 2026, co-chaired by the Deputy Minister for Political Affairs of the Republic of Korea and the Permanent Secretary of the Ministry of Foreign Affairs of Malaysia.

2. The two sides agreed to launch a joint programme on mangrove restoration and coastal resilience across Southeast Asia.
"#;
const NEW_QUESTION: &str = "Where was the 30th ASEAN-ROK Dialogue held?";
const NEW_ANSWER: &str = "Kuala Lumpur";
const BROKEN: &str = "this file lost its front matter\n";
/// A guard against hangs, not a measurement.
const WAIT: Duration = Duration::from_secs(60);

/// A private copy of the shipped corpus (in `tmp/corpus`).
fn corpus_copy(tmp: &Path) -> PathBuf {
    let dir = tmp.join("corpus");
    std::fs::create_dir_all(&dir).expect("mkdir");
    for entry in std::fs::read_dir(root().join("corpus"))
        .expect("corpus")
        .flatten()
    {
        std::fs::copy(entry.path(), dir.join(entry.file_name())).expect("copy");
    }
    dir
}

/// Writes a file in one step (a sibling, then a rename), as `attache import` should.
fn write_atomically(path: &Path, text: &str) {
    let tmp = path.with_extension("part");
    std::fs::write(&tmp, text).expect("write");
    std::fs::rename(&tmp, path).expect("rename");
}

/// Overwrites every release file with one that does not parse.
fn break_every_file(dir: &Path) {
    for entry in std::fs::read_dir(dir).expect("corpus").flatten() {
        std::fs::write(entry.path(), BROKEN).expect("break");
    }
}

/// Asks `QUESTION` in chat `chat` over and over until `stop`; returns the questions.
async fn keep_asking(fake: &FakeTelegram, chat: i64, stop: &AtomicBool) -> Vec<Value> {
    let mut asked = Vec::new();
    while !stop.load(Ordering::SeqCst) || asked.len() < 2 {
        let (update, question) = fake.private_text(chat, QUESTION);
        fake.wait_handled(update).await;
        asked.push(question);
    }
    asked
}

/// Every question of the stream got exactly one real answer.
fn assert_all_answered(fake: &FakeTelegram, asked: &[Value]) {
    for question in asked {
        let replies = fake.replies_to(question);
        assert_eq!(replies.len(), 1, "one reply each: {replies:?}");
        let text = text_of(&replies[0]);
        assert!(
            text.contains("Seoul"),
            "a real answer during reload: {text}"
        );
    }
}

/// Asks `NEW_QUESTION` and returns the reply's text.
async fn ask_new(app: &TestApp, chat: i64) -> String {
    let replies = ask_private(app, chat, NEW_QUESTION).await;
    replies
        .first()
        .map(|r| text_of(r).to_string())
        .unwrap_or_default()
}

/// Waits until one log line contains every needle.
async fn wait_logged(needles: &[&str]) -> String {
    let deadline = Instant::now() + WAIT;
    loop {
        let logs = logs_text();
        if let Some(line) = logs.lines().find(|l| needles.iter().all(|n| l.contains(n))) {
            return line.to_string();
        }
        assert!(Instant::now() < deadline, "no log line with {needles:?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn start_on(corpus: &Path, data: &Path, extra: &[(&str, &str)]) -> TestApp {
    let dir = corpus.display().to_string();
    let mut env = vec![("ATTACHE__CORPUS__DIR", dir.as_str())];
    env.extend_from_slice(extra);
    let app = start(FakeTelegram::start().await, data, &env, None).await;
    app.fake.wait_for("setMyCommands", 1).await;
    app
}

fn releases(app: &TestApp) -> usize {
    app.engine.load().corpus().releases().len()
}

#[tokio::test]
async fn http_reload_swaps_a_good_corpus_and_keeps_the_old_one_on_error() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let corpus = corpus_copy(tmp.path());
    let mut app = start_on(
        &corpus,
        &tmp.path().join("data"),
        &[("ATTACHE__CORPUS__WATCH", "false")],
    )
    .await;
    assert!(
        !ask_new(&app, 601).await.contains(NEW_ANSWER),
        "not known yet"
    );
    let stop = AtomicBool::new(false);
    let stream = keep_asking(&app.fake, 600, &stop);
    let work = async {
        let (status, body) = http(app.ops, "GET", "/admin/reload", &[], "").await;
        assert_eq!(status, 405, "{body}");

        write_atomically(&corpus.join(NEW_FILE), NEW_RELEASE);
        write_atomically(&corpus.join("zz-draft.md"), BROKEN);
        let (status, body) = http(app.ops, "POST", "/admin/reload", &[], "").await;
        assert_eq!(status, 200, "{body}");
        let json: Value = serde_json::from_str(&body).expect("JSON");
        assert_eq!(json["result"], "ok", "{json}");
        assert_eq!(json["releases"], 6, "{json}");
        assert!(json["paragraphs"].as_u64().unwrap_or(0) > 50, "{json}");
        wait_logged(&["corpus file skipped", "zz-draft.md"]).await;
        assert!(ask_new(&app, 601).await.contains(NEW_ANSWER));

        break_every_file(&corpus);
        let (status, body) = http(app.ops, "POST", "/admin/reload", &[], "").await;
        assert_eq!(status, 500, "{body}");
        let json: Value = serde_json::from_str(&body).expect("JSON");
        assert_eq!(json["result"], "error", "{json}");
        let error = json["error"].as_str().unwrap_or_default();
        assert!(error.contains(NEW_FILE), "names the file: {error}");
        assert_eq!(releases(&app), 6, "the old corpus keeps serving");
        assert!(ask_new(&app, 601).await.contains(NEW_ANSWER));
        stop.store(true, Ordering::SeqCst);
    };
    let (asked, ()) = tokio::join!(stream, work);
    assert_all_answered(&app.fake, &asked);
    let (_, metrics) = http(app.ops, "GET", "/metrics", &[], "").await;
    for result in ["ok", "error"] {
        let prefix = format!("attache_reload_total{{result=\"{result}\"}} ");
        let count: f64 = metrics
            .lines()
            .find_map(|l| l.strip_prefix(&prefix))
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or(0.0);
        assert!(count >= 1.0, "{result} counted: {metrics}");
    }
    app.stop().await.expect("clean stop");
}

#[tokio::test]
async fn http_reload_needs_the_admin_token_when_one_is_set() {
    let token = "reload-token-for-tests-0123456789";
    let tmp = tempfile::tempdir().expect("tempdir");
    let corpus = corpus_copy(tmp.path());
    let mut app = start_on(
        &corpus,
        &tmp.path().join("data"),
        &[
            ("ATTACHE__CORPUS__WATCH", "false"),
            ("ATTACHE__OPS__ADMIN_TOKEN", token),
        ],
    )
    .await;
    let wrong = format!("Bearer {token}x");
    let right = format!("Bearer {token}");
    for headers in [vec![], vec![("Authorization", wrong.as_str())]] {
        let (status, body) = http(app.ops, "POST", "/admin/reload", &headers, "").await;
        assert_eq!(status, 401, "{body}");
    }
    let headers = [("Authorization", right.as_str())];
    let (status, body) = http(app.ops, "POST", "/admin/reload", &headers, "").await;
    assert_eq!(status, 200, "{body}");
    app.stop().await.expect("clean stop");
    assert!(!logs_text().contains(token), "the admin token was logged");
}

#[tokio::test]
async fn a_change_in_the_corpus_directory_reloads_it() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let corpus = corpus_copy(tmp.path());
    let dir = corpus.display().to_string();
    let mut app = start_on(&corpus, &tmp.path().join("data"), &[]).await;
    let stop = AtomicBool::new(false);
    let stream = keep_asking(&app.fake, 610, &stop);
    let work = async {
        write_atomically(&corpus.join(NEW_FILE), NEW_RELEASE);
        let line = wait_logged(&["corpus reloaded", &dir, "file change"]).await;
        assert!(line.contains("\"releases\":6"), "{line}");
        assert!(ask_new(&app, 611).await.contains(NEW_ANSWER));

        // The directory goes away (in one step): the old corpus keeps serving.
        std::fs::rename(&corpus, tmp.path().join("gone")).expect("rename");
        let line = wait_logged(&["corpus reload failed", &dir]).await;
        assert!(line.contains("corpus"), "names the directory: {line}");
        assert_eq!(releases(&app), 6);
        assert!(ask_new(&app, 611).await.contains(NEW_ANSWER));
        stop.store(true, Ordering::SeqCst);
    };
    let (asked, ()) = tokio::join!(stream, work);
    assert_all_answered(&app.fake, &asked);
    app.stop().await.expect("clean stop");
}

/// A free loopback port for the binary's ops listener.
fn free_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    l.local_addr().expect("addr").port()
}

/// The binary's `attache_reload_total{result=…}`, once it reaches `n`.
async fn wait_reloads(ops: std::net::SocketAddr, result: &str, n: u64) {
    let needle = format!("attache_reload_total{{result=\"{result}\"}} {n}");
    let deadline = Instant::now() + WAIT;
    loop {
        let (_, metrics) = http(ops, "GET", "/metrics", &[], "").await;
        if metrics.lines().any(|l| l == needle) {
            return;
        }
        assert!(Instant::now() < deadline, "no `{needle}` in {metrics}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn sighup_reloads_the_real_binary_and_a_broken_corpus_keeps_the_old_one() {
    let fake = FakeTelegram::start().await;
    let tmp = tempfile::tempdir().expect("tempdir");
    let corpus = corpus_copy(tmp.path());
    let ops: std::net::SocketAddr = ([127, 0, 0, 1], free_port()).into();
    let (dir, listen) = (corpus.display().to_string(), ops.to_string());
    let child = binary(
        &fake,
        tmp.path(),
        &[
            ("ATTACHE__CORPUS__DIR", dir.as_str()),
            ("ATTACHE__CORPUS__WATCH", "false"),
            ("ATTACHE__OPS__LISTEN", listen.as_str()),
        ],
    )
    .spawn()
    .expect("spawn");
    fake.wait_for("setMyCommands", 1).await;
    let ask = |chat: i64, q: &'static str| {
        let fake = &fake;
        async move {
            let (update, msg) = fake.private_text(chat, q);
            fake.wait_handled(update).await;
            let replies = fake.replies_to(&msg);
            replies
                .first()
                .map(|r| text_of(r).to_string())
                .unwrap_or_default()
        }
    };
    let stop = AtomicBool::new(false);
    let stream = keep_asking(&fake, 620, &stop);
    let work = async {
        write_atomically(&corpus.join(NEW_FILE), NEW_RELEASE);
        signal(&child, "-HUP");
        wait_reloads(ops, "ok", 1).await;
        assert!(ask(621, NEW_QUESTION).await.contains(NEW_ANSWER));

        break_every_file(&corpus);
        signal(&child, "-HUP");
        wait_reloads(ops, "error", 1).await;
        assert!(ask(621, NEW_QUESTION).await.contains(NEW_ANSWER));
        let (_, metrics) = http(ops, "GET", "/metrics", &[], "").await;
        assert!(metrics.contains("attache_releases_loaded 6"), "{metrics}");
        stop.store(true, Ordering::SeqCst);
    };
    let (asked, ()) = tokio::join!(stream, work);
    assert_all_answered(&fake, &asked);
    signal(&child, "-TERM");
    let (status, stderr) = wait_exit(child, tmp.path()).await;
    assert_eq!(status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("corpus reload failed") && stderr.contains(NEW_FILE),
        "the failure names the file: {stderr}"
    );
}

#[tokio::test]
async fn releases_imported_in_a_batch_reach_the_running_daemon() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let corpus = corpus_copy(tmp.path());
    let dir = corpus.display().to_string();
    let mut app = start_on(&corpus, &tmp.path().join("data"), &[]).await;
    let pages = ["m5475_319686.txt", "m5676_321653.txt", "m5676_322057.txt"].map(|p| {
        root()
            .join("tests/fixtures/archive")
            .join(p)
            .display()
            .to_string()
    });
    let mut args = vec!["--corpus", dir.as_str(), "import"];
    args.extend(pages.iter().map(String::as_str));
    let imported = crate::cli::attache(&args);
    assert!(
        imported.status.success(),
        "{}",
        String::from_utf8_lossy(&imported.stderr)
    );
    let line = wait_logged(&["corpus reloaded", &dir, "\"releases\":8"]).await;
    assert!(line.contains("file change"), "{line}");
    assert_eq!(releases(&app), 8);
    let question = "Who did Foreign Minister Chung Eui-yong talk to by phone on April 28, 2021?";
    let replies = ask_private(&app, 620, question).await;
    let reply = replies.first().map(|r| text_of(r).to_string());
    assert!(
        reply
            .as_deref()
            .is_some_and(|r| r.contains("Bui Thanh Son")),
        "{reply:?}"
    );
    app.stop().await.expect("clean stop");
}
