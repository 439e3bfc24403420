//! Telegram's sending limits, kept per chat so that one chat's backlog never
//! delays another's answer: at most one message a second in a chat, 20 a minute
//! in a group, and 30 a second overall.
//!
//! Why not teloxide's `Throttle`: it queues every request in one queue of 30 and
//! limits private chats to 20 a minute as well, so a chat with a backlog fills the
//! queue and the others wait behind it. Here each caller waits only for its own
//! chat's window and for a slot in the overall one; the scheduler (`scheduler`)
//! makes sure each chat has at most one message waiting.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// One sliding-window rule: at most `count` sends in any `window`.
#[derive(Debug, Clone, Copy)]
struct Rule {
    count: usize,
    window: Duration,
}

/// Per-chat and overall windows.
pub struct Limiter {
    per_chat: Rule,
    per_group: Rule,
    overall: Rule,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    chats: HashMap<i64, VecDeque<Instant>>,
    overall: VecDeque<Instant>,
    last_sweep: Option<Instant>,
}

/// The earliest instant a `rule` allows another send, given the `sent` times.
fn free_at(sent: &VecDeque<Instant>, rule: Rule, now: Instant) -> Instant {
    if sent.len() < rule.count {
        return now;
    }
    sent.get(sent.len() - rule.count)
        .map_or(now, |t| (*t + rule.window).max(now))
}

fn forget(sent: &mut VecDeque<Instant>, keep: Duration, now: Instant) {
    while sent
        .front()
        .is_some_and(|t| now.saturating_duration_since(*t) >= keep)
    {
        sent.pop_front();
    }
}

impl Limiter {
    /// Telegram's published limits.
    pub fn telegram() -> Limiter {
        Limiter {
            per_chat: Rule {
                count: 1,
                window: Duration::from_secs(1),
            },
            per_group: Rule {
                count: 20,
                window: Duration::from_secs(60),
            },
            overall: Rule {
                count: 30,
                window: Duration::from_secs(1),
            },
            state: Mutex::default(),
        }
    }

    /// Waits until a message may be sent to `chat` (groups have negative ids) and
    /// counts it as sent.
    pub async fn acquire(&self, chat: i64) {
        loop {
            let wait = match self.try_acquire(chat, Instant::now()) {
                Ok(()) => return,
                Err(at) => at,
            };
            tokio::time::sleep_until(wait.into()).await;
        }
    }

    /// Takes a slot now, or says when to try again.
    fn try_acquire(&self, chat: i64, now: Instant) -> Result<(), Instant> {
        let mut state = self
            .state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let state = &mut *state;
        if state
            .last_sweep
            .is_none_or(|t| now.saturating_duration_since(t) > Duration::from_secs(60))
        {
            // Chats quiet for a minute hold nothing worth keeping.
            state.last_sweep = Some(now);
            state.chats.retain(|_, sent| {
                forget(sent, Duration::from_secs(60), now);
                !sent.is_empty()
            });
        }
        let sent = state.chats.entry(chat).or_default();
        forget(sent, Duration::from_secs(60), now);
        forget(&mut state.overall, self.overall.window, now);
        let mut at =
            free_at(sent, self.per_chat, now).max(free_at(&state.overall, self.overall, now));
        if chat < 0 {
            at = at.max(free_at(sent, self.per_group, now));
        }
        if at > now {
            return Err(at);
        }
        sent.push_back(now);
        state.overall.push_back(now);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_a_second_per_chat_without_holding_others() {
        let l = Limiter::telegram();
        let t = Instant::now();
        assert!(l.try_acquire(1, t).is_ok());
        let again = l.try_acquire(1, t).expect_err("a second message waits");
        assert_eq!(again, t + Duration::from_secs(1));
        assert!(l.try_acquire(2, t).is_ok(), "another chat goes at once");
        assert!(l.try_acquire(1, t + Duration::from_secs(1)).is_ok());
    }

    #[test]
    fn groups_twenty_a_minute_and_thirty_a_second_overall() {
        let l = Limiter::telegram();
        let t = Instant::now();
        for i in 0..20 {
            assert!(l.try_acquire(-5, t + Duration::from_secs(i)).is_ok());
        }
        let later = l
            .try_acquire(-5, t + Duration::from_secs(20))
            .expect_err("the 21st in a minute waits");
        assert_eq!(later, t + Duration::from_secs(60));
        let l = Limiter::telegram();
        for chat in 0..30 {
            assert!(l.try_acquire(chat, t).is_ok());
        }
        assert!(l.try_acquire(99, t).is_err(), "31st in a second waits");
    }
}
