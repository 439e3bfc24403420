//! Button payloads (callback data): tiny, versionless strings under Telegram's 64
//! bytes, parsed strictly. Anything that does not parse — tampered, stale, or from
//! an older build — becomes `None`, and the handler answers politely.
//!
//! The question itself is not in the payload (it would not fit): "More" and the
//! feedback buttons sit under the bot's reply, which quotes the question's message,
//! so the handler reads the question from there and checks it against the hash
//! carried here. The feedback buttons also carry the question's row id in the
//! question log (`f:u:HASH:ID`, at most 29 bytes), so 👍/👎 lands on that row; a
//! button without one (log off, or from an older build) still counts in metrics.

/// Telegram's limit for callback data.
pub const MAX_BYTES: usize = 64;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// "More": the next citations for the question with this hash.
    More { question: u32 },
    /// 👍 (`up == true`) or 👎 on the answer to the question with this hash, logged
    /// as row `row` of the question log when it was.
    Feedback {
        question: u32,
        up: bool,
        row: Option<i64>,
    },
    /// One of `/start`'s example questions, by index.
    Example { index: usize },
}

impl Action {
    pub fn encode(&self) -> String {
        match self {
            Action::More { question } => format!("m:{question:08x}"),
            Action::Feedback { question, up, row } => {
                let vote = if *up { "u" } else { "d" };
                match row {
                    Some(row) => format!("f:{vote}:{question:08x}:{row:x}"),
                    None => format!("f:{vote}:{question:08x}"),
                }
            }
            Action::Example { index } => format!("x:{index}"),
        }
    }

    pub fn decode(data: &str) -> Option<Action> {
        if data.len() > MAX_BYTES || !data.is_ascii() {
            return None;
        }
        let mut parts = data.split(':');
        let action = match (parts.next()?, parts.next()?, parts.next()) {
            ("f", vote, Some(hash)) => Action::Feedback {
                question: hex(hash)?,
                up: match vote {
                    "u" => true,
                    "d" => false,
                    _ => return None,
                },
                row: match parts.next() {
                    Some(id) => Some(row_id(id)?),
                    None => None,
                },
            },
            ("m", hash, None) => Action::More {
                question: hex(hash)?,
            },
            ("x", index, None) if index.len() <= 2 => Action::Example {
                index: index.parse().ok()?,
            },
            _ => return None,
        };
        parts.next().is_none().then_some(action)
    }
}

/// A question-log row id: 1-16 lower-case hex digits, positive.
fn row_id(s: &str) -> Option<i64> {
    let digits = (1..=16).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
    if !digits {
        return None;
    }
    u64::from_str_radix(s, 16)
        .ok()
        .and_then(|v| i64::try_from(v).ok())
        .filter(|v| *v > 0)
}

fn hex(s: &str) -> Option<u32> {
    if s.len() != 8 {
        return None;
    }
    u32::from_str_radix(s, 16).ok()
}

/// FNV-1a of the question as the handler normalizes it: stable across restarts and
/// builds (unlike `DefaultHasher`), which matters for buttons sent yesterday.
pub fn question_hash(question: &str) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    for b in question.trim().to_lowercase().bytes() {
        h ^= u32::from(b);
        h = h.wrapping_mul(0x0100_0193);
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_under_64_bytes() {
        for a in [
            Action::More { question: u32::MAX },
            Action::Feedback {
                question: 7,
                up: false,
                row: None,
            },
            Action::Feedback {
                question: u32::MAX,
                up: true,
                row: Some(i64::MAX),
            },
            Action::Example { index: 2 },
        ] {
            let data = a.encode();
            assert!(data.len() <= MAX_BYTES);
            assert_eq!(Action::decode(&data), Some(a));
        }
    }

    #[test]
    fn tampered_data_is_rejected() {
        for bad in [
            "",
            "m",
            "m:",
            "m:123",
            "m:zzzzzzzz",
            "m:0000000a:extra",
            "f:x:0000000a",
            "f:u",
            "f:u:0000000a:",
            "f:u:0000000a:0",
            "f:u:0000000a:-1",
            "f:u:0000000a:ABC",
            "f:u:0000000a:8000000000000000",
            "f:u:0000000a:00000000000000001",
            "f:u:0000000a:1:2",
            "x:999",
            "x:-1",
            "é:00000000",
            &"m:".repeat(40),
        ] {
            assert_eq!(Action::decode(bad), None, "{bad}");
        }
    }

    #[test]
    fn hash_ignores_case_and_outer_space() {
        assert_eq!(question_hash(" Who met? "), question_hash("who met?"));
        assert_ne!(question_hash("a"), question_hash("b"));
    }
}
