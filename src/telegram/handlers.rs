//! What the bot does with each update: decide whether a message is addressed to it,
//! turn it into a question or a command, and reply.
//!
//! Handlers never panic on user input and never fail the update: a failed send is
//! logged and counted (in `api`), and the update still counts as handled so the
//! polling offset moves on.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use teloxide::RequestError;
use teloxide::prelude::*;
use teloxide::types::{
    ChatAction, InlineKeyboardButton, InlineKeyboardMarkup, InlineQueryResult,
    InlineQueryResultArticle, InputMessageContent, InputMessageContentText, LinkPreviewOptions,
    MaybeInaccessibleMessage, MessageId, ParseMode, ReplyParameters, UpdateKind,
};

use super::api::{Retry, call, describe, error_kind, outcome_unknown};
use super::callback::{Action, question_hash};
use super::format::{self, MESSAGE_LIMIT};
use super::journal::now;
use super::{Ctx, username};
use crate::answer::Answer;
use crate::qlog::Entry;

/// How many citations the first answer shows; "More" shows up to this many again.
const FIRST: usize = 3;
const MORE: usize = 3;
const EXAMPLE_HINT: &str = "What did the ministers agree at the latest ASEAN-Korea meeting?";

/// Handles one update of any kind. Never fails: problems are logged.
pub async fn handle_update(ctx: Arc<Ctx>, update: Update) {
    let result = match update.kind {
        UpdateKind::Message(m) => on_message(&ctx, &m, false).await,
        UpdateKind::EditedMessage(m) => on_message(&ctx, &m, true).await,
        UpdateKind::CallbackQuery(q) => on_callback(&ctx, q).await,
        UpdateKind::InlineQuery(q) => on_inline(&ctx, q).await,
        _ => Ok(()),
    };
    if let Err(e) = result {
        if outcome_unknown(&e) {
            metrics::counter!("attache_replies_unknown_total").increment(1);
            tracing::warn!(update = update.id.0, kind = error_kind(&e), error = %describe(&e), "a reply's outcome is unknown (Telegram may have delivered it); not sending it again");
        } else {
            tracing::warn!(update = update.id.0, kind = error_kind(&e), error = %describe(&e), "could not reply");
        }
    }
}

/// Tells a chat whose backlog overflowed to ask one question at a time.
pub async fn one_at_a_time(ctx: &Ctx, chat: ChatId, message: MessageId) {
    let text = "I am still answering your earlier questions. Please ask one at a time; \
                I skipped the ones that did not fit, so send them again once I have replied.";
    if let Err(e) = send(ctx, chat, text.to_string(), Some(message), None).await {
        tracing::warn!(kind = error_kind(&e), error = %describe(&e), "could not send the backlog note");
    }
}

/// Remembers which bot message answered which question message, so an edited
/// question edits its answer instead of adding a second one. Bounded; in memory
/// only (after a restart an edit gets a fresh reply).
#[derive(Default)]
pub struct AnswerMemory {
    inner: Mutex<Remembered>,
}

/// (chat id, question message id) → answer message id, and insertion order.
type Key = (i64, i32);
type Remembered = (HashMap<Key, i32>, VecDeque<Key>);

impl AnswerMemory {
    const CAPACITY: usize = 10_000;

    fn get(&self, chat: ChatId, question: MessageId) -> Option<MessageId> {
        let guard = self.inner.lock().ok()?;
        guard.0.get(&(chat.0, question.0)).copied().map(MessageId)
    }

    fn put(&self, chat: ChatId, question: MessageId, answer: MessageId) {
        let Ok(mut guard) = self.inner.lock() else {
            return;
        };
        let (map, order) = &mut *guard;
        if map.insert((chat.0, question.0), answer.0).is_none() {
            order.push_back((chat.0, question.0));
        }
        while order.len() > Self::CAPACITY {
            if let Some(old) = order.pop_front() {
                map.remove(&old);
            }
        }
    }
}

/// What a message asks of the bot.
enum Intent {
    Ignore,
    Question(String),
    Command(String, String),
    NotText,
}

fn chat_kind(chat: &teloxide::types::Chat) -> &'static str {
    if chat.is_private() {
        "private"
    } else if chat.is_supergroup() {
        "supergroup"
    } else if chat.is_group() {
        "group"
    } else {
        "channel"
    }
}

