//! A fake Telegram Bot API server for end-to-end tests: axum on 127.0.0.1:0,
//! speaking the Bot API's JSON for the methods the bot uses, recording every call
//! it accepted (also those whose answer never reached the bot), and keeping
//! Telegram's rules:
//! - sending limits: one message a second in a chat, 20 a minute in a group, 30 a
//!   second overall; beyond them 429 with `retry_after` (counted in `rejected`);
//! - empty or over-long texts are refused (400);
//! - a getUpdates while another is waiting ends the older one with 409 (two
//!   pollers on one token);
//! - update ids that start over (`reset_ids`): an offset above every id issued
//!   confirms nothing and returns nothing, while `getWebhookInfo` still counts the
//!   pending updates.
//!
//! It misbehaves on request (429, 500, hang before or after accepting, malformed
//! JSON, dropped connection, 409, slow answers).
//!
//! Tests push updates (`private_text`, `callback`, …) and then wait for the calls
//! the bot makes (`wait_for`). Waits have a generous deadline that only turns a
//! hang into a clear failure; no test asserts on timing.

#![allow(dead_code)]

use std::collections::{HashMap, VecDeque};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use serde_json::{Value, json};
use tokio::sync::Notify;

pub const TOKEN: &str = "4242424242:AAFakeTokenForTests_do-not-leak-0123456789";
pub const BOT_ID: i64 = 4_242_424_242;
pub const BOT_USERNAME: &str = "attache_test_bot";
/// How long `wait_for` waits before failing the test (a guard, not a measurement).
const WAIT: Duration = Duration::from_secs(60);

#[derive(Debug, Clone, PartialEq)]
pub enum Fault {
    /// 429 with `parameters.retry_after` seconds.
    RetryAfter(u32),
    /// 500 Internal Server Error (JSON body, as Telegram sends it).
    ServerError,
    /// Never answers (the client times out).
    Hang,
    /// 200 with a body that is not JSON.
    MalformedJson,
    /// Closes the connection without an answer.
    DropConnection,
    /// 409 Conflict: terminated by other getUpdates request.
    Conflict,
    /// Answers normally after this many milliseconds.
    Delay(u64),
    /// 401 Unauthorized, as for a revoked token.
    Unauthorized,
    /// Accepts the call (it is recorded: the message is delivered), then never
    /// answers.
    HangAfterAccept,
    /// 200 with this body (e.g. updates cut off mid-way, users' words and all).
    Body(String),
    /// Accepts the call, then closes the connection without an answer.
    DropAfterAccept,
}

/// One Bot API call as the fake received and answered it.
#[derive(Debug, Clone)]
pub struct Call {
    pub method: String,
    pub body: Value,
    pub at: Instant,
}

#[derive(Default)]
struct Inner {
    next_update: u32,
    next_message: i64,
    updates: Vec<(u32, Value)>,
    /// Every update ever pushed (for `redeliver`).
    delivered: HashMap<u32, Value>,
    /// When each update was made available (for latency figures).
    pushed_at: HashMap<u32, Instant>,
    messages: HashMap<(i64, i64), Value>,
    chats: HashMap<i64, Value>,
    calls: Vec<Call>,
    faults: VecDeque<(String, Fault)>,
    webhook_url: String,
    confirmed: u32,
    /// Methods in the order their requests arrived (before any fault or delay).
    arrivals: Vec<String>,
    /// Sends refused with 429 because they broke Telegram's limits.
    rejected: usize,
    /// Whether the sending limits are kept (a local Bot API server keeps none).
    unlimited: bool,
    /// Accepted sends per chat, and overall (for the limits).
    sent_per_chat: HashMap<i64, VecDeque<Instant>>,
    sent_overall: VecDeque<Instant>,
    /// Bumped by every getUpdates; an older waiting one then ends with 409.
    poll_generation: u64,
    /// getUpdates answered with 409 because another poller came.
    conflicts: usize,
}

struct Shared {
    inner: Mutex<Inner>,
    changed: Notify,
}

