//! Whether a passage answers the question: the evidence it gives, as a few measured
//! signals, combined by one scorer. The weights and the threshold were fitted on the
//! development sets (`../shared/eval/dev.jsonl` + `dev2.jsonl`) and checked on the
//! archive set, which nothing here is fitted to; `examples/why` prints them for any
//! question.

use crate::search::rank::{self, Context, Fact, Ranked, Weights};
use crate::search::{Kind, Question};

/// What one passage says of the question, each in 0..=1.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Signals {
    /// Weight share of the question the passage covers (its release's title and
    /// meeting, and the paragraph a bullet stands under, count half).
    pub coverage: f32,
    /// Weight share the paragraph text alone covers.
    pub text_coverage: f32,
    /// Weight share of the most important word the corpus knows and the passage lacks.
    pub gap: f32,
    /// The largest weight share one sentence's worth of its words covers.
    pub sentence: f32,
    /// Weight share of the question's words that no release uses in any form.
    pub unknown: f32,
    /// 1 when the passage holds the kind of fact asked for (a date for "when", a place
    /// for "where", a person for "who", an amount for "how much"), or none is asked.
    pub frame: f32,
    /// 1 when the passage holds the attribute the question asks for ("What was the
    /// *theme* of …"), or the question asks for none. ("Which *city*" is answered by
    /// "in Seoul": the frame, not this, checks it.)
    pub focus: f32,
}

/// The scorer: a weight for each signal, a bias, and the threshold above which a
/// passage answers.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Tuning {
    pub weights: Signals,
    pub bias: f32,
    pub threshold: f32,
}

/// Fitted by logistic regression (class-balanced, L2 0.01) on the best passage of
/// each question of the development sets: label 1 when one of the first three
/// passages holds the answer, 0 for questions the releases do not answer
/// (`scripts/fit_abstention.py`). The threshold gives the fewest wrong replies on
/// those sets (a "not found" or a wrong first quote for an answerable question, an
/// answer for one the releases do not answer); moving it trades one kind for the
/// other. A release that never names whom the question names never answers, whatever
/// the score (`rank::lacks_name`).
pub const TUNING: Tuning = Tuning {
    weights: Signals {
        coverage: 0.95,
        text_coverage: 0.54,
        // The most important word the releases know and the passage lacks.
        gap: -0.99,
        sentence: 1.2,
        // Words no release uses: a paraphrase, or what the question asks and the
        // releases never say.
        unknown: -1.57,
        // The kind of fact asked for is the strongest single sign.
        frame: 3.97,
        // A passage that never names the attribute asked for ("the *theme* of …")
        // rarely states it.
        focus: 1.88,
    },
    bias: -6.41,
    threshold: 0.0,
};

/// The evidence of the best passage and what it decided.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Decision {
    pub answers: bool,
    pub score: f32,
    pub threshold: f32,
    pub signals: Signals,
    /// A country the question takes as given that the passage's release never names:
    /// then it never answers, whatever the score.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub absent_country: Option<String>,
    /// What the question asks for, in a word no release uses (`unsaid`), as asked.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unsaid: Option<String>,
    /// The month a question about the past asks of ("… in November 2022"), when the
    /// passage's release is dated before it: a release cannot report what had not yet
    /// happened, only announce it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub after_release: Option<String>,
}

impl Decision {
    pub fn of(signals: Signals, t: &Tuning) -> Decision {
        let score = signals.score(t);
        Decision {
            answers: score > t.threshold,
            score,
            threshold: t.threshold,
            signals,
            absent_country: None,
            unsaid: None,
            after_release: None,
        }
    }

    /// Why a passage that does not answer falls short, in words for the user.
    pub fn reason(&self, q: &Question) -> String {
        if let Some(country) = &self.absent_country {
            return format!("The release that speaks of this does not mention {country}.");
        }
        if let Some(word) = &self.unsaid {
            return format!("The releases I have never mention “{word}”.");
        }
        if let Some(month) = &self.after_release {
            return format!(
                "The release that speaks of this is from before {month}: it cannot say what happened then."
            );
        }
        let s = &self.signals;
        let future = q.kind == Kind::When && crate::lexicon::get().asks_future(&q.text);
        let reason = if s.frame == 0.0 && future {
            "The releases I have report meetings already held; none says when this one will be."
        } else if s.frame == 0.0 {
            "The releases I have touch on this, but none says what you ask."
        } else if s.unknown >= 0.3 {
            "The releases I have do not speak of this in those words, or at all."
        } else {
            "I could not find this in the releases I have."
        };
        reason.to_string()
    }
}

