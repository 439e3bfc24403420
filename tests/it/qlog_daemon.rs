//! The daemon's question log and polling state in `data_dir/attache.db`: questions
//! and 👍/👎 land there and `attache report` reads them; old ones are pruned; a
//! restart keeps both the log and the polling offset; an old offset file is taken
//! over; and a corrupt or read-only database costs a warning, never an answer.

use std::path::Path;
use std::process::Command;

use attache::qlog::{Entry, QuestionLog};
use attache::telegram::journal::FILE_NAME;
use attache::telegram::offset::{FILE_NAME as OFFSET_FILE, STATE_KEY};
use serde_json::Value;

use crate::fake_telegram::FakeTelegram;
use crate::telegram::{QUESTION, TestApp, ask_private, buttons, logs_text, start, text_of};

const UNANSWERABLE: &str = "What is the recipe for kimchi stew?";

fn db(dir: &Path) -> QuestionLog {
    QuestionLog::open(&dir.join(FILE_NAME)).expect("the question log opens")
}

fn questions(dir: &Path) -> Vec<(String, String, String, bool, Option<i64>)> {
    let conn = rusqlite::Connection::open(dir.join(FILE_NAME)).expect("opens");
    let mut stmt = conn
        .prepare("SELECT chat, chat_type, question, found, feedback FROM questions ORDER BY id")
        .expect("query");
    stmt.query_map([], |r| {
        Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
    })
    .expect("rows")
    .collect::<Result<_, _>>()
    .expect("rows")
}

fn now() -> i64 {
    attache::telegram::journal::now()
}

fn report_json(dir: &Path) -> Value {
    let out = Command::new(env!("CARGO_BIN_EXE_attache"))
        .arg("--data-dir")
        .arg(dir)
        .args(["report", "--json"])
        .output()
        .expect("attache report runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("report JSON")
}

/// Sends a callback with `data` under the bot's answer and waits until handled.
async fn press(app: &TestApp, chat: i64, answer: &Value, data: &str) {
    let update = app.fake.callback(chat, answer, data);
    app.fake.wait_handled(update).await;
}

#[tokio::test]
async fn questions_and_feedback_reach_the_log_and_attache_report() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let mut app = start(FakeTelegram::start().await, tmp.path(), &[], None).await;
    ask_private(&app, 701, QUESTION).await;
    let answer = app.fake.calls("sendMessage").pop().expect("answered");
    let bot_msg = app.fake.bot_message(&answer);
    let down = buttons(&answer.body)
        .into_iter()
        .find(|(label, _)| label == "👎")
        .map(|(_, data)| data)
        .expect("👎 button");
    let parts: Vec<&str> = down.split(':').collect();
    assert_eq!(parts.len(), 4, "the button carries the row id: {down}");
    assert!(down.len() <= 64);
    press(&app, 701, &bot_msg, &down).await;
    // Forged 👍 after it: a row that does not exist, or a hash that is not this
    // question's. Neither may change the stored vote.
    press(&app, 701, &bot_msg, &format!("f:u:{}:{}", parts[2], "ff")).await;
    press(&app, 701, &bot_msg, &format!("f:u:00000001:{}", parts[3])).await;
    ask_private(&app, 702, UNANSWERABLE).await;
    ask_private(&app, 702, "what is the RECIPE for kimchi stew").await;
    app.stop().await.expect("clean stop");

    let rows = questions(tmp.path());
    assert_eq!(rows.len(), 3, "{rows:?}");
    assert_eq!(rows[0].1, "private");
    assert_eq!(rows[0].2, QUESTION);
    assert!(rows[0].3, "found");
    assert_eq!(rows[0].4, Some(-1), "👎 stored on the question's row");
    assert!(rows[1..].iter().all(|r| !r.3 && r.4.is_none()));
    assert!(
        rows.iter()
            .all(|r| !r.0.contains("701") && !r.0.contains("702")),
        "chat ids are hashed: {rows:?}"
    );

    let report = report_json(tmp.path());
    assert_eq!(report["asked"], 3, "{report}");
    assert_eq!(report["answered"], 1, "{report}");
    assert_eq!(report["not_found"], 2, "{report}");
    assert_eq!(report["unanswered"][0][1], 2, "grouped: {report}");
    assert_eq!(report["disliked"][0][0], QUESTION, "{report}");
    assert_eq!(
        report["disliked"][0][1], "2022-07-01-26th-asean-rok-dialogue",
        "{report}"
    );
}