fn is_reply_to_me(ctx: &Ctx, msg: &Message) -> bool {
    msg.reply_to_message()
        .and_then(|m| m.from.as_ref())
        .is_some_and(|u| u.id == ctx.me.user.id)
}

/// `/name@bot args` → (name, args), when addressed to this bot (or to no bot).
fn parse_command(text: &str, me: &str) -> Option<(String, String)> {
    let rest = text.strip_prefix('/')?;
    let (head, args) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
    let (name, target) = head.split_once('@').unwrap_or((head, ""));
    if !target.is_empty() && !target.eq_ignore_ascii_case(me) {
        return None;
    }
    if name.is_empty() {
        return None;
    }
    Some((name.to_ascii_lowercase(), args.trim().to_string()))
}

/// `text` without `@me` (case-insensitive), when it mentions the bot.
fn strip_mention(text: &str, me: &str) -> Option<String> {
    if me.is_empty() {
        return None;
    }
    let needle = format!("@{}", me.to_lowercase());
    let lower = text.to_lowercase();
    let at = lower.find(&needle)?;
    // Lower-casing can move byte offsets; slice only where they still line up.
    match (text.get(..at), text.get(at + needle.len()..)) {
        (Some(before), Some(after)) if lower.len() == text.len() => {
            Some(format!("{before}{after}"))
        }
        _ => Some(text.replace(&format!("@{me}"), " ")),
    }
}

/// Decides what `msg` asks: private chats ask everything; groups only `/ask`,
/// mentions and replies to the bot.
fn intent(ctx: &Ctx, msg: &Message) -> Intent {
    let via_me = msg.via_bot.as_ref().is_some_and(|b| b.id == ctx.me.user.id);
    if msg.chat.is_channel() || via_me || msg.from.as_ref().is_some_and(|u| u.is_bot) {
        // Our own inline quotes come back as messages "via" the bot: not questions.
        return Intent::Ignore;
    }
    let private = msg.chat.is_private();
    let me = username(&ctx.me);
    let Some(text) = msg.text() else {
        return if private || is_reply_to_me(ctx, msg) {
            Intent::NotText
        } else {
            Intent::Ignore
        };
    };
    if text.starts_with('/') {
        return match parse_command(text, me) {
            Some((name, args)) => Intent::Command(name, args),
            None => Intent::Ignore,
        };
    }
    if private || is_reply_to_me(ctx, msg) {
        return Intent::Question(strip_mention(text, me).unwrap_or_else(|| text.to_string()));
    }
    match strip_mention(text, me) {
        Some(q) => Intent::Question(q),
        None => Intent::Ignore,
    }
}

/// The question a message asked, as `intent` reads it (for "More").
fn question_of(ctx: &Ctx, msg: &Message) -> Option<String> {
    match intent_unfiltered(ctx, msg) {
        Intent::Question(q) => Some(q),
        Intent::Command(name, args) if name == "ask" => Some(args),
        _ => None,
    }
}

/// Like `intent`, but the message is known to have been answered already.
fn intent_unfiltered(ctx: &Ctx, msg: &Message) -> Intent {
    let me = username(&ctx.me);
    match msg.text() {
        Some(text) if text.starts_with('/') => match parse_command(text, me) {
            Some((name, args)) => Intent::Command(name, args),
            None => Intent::Ignore,
        },
        Some(text) => Intent::Question(strip_mention(text, me).unwrap_or_else(|| text.to_string())),
        None => Intent::Ignore,
    }
}

/// A question ready for the engine, or the reply explaining why not.
pub enum Prepared {
    Ask {
        question: String,
        note: Option<String>,
    },
    Refuse(String),
}

/// Trims, refuses empty and wordless questions, cuts long ones (and says so).
pub fn prepare(raw: &str, max_chars: usize) -> Prepared {
    let text = raw.trim();
    if text.is_empty() {
        return Prepared::Refuse(format!(
            "Please send me a question in words, for example: “{EXAMPLE_HINT}”"
        ));
    }
    if !text.chars().any(char::is_alphanumeric) {
        return Prepared::Refuse(format!(
            "I can only answer questions written in words. Try: “{EXAMPLE_HINT}”"
        ));
    }
    if text.chars().count() <= max_chars {
        return Prepared::Ask {
            question: text.to_string(),
            note: None,
        };
    }
    let cut: String = text.chars().take(max_chars).collect();
    let cut = match cut.rfind(char::is_whitespace) {
        Some(at) if at > cut.len() / 2 => cut[..at].trim_end().to_string(),
        _ => cut,
    };
    Prepared::Ask {
        question: cut,
        note: Some(format!(
            "Your question was long, so I used its first {max_chars} characters."
        )),
    }
}

