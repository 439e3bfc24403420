//! Load test (ignored by default): 2,000 questions from 100 chats through the fake
//! Bot API into the real binary. Reports replies per second, the latency from an
//! update becoming available to its first sendMessage arriving (p50, p99, max),
//! lost and duplicate replies, the 429s the fake had to send, and the daemon's
//! peak resident memory.
//!
//! Run: `cargo test --release --test it load:: -- --ignored --nocapture`
//! (`LOAD_RATE=0` pushes all 2,000 at once; the default paces 200 questions/s).
//! `LOAD_THROTTLE=1` turns throttling on against a fake that keeps Telegram's
//! limits (1 message/s in a chat, 30/s overall: 2,000 replies take over a minute
//! however fast the bot is); the default is off, against a fake without limits
//! (like a local Bot API server).
//! `LOAD_CORPUS=DIR` serves another corpus and `LOAD_DATA_DIR=DIR` keeps its persisted
//! index there (e.g. the 100,000-paragraph one from `examples/gen_corpus.rs`).

use std::collections::HashMap;
use std::time::{Duration, Instant};

use crate::fake_telegram::FakeTelegram;
use crate::telegram::{binary, signal, wait_exit};

const CHATS: i64 = 100;
const PER_CHAT: usize = 20;
const QUESTIONS: &[&str] = &[
    "Where was the 26th ASEAN-ROK Dialogue held?",
    "When was the 29th ASEAN-ROK Dialogue held?",
    "Who did Minister Cho meet in Vientiane?",
    "What did the ministers say about North Korea?",
    "What was agreed about the Comprehensive Strategic Partnership?",
    "Who is the ASEAN Secretary-General Park Jin met?",
    "What did Korea and Malaysia agree?",
    "What is the recipe for bibimbap?",
    "When did the 23rd ASEAN-ROK Foreign Ministers' Meeting take place?",
    "Which countries' foreign ministers did Cho Tae-yul meet?",
];

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((p / 100.0) * (sorted.len() - 1) as f64).round() as usize;
    sorted[rank.min(sorted.len() - 1)]
}

