//! The engine: a loaded corpus, its index and the synonyms, and `answer()` — the one
//! call every front end makes. It decides whether the corpus answers a question from
//! evidence (what the question names must exist in the corpus; the best paragraphs
//! must cover most of what it asks), and abstains politely otherwise.

use std::collections::HashMap;
use std::path::Path;

use crate::answer::{self, Answer, Evidence, Suggestion};
use crate::corpus::{self, Corpus, CorpusError, Release};
use crate::decide::{self, Decision};
use crate::search::acronym;
use crate::search::expand::{self, Vocabulary};
use crate::search::rank::{self, FactsCache, Ranked, ReleaseFacts, Weights};
use crate::search::{
    Expansion, Hit, Index, Kind, MeetingRef, ParagraphRef, Phrase, Question, SearchError,
    SynonymError, Synonyms, question, store,
};

/// How many of the best passages may stand in for the best one when it lacks the kind
/// of fact asked for (`Engine::framed_first`): a note under an opening paragraph that
/// sets the whole scene may rank fifth behind it ("※ The ASEAN+3 … seeks to promote
/// cooperation across 20 areas").
const FRAMED_WITHIN: usize = 5;

/// How many thesaurus words may stand for one word of a question.
const MAX_RELATED: usize = 6;

/// How many citations an answer carries unless asked otherwise.
pub const DEFAULT_TOP: usize = 3;
/// Candidates taken from the index before re-ranking.
const CANDIDATES: usize = 40;
/// Further citations must cover at least this share too, or they are left out.
const MIN_SUPPORT: f32 = 0.3;
/// How many acronyms the engine keeps the phrase of; past that it starts over.
const ACRONYMS_KEPT: usize = 1024;
/// The fewest letters of an acronym a spelled-out name of the question is also read as:
/// two letters ("VG") too often stand for something else.
const MIN_NAME_ACRONYM: usize = 3;

/// How much of the question a point under the answer must cover in its own words to be
/// cited right after it.
const POINT_TEXT_COVERAGE: f32 = 0.5;

