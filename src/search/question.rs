//! Question analysis: what a question asks for and which of its words carry meaning.
//!
//! User text never reaches tantivy's query parser: quotes, colons, `AND` or a stray
//! `-` are just characters here. A question becomes a list of *concepts* (a word or a
//! synonym group), the meetings it names by ordinal, the years it names, whether it
//! wants the latest release, and its kind (when / where / who / how much / what / yes-no).

use std::collections::HashSet;
use std::sync::OnceLock;

use tantivy::tokenizer::TextAnalyzer;

use super::analyzer::{self, Token};
use super::synonyms::{Phrase, Synonyms};
use crate::lexicon::{self, Frames, Words};
use crate::text::{ordinal_number, ordinal_suffix, year_of};

/// Questions longer than this are cut: a question is a sentence, not a document.
pub const MAX_QUESTION_CHARS: usize = 500;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    When,
    Where,
    Who,
    HowMuch,
    YesNo,
    What,
}

/// A word of the question, or a synonym group it names.
#[derive(Debug, Clone, PartialEq)]
pub struct Concept {
    /// The words as asked (after ordinal normalisation).
    pub asked: String,
    /// Every way the corpus may say it, as stems; the first is the asked one.
    pub variants: Vec<Phrase>,
    /// Written with a capital inside the question: probably a name.
    pub name: bool,
    /// An ordinal like "26th".
    pub ordinal: Option<u32>,
    /// How variants beyond the asked words were found, when the corpus lacks those.
    pub expansion: Expansion,
}

/// Where a concept's extra variants came from (see `search::expand`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Expansion {
    /// As asked, or through `config/synonyms.toml`.
    #[default]
    None,
    /// A corpus word a few letters away: the question misspelt it.
    Spelling,
    /// A small count written the other way: "3" for the corpus's "three".
    Count,
    /// Words of the same meaning from the general thesaurus: the question paraphrased.
    Thesaurus,
    /// The corpus's phrase whose initials the question's acronym spells ("ISG").
    Acronym,
}

/// "the 30th ASEAN-ROK Dialogue": an ordinal followed by the kind of meeting.
#[derive(Debug, Clone, PartialEq)]
pub struct MeetingRef {
    pub ordinal: u32,
    /// Stems after the ordinal, up to the meeting word: ["asean", "rok", "dialogu"].
    pub words: Vec<String>,
    /// As asked: "30th ASEAN-ROK Dialogue".
    pub asked: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Question {
    /// The question as analysed (trimmed, cut, ordinals in digits).
    pub text: String,
    /// Whether the question was cut to `MAX_QUESTION_CHARS`.
    pub truncated: bool,
    pub kind: Kind,
    pub concepts: Vec<Concept>,
    pub meetings: Vec<MeetingRef>,
    pub years: Vec<u16>,
    pub latest: bool,
    /// The concept the answer is about, when the question says: "which *ambassadors*",
    /// "what *share*", "in which *fields*".
    pub focus: Option<usize>,
    /// The concept naming the attribute asked for, when the question says: "What was
    /// the *theme* of …". An answer names it ("the theme … is").
    pub attribute: Option<usize>,
    /// The concept naming what "What is/was the X …" asks for, when it is not a cue
    /// the frame checks: "What was the total *budget* …", "What was the *weather*
    /// like …" ("what is the *date*" is a cue). See `sought`.
    pub head: Option<usize>,
    /// The concept naming what someone did, when the question says: "What did Korea
    /// *pledge* to the Fund?". Releases tell the same act in other verbs ("after
    /// expanding the Fund"), so it says less about which paragraph answers.
    pub action: Option<usize>,
    /// The posts it asks who holds, lower case ("Who was ASEAN *Secretary-General* …";
    /// `names::posts_asked`): a name answers only with one of them beside it.
    pub posts: Vec<String>,
    /// Whether the which-phrase ends in a word for one person ("which Brunei
    /// *minister*", `person_heads`).
    pub person_head: bool,
    /// Names of several words the question writes (`names`): a paragraph that says
    /// one whole says what the question names.
    pub names: Vec<Name>,
}

/// A name of several words, as the question writes it ("ASEAN-Korea Cooperation
/// Fund").
#[derive(Debug, Clone, PartialEq)]
pub struct Name {
    /// Its concepts, in order.
    pub concepts: Vec<usize>,
    /// Its words as written in the question.
    pub text: String,
}

/// A regular past form ("signed", "visited"), which ends a noun phrase.
fn is_past(word: &str) -> bool {
    word.len() > 4 && word.ends_with("ed")
}

fn stop_stems() -> &'static HashSet<String> {
    static STOP: OnceLock<HashSet<String>> = OnceLock::new();
    STOP.get_or_init(|| {
        analyzer::stems_of_words(lexicon::get().stop_words())
            .into_iter()
            .collect()
    })
}

/// The stems that end a meeting's name in a question ("the 30th *dialogue*", "the 23rd
/// *FMM*"): the lexicon's meeting words and meeting acronyms, as the analyzer stems them.
fn meeting_stems() -> &'static Words {
    static STEMS: OnceLock<Words> = OnceLock::new();
    STEMS.get_or_init(|| {
        let lex = lexicon::get();
        let acronyms = lex
            .meeting_acronyms
            .iter()
            .map(|(acronym, _)| acronym.as_str());
        Words::from(analyzer::stems_of_words(
            lex.meeting_words.iter().chain(acronyms),
        ))
    })
}

/// Each meeting acronym's stem and the stem of the word that ends the name it stands
/// for ("fmm" → "meet").
fn acronym_kinds() -> &'static [(String, String)] {
    static KINDS: OnceLock<Vec<(String, String)>> = OnceLock::new();
    KINDS.get_or_init(|| {
        let a = analyzer::build();
        let stem = |word: &str| analyzer::stems(&a, word).pop().unwrap_or_default();
        lexicon::get()
            .meeting_acronyms
            .iter()
            .map(|(acronym, word)| (stem(acronym), stem(word)))
            .collect()
    })
}

impl Question {
    /// The event a passive "when" dates, as the concept of its last word: "When was the
    /// Korea-Singapore FTA *signed*?". A date beside the FTA that never says "signed"
    /// is the date of something else.
    pub fn dated_event(&self) -> Option<usize> {
        let lower = self.text.to_lowercase();
        let words = lexicon::words(&lower);
        let lex = lexicon::get();
        // A when-cue of one word, then a copula: "When was …".
        let passive = self.kind == Kind::When
            && words
                .first()
                .is_some_and(|w| lex.frames.when.iter().any(|c| c == w))
            && words.get(1).is_some_and(|w| lex.copulas.contains(w));
        let last = words.last()?;
        let participle = is_past(last);
        let at = self.concepts.len().checked_sub(1)?;
        (passive && participle && self.concepts[at].asked.eq_ignore_ascii_case(last)).then_some(at)
    }

    /// "*Why* was the meeting cancelled?" (lexicon `reason_words`): the question takes
    /// all it says as given and asks for the reason.
    pub fn asks_reason(&self) -> bool {
        let lower = self.text.to_lowercase();
        lexicon::words(&lower)
            .first()
            .is_some_and(|w| lexicon::get().reason_words.contains(w))
    }

    /// The concept naming the thing an answer must state: the head of a what-phrase,
    /// or what a how-much question measures ("How many *journalists* …") unless its
    /// cue names the units instead ("How much *money*": dollars).
    pub fn sought(&self) -> Option<usize> {
        let units = lexicon::get().units_of(&self.text).is_some();
        self.head.or_else(|| self.measured().filter(|_| !units))
    }