/// A memory figure of the process in KiB: `VmRSS` (now) or `VmHWM` (peak).
fn memory_kib(pid: u32, field: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn mib(kib: Option<u64>) -> String {
    kib.map(|k| format!("{:.1}", k as f64 / 1024.0))
        .unwrap_or_else(|| "?".into())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "load test: run with --ignored --nocapture"]
async fn load_2000_questions_from_100_chats() {
    let rate: u64 = std::env::var("LOAD_RATE")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200);
    let throttle = std::env::var("LOAD_THROTTLE").is_ok_and(|v| v == "1");
    let fake = if throttle {
        FakeTelegram::start().await
    } else {
        FakeTelegram::start_unlimited().await
    };
    let tmp = tempfile::tempdir().expect("tempdir");
    let mut extra = vec![
        ("ATTACHE__TELEGRAM__POLL_TIMEOUT_SECS", "10".to_string()),
        ("ATTACHE__TELEGRAM__THROTTLE", throttle.to_string()),
    ];
    for (var, key) in [
        ("LOAD_CORPUS", "ATTACHE__CORPUS__DIR"),
        ("LOAD_DATA_DIR", "ATTACHE__DATA_DIR"),
    ] {
        if let Ok(value) = std::env::var(var) {
            extra.push((key, value));
        }
    }
    let extra: Vec<(&str, &str)> = extra.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let mut cmd = binary(&fake, tmp.path(), &extra);
    cmd.env("RUST_LOG", "info");
    let child = cmd.spawn().expect("spawn attache");
    let pid = child.id();
    fake.wait_for("setMyCommands", 1).await;
    // Loaded and idle: the resident memory at rest.
    tokio::time::sleep(Duration::from_secs(1)).await;
    let at_rest = memory_kib(pid, "VmRSS:");

    let total = CHATS as usize * PER_CHAT;
    let mut asked: Vec<(u32, i64)> = Vec::with_capacity(total);
    let started = Instant::now();
    for i in 0..total {
        let chat = 10_000 + (i as i64 % CHATS);
        let (update, msg) = fake.private_text(chat, QUESTIONS[i % QUESTIONS.len()]);
        asked.push((update, msg["message_id"].as_i64().unwrap_or_default()));
        // An even schedule (not bursts): question i is due at i / rate seconds.
        if let Some(micros) = ((i as u64 + 1) * 1_000_000).checked_div(rate) {
            let due = started + Duration::from_micros(micros);
            tokio::time::sleep_until(due.into()).await;
        }
    }
    let pushed = started.elapsed();
    let deadline = Instant::now() + Duration::from_secs(if throttle { 400 } else { 180 });
    while fake.count("sendMessage") < total && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let peak = memory_kib(pid, "VmHWM:");
    let after = memory_kib(pid, "VmRSS:");
    signal(&child, "-TERM");
    let (status, log) = wait_exit(child, tmp.path()).await;

    let mut replies: HashMap<i64, Vec<Instant>> = HashMap::new();
    for call in fake.calls("sendMessage") {
        if let Some(id) = call.body["reply_parameters"]["message_id"].as_i64() {
            replies.entry(id).or_default().push(call.at);
        }
    }
    let mut latencies = Vec::with_capacity(total);
    // Each chat's first question: how long a chat waits for its first answer while
    // 99 others are asking too (fairness under load).
    let mut first_per_chat = Vec::with_capacity(CHATS as usize);
    let (mut lost, mut duplicates) = (0, 0);
    let mut last = started;
    for (i, (update, message)) in asked.iter().enumerate() {
        match replies.get(message).map(Vec::as_slice) {
            None | Some([]) => lost += 1,
            Some(times) => {
                duplicates += times.len() - 1;
                let pushed_at = fake.pushed_at(*update).unwrap_or(started);
                let latency = times[0].saturating_duration_since(pushed_at);
                latencies.push(latency);
                if i < CHATS as usize {
                    first_per_chat.push(latency);
                }
                last = last.max(times[0]);
            }
        }
    }
    latencies.sort();
    first_per_chat.sort();
    let span = last
        .saturating_duration_since(started)
        .as_secs_f64()
        .max(1e-9);
    println!(
        "load: throttling {}; 429s from the fake: {}",
        if throttle { "on" } else { "off" },
        fake.rejected()
    );
    println!(
        "load: {total} questions from {CHATS} chats, paced at {} q/s (pushed in {:.2}s)",
        if rate == 0 {
            "unlimited".to_string()
        } else {
            rate.to_string()
        },
        pushed.as_secs_f64()
    );
    println!(
        "load: {} replies in {span:.2}s = {:.0} replies/s; lost {lost}, duplicates {duplicates}",
        latencies.len(),
        latencies.len() as f64 / span
    );
    println!(
        "load: update→sendMessage p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms; exit {:?}",
        percentile(&latencies, 50.0).as_secs_f64() * 1000.0,
        percentile(&latencies, 99.0).as_secs_f64() * 1000.0,
        latencies.last().copied().unwrap_or_default().as_secs_f64() * 1000.0,
        status.code()
    );
    println!(
        "load: each chat's first answer p50 {:.1} ms, p99 {:.1} ms",
        percentile(&first_per_chat, 50.0).as_secs_f64() * 1000.0,
        percentile(&first_per_chat, 99.0).as_secs_f64() * 1000.0,
    );
    println!(
        "load: daemon RSS at rest {} MiB, peak {} MiB, after the load {} MiB",
        mib(at_rest),
        mib(peak),
        mib(after)
    );
    let tail: Vec<&str> = log.lines().rev().take(30).collect();
    assert_eq!(
        lost,
        0,
        "lost replies; the daemon's last log lines, newest first:\n{}",
        tail.join("\n")
    );
    assert_eq!(duplicates, 0, "duplicate replies");
    assert_eq!(status.code(), Some(0));
}