async fn on_message(ctx: &Ctx, msg: &Message, edited: bool) -> Result<(), RequestError> {
    match intent(ctx, msg) {
        Intent::Ignore => Ok(()),
        Intent::NotText => {
            let text =
                "I answer text questions about ASEAN–Korea meetings. Please type your question.";
            send(ctx, msg.chat.id, text.to_string(), Some(msg.id), None)
                .await
                .map(drop)
        }
        Intent::Question(q) => answer_question(ctx, msg, &q, edited).await,
        Intent::Command(name, args) => on_command(ctx, msg, &name, &args, edited).await,
    }
}

async fn on_command(
    ctx: &Ctx,
    msg: &Message,
    name: &str,
    args: &str,
    edited: bool,
) -> Result<(), RequestError> {
    let chat = msg.chat.id;
    match name {
        "ask" if args.trim().is_empty() => {
            let text = format!("Ask like this: /ask {EXAMPLE_HINT}");
            send(ctx, chat, format::escape(&text), Some(msg.id), None)
                .await
                .map(drop)
        }
        "ask" => answer_question(ctx, msg, args, edited).await,
        _ if edited => Ok(()),
        "start" => on_start(ctx, msg, args).await,
        "help" => send_blocks(ctx, chat, &help_blocks(ctx), Some(msg.id), None).await,
        "sources" => {
            let blocks = format::sources_blocks(ctx.engine().corpus());
            send_blocks(ctx, chat, &blocks, Some(msg.id), None).await
        }
        "latest" => {
            let blocks = match ctx.engine().corpus().releases().first() {
                Some(r) => format::release_blocks(r),
                None => vec!["I have no releases loaded.".to_string()],
            };
            send_blocks(ctx, chat, &blocks, Some(msg.id), None).await
        }
        "about" => send_blocks(ctx, chat, &about_blocks(ctx), Some(msg.id), None).await,
        _ if msg.chat.is_private() => {
            let text = "I don't know that command. Send /help to see what I can do.";
            send(ctx, chat, text.to_string(), Some(msg.id), None)
                .await
                .map(drop)
        }
        _ => Ok(()),
    }
}

/// Three example questions, from the newest releases.
fn examples(ctx: &Ctx) -> Vec<String> {
    ctx.engine()
        .corpus()
        .releases()
        .iter()
        .take(3)
        .map(|r| format!("What was discussed at the {}?", r.label()))
        .collect()
}

fn example_keyboard(ctx: &Ctx) -> InlineKeyboardMarkup {
    let rows = examples(ctx).into_iter().enumerate().map(|(index, q)| {
        let label: String = if q.chars().count() > 60 {
            q.chars().take(59).chain(['…']).collect()
        } else {
            q
        };
        vec![InlineKeyboardButton::callback(
            label,
            Action::Example { index }.encode(),
        )]
    });
    InlineKeyboardMarkup::new(rows)
}

async fn on_start(ctx: &Ctx, msg: &Message, payload: &str) -> Result<(), RequestError> {
    let mut blocks = vec![
        "<b>Attaché</b> answers questions about ASEAN–Korea diplomatic meetings, quoting the \
         Korean Foreign Ministry's press releases word for word, with a citation for every quote."
            .to_string(),
    ];
    let payload = payload.trim();
    if !payload.is_empty() {
        match ctx.engine().corpus().get(payload) {
            Some(release) => {
                blocks.push("You came for this release:".to_string());
                blocks.extend(format::release_blocks(release));
            }
            None => blocks.push(format!(
                "I don't know a release called “{}”; here is what I can do.",
                format::escape(payload)
            )),
        }
    }
    blocks.push("Ask me anything in your own words, or try one of these:".to_string());
    let keyboard = example_keyboard(ctx);
    send_blocks(ctx, msg.chat.id, &blocks, Some(msg.id), Some(keyboard)).await
}