/// A sentence's worth of words, for `POINT_TEXT_COVERAGE`.
const POINT_WINDOW: usize = 25;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Corpus(#[from] CorpusError),
    #[error("the corpus in {0} has no release that loads")]
    EmptyCorpus(String),
    #[error(transparent)]
    Synonyms(#[from] SynonymError),
    #[error(transparent)]
    Search(#[from] SearchError),
    #[error("persisted index: {0}")]
    Store(#[from] store::StoreError),
}

/// Where `Engine::load` finds what it needs.
#[derive(Debug, Clone, Copy)]
pub struct Options<'a> {
    pub corpus_dir: &'a Path,
    /// The synonyms file; the built-in groups when `None`.
    pub synonyms: Option<&'a Path>,
    /// Where a persisted index lives (`DATA_DIR/index`); in memory when `None`.
    pub data_dir: Option<&'a Path>,
}

/// A loaded engine, the corpus files that failed to load, and how the index was had.
pub struct Loaded {
    pub engine: Engine,
    pub errors: Vec<CorpusError>,
    pub index: Option<store::Status>,
}

pub struct Engine {
    corpus: Corpus,
    index: Index,
    synonyms: Synonyms,
    facts: Vec<ReleaseFacts>,
    paragraph_facts: FactsCache,
    first_pid: Vec<u32>,
    vocabulary: Vocabulary,
    /// The words of the releases as written, lower-case, for misspellings: built by
    /// `prepare` or at the first question with a word the corpus lacks (a pass over
    /// every paragraph).
    written: std::sync::OnceLock<expand::Written>,
    /// The phrases acronyms the corpus lacks were read as (`acronym::phrase_for`, a
    /// scan of every paragraph), kept so that each is read once.
    acronyms: std::sync::Mutex<HashMap<String, Option<String>>>,
    /// Which releases' title and meeting hold each stem, for "not found" suggestions.
    meta_postings: HashMap<rank::StemId, Vec<u32>>,
    tuning: decide::Tuning,
}

impl Engine {
    /// Indexes a corpus in memory.
    pub fn new(corpus: Corpus, synonyms: Option<Synonyms>) -> Result<Engine, Error> {
        let index = Index::build(&corpus)?;
        Ok(Engine::with_index(corpus, index, synonyms))
    }

    fn with_index(corpus: Corpus, index: Index, synonyms: Option<Synonyms>) -> Engine {
        let synonyms = synonyms.unwrap_or_else(|| Synonyms::builtin(index.analyzer()));
        let facts: Vec<ReleaseFacts> = corpus
            .releases()
            .iter()
            .map(|r| ReleaseFacts::of(r, &index))
            .collect();
        let mut first_pid = Vec::with_capacity(corpus.releases().len());
        let mut next = 0u32;
        for r in corpus.releases() {
            first_pid.push(next);
            next += r.paragraphs.len() as u32;
        }
        let paragraph_facts = FactsCache::new(next as usize);
        let vocabulary = Vocabulary::new(index.vocabulary());
        Engine {
            vocabulary,
            written: std::sync::OnceLock::new(),
            acronyms: std::sync::Mutex::default(),
            meta_postings: meta_postings(&facts),
            tuning: decide::TUNING,
            corpus,
            index,
            synonyms,
            facts,
            paragraph_facts,
            first_pid,
        }
    }

    /// Loads a corpus directory and a synonyms file (the built-in groups when `None`).
    /// Files that fail to load are returned beside the engine; the rest still serve.
    pub fn from_dir(
        dir: &Path,
        synonyms: Option<&Path>,
    ) -> Result<(Engine, Vec<CorpusError>), Error> {
        let loaded = Engine::load(&Options {
            corpus_dir: dir,
            synonyms,
            data_dir: None,
        })?;
        Ok((loaded.engine, loaded.errors))
    }

    /// Loads the corpus, the synonyms and the index: from `data_dir` when it holds an
    /// index of this very corpus, else built (and persisted there when given).
    /// An empty corpus is an error: there is nothing to answer from.
    pub fn load(opts: &Options<'_>) -> Result<Loaded, Error> {
        let loaded = Engine::load_corpus(opts.corpus_dir)?;
        let analyzer = crate::search::analyzer::build();
        let synonyms = opts
            .synonyms
            .map(|p| Synonyms::load(p, &analyzer))
            .transpose()?;
        let (index, status) = match opts.data_dir {
            Some(dir) => {
                let (index, status) = store::open_or_build(&dir.join("index"), &loaded.corpus)?;
                (index, Some(status))
            }
            None => (Index::build(&loaded.corpus)?, None),
        };
        let engine = Engine::with_index(loaded.corpus, index, synonyms);
        Ok(Loaded {
            engine,
            errors: loaded.errors,
            index: status,
        })
    }

    /// The releases of `dir`, each bad file in `errors`, without an index (`attache
    /// index` builds its own). An empty corpus is an error, as for `load`.
    pub fn load_corpus(dir: &Path) -> Result<corpus::Loaded, Error> {
        let loaded = corpus::load_dir(dir)?;
        if loaded.corpus.is_empty() {
            return Err(Error::EmptyCorpus(dir.display().to_string()));
        }
        Ok(loaded)
    }

    /// The same engine deciding with other weights or another threshold (for
    /// `attache eval --threshold`, to measure what the threshold trades).
    pub fn with_tuning(mut self, tuning: decide::Tuning) -> Engine {
        self.tuning = tuning;
        self
    }

    pub fn corpus(&self) -> &Corpus {
        &self.corpus
    }

    /// Answers with the default number of citations.
    pub fn answer(&self, question: &str) -> Answer {
        self.answer_top(question, DEFAULT_TOP)
    }

    /// Answers with up to `top` citations. Never fails: when the corpus does not
    /// answer, the `Answer` says so and suggests what it does cover.
    pub fn answer_top(&self, question: &str, top: usize) -> Answer {
        let q = self.analyse(question);
        if let Some(answer) = self.named_but_absent(&q) {
            return answer;
        }
        let w = self.weights(&q);
        let ranked = self.rank(&q, &w, top);
        let Some(best) = ranked.first() else {
            let reason = "I could not find this in the releases I have.";
            return self.abstain(&q, reason.to_string());
        };
        let decision = self.decide(&q, &w, best);
        let mut answer = if decision.answers {
            self.compose(&q, &w, &ranked, top)
        } else {
            self.abstain(&q, decision.reason(&q))
        };
        answer.decision = Some(decision);
        answer
    }

    /// Whether the best passage answers (see `decide`).
    pub fn decide(&self, q: &Question, w: &Weights, best: &Ranked) -> Decision {
        let mut decision = Decision::of(self.signals(q, w, best), &self.tuning);
        decision.absent_country = self.absent_country(q, best).map(str::to_string);
        decision.unsaid = crate::decide::unsaid(q, w).map(|i| q.concepts[i].asked.clone());
        decision.after_release = self.asked_after_release(q, best);
        decision.answers &= !self.premise_absent(q, w, best) && decision.after_release.is_none();
        decision
    }

    /// The month and year a question about the past asks of ("What was agreed at the
    /// Summit in *November 2022*?"), when the passage's release is dated before that
    /// month: it can only have announced the event, not reported it.
    fn asked_after_release(&self, q: &Question, r: &Ranked) -> Option<String> {
        let ([year], true) = (q.years.as_slice(), crate::lexicon::get().asks_past(&q.text)) else {
            return None;
        };
        let mut months = q
            .concepts
            .iter()
            .filter_map(|c| Some((corpus::Date::month_from_name(&c.asked)?, &c.asked)));
        let ((month, name), None) = (months.next()?, months.next()) else {
            return None;
        };
        let date = self.corpus.releases().get(r.at.release as usize)?.date;
        ((date.year, date.month) < (*year, month)).then(|| format!("{name} {year}"))
    }

    /// Whether the passage's release lacks whom or what the question takes as given: a
    /// person it names, or a country (`absent_country`).
    fn premise_absent(&self, q: &Question, w: &Weights, r: &Ranked) -> bool {
        rank::lacks_name(q, w, r.at, &self.context()) || self.absent_country(q, r).is_some()
    }

    /// The country a wh-question takes as given that the passage's release never names;
    /// a yes/no question asks whether ("Was Viet Nam one of the five?" is answered by
    /// the list of the five).
    fn absent_country<'q>(&self, q: &'q Question, r: &Ranked) -> Option<&'q str> {
        (q.kind != Kind::YesNo)
            .then(|| rank::absent_country(q, r.at, &self.context()))
            .flatten()
    }

    // The steps of `answer_top`, public so that benchmarks time each one on its own.

    /// Step 1: what the question asks.
    pub fn analyse(&self, question: &str) -> Question {
        let mut q = question::analyse(question, self.index.analyzer(), &self.synonyms);
        for c in &mut q.concepts {
            self.expand(c);
        }
        self.acronyms_of_names(&mut q);
        question::reread_meetings(&mut q, self.index.analyzer());
        self.meeting_of_year(&mut q);
        q
    }

    /// A name the question spells out that a release writes as its acronym ("the East
    /// Asia Vision Groups": "the EAVGs"): each word of the name may be said by the
    /// acronym, when the corpus spells the acronym with those words.
    fn acronyms_of_names(&self, q: &mut Question) {
        let analyzer = self.index.analyzer();
        let mut found = Vec::new();
        for name in q.names.iter().filter(|n| n.concepts.len() >= 2) {
            let stems = crate::search::analyzer::stems(analyzer, &name.text);
            for acronym in acronym::spellings_of(&name.text) {
                let short = crate::search::analyzer::stems(analyzer, &acronym);
                // The term dictionary first: reading the phrase scans the corpus.
                let used = acronym.len() >= MIN_NAME_ACRONYM && self.index.doc_freq(&short) > 0;
                let spelled = || {
                    self.acronym_phrase(&acronym)
                        .map(|p| crate::search::analyzer::stems(analyzer, &p))
                };
                if used && spelled().as_ref() == Some(&stems) {
                    found.extend(name.concepts.iter().map(|&i| (i, short.clone())));
                }
            }
        }
        // Not a word of a synonym group ("ASEAN" of "ASEAN Plus Three"): it is said
        // in enough forms already, and most often outside the name.
        for (i, short) in found {
            let alone = |c: &&mut crate::search::Concept| c.variants.len() == 1;
            if let Some(c) = q.concepts.get_mut(i).filter(alone) {
                c.variants.push(short);
            }
        }
    }

    /// A word the corpus never uses is either misspelt — then it is read as the
    /// corpus word a few edits away — or said in other words: then the thesaurus's
    /// words for it that the corpus uses are variants too.
    fn expand(&self, c: &mut crate::search::Concept) {
        if c.expansion == Expansion::Thesaurus {
            self.keep_used_words(c);
            return;
        }
        let [asked] = c.variants.as_slice() else {
            return;
        };
        let ([stem], None) = (asked.as_slice(), c.ordinal) else {
            return;
        };
        if self.index.doc_freq(asked) > 0 || question::is_stop(stem) {
            return;
        }
        let analyzer = self.index.analyzer();
        if let Some(count) = crate::lexicon::get().count_written_otherwise(&c.asked) {
            c.variants.push(vec![count]);
            c.expansion = Expansion::Count;
            return;
        }
        if let Some(phrase) = self.acronym_phrase(&c.asked) {
            c.variants
                .push(crate::search::analyzer::stems(analyzer, &phrase));
            c.expansion = Expansion::Acronym;
            return;
        }
        let word = c.asked.to_lowercase();
        let allowed = expand::edits_allowed(&word);
        // A word of the dictionary the corpus lacks is more likely a word it does not
        // use than a slip: it is read only as another form of itself ("attendees" as
        // "attend"), not as a neighbour ("coming" is not "coping", "reaction" not
        // "reduction").
        // Stems are compared only for a word the dictionary lacks: a stem is cut short
        // ("elect" for "election" is one letter from "electr" for "electronic").
        let dictionary = crate::thesaurus::in_dictionary(&word);
        let near = match self.nearest_written(&word, stem, allowed) {
            Some(near) => (!dictionary || same_word(stem, &near)).then_some(near),
            None if dictionary => None,
            None => self
                .vocabulary
                .nearest(stem, allowed.min(expand::edits_allowed(stem)))
                .map(|s| vec![s.to_string()]),
        };
        if let Some(near) = near {
            c.variants.push(near);
            c.expansion = Expansion::Spelling;
            return;
        }
        if c.name {
            return;
        }
        for related in crate::thesaurus::related(&word) {
            let stems: Vec<String> = crate::search::analyzer::stems(analyzer, related)
                .into_iter()
                .filter(|s| !question::is_stop(s))
                .collect();
            // A word, or a pair of words ("economic crisis" for "slump"), whose
            // document frequency is bounded by its rarer word's before any phrase
            // query runs (`Index::doc_freq`).
            let new = (1..=2).contains(&stems.len()) && !c.variants.contains(&stems);
            if new && self.index.doc_freq(&stems) > 0 {
                c.variants.push(stems);
                c.expansion = Expansion::Thesaurus;
            }
            if c.variants.len() > MAX_RELATED {
                break;
            }
        }
    }

    /// A verb of two words (`question::phrasal_at`) keeps the thesaurus's words for it
    /// that the corpus uses. Said as asked ("step up"), it is a word the releases use,
    /// its other words synonyms; said in none of them, a word they do not use, whose
    /// absence counts against an answer ("turn down").
    fn keep_used_words(&self, c: &mut crate::search::Concept) {
        let Some(asked) = c.variants.first().cloned() else {
            return;
        };
        c.variants
            .retain(|v| *v == asked || self.index.doc_freq(v) > 0);
        if self.index.doc_freq(&asked) > 0 || c.variants.len() == 1 {
            c.expansion = Expansion::None;
        }
    }

    /// Builds now what the first question with a word the corpus lacks would build:
    /// the corpus's words as written (a pass over every paragraph, 0.2 s at 100,000).
    /// A daemon calls it on a blocking thread after start and before swapping in a
    /// reloaded engine, so no user waits for it.
    pub fn prepare(&self) {
        self.written();
    }

    fn written(&self) -> &expand::Written {
        self.written.get_or_init(|| {
            let releases = self.corpus.releases();
            let texts = releases.iter().flat_map(|r| {
                std::iter::once(r.title.as_str())
                    .chain(r.paragraphs.iter().map(|p| p.text.as_str()))
            });
            let analyzer = self.index.analyzer();
            expand::Written::of(texts, |w| crate::search::analyzer::stems(analyzer, w))
        })
    }

    /// The corpus word, as written, fewest edits from `word`, as the analyzer reads it:
    /// edits are counted between words, not stems, which the stemmer cuts apart
    /// ("comunities" is "comun", "communities" "communiti"; "population" and "people"
    /// are two edits apart as stems). A word written without its hyphen is the
    /// hyphenated one ("deescalate", "de-escalating").
    fn nearest_written(&self, word: &str, stem: &str, allowed: usize) -> Option<Vec<String>> {
        let written = self.written();
        let near = match written.hyphenated.get(stem) {
            Some(hyphenated) => hyphenated.as_str(),
            None => written.words.nearest(word, allowed)?,
        };
        let stems = crate::search::analyzer::stems(self.index.analyzer(), near);
        (self.index.doc_freq(&stems) > 0).then_some(stems)
    }

    /// The phrase the corpus spells an acronym of the question with ("ISG": the
    /// "Inter-Sessional Support Group"), if the word is an acronym.
    fn acronym_phrase(&self, word: &str) -> Option<String> {
        acronym::as_acronym(word)?;
        let read = || {
            let releases = self.corpus.releases();
            let titles = releases.iter().map(|r| r.title.as_str());
            let texts = releases
                .iter()
                .flat_map(|r| r.paragraphs.iter().map(|p| p.text.as_str()));
            acronym::phrase_for(word, titles.chain(texts))
        };
        // A poisoned lock only loses the cache: the scan still answers.
        let Ok(mut known) = self.acronyms.lock() else {
            return read();
        };
        if known.len() >= ACRONYMS_KEPT {
            known.clear();
        }
        known.entry(word.to_string()).or_insert_with(read).clone()
    }

    /// Step 2: how much each of its concepts counts in this corpus.
    pub fn weights(&self, q: &Question) -> Weights {
        Weights::of(q, &self.index)
    }

    /// Step 3: candidate paragraphs, re-ranked, best first.
    pub fn rank(&self, q: &Question, w: &Weights, top: usize) -> Vec<Ranked> {
        // "Latest" needs the newest releases among the candidates even when older
        // ones match the words better. (A year needs no more: the search keeps that
        // year's releases and the paragraphs that name it.)
        let wide = q.latest;
        let limit = if wide { CANDIDATES * 5 } else { CANDIDATES }.max(top);
        let meetings = self.held_meetings(q);
        let hits = self
            .index
            .search_with(q, &w.lookups(), &meetings, limit)
            .unwrap_or_default();
        let mut ranked = rank::rerank(q, w, &hits, &self.context());
        // A question that names a year is answered from that year or not at all; one
        // that names a meeting, from that meeting's release (the search kept only
        // those, and the paragraphs that mention its ordinal).
        ranked.retain(|r| r.year_match != Some(false));
        self.named_first(q, w, &mut ranked);
        self.framed_first(q, w, &mut ranked);
        ranked
    }

    /// The best passage from a release that names each person the question names goes
    /// first: a release that never names Kang is not what "…, according to Kang?" asks
    /// about, however well its words match. The order stays the ranking's otherwise
    /// (the composer drops the others' passages from the citations), and the index is
    /// asked about as few releases as it takes.
    fn named_first(&self, q: &Question, w: &Weights, ranked: &mut [Ranked]) {
        if !w.name.iter().any(|named| *named) {
            return;
        }
        let cx = self.context();
        let mut lacking: Vec<u32> = Vec::new();
        let named = ranked.iter().position(|r| {
            if lacking.contains(&r.at.release) {
                return false;
            }
            let lacks = rank::lacks_name(q, w, r.at, &cx);
            if lacks {
                lacking.push(r.at.release);
            }
            !lacks
        });
        if let Some(at) = named {
            ranked[..=at].rotate_right(1);
        }
    }

    /// When the best passage lacks the kind of fact asked for (a person for "who", a
    /// number for "how many" …) and one of the next few that belongs to the same
    /// numbered paragraph ("1·1", a point under "1") holds it, that one goes first: the
    /// release says its points tell what the paragraph is about ("A briefing session
    /// … was held" above "The briefing session was co-chaired by …"). A passage from
    /// elsewhere does not: "Who headed Thailand's delegation?" is not answered by the
    /// Korean delegation's head because the passage about Thailand's names nobody;
    /// unless it names a person beside the country asked about ("Who was the
    /// Singaporean foreign minister …?" over an opening that lists five countries).
    fn framed_first(&self, q: &Question, w: &Weights, ranked: &mut [Ranked]) {
        let Some(best) = ranked.first() else {
            return;
        };
        let framed = |r: &Ranked| self.signals(q, w, r).frame > 0.0;
        if framed(best) {
            return;
        }
        let cx = self.context();
        let point_of = |r: &Ranked| {
            self.same_numbered_paragraph(best.at, r.at)
                || q.asks_person() && rank::names_person_of_asked_country(q, r.at, &cx)
        };
        let near = ranked.len().min(FRAMED_WITHIN);
        if let Some(at) = ranked[1..near]
            .iter()
            .position(|r| point_of(r) && framed(r))
        {
            ranked[..=at + 1].rotate_right(1);
        }
    }

    /// Whether two paragraphs belong to one numbered paragraph of a release: "4" and
    /// "4·1", or "4·1" and "4·2".
    fn same_numbered_paragraph(&self, a: ParagraphRef, b: ParagraphRef) -> bool {
        let number = |at: ParagraphRef| {
            let release = self.corpus.releases().get(at.release as usize)?;
            let paragraph = release.paragraphs.get(at.paragraph as usize)?;
            Some(paragraph.number.split('·').next().unwrap_or("").to_string())
        };
        a.release == b.release && number(a).is_some_and(|n| Some(n) == number(b))
    }

    /// The evidence a ranked passage gives (see `decide`).
    pub fn signals(&self, q: &Question, w: &Weights, r: &Ranked) -> crate::decide::Signals {
        crate::decide::Signals::of(q, w, r, &self.context())
    }

    fn context(&self) -> rank::Context<'_> {
        rank::Context {
            corpus: &self.corpus,
            index: &self.index,
            releases: &self.facts,
            paragraphs: &self.paragraph_facts,
            first_pid: &self.first_pid,
            analyzer: self.index.analyzer(),
        }
    }

    /// The points listed under a numbered paragraph ("4·1", "4·2" under "4") that
    /// support the answer too: they go on with what it says ("Minister Kang mentioned
    /// … transnational crimes" / "The Minister noted … the Ministerial Meeting on
    /// Transnational Crime"), so they are cited right after it.
    fn continuation(&self, q: &Question, w: &Weights, head: &Ranked) -> Vec<Ranked> {
        let Some(release) = self.corpus.releases().get(head.at.release as usize) else {
            return Vec::new();
        };
        let Some(number) = release
            .paragraphs
            .get(head.at.paragraph as usize)
            .map(|p| &p.number)
        else {
            return Vec::new();
        };
        let prefix = format!("{number}·");
        let hits: Vec<Hit> = release
            .paragraphs
            .iter()
            .enumerate()
            .skip(head.at.paragraph as usize + 1)
            .take_while(|(_, p)| p.number.starts_with(&prefix))
            .map(|(i, _)| Hit {
                at: ParagraphRef {
                    release: head.at.release,
                    paragraph: i as u32,
                },
                score: 0.0,
            })
            .collect();
        let cx = self.context();
        let mut points = rank::rerank(q, w, &hits, &cx);
        // A point must say much of the question itself, in one sentence's worth of
        // words: the paragraph above it alone does not make it a second proof.
        points.retain(|r| {
            self.supports(q, w, r)
                && rank::densest_share(w, cx.stems(r.at), POINT_WINDOW) >= POINT_TEXT_COVERAGE
        });
        points.sort_by_key(|r| r.at);
        points
    }

    /// Whether a paragraph may stand as a citation beside the one that answers.
    fn supports(&self, q: &Question, w: &Weights, r: &Ranked) -> bool {
        r.coverage >= MIN_SUPPORT && !self.premise_absent(q, w, r)
    }

    /// "the 2019 EAS Foreign Ministers' Meeting": a series named with a year is the one
    /// meeting of that series the releases hold from that year, asked about as if by
    /// its ordinal (the "9th"), so its release's paragraphs all count as naming it.
    fn meeting_of_year(&self, q: &mut Question) {
        if !q.meetings.is_empty() || q.years.is_empty() {
            return;
        }
        let held: Vec<(u32, &[String], &str)> = self
            .facts
            .iter()
            .zip(self.corpus.releases())
            .filter(|(_, r)| q.years.contains(&r.date.year))
            .filter_map(|(f, r)| {
                let (ordinal, stems) = f.meeting.as_ref()?;
                let series = stems.get(1..).filter(|s| !s.is_empty())?;
                names_series(q, series).then_some((*ordinal, series, r.meeting.as_str()))
            })
            .collect();
        if let [(ordinal, series, name)] = held.as_slice() {
            q.meetings.push(MeetingRef {
                ordinal: *ordinal,
                words: series.to_vec(),
                asked: name.to_string(),
            });
        }
    }

    /// The ordinals of the meetings the question names whose series the corpus holds
    /// ("the 29th Dialogue" when there are Dialogues). A series the corpus lacks
    /// ("the first meeting") constrains nothing.
    fn held_meetings(&self, q: &Question) -> Vec<u32> {
        q.meetings
            .iter()
            .filter(|m| self.same_series(m).next().is_some())
            .map(|m| m.ordinal)
            .collect()
    }

    /// Releases of the meeting series `m` names, whatever their ordinal: the same kind
    /// of meeting, and at least half of the other words of its name ("ASEAN-Korea
    /// Dialogue" is the ASEAN-ROK Dialogue; the "East Asia Summit" is not the
    /// "Mekong-ROK Summit").
    fn same_series<'a>(&'a self, m: &'a MeetingRef) -> impl Iterator<Item = &'a ReleaseFacts> {
        let (kind, others) = match m.words.split_last() {
            Some((kind, others)) => (Some(kind), others),
            None => (None, &[][..]),
        };
        // "the 11th East Asia Summit …" is the "11th EAS Foreign Ministers' Meeting".
        let acronyms = acronym::spellings_of(&m.asked);
        let spelt = move |r: &Release| {
            r.label()
                .split(|c: char| !c.is_alphanumeric())
                .any(|w| acronyms.iter().any(|a| a == w))
        };
        let releases = self.corpus.releases();
        self.facts.iter().zip(releases).filter_map(move |(f, r)| {
            let (_, stems) = f.meeting.as_ref()?;
            let shared = others.iter().filter(|w| stems.contains(w)).count();
            let named = kind.is_some_and(|k| stems.contains(k)) && 2 * shared >= others.len();
            (named || spelt(r)).then_some(f)
        })
    }

    /// Step 4: the cited answer from ranked paragraphs (none: "not found").
    pub fn compose(&self, q: &Question, w: &Weights, ranked: &[Ranked], top: usize) -> Answer {
        // The first citation is the best paragraph; the others support it.
        let Some(first) = (!ranked.is_empty()).then_some(0) else {
            return self.abstain(
                q,
                "I could not find this in the releases I have.".to_string(),
            );
        };
        let order = std::iter::once(&ranked[first]).chain(
            ranked
                .iter()
                .enumerate()
                .filter(|(i, _)| *i != first)
                .map(|(_, r)| r),
        );
        let cited = self.cite(q, w, order, top.max(1));
        let evidence: Vec<Evidence<'_>> = cited
            .iter()
            .map(|r| Evidence {
                ranked: r,
                release: &self.corpus.releases()[r.at.release as usize],
                paragraph: r.at.paragraph as usize,
            })
            .collect();
        answer::found(q, w, &evidence, self.index.analyzer())
    }

    /// Up to `top` citations in `order`, each followed by its points (`continuation`);
    /// the same paragraph in another year's release is not a second source.
    fn cite<'a>(
        &self,
        q: &Question,
        w: &Weights,
        order: impl Iterator<Item = &'a Ranked>,
        top: usize,
    ) -> Vec<Ranked> {
        let mut seen = std::collections::HashSet::new();
        let mut cited: Vec<Ranked> = Vec::with_capacity(top);
        for r in order.filter(|r| self.supports(q, w, r)) {
            if cited.len() >= top {
                break;
            }
            if !seen.insert(self.text_key(r)) {
                continue;
            }
            cited.push(r.clone());
            if cited.len() == top {
                break;
            }
            for point in self.continuation(q, w, r) {
                if cited.len() < top && seen.insert(self.text_key(&point)) {
                    cited.push(point);
                }
            }
        }
        cited
    }

    /// A paragraph's text without digits and case: releases of a yearly meeting repeat
    /// paragraphs that differ only in the ordinal or the year.
    fn text_key(&self, r: &Ranked) -> String {
        let text =
            &self.corpus.releases()[r.at.release as usize].paragraphs[r.at.paragraph as usize].text;
        text.chars()
            .filter(|c| !c.is_ascii_digit())
            .flat_map(char::to_lowercase)
            .collect()
    }

    /// Abstains when the question names something the corpus does not have: a meeting
    /// by its ordinal, a year, or a name no release mentions.
    fn named_but_absent(&self, q: &Question) -> Option<Answer> {
        if q.concepts.is_empty() {
            let reason = "I answer questions about ASEAN–Korea meetings from the ministry’s press releases; I found nothing to look up in this message.";
            return Some(self.abstain(q, reason.to_string()));
        }
        for m in &q.meetings {
            let same_kind: Vec<&ReleaseFacts> = self.same_series(m).collect();
            let exists = same_kind
                .iter()
                .any(|f| f.meeting.as_ref().is_some_and(|(n, _)| *n == m.ordinal));
            if !exists && !same_kind.is_empty() {
                let reason = format!("The {} is not in the releases I have.", m.asked);
                return Some(self.abstain_near(q, reason, Some(m.ordinal)));
            }
        }
        let mut unknown: Vec<&str> = q
            .concepts
            .iter()
            .enumerate()
            .filter(|(_, c)| c.name && c.ordinal.is_none())
            .filter(|(_, c)| c.variants.iter().all(|v| self.index.doc_freq(v) == 0))
            // The whole name the word is part of says what is missing: "the ASEAN-Korea
            // Centre", not "Centre".
            .map(
                |(i, c)| match q.names.iter().find(|n| n.concepts.contains(&i)) {
                    Some(name) => name.text.as_str(),
                    None => c.asked.as_str(),
                },
            )
            .collect();
        unknown.dedup();
        if !unknown.is_empty() {
            let reason = format!(
                "The releases I have do not mention {}.",
                join_names(&unknown)
            );
            return Some(self.abstain(q, reason));
        }
        if let Some(name) = self.unsaid_name(q) {
            let reason = format!("The releases I have never mention the “{name}”.");
            return Some(self.abstain(q, reason));
        }
        let years = self.corpus.releases().iter().map(|r| r.date.year);
        let missing_year = q.years.iter().find(|y| {
            !years.clone().any(|ry| ry == **y)
                && self.index.doc_freq(&[y.to_string()]) == 0
                && !self.ends_a_range(q, **y)
        });
        if let Some(year) = missing_year {
            let reason = format!("The releases I have say nothing about {year}.");
            return Some(self.abstain_near(q, reason, None));
        }
        self.series_not_in_year(q)
    }

    /// Whether `year` ends a range of years that a release writes short from another
    /// year the question asks of: "from 2024 to 2027" is "2024-27".
    fn ends_a_range(&self, q: &Question, year: u16) -> bool {
        q.years.iter().filter(|&&from| from < year).any(|from| {
            let range = [from.to_string(), format!("{:02}", year % 100)];
            self.index.doc_freq(&range) > 0
        })
    }

    /// A name of several words that no release says whole, each word in one of its
    /// forms: "the Mekong-Korea Cooperation Fund" is not the "ASEAN-ROK Cooperation
    /// Fund", though every word but one is the same. A name with too many forms to
    /// try counts as said.
    fn unsaid_name<'q>(&self, q: &'q Question) -> Option<&'q str> {
        const MOST_FORMS: usize = 64;
        let said = |concepts: &[usize]| {
            let forms: Vec<&[Phrase]> = concepts
                .iter()
                .filter_map(|&i| q.concepts.get(i))
                .map(|c| c.variants.as_slice())
                .collect();
            let count = forms.iter().map(|f| f.len()).product::<usize>();
            count > MOST_FORMS || phrases(&forms).iter().any(|p| self.index.doc_freq(p) > 0)
        };
        // The countries a name opens with are the parties to it, which a release may
        // leave out: "the Korea-Indonesia Special Strategic Partnership" is "the Special
        // Strategic Partnership" of a release about the two ("Mekong" is no country).
        // A name of parties alone ("Korea-Laos relations") names no thing of its own.
        let parties = |concepts: &[usize]| {
            concepts
                .iter()
                .take_while(|&&i| {
                    q.concepts
                        .get(i)
                        .is_some_and(|c| crate::countries::is_country(&c.asked))
                })
                .count()
        };
        // Two names joined by a hyphen are the same either way round: "Korea-Mekong"
        // is the "Mekong-ROK" of a release.
        let said_whole = |name: &crate::search::question::Name| {
            let mut turned = name.concepts.clone();
            turned.reverse();
            said(&name.concepts)
                || name.concepts.len() == 2 && name.text.contains('-') && said(&turned)
        };
        q.names
            .iter()
            .find(|name| {
                let rest = &name.concepts[parties(&name.concepts)..];
                !rest.is_empty()
                    && !said_whole(name)
                    && (rest.len() < 2 || rest == name.concepts || !said(rest))
            })
            .map(|name| name.text.as_str())
    }

    /// "the ASEAN-ROK Dialogue in 2023": the question names a series of meetings and a
    /// year, but no release of that series is from that year or mentions it.
    fn series_not_in_year(&self, q: &Question) -> Option<Answer> {
        if q.years.is_empty() || !q.meetings.is_empty() {
            return None;
        }
        let (series, name) = self
            .facts
            .iter()
            .zip(self.corpus.releases())
            .find_map(|(f, r)| {
                let (_, stems) = f.meeting.as_ref()?;
                let series = stems.get(1..).filter(|s| !s.is_empty())?;
                let name = r
                    .meeting
                    .split_once(' ')
                    .map_or(r.meeting.as_str(), |(_, rest)| rest);
                names_series(q, series).then(|| (series.to_vec(), name.to_string()))
            })?;
        // A release without an ordinal in its title ("ROK and 10 ASEAN Countries Hold
        // ASEAN-ROK Dialogue in Virtual Format") is of the series its title names.
        let series_ids: Vec<rank::StemId> = series.iter().map(|s| rank::stem_id(s)).collect();
        let in_series = |f: &ReleaseFacts| {
            f.meeting
                .as_ref()
                .is_some_and(|(_, s)| s.get(1..) == Some(series.as_slice()))
                || rank::contains(&f.meta, &series_ids)
        };
        // Where or when a meeting of a year was held only its own release tells: a later
        // one that mentions the year ("Country Coordinator for 2024-27") does not.
        let held = matches!(q.kind, Kind::When | Kind::Where);
        let covered = self
            .facts
            .iter()
            .zip(self.corpus.releases())
            .filter(|(f, _)| in_series(f))
            .any(|(_, r)| {
                q.years.iter().any(|y| {
                    r.date.year == *y
                        || !held && r.paragraphs.iter().any(|p| p.text.contains(&y.to_string()))
                })
            });
        if covered {
            return None;
        }
        let years: Vec<String> = q.years.iter().map(u16::to_string).collect();
        let reason = format!(
            "The releases I have hold no {name} from {}.",
            years.join(" or ")
        );
        Some(self.abstain(q, reason))
    }

    fn abstain(&self, q: &Question, reason: String) -> Answer {
        self.abstain_near(q, reason, None)
    }

    /// "Not found", with the meetings nearest to what was asked: same kind of meeting
    /// and closest ordinal first, then the newest.
    fn abstain_near(&self, q: &Question, reason: String, ordinal: Option<u32>) -> Answer {
        // Each concept's variants as stem ids, once: every release is scored.
        let concepts: Vec<Vec<Vec<rank::StemId>>> = q
            .concepts
            .iter()
            .map(|c| {
                c.variants
                    .iter()
                    .map(|v| v.iter().map(|s| rank::stem_id(s)).collect())
                    .collect()
            })
            .collect();
        let shared = self.shared_meta(&concepts);
        let mut scored: Vec<(i64, usize)> = self
            .facts
            .iter()
            .enumerate()
            .map(|(i, f)| {
                let shared = shared.get(i).copied().unwrap_or(0);
                let gap = match (ordinal, &f.meeting) {
                    (Some(o), Some((n, _))) => i64::from(o.abs_diff(*n)),
                    _ => 100,
                };
                (gap - 10 * shared, i)
            })
            .collect();
        // Only the first five are shown: no need to order an archive's every release.
        if scored.len() > SUGGESTIONS {
            scored.select_nth_unstable(SUGGESTIONS - 1);
            scored.truncate(SUGGESTIONS);
        }
        scored.sort_unstable();
        let suggestions = scored
            .iter()
            .map(|&(_, i)| suggestion(&self.corpus.releases()[i]))
            .collect();
        answer::not_found(q, reason, suggestions)
    }

    /// For each release, how many of the concepts its title or meeting holds.
    fn shared_meta(&self, concepts: &[Vec<Vec<rank::StemId>>]) -> Vec<i64> {
        let mut shared = vec![0i64; self.facts.len()];
        let mut holding: Vec<u32> = Vec::new();
        for variants in concepts {
            holding.clear();
            for v in variants {
                let Some(first) = v.first() else { continue };
                let releases = self.meta_postings.get(first).into_iter().flatten();
                holding.extend(releases.filter(|&&r| {
                    self.facts
                        .get(r as usize)
                        .is_some_and(|f| rank::contains(&f.meta, v))
                }));
            }
            holding.sort_unstable();
            holding.dedup();
            for &r in &holding {
                if let Some(n) = shared.get_mut(r as usize) {
                    *n += 1;
                }
            }
        }
        shared
    }
}