    /// What a how-much question measures, as the concept of the last word of the
    /// phrase after its cue: "How much bilateral *trade* …", "How many *diplomats* …".
    /// An amount in a clause that never names it measures something else ("25% of
    /// Korea's total bilateral ODA" is no trade). None for "How much did Korea pledge?".
    pub fn measured(&self) -> Option<usize> {
        if self.kind != Kind::HowMuch {
            return None;
        }
        let lower = self.text.to_lowercase();
        let words = lexicon::words(&lower);
        let cues = &lexicon::get().frames.how_much;
        let after = (0..words.len()).find_map(|i| {
            cues.iter()
                .map(|c| c.split_whitespace().collect::<Vec<_>>())
                .find(|c| words.get(i..i + c.len()) == Some(&c[..]))
                .map(|c| i + c.len())
        })?;
        let concept_of = |w: &str| {
            self.concepts.iter().position(|c| {
                c.asked
                    .split_whitespace()
                    .any(|a| a.eq_ignore_ascii_case(w))
            })
        };
        // The phrase ends at its verb ("How many Korean travelers *visited* …").
        words[after..]
            .iter()
            .map_while(|w| (!is_past(w)).then(|| concept_of(w)).flatten())
            .last()
    }

    /// "Who …?" and "Which Brunei *minister* …?" ask for a person ("Which countries
    /// …?" and "Which ambassadors …?" do not).
    pub fn asks_person(&self) -> bool {
        let lower = self.text.to_lowercase();
        self.kind == Kind::Who
            && (self.person_head || lexicon::opens_with(&lower, &lexicon::get().person_questions))
            && !self.asks_identity()
    }

    /// "Who is Yeo Seung-bae?" names the person and asks what they are: the answer is
    /// a role, not another person's name.
    pub fn asks_identity(&self) -> bool {
        let lower = self.text.to_lowercase();
        lexicon::opens_with(&lower, &lexicon::get().identity_questions)
            && !self.concepts.is_empty()
            && self.concepts.iter().all(|c| c.name)
            // "Who is the ASEAN Secretary-General?" names a post: it asks for a person.
            && !self
                .concepts
                .iter()
                .flat_map(|c| c.asked.split_whitespace())
                .any(crate::names::is_title)
    }
}

pub fn is_stop(stem: &str) -> bool {
    stop_stems().contains(stem)
}

/// Analyses a question. Never fails: the worst question has no concepts.
pub fn analyse(question: &str, analyzer: &TextAnalyzer, synonyms: &Synonyms) -> Question {
    let (text, truncated) = cut(question.trim());
    let text = respell_question_word(&normalise_ordinals(&text));
    let tokens = analyzer::tokens(analyzer, &text);
    let stems: Vec<String> = tokens.iter().map(|t| t.stem.clone()).collect();
    let lower = text.to_lowercase();
    let phrase = wh_phrase(&text, &tokens);
    let mut kind = kind_of(&lower, phrase.and_then(|p| p.kind));
    let mut skipped = measure_words(&text, &tokens);
    if matches!(kind, Kind::When | Kind::Where) {
        skipped.extend(event_words(&text, &tokens));
    }
    let (concepts, said) = concepts(&text, &tokens, &stems, &skipped, synonyms, analyzer);
    let names = names(&text, &said, &concepts);
    let posts = crate::names::posts_asked(&text);
    // "What is the name of the ASEAN Deputy Secretary-General …" asks who holds a post.
    let person_opening = lexicon::opens_with(&lower, &lexicon::get().person_questions);
    if kind == Kind::What && person_opening && !posts.is_empty() {
        kind = Kind::Who;
    }
    Question {
        kind,
        focus: focus(&text, &tokens, &concepts),
        attribute: phrase
            .filter(|p| p.attribute)
            .and_then(|p| concept_of(p.head, &concepts)),
        head: phrase
            .filter(|p| p.copular && p.kind.is_none())
            .and_then(|p| concept_of(p.head, &concepts)),
        action: action(&text, &tokens, &concepts),
        meetings: meetings(&text, &tokens),
        years: tokens
            .iter()
            .filter_map(|t| year_of(&text[t.start..t.end]))
            .collect(),
        latest: asks_latest(&lower),
        posts,
        person_head: phrase
            .and_then(|p| p.cue)
            .is_some_and(|w| lexicon::get().person_heads.contains(&w.to_lowercase())),
        names,
        concepts,
        truncated,
        text,
    }
}

/// "The latest …": the newest release answers (`latest` in the lexicon says which
/// words ask for it, and why "next" and "current" do not).
fn asks_latest(lower: &str) -> bool {
    lexicon::get()
        .latest
        .iter()
        .any(|p| lower.contains(p.as_str()))
}

/// What a what/which-question asks about: the phrase after the question word ("which
/// Korean *city*", "what is the annual *budget* of …", "what kind of *partnership*").
/// `light_heads`, `copulas` and `determiners` in the lexicon say how far it runs.
#[derive(Debug, Clone, Copy, PartialEq)]
struct WhPhrase<'t> {
    /// Its last word, as written: the attribute, if it is one.
    head: &'t str,
    /// The kind its last word that is a cue asks for ("which Korean *city*" as "which
    /// city"; "which member *states* attended" as "which states").
    kind: Option<Kind>,
    /// Its first word that is a cue, as written.
    cue: Option<&'t str>,
    /// "What is the *theme* of …" asks for an attribute, which the answer tends to name
    /// ("the theme … is"); "which *city*" asks for one of a kind, which it does not
    /// ("in Seoul").
    attribute: bool,
    /// "What is/was the X …": the answer says what the X is, so it names it ("the
    /// budget was …"); "which *fair*" is answered by a name ("the World Expo").
    copular: bool,
}

fn wh_phrase<'t>(text: &'t str, tokens: &[Token]) -> Option<WhPhrase<'t>> {
    let lex = lexicon::get();
    let word = |i: usize| tokens.get(i).map(|t| &text[t.start..t.end]);
    let is = |i: usize, list: &Words| word(i).is_some_and(|w| list.contains(&w.to_lowercase()));
    let skip_determiners = |mut i: usize| {
        while is(i, &lex.determiners) {
            i += 1;
        }
        i
    };
    let cue = |i: usize| {
        let w = word(i)?.to_lowercase();
        lex.what_words
            .iter()
            .find_map(|wh| cue_at(&lex.frames, &[wh, &w], 0))
    };
    let mut i = (0..tokens.len()).find(|&i| is(i, &lex.what_words))? + 1;
    let copular = is(i, &lex.copulas) && is(i + 1, &lex.determiners);
    i = skip_determiners(i + usize::from(copular));
    let (mut head, mut kind, mut cue_word) = (None, None, None);
    while let Some(t) = tokens.get(i) {
        // A cue's word is in the phrase though it is a stop word ("what is the *date*").
        let cued = cue(i);
        // So is a light head ("what is the *name* of …").
        if !is_stop(&t.stem) || cued.is_some() || is(i, &lex.light_heads) {
            head = Some(i);
            if cued.is_some() {
                kind = cued;
                // The phrase may run on past its verb ("which Thai *official* headed
                // Thailand's *delegation*"): its first cue is its own.
                cue_word = cue_word.or(Some(i));
            }
            i += 1;
            continue;
        }
        // "the ASEAN chief's *reaction*": a possessive goes on to its noun.
        let possessive = t.stem == "s" && text[..t.start].ends_with(['\'', '’']);
        let after_light = head.is_some_and(|h| is(h, &lex.light_heads));
        if possessive && head.is_some() {
            i += 1;
        } else if after_light && word(i).is_some_and(|w| w.eq_ignore_ascii_case("of")) {
            i = skip_determiners(i + 1);
        } else {
            break;
        }
    }
    // Only "the X *of* …" names an attribute; "what is the HEAT program" asks what
    // the thing is.
    let of_follows = word(i).is_some_and(|w| w.eq_ignore_ascii_case("of"));
    Some(WhPhrase {
        head: head.and_then(word)?,
        kind,
        cue: cue_word.and_then(word),
        attribute: copular && of_follows,
        copular,
    })
}