fn help_blocks(ctx: &Ctx) -> Vec<String> {
    let me = format::escape(username(&ctx.me));
    vec![
        "<b>How to ask</b>".to_string(),
        format!(
            "Write a question in your own words, e.g. “{}”. I reply with quotes from the \
             press releases, each with its source: the release, its date and the paragraph (¶).",
            format::escape(EXAMPLE_HINT)
        ),
        format!("In groups: /ask QUESTION, mention me (@{me}) or reply to one of my messages."),
        format!("In any chat: type @{me} and a question to share a cited quote."),
        "/sources — the releases I know\n/latest — the newest release\n/about — version and corpus"
            .to_string(),
    ]
}

fn about_blocks(ctx: &Ctx) -> Vec<String> {
    let engine = ctx.engine();
    let corpus = engine.corpus();
    let range = match corpus.date_range() {
        Some((first, last)) => format!("from {} to {}", first.long(), last.long()),
        None => "no dates".to_string(),
    };
    vec![
        format!("<b>Attaché</b> {}", env!("CARGO_PKG_VERSION")),
        format!(
            "{} press releases, {} paragraphs, {}.",
            corpus.releases().len(),
            corpus.paragraph_count(),
            escape_owned(range)
        ),
        "Every answer is a verbatim quote with its source; when the releases do not say, I say so."
            .to_string(),
    ]
}

fn escape_owned(s: String) -> String {
    format::escape(&s)
}

/// Answers a question message (also an edited one, and `/ask`).
async fn answer_question(
    ctx: &Ctx,
    msg: &Message,
    raw: &str,
    edited: bool,
) -> Result<(), RequestError> {
    let started = Instant::now();
    let chat = msg.chat.id;
    let (question, note) = match prepare(raw, ctx.settings.telegram.max_question_chars) {
        Prepared::Refuse(text) => {
            return send(ctx, chat, format::escape(&text), Some(msg.id), None)
                .await
                .map(drop);
        }
        Prepared::Ask { question, note } => (question, note),
    };
    let typing = typing_after(ctx, chat).await;
    let answer = compose(ctx, &question, FIRST).await;
    typing.abort();
    let Some(answer) = answer else {
        let text = "Sorry, something went wrong while composing the answer. Please try again.";
        return send(ctx, chat, text.to_string(), Some(msg.id), None)
            .await
            .map(drop);
    };
    let row = journal(ctx, &msg.chat, &question, &answer, started);
    let keyboard = answer_keyboard(&answer, &question, row);
    let parts = format::pack(
        &format::answer_blocks(&answer, note.as_deref()),
        MESSAGE_LIMIT,
    );
    let result = deliver(ctx, msg, parts, keyboard, edited).await;
    log_question(ctx, msg, &question, &answer, started, edited);
    result
}

/// Runs the engine off the async threads. `None` only if the engine panicked.
async fn compose(ctx: &Ctx, question: &str, top: usize) -> Option<Answer> {
    let engine = ctx.engine();
    let question = question.to_string();
    tokio::task::spawn_blocking(move || engine.answer_top(&question, top))
        .await
        .inspect_err(|e| tracing::error!(error = %e, "the answer engine panicked"))
        .ok()
}

/// Sends "typing…" if the answer takes longer than `typing_after_ms` (0: always,
/// before composing). Abort the returned task once the answer is ready.
async fn typing_after(ctx: &Ctx, chat: ChatId) -> tokio::task::JoinHandle<()> {
    let api = ctx.api.clone();
    let after = Duration::from_millis(ctx.settings.telegram.typing_after_ms);
    if after.is_zero() {
        let _ = call!(api, "sendChatAction", |b| b
            .send_chat_action(chat, ChatAction::Typing));
        return tokio::spawn(async {});
    }
    tokio::spawn(async move {
        tokio::time::sleep(after).await;
        let _ = call!(api, "sendChatAction", |b| b
            .send_chat_action(chat, ChatAction::Typing));
    })
}

/// Queues the question for the question log (never waits); its row id, if logged.
/// Latency here is question received to answer composed.
fn journal(
    ctx: &Ctx,
    chat: &teloxide::types::Chat,
    question: &str,
    answer: &Answer,
    started: Instant,
) -> Option<i64> {
    let top = answer.citations.first();
    ctx.journal.record(Entry {
        at: now(),
        chat: ctx.hash_id(chat.id.0),
        chat_type: chat_kind(chat).to_string(),
        question: question.to_string(),
        found: answer.found,
        release: top.map(|c| c.release.clone()),
        paragraph: top.map(|c| c.paragraph.clone()),
        latency_ms: started.elapsed().as_secs_f64() * 1000.0,
    })
}