/// The concept naming what the question asks for (`Question::sought`, else the kind of
/// thing a which-question asks for, `Question::focus`) when no release uses its word in
/// any form ("What was the *weather* like …", "Which *hotel* …"): no passage states it.
/// For a why-question, any concept of it so unsaid: its premise (`Question::asks_reason`).
pub fn unsaid(q: &Question, w: &Weights) -> Option<usize> {
    let said = |i: usize| {
        w.known.get(i).copied().unwrap_or(true)
            || q.concepts
                .get(i)
                .is_some_and(|c| c.expansion == crate::search::Expansion::Thesaurus)
    };
    let asked = q.sought().or(q.focus).filter(|&i| !said(i));
    // "Why was it *cancelled*?": the releases do not say it was.
    let premise = || {
        q.asks_reason()
            .then(|| (0..q.concepts.len()).find(|&i| !said(i)))
            .flatten()
    };
    asked.or_else(premise)
}

/// Whether a concept of the question is an anniversary (lexicon `anniversary`): "When
/// will they mark *50 years* of ties?" is answered by one to come.
fn asks_anniversary(q: &Question, cx: &Context<'_>) -> bool {
    let word = &crate::lexicon::get().anniversary;
    let stem = crate::search::analyzer::stems(cx.analyzer, word);
    q.concepts
        .iter()
        .flat_map(|c| &c.variants)
        .any(|v| !stem.is_empty() && stem.iter().all(|s| v.contains(s)))
}

/// How near a body's name stands to a rare word of the question, in words, to be what
/// a who-question asks for ("the Mekong Institute, the overseer of …").
const BODY_REACH: usize = 3;

/// Whether `text` names a body the question does not (not even by its initials: "WTO"),
/// within `BODY_REACH` words of a word of the question that few paragraphs hold. Bodies
/// are named in most releases: one far from what is asked answers nothing.
fn body_by_asked(q: &Question, w: &Weights, text: &str) -> bool {
    let words: Vec<&str> = text
        .split_whitespace()
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()))
        .collect();
    let asked = q.text.to_lowercase();
    let asked: Vec<&str> = asked.split(|c: char| !c.is_alphanumeric()).collect();
    let rare: Vec<String> = q
        .concepts
        .iter()
        .zip(&w.common)
        .filter(|(c, common)| !**common && !c.name)
        .flat_map(|(c, _)| c.asked.split_whitespace().map(word_root))
        .collect();
    let said_rare = |i: &usize| rare.contains(&word_root(words[*i]));
    crate::text::organisations(&words).any(|body| {
        let initials: String = words[body.clone()]
            .iter()
            .filter_map(|w| w.chars().next())
            .collect();
        let new = words[body.clone()]
            .iter()
            .any(|w| !asked.contains(&w.to_lowercase().as_str()))
            && !asked.contains(&initials.to_lowercase().as_str());
        let near = body.start.saturating_sub(BODY_REACH)..(body.end + BODY_REACH).min(words.len());
        new && near
            .into_iter()
            .any(|i| !body.contains(&i) && said_rare(&i))
    })
}

/// A word's first five letters, lower case: "overseer" and "oversees" share them, most
/// other words do not.
fn word_root(word: &str) -> String {
    word.to_lowercase().chars().take(5).collect()
}

/// Words a sentence holds, for `Signals::sentence`.
const SENTENCE_WINDOW: usize = 25;