/// The concept right after "which"/"what" ("which ambassadors", "what share of"), if
/// the word there carries meaning (not "what did").
fn focus(text: &str, tokens: &[Token], concepts: &[Concept]) -> Option<usize> {
    let at = tokens.windows(2).find_map(|w| {
        let word = text[w[0].start..w[0].end].to_lowercase();
        (lexicon::get().what_words.contains(&word) && !is_stop(&w[1].stem))
            .then(|| &text[w[1].start..w[1].end])
    })?;
    concepts
        .iter()
        .position(|c| c.asked.split_whitespace().next() == Some(at))
}

/// The concept holding a word of the question, as written.
fn concept_of(word: &str, concepts: &[Concept]) -> Option<usize> {
    concepts.iter().position(|c| {
        c.asked
            .split(|ch: char| !ch.is_alphanumeric())
            .any(|w| w == word)
    })
}

/// The first word after the doer in "What did <doer> <act> …" ("What did the ROK and
/// Singapore *agree* on?"): the doer is the run of names, numbers and joining words
/// after the auxiliary.
fn action(text: &str, tokens: &[Token], concepts: &[Concept]) -> Option<usize> {
    let lex = lexicon::get();
    let word = |t: &Token| &text[t.start..t.end];
    let aux = tokens.windows(2).position(|w| {
        word(&w[0]).eq_ignore_ascii_case("what")
            && lex.action_auxiliaries.contains(&word(&w[1]).to_lowercase())
    })?;
    let verb = tokens[aux + 2..].iter().map(word).find(|w| {
        let joining = lex.doer_joiners.contains(&w.to_lowercase());
        !joining && !w.starts_with(|c: char| c.is_uppercase() || c.is_ascii_digit())
    })?;
    concepts
        .iter()
        .position(|c| c.asked.split_whitespace().next() == Some(verb))
}

fn cut(text: &str) -> (String, bool) {
    match text.char_indices().nth(MAX_QUESTION_CHARS) {
        Some((at, _)) => (text[..at].to_string(), true),
        None => (text.to_string(), false),
    }
}

/// "twenty-sixth" → "26th", "Third" → "3rd", so that the question meets the corpus's
/// digits.
/// The question with its first word read as the question word it misspells ("wher
/// was …" → "where was …"), and its second as the word of a cue the first opens
/// ("how meny" → "how many"); unchanged where a word is right, a dictionary word, or no
/// single slip from exactly one candidate.
fn respell_question_word(text: &str) -> String {
    let lex = lexicon::get();
    let text = respell_word(text, 0, &lex.question_words, false);
    let Some((_, first_end)) = word_at(&text, 0) else {
        return text;
    };
    let first = text[..first_end].to_lowercase();
    let frames = &lex.frames;
    let seconds: Vec<String> = [&frames.when, &frames.where_, &frames.how_much, &frames.who]
        .into_iter()
        .flatten()
        .filter_map(|cue| match cue.split(' ').collect::<Vec<_>>()[..] {
            [opening, second, ..] if opening == first => Some(second.to_string()),
            _ => None,
        })
        .collect();
    respell_word(&text, first_end, &seconds, true)
}

/// The word starting at or after `from`: its start and end.
fn word_at(text: &str, from: usize) -> Option<(usize, usize)> {
    let rest = text.get(from..)?;
    let start = from + rest.find(char::is_alphabetic)?;
    let len = text[start..]
        .find(|c: char| !c.is_alphabetic())
        .unwrap_or(text.len() - start);
    Some((start, start + len))
}

/// `text` with the word at or after `from` replaced by the one of `words` it is a
/// single slip from (with `substitution`, one letter typed for another counts too), in
/// the case it was typed in.
fn respell_word(text: &str, from: usize, words: &[String], substitution: bool) -> String {
    let Some((start, end)) = word_at(text, from) else {
        return text.to_string();
    };
    let typed = &text[start..end];
    let lower = typed.to_lowercase();
    let right = words.contains(&lower) || crate::thesaurus::in_dictionary(&lower);
    if lower.len() < 3 || right || (substitution && lower.len() < 4) {
        return text.to_string();
    }
    let slips: Vec<(u8, &String)> = words
        .iter()
        .filter_map(|w| slip(&lower, w, substitution).map(|s| (s, w)))
        .collect();
    let Some(best) = slips.iter().map(|(s, _)| *s).min() else {
        return text.to_string();
    };
    let mut nearest = slips.iter().filter(|(s, _)| *s == best).map(|(_, w)| *w);
    let (Some(word), None) = (nearest.next(), nearest.next()) else {
        return text.to_string();
    };
    let word = if typed.starts_with(char::is_uppercase) {
        let mut chars = word.chars();
        chars
            .next()
            .map(|c| c.to_uppercase().chain(chars).collect())
            .unwrap_or_default()
    } else {
        word.clone()
    };
    format!("{}{word}{}", &text[..start], &text[end..])
}

/// How `typed` slipped from `word`, most likely first: 0 a letter left out ("wher"),
/// 1 two letters swapped ("waht"), 2 one letter too many or, with `substitution`, one
/// typed for another ("meny"); `None` otherwise. Without it: a first word one letter
/// from a question word is more often a name ("Cho", "who").
fn slip(typed: &str, word: &str, substitution: bool) -> Option<u8> {
    let (t, w): (Vec<char>, Vec<char>) = (typed.chars().collect(), word.chars().collect());
    let without = |long: &[char], short: &[char]| {
        (0..long.len()).any(|i| long[..i] == short[..i] && long[i + 1..] == short[i..])
    };
    if t.len() + 1 == w.len() && without(&w, &t) {
        return Some(0);
    }
    if t.len() == w.len() {
        let differ: Vec<usize> = (0..t.len()).filter(|&i| t[i] != w[i]).collect();
        return match differ[..] {
            [a, b] if b == a + 1 && t[a] == w[b] && t[b] == w[a] => Some(1),
            [_] if substitution => Some(2),
            _ => None,
        };
    }
    (t.len() == w.len() + 1 && without(&t, &w)).then_some(2)
}

fn normalise_ordinals(text: &str) -> String {
    let words: Vec<&str> = text.split(' ').collect();
    let mut out: Vec<String> = Vec::with_capacity(words.len());
    let mut i = 0;
    while i < words.len() {
        let pair = words
            .get(i + 1)
            .map(|next| format!("{}-{}", words[i], next));
        let spelled = |w: &str| !w.starts_with(|c: char| c.is_ascii_digit());
        if let Some(n) = pair
            .as_deref()
            .filter(|p| spelled(p))
            .and_then(ordinal_number)
        {
            out.push(ordinal_suffix(n));
            i += 2;
            continue;
        }
        match ordinal_number(words[i]).filter(|_| spelled(words[i])) {
            Some(n) => {
                let trailing: String = words[i]
                    .chars()
                    .rev()
                    .take_while(|c| !c.is_alphanumeric())
                    .collect();
                out.push(format!(
                    "{}{}",
                    ordinal_suffix(n),
                    trailing.chars().rev().collect::<String>()
                ));
            }
            None => out.push(words[i].to_string()),
        }
        i += 1;
    }
    out.join(" ")
}