fn answer_keyboard(
    answer: &Answer,
    question: &str,
    row: Option<i64>,
) -> Option<InlineKeyboardMarkup> {
    if !answer.found {
        return None;
    }
    let hash = question_hash(question);
    let mut rows = Vec::new();
    if answer.citations.len() >= FIRST {
        rows.push(vec![InlineKeyboardButton::callback(
            "More sources",
            Action::More { question: hash }.encode(),
        )]);
    }
    rows.push(vec![
        InlineKeyboardButton::callback(
            "👍",
            Action::Feedback {
                question: hash,
                up: true,
                row,
            }
            .encode(),
        ),
        InlineKeyboardButton::callback(
            "👎",
            Action::Feedback {
                question: hash,
                up: false,
                row,
            }
            .encode(),
        ),
    ]);
    Some(InlineKeyboardMarkup::new(rows))
}

/// Sends the parts (the first replying to the question, the last with the buttons),
/// or edits the earlier answer when an edited question fits in one message.
async fn deliver(
    ctx: &Ctx,
    msg: &Message,
    parts: Vec<String>,
    keyboard: Option<InlineKeyboardMarkup>,
    edited: bool,
) -> Result<(), RequestError> {
    let chat = msg.chat.id;
    if edited
        && parts.len() == 1
        && let Some(previous) = ctx.memory.get(chat, msg.id)
    {
        let text = parts.concat();
        ctx.api.pace(chat.0).await;
        let edit = call!(ctx.api, "editMessageText", |b| {
            let mut r = b
                .edit_message_text(chat, previous, text.clone())
                .parse_mode(ParseMode::Html)
                .link_preview_options(no_preview());
            if let Some(k) = keyboard.clone() {
                r = r.reply_markup(k);
            }
            r
        });
        match edit {
            Ok(_) | Err(RequestError::Api(teloxide::ApiError::MessageNotModified)) => {
                return Ok(());
            }
            Err(e) => tracing::info!(
                kind = error_kind(&e),
                "cannot edit the old answer; sending a new one"
            ),
        }
    }
    let last = parts.len().saturating_sub(1);
    for (i, part) in parts.into_iter().enumerate() {
        let markup = if i == last { keyboard.clone() } else { None };
        let reply_to = (i == 0).then_some(msg.id);
        let sent = send(ctx, chat, part, reply_to, markup).await?;
        if i == 0 {
            ctx.memory.put(chat, msg.id, sent.id);
        }
    }
    Ok(())
}

fn log_question(
    ctx: &Ctx,
    msg: &Message,
    question: &str,
    answer: &Answer,
    started: Instant,
    edited: bool,
) {
    let latency = started.elapsed();
    let kind = chat_kind(&msg.chat);
    let result = if answer.found {
        "answered"
    } else {
        "abstained"
    };
    metrics::counter!("attache_questions_total", "chat_type" => kind).increment(1);
    metrics::counter!("attache_answers_total", "result" => result).increment(1);
    metrics::histogram!("attache_answer_latency_seconds").record(latency.as_secs_f64());
    let top = answer
        .citations
        .first()
        .map(|c| c.release.as_str())
        .unwrap_or("-");
    tracing::info!(
        chat_type = kind,
        chat = %ctx.hash_id(msg.chat.id.0),
        user = %msg.from.as_ref().map(|u| ctx.hash_id(u.id.0 as i64)).unwrap_or_default(),
        latency_ms = latency.as_secs_f64() * 1000.0,
        found = answer.found,
        top_release = top,
        citations = answer.citations.len(),
        edited,
        "question"
    );
    tracing::debug!(question, "question text");
}

fn no_preview() -> LinkPreviewOptions {
    LinkPreviewOptions {
        is_disabled: true,
        url: None,
        prefer_small_media: false,
        prefer_large_media: false,
        show_above_text: false,
    }
}

/// Sends one HTML message (link previews off), optionally as a reply.
async fn send(
    ctx: &Ctx,
    chat: ChatId,
    text: String,
    reply_to: Option<MessageId>,
    markup: Option<InlineKeyboardMarkup>,
) -> Result<Message, RequestError> {
    ctx.api.pace(chat.0).await;
    // Never sent twice on an unknown outcome: Telegram may have delivered it.
    call!(ctx.api, "sendMessage", Retry::Never, |b| {
        let mut r = b
            .send_message(chat, text.clone())
            .parse_mode(ParseMode::Html)
            .link_preview_options(no_preview());
        if let Some(id) = reply_to {
            r = r.reply_parameters(ReplyParameters::new(id).allow_sending_without_reply());
        }
        if let Some(m) = markup.clone() {
            r = r.reply_markup(m);
        }
        r
    })
}