/// How many releases a "not found" answer points to.
const SUGGESTIONS: usize = 5;

/// Whether `near` (stems) is another form of the word whose stem is `stem`: one of
/// the two begins with the other.
fn same_word(stem: &str, near: &[String]) -> bool {
    matches!(near, [n] if n.starts_with(stem) || stem.starts_with(n.as_str()))
}

/// Which releases' title and meeting hold each stem (each release once).
fn meta_postings(facts: &[ReleaseFacts]) -> HashMap<rank::StemId, Vec<u32>> {
    let mut postings: HashMap<rank::StemId, Vec<u32>> = HashMap::new();
    for (i, f) in facts.iter().enumerate() {
        for stem in &f.meta {
            let releases = postings.entry(*stem).or_default();
            if releases.last() != Some(&(i as u32)) {
                releases.push(i as u32);
            }
        }
    }
    postings
}

fn suggestion(r: &crate::corpus::Release) -> Suggestion {
    Suggestion {
        release: r.id.clone(),
        meeting: r.label().to_string(),
        title: r.title.clone(),
        date: r.date,
        url: r.url.clone(),
    }
}

/// Whether consecutive concepts of the question, each in one of its forms, spell the
/// name of a series of meetings ("ASEAN-ROK FMM" spells "ASEAN-ROK Foreign Ministers'
/// Meeting": the acronym's other form is the words).
fn names_series(q: &Question, series: &[String]) -> bool {
    (0..q.concepts.len()).any(|start| {
        let mut at = 0;
        for (i, c) in q.concepts.iter().enumerate().skip(start) {
            let rest = &series[at..];
            let Some(v) = c
                .variants
                .iter()
                .find(|v| !v.is_empty() && rest.starts_with(v))
            else {
                return false;
            };
            at += v.len();
            if at == series.len() {
                return !modifies_next(q, i);
            }
        }
        false
    })
}

/// Whether the question's concept `i` is followed at once by a lower-case word it
/// describes ("ASEAN-ROK dialogue *relations*", "dialogue *partners*"): then it is no
/// meeting's name.
fn modifies_next(q: &Question, i: usize) -> bool {
    let (Some(this), Some(next)) = (q.concepts.get(i), q.concepts.get(i + 1)) else {
        return false;
    };
    let lower = next.asked.starts_with(|c: char| c.is_lowercase());
    lower && q.text.contains(&format!("{} {}", this.asked, next.asked))
}

fn join_names(names: &[&str]) -> String {
    match names {
        [] => String::new(),
        [one] => one.to_string(),
        [rest @ .., last] => format!("{} or {last}", rest.join(", ")),
    }
}

/// Every phrase that says one form of each part in order.
fn phrases(parts: &[&[Phrase]]) -> Vec<Phrase> {
    parts.iter().fold(vec![Vec::new()], |done, forms| {
        done.iter()
            .flat_map(|head| {
                forms.iter().map(move |form| {
                    let mut p = head.clone();
                    p.extend(form.iter().cloned());
                    p
                })
            })
            .collect()
    })
}