/// The kind of fact a question asks for, from its lower-case words: the cue that opens
/// it, else the cue its what/which-phrase makes ("which Korean city" as "which city"),
/// else "what" or yes/no by its first word, else its first cue (`[frames]` in
/// `config/lexicon.toml`).
fn kind_of(lower: &str, phrase: Option<Kind>) -> Kind {
    let lex = lexicon::get();
    let words = lexicon::words(lower);
    let kind = kind_of_words(&words, phrase);
    // "Where does ASEAN rank among …" asks for a standing, not a place.
    if kind == Kind::Where && words.iter().any(|w| lex.standings.contains(w)) {
        return Kind::What;
    }
    kind
}

fn kind_of_words(words: &[&str], phrase: Option<Kind>) -> Kind {
    let lex = lexicon::get();
    let first = words.first().copied().unwrap_or("");
    if let Some(kind) = cue_at(&lex.frames, words, 0).or(phrase) {
        kind
    } else if lex.what_words.contains(first) || asks_manner(words) {
        Kind::What
    } else if lex.yes_no.contains(first) {
        Kind::YesNo
    } else {
        (0..words.len())
            .find_map(|at| cue_at(&lex.frames, words, at))
            .unwrap_or(Kind::What)
    }
}

/// "*How did* ASEAN react …": a manner word before an auxiliary asks what.
fn asks_manner(words: &[&str]) -> bool {
    let lex = lexicon::get();
    let [first, second, ..] = words else {
        return false;
    };
    lex.manner_words.contains(first) && lex.yes_no.contains(second)
}

/// The kind whose cue starts at word `at`; the longest cue wins ("which country
/// hosted" over "which country").
fn cue_at(frames: &Frames, words: &[&str], at: usize) -> Option<Kind> {
    let kinds = [
        (Kind::When, &frames.when),
        (Kind::Where, &frames.where_),
        (Kind::HowMuch, &frames.how_much),
        (Kind::Who, &frames.who),
    ];
    kinds
        .iter()
        .flat_map(|(kind, cues)| cues.iter().map(move |c| (*kind, c)))
        .filter(|(_, cue)| {
            let cue: Vec<&str> = cue.split_whitespace().collect();
            words.get(at..at + cue.len()) == Some(&cue[..])
        })
        .max_by_key(|(_, cue)| cue.len())
        .map(|(kind, _)| kind)
}

/// Where the question says a concept: its index and byte span (a concept said twice
/// has two).
struct Said {
    concept: usize,
    start: usize,
    end: usize,
}

/// Positions of the words a cue opened by "how" adds to it ("how *large*", "how
/// *far*", "how *long ago*"): they say what kind of fact is asked for, which the answer
/// states as an amount or a date, not in those words ("large-scale projects" is no
/// answer to "How large was the fund?").
fn measure_words(text: &str, tokens: &[Token]) -> Vec<usize> {
    let words: Vec<String> = tokens
        .iter()
        .map(|t| text[t.start..t.end].to_lowercase())
        .collect();
    let frames = &lexicon::get().frames;
    let cues = [&frames.when, &frames.where_, &frames.how_much, &frames.who];
    let mut out = Vec::new();
    for cue in cues.into_iter().flatten() {
        let cue: Vec<&str> = cue.split_whitespace().collect();
        if cue.len() < 2 || cue[0] != "how" {
            continue;
        }
        for at in 0..words.len().saturating_sub(cue.len() - 1) {
            if words[at..at + cue.len()]
                .iter()
                .zip(&cue)
                .all(|(w, c)| w == c)
            {
                out.extend(at + 1..at + cue.len());
            }
        }
    }
    out
}

/// The tokens of `event_words` (lexicon): in a question asking when or where, they
/// only say that the meeting took place.
fn event_words(text: &str, tokens: &[Token]) -> Vec<usize> {
    let events = &lexicon::get().event_words;
    (0..tokens.len())
        .filter(|&i| events.contains(&text[tokens[i].start..tokens[i].end].to_lowercase()))
        .collect()
}

/// The question's concepts and where each is said, but for the tokens `skipped`.
fn concepts(
    text: &str,
    tokens: &[Token],
    stems: &[String],
    skipped: &[usize],
    synonyms: &Synonyms,
    analyzer: &TextAnalyzer,
) -> (Vec<Concept>, Vec<Said>) {
    let mut out: Vec<Concept> = Vec::new();
    let mut said = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        if skipped.contains(&i) {
            i += 1;
            continue;
        }
        let is_year = |k: usize| {
            tokens
                .get(k)
                .is_some_and(|t| year_of(&text[t.start..t.end]).is_some())
        };
        // "held in 2025": the "in" belongs to the year, so this is not "held in" (host).
        let synonym = synonyms
            .longest_at(&stems[i..])
            .filter(|(len, _)| !(is_stop(&stems[i + len - 1]) && is_year(i + len)));
        let pair = || phrasal_at(text, tokens, stems, i, analyzer);
        let anniversary = || anniversary_at(text, tokens, stems, i, analyzer);
        let mut expansion = Expansion::None;
        let mut person = false;
        let (len, variants) = match synonym {
            None if let Some(variants) = anniversary() => (2, variants),
            Some((len, group)) => {
                let asked: Phrase = stems[i..i + len].to_vec();
                let mut variants = vec![asked.clone()];
                variants.extend(group.iter().filter(|p| **p != asked).cloned());
                (len, variants)
            }
            None if let Some(variants) = pair() => {
                expansion = Expansion::Thesaurus;
                (2, variants)
            }
            None if is_stop(&stems[i]) || is_year(i) => {
                i += 1;
                continue;
            }
            None => match person_name_at(text, tokens, i) {
                // "Cho Tae-yul": releases often say just "Minister Cho".
                Some(len) => {
                    person = true;
                    let full: Phrase = stems[i..i + len].to_vec();
                    (len, vec![full, vec![stems[i].clone()]])
                }
                // "Deputy Minister Kim Gunn", "Minister Retno Marsudi": releases say
                // either word alone, as the custom of the person's country has it.
                None if titled_name_at(text, tokens, i) => {
                    person = true;
                    let full: Phrase = stems[i..i + 2].to_vec();
                    let alone = [&stems[i], &stems[i + 1]].map(|s| vec![s.clone()]);
                    (2, [vec![full], alone.to_vec()].concat())
                }
                None => (1, vec![vec![stems[i].clone()]]),
            },
        };
        let (start, end) = (tokens[i].start, tokens[i + len - 1].end);
        let asked = text[start..end].to_string();
        // A person's name is one however it is typed ("who is yoo myung-hee").
        let name = person || i > 0 && asked.starts_with(|c: char| c.is_uppercase());
        let ordinal = (len == 1).then(|| ordinal_number(&asked)).flatten();
        let concept = match out.iter().position(|c| c.variants == variants) {
            Some(k) => k,
            None => {
                out.push(Concept {
                    asked,
                    variants,
                    name,
                    ordinal,
                    expansion,
                });
                out.len() - 1
            }
        };
        said.push(Said {
            concept,
            start,
            end,
        });
        i += len;
    }
    (out, said)
}