/// Packs blocks into messages and sends them; the first replies, the last has
/// the buttons.
async fn send_blocks(
    ctx: &Ctx,
    chat: ChatId,
    blocks: &[String],
    reply_to: Option<MessageId>,
    markup: Option<InlineKeyboardMarkup>,
) -> Result<(), RequestError> {
    let parts = format::pack(blocks, MESSAGE_LIMIT);
    let last = parts.len().saturating_sub(1);
    for (i, part) in parts.into_iter().enumerate() {
        let m = if i == last { markup.clone() } else { None };
        send(ctx, chat, part, if i == 0 { reply_to } else { None }, m).await?;
    }
    Ok(())
}

async fn on_callback(ctx: &Ctx, q: CallbackQuery) -> Result<(), RequestError> {
    let action = q.data.as_deref().and_then(Action::decode);
    let message = match &q.message {
        Some(MaybeInaccessibleMessage::Regular(m)) => Some(m.as_ref()),
        _ => None,
    };
    let reply = match (action, message) {
        (None, _) => "This button is no longer valid. Please ask your question again.".to_string(),
        (Some(_), None) => "That message is too old for its buttons. Please ask again.".to_string(),
        (Some(Action::Example { index }), Some(m)) => on_example(ctx, m, index).await,
        (Some(Action::More { question }), Some(m)) => on_more(ctx, m, question).await,
        (Some(Action::Feedback { question, up, row }), Some(m)) => {
            on_feedback(ctx, &q, m, (question, row), up)
        }
    };
    call!(ctx.api, "answerCallbackQuery", |b| b
        .answer_callback_query(q.id.clone())
        .text(reply.clone()))
    .map(drop)
}

async fn on_example(ctx: &Ctx, m: &Message, index: usize) -> String {
    let started = Instant::now();
    let Some(question) = examples(ctx).into_iter().nth(index) else {
        return "That example is no longer available. Try /start again.".to_string();
    };
    let Some(answer) = compose(ctx, &question, FIRST).await else {
        return "Sorry, something went wrong. Please try again.".to_string();
    };
    let mut blocks = vec![format!("<b>{}</b>", format::escape(&question))];
    blocks.extend(format::answer_blocks(&answer, None));
    let row = journal(ctx, &m.chat, &question, &answer, started);
    let keyboard = answer_keyboard(&answer, &question, row);
    match send_blocks(ctx, m.chat.id, &blocks, None, keyboard).await {
        Ok(()) => "Here is the answer.".to_string(),
        Err(_) => "Sorry, I could not send the answer. Please try again.".to_string(),
    }
}

/// "More": re-reads the question from the message the answer replied to, checks it
/// is the one the button was made for, and sends the next citations.
async fn on_more(ctx: &Ctx, answer_msg: &Message, hash: u32) -> String {
    let Some(question) = question_for(ctx, answer_msg, hash) else {
        return "This button has expired. Please ask the question again.".to_string();
    };
    let question_msg = answer_msg.reply_to_message();
    let Some(answer) = compose(ctx, &question, FIRST + MORE).await else {
        return "Sorry, something went wrong. Please try again.".to_string();
    };
    let blocks = format::more_blocks(&answer, FIRST);
    let chat = answer_msg.chat.id;
    let reply_to = question_msg.map(|m| m.id);
    match send_blocks(ctx, chat, &blocks, reply_to, None).await {
        Ok(()) if answer.citations.len() > FIRST => "Here are more sources.".to_string(),
        Ok(()) => "There are no further sources.".to_string(),
        Err(_) => "Sorry, I could not send them. Please try again.".to_string(),
    }
}

