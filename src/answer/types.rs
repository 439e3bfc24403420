//! The answer a front end shows: plain data, no formatting decisions beyond plain text.

use serde::Serialize;

use crate::corpus::Date;

/// What `Engine::answer` returns for any question. Never an error: "not found" is
/// `found == false` with a polite `text` and suggestions.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Answer {
    /// The question as asked (trimmed).
    pub question: String,
    /// True when the corpus answers the question; false when Attaché abstains.
    pub found: bool,
    /// One short line that states the fact (verbatim from the best sentence), or
    /// the abstention message. Never empty.
    pub lead: String,
    /// Ranked evidence, best first. Empty when `found` is false.
    pub citations: Vec<Citation>,
    /// When abstaining: the meetings/releases the corpus does cover, nearest first.
    pub suggestions: Vec<Suggestion>,
    /// The whole answer as plain text, the way a person reads it in a terminal.
    pub text: String,
    /// Why it answered or abstained: the best passage's evidence against the
    /// threshold (`None` when no passage was weighed: nothing to look up, or a
    /// meeting, year or name the corpus lacks).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decision: Option<crate::decide::Decision>,
}

/// One quoted paragraph of one release, with everything needed to cite it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Citation {
    /// 1-based rank, also the citation number shown as `[n]`.
    pub rank: usize,
    /// Release id (the corpus file's `id`).
    pub release: String,
    pub title: String,
    /// The event date of the release.
    pub date: Date,
    pub url: String,
    /// Paragraph number as the release shows it: "4", or "4·1" for the first bullet under 4.
    pub paragraph: String,
    /// The paragraph's full text, verbatim.
    pub text: String,
    /// The sentence(s) quoted from `text`, verbatim (a substring of `text`).
    pub snippet: String,
    /// Byte ranges of `snippet` that matched the question's terms (for bold).
    pub highlights: Vec<(usize, usize)>,
    pub score: f32,
}

/// A release the corpus covers, offered when the question is not answered.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Suggestion {
    pub release: String,
    pub meeting: String,
    pub title: String,
    pub date: Date,
    pub url: String,
}
