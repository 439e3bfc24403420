//! End-to-end tests of `attache serve` against the fake Bot API: the real daemon
//! (in process through `serve_on`, or the built binary where signals and exit codes
//! matter) on the shipped corpus. Assertions are about what a chat user or an
//! operator would notice; waits only guard against hangs.

use std::collections::HashMap;
use std::io::Write as _;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use attache::Engine;
use attache::config::{Settings, Sources};
use attache::daemon::{Listeners, serve_on};
use attache::service::shared;
use attache::telegram::format::{is_valid_html, utf16_len};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::sync::oneshot;

use crate::fake_telegram::{BOT_ID, BOT_USERNAME, FakeTelegram, Fault, TOKEN};

pub const QUESTION: &str = "Where was the 26th ASEAN-ROK Dialogue held?";

// ---- harness ------------------------------------------------------------------

pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Everything any in-process daemon logged (all tests share one subscriber).
static GLOBAL_LOGS: OnceLock<Arc<Mutex<Vec<u8>>>> = OnceLock::new();

fn captured_logs() -> Arc<Mutex<Vec<u8>>> {
    GLOBAL_LOGS
        .get_or_init(|| {
            let buf = Arc::new(Mutex::new(Vec::new()));
            let writer = buf.clone();
            let settings = attache::config::LogSettings {
                format: attache::config::LogFormat::Json,
                level: "debug,hyper=info,tantivy=info".to_string(),
                questions: true,
                retention_days: 90,
            };
            let make = move || CaptureWriter(writer.clone());
            attache::telemetry::install(attache::telemetry::subscriber(&settings, false, make));
            buf
        })
        .clone()
}

pub fn logs_text() -> String {
    let logs = captured_logs();
    let bytes = logs.lock().map(|b| b.clone()).unwrap_or_default();
    String::from_utf8_lossy(&bytes).into_owned()
}