/// The question a button under `answer_msg` was made for: the message the answer
/// replied to, or (for example questions, sent without a reply) the answer's first
/// line. Only a question whose hash matches the button's is accepted.
fn question_for(ctx: &Ctx, answer_msg: &Message, hash: u32) -> Option<String> {
    let max = ctx.settings.telegram.max_question_chars;
    let replied = answer_msg
        .reply_to_message()
        .and_then(|m| question_of(ctx, m));
    let first_line = answer_msg
        .text()
        .and_then(|t| t.lines().next())
        .map(format::strip_tags);
    [replied, first_line]
        .into_iter()
        .flatten()
        .find_map(|q| match prepare(&q, max) {
            Prepared::Ask { question, .. } if question_hash(&question) == hash => Some(question),
            _ => None,
        })
}

/// Counts and logs 👍/👎, and stores it on the question's row in the question log
/// (checked there against the question's hash).
fn on_feedback(
    ctx: &Ctx,
    q: &CallbackQuery,
    m: &Message,
    (hash, row): (u32, Option<i64>),
    up: bool,
) -> String {
    let vote = if up { "up" } else { "down" };
    metrics::counter!("attache_feedback_total", "vote" => vote).increment(1);
    if let Some(row) = row {
        ctx.journal.feedback(row, hash, up);
    }
    tracing::info!(
        vote,
        question = format!("{hash:08x}"),
        chat = %ctx.hash_id(m.chat.id.0),
        user = %ctx.hash_id(q.from.id.0 as i64),
        answer_message = m.id.0,
        "feedback"
    );
    if up {
        "Thanks, glad it helped!".to_string()
    } else {
        "Thanks for telling me. I'll note that this answer missed.".to_string()
    }
}

/// Inline mode: the top citations as articles, each sending a cited quote.
async fn on_inline(ctx: &Ctx, q: InlineQuery) -> Result<(), RequestError> {
    let max = ctx.settings.telegram.max_question_chars;
    let results = match prepare(&q.query, max) {
        Prepared::Ask { question, .. } => match compose(ctx, &question, FIRST).await {
            Some(answer) => inline_results(&answer, &question),
            None => Vec::new(),
        },
        Prepared::Refuse(_) => Vec::new(),
    };
    call!(ctx.api, "answerInlineQuery", |b| b
        .answer_inline_query(q.id.clone(), results.clone())
        .cache_time(60))
    .map(drop)
}

fn inline_results(answer: &Answer, question: &str) -> Vec<InlineQueryResult> {
    let hash = question_hash(question);
    answer
        .citations
        .iter()
        .map(|c| {
            let content = InputMessageContentText::new(format::inline_quote(c))
                .parse_mode(ParseMode::Html)
                .link_preview_options(no_preview());
            let snippet: String = c.snippet.chars().take(200).collect();
            let article = InlineQueryResultArticle::new(
                format!("{hash:08x}-{}", c.rank),
                c.title.chars().take(100).collect::<String>(),
                InputMessageContent::Text(content),
            )
            .description(format!(
                "{} · ¶{} · {}",
                c.date.long(),
                c.paragraph,
                snippet
            ));
            InlineQueryResult::Article(article)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_for_other_bots_are_not_ours() {
        assert_eq!(
            parse_command("/ask@AttacheBot who met?", "attachebot"),
            Some(("ask".into(), "who met?".into()))
        );
        assert_eq!(parse_command("/help@OtherBot", "attachebot"), None);
        assert_eq!(parse_command("/", "attachebot"), None);
    }

    #[test]
    fn mentions_are_stripped() {
        assert_eq!(
            strip_mention("@AttacheBot who met in Vientiane?", "attachebot").as_deref(),
            Some(" who met in Vientiane?")
        );
        assert_eq!(strip_mention("no mention", "attachebot"), None);
        // Case mapping that changes lengths must not panic.
        assert!(strip_mention("İİİ @attachebot x", "attachebot").is_some());
        assert!(strip_mention("@ATTACHEBOT ß", "attachebot").is_some());
    }

    #[test]
    fn prepare_refuses_and_cuts() {
        assert!(matches!(prepare("  \n ", 500), Prepared::Refuse(_)));
        assert!(matches!(prepare("🙂🙂 ?!", 500), Prepared::Refuse(_)));
        let long = "word ".repeat(300);
        match prepare(&long, 500) {
            Prepared::Ask { question, note } => {
                assert!(question.chars().count() <= 500);
                assert!(note.is_some());
            }
            Prepared::Refuse(_) => panic!("long question refused"),
        }
        let one_word = "x".repeat(900);
        assert!(
            matches!(prepare(&one_word, 500), Prepared::Ask { question, .. } if question.len() == 500)
        );
    }
}