/// "50 years" at `i`, said either way: "50 years" or "the 50th anniversary" (lexicon
/// `year_words`, `anniversary`).
fn anniversary_at(
    text: &str,
    tokens: &[Token],
    stems: &[String],
    i: usize,
    analyzer: &TextAnalyzer,
) -> Option<Vec<Phrase>> {
    let lex = lexicon::get();
    let word = |k: usize| tokens.get(k).map(|t| text[t.start..t.end].to_lowercase());
    let count = word(i)?;
    let n: u32 = match count.parse() {
        Ok(n) => n,
        Err(_) => lex.count_written_otherwise(&count)?.parse().ok()?,
    };
    if !lex.year_words.contains(&word(i + 1)?) {
        return None;
    }
    let ordinal = format!("{} {}", ordinal_suffix(n), lex.anniversary);
    Some(vec![
        stems[i..i + 2].to_vec(),
        analyzer::stems(analyzer, &ordinal),
    ])
}

/// A verb of two words at `i` ("took part", "set up", the second word one of the
/// lexicon's `phrasal_words`), as its own stems and the stems of the words and pairs
/// of words the thesaurus gives for it ("particip"). Not two stop words ("take
/// place"): they say nothing a passage must hold.
fn phrasal_at(
    text: &str,
    tokens: &[Token],
    stems: &[String],
    i: usize,
    analyzer: &TextAnalyzer,
) -> Option<Vec<Phrase>> {
    let (a, b) = (tokens.get(i)?, tokens.get(i + 1)?);
    let second = text[b.start..b.end].to_lowercase();
    let spaced = text.get(a.end..b.start) == Some(" ");
    let content = !(is_stop(&stems[i]) && is_stop(&stems[i + 1]));
    if !spaced || !content || !lexicon::get().phrasal_words.contains(&second) {
        return None;
    }
    let first = text[a.start..a.end].to_lowercase();
    let related = crate::thesaurus::related_pair(&first, &second);
    if related.is_empty() {
        return None;
    }
    let mut variants = vec![stems[i..i + 2].to_vec()];
    for word in related {
        let stems: Vec<String> = analyzer::stems(analyzer, word)
            .into_iter()
            .filter(|s| !is_stop(s))
            .collect();
        if (1..=2).contains(&stems.len()) && !variants.contains(&stems) {
            variants.push(stems);
        }
    }
    Some(variants)
}

/// Proper names of more than one word the question writes ("the ASEAN-Korea
/// Cooperation Fund", "Korea's New Southern Policy"), as the concepts they are made
/// of, in order: runs of capitalised words joined by spaces or hyphens, past the
/// question's first word, most of them words of the dictionary. A meeting's name is left out: the ordinal and the meeting's
/// release say which paragraphs name it (`rank`), and a title with a name is a
/// titled name ("Minister Kang").
fn names(text: &str, said: &[Said], concepts: &[Concept]) -> Vec<Name> {
    let capital = |s: &Said| s.start > 0 && text[s.start..].starts_with(char::is_uppercase);
    let joined = |a: &Said, b: &Said| {
        text.get(a.end..b.start)
            .is_some_and(|gap| !gap.is_empty() && gap.chars().all(|c| c == ' ' || c == '-'))
    };
    let mut runs: Vec<Name> = Vec::new();
    let mut run: Vec<&Said> = Vec::new();
    let mut close = |run: &mut Vec<&Said>| {
        let first_is_title = run
            .first()
            .is_some_and(|s| crate::names::is_title(&concepts[s.concept].asked));
        let meeting = run.last().is_some_and(|s| {
            concepts[s.concept]
                .variants
                .iter()
                .any(|v| v.last().is_some_and(|w| meeting_stems().contains(w)))
        });
        // A person's name is most often said in part ("Secretary-General Kao" for "Kao
        // Kim Hourn"); a thing's name is made mostly of words of the dictionary.
        // Counted in words: a concept of two ("Busaya Mathelin") is two that are not.
        let size = |s: &&Said| text[s.start..s.end].split_whitespace().count();
        let words: usize = run
            .iter()
            .filter(|s| crate::thesaurus::in_dictionary(&text[s.start..s.end].to_lowercase()))
            .map(size)
            .sum();
        let thing = 2 * words > run.iter().map(size).sum::<usize>();
        if let (true, [first, .., last]) = (thing && !first_is_title && !meeting, &run[..]) {
            runs.push(Name {
                concepts: run.iter().map(|s| s.concept).collect(),
                text: text[first.start..last.end].to_string(),
            });
        }
        run.clear();
    };
    for s in said {
        let goes_on = run.last().is_some_and(|last| joined(last, s));
        if !goes_on {
            close(&mut run);
        }
        if capital(s) {
            run.push(s);
        } else {
            close(&mut run);
        }
    }
    close(&mut run);
    runs
}

/// "Cho Tae-yul", "Kang Kyung-wha": a capitalised word followed by a hyphenated given
/// name. Returns how many tokens the name spans.
fn person_name_at(text: &str, tokens: &[Token], i: usize) -> Option<usize> {
    let word = |k: usize| tokens.get(k).map(|t| &text[t.start..t.end]);
    let (family, given, tail) = (word(i)?, word(i + 1)?, word(i + 2)?);
    let hyphen = text.get(tokens[i + 1].end..tokens[i + 2].start) == Some("-");
    let spaced = text
        .get(tokens[i].end..tokens[i + 1].start)
        .is_some_and(|g| g.trim_matches(',').trim().is_empty());
    let capital = |w: &str| w.starts_with(char::is_uppercase);
    let unlisted = |w: &str| !crate::thesaurus::in_dictionary(&w.to_lowercase());
    let written = if text.chars().any(char::is_uppercase) {
        // The first word of a question is capitalised anyway.
        capital(family) && capital(given) && !capital(tail) && (i > 0 || unlisted(family))
    } else {
        // Typed in lower case ("cho tae-yul singapore"): short syllables, and words
        // no dictionary lists ("the co-chair" is none).
        let syllable =
            |w: &str, most: usize| w.len() <= most && w.chars().all(|c| c.is_ascii_alphabetic());
        syllable(family, 5)
            && syllable(given, 5)
            && syllable(tail, 3)
            && unlisted(family)
            && unlisted(given)
    };
    (written && hyphen && spaced).then_some(3)
}

/// "Deputy Minister *Kim Gunn*": two capitalised words right after a title, not both
/// words of the dictionary, and no third after them (that is a longer name or a
/// thing's: "Minister Kim Jong Un", "Minister Park Jin Discusses").
fn titled_name_at(text: &str, tokens: &[Token], i: usize) -> bool {
    let word = |k: usize| tokens.get(k).map(|t| &text[t.start..t.end]);
    let capital = |w: &str| w.starts_with(char::is_uppercase);
    let listed = |w: &str| crate::thesaurus::in_dictionary(&w.to_lowercase());
    let (Some(before), Some(first), Some(second)) =
        (i.checked_sub(1).and_then(word), word(i), word(i + 1))
    else {
        return false;
    };
    let spaced = |a: usize| text.get(tokens[a].end..tokens[a + 1].start) == Some(" ");
    let third = word(i + 2).is_some_and(capital) && spaced(i + 1);
    crate::names::is_title(before)
        && spaced(i - 1)
        && spaced(i)
        && capital(first)
        && capital(second)
        && !third
        && !(listed(first) && listed(second))
        && !crate::names::is_title(first)
}