struct CaptureWriter(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for CaptureWriter {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        if let Ok(mut b) = self.0.lock() {
            b.extend_from_slice(data);
        }
        // A test's own capture feeds the process-wide one too (`logs_text`).
        if let Some(all) = GLOBAL_LOGS.get()
            && !Arc::ptr_eq(all, &self.0)
            && let Ok(mut b) = all.lock()
        {
            b.extend_from_slice(data);
        }
        if std::env::var_os("ATTACHE_TEST_LOGS").is_some() {
            let _ = std::io::stderr().write_all(data);
        }
        Ok(data.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The engine on the shipped corpus, built once per test process.
pub fn engine() -> Arc<Engine> {
    static ENGINE: OnceLock<Arc<Engine>> = OnceLock::new();
    ENGINE
        .get_or_init(|| {
            let (engine, errors) = Engine::from_dir(
                &root().join("corpus"),
                Some(&root().join("config/synonyms.toml")),
            )
            .expect("the shipped corpus loads");
            assert!(errors.is_empty(), "{errors:?}");
            Arc::new(engine)
        })
        .clone()
}

/// Settings as the tests run the daemon: the fake server (which keeps Telegram's
/// sending limits), throttling on as in production, short timeouts and backoff, a
/// private data directory.
pub fn test_env(
    fake: &FakeTelegram,
    data_dir: &Path,
    extra: &[(&str, &str)],
) -> HashMap<String, String> {
    let mut env: HashMap<String, String> = [
        ("ATTACHE__TELEGRAM__TOKEN", TOKEN.to_string()),
        ("ATTACHE__TELEGRAM__API_URL", fake.url()),
        ("ATTACHE__TELEGRAM__THROTTLE", "true".into()),
        ("ATTACHE__TELEGRAM__POLL_TIMEOUT_SECS", "1".into()),
        ("ATTACHE__TELEGRAM__REQUEST_TIMEOUT_SECS", "2".into()),
        ("ATTACHE__TELEGRAM__BACKOFF_MS", "20".into()),
        ("ATTACHE__TELEGRAM__TYPING_AFTER_MS", "60000".into()),
        ("ATTACHE__DATA_DIR", data_dir.display().to_string()),
        (
            "ATTACHE__CORPUS__DIR",
            root().join("corpus").display().to_string(),
        ),
        (
            "ATTACHE__CORPUS__SYNONYMS",
            root().join("config/synonyms.toml").display().to_string(),
        ),
        ("ATTACHE__OPS__LISTEN", "127.0.0.1:0".into()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    for (k, v) in extra {
        env.insert(k.to_string(), v.to_string());
    }
    env
}

pub struct TestApp {
    /// What this app logged (events on the test's thread: the daemon's tasks),
    /// apart from every other test's.
    pub logs: Arc<Mutex<Vec<u8>>>,
    _log_guard: tracing::subscriber::DefaultGuard,
    pub fake: FakeTelegram,
    pub engine: attache::service::SharedEngine,
    pub ops: SocketAddr,
    pub data_dir: PathBuf,
    pub _tmp: Option<tempfile::TempDir>,
    stop: Option<oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<anyhow::Result<()>>>,
}

impl TestApp {
    /// This app's log lines (JSON), not other tests'.
    pub fn logs(&self) -> String {
        let bytes = self.logs.lock().map(|b| b.clone()).unwrap_or_default();
        String::from_utf8_lossy(&bytes).into_owned()
    }

    /// Resolves the shutdown future and waits for `serve` to return.
    pub async fn stop(&mut self) -> anyhow::Result<()> {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        match self.task.take() {
            Some(task) => task.await.expect("serve does not panic"),
            None => Ok(()),
        }
    }
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(&[]).await
}

pub async fn spawn_app_with(extra: &[(&str, &str)]) -> TestApp {
    let fake = FakeTelegram::start().await;
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path().to_path_buf();
    let mut app = start(fake, &dir, extra, None).await;
    app._tmp = Some(tmp);
    app
}

impl TestApp {
    /// The same fake and data directory, served by a new process-like app (after a
    /// stop, or as if after a crash): what a restart keeps, and what it must not.
    pub async fn start_again(self) -> TestApp {
        let TestApp {
            fake,
            data_dir,
            _tmp,
            _log_guard,
            ..
        } = self;
        // The old app's log capture goes first: a tracing guard dropped after a newer
        // one would reset the thread's subscriber under the new app.
        drop(_log_guard);
        let mut again = start(fake, &data_dir, &[], None).await;
        again._tmp = _tmp;
        again
    }
}

/// Starts `serve_on` in process; `webhook` is the listener for webhook mode.
pub async fn start(
    fake: FakeTelegram,
    data_dir: &Path,
    extra: &[(&str, &str)],
    webhook: Option<tokio::net::TcpListener>,
) -> TestApp {
    start_with_engine(engine(), fake, data_dir, extra, webhook).await
}

pub async fn start_with_engine(
    engine: Arc<Engine>,
    fake: FakeTelegram,
    data_dir: &Path,
    extra: &[(&str, &str)],
    webhook: Option<tokio::net::TcpListener>,
) -> TestApp {
    captured_logs();
    let logs = Arc::new(Mutex::new(Vec::new()));
    let writer = logs.clone();
    let log_settings = attache::config::LogSettings {
        format: attache::config::LogFormat::Json,
        level: "debug,hyper=info,tantivy=info".to_string(),
        questions: true,
        retention_days: 90,
    };
    let make = move || CaptureWriter(writer.clone());
    let log_guard = tracing::subscriber::set_default(attache::telemetry::subscriber(
        &log_settings,
        false,
        make,
    ));
    let sources = Sources {
        file: None,
        env: test_env(&fake, data_dir, extra),
    };
    let settings = Settings::load(&sources).expect("test settings load");
    let ops = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind ops");
    let ops_addr = ops.local_addr().expect("ops addr");
    let (stop, stopped) = oneshot::channel::<()>();
    let listeners = Listeners {
        ops: Some(ops),
        webhook,
    };
    let engine = shared(engine);
    let task = tokio::spawn(serve_on(engine.clone(), settings, listeners, async move {
        let _ = stopped.await;
    }));
    TestApp {
        logs,
        _log_guard: log_guard,
        fake,
        engine,
        ops: ops_addr,
        data_dir: data_dir.to_path_buf(),
        _tmp: None,
        stop: Some(stop),
        task: Some(task),
    }
}

/// A minimal HTTP/1.1 client (no extra dependency): returns status and body.
pub async fn http(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> (u16, String) {
    let mut stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
    let mut req = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str("\r\n");
    req.push_str(body);
    stream.write_all(req.as_bytes()).await.expect("write");
    let mut out = Vec::new();
    stream.read_to_end(&mut out).await.expect("read");
    let text = String::from_utf8_lossy(&out).into_owned();
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let body = text
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    (status, body)
}

/// What Telegram would check about an HTML message the bot sent.
pub fn assert_sendable(body: &Value) {
    let text = body["text"].as_str().expect("text");
    assert_eq!(body["parse_mode"], "HTML", "{body}");
    assert!(is_valid_html(text), "not valid Telegram HTML: {text}");
    assert!(utf16_len(text) <= 4096, "too long: {}", utf16_len(text));
    assert!(!text.trim().is_empty());
    if let Some(rows) = body["reply_markup"]["inline_keyboard"].as_array() {
        for button in rows.iter().flat_map(|r| r.as_array().into_iter().flatten()) {
            let data = button["callback_data"].as_str().unwrap_or_default();
            assert!(data.len() <= 64, "callback data too long: {data}");
        }
    }
}

pub fn text_of(body: &Value) -> &str {
    body["text"].as_str().unwrap_or_default()
}

pub fn buttons(body: &Value) -> Vec<(String, String)> {
    body["reply_markup"]["inline_keyboard"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|r| r.as_array().into_iter().flatten())
        .map(|b| {
            (
                b["text"].as_str().unwrap_or_default().to_string(),
                b["callback_data"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

/// Sends `text` in a private chat and returns the bot's replies to it.
pub async fn ask_private(app: &TestApp, chat: i64, text: &str) -> Vec<Value> {
    let (update, msg) = app.fake.private_text(chat, text);
    app.fake.wait_handled(update).await;
    app.fake.replies_to(&msg)
}

// ---- what a chat user gets ---------------------------------------------------------

#[tokio::test]
async fn private_question_gets_a_cited_html_answer() {
    let mut app = spawn_app().await;
    let replies = ask_private(&app, 501, QUESTION).await;
    assert_eq!(replies.len(), 1, "{replies:?}");
    let reply = &replies[0];
    assert_sendable(reply);
    let text = text_of(reply);
    assert!(text.contains("Seoul"), "{text}");
    assert!(text.contains("<b>[1]</b>"), "citation number: {text}");
    assert!(text.contains("<b>Sources</b>"), "{text}");
    assert!(
        text.contains("<a href=\"https://www.mofa.go.kr/"),
        "linked title: {text}"
    );
    assert!(text.contains("¶1"), "paragraph: {text}");
    assert!(text.contains("2022"), "date: {text}");
    assert_eq!(reply["link_preview_options"]["is_disabled"], true);
    assert_eq!(reply["chat_id"], 501);
    let labels: Vec<String> = buttons(reply).into_iter().map(|(t, _)| t).collect();
    assert!(
        labels.contains(&"👍".to_string()) && labels.contains(&"👎".to_string()),
        "{labels:?}"
    );
    app.stop().await.expect("clean stop");
}

#[tokio::test]
async fn with_throttling_on_replies_still_arrive() {
    let mut app = spawn_app_with(&[("ATTACHE__TELEGRAM__THROTTLE", "true")]).await;
    let (u1, q1) = app.fake.private_text(540, QUESTION);
    let (u2, q2) = app
        .fake
        .private_text(540, "When was the 29th ASEAN-ROK Dialogue held?");
    app.fake.wait_handled(u1).await;
    app.fake.wait_handled(u2).await;
    assert_eq!(app.fake.replies_to(&q1).len(), 1);
    assert_eq!(app.fake.replies_to(&q2).len(), 1);
    app.stop().await.expect("clean stop");
}

#[tokio::test]
async fn unanswerable_question_abstains_politely_with_suggestions() {
    let mut app = spawn_app().await;
    let replies = ask_private(&app, 502, "What is the recipe for kimchi stew?").await;
    assert_eq!(replies.len(), 1);
    assert_sendable(&replies[0]);
    assert!(
        buttons(&replies[0]).is_empty(),
        "no feedback buttons on an abstention"
    );
    app.stop().await.expect("clean stop");
}

#[tokio::test]
async fn more_and_feedback_buttons_are_acknowledged() {
    let mut app = spawn_app().await;
    let q = "What did the ministers discuss about North Korea?";
    let (update, question) = app.fake.private_text(503, q);
    app.fake.wait_handled(update).await;
    let answer = app.fake.calls("sendMessage").pop().expect("answered");
    let bot_msg = app.fake.bot_message(&answer);
    let data: HashMap<String, String> = buttons(&answer.body).into_iter().collect();

    let more = data
        .get("More sources")
        .unwrap_or_else(|| panic!("a \"More sources\" button under {:?}", answer.body));
    let u = app.fake.callback(503, &bot_msg, more);
    app.fake.wait_handled(u).await;
    let acks = app.fake.wait_for("answerCallbackQuery", 1).await;
    assert!(
        acks[0].body["text"]
            .as_str()
            .unwrap_or_default()
            .contains("sources"),
        "{:?}",
        acks[0].body
    );
    let replies = app.fake.replies_to(&question);
    assert_eq!(replies.len(), 2, "the answer and the follow-up");
    assert_sendable(&replies[1]);
    let before = app.fake.calls("answerCallbackQuery").len();
    let down = data.get("👎").expect("👎 button");
    let u = app.fake.callback(503, &bot_msg, down);
    app.fake.wait_handled(u).await;
    let acks = app.fake.wait_for("answerCallbackQuery", before + 1).await;
    assert!(
        acks[before].body["text"]
            .as_str()
            .unwrap_or_default()
            .starts_with("Thanks")
    );
    app.stop().await.expect("clean stop");
}

#[tokio::test]
async fn tampered_or_stale_buttons_get_a_polite_answer() {
    let mut app = spawn_app().await;
    let (update, _) = app.fake.private_text(504, QUESTION);
    app.fake.wait_handled(update).await;
    let answer = app.fake.calls("sendMessage").pop().expect("answered");
    let bot_msg = app.fake.bot_message(&answer);
    let long = "m:".repeat(50);
    for data in [
        "m:zzzz",
        "f:x:00000000",
        "<script>",
        long.as_str(),
        "m:00000000",
        "x:9",
    ] {
        let u = app.fake.callback(504, &bot_msg, data);
        app.fake.wait_handled(u).await;
    }
    let acks = app.fake.wait_for("answerCallbackQuery", 6).await;
    for ack in &acks {
        let text = ack.body["text"].as_str().unwrap_or_default();
        assert!(
            text.contains("again") || text.contains("no longer"),
            "{text}"
        );
    }
    // Only the question's own answer was sent: no stray messages.
    assert_eq!(app.fake.calls("sendMessage").len(), 1);
    app.stop().await.expect("clean stop");
}

#[tokio::test]
async fn commands_are_registered_and_answer() {
    let mut app = spawn_app().await;
    let registered = app.fake.wait_for("setMyCommands", 1).await;
    let names: Vec<&str> = registered[0].body["commands"]
        .as_array()
        .expect("commands")
        .iter()
        .filter_map(|c| c["command"].as_str())
        .collect();
    for c in ["start", "help", "sources", "latest", "about", "ask"] {
        assert!(names.contains(&c), "{names:?}");
    }

    let start = ask_private(&app, 505, "/start").await;
    assert_sendable(&start[0]);
    let examples = buttons(&start[0]);
    assert_eq!(examples.len(), 3, "three example questions: {examples:?}");

    let deep = ask_private(&app, 505, "/start 2022-07-01-26th-asean-rok-dialogue").await;
    assert!(
        text_of(&deep[0]).contains("26th ASEAN-ROK Dialogue"),
        "{}",
        text_of(&deep[0])
    );

    let help = ask_private(&app, 505, "/help").await;
    assert!(text_of(&help[0]).contains("/ask"));

    let sources = ask_private(&app, 505, "/sources").await;
    let text = text_of(&sources[0]);
    assert_sendable(&sources[0]);
    assert_eq!(text.matches("<a href=").count(), 5, "{text}");
    let first = text.find("2025").expect("newest release listed");
    let oldest = text.find("2020").expect("oldest listed");
    assert!(first < oldest, "newest first: {text}");

    let latest = ask_private(&app, 505, "/latest").await;
    assert!(
        text_of(&latest[0]).contains("29th"),
        "{}",
        text_of(&latest[0])
    );
    assert!(text_of(&latest[0]).contains("¶1"));

    let about = ask_private(&app, 505, "/about").await;
    let text = text_of(&about[0]);
    assert!(
        text.contains(env!("CARGO_PKG_VERSION")) && text.contains("5 press releases"),
        "{text}"
    );

    // An example button asks its question.
    let start_msg = app.fake.calls("sendMessage")[0].clone();
    let u = app
        .fake
        .callback(505, &app.fake.bot_message(&start_msg), &examples[0].1);
    app.fake.wait_handled(u).await;
    let ack = app.fake.wait_for("answerCallbackQuery", 1).await;
    assert_eq!(ack[0].body["text"], "Here is the answer.");
    let last = app
        .fake
        .calls("sendMessage")
        .pop()
        .expect("example answered");
    assert_sendable(&last.body);
    // Its buttons know the question although the answer replies to nothing.
    let data: HashMap<String, String> = buttons(&last.body).into_iter().collect();
    let up = data
        .get("👍")
        .expect("feedback buttons under the example's answer");
    let more = data.get("More sources").unwrap_or(up);
    let u = app.fake.callback(505, &app.fake.bot_message(&last), more);
    app.fake.wait_handled(u).await;
    let acks = app.fake.wait_for("answerCallbackQuery", 2).await;
    let text = acks[1].body["text"].as_str().unwrap_or_default();
    assert!(
        !text.contains("expired") && !text.contains("no longer"),
        "{text}"
    );
    app.stop().await.expect("clean stop");
}

#[tokio::test]
async fn groups_answer_ask_mentions_and_replies_only() {
    let mut app = spawn_app().await;
    let f = &app.fake;
    let (u1, chatter) = f.group_text(
        -1_001_001,
        7,
        "Anyone up for lunch? The Dialogue was long.",
        None,
    );
    let (u2, other_bot) = f.group_text(-1_001_001, 7, "/help@SomeOtherBot", None);
    let (u3, ask) = f.group_text(-1_001_001, 7, &format!("/ask {QUESTION}"), None);
    let (u4, mention) = f.group_text(-1_001_001, 8, &format!("@{BOT_USERNAME} {QUESTION}"), None);
    let (u5, empty_ask) = f.group_text(-1_001_001, 8, "/ask", None);
    for u in [u1, u2, u3, u4, u5] {
        f.wait_handled(u).await;
    }
    assert!(f.replies_to(&chatter).is_empty(), "chatter ignored");
    assert!(
        f.replies_to(&other_bot).is_empty(),
        "other bots' commands ignored"
    );
    let answer = f.replies_to(&ask);
    assert_eq!(answer.len(), 1);
    assert!(text_of(&answer[0]).contains("Seoul"));
    assert_eq!(f.replies_to(&mention).len(), 1);
    assert!(text_of(&f.replies_to(&empty_ask)[0]).contains("/ask"));

    // A reply to the bot's message is a question too.
    let bot_msg = f.bot_message(&f.calls("sendMessage")[0]);
    let mut reply_to_bot = bot_msg.clone();
    reply_to_bot["from"] = json!({ "id": BOT_ID, "is_bot": true, "first_name": "Attaché" });
    let (u6, follow_up) = f.group_text(
        -1_001_001,
        7,
        "When was the 29th ASEAN-ROK Dialogue held?",
        Some(&reply_to_bot),
    );
    f.wait_handled(u6).await;
    assert_eq!(f.replies_to(&follow_up).len(), 1);
    app.stop().await.expect("clean stop");
}

#[tokio::test]
async fn inline_query_offers_cited_articles() {
    let mut app = spawn_app().await;
    let u = app.fake.inline_query(9, QUESTION);
    app.fake.wait_handled(u).await;
    let calls = app.fake.wait_for("answerInlineQuery", 1).await;
    let results = calls[0].body["results"].as_array().expect("results");
    assert!(!results.is_empty());
    for r in results {
        assert_eq!(r["type"], "article");
        assert!(r["id"].as_str().unwrap_or_default().len() <= 64);
        assert!(r["description"].as_str().unwrap_or_default().contains('¶'));
        let content = &r["input_message_content"];
        let text = content["message_text"].as_str().expect("message text");
        assert!(is_valid_html(text), "{text}");
        assert!(text.contains("<a href=\"https://www.mofa.go.kr/"), "{text}");
        assert_eq!(content["parse_mode"], "HTML");
    }
    // An empty inline query is answered with no results, not ignored.
    let u = app.fake.inline_query(9, "   ");
    app.fake.wait_handled(u).await;
    let calls = app.fake.wait_for("answerInlineQuery", 2).await;
    assert_eq!(calls[1].body["results"], json!([]));
    app.stop().await.expect("clean stop");
}

#[tokio::test]
async fn edited_question_is_answered_again_in_place() {
    let mut app = spawn_app().await;
    let (u, question) = app
        .fake
        .private_text(506, "When was the 29th ASEAN-ROK Dialogue held?");
    app.fake.wait_handled(u).await;
    let first = app.fake.calls("sendMessage").pop().expect("answered");
    let answer_id = first.body["__message"]["message_id"].clone();
    let u = app.fake.edit(&question, QUESTION);
    app.fake.wait_handled(u).await;
    let edits = app.fake.wait_for("editMessageText", 1).await;
    assert_eq!(edits[0].body["message_id"], answer_id);
    assert_sendable(&edits[0].body);
    assert!(text_of(&edits[0].body).contains("Seoul"));
    app.stop().await.expect("clean stop");
}

#[tokio::test]
async fn non_text_messages_get_a_short_reply() {
    let mut app = spawn_app().await;
    let chat = FakeTelegram::private_chat(507);
    let kinds = [
        json!({ "sticker": { "file_id": "s1", "file_unique_id": "u1", "type": "regular", "width": 512, "height": 512, "is_animated": false, "is_video": false } }),
        json!({ "photo": [{ "file_id": "p1", "file_unique_id": "pu1", "width": 90, "height": 90 }] }),
        json!({ "location": { "latitude": 37.5, "longitude": 127.0 } }),
        json!({ "voice": { "file_id": "v1", "file_unique_id": "vu1", "duration": 2 } }),
    ];
    for extra in kinds {
        let (u, msg) = app.fake.message(chat.clone(), 507, extra);
        app.fake.wait_handled(u).await;
        let replies = app.fake.replies_to(&msg);
        assert_eq!(replies.len(), 1, "{msg}");
        assert!(text_of(&replies[0]).contains("text questions"));
    }
    app.stop().await.expect("clean stop");
}

#[tokio::test]
async fn bad_inputs_get_sensible_escaped_replies() {
    let mut app = spawn_app().await;
    let empty = ask_private(&app, 508, "   \n\t ").await;
    assert!(
        text_of(&empty[0]).contains("question in words"),
        "{}",
        text_of(&empty[0])
    );
    let emoji = ask_private(&app, 508, "🙂🙂🎉").await;
    assert!(text_of(&emoji[0]).contains("written in words"));

    let long = format!(
        "{QUESTION} {}",
        "and also tell me more about it ".repeat(30)
    );
    let cut = ask_private(&app, 508, &long).await;
    assert!(
        text_of(&cut[0]).contains("first 500 characters"),
        "{}",
        text_of(&cut[0])
    );

    let nasty =
        "<b>Who</b> & \"what\" 'met' title:Seoul AND (ASEAN OR \"Korea\") -- ¶ &amp; <a href=x>";
    let replies = ask_private(&app, 508, nasty).await;
    assert_eq!(replies.len(), 1);
    assert_sendable(&replies[0]);
    let more_nasty = "*** ??? :: \\\\ ~~ ** AND OR NOT ( ) [ ] { } ^ \" Seoul";
    let replies = ask_private(&app, 508, more_nasty).await;
    assert_sendable(&replies[0]);
    for call in app.fake.calls("sendMessage") {
        assert_sendable(&call.body);
    }
    app.stop().await.expect("clean stop");
}

#[tokio::test]
async fn slow_answers_show_typing() {
    let mut app = spawn_app_with(&[("ATTACHE__TELEGRAM__TYPING_AFTER_MS", "0")]).await;
    let replies = ask_private(&app, 509, QUESTION).await;
    assert_eq!(replies.len(), 1);
    let actions = app.fake.wait_for("sendChatAction", 1).await;
    assert_eq!(actions[0].body["action"], "typing");
    app.stop().await.expect("clean stop");
}

/// An engine on `n` generated releases whose long titles are full of characters
/// that need escaping (so `/sources` is far longer than one message).
fn synthetic_engine(n: usize) -> (tempfile::TempDir, Arc<Engine>) {
    let corpus = tempfile::tempdir().expect("tempdir");
    for n in 0..n {
        let text = format!(
            "+++\nid = \"r{n:03}\"\ntitle = \"Outcome <{n}> of the ASEAN & Korea \\\"Dialogue\\\" \
             on cooperation in trade, security, culture and people-to-people exchanges {n}\"\n\
             date = \"2024-01-{:02}\"\nurl = \"https://www.mofa.go.kr/eng/view.do?seq={n}&x=1\"\n+++\n\n\
             1. The ministers met on cooperation number {n} & agreed <to> continue.\n",
            n % 28 + 1
        );
        std::fs::write(corpus.path().join(format!("r{n:03}.md")), text).expect("write");
    }
    let (engine, errors) = Engine::from_dir(corpus.path(), None).expect("synthetic corpus");
    assert!(errors.is_empty(), "{errors:?}");
    (corpus, Arc::new(engine))
}

#[tokio::test]
async fn a_swapped_engine_answers_the_next_question() {
    let mut app = spawn_app().await;
    let before = ask_private(&app, 531, "/about").await;
    assert!(text_of(&before[0]).contains("5 press releases"));
    let (_corpus, bigger) = synthetic_engine(12);
    app.engine.store(bigger);
    let after = ask_private(&app, 531, "/about").await;
    assert!(
        text_of(&after[0]).contains("12 press releases"),
        "{}",
        text_of(&after[0])
    );
    let (status, _) = http(app.ops, "GET", "/readyz", &[], "").await;
    assert_eq!(status, 200);
    app.stop().await.expect("clean stop");
}

#[tokio::test]
async fn long_replies_are_split_into_valid_messages_under_the_limit() {
    let (_corpus, big) = synthetic_engine(80);
    let fake = FakeTelegram::start().await;
    let tmp = tempfile::tempdir().expect("tempdir");
    let mut app = start_with_engine(big, fake, tmp.path(), &[], None).await;
    let (u, question) = app.fake.private_text(530, "/sources");
    app.fake.wait_handled(u).await;
    let sent: Vec<Value> = app
        .fake
        .calls("sendMessage")
        .into_iter()
        .map(|c| c.body)
        .collect();
    assert!(
        sent.len() >= 3,
        "split into several messages: {}",
        sent.len()
    );
    assert_eq!(
        app.fake.replies_to(&question).len(),
        1,
        "the first part replies"
    );
    let mut links = 0;
    for body in &sent {
        assert_sendable(body);
        links += text_of(body).matches("<a href=").count();
    }
    assert_eq!(links, 80, "no release lost at a split");
    app.stop().await.expect("clean stop");
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]
    /// Whatever a user types, what the engine answers renders as valid Telegram HTML
    /// within the limit.
    #[test]
    fn any_question_renders_as_sendable_html(
        q in "[A-Za-z0-9 <>&\"'():*?~^é한국😀-]{1,120}",
    ) {
        let answer = engine().answer(&q);
        let blocks = attache::telegram::format::answer_blocks(&answer, Some("note <&>"));
        for m in attache::telegram::format::pack(&blocks, 4096) {
            proptest::prop_assert!(is_valid_html(&m), "{m}");
            proptest::prop_assert!(utf16_len(&m) <= 4096);
        }
    }
}

// ---- Telegram's bad days --------------------------------------------------------

#[tokio::test]
async fn rate_limits_and_server_errors_are_retried_without_losing_replies() {
    // teloxide waits 10 s before reading a 5xx answer; a shorter timeout would
    // make it an unknown outcome, which a sendMessage is never retried on.
    let mut app = spawn_app_with(&[("ATTACHE__TELEGRAM__REQUEST_TIMEOUT_SECS", "15")]).await;
    app.fake.fail("sendMessage", Fault::RetryAfter(1), 1);
    app.fake.fail("sendMessage", Fault::ServerError, 1);
    app.fake.fail("getUpdates", Fault::ServerError, 1);
    let replies = ask_private(&app, 510, QUESTION).await;
    assert_eq!(replies.len(), 1, "exactly one reply after the retries");
    assert_sendable(&replies[0]);
    let (_, metrics) = http(app.ops, "GET", "/metrics", &[], "").await;
    assert!(
        metrics.contains("attache_telegram_errors_total{kind=\"retry_after\""),
        "{metrics}"
    );
    // teloxide waits 10 s after a 5xx before reading its body; with the tests' 2 s
    // timeout that read fails as a timeout, in production it is a "server" error.
    assert!(
        metrics.contains("kind=\"server\"") || metrics.contains("kind=\"timeout\""),
        "{metrics}"
    );
    app.stop().await.expect("clean stop");
}

/// A sendMessage whose answer never came may have been delivered: it is not sent
/// again (the fake records it as delivered, so a resend would show as a double).
#[tokio::test]
async fn a_reply_whose_outcome_is_unknown_is_not_sent_twice() {
    let mut app = spawn_app().await;
    app.fake.fail("sendMessage", Fault::HangAfterAccept, 1);
    app.fake.fail("sendMessage", Fault::DropAfterAccept, 1);
    app.fake.fail("getUpdates", Fault::DropConnection, 1);
    app.fake.fail("getUpdates", Fault::MalformedJson, 1);
    let (u1, q1) = app.fake.private_text(511, QUESTION);
    let (u2, q2) = app
        .fake
        .private_text(512, "When was the 29th ASEAN-ROK Dialogue held?");
    app.fake.wait_handled(u1).await;
    app.fake.wait_handled(u2).await;
    assert_eq!(
        app.fake.replies_to(&q1).len(),
        1,
        "delivered once, not resent"
    );
    assert_eq!(
        app.fake.replies_to(&q2).len(),
        1,
        "delivered once, not resent"
    );
    // Later questions are answered as usual.
    let replies = ask_private(&app, 511, "/about").await;
    assert_eq!(replies.len(), 1);
    app.stop().await.expect("clean stop");
}

/// Where the request never reached Telegram but the bot cannot know it (a hang
/// before Telegram accepted it), the reply is lost rather than risked twice: the
/// documented price of "never twice".
#[tokio::test]
async fn a_send_that_hung_before_telegram_took_it_is_given_up_and_logged() {
    let mut app = spawn_app().await;
    app.fake.fail("sendMessage", Fault::Hang, 1);
    let (u, q) = app.fake.private_text(530, QUESTION);
    app.fake.wait_handled(u).await;
    assert!(app.fake.replies_to(&q).is_empty());
    let replies = ask_private(&app, 530, "/about").await;
    assert_eq!(replies.len(), 1, "the bot goes on");
    app.stop().await.expect("clean stop");
    assert!(app.logs().contains("outcome is unknown"));
}

/// teloxide's invalid-JSON error carries the raw body — users' messages and names
/// — but the log carries only that the answer was not JSON.
#[tokio::test]
async fn a_garbled_bot_api_answer_reaches_the_log_without_its_content() {
    let mut app = spawn_app().await;
    let marker = "Mrs-Secretive-Kwon";
    let garbled = format!(
        "{{\"ok\":true,\"result\":[{{\"update_id\":1,\"message\":{{\"text\":\"{marker} asked\",\"from\":{{\"first_name\":\"{marker}\""
    );
    app.fake.fail("getUpdates", Fault::Body(garbled), 2);
    let replies = ask_private(&app, 531, QUESTION).await;
    assert_eq!(replies.len(), 1);
    app.stop().await.expect("clean stop");
    let logs = app.logs();
    assert!(
        logs.contains("not the JSON expected"),
        "the failure is logged"
    );
    assert!(!logs.contains(marker), "user content in the log: {logs}");
}

#[tokio::test]
async fn conflict_409_is_explained_and_polling_goes_on() {
    let mut app = spawn_app().await;
    app.fake.fail("getUpdates", Fault::Conflict, 2);
    let replies = ask_private(&app, 513, QUESTION).await;
    assert_eq!(replies.len(), 1);
    let logs = app.logs();
    assert_eq!(
        logs.matches("another process polls this token, or a webhook is set")
            .count(),
        1,
        "explained once for two 409s in a row: {logs}"
    );
    app.stop().await.expect("clean stop");
}

#[tokio::test]
async fn a_webhook_left_set_is_removed_in_polling_mode() {
    let fake = FakeTelegram::start().await;
    fake.set_webhook_url("https://old.example.org/hook");
    let tmp = tempfile::tempdir().expect("tempdir");
    let mut app = start(fake, tmp.path(), &[], None).await;
    app.fake.wait_for("deleteWebhook", 1).await;
    let replies = ask_private(&app, 514, QUESTION).await;
    assert_eq!(replies.len(), 1);
    app.stop().await.expect("clean stop");
}

// ---- operator-facing ------------------------------------------------------------

/// Against the binary, so the metrics are this daemon's alone (the recorder is
/// process-wide): exact counts, not just names.
#[tokio::test]
async fn ops_endpoints_report_health_readiness_and_metrics() {
    let fake = FakeTelegram::start().await;
    let tmp = tempfile::tempdir().expect("tempdir");
    let ops = format!("127.0.0.1:{}", free_port());
    let child = binary(&fake, tmp.path(), &[("ATTACHE__OPS__LISTEN", &ops)])
        .spawn()
        .expect("spawn");
    let addr: SocketAddr = ops.parse().expect("addr");
    let (u1, _) = fake.private_text(515, QUESTION);
    let (u2, _) = fake.private_text(516, "What is the recipe for kimchi stew?");
    fake.wait_handled(u1).await;
    fake.wait_handled(u2).await;
    let (status, body) = http(addr, "GET", "/healthz", &[], "").await;
    assert_eq!((status, body.trim()), (200, "ok"));
    let (status, body) = http(addr, "GET", "/readyz", &[], "").await;
    assert_eq!(status, 200, "{body}");
    let (status, metrics) = http(addr, "GET", "/metrics", &[], "").await;
    assert_eq!(status, 200);
    for needle in [
        "attache_questions_total{chat_type=\"private\"} 2",
        "attache_answers_total{result=\"answered\"} 1",
        "attache_answers_total{result=\"abstained\"} 1",
        "attache_answer_latency_seconds_bucket{le=\"0.05\"}",
        "attache_releases_loaded 5",
        "attache_paragraphs_loaded",
    ] {
        assert!(
            metrics.lines().any(|l| l.starts_with(needle)),
            "missing {needle} in:\n{metrics}"
        );
    }
    signal(&child, "-TERM");
    let (status, stderr) = wait_exit(child, tmp.path()).await;
    assert_eq!(status.code(), Some(0), "{stderr}");
}

#[tokio::test]
async fn questions_are_logged_with_hashed_ids_and_no_text_above_debug() {
    let mut app = spawn_app().await;
    let marker = "Where was the 26th ASEAN-ROK Dialogue held, zebra?";
    ask_private(&app, 987_654_321, marker).await;
    app.stop().await.expect("clean stop");
    let logs = app.logs();
    let line = logs
        .lines()
        .find(|l| l.contains("\"message\":\"question\"") && l.contains("\"found\""))
        .expect("a question event");
    let event: Value = serde_json::from_str(line).expect("JSON log line");
    assert_eq!(event["level"], "INFO");
    assert!(
        event["latency_ms"].is_number() && event["top_release"].is_string(),
        "{event}"
    );
    assert!(!logs.contains("987654321"), "chat ids are hashed");
    for l in logs.lines().filter(|l| l.contains("zebra")) {
        assert!(
            l.contains("\"level\":\"DEBUG\""),
            "question text only at debug: {l}"
        );
    }
}

#[tokio::test]
async fn webhook_mode_checks_the_secret_token() {
    let fake = FakeTelegram::start().await;
    let tmp = tempfile::tempdir().expect("tempdir");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let secret = "s3cret-Token_for-tests";
    let env = [
        ("ATTACHE__TELEGRAM__MODE", "webhook"),
        (
            "ATTACHE__TELEGRAM__PUBLIC_URL",
            "https://bot.example.org/telegram/hook",
        ),
        ("ATTACHE__TELEGRAM__SECRET_TOKEN", secret),
    ];
    let mut app = start(fake, tmp.path(), &env, Some(listener)).await;
    let set = app.fake.wait_for("setWebhook", 1).await;
    assert_eq!(set[0].body["url"], "https://bot.example.org/telegram/hook");
    assert_eq!(set[0].body["secret_token"], secret);

    let update = json!({
        "update_id": 77,
        "message": { "message_id": 5, "date": 1_720_000_000, "text": QUESTION,
            "chat": FakeTelegram::private_chat(516), "from": { "id": 516, "is_bot": false, "first_name": "U" } }
    })
    .to_string();
    let (status, _) = http(
        addr,
        "POST",
        "/telegram/hook",
        &[("Content-Type", "application/json")],
        &update,
    )
    .await;
    assert_eq!(status, 401, "no secret");
    let wrong = [
        ("Content-Type", "application/json"),
        ("X-Telegram-Bot-Api-Secret-Token", "nope"),
    ];
    let (status, _) = http(addr, "POST", "/telegram/hook", &wrong, &update).await;
    assert_eq!(status, 401, "wrong secret");
    assert!(app.fake.calls("sendMessage").is_empty());
    let right = [
        ("Content-Type", "application/json"),
        ("X-Telegram-Bot-Api-Secret-Token", secret),
    ];
    let (status, _) = http(addr, "POST", "/telegram/hook", &right, &update).await;
    assert_eq!(status, 200);
    let sent = app.fake.calls("sendMessage");
    assert_eq!(sent.len(), 1, "answered before the 200");
    assert!(text_of(&sent[0].body).contains("Seoul"));
    // Telegram re-delivering the same update is not answered twice.
    let (status, _) = http(addr, "POST", "/telegram/hook", &right, &update).await;
    assert_eq!(status, 200);
    assert_eq!(app.fake.calls("sendMessage").len(), 1);
    app.stop().await.expect("clean stop");
}

#[tokio::test]
async fn restart_neither_loses_nor_repeats_updates() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let fake = FakeTelegram::start().await;
    let mut app = start(fake, tmp.path(), &[], None).await;
    let (u1, q1) = app.fake.private_text(517, QUESTION);
    app.fake.wait_handled(u1).await;
    app.stop().await.expect("clean stop");
    // Arrives while the bot is down.
    let (u2, q2) = app
        .fake
        .private_text(517, "When was the 29th ASEAN-ROK Dialogue held?");
    let mut again = app.start_again().await;
    again.fake.wait_handled(u2).await;
    assert_eq!(again.fake.replies_to(&q1).len(), 1, "not answered twice");
    assert_eq!(again.fake.replies_to(&q2).len(), 1, "not lost");
    again.stop().await.expect("clean stop");
}

#[tokio::test]
async fn the_token_never_reaches_the_logs() {
    let mut app = spawn_app().await;
    app.fake.fail("sendMessage", Fault::DropConnection, 1);
    app.fake.fail("getUpdates", Fault::MalformedJson, 1);
    ask_private(&app, 518, QUESTION).await;
    ask_private(&app, 518, "/about").await;
    app.stop().await.expect("clean stop");
    let logs = logs_text();
    assert!(logs.contains("retrying"), "the faults were logged");
    assert!(!logs.contains(TOKEN), "the bot token leaked into the logs");
    let secret_half = TOKEN.split(':').nth(1).unwrap_or(TOKEN);
    assert!(
        !logs.contains(secret_half),
        "the token's secret part leaked"
    );
}

// ---- the real binary: exit codes, signals, crashes ---------------------------------

/// The built binary, `serve`, with the test settings; stderr goes to
/// `data_dir/stderr.log` (a pipe nobody reads could fill up and block it).
pub fn binary(
    fake: &FakeTelegram,
    data_dir: &Path,
    extra: &[(&str, &str)],
) -> std::process::Command {
    let log = std::fs::File::create(data_dir.join("stderr.log")).expect("stderr log");
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_attache"));
    cmd.arg("serve")
        .current_dir(root())
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .envs(test_env(fake, data_dir, extra))
        .env("RUST_LOG", "debug,hyper=info,tantivy=info")
        .stdout(std::process::Stdio::null())
        .stderr(log);
    cmd
}

/// Waits for the binary to exit; returns its status and what it logged.
pub async fn wait_exit(
    mut child: std::process::Child,
    data_dir: &Path,
) -> (std::process::ExitStatus, String) {
    let status = tokio::task::spawn_blocking(move || child.wait().expect("wait for attache"))
        .await
        .expect("join");
    let stderr = std::fs::read_to_string(data_dir.join("stderr.log")).unwrap_or_default();
    (status, stderr)
}

pub fn signal(child: &std::process::Child, sig: &str) {
    let status = std::process::Command::new("kill")
        .args([sig, &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(status.success());
}

#[tokio::test]
async fn invalid_token_is_fatal_with_exit_code_2() {
    let fake = FakeTelegram::start().await;
    let tmp = tempfile::tempdir().expect("tempdir");
    let wrong = "1111:WrongTokenValue";
    let child = binary(&fake, tmp.path(), &[("ATTACHE__TELEGRAM__TOKEN", wrong)])
        .spawn()
        .expect("spawn");
    let (status, stderr) = wait_exit(child, tmp.path()).await;
    assert_eq!(status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("rejected the bot token"), "{stderr}");
    assert!(
        !stderr.contains("WrongTokenValue"),
        "token in output: {stderr}"
    );
}

#[tokio::test]
async fn bad_settings_exit_with_code_2_naming_the_key() {
    let fake = FakeTelegram::start().await;
    let tmp = tempfile::tempdir().expect("tempdir");
    let child = binary(&fake, tmp.path(), &[("ATTACHE__TELEGRAM__MOED", "polling")])
        .spawn()
        .expect("spawn");
    let (status, stderr) = wait_exit(child, tmp.path()).await;
    assert_eq!(status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("telegram.moed") && stderr.contains("ATTACHE__TELEGRAM__MOED"),
        "{stderr}"
    );
}

#[tokio::test]
async fn sigterm_finishes_answers_in_flight_and_exits_0() {
    let fake = FakeTelegram::start().await;
    let tmp = tempfile::tempdir().expect("tempdir");
    let child = binary(&fake, tmp.path(), &[]).spawn().expect("spawn");
    fake.wait_for("setMyCommands", 1).await;
    fake.fail("sendMessage", Fault::Delay(1500), 1);
    let (_, question) = fake.private_text(519, QUESTION);
    fake.wait_arrived("sendMessage", 1).await;
    signal(&child, "-TERM");
    let (status, stderr) = wait_exit(child, tmp.path()).await;
    assert_eq!(status.code(), Some(0), "{stderr}");
    assert_eq!(
        fake.replies_to(&question).len(),
        1,
        "the answer in flight was delivered"
    );
    assert!(!stderr.contains(TOKEN));
}

#[tokio::test]
async fn kill_9_mid_answer_loses_nothing_and_repeats_nothing() {
    let fake = FakeTelegram::start().await;
    let tmp = tempfile::tempdir().expect("tempdir");
    let mut child = binary(&fake, tmp.path(), &[]).spawn().expect("spawn");
    let (u1, q1) = fake.private_text(520, QUESTION);
    fake.wait_handled(u1).await;
    // Wait until the offset past q1 is on disk (in attache.db's state table).
    let db = tmp.path().join(attache::telegram::journal::FILE_NAME);
    for _ in 0..600 {
        let saved = attache::qlog::QuestionLog::open(&db)
            .ok()
            .and_then(|log| log.state(attache::telegram::offset::STATE_KEY).ok())
            .flatten()
            .unwrap_or(0);
        if saved > i64::from(u1) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    fake.fail("sendMessage", Fault::Hang, 1);
    let (_, q2) = fake.private_text(520, "When was the 29th ASEAN-ROK Dialogue held?");
    fake.wait_arrived("sendMessage", 2).await;
    child.kill().expect("kill -9");
    let _ = wait_exit(child, tmp.path()).await;
    let restarted = binary(&fake, tmp.path(), &[]).spawn().expect("respawn");
    for _ in 0..600 {
        if !fake.replies_to(&q2).is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    signal(&restarted, "-TERM");
    let (status, stderr) = wait_exit(restarted, tmp.path()).await;
    assert_eq!(status.code(), Some(0), "{stderr}");
    assert_eq!(
        fake.replies_to(&q1).len(),
        1,
        "answered once before the crash, not again"
    );
    assert_eq!(
        fake.replies_to(&q2).len(),
        1,
        "the interrupted answer came after restart"
    );
}

/// After a week without updates Telegram starts update ids again at a random number,
/// possibly below the saved offset: the bot must follow them, not wait for ids above it.
#[tokio::test]
async fn follows_update_ids_that_start_again_below_the_saved_offset() {
    let fake = FakeTelegram::start().await;
    let tmp = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        tmp.path().join(attache::telegram::offset::FILE_NAME),
        "500000",
    )
    .expect("an offset from the old sequence");
    let child = binary(&fake, tmp.path(), &[]).spawn().expect("spawn");
    fake.wait_for("setMyCommands", 1).await;
    let (first, q1) = fake.private_text(521, QUESTION);
    fake.wait_handled(first).await;
    let (second, q2) = fake.private_text(521, "When was the 29th ASEAN-ROK Dialogue held?");
    fake.wait_handled(second).await;
    signal(&child, "-TERM");
    let (status, stderr) = wait_exit(child, tmp.path()).await;
    assert_eq!(status.code(), Some(0), "{stderr}");
    assert!(
        first < 500_000,
        "the fake's ids start below the saved offset"
    );
    assert_eq!(fake.replies_to(&q1).len(), 1, "{stderr}");
    assert_eq!(fake.replies_to(&q2).len(), 1, "{stderr}");
    assert!(stderr.contains("started again"), "{stderr}");
}

#[test]
fn config_command_prints_redacted_settings_and_sources() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_attache"))
        .args(["config"])
        .current_dir(root())
        .env("ATTACHE__TELEGRAM__TOKEN", TOKEN)
        .env("ATTACHE__TELEGRAM__MODE", "polling")
        .output()
        .expect("run attache config");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!stdout.contains(TOKEN), "{stdout}");
    assert!(stdout.contains("token = \"[redacted]\""), "{stdout}");
    assert!(
        stdout.contains("environment variable ATTACHE__TELEGRAM__MODE"),
        "{stdout}"
    );
    let _ = std::io::stdout().flush();
}

// ---- Telegram's real rules: limits, id resets, conflicts, webhooks, crashes --------

/// Waits (up to `secs`) until `done` holds; false if it never did.
pub async fn eventually(secs: u64, mut done: impl FnMut() -> bool) -> bool {
    let deadline = std::time::Instant::now() + Duration::from_secs(secs);
    while std::time::Instant::now() < deadline {
        if done() {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    done()
}

/// One chat sends 80 questions at once; a second chat's question, asked right
/// after, is answered within 2 s, and the 80 are answered in full, in order, at
/// Telegram's rate (one message a second in a chat) — with throttling on, and
/// the fake refusing what breaks Telegram's limits.
#[tokio::test]
async fn one_chat_flooding_never_holds_another_chats_answer() {
    let mut app = spawn_app().await;
    app.fake.wait_for("setMyCommands", 1).await;
    let questions = [
        QUESTION,
        "When was the 29th ASEAN-ROK Dialogue held?",
        "/about",
        "What is the recipe for kimchi stew?",
    ];
    let flood: Vec<Value> = (0..80)
        .map(|i| app.fake.private_text(600, questions[i % questions.len()]).1)
        .collect();
    let (_, other) = app.fake.private_text(601, QUESTION);
    let asked = std::time::Instant::now();
    let fake = &app.fake;
    assert!(
        eventually(2, || !fake.replies_to(&other).is_empty()).await,
        "the second chat got no answer within 2 s of asking (the flood's replies so far: {})",
        fake.calls("sendMessage").len()
    );
    let fair = asked.elapsed();
    assert!(
        eventually(150, || flood.iter().all(|q| !fake.replies_to(q).is_empty())).await,
        "the flood was not answered in full: {} of 80",
        flood
            .iter()
            .filter(|q| !fake.replies_to(q).is_empty())
            .count()
    );
    let sent = fake.calls("sendMessage");
    let flood_ids: Vec<i64> = sent
        .iter()
        .filter(|c| c.body["chat_id"] == 600)
        .filter_map(|c| c.body["reply_parameters"]["message_id"].as_i64())
        .collect();
    let asked_ids: Vec<i64> = flood
        .iter()
        .filter_map(|q| q["message_id"].as_i64())
        .collect();
    assert_eq!(
        flood_ids, asked_ids,
        "answered once each, in the order asked"
    );
    assert!(
        fake.rejected() <= 2,
        "the bot broke Telegram's limits {} times",
        fake.rejected()
    );
    println!(
        "fairness: second chat answered {:.0} ms after asking; flood of 80 in {:.1} s",
        fair.as_secs_f64() * 1000.0,
        asked.elapsed().as_secs_f64()
    );
    app.stop().await.expect("clean stop");
}

/// Telegram hands out at most 100 updates past the offset: with
/// `telegram.keep_updates`, a backlog longer than that does not hide another
/// chat's question (received updates are kept in attache.db and confirmed before
/// they are answered).
#[tokio::test]
async fn a_backlog_beyond_telegrams_window_never_hides_another_chat() {
    let mut app = spawn_app_with(&[("ATTACHE__TELEGRAM__KEEP_UPDATES", "true")]).await;
    app.fake.wait_for("setMyCommands", 1).await;
    for _ in 0..150 {
        app.fake.private_text(605, "/about");
    }
    let (_, other) = app.fake.private_text(606, QUESTION);
    let fake = &app.fake;
    assert!(
        eventually(2, || !fake.replies_to(&other).is_empty()).await,
        "the question behind 150 others got no answer within 2 s"
    );
    app.stop().await.expect("clean stop");
}

/// A chat's backlog is bounded: beyond `chat_backlog` it is asked, once, to go
/// one at a time, and the others chats are not held.
#[tokio::test]
async fn an_overflowing_chat_is_asked_to_go_one_at_a_time() {
    let mut app = spawn_app_with(&[("ATTACHE__TELEGRAM__CHAT_BACKLOG", "3")]).await;
    app.fake.wait_for("setMyCommands", 1).await;
    let asked: Vec<(u32, Value)> = (0..8)
        .map(|_| app.fake.private_text(610, "/about"))
        .collect();
    for (u, _) in &asked {
        app.fake.wait_handled(*u).await;
    }
    let sent = app.fake.calls("sendMessage");
    let notes = sent
        .iter()
        .filter(|c| text_of(&c.body).contains("one at a time"))
        .count();
    assert_eq!(notes, 1, "one polite note");
    let answered = asked
        .iter()
        .filter(|(_, q)| {
            app.fake
                .replies_to(q)
                .iter()
                .any(|r| text_of(r).contains("press releases"))
        })
        .count();
    assert!(
        (3..8).contains(&answered),
        "the backlog was answered, the overflow not: {answered}"
    );
    app.stop().await.expect("clean stop");
}

/// A question and its edit in one batch: one answer, then one edit of it.
#[tokio::test]
async fn a_question_and_its_edit_in_one_batch_give_one_answer_and_one_edit() {
    let mut app = spawn_app().await;
    app.fake.wait_for("setMyCommands", 1).await;
    let (_, question) = app
        .fake
        .private_text(620, "When was the 29th ASEAN-ROK Dialogue held?");
    let edit = app.fake.edit(&question, QUESTION);
    app.fake.wait_handled(edit).await;
    assert_eq!(app.fake.replies_to(&question).len(), 1, "one answer");
    let edits = app.fake.calls("editMessageText");
    assert_eq!(edits.len(), 1, "one edit");
    assert!(text_of(&edits[0].body).contains("Seoul"));
    app.stop().await.expect("clean stop");
}

fn saved_offset(data_dir: &Path) -> Option<i64> {
    let db = data_dir.join(attache::telegram::journal::FILE_NAME);
    attache::qlog::QuestionLog::open(&db)
        .ok()?
        .state(attache::telegram::offset::STATE_KEY)
        .ok()?
}

/// Telegram starts update ids again while the bot runs: the next question is
/// answered (within a poll), the lower offset is saved, and after a restart the
/// bot neither goes deaf nor answers anything twice.
#[tokio::test]
async fn update_ids_that_start_over_are_followed_running_and_restarted() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let fake = FakeTelegram::start().await;
    let mut app = start(fake, tmp.path(), &[], None).await;
    let (u1, q1) = app.fake.private_text(630, QUESTION);
    app.fake.wait_handled(u1).await;
    app.fake.reset_ids(10);
    let (u2, q2) = app
        .fake
        .private_text(630, "When was the 29th ASEAN-ROK Dialogue held?");
    assert!(u2 < u1, "the fake's ids started over");
    app.fake.wait_handled(u2).await;
    let (u3, q3) = app.fake.private_text(630, "/about");
    app.fake.wait_handled(u3).await;
    app.stop().await.expect("clean stop");
    let saved = saved_offset(tmp.path()).expect("an offset saved");
    assert_eq!(saved, i64::from(u3) + 1, "the lower offset is stored");
    assert!(app.logs().contains("started again"));

    let (u4, q4) = app.fake.private_text(630, "/latest");
    let mut again = app.start_again().await;
    again.fake.wait_handled(u4).await;
    for (q, what) in [(&q1, "q1"), (&q2, "q2"), (&q3, "q3"), (&q4, "q4")] {
        assert_eq!(again.fake.replies_to(q).len(), 1, "{what} answered once");
    }
    again.stop().await.expect("clean stop");
}

/// An update delivered again after it was answered (the crash came before the
/// offset reached Telegram) is recognised in the answered-update record.
#[tokio::test]
async fn an_answered_update_delivered_again_after_restart_is_not_answered_twice() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let fake = FakeTelegram::start().await;
    let mut app = start(fake, tmp.path(), &[], None).await;
    let (u1, q1) = app.fake.private_text(640, QUESTION);
    app.fake.wait_handled(u1).await;
    app.stop().await.expect("clean stop");
    // As if the process died before the offset was saved or confirmed.
    let db = tmp.path().join(attache::telegram::journal::FILE_NAME);
    attache::qlog::QuestionLog::open(&db)
        .expect("db")
        .set_state(attache::telegram::offset::STATE_KEY, i64::from(u1))
        .expect("older offset");
    app.fake.redeliver(u1);
    let mut again = app.start_again().await;
    again.fake.wait_handled(u1).await;
    let (u2, _) = again.fake.private_text(640, "/about");
    again.fake.wait_handled(u2).await;
    assert_eq!(again.fake.replies_to(&q1).len(), 1, "not answered twice");
    again.stop().await.expect("clean stop");
    assert!(again.logs().contains("not answering twice"));
}

/// A free port on loopback (bound and released: the binary binds it next).
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// Two processes polling one token: each log explains it once per episode, the
/// metric counts it, and once the second stops the first answers again.
#[tokio::test]
async fn a_second_instance_is_explained_counted_and_survived() {
    let fake = FakeTelegram::start().await;
    let (a, b) = (
        tempfile::tempdir().expect("a"),
        tempfile::tempdir().expect("b"),
    );
    let port = free_port().to_string();
    let ops = format!("127.0.0.1:{port}");
    let first = binary(&fake, a.path(), &[("ATTACHE__OPS__LISTEN", &ops)])
        .spawn()
        .expect("spawn a");
    let (u1, q1) = fake.private_text(650, QUESTION);
    fake.wait_handled(u1).await;
    let second = binary(&fake, b.path(), &[]).spawn().expect("spawn b");
    assert!(
        eventually(30, || fake.conflicts() >= 4).await,
        "the fake saw two pollers"
    );
    let addr: SocketAddr = ops.parse().expect("addr");
    let (_, metrics) = http(addr, "GET", "/metrics", &[], "").await;
    assert!(
        metrics
            .lines()
            .any(|l| l.starts_with("attache_telegram_conflicts_total") && !l.ends_with(" 0")),
        "{metrics}"
    );
    signal(&second, "-TERM");
    let (_, log_b) = wait_exit(second, b.path()).await;
    let (u2, q2) = fake.private_text(650, "/about");
    fake.wait_handled(u2).await;
    signal(&first, "-TERM");
    let (status, log_a) = wait_exit(first, a.path()).await;
    assert_eq!(status.code(), Some(0), "{log_a}");
    for (name, log) in [("first", &log_a), ("second", &log_b)] {
        let explained = log.matches("another process polls this token").count();
        let cleared = log.matches("the conflict is over").count();
        assert!(explained >= 1, "{name} explains the conflict: {log}");
        assert!(
            explained <= cleared + 1,
            "{name} explains once per episode ({explained} times, {cleared} cleared)"
        );
    }
    assert_eq!(fake.replies_to(&q1).len(), 1);
    assert_eq!(
        fake.replies_to(&q2).len(),
        1,
        "answered once, by one of them"
    );
}

fn webhook_env(secret: &str) -> [(&str, &str); 3] {
    [
        ("ATTACHE__TELEGRAM__MODE", "webhook"),
        (
            "ATTACHE__TELEGRAM__PUBLIC_URL",
            "https://bot.example.org/telegram/hook",
        ),
        ("ATTACHE__TELEGRAM__SECRET_TOKEN", secret),
    ]
}

/// Sends only a request's head (no body) and returns the status line's code.
async fn head_only(addr: SocketAddr, head: &str) -> u16 {
    let mut stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
    stream.write_all(head.as_bytes()).await.expect("write");
    let mut buf = vec![0u8; 256];
    let read = tokio::time::timeout(Duration::from_secs(5), stream.read(&mut buf)).await;
    let n = read
        .expect("answered without waiting for the body")
        .expect("read");
    String::from_utf8_lossy(&buf[..n])
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0)
}

/// The secret is checked before the body is read (a 3 MB unauthenticated POST
/// gets 401 at once), a body beyond Telegram's sizes is refused, and a malformed
/// update is logged without its content and acknowledged.
#[tokio::test]
async fn webhook_refuses_before_the_body_and_acknowledges_malformed_updates() {
    let fake = FakeTelegram::start().await;
    let tmp = tempfile::tempdir().expect("tempdir");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let secret = "s3cret-Token_for-tests";
    let mut app = start(fake, tmp.path(), &webhook_env(secret), Some(listener)).await;
    app.fake.wait_for("setWebhook", 1).await;

    let head = format!(
        "POST /telegram/hook HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: 3000000\r\n\r\n"
    );
    assert_eq!(
        head_only(addr, &head).await,
        401,
        "no secret: 401 before the body"
    );
    let head = format!(
        "POST /telegram/hook HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nX-Telegram-Bot-Api-Secret-Token: {secret}\r\nContent-Length: 3000000\r\n\r\n"
    );
    assert_eq!(head_only(addr, &head).await, 413, "too large for an update");
    // A client that never finishes its headers is cut off, not kept forever.
    let mut slow = tokio::net::TcpStream::connect(addr).await.expect("connect");
    slow.write_all(b"POST /telegram/hook HTTP/1.1\r\nHost: x\r\n")
        .await
        .expect("write");
    let mut rest = Vec::new();
    let closed = tokio::time::timeout(Duration::from_secs(30), slow.read_to_end(&mut rest)).await;
    assert!(
        closed.is_ok(),
        "a connection with unfinished headers stays open"
    );

    let right = [
        ("Content-Type", "application/json"),
        ("X-Telegram-Bot-Api-Secret-Token", secret),
    ];
    let marker = "Private-Person-Zanzibar";
    let malformed = format!("{{\"update_id\": \"{marker}\", \"message\": 5");
    let (status, _) = http(addr, "POST", "/telegram/hook", &right, &malformed).await;
    assert_eq!(
        status, 200,
        "acknowledged, so Telegram does not resend it forever"
    );
    let wrong_shape = format!("{{\"update_id\": 5, \"message\": {{\"text\": \"{marker}\"}}}}");
    let (status, _) = http(addr, "POST", "/telegram/hook", &right, &wrong_shape).await;
    assert_eq!(status, 200);
    app.stop().await.expect("clean stop");
    let logs = app.logs();
    assert!(
        logs.contains("not an update"),
        "the malformed update was logged"
    );
    assert!(!logs.contains(marker), "its content was not: {logs}");
    assert!(app.fake.calls("sendMessage").is_empty());
}

/// `/readyz` fails once the Bot API keeps timing out, and recovers with it.
#[tokio::test]
async fn readyz_fails_while_telegram_times_out() {
    let mut app = spawn_app().await;
    ask_private(&app, 660, QUESTION).await;
    let (status, _) = http(app.ops, "GET", "/readyz", &[], "").await;
    assert_eq!(status, 200);
    app.fake.fail("getUpdates", Fault::Hang, 1000);
    let ops = app.ops;
    let mut last = 0;
    for _ in 0..60 {
        last = http(ops, "GET", "/readyz", &[], "").await.0;
        if last == 503 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    assert_eq!(last, 503, "not ready while every getUpdates times out");
    app.fake.clear_faults();
    for _ in 0..60 {
        last = http(ops, "GET", "/readyz", &[], "").await.0;
        if last == 200 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    assert_eq!(last, 200, "ready again once Telegram answers");
    app.stop().await.expect("clean stop");
}

/// A settings value that would panic deep inside the HTTP client is refused by
/// `attache check` and by `serve` with exit code 2.
#[tokio::test]
async fn a_bad_api_url_is_refused_not_a_panic() {
    let fake = FakeTelegram::start().await;
    let tmp = tempfile::tempdir().expect("tempdir");
    let child = binary(
        &fake,
        tmp.path(),
        &[("ATTACHE__TELEGRAM__API_URL", "foo:bar")],
    )
    .spawn()
    .expect("spawn");
    let (status, stderr) = wait_exit(child, tmp.path()).await;
    assert_eq!(status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("telegram.api_url"), "{stderr}");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_attache"))
        .arg("check")
        .current_dir(root())
        .env_clear()
        .envs(test_env(
            &fake,
            tmp.path(),
            &[("ATTACHE__TELEGRAM__API_URL", "foo:bar")],
        ))
        .output()
        .expect("run check");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stdout).contains("telegram.api_url"));
}

/// `kill -9` in the middle of a load: nothing is lost, and the replies sent twice
/// (counted from every send the fake accepted, also those whose answer the bot
/// never saw) stay within the guarantee — only an update whose reply was in
/// flight at the kill, at most one per chat, may be answered again.
#[tokio::test]
async fn kill_9_under_load_loses_nothing_and_doubles_at_most_what_was_in_flight() {
    let fake = FakeTelegram::start().await;
    let tmp = tempfile::tempdir().expect("tempdir");
    let mut child = binary(&fake, tmp.path(), &[]).spawn().expect("spawn");
    fake.wait_for("setMyCommands", 1).await;
    let chats = 10;
    let questions = [
        QUESTION,
        "When was the 29th ASEAN-ROK Dialogue held?",
        "/about",
        "/latest",
    ];
    let mut asked = Vec::new();
    for question in questions {
        for chat in 0..chats {
            asked.push(fake.private_text(700 + chat, question).1);
        }
    }
    // One reply accepted by Telegram but never confirmed to the bot, then the kill.
    fake.fail("sendMessage", Fault::HangAfterAccept, 1);
    assert!(
        eventually(60, || fake.count("sendMessage") >= 15).await,
        "answers under way"
    );
    child.kill().expect("kill -9");
    let _ = wait_exit(child, tmp.path()).await;
    let before = fake.count("sendMessage");
    let db = tmp.path().join(attache::telegram::journal::FILE_NAME);
    let recorded = attache::qlog::QuestionLog::open(&db)
        .and_then(|log| log.answered_count())
        .expect("the answered record reads");
    fake.clear_faults();
    let restarted = binary(&fake, tmp.path(), &[]).spawn().expect("respawn");
    let answered = eventually(120, || asked.iter().all(|q| !fake.replies_to(q).is_empty())).await;
    signal(&restarted, "-TERM");
    let (status, stderr) = wait_exit(restarted, tmp.path()).await;
    let lost = asked
        .iter()
        .filter(|q| fake.replies_to(q).is_empty())
        .count();
    let doubles: usize = asked
        .iter()
        .map(|q| fake.replies_to(q).len().saturating_sub(1))
        .sum();
    println!(
        "kill -9: {} questions, {before} replies accepted before the kill, {recorded} recorded as answered, lost {lost}, doubled {doubles}",
        asked.len()
    );
    assert!(answered && lost == 0, "{lost} lost; {stderr}");
    // Every question here is answered in one message: the replies Telegram had
    // accepted but the bot had not recorded are all that may come twice.
    let unrecorded = before.saturating_sub(usize::try_from(recorded).unwrap_or(0));
    assert!(
        doubles <= unrecorded,
        "{doubles} doubles, but only {unrecorded} replies were accepted and unrecorded at the kill"
    );
    assert!(
        doubles <= chats as usize,
        "{doubles} doubles: more than one per chat in flight"
    );
    assert_eq!(status.code(), Some(0), "{stderr}");
}

/// `telegram.keep_updates`: updates confirmed before they are answered survive
/// `kill -9` in attache.db and are answered after the restart; doubles stay within
/// the replies accepted but not yet recorded as answered.
#[tokio::test]
async fn kept_updates_survive_kill_9_and_are_answered_after_restart() {
    let fake = FakeTelegram::start().await;
    let tmp = tempfile::tempdir().expect("tempdir");
    let keep = [("ATTACHE__TELEGRAM__KEEP_UPDATES", "true")];
    let mut child = binary(&fake, tmp.path(), &keep).spawn().expect("spawn");
    fake.wait_for("setMyCommands", 1).await;
    let mut asked = Vec::new();
    for _ in 0..6 {
        for chat in 0..5 {
            asked.push(fake.private_text(750 + chat, "/about").1);
        }
    }
    assert!(
        eventually(60, || fake.count("sendMessage") >= 8).await,
        "answers under way"
    );
    child.kill().expect("kill -9");
    let _ = wait_exit(child, tmp.path()).await;
    let before = fake.count("sendMessage");
    let db = tmp.path().join(attache::telegram::journal::FILE_NAME);
    let recorded = attache::qlog::QuestionLog::open(&db)
        .and_then(|log| log.answered_count())
        .expect("the answered record reads");
    assert!(
        fake.confirmed() > asked.len() as u32 + 999,
        "all updates were confirmed before they were answered"
    );
    let restarted = binary(&fake, tmp.path(), &keep).spawn().expect("respawn");
    let answered = eventually(60, || asked.iter().all(|q| !fake.replies_to(q).is_empty())).await;
    signal(&restarted, "-TERM");
    let (status, stderr) = wait_exit(restarted, tmp.path()).await;
    let lost = asked
        .iter()
        .filter(|q| fake.replies_to(q).is_empty())
        .count();
    let doubles: usize = asked
        .iter()
        .map(|q| fake.replies_to(q).len().saturating_sub(1))
        .sum();
    println!(
        "kept updates, kill -9: {before} replies before, {recorded} recorded, lost {lost}, doubled {doubles}"
    );
    assert!(answered && lost == 0, "{lost} lost; {stderr}");
    let unrecorded = before.saturating_sub(usize::try_from(recorded).unwrap_or(0));
    assert!(
        doubles <= unrecorded,
        "{doubles} doubles > {unrecorded} unrecorded"
    );
    assert!(stderr.contains("kept from the last run"), "{stderr}");
    assert_eq!(status.code(), Some(0), "{stderr}");
}