#[tokio::test]
async fn with_the_log_off_no_question_is_stored_but_the_offset_is() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let fake = FakeTelegram::start().await;
    let mut app = start(
        fake,
        tmp.path(),
        &[("ATTACHE__LOG__QUESTIONS", "false")],
        None,
    )
    .await;
    let replies = ask_private(&app, 703, QUESTION).await;
    for (_, data) in buttons(&replies[0]) {
        assert!(data.split(':').count() <= 3, "no row id: {data}");
    }
    app.stop().await.expect("clean stop");
    assert!(questions(tmp.path()).is_empty());
    assert!(db(tmp.path()).state(STATE_KEY).expect("state").is_some());
}

#[tokio::test]
async fn questions_older_than_the_retention_are_pruned() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let entry = |days_ago: i64, q: &str| Entry {
        at: now() - days_ago * 86_400,
        chat: "c".into(),
        chat_type: "private".into(),
        question: q.into(),
        found: false,
        release: None,
        paragraph: None,
        latency_ms: 1.0,
    };
    {
        let log = db(tmp.path());
        log.record(&entry(100, "asked long ago?")).expect("record");
        log.record(&entry(2, "asked lately?")).expect("record");
    }
    let extra = [("ATTACHE__LOG__RETENTION_DAYS", "30")];
    let mut app = start(FakeTelegram::start().await, tmp.path(), &extra, None).await;
    ask_private(&app, 704, QUESTION).await;
    app.stop().await.expect("clean stop");
    let kept: Vec<String> = questions(tmp.path()).into_iter().map(|r| r.2).collect();
    assert_eq!(
        kept,
        vec!["asked lately?".to_string(), QUESTION.to_string()]
    );
}

#[tokio::test]
async fn a_restart_keeps_the_log_and_the_polling_state() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let mut app = start(FakeTelegram::start().await, tmp.path(), &[], None).await;
    let (u1, q1) = app.fake.private_text(705, QUESTION);
    app.fake.wait_handled(u1).await;
    app.stop().await.expect("clean stop");
    let (u2, q2) = app
        .fake
        .private_text(705, "When was the 29th ASEAN-ROK Dialogue held?");
    let TestApp { fake, data_dir, .. } = app;
    let mut again = start(fake, &data_dir, &[], None).await;
    again.fake.wait_handled(u2).await;
    again.stop().await.expect("clean stop");
    assert_eq!(again.fake.replies_to(&q1).len(), 1, "not answered twice");
    assert_eq!(again.fake.replies_to(&q2).len(), 1, "not lost");
    assert_eq!(questions(&data_dir).len(), 2, "the log survived");
    let saved = db(&data_dir).state(STATE_KEY).expect("state");
    assert!(saved > Some(i64::from(u2)), "{saved:?}");
    assert!(
        !data_dir.join(OFFSET_FILE).exists(),
        "no offset file needed"
    );
}

#[tokio::test]
async fn an_offset_file_from_before_the_database_is_taken_over() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let fake = FakeTelegram::start().await;
    // Handled by an older version, which saved the offset past it in the file.
    let (u1, q1) = fake.private_text(706, QUESTION);
    std::fs::write(tmp.path().join(OFFSET_FILE), format!("{}\n", u1 + 1)).expect("write");
    let mut app = start(fake, tmp.path(), &[], None).await;
    let replies = ask_private(&app, 706, "When was the 29th ASEAN-ROK Dialogue held?").await;
    assert_eq!(replies.len(), 1);
    app.stop().await.expect("clean stop");
    assert!(app.fake.replies_to(&q1).is_empty(), "not answered again");
    assert!(
        !tmp.path().join(OFFSET_FILE).exists(),
        "moved into attache.db"
    );
    let saved = db(tmp.path()).state(STATE_KEY).expect("state");
    assert!(saved > Some(i64::from(u1 + 1)), "{saved:?}");
}