/// The word that ends a meeting's name as releases write it, for an acronym.
fn spelled_kind(stem: &str) -> &str {
    acronym_kinds()
        .iter()
        .find(|(acronym, _)| acronym == stem)
        .map_or(stem, |(_, kind)| kind.as_str())
}

/// Finds the meetings again once misspelt words are read as the corpus's words: "the
/// 30th dialouge" names the 30th Dialogue, which the releases may lack. Without this
/// a slip in the meeting's name would drop the ordinal, and the 26th would answer.
pub fn reread_meetings(q: &mut Question, analyzer: &TextAnalyzer) {
    let corrected: Vec<(&str, &str)> = q
        .concepts
        .iter()
        .filter(|c| c.expansion == Expansion::Spelling)
        .filter_map(|c| {
            match (
                c.variants.first()?.as_slice(),
                c.variants.last()?.as_slice(),
            ) {
                ([asked], [read]) => Some((asked.as_str(), read.as_str())),
                _ => None,
            }
        })
        .collect();
    if corrected.is_empty() {
        return;
    }
    let mut tokens = analyzer::tokens(analyzer, &q.text);
    for token in &mut tokens {
        if let Some((_, read)) = corrected.iter().find(|(asked, _)| *asked == token.stem) {
            token.stem = read.to_string();
        }
    }
    q.meetings = meetings(&q.text, &tokens);
}

