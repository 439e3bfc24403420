//! `attache report`: what was asked, what went unanswered (grouped when questions
//! differ only in case, punctuation or spacing), which answers got 👎, and which
//! releases are cited most.

use std::collections::HashMap;

use rusqlite::{Connection, params};
use serde::Serialize;

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Report {
    pub since: i64,
    pub asked: u64,
    pub answered: u64,
    pub not_found: u64,
    /// Most frequent unanswered questions: (as first asked, times).
    pub unanswered: Vec<(String, u64)>,
    /// Answers that got 👎: (question, cited release).
    pub disliked: Vec<(String, String)>,
    /// Releases cited most: (release, times).
    pub cited: Vec<(String, u64)>,
}

/// "What is KASI?!" and "what is  kasi" are the same question.
pub fn normalise(question: &str) -> String {
    let kept: String = question
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { ' ' })
        .flat_map(char::to_lowercase)
        .collect();
    kept.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A period like "7d", "24h" or "30m" before now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Since(pub i64);

impl std::str::FromStr for Since {
    type Err = String;

    fn from_str(s: &str) -> Result<Since, String> {
        let s = s.trim();
        let (n, unit) = s.split_at(s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len()));
        let n: i64 = n
            .parse()
            .map_err(|_| format!("`{s}` is not a period like 7d, 24h or 30m"))?;
        let seconds = match unit {
            "d" => 86_400,
            "h" => 3_600,
            "m" => 60,
            _ => return Err(format!("`{s}` is not a period like 7d, 24h or 30m")),
        };
        Ok(Since(n * seconds))
    }
}

pub fn build(conn: &Connection, since: i64, top: usize) -> rusqlite::Result<Report> {
    let mut report = Report {
        since,
        ..Report::default()
    };
    let (asked, answered): (i64, i64) = conn.query_row(
        "SELECT COUNT(*), COALESCE(SUM(found), 0) FROM questions WHERE at >= ?1",
        params![since],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    report.asked = asked.max(0) as u64;
    report.answered = answered.max(0) as u64;
    report.not_found = report.asked - report.answered;
    report.unanswered = unanswered(conn, since, top)?;
    let mut stmt = conn.prepare(
        "SELECT question, COALESCE(release, '') FROM questions WHERE at >= ?1 AND feedback = -1 ORDER BY at DESC LIMIT ?2",
    )?;
    report.disliked = stmt
        .query_map(params![since, top as i64], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    let mut stmt = conn.prepare(
        "SELECT release, COUNT(*) AS n FROM questions WHERE at >= ?1 AND release IS NOT NULL
         GROUP BY release ORDER BY n DESC, release LIMIT ?2",
    )?;
    report.cited = stmt
        .query_map(params![since, top as i64], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?.max(0) as u64))
        })?
        .collect::<Result<_, _>>()?;
    Ok(report)
}

/// Groups unanswered questions by their normalised text, most frequent first.
fn unanswered(conn: &Connection, since: i64, top: usize) -> rusqlite::Result<Vec<(String, u64)>> {
    let mut stmt =
        conn.prepare("SELECT question FROM questions WHERE at >= ?1 AND found = 0 ORDER BY at")?;
    let mut groups: HashMap<String, (String, u64)> = HashMap::new();
    for question in stmt.query_map(params![since], |r| r.get::<_, String>(0))? {
        let question = question?;
        let entry = groups
            .entry(normalise(&question))
            .or_insert_with(|| (question.clone(), 0));
        entry.1 += 1;
    }
    let mut out: Vec<(String, u64)> = groups.into_values().collect();
    out.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    out.truncate(top);
    Ok(out)
}

impl Report {
    /// The report as a corpus keeper reads it.
    pub fn text(&self) -> String {
        let mut out = format!(
            "Questions asked: {}  answered: {}  not found: {}\n",
            self.asked, self.answered, self.not_found
        );
        let section = |out: &mut String, title: &str, rows: Vec<String>| {
            out.push_str(&format!("\n{title}\n"));
            if rows.is_empty() {
                out.push_str("  (none)\n");
            }
            for row in rows {
                out.push_str(&format!("  {row}\n"));
            }
        };
        section(
            &mut out,
            "Most asked, not found:",
            self.unanswered
                .iter()
                .map(|(q, n)| format!("{n:>5}  {q}"))
                .collect(),
        );
        section(
            &mut out,
            "Answers marked 👎:",
            self.disliked
                .iter()
                .map(|(q, r)| format!("{q}  →  {r}"))
                .collect(),
        );
        section(
            &mut out,
            "Releases cited most:",
            self.cited
                .iter()
                .map(|(r, n)| format!("{n:>5}  {r}"))
                .collect(),
        );
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::qlog::{Entry, QuestionLog};

    #[test]
    fn groups_questions_that_differ_in_case_punctuation_and_spacing() {
        let dir = tempfile::tempdir().expect("tempdir");
        let log = QuestionLog::open(&dir.path().join("q.db")).expect("opens");
        let ask = |q: &str, found: bool, release: Option<&str>| Entry {
            at: 100,
            chat: "h".into(),
            chat_type: "private".into(),
            question: q.into(),
            found,
            release: release.map(String::from),
            paragraph: None,
            latency_ms: 1.0,
        };
        for q in [
            "Who won the World Cup?",
            "who won the world cup",
            "Who  won the World-Cup!!",
            "What is X?",
        ] {
            log.record(&ask(q, false, None)).expect("record");
        }
        let id = log
            .record(&ask("What is KASI?", true, Some("2023-kasi")))
            .expect("record");
        log.record(&ask("KASI?", true, Some("2023-kasi")))
            .expect("record");
        log.feedback(id, false).expect("feedback");
        let r = log.report(0, 10).expect("report");
        assert_eq!((r.asked, r.answered, r.not_found), (6, 2, 4));
        assert_eq!(r.unanswered[0], ("Who won the World Cup?".to_string(), 3));
        assert_eq!(
            r.disliked,
            [("What is KASI?".to_string(), "2023-kasi".to_string())]
        );
        assert_eq!(r.cited, [("2023-kasi".to_string(), 2)]);
        assert!(r.text().contains("    3  Who won the World Cup?"));
        assert_eq!(
            log.report(101, 10).expect("report").asked,
            0,
            "--since filters"
        );
    }

    #[test]
    fn periods() {
        assert_eq!("7d".parse(), Ok(Since(7 * 86_400)));
        assert_eq!("24h".parse(), Ok(Since(86_400)));
        assert!("7 days".parse::<Since>().is_err());
        assert!("d".parse::<Since>().is_err());
    }
}