/// Two runs on one data directory whose database is unusable: answers come, the
/// offset goes to the fallback file, and nothing is lost or repeated across them.
async fn answers_survive(data_dir: &Path) {
    let mut app = start(FakeTelegram::start().await, data_dir, &[], None).await;
    let first = ask_private(&app, 707, QUESTION).await;
    assert_eq!(first.len(), 1);
    assert!(text_of(&first[0]).contains("Seoul"));
    let (u1, q1) = app
        .fake
        .private_text(707, "Who attended the 29th ASEAN-ROK Dialogue?");
    app.fake.wait_handled(u1).await;
    app.stop().await.expect("clean stop");
    let (u2, q2) = app
        .fake
        .private_text(707, "When was the 29th ASEAN-ROK Dialogue held?");
    let TestApp { fake, .. } = app;
    let mut again = start(fake, data_dir, &[], None).await;
    again.fake.wait_handled(u2).await;
    again.stop().await.expect("clean stop");
    assert_eq!(again.fake.replies_to(&q1).len(), 1, "not answered twice");
    assert_eq!(again.fake.replies_to(&q2).len(), 1, "not lost");
    assert!(data_dir.join(OFFSET_FILE).exists(), "the fallback file");
}

#[tokio::test]
async fn a_corrupt_database_does_not_stop_answers() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let garbage: Vec<u8> = (0..16_384u32).map(|i| (i * 7 % 251) as u8).collect();
    std::fs::write(tmp.path().join(FILE_NAME), &garbage).expect("write");
    answers_survive(tmp.path()).await;
    let logs = logs_text();
    let path = tmp.path().join(FILE_NAME).display().to_string();
    assert!(
        logs.lines()
            .any(|l| l.contains("WARN") && l.contains(&path)),
        "one warning naming the database"
    );
    assert_eq!(
        std::fs::read(tmp.path().join(FILE_NAME)).expect("read"),
        garbage,
        "left as it was"
    );
}

/// Makes a file read-only even for root (`chattr +i`), undone on drop.
struct ReadOnly<'a>(&'a Path, bool);

impl<'a> ReadOnly<'a> {
    fn make(path: &'a Path) -> ReadOnly<'a> {
        let root = Command::new("id")
            .arg("-u")
            .output()
            .is_ok_and(|o| o.stdout.starts_with(b"0\n"));
        if root {
            let ok = Command::new("chattr")
                .arg("+i")
                .arg(path)
                .status()
                .is_ok_and(|s| s.success());
            assert!(ok, "chattr +i {} (root ignores file modes)", path.display());
            ReadOnly(path, true)
        } else {
            let mut perms = std::fs::metadata(path).expect("meta").permissions();
            perms.set_readonly(true);
            std::fs::set_permissions(path, perms).expect("chmod");
            ReadOnly(path, false)
        }
    }
}

impl Drop for ReadOnly<'_> {
    fn drop(&mut self) {
        if self.1 {
            let _ = Command::new("chattr").arg("-i").arg(self.0).status();
        }
    }
}

#[tokio::test]
async fn a_read_only_database_does_not_stop_answers() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let path = tmp.path().join(FILE_NAME);
    db(tmp.path())
        .record(&Entry {
            at: now(),
            chat: "c".into(),
            chat_type: "private".into(),
            question: "before?".into(),
            found: false,
            release: None,
            paragraph: None,
            latency_ms: 1.0,
        })
        .expect("record");
    let _guard = ReadOnly::make(&path);
    answers_survive(tmp.path()).await;
    let logs = logs_text();
    assert!(
        logs.lines()
            .any(|l| l.contains("WARN") && l.contains(&path.display().to_string())),
        "a warning naming the database"
    );
}