fn meetings(text: &str, tokens: &[Token]) -> Vec<MeetingRef> {
    let mut out = Vec::new();
    for (i, token) in tokens.iter().enumerate() {
        let word = &text[token.start..token.end];
        let Some(ordinal) =
            ordinal_number(word).filter(|_| word.starts_with(|c: char| c.is_ascii_digit()))
        else {
            continue;
        };
        let window = tokens.iter().enumerate().skip(i + 1).take(5);
        // "26th dialogue upcoming foreign ministers meeting": the name ends before a
        // word of the time to come.
        let later = |t: &Token| lexicon::get().is_future_word(&text[t.start..t.end].to_lowercase());
        let end = window
            .take_while(|(_, t)| (!is_stop(&t.stem) || t.stem == "of") && !later(t))
            .filter(|(_, t)| meeting_stems().contains(&t.stem))
            .map(|(j, _)| j)
            .last();
        if let Some(end) = end {
            let mut words: Vec<String> =
                tokens[i + 1..=end].iter().map(|t| t.stem.clone()).collect();
            // "the 23rd FMM" is a Foreign Ministers' Meeting: releases spell the kind out.
            if let Some(kind) = words.last_mut() {
                *kind = spelled_kind(kind).to_string();
            }
            out.push(MeetingRef {
                ordinal,
                words,
                asked: text[token.start..tokens[end].end].to_string(),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ask(q: &str) -> Question {
        let a = analyzer::build();
        analyse(q, &a, &Synonyms::builtin(&a))
    }

    #[test]
    fn a_how_much_measures_the_last_word_of_its_phrase() {
        let measured = |text: &str| {
            let q = ask(text);
            q.measured().map(|i| q.concepts[i].asked.clone())
        };
        assert_eq!(
            measured("How much bilateral trade did Korea record?").as_deref(),
            Some("trade")
        );
        assert_eq!(
            measured("How many Korean travelers visited ASEAN?").as_deref(),
            Some("travelers")
        );
        assert_eq!(measured("How much did Korea pledge to the Fund?"), None);
        assert_eq!(measured("When was the FTA signed?"), None);
    }

    #[test]
    fn what_an_answer_must_state_is_the_head_of_what_is_the_x_or_the_measure() {
        let sought = |text: &str| {
            let q = ask(text);
            q.sought().map(|i| q.concepts[i].asked.clone())
        };
        assert_eq!(
            sought("What was the total budget for hosting the Summit?").as_deref(),
            Some("budget")
        );
        assert_eq!(
            sought("What was the weather like in Penang?").as_deref(),
            Some("weather")
        );
        assert_eq!(
            sought("How many journalists covered the Summit?").as_deref(),
            Some("journalists")
        );
        // "Which fair" is answered by a name; "what date" and "how much money" by the
        // kind of fact, which the frame checks.
        assert_eq!(
            sought("Which global fair did Yeo want ASEAN to back?"),
            None
        );
        assert_eq!(sought("What is the date of the 26th Dialogue?"), None);
        assert_eq!(sought("How much money goes into the Fund?"), None);
    }

    #[test]
    fn a_name_of_several_words_is_kept_whole_unless_a_person_or_a_meeting() {
        let names = |text: &str| {
            let q = ask(text);
            q.names
                .iter()
                .map(|n| {
                    n.concepts
                        .iter()
                        .map(|&i| q.concepts[i].asked.as_str())
                        .collect::<Vec<_>>()
                        .join(" ")
                })
                .collect::<Vec<_>>()
        };
        assert_eq!(
            names("What did Korea pledge to the ASEAN-Korea Cooperation Fund?"),
            ["ASEAN Korea Cooperation Fund"]
        );
        assert_eq!(
            names("How did ASEAN rate Korea's New Southern Policy?"),
            ["New Southern Policy"]
        );
        // A person ("Secretary-General Kao"), a titled name, a meeting: none.
        assert!(names("Where was Kao Kim Hourn scheduled to go on June 17?").is_empty());
        assert!(names("What did Minister Kang say?").is_empty());
        assert!(names("Who co-chaired the 26th ASEAN-ROK Dialogue?").is_empty());
    }

    #[test]
    fn a_misspelt_question_word_still_asks_its_kind() {
        assert_eq!(ask("wher was the 26th dialogue held").kind, Kind::Where);
        assert_eq!(ask("Whn was the 29th Dialogue?").kind, Kind::When);
        assert_eq!(ask("waht did Kang say").kind, Kind::What);
        assert_eq!(respell_question_word("Wher was it"), "Where was it");
        // Two question words as near ("hwo": who, how), or a word of its own: as typed.
        assert_eq!(respell_question_word("hwo met Cho"), "hwo met Cho");
        assert_eq!(respell_question_word("were they there"), "were they there");
        assert_eq!(respell_question_word("Korea and ASEAN"), "Korea and ASEAN");
        assert_eq!(
            respell_question_word("cho tae-yul singapore"),
            "cho tae-yul singapore"
        );
        // The second word of a cue the first opens.
        assert_eq!(
            ask("how meny core lines does KASI have").kind,
            Kind::HowMuch
        );
        assert_eq!(respell_question_word("Hw mcuh is it"), "Hw mcuh is it");
        let time = respell_question_word("Whta tiem did it start");
        assert_eq!(time, "What time did it start");
    }

    #[test]
    fn the_measure_of_a_how_cue_is_no_word_to_look_for() {
        let asked = |text: &str| -> Vec<String> {
            ask(text).concepts.into_iter().map(|c| c.asked).collect()
        };
        assert_eq!(
            asked("How large was the Cooperation Fund?"),
            ["Cooperation", "Fund"]
        );
        assert_eq!(asked("how far is Busan from Seoul"), ["Busan", "Seoul"]);
        // Outside a cue the word counts: "large-scale projects" is what is asked.
        assert!(asked("Which large projects did Kang name?").contains(&"large".to_string()));
    }

    #[test]
    fn a_meeting_name_ends_before_a_word_of_the_time_to_come() {
        let q = ask("26th dialogue upcoming foreign ministers meeting");
        let asked: Vec<&str> = q.meetings.iter().map(|m| m.asked.as_str()).collect();
        assert_eq!(asked, ["26th dialogue"]);
    }

    #[test]
    fn a_count_of_years_is_also_said_as_an_anniversary() {
        let q = ask("When do Korea and Singapore celebrate 50 years of ties?");
        let years = q.concepts.iter().find(|c| c.asked == "50 years");
        let variants = years.map(|c| c.variants.clone()).unwrap_or_default();
        assert!(variants.contains(&vec!["50th".to_string(), "anniversari".to_string()]));
        // Any count of other things stays a count.
        let q = ask("Which 3 countries did Cho meet?");
        assert!(q.concepts.iter().all(|c| !c.asked.contains("anniversary")));
    }

    #[test]
    fn a_question_opening_with_why_asks_for_a_reason() {
        assert!(ask("Why was the meeting cancelled?").asks_reason());
        assert!(ask("why did korea drop the bid").asks_reason());
        assert!(!ask("What did Korea say about why the meeting mattered?").asks_reason());
    }

    #[test]
    fn a_verb_that_only_says_a_meeting_took_place_is_no_word_to_look_for() {
        let asked = |text: &str| -> Vec<String> {
            ask(text).concepts.into_iter().map(|c| c.asked).collect()
        };
        assert_eq!(asked("When did the Dialogue convene?"), ["Dialogue"]);
        assert_eq!(asked("where did the dialogue run"), ["dialogue"]);
        // Outside a when- or where-question the verb is what is asked.
        assert!(asked("Which projects does the Fund run?").contains(&"run".to_string()));
    }

    #[test]
    fn a_verb_of_two_words_is_one_concept_said_in_the_thesaurus_words() {
        let variants = |text: &str| {
            let q = ask(text);
            let c = q.concepts.into_iter().find(|c| c.asked.contains(' '));
            c.map(|c| (c.asked, c.variants, c.expansion))
        };
        let (asked, took_part, expansion) =
            variants("Who took part in the 29th Dialogue?").unwrap_or_default();
        assert_eq!(asked, "took part");
        assert!(
            took_part.contains(&vec!["particip".to_string()]),
            "{took_part:?}"
        );
        assert_eq!(expansion, Expansion::Thesaurus);
        let (_, set_up, _) = variants("What did Korea set up in 2024?").unwrap_or_default();
        assert!(
            set_up.contains(&vec!["establish".to_string()]),
            "{set_up:?}"
        );
        // A preposition opens a phrase of its own; two stop words say nothing.
        assert_eq!(variants("Did Minister Kang go to Hanoi?"), None);
        assert_eq!(variants("When did the Dialogue take place?"), None);
    }

    #[test]
    fn a_which_phrase_for_one_person_asks_for_a_person() {
        assert!(ask("Which Brunei minister met Cho?").asks_person());
        assert!(ask("Which official led the ROK delegation?").asks_person());
        assert!(
            ask("Which Thai official headed Thailand's delegation at the 29th Dialogue?")
                .asks_person()
        );
        assert!(!ask("Which ambassadors joined the luncheon?").asks_person());
        assert!(!ask("Which countries established a CSP?").asks_person());
    }

    #[test]
    fn a_korean_name_is_one_concept_capitalised_or_not() {
        let first = |text: &str| ask(text).concepts[0].variants.clone();
        let cho = vec![
            vec!["cho".to_string(), "tae".into(), "yul".into()],
            vec!["cho".into()],
        ];
        assert_eq!(first("Cho Tae-yul met whom in Vientiane?"), cho);
        assert_eq!(first("cho tae-yul singapore rcep"), cho);
        assert_eq!(ask("who co-chaired the 26th dialogue").concepts.len(), 4);
        // A name however typed: "who is yoo myung-hee" asks what they are.
        assert!(ask("cho tae-yul singapore rcep").concepts[0].name);
        assert!(ask("who is yoo myung-hee").asks_identity());
    }

    #[test]
    fn a_misspelt_meeting_word_still_names_the_meeting() {
        let mut q = ask("who co-chared the 30th dialouge");
        assert!(q.meetings.is_empty());
        let dialogue = analyzer::stems(&analyzer::build(), "dialogue");
        if let Some(c) = q.concepts.iter_mut().find(|c| c.asked == "dialouge") {
            c.variants.push(dialogue);
            c.expansion = Expansion::Spelling;
        }
        reread_meetings(&mut q, &analyzer::build());
        assert_eq!(q.meetings.len(), 1);
        assert_eq!(q.meetings[0].ordinal, 30);
    }

    #[test]
    fn the_name_of_a_post_asks_who_holds_it() {
        assert_eq!(
            ask("What is the name of the ASEAN Secretary-General?").kind,
            Kind::Who
        );
        assert!(ask("What was the name of the ASEAN Secretary-General?").asks_person());
        assert_eq!(ask("What is the name of the new policy?").kind, Kind::What);
    }

    #[test]
    fn a_passive_when_dates_the_event_of_its_last_word() {
        let event = |text: &str| {
            let q = ask(text);
            q.dated_event().map(|i| q.concepts[i].asked.clone())
        };
        assert_eq!(
            event("When was the Korea-Singapore FTA signed?").as_deref(),
            Some("signed")
        );
        assert_eq!(
            event("When was the AOIP adopted?").as_deref(),
            Some("adopted")
        );
        assert_eq!(
            event("When was the 29th ASEAN-ROK Dialogue held?"),
            None,
            "held is asked by every when"
        );
        assert_eq!(event("When did ASEAN establish CSPs with China?"), None);
        assert_eq!(event("Who signed the FTA?"), None);
    }

    fn asked(q: &Question) -> Vec<&str> {
        q.concepts.iter().map(|c| c.asked.as_str()).collect()
    }

    #[test]
    fn held_in_a_year_is_not_hosted() {
        assert_eq!(
            asked(&ask("When was the ASEAN-ROK Dialogue held in 2025?")),
            ["ASEAN", "ROK", "Dialogue"]
        );
        assert!(asked(&ask("Which dialogue was held in Seoul?")).contains(&"held in"));
    }

    #[test]
    fn the_act_follows_the_doer() {
        let act = |q: &str| {
            let q = ask(q);
            q.action.map(|i| q.concepts[i].asked.clone())
        };
        assert_eq!(
            act("What did Korea pledge to the Fund?").as_deref(),
            Some("pledge")
        );
        assert_eq!(
            act("What did the ROK and Singapore agree on?").as_deref(),
            Some("agree")
        );
        assert_eq!(
            act("What will the 30th Dialogue discuss?").as_deref(),
            Some("discuss")
        );
        assert_eq!(act("When did Korea pledge the fund?"), None);
        assert_eq!(act("What is the Fund?"), None);
    }

    /// The cue that opens a question decides its kind, and a later clause does not
    /// ("What was his position when …"); a keyword query takes its first cue's.
    #[test]
    fn kinds_of_questions() {
        let cases = [
            ("Which city hosted the 26th Dialogue?", Kind::Where),
            ("Which country hosted it?", Kind::Where),
            ("Which countries attended?", Kind::Who),
            ("What was his position when he co-chaired it?", Kind::What),
            ("What time did it start?", Kind::When),
            (
                "Was Viet Nam one of the countries whose ministers met?",
                Kind::YesNo,
            ),
            ("29th dialogue venue", Kind::Where),
            ("Before their meeting, when had they met?", Kind::When),
            ("How big is trade between Korea and ASEAN?", Kind::HowMuch),
            ("Tell me about KASI", Kind::What),
            ("When was the 29th ASEAN-ROK Dialogue held?", Kind::When),
            (
                "Where did Minister Cho hold bilateral meetings?",
                Kind::Where,
            ),
            ("Who is the foreign minister of Laos?", Kind::Who),
            ("Which ambassadors joined the luncheon?", Kind::Who),
            (
                "What share of Korea's bilateral ODA goes to ASEAN?",
                Kind::HowMuch,
            ),
            ("How much did Korea pledge?", Kind::HowMuch),
            ("How did ASEAN react when Kang briefed them?", Kind::What),
            ("What were the dates of the 2nd ARF meeting?", Kind::When),
            ("Is there a project on methane?", Kind::YesNo),
            (
                "In which fields did Korea and Brunei agree to cooperate?",
                Kind::What,
            ),
            ("tell me about KASI", Kind::What),
            // The what/which-phrase's last word makes the cue.
            ("In which Korean city will the Summit be held?", Kind::Where),
            ("What is the date of the 29th Dialogue?", Kind::When),
            ("Which ASEAN member states attended?", Kind::Who),
        ];
        for (q, kind) in cases {
            assert_eq!(ask(q).kind, kind, "{q}");
        }
    }

    #[test]
    fn an_attribute_is_the_noun_of_what_is_the_x_of() {
        let attribute = |q: &str| {
            let q = ask(q);
            q.attribute.map(|i| q.concepts[i].asked.clone())
        };
        let theme = attribute("What was the theme of Laos's chairmanship?");
        assert_eq!(theme.as_deref(), Some("theme"));
        let budget = attribute("What is the annual budget of the Cyber Shield Project?");
        assert_eq!(budget.as_deref(), Some("budget"));
        let view = attribute("What was the ASEAN chief's assessment of sorts?");
        assert_eq!(view.as_deref(), Some("assessment"));
        let partner = attribute("What is the name of the partnership of Korea and Laos?");
        assert_eq!(partner.as_deref(), Some("partnership"));
        // Asking what a thing is, or which one, names no attribute.
        assert_eq!(attribute("What is the HEAT program?"), None);
        assert_eq!(attribute("Which city hosted the Dialogue?"), None);
        assert_eq!(attribute("What was discussed at the Dialogue?"), None);
    }

    #[test]
    fn stop_words_go_and_synonyms_group() {
        let q = ask("What did the ROK say about North Korea's missiles?");
        assert_eq!(asked(&q), ["ROK", "North Korea", "missiles"]);
        let dprk = &q.concepts[1];
        assert!(dprk.variants.iter().any(|v| v == &["dprk"]), "{dprk:?}");
    }

    #[test]
    fn ordinals_spelled_out_become_digits() {
        let q = ask("When was the twenty-sixth ASEAN-ROK Dialogue?");
        assert!(q.text.contains("26th ASEAN-ROK"), "{}", q.text);
        assert_eq!(q.meetings.len(), 1);
        assert_eq!(q.meetings[0].ordinal, 26);
        assert_eq!(q.meetings[0].asked, "26th ASEAN-ROK Dialogue");
        assert_eq!(ask("the Third Summit").meetings[0].ordinal, 3);
    }

    #[test]
    fn meetings_end_in_the_lexicons_meeting_words_and_acronyms() {
        let mut stems: Vec<&str> = meeting_stems().iter().collect();
        stems.sort_unstable();
        let expected = [
            "arf", "confer", "consult", "dialogu", "fmm", "forum", "meet", "session", "som",
            "summit", "talk",
        ];
        assert_eq!(stems, expected);
        assert_eq!(spelled_kind("fmm"), "meet");
        assert_eq!(spelled_kind("arf"), "forum");
        assert_eq!(spelled_kind("dialogu"), "dialogu");
        assert_eq!(ask("the 23rd FMM").meetings[0].words, ["meet"]);
    }

    #[test]
    fn an_anniversary_is_not_a_meeting() {
        assert!(
            ask("What was the 10th anniversary about?")
                .meetings
                .is_empty()
        );
        assert_eq!(
            ask("Who led the 26th Dialogue?").meetings[0].words,
            ["dialogu"]
        );
    }

    #[test]
    fn years_latest_and_names() {
        let q = ask("What did Korea ask Indonesia in 2024 at the latest meeting?");
        assert_eq!(q.years, [2024]);
        assert!(q.latest);
        assert!(!asked(&q).contains(&"2024"));
        let names: Vec<_> = q
            .concepts
            .iter()
            .filter(|c| c.name)
            .map(|c| c.asked.as_str())
            .collect();
        assert_eq!(names, ["Korea", "Indonesia"]);
    }

    #[test]
    fn who_is_a_name_asks_for_a_role_not_a_person() {
        assert!(ask("Who is Yeo Seung-bae?").asks_identity());
        assert!(!ask("Who is Yeo Seung-bae?").asks_person());
        assert!(ask("Who is the foreign minister of Laos?").asks_person());
        assert!(ask("Who is the current ASEAN Secretary-General?").asks_person());
        assert!(ask("Who did Cho Tae-yul meet in Vientiane?").asks_person());
    }

    #[test]
    fn current_is_not_a_word_to_find() {
        let q = ask("Who is the current ASEAN Secretary-General?");
        assert!(!asked(&q).contains(&"current"));
        assert!(asked(&q).contains(&"Secretary-General"));
    }

    #[test]
    fn a_korean_name_also_matches_its_family_name() {
        let q = ask("What did Cho Tae-yul discuss?");
        assert_eq!(asked(&q), ["Cho Tae-yul", "discuss"]);
        assert!(q.concepts[0].variants.contains(&vec!["cho".to_string()]));
    }

    #[test]
    fn a_titled_name_of_two_words_matches_either_word() {
        let q = ask("What did Deputy Minister Kim Gunn propose?");
        let kim = q.concepts.iter().find(|c| c.asked == "Kim Gunn");
        let variants = kim.map(|c| c.variants.clone()).unwrap_or_default();
        assert!(variants.contains(&vec!["kim".to_string()]), "{variants:?}");
        assert!(variants.contains(&vec!["gunn".to_string()]), "{variants:?}");
        // A person, not a thing the releases must say whole.
        let q = ask("What did Permanent Secretary Busaya Mathelin discuss?");
        assert!(asked(&q).contains(&"Busaya Mathelin"));
        assert!(q.names.is_empty(), "{:?}", q.names);
        // Three capitalised words are a longer name or a title's thing.
        let q = ask("What did Minister Park Jin Discusses say?");
        assert!(!asked(&q).contains(&"Park Jin"));
    }

    #[test]
    fn query_syntax_is_just_text() {
        for q in [
            "\"ASEAN\" AND -Korea:(*",
            "",
            "   ",
            "🙂🙂",
            "))))",
            "title:foo OR bar^3",
        ] {
            let got = ask(q);
            assert!(got.concepts.iter().all(|c| !c.variants.is_empty()), "{q}");
        }
        assert!(ask("🙂🙂").concepts.is_empty());
    }

    #[test]
    fn long_questions_are_cut() {
        let long = "ASEAN ".repeat(200);
        let q = ask(&long);
        assert!(q.truncated);
        assert!(q.text.chars().count() <= MAX_QUESTION_CHARS);
    }
}