impl Signals {
    pub fn of(q: &Question, w: &Weights, r: &Ranked, cx: &Context<'_>) -> Signals {
        let has = |fact| cx.has(r.at, fact);
        let total = w.total();
        let unknown: f32 = w
            .weight
            .iter()
            .zip(&w.known)
            .zip(&q.concepts)
            .filter(|((_, known), c)| {
                !**known && c.expansion != crate::search::Expansion::Thesaurus
            })
            .map(|((weight, _), _)| weight)
            .sum();
        let text = cx.text(r.at);
        let held = |i: usize| {
            w.ids
                .get(i)
                .is_some_and(|v| v.iter().any(|v| rank::contains(cx.stems(r.at), v)))
        };
        let quoted = || crate::answer::quoted(q, w, text, cx.analyzer);
        let frame = match q.kind {
            // Someone the question does not already name ("Who co-chaired it alongside
            // Chung?" is not answered by a quote naming only Chung).
            Kind::Who if q.asks_person() => {
                let someone_new = rank::names_someone_new(q, r.at, cx);
                // Countries act too: "Who is the country coordinator?" — Malaysia; but
                // not for "Which *official* …", which asks for a person by name.
                let country = has(Fact::Country) && !w.name.iter().any(|n| *n);
                // So do bodies: "Who is the overseer of the Fund?" — the Mekong Institute.
                let body = || body_by_asked(q, w, text);
                someone_new || (country || body()) && !q.person_head
            }
            Kind::When if crate::lexicon::get().asks_clock_time(&q.text) => {
                let at = crate::text::find_clock_time(text).map(|t| offset_in(text, t));
                at.is_some_and(|at| of_meeting_asked(q, w, text, at, cx))
            }
            // A release tells a meeting to come only with a time after its own date
            // ("the next Meeting" of a 2020 release is not the one "in 2019" it
            // mentions).
            Kind::When if crate::lexicon::get().asks_future(&q.text) => {
                let date = cx.corpus.releases()[r.at.release as usize].date;
                crate::text::states_meeting_after(text, date, asks_anniversary(q, cx))
            }
            // … of the event asked about ("When was the FTA *signed*?").
            Kind::When => {
                let dates = crate::text::find_dates(text);
                let of_meeting = dates.is_empty()
                    || dates
                        .iter()
                        .any(|d| of_meeting_asked(q, w, text, d.start, cx));
                (has(Fact::Date) || has(Fact::Period))
                    && q.dated_event().is_none_or(&held)
                    && of_meeting
            }
            // A place or an amount the composer can state: a place the question does not
            // already name, an amount besides the question's own numbers ("KF-21") in a
            // clause that shares a telling word with the question …
            // … in the part of the paragraph an answer would quote.
            Kind::Where => has(Fact::Place) && crate::answer::stated_place(q, quoted()).is_some(),
            Kind::HowMuch => {
                (has(Fact::Quantity) || crate::text::anniversary_phrase(text).is_some())
                    && crate::answer::stated_amount(q, w, quoted(), cx.analyzer).is_some()
            }
            _ => true,
        };
        Signals {
            coverage: r.coverage,
            text_coverage: r.text_coverage,
            gap: r.gap,
            sentence: rank::densest_share(w, cx.stems(r.at), SENTENCE_WINDOW),
            unknown: unknown / total,
            frame: f32::from(u8::from(frame)),
            focus: f32::from(u8::from(
                q.attribute.is_none_or(held) && unsaid(q, w).is_none(),
            )),
        }
    }

    /// The evidence score: above 0, the passage answers.
    pub fn score(&self, t: &Tuning) -> f32 {
        t.bias
            + self
                .values()
                .iter()
                .zip(t.weights.values())
                .map(|(v, w)| v * w)
                .sum::<f32>()
    }

    fn values(&self) -> [f32; 7] {
        [
            self.coverage,
            self.text_coverage,
            self.gap,
            self.sentence,
            self.unknown,
            self.frame,
            self.focus,
        ]
    }
}

/// Whether the date or time at byte `at` of `text` may be the meeting's the question
/// asks about. When its sentence names a meeting before it ("the ASEAN-Republic of
/// Korea Foreign Ministers’ Meeting held at 19:40-21:00, … in the wake of the ASEAN
/// Plus Three Foreign Ministers’ Meeting"), the words before it must hold every
/// telling word of the meeting the question names ("What time did the ASEAN *Plus
/// Three* Foreign Ministers' Meeting begin?"). The ordinal and the year are the
/// release's to match. A question that names no meeting, or a date with none before
/// it ("On September 9, Minister Kang attended …"), may be.
fn of_meeting_asked(q: &Question, w: &Weights, text: &str, at: usize, cx: &Context<'_>) -> bool {
    let asked = crate::text::meeting_before(&q.text, q.text.len()).map(str::to_lowercase);
    let (Some(asked), Some(_)) = (asked, crate::text::meeting_before(text, at)) else {
        return true;
    };
    let before = crate::text::sentence_before(text, at).unwrap_or("");
    let before = crate::search::analyzer::content_stem_ids(cx.analyzer, before);
    q.concepts
        .iter()
        .zip(&w.ids)
        .zip(&w.common)
        .filter(|((c, _), common)| !**common && c.ordinal.is_none())
        .filter(|((c, _), _)| crate::text::year_of(&c.asked).is_none())
        .filter(|((c, _), _)| asked.contains(&c.asked.to_lowercase()))
        .all(|((_, variants), _)| variants.iter().any(|v| rank::contains(&before, v)))
}

/// The byte offset of `part` in `text`, a slice of it.
fn offset_in(text: &str, part: &str) -> usize {
    (part.as_ptr() as usize).saturating_sub(text.as_ptr() as usize)
}