pub struct FakeTelegram {
    pub addr: SocketAddr,
    shared: Arc<Shared>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for FakeTelegram {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl FakeTelegram {
    /// Like a local Bot API server: no sending limits (for throttling-off runs).
    pub async fn start_unlimited() -> FakeTelegram {
        let fake = FakeTelegram::start().await;
        fake.lock().unlimited = true;
        fake
    }

    pub async fn start() -> FakeTelegram {
        let shared = Arc::new(Shared {
            inner: Mutex::new(Inner {
                next_update: 1000,
                next_message: 1,
                ..Inner::default()
            }),
            changed: Notify::new(),
        });
        let app = Router::new()
            .route("/{bot}/{method}", any(handle))
            .with_state(shared.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind fake telegram");
        let addr = listener.local_addr().expect("fake addr");
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        FakeTelegram { addr, shared, task }
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.shared
            .inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The next `times` calls of `method` ("*" for any) misbehave with `fault`.
    pub fn fail(&self, method: &str, fault: Fault, times: usize) {
        let mut inner = self.lock();
        for _ in 0..times {
            inner.faults.push_back((method.to_string(), fault.clone()));
        }
    }

    pub fn clear_faults(&self) {
        self.lock().faults.clear();
    }

    /// Telegram starts update ids again (after a week without updates, or a new
    /// Bot API server): the next update gets `next`.
    pub fn reset_ids(&self, next: u32) {
        let mut inner = self.lock();
        inner.next_update = next;
        // Nothing of the new sequence is confirmed yet.
        inner.confirmed = 0;
    }

    /// Sends refused with 429 for breaking the limits.
    pub fn rejected(&self) -> usize {
        self.lock().rejected
    }

    /// getUpdates calls ended with 409 because another poller came.
    pub fn conflicts(&self) -> usize {
        self.lock().conflicts
    }

    pub fn set_webhook_url(&self, url: &str) {
        self.lock().webhook_url = url.to_string();
    }

    // ---- updates ----------------------------------------------------------

    fn push(&self, kind: &str, payload: Value) -> u32 {
        let id = {
            let mut inner = self.lock();
            let id = inner.next_update;
            inner.next_update += 1;
            let mut update = json!({ "update_id": id });
            update[kind] = payload;
            inner.delivered.insert(id, update.clone());
            inner.updates.push((id, update));
            inner.pushed_at.insert(id, Instant::now());
            id
        };
        self.shared.changed.notify_waiters();
        id
    }

    fn new_message_id(&self) -> i64 {
        let mut inner = self.lock();
        let id = inner.next_message;
        inner.next_message += 1;
        id
    }

    fn user(id: i64) -> Value {
        json!({ "id": id, "is_bot": false, "first_name": format!("User{id}"), "language_code": "en" })
    }

    pub fn private_chat(id: i64) -> Value {
        json!({ "id": id, "type": "private", "first_name": format!("User{id}") })
    }

    pub fn group_chat(id: i64) -> Value {
        json!({ "id": id, "type": "supergroup", "title": "ASEAN watchers" })
    }

    /// A user message (built by `extra`) in `chat`; returns (update id, message).
    pub fn message(&self, chat: Value, user: i64, extra: Value) -> (u32, Value) {
        let mid = self.new_message_id();
        let mut msg = json!({
            "message_id": mid,
            "date": 1_720_000_000,
            "chat": chat.clone(),
            "from": Self::user(user),
        });
        if let (Some(m), Some(e)) = (msg.as_object_mut(), extra.as_object()) {
            for (k, v) in e {
                m.insert(k.clone(), v.clone());
            }
        }
        let chat_id = chat["id"].as_i64().unwrap_or_default();
        {
            let mut inner = self.lock();
            inner.messages.insert((chat_id, mid), msg.clone());
            inner.chats.insert(chat_id, chat);
        }
        let id = self.push("message", msg.clone());
        (id, msg)
    }

    pub fn private_text(&self, chat: i64, text: &str) -> (u32, Value) {
        self.message(Self::private_chat(chat), chat, json!({ "text": text }))
    }

    pub fn group_text(
        &self,
        chat: i64,
        user: i64,
        text: &str,
        reply_to: Option<&Value>,
    ) -> (u32, Value) {
        let mut extra = json!({ "text": text });
        if let Some(r) = reply_to {
            extra["reply_to_message"] = r.clone();
        }
        if text.starts_with('/') {
            let len = text
                .split_whitespace()
                .next()
                .map(|c| c.encode_utf16().count())
                .unwrap_or(0);
            extra["entities"] = json!([{ "type": "bot_command", "offset": 0, "length": len }]);
        }
        self.message(Self::group_chat(chat), user, extra)
    }

    /// An edit of an earlier user message, with new text.
    pub fn edit(&self, original: &Value, text: &str) -> u32 {
        let mut msg = original.clone();
        msg["text"] = json!(text);
        msg["edit_date"] = json!(1_720_000_100);
        self.push("edited_message", msg)
    }

    pub fn callback(&self, user: i64, bot_message: &Value, data: &str) -> u32 {
        let q = json!({
            "id": format!("cb{}", self.new_message_id()),
            "from": Self::user(user),
            "chat_instance": "ci-1",
            "message": bot_message,
            "data": data,
        });
        self.push("callback_query", q)
    }

    pub fn inline_query(&self, user: i64, query: &str) -> u32 {
        let q = json!({
            "id": format!("iq{}", self.new_message_id()),
            "from": Self::user(user),
            "query": query,
            "offset": "",
        });
        self.push("inline_query", q)
    }

    /// Telegram delivers update `id` again (as after a crash before its offset
    /// was confirmed): it is put back among the pending ones.
    pub fn redeliver(&self, id: u32) {
        {
            let mut inner = self.lock();
            if let Some(update) = inner.delivered.get(&id).cloned()
                && !inner.updates.iter().any(|(u, _)| *u == id)
            {
                inner.updates.push((id, update));
                inner.updates.sort_by_key(|(u, _)| *u);
                inner.confirmed = id;
            }
        }
        self.shared.changed.notify_waiters();
    }

    pub fn pushed_at(&self, update: u32) -> Option<Instant> {
        self.lock().pushed_at.get(&update).copied()
    }

    /// The update id below which the bot has confirmed everything.
    pub fn confirmed(&self) -> u32 {
        self.lock().confirmed
    }

    // ---- recorded calls ---------------------------------------------------

    pub fn calls(&self, method: &str) -> Vec<Call> {
        self.lock()
            .calls
            .iter()
            .filter(|c| method == "*" || c.method == method)
            .cloned()
            .collect()
    }

    /// Waits until `n` calls of `method` were answered; fails the test (listing
    /// what did arrive) if they do not come.
    pub async fn wait_for(&self, method: &str, n: usize) -> Vec<Call> {
        let deadline = Instant::now() + WAIT;
        loop {
            let changed = self.shared.changed.notified();
            let calls = self.calls(method);
            if calls.len() >= n {
                return calls;
            }
            if Instant::now() > deadline {
                let seen: Vec<String> = self.calls("*").iter().map(|c| c.method.clone()).collect();
                panic!(
                    "expected {n} `{method}` calls, got {}; all calls: {seen:?}",
                    calls.len()
                );
            }
            let _ = tokio::time::timeout(Duration::from_millis(200), changed).await;
        }
    }

    /// How many calls of `method` were answered (cheap; no cloning).
    pub fn count(&self, method: &str) -> usize {
        self.lock()
            .calls
            .iter()
            .filter(|c| c.method == method)
            .count()
    }

    /// Waits until `n` requests for `method` arrived (answered or not).
    pub async fn wait_arrived(&self, method: &str, n: usize) {
        let deadline = Instant::now() + WAIT;
        loop {
            let changed = self.shared.changed.notified();
            let count = self.lock().arrivals.iter().filter(|m| *m == method).count();
            if count >= n {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "expected {n} `{method}` requests, got {count}"
            );
            let _ = tokio::time::timeout(Duration::from_millis(200), changed).await;
        }
    }

    /// Waits until the bot confirmed (polled past) `update`: it was handled.
    pub async fn wait_handled(&self, update: u32) {
        let deadline = Instant::now() + WAIT;
        loop {
            let changed = self.shared.changed.notified();
            if self.confirmed() > update {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "update {update} was never handled"
            );
            let _ = tokio::time::timeout(Duration::from_millis(200), changed).await;
        }
    }

    /// The messages the bot sent that reply to `message` (by reply_parameters).
    pub fn replies_to(&self, message: &Value) -> Vec<Value> {
        let id = message["message_id"].as_i64();
        self.calls("sendMessage")
            .into_iter()
            .filter(|c| c.body["reply_parameters"]["message_id"].as_i64() == id)
            .map(|c| c.body)
            .collect()
    }

    /// The bot's sent message as Telegram would show it (for callback tests).
    pub fn bot_message(&self, call: &Call) -> Value {
        call.body["__message"].clone()
    }
}

// ---- the HTTP side -------------------------------------------------------------

fn ok(result: Value) -> Response {
    axum::Json(json!({ "ok": true, "result": result })).into_response()
}

fn error(status: StatusCode, description: &str, parameters: Option<Value>) -> Response {
    let mut body =
        json!({ "ok": false, "error_code": status.as_u16(), "description": description });
    if let Some(p) = parameters {
        body["parameters"] = p;
    }
    (status, axum::Json(body)).into_response()
}

fn take_fault(shared: &Shared, method: &str) -> Option<Fault> {
    let mut inner = shared
        .inner
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let pos = inner
        .faults
        .iter()
        .position(|(m, _)| m == method || m == "*")?;
    inner.faults.remove(pos).map(|(_, f)| f)
}

async fn handle(
    State(shared): State<Arc<Shared>>,
    Path((bot, method)): Path<(String, String)>,
    headers: axum::http::HeaderMap,
    body: Bytes,
) -> Response {
    // Bot API method names are case-insensitive; teloxide sends "GetMe".
    let mut chars = method.chars();
    let method: String = match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => method,
    };
    if bot != format!("bot{TOKEN}") {
        return error(StatusCode::UNAUTHORIZED, "Unauthorized", None);
    }
    let content_type = headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let params: Value = match content_type.split_once("boundary=") {
        Some((_, boundary)) => multipart(&body, boundary.trim_matches('"')),
        None => serde_json::from_slice(&body).unwrap_or(json!({})),
    };
    shared
        .inner
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .arrivals
        .push(method.clone());
    shared.changed.notify_waiters();
    let mut after_accept = None;
    if let Some(fault) = take_fault(&shared, &method) {
        match fault {
            Fault::RetryAfter(s) => {
                return error(
                    StatusCode::TOO_MANY_REQUESTS,
                    &format!("Too Many Requests: retry after {s}"),
                    Some(json!({ "retry_after": s })),
                );
            }
            Fault::ServerError => {
                return error(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "Internal Server Error",
                    None,
                );
            }
            Fault::Hang => {
                tokio::time::sleep(Duration::from_secs(3600)).await;
            }
            Fault::MalformedJson => return (StatusCode::OK, "{\"ok\": tru").into_response(),
            Fault::Body(body) => return (StatusCode::OK, body).into_response(),
            Fault::DropConnection => {
                // Unwinding the connection task closes the socket with no answer.
                std::panic::resume_unwind(Box::new("fake telegram: dropping the connection"));
            }
            Fault::Conflict => {
                return error(
                    StatusCode::CONFLICT,
                    "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running",
                    None,
                );
            }
            Fault::Unauthorized => return error(StatusCode::UNAUTHORIZED, "Unauthorized", None),
            Fault::Delay(ms) => tokio::time::sleep(Duration::from_millis(ms)).await,
            Fault::HangAfterAccept | Fault::DropAfterAccept => after_accept = Some(fault),
        }
    }
    if method == "getUpdates" {
        return get_updates(&shared, &params).await;
    }
    if let Some(refused) = refuse(&shared, &method, &params) {
        shared.changed.notify_waiters();
        return refused;
    }
    let (result, recorded) = answer(&shared, &method, params);
    {
        let mut inner = shared
            .inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        inner.calls.push(Call {
            method: method.clone(),
            body: recorded,
            at: Instant::now(),
        });
    }
    shared.changed.notify_waiters();
    match after_accept {
        Some(Fault::HangAfterAccept) => tokio::time::sleep(Duration::from_secs(3600)).await,
        Some(_) => std::panic::resume_unwind(Box::new("fake telegram: dropping after accepting")),
        None => {}
    }
    match result {
        Some(r) => ok(r),
        None => error(StatusCode::NOT_FOUND, "Not Found: method not found", None),
    }
}

async fn get_updates(shared: &Shared, params: &Value) -> Response {
    let offset = params["offset"].as_i64().unwrap_or(0).max(0) as u32;
    let timeout = params["timeout"].as_u64().unwrap_or(0).min(50);
    let limit = params["limit"].as_u64().unwrap_or(100).clamp(1, 100) as usize;
    let deadline = Instant::now() + Duration::from_secs(timeout);
    let generation = {
        let mut inner = shared
            .inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        inner.poll_generation += 1;
        inner.poll_generation
    };
    shared.changed.notify_waiters();
    loop {
        let changed = shared.changed.notified();
        let batch: Vec<Value> = {
            let mut inner = shared
                .inner
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            if inner.poll_generation != generation {
                inner.conflicts += 1;
                drop(inner);
                shared.changed.notify_waiters();
                return error(
                    StatusCode::CONFLICT,
                    "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running",
                    None,
                );
            }
            // An offset beyond every id issued is from an older sequence (ids start
            // again after a week without updates): it confirms nothing and matches
            // nothing.
            if offset <= inner.next_update {
                // Telegram forgets updates below the offset: they are confirmed.
                inner.updates.retain(|(id, _)| *id >= offset);
                // The latest offset is what is confirmed (lower after ids started over).
                if offset > 0 && offset != inner.confirmed {
                    inner.confirmed = offset;
                    shared.changed.notify_waiters();
                }
            }
            inner
                .updates
                .iter()
                .filter(|(id, _)| *id >= offset)
                .take(limit)
                .map(|(_, u)| u.clone())
                .collect()
        };
        if !batch.is_empty() || Instant::now() >= deadline {
            return ok(Value::Array(batch));
        }
        let left = deadline.saturating_duration_since(Instant::now());
        let _ = tokio::time::timeout(left.min(Duration::from_millis(200)), changed).await;
    }
}

/// Telegram's refusals: sending limits (429), bad texts, buttons and answers (400).
fn refuse(shared: &Shared, method: &str, params: &Value) -> Option<Response> {
    let bad = |d: &str| {
        Some(error(
            StatusCode::BAD_REQUEST,
            &format!("Bad Request: {d}"),
            None,
        ))
    };
    match method {
        "answerCallbackQuery"
            if params["text"]
                .as_str()
                .is_some_and(|t| t.chars().count() > 200) =>
        {
            return bad("MESSAGE_TOO_LONG");
        }
        "answerInlineQuery" => {
            let results = params["results"].as_array().cloned().unwrap_or_default();
            if results.len() > 50
                || results.iter().any(|r| {
                    r["id"]
                        .as_str()
                        .is_none_or(|id| id.is_empty() || id.len() > 64)
                })
            {
                return bad("RESULT_ID_INVALID");
            }
            return None;
        }
        "sendMessage" | "editMessageText" => {}
        _ => return None,
    }
    let too_long_data = params["reply_markup"]["inline_keyboard"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|row| row.as_array().into_iter().flatten())
        .any(|b| {
            b["callback_data"]
                .as_str()
                .is_some_and(|d| d.is_empty() || d.len() > 64)
        });
    if too_long_data {
        return bad("BUTTON_DATA_INVALID");
    }
    let text = params["text"].as_str().unwrap_or_default();
    if text.trim().is_empty() {
        return Some(error(
            StatusCode::BAD_REQUEST,
            "Bad Request: message text is empty",
            None,
        ));
    }
    if text.encode_utf16().count() > 4096 {
        return Some(error(
            StatusCode::BAD_REQUEST,
            "Bad Request: message is too long",
            None,
        ));
    }
    let chat = params["chat_id"].as_i64().unwrap_or_default();
    let now = Instant::now();
    let mut inner = shared
        .inner
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let inner = &mut *inner;
    if method != "sendMessage" || inner.unlimited {
        return None;
    }
    // A little slack for timer jitter between the bot's clock and ours.
    let second = Duration::from_millis(900);
    let minute = Duration::from_secs(57);
    while inner
        .sent_overall
        .front()
        .is_some_and(|t| now.duration_since(*t) >= second)
    {
        inner.sent_overall.pop_front();
    }
    let sent = inner.sent_per_chat.entry(chat).or_default();
    while sent
        .front()
        .is_some_and(|t| now.duration_since(*t) >= minute)
    {
        sent.pop_front();
    }
    let in_last_second = sent
        .iter()
        .filter(|t| now.duration_since(**t) < second)
        .count();
    let too_many =
        in_last_second >= 1 || (chat < 0 && sent.len() >= 20) || inner.sent_overall.len() >= 30;
    if too_many {
        inner.rejected += 1;
        let retry = if chat < 0 && sent.len() >= 20 { 3 } else { 1 };
        return Some(error(
            StatusCode::TOO_MANY_REQUESTS,
            &format!("Too Many Requests: retry after {retry}"),
            Some(json!({ "retry_after": retry })),
        ));
    }
    sent.push_back(now);
    inner.sent_overall.push_back(now);
    None
}

fn me() -> Value {
    json!({
        "id": BOT_ID, "is_bot": true, "first_name": "Attaché", "username": BOT_USERNAME,
        "can_join_groups": true, "can_read_all_group_messages": false,
        "supports_inline_queries": true, "can_connect_to_business": false, "has_main_web_app": false
    })
}

/// The result for `method`, and what to record (the request, plus for sent
/// messages the message as Telegram shows it, under `__message`).
fn answer(shared: &Shared, method: &str, params: Value) -> (Option<Value>, Value) {
    let mut inner = shared
        .inner
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let result = match method {
        "getMe" => me(),
        "sendMessage" | "editMessageText" => {
            let msg = bot_message(&mut inner, method, &params);
            let mut recorded = params;
            recorded["__message"] = msg.clone();
            return (Some(msg), recorded);
        }
        "answerCallbackQuery" | "answerInlineQuery" | "sendChatAction" | "setMyCommands" => {
            json!(true)
        }
        "deleteWebhook" => {
            inner.webhook_url.clear();
            json!(true)
        }
        "setWebhook" => {
            inner.webhook_url = params["url"].as_str().unwrap_or_default().to_string();
            json!(true)
        }
        "getWebhookInfo" => json!({
            "url": inner.webhook_url, "has_custom_certificate": false,
            "pending_update_count": inner.updates.len()
        }),
        _ => return (None, params),
    };
    (Some(result), params)
}

fn bot_message(inner: &mut Inner, method: &str, params: &Value) -> Value {
    let chat_id = params["chat_id"].as_i64().unwrap_or_default();
    let chat = inner
        .chats
        .get(&chat_id)
        .cloned()
        .unwrap_or_else(|| FakeTelegram::private_chat(chat_id));
    let message_id = if method == "editMessageText" {
        params["message_id"].as_i64().unwrap_or_default()
    } else {
        let id = inner.next_message;
        inner.next_message += 1;
        id
    };
    let mut msg = json!({
        "message_id": message_id,
        "date": 1_720_000_001,
        "chat": chat,
        "from": me(),
        "text": params["text"],
    });
    if let Some(markup) = params.get("reply_markup") {
        msg["reply_markup"] = markup.clone();
    }
    if let Some(reply) = params["reply_parameters"]["message_id"].as_i64()
        && let Some(original) = inner.messages.get(&(chat_id, reply))
    {
        msg["reply_to_message"] = original.clone();
    }
    inner.messages.insert((chat_id, message_id), msg.clone());
    msg
}

/// The text fields of a multipart/form-data body (teloxide sends setWebhook so),
/// as JSON values where they parse as JSON, else strings.
fn multipart(body: &[u8], boundary: &str) -> Value {
    let text = String::from_utf8_lossy(body);
    let mut out = serde_json::Map::new();
    for part in text.split(&format!("--{boundary}")) {
        let Some((head, value)) = part.split_once("\r\n\r\n") else {
            continue;
        };
        let Some(name) = head
            .split("name=\"")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
        else {
            continue;
        };
        let value = value.strip_suffix("\r\n").unwrap_or(value);
        let parsed = serde_json::from_str(value).unwrap_or_else(|_| json!(value));
        out.insert(name.to_string(), parsed);
    }
    Value::Object(out)
}
