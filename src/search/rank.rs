//! Re-ranking: BM25 finds candidates; this decides between them with what BM25 cannot
//! see — how much of the question a paragraph covers (weighted by rarity), whether its
//! release is the meeting or year the question names, whether it holds the kind of
//! fact asked for, and, for "latest", how recent it is. Every weight is a field of
//! `RANKING`.

use std::collections::HashSet;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU16, Ordering};

use tantivy::tokenizer::TextAnalyzer;

use super::analyzer;
use super::{Hit, Index, Kind, Lookup, ParagraphRef, Question};
use crate::corpus::{Corpus, Release};
use crate::lexicon;
use crate::text::{find_dates, find_meeting, ordinal_number};

/// A stem as a number: re-ranking compares stems a great many times, and a paragraph's
/// stems are kept (see `FactsCache`) as eight bytes each rather than as strings.
pub type StemId = u64;

/// FNV-1a: stable, fast, and collisions between two real stems are vanishingly rare.
pub fn stem_id(stem: &str) -> StemId {
    stem.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

fn ids(stems: &[String]) -> Vec<StemId> {
    stems.iter().map(|s| stem_id(s)).collect()
}

/// A kind of fact a paragraph may state, for the kind of question that asks for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fact {
    Date,
    Period,
    Quantity,
    Person,
    Country,
    Place,
}

impl Fact {
    fn holds(self, text: &str) -> bool {
        match self {
            Fact::Date => !find_dates(text).is_empty(),
            Fact::Period => {
                crate::text::find_period(text).is_some()
                    || !crate::text::find_months(text).is_empty()
            }
            Fact::Quantity => crate::text::has_quantity(text),
            Fact::Person => crate::names::person(&[], text).is_some(),
            Fact::Country => crate::countries::names_country(text),
            Fact::Place => crate::text::places(text).next().is_some(),
        }
    }

    /// Its bit in `FactsCache::facts`: the low byte says the fact was looked for, the
    /// high byte whether it holds.
    fn bit(self) -> u16 {
        1 << self as u16
    }
}

/// What re-ranking learns of each paragraph, in index order, filled lazily and kept:
/// its stems (without the tails of hyphenated names), and each `Fact` once a question
/// asks for it — a question of one kind needs one or two of them, and looking for a
/// person or a date costs more than the stems.
pub struct FactsCache {
    stems: Vec<OnceLock<Box<[StemId]>>>,
    facts: Vec<AtomicU16>,
}

impl FactsCache {
    pub fn new(paragraphs: usize) -> FactsCache {
        FactsCache {
            stems: (0..paragraphs).map(|_| OnceLock::new()).collect(),
            facts: (0..paragraphs).map(|_| AtomicU16::new(0)).collect(),
        }
    }
}

/// What the ranker knows about a release beyond its text.
#[derive(Debug, Clone)]
pub struct ReleaseFacts {
    /// Stems of title and meeting.
    pub meta: Vec<StemId>,
    /// The meeting's ordinal and its stems ("26th ASEAN-ROK Dialogue" → 26, [...]).
    pub meeting: Option<(u32, Vec<String>)>,
    /// Stems of the words the meeting's acronyms stand for ("east", "asia", "summit"
    /// for "EAS"), as the release spells them out.
    pub meeting_spelt: Vec<String>,
}

impl ReleaseFacts {
    pub fn of(release: &Release, index: &Index) -> ReleaseFacts {
        let a = index.analyzer();
        // The place is the keeper's summary, not the release's words: it helps find a
        // release, but does not count as the release saying something.
        let meta_text = format!("{} {}", release.title, release.meeting);
        let name = if release.meeting.is_empty() {
            find_meeting(&release.title)
        } else {
            Some(release.meeting.clone())
        };
        // "9th EAS Foreign Ministers' Meeting" is also the "9th East Asia Summit …"
        // that its release spells out.
        let spelt = name.iter().flat_map(|m| m.split_whitespace());
        let meeting_spelt = spelt
            .filter_map(|w| spelt_out(w, release))
            .flat_map(|phrase| analyzer::stems(a, &phrase))
            .collect();
        let meeting = name.and_then(|m| {
            let first = m.split_whitespace().next().and_then(ordinal_number)?;
            Some((first, analyzer::stems(a, &m)))
        });
        ReleaseFacts {
            meta: ids(&analyzer::stems(a, &meta_text)),
            meeting,
            meeting_spelt,
        }
    }

    /// Whether the release is the meeting a question names, another one of the same
    /// kind (a distractor), or unrelated.
    pub fn meeting_match(&self, q: &Question) -> Option<bool> {
        let (ordinal, stems) = self.meeting.as_ref()?;
        let asked = q.meetings.iter().find(|m| {
            m.words
                .last()
                .is_some_and(|w| stems.contains(w) || self.meeting_spelt.contains(w))
        })?;
        Some(asked.ordinal == *ordinal)
    }
}

/// How many of a release's first paragraphs are read for the words its title's
/// acronyms stand for: a release spells them out where it first uses them.
const SPELT_OUT_WITHIN: usize = 3;

/// The words an acronym of a release's meeting ("EAS") stands for, as the release
/// spells them out ("East Asia Summit").
fn spelt_out(word: &str, release: &Release) -> Option<String> {
    let word = word.trim_matches(|c: char| !c.is_alphanumeric());
    super::acronym::as_acronym(word)?;
    let texts = release.paragraphs.iter().take(SPELT_OUT_WITHIN);
    super::acronym::phrase_for(word, texts.map(|p| p.text.as_str()))
}

/// Per-question weights of its concepts: rare words count more, words the corpus never
/// uses count as evidence *against* an answer.
#[derive(Debug, Clone)]
pub struct Weights {
    pub weight: Vec<f32>,
    pub known: Vec<bool>,
    /// Concepts in more than a fifth of the paragraphs ("ASEAN", "Korea").
    pub common: Vec<bool>,
    /// Share of the paragraphs holding each concept.
    pub share: Vec<f32>,
    /// How many paragraphs hold each concept.
    pub df: Vec<u64>,
    /// Names the corpus knows that are neither common nor a title ("Kang" in "Minister
    /// Kang"): a release that never names them does not answer.
    pub name: Vec<bool>,
    /// Each concept's variants as stem ids.
    pub ids: Vec<Vec<Vec<StemId>>>,
    /// People the question names with a title ("Minister Kang"): every way to write
    /// title and name together, as stem ids, and whether the question puts a rank
    /// before the title ("*Deputy* Minister Kang").
    pub titled: Vec<(Vec<Vec<StemId>>, bool)>,
}

impl Weights {
    pub fn of(q: &Question, index: &Index) -> Weights {
        let n = index.paragraph_count().max(1) as f32;
        let mut weight = Vec::new();
        let mut known = Vec::new();
        let mut common = Vec::new();
        let mut shares = Vec::new();
        let mut dfs = Vec::new();
        let mut name = Vec::new();
        for c in &q.concepts {
            let df = index.concept_doc_freq(&c.variants);
            let idf_of = |df: f32| ((n + 1.0) / (df + 0.5)).ln().max(RANKING.min_idf);
            // A word the corpus never uses counts against an answer, but only as much
            // as a fairly rare word: questions paraphrase ("fell", "celebrate"). Its
            // rarity is not its own (it has none), or in a large archive one unknown
            // word would outweigh every word the question shares with the answer.
            // A word said in the thesaurus's other words is still a word the releases
            // do not use: it weighs as one, and its absence proves nothing.
            let paraphrased = c.expansion == super::Expansion::Thesaurus;
            let idf = if (df == 0 || paraphrased) && !c.name {
                idf_of(n * RANKING.unknown_word_share)
            } else {
                idf_of(df as f32)
            };
            // The word naming the kind of answer ("what *share*", "which *countries*")
            // rarely stands in the answer itself.
            let share = if q.focus == Some(weight.len()) {
                RANKING.focus_share
            } else if q.action == Some(weight.len()) && df > 0 {
                RANKING.action_share
            } else {
                1.0
            };
            weight.push(idf * share);
            let is_common = df as f32 > n * RANKING.common_share;
            let title = c.asked.split_whitespace().all(crate::names::is_title);
            name.push(c.name && df > 0 && !is_common && !title && c.ordinal.is_none());
            known.push(df > 0 && !paraphrased);
            common.push(is_common);
            shares.push(df as f32 / n);
            dfs.push(df);
        }
        let ids: Vec<Vec<Vec<StemId>>> = q
            .concepts
            .iter()
            .map(|c| c.variants.iter().map(|v| ids(v)).collect())
            .collect();
        let titled = titled_names(q, &name, &ids);
        Weights {
            weight,
            known,
            common,
            share: shares,
            df: dfs,
            name,
            ids,
            titled,
        }
    }

    /// How the search looks each concept up. A common concept only as single words;
    /// one in most paragraphs ("ASEAN", "Korea" in an archive about them) not at all,
    /// and one in very many (`long_posting_list`: "minister" at 100,000 paragraphs)
    /// only beside the others (`Index::search_with` looks it up alone when there are
    /// none). When every concept is in most paragraphs, each is looked up as a word.
    pub fn lookups(&self) -> Vec<Lookup> {
        let of = |i: usize| {
            if self.share[i] > RANKING.ubiquitous_share {
                Lookup::Skip
            } else if self.common[i] && self.df[i] as f32 > RANKING.long_posting_list {
                Lookup::Beside
            } else if self.common[i] {
                Lookup::Words
            } else {
                Lookup::Full
            }
        };
        let lookups: Vec<Lookup> = (0..self.share.len()).map(of).collect();
        if lookups.iter().all(|l| *l == Lookup::Skip) {
            return vec![Lookup::Words; lookups.len()];
        }
        lookups
    }

    pub fn total(&self) -> f32 {
        self.weight.iter().sum::<f32>().max(f32::EPSILON)
    }
}

/// "Minister Kang": for each name concept right after a title concept, every way to
/// write the two together, and whether a rank stands before the title.
fn titled_names(
    q: &Question,
    name: &[bool],
    ids: &[Vec<Vec<StemId>>],
) -> Vec<(Vec<Vec<StemId>>, bool)> {
    let is_title = |i: usize| {
        q.concepts
            .get(i)
            .is_some_and(|c| c.asked.split_whitespace().all(crate::names::is_title))
    };
    let ranked = |i: usize| {
        q.concepts
            .get(i)
            .is_some_and(|c| lexicon::get().ranks.contains(&c.asked.to_lowercase()))
    };
    (1..q.concepts.len())
        .filter(|&n| name[n] && is_title(n - 1))
        .map(|n| {
            let phrases = ids[n - 1]
                .iter()
                .flat_map(|t| ids[n].iter().map(move |p| [&t[..], &p[..]].concat()))
                .collect();
            (phrases, n >= 2 && ranked(n - 2))
        })
        .collect()
}

/// The re-ranker's weights, in one place. A candidate's score is BM25 and coverage
/// (each 0..1, their weights summing to 1), less the gap, plus what it gains or loses
/// for the meeting, year, kind of fact and titled name the question asks about. The
/// values are set by hand — nothing fits them, unlike `decide::TUNING` — and they only
/// order the candidates: whether the best one answers is `decide`'s call.
/// `examples/why` prints a question's candidates with their scores.
#[derive(Debug, Clone, Copy)]
pub struct Ranking {
    /// BM25's share, as a share of the best candidate's BM25. BM25 found the
    /// candidates by counting words, not by which of them the question turns on, so it
    /// weighs less than coverage.
    pub bm25: f32,
    /// Coverage's share: the rarity-weighted share of the question the paragraph says
    /// (the mean of that share with and without the paragraph's context). The paragraph
    /// that says the question's rare words is the one about it, so this weighs most.
    pub coverage: f32,
    /// Taken off, times the weight share of the most important word of the question
    /// the paragraph lacks (a word no release uses aside: that is likely a
    /// paraphrase). Missing the one rare word a question turns on then costs about half
    /// as much again as the coverage it takes: coverage alone would forgive it in a
    /// paragraph that says the rest.
    pub gap: f32,
    /// Added when the release is the meeting the question names by ordinal ("the 26th
    /// Dialogue"): its title says so, whatever words its paragraphs use.
    pub meeting: f32,
    /// Added (a loss) when the release is another meeting of the kind named: the 25th
    /// Dialogue is the likeliest wrong answer about the 26th, sharing every word of the
    /// question but the ordinal, so it loses more than the right meeting gains.
    pub other_meeting: f32,
    /// Added (a small loss) when the question names a meeting and the release is no
    /// meeting of that kind: it may still speak of that meeting.
    pub unnamed_meeting: f32,
    /// Times the share of the question's neighbouring words that stand within `near`
    /// words of each other: "foreign minister of Laos" said together, not its words
    /// scattered. Less than coverage: it orders paragraphs that say the same words.
    pub proximity: f32,
    /// How many words apart two of the question's words may stand and still be near:
    /// about a clause ("foreign minister of Laos" meets "Lao Deputy Prime Minister and
    /// Foreign Minister").
    pub near: usize,
    /// Added when the release is from, or the paragraph mentions, a year the question
    /// names.
    pub year: f32,
    /// Added (a loss) when neither is: smaller than the gain, since a paragraph may
    /// tell of the year's events without writing the year ("this year").
    pub other_year: f32,
    /// Added for a "Who …?" question when the paragraph names a person.
    pub who_person: f32,
    /// Added to that when the person stands within `country_reach` words of the
    /// foreign country the question names ("Who represented *Laos* …?"): the person of
    /// that country, not the one who met all of them. Titles run long: "the Lao Deputy
    /// Prime Minister and Foreign Minister, Saleumxay Kommasith" is seven words.
    pub who_of_country: f32,
    pub country_reach: usize,
    /// Added for a when-question when the paragraph holds a date, the exact answer.
    pub when_date: f32,
    /// Added for a when-question when the paragraph holds only a period ("November
    /// 2019", "in 1989"): a rougher answer than a date, so a third as much.
    pub when_period: f32,
    /// Added for a where-question when the paragraph names a place after "in".
    pub where_place: f32,
    /// Added for a how-much question when the paragraph states an amount; the most of
    /// the kinds: the amount is the whole answer, and a paragraph can share every word
    /// of the question without stating one.
    pub how_much_amount: f32,
    /// Added when the paragraph (or the one it stands under) names each person the
    /// question names with a title, with that title and no rank before it ("Minister
    /// Kang", not "Deputy Minister Kang" or "Dr. Kang"): as much as a date for a
    /// when-question.
    pub titled_name: f32,
    /// Times the share of the question's names of several words the paragraph says
    /// whole ("the ASEAN-Korea Cooperation Fund" as "ASEAN-ROK Cooperation Fund"): a
    /// paragraph with every word but not the name is about something else.
    pub whole_name: f32,
    /// Added to every paragraph of the newest release that covers a "latest" question
    /// well enough: as much as BM25 and coverage together at their best, so the newest
    /// release that answers goes first.
    pub latest: f32,
    /// How much of a "latest" question a release must cover to be the latest answer:
    /// more than half, so the newest release that merely touches the topic does not win.
    pub latest_min_coverage: f32,
    /// How much a question's word counts when only the paragraph's context says it
    /// (its release's title or meeting, or for a bullet the numbered paragraph above
    /// it): half, since the context says what the paragraph is about, not that the
    /// paragraph says it.
    pub context_share: f32,
    /// The least a question's word weighs (its IDF's floor), however common: a word in
    /// nearly every paragraph still counts for something.
    pub min_idf: f32,
    /// A concept in more than this share of the paragraphs is common ("ASEAN", "Korea"
    /// stand in most): looked up in the text alone, no name to insist on, not bolded.
    pub common_share: f32,
    /// A concept in more than this share of the paragraphs is not looked up when
    /// the question has rarer ones (`Weights::ubiquitous`): it would read the longest
    /// posting lists of the index for a word that barely moves BM25. Above
    /// `common_share` so that "foreign minister" in an archive of meetings still
    /// finds candidates; measured at 100,000 paragraphs (BENCHMARKS.md).
    pub ubiquitous_share: f32,
    /// A common concept (`common_share`) in more paragraphs than this is not looked up
    /// either, when the question has rarer ones: below it a posting list is cheap to
    /// read whatever its share, so answers on an archive of a few thousand paragraphs
    /// do not change; above it the union scored most of the corpus (at 100,000
    /// paragraphs, a third of the slowest questions' time; BENCHMARKS.md).
    pub long_posting_list: f32,
    /// A word the corpus never uses (or only paraphrases) weighs as a word found in this
    /// share of the paragraphs: a fairly rare word, at every corpus size. It counts
    /// against an answer, but its rarity is not its own (it has none), or in a large
    /// archive one unknown word would outweigh every word the question shares with the
    /// answer.
    pub unknown_word_share: f32,
    /// How much the word naming the kind of answer counts ("which *countries*", "what
    /// *share*"): it rarely stands in the answer itself.
    pub focus_share: f32,
    /// How much the verb of "What did Korea *pledge* …" counts: releases tell the act
    /// in their own verbs ("after expanding the Fund"), so it says less about which
    /// paragraph answers; more than the focus word, since the act is still what is
    /// asked about.
    pub action_share: f32,
}

/// The weights the re-ranker uses.
pub const RANKING: Ranking = Ranking {
    bm25: 0.35,
    coverage: 0.65,
    gap: 0.3,
    meeting: 0.3,
    other_meeting: -0.5,
    unnamed_meeting: -0.1,
    proximity: 0.2,
    near: 5,
    year: 0.15,
    other_year: -0.1,
    who_person: 0.1,
    who_of_country: 0.15,
    country_reach: 8,
    when_date: 0.15,
    when_period: 0.05,
    where_place: 0.1,
    how_much_amount: 0.2,
    titled_name: 0.15,
    whole_name: 0.15,
    latest: 1.0,
    latest_min_coverage: 0.6,
    context_share: 0.5,
    min_idf: 0.1,
    common_share: 0.2,
    ubiquitous_share: 0.6,
    long_posting_list: 5_000.0,
    unknown_word_share: 0.075,
    focus_share: 0.3,
    action_share: 0.6,
};

/// A candidate paragraph after re-ranking.
#[derive(Debug, Clone, PartialEq)]
pub struct Ranked {
    pub at: ParagraphRef,
    pub score: f32,
    /// Share of the question's weight the paragraph (or its release's title, meeting
    /// and place) covers, 0..=1.
    pub coverage: f32,
    /// Coverage by the paragraph text alone.
    pub text_coverage: f32,
    /// Weight share of the most important question concept the paragraph lacks.
    pub gap: f32,
    /// Whether the release is from, or the paragraph mentions, a year the question
    /// names (`None` when it names none).
    pub year_match: Option<bool>,
}

pub fn contains<T: PartialEq>(haystack: &[T], needle: &[T]) -> bool {
    match needle {
        // Most variants are one word: a plain scan, without a window per position.
        [one] => haystack.contains(one),
        _ => positions(haystack, needle).next().is_some(),
    }
}

/// Where `needle` starts in `haystack`. Checks the first element before the slice: most
/// windows fail there, and a slice comparison costs a `memcmp` call.
pub fn positions<'a, T: PartialEq>(
    haystack: &'a [T],
    needle: &'a [T],
) -> impl Iterator<Item = usize> + 'a {
    let first = needle.first();
    haystack
        .windows(needle.len().max(1))
        .enumerate()
        .filter(move |(_, w)| first.is_some_and(|f| w[0] == *f) && *w == needle)
        .map(|(i, _)| i)
}

/// Everything re-ranking reads besides the question and the hits.
pub struct Context<'a> {
    pub corpus: &'a Corpus,
    pub index: &'a Index,
    pub releases: &'a [ReleaseFacts],
    pub paragraphs: &'a FactsCache,
    /// Index order number of each release's first paragraph.
    pub first_pid: &'a [u32],
    pub analyzer: &'a TextAnalyzer,
}

impl Context<'_> {
    /// The numbered paragraph a bullet stands under: "4" for "4·1".
    fn parent(&self, at: ParagraphRef) -> Option<ParagraphRef> {
        let paragraphs = &self.corpus.releases().get(at.release as usize)?.paragraphs;
        let (head, _) = paragraphs
            .get(at.paragraph as usize)?
            .number
            .split_once('·')?;
        let index = paragraphs[..at.paragraph as usize]
            .iter()
            .rposition(|p| p.number == head)?;
        Some(ParagraphRef {
            release: at.release,
            paragraph: index as u32,
        })
    }

    /// The paragraph's stems (see `FactsCache`).
    pub fn stems(&self, at: ParagraphRef) -> &[StemId] {
        match self.paragraphs.stems.get(self.pid(at)) {
            Some(cell) => {
                cell.get_or_init(|| analyzer::content_stem_ids(self.analyzer, self.text(at)).into())
            }
            None => &[],
        }
    }

    /// The paragraph's text.
    pub fn text(&self, at: ParagraphRef) -> &str {
        &self.corpus.releases()[at.release as usize].paragraphs[at.paragraph as usize].text
    }

    /// Whether the paragraph states a fact of this kind. Two threads may both look
    /// for it the first time; they find the same, so the race costs only the work.
    pub fn has(&self, at: ParagraphRef, fact: Fact) -> bool {
        let Some(cell) = self.paragraphs.facts.get(self.pid(at)) else {
            return false;
        };
        let (looked, holds) = (fact.bit(), fact.bit() << 8);
        let known = cell.load(Ordering::Relaxed);
        if known & looked != 0 {
            return known & holds != 0;
        }
        let found = fact.holds(self.text(at));
        cell.fetch_or(looked | if found { holds } else { 0 }, Ordering::Relaxed);
        found
    }

    fn pid(&self, at: ParagraphRef) -> usize {
        self.first_pid[at.release as usize] as usize + at.paragraph as usize
    }
}

/// Re-ranks BM25 hits, best first.
pub fn rerank(q: &Question, w: &Weights, hits: &[Hit], cx: &Context<'_>) -> Vec<Ranked> {
    let top_bm25 = hits.iter().map(|h| h.score).fold(f32::EPSILON, f32::max);
    let asks_countries = q
        .focus
        .and_then(|i| q.concepts.get(i))
        .is_some_and(|c| crate::countries::asks_for_countries(&c.asked));
    let releases = cx.corpus.releases();
    let meeting = meeting_concepts(q);
    let mut out: Vec<Ranked> = hits
        .iter()
        .map(|hit| {
            let release = &releases[hit.at.release as usize];
            let fact = &cx.releases[hit.at.release as usize];
            let parent = cx.parent(hit.at).map_or(&[][..], |p| cx.stems(p));
            let stems = cx.stems(hit.at);
            // "Which *countries* …" is answered by a quote that names countries.
            let answered = q
                .focus
                .filter(|_| asks_countries && cx.has(hit.at, Fact::Country));
            let (coverage, text_coverage, gap) =
                coverage(w, stems, &fact.meta, parent, answered, None);
            // For ranking, words found only in the release's title or meeting count
            // for less than words the paragraph itself says; but in the release of the
            // meeting asked about, every paragraph counts as naming it ("26th",
            // "Dialogue"), so its opening paragraph does not win on those words alone.
            // The decision weighs what the paragraph itself says.
            // So does every paragraph of a release dated in the month asked about ("…
            // in July 2024": the date is the release's, not each paragraph's).
            let mut of_release = month_concepts(q, release);
            if fact.meeting_match(q) == Some(true) {
                of_release.extend(&meeting);
            }
            of_release.extend(set_by_lede(q, w, hit.at, fact, cx));
            let ranking_coverage = if of_release.is_empty() {
                (coverage + text_coverage) / 2.0
            } else {
                let (all, text, _) =
                    self::coverage(w, stems, &fact.meta, parent, answered, Some(&of_release));
                (all + text) / 2.0
            };
            let r = &RANKING;
            let mut score =
                r.bm25 * hit.score / top_bm25 + r.coverage * ranking_coverage - r.gap * gap;
            score += match fact.meeting_match(q) {
                Some(true) => r.meeting,
                Some(false) => r.other_meeting,
                None if !q.meetings.is_empty() => r.unnamed_meeting,
                None => 0.0,
            };
            score += r.proximity * proximity(w, stems);
            let year_match = year_match(q, release, stems);
            score += match year_match {
                Some(true) => r.year,
                Some(false) => r.other_year,
                None => 0.0,
            };
            score += kind_bonus(q, hit.at, cx);
            if !w.titled.is_empty() && (titled_name_in(w, stems) || titled_name_in(w, parent)) {
                score += r.titled_name;
            }
            score += r.whole_name * names_said(q, w, stems);
            Ranked {
                at: hit.at,
                score,
                coverage,
                text_coverage,
                gap,
                year_match,
            }
        })
        .collect();
    if q.latest {
        prefer_newest(&mut out);
    }
    out.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.at.cmp(&b.at)));
    out
}

/// The concepts the release's opening paragraph (or its title) says and the paragraph
/// at `at` does not, which count as said by it for ranking: the opening sets the scene
/// every later point is reported in (who met whom, where, when), so it should not win
/// on the scene alone ("What did Kang and Pham Binh Minh agree …" is answered by "The
/// two ministers agreed …"). Not when the question asks for the scene (a time, a
/// place), nor a name when the paragraph speaks of another party ("(Malaysia) …" in
/// a release of five meetings).
fn set_by_lede(
    q: &Question,
    w: &Weights,
    at: ParagraphRef,
    fact: &ReleaseFacts,
    cx: &Context<'_>,
) -> Vec<usize> {
    if matches!(q.kind, Kind::When | Kind::Where) {
        return Vec::new();
    }
    let stems = cx.stems(at);
    // The opening's stems are read when a paragraph of its release is ranked, and kept.
    let lede = cx.stems(ParagraphRef {
        release: at.release,
        paragraph: 0,
    });
    let scene =
        |v: &Vec<StemId>| (contains(&fact.meta, v) || contains(lede, v)) && !contains(stems, v);
    let mut other_party = None;
    let mut out = Vec::new();
    for (i, variants) in w.ids.iter().enumerate() {
        if !variants.iter().any(scene) {
            continue;
        }
        // A name of the release's meeting, title or place ("EAS", "Bangkok") is the
        // scene of every paragraph; one the question asks as a country may be a
        // party to one of them only ("Laos", though the meeting was in Vientiane).
        let of_scene = |c: &super::Concept| {
            variants.iter().any(|v| contains(&fact.meta, v))
                && !crate::countries::is_foreign_country(&c.asked)
        };
        let elsewhere = q.concepts.get(i).is_some_and(|c| c.name && !of_scene(c))
            && *other_party.get_or_insert_with(|| {
                names_someone_new(q, at, cx) || crate::countries::names_foreign_country(cx.text(at))
            });
        if !elsewhere {
            out.push(i);
        }
    }
    out
}

/// Whether a name the question asks about ("What did Minister *Kang* propose?") is
/// missing from the release of `at`: from its title, its meeting and every paragraph,
/// in every form, spelt out too when it is an acronym.
/// Then the paragraph is about someone else, however well it covers the rest. The
/// index answers, for the passages that may be cited only: reading a whole release
/// costs more than ranking a paragraph.
pub fn lacks_name(q: &Question, w: &Weights, at: ParagraphRef, cx: &Context<'_>) -> bool {
    let Some(release) = cx.corpus.releases().get(at.release as usize) else {
        return true;
    };
    q.concepts
        .iter()
        .zip(&w.name)
        .filter(|(_, name)| **name)
        .any(|(c, _)| {
            !c.variants
                .iter()
                .any(|v| cx.index.release_holds(&release.id, v))
                && !spells_out(release, &c.asked)
        })
}

/// Whether the release writes out the acronym `word` asks by ("the East Asia Summit"
/// for "EAS") without using it: it names what the question names. One release's
/// texts, read only for a name the index found missing.
fn spells_out(release: &crate::corpus::Release, word: &str) -> bool {
    let texts = std::iter::once(release.title.as_str())
        .chain(release.paragraphs.iter().map(|p| p.text.as_str()));
    super::acronym::phrase_for(word, texts).is_some()
}

/// The country the question names that the release of `at` never names (Korea, whose
/// ministry writes every release, aside): "What did Cho discuss with Viet Nam's minister
/// in Vientiane?" is not answered by a release about five other countries. Unlike a
/// person's name, a country counts however common it is in the corpus.
pub fn absent_country<'q>(q: &'q Question, at: ParagraphRef, cx: &Context<'_>) -> Option<&'q str> {
    let release = cx.corpus.releases().get(at.release as usize);
    q.concepts
        .iter()
        .filter(|c| names_foreign_country(c))
        .find(|c| {
            release.is_none_or(|release| {
                !c.variants
                    .iter()
                    .any(|v| cx.index.release_holds(&release.id, v))
            })
        })
        .map(|c| c.asked.as_str())
}

/// Whether the stems name each titled person of the question with the same title, and
/// no rank before it that the question lacks.
fn titled_name_in(w: &Weights, stems: &[StemId]) -> bool {
    w.titled.iter().all(|(phrases, ranked)| {
        phrases.iter().any(|phrase| {
            positions(stems, phrase)
                .any(|at| *ranked || at == 0 || !rank_stems().contains(&stems[at - 1]))
        })
    })
}

/// "The latest …": the newest release that answers the question well enough goes
/// first (releases are ordered newest first, so the smallest index is the newest).
fn prefer_newest(ranked: &mut [Ranked]) {
    let newest = ranked
        .iter()
        .filter(|r| r.coverage >= RANKING.latest_min_coverage)
        .map(|r| r.at.release)
        .min();
    for r in ranked.iter_mut().filter(|r| Some(r.at.release) == newest) {
        r.score += RANKING.latest;
    }
}

/// (coverage, text coverage, largest missing share): how much of the question the
/// paragraph covers — with its context: its release's title and meeting, and for a
/// bullet the numbered paragraph it stands under ("(Indonesia) …" above "ㅇ Both
/// ministers agreed …") — how much its text alone covers, and the weight share of the
/// most important concept it lacks. The concept `answered` counts as said: the
/// paragraph holds the kind of thing it asks for.
fn coverage(
    w: &Weights,
    stems: &[StemId],
    meta: &[StemId],
    parent: &[StemId],
    answered: Option<usize>,
    meeting: Option<&[usize]>,
) -> (f32, f32, f32) {
    let (mut all, mut text, mut gap) = (0.0, 0.0, 0.0f32);
    let concepts = w.ids.iter().zip(&w.weight).zip(&w.known).enumerate();
    for (i, ((variants, weight), known)) in concepts {
        let of_meeting = meeting.is_some_and(|m| m.contains(&i));
        if answered == Some(i) || of_meeting || variants.iter().any(|v| contains(stems, v)) {
            all += weight;
            text += weight;
        } else if variants
            .iter()
            .any(|v| contains(meta, v) || contains(parent, v))
        {
            all += RANKING.context_share * weight;
        } else if *known {
            // A word no release uses is likely a paraphrase; coverage accounts for it.
            gap = gap.max(*weight);
        }
    }
    (all / w.total(), text / w.total(), gap / w.total())
}

/// The concepts that name the month of the release's date ("July" for a release of
/// July 26, 2024).
fn month_concepts(q: &Question, release: &Release) -> Vec<usize> {
    q.concepts
        .iter()
        .enumerate()
        .filter(|(_, c)| crate::corpus::Date::month_from_name(&c.asked) == Some(release.date.month))
        .map(|(i, _)| i)
        .collect()
}

/// The concepts that name the meeting the question asks about: its ordinal and the
/// words after it ("26th", "dialogue" of "the 26th Dialogue").
fn meeting_concepts(q: &Question) -> Vec<usize> {
    let words: Vec<&String> = q.meetings.iter().flat_map(|m| &m.words).collect();
    q.concepts
        .iter()
        .enumerate()
        .filter(|(_, c)| {
            c.ordinal.is_some()
                || c.variants
                    .iter()
                    .any(|v| v.iter().all(|s| words.contains(&s)))
        })
        .map(|(i, _)| i)
        .collect()
}

/// Whether a question's concept is a foreign country, named ("Singapore's") or by its
/// people's adjective, which the synonyms read as the country ("Singaporean").
fn names_foreign_country(c: &super::Concept) -> bool {
    static STEMS: OnceLock<HashSet<String>> = OnceLock::new();
    let stems = STEMS.get_or_init(|| {
        let lex = lexicon::get();
        let foreign = lex
            .countries
            .words()
            .filter(|w| !lex.home_country.contains(w));
        analyzer::stems_of_words(foreign).into_iter().collect()
    });
    crate::countries::is_foreign_country(&c.asked)
        || c.variants
            .iter()
            .any(|v| matches!(v.as_slice(), [one] if stems.contains(one)))
}

/// The lexicon's ranks ("deputy", "vice" …: a Deputy Minister is not the Minister) as
/// the analyzer stems them.
fn rank_stems() -> &'static [StemId] {
    static STEMS: OnceLock<Vec<StemId>> = OnceLock::new();
    STEMS.get_or_init(|| {
        analyzer::stems_of_words(lexicon::get().ranks.iter())
            .iter()
            .map(|s| stem_id(s))
            .collect()
    })
}

/// Share of the names of several words the question writes (`Question::names`) that
/// the paragraph says whole, each word in one of its forms: "the ASEAN-ROK Cooperation
/// Fund" says "the ASEAN-Korea Cooperation Fund"; "the three ASEAN-related
/// Cooperation Funds" does not.
fn names_said(q: &Question, w: &Weights, stems: &[StemId]) -> f32 {
    if q.names.is_empty() {
        return 0.0;
    }
    let said = q
        .names
        .iter()
        .filter(|name| (0..stems.len()).any(|at| says_from(stems, at, w, &name.concepts)))
        .count();
    said as f32 / q.names.len() as f32
}

/// Whether the concepts `name` follow one another in `stems` from `at`.
fn says_from(stems: &[StemId], mut at: usize, w: &Weights, name: &[usize]) -> bool {
    for &c in name {
        let Some(variants) = w.ids.get(c) else {
            return false;
        };
        let rest = &stems[at.min(stems.len())..];
        match variants
            .iter()
            .find(|v| !v.is_empty() && rest.starts_with(v))
        {
            Some(v) => at += v.len(),
            None => return false,
        }
    }
    true
}

/// Share of the question's neighbouring concept pairs that stand within a few words of
/// each other in the paragraph, in either order ("foreign minister of Laos" meets "Lao
/// Deputy Prime Minister and Foreign Minister").
fn proximity(w: &Weights, stems: &[StemId]) -> f32 {
    if w.ids.len() < 2 {
        return 0.0;
    }
    let positions: Vec<Vec<usize>> = w
        .ids
        .iter()
        .map(|variants| occurrences(stems, variants))
        .collect();
    let near = positions
        .windows(2)
        .filter(|p| {
            p[0].iter()
                .any(|a| p[1].iter().any(|b| a.abs_diff(*b) <= RANKING.near))
        })
        .count();
    near as f32 / (w.ids.len() - 1) as f32
}

/// The largest share of the question's weight that `window` consecutive words of the
/// text cover: what one sentence of it says, not the whole paragraph.
pub fn densest_share(w: &Weights, stems: &[StemId], window: usize) -> f32 {
    let mut events: Vec<(usize, usize)> = w
        .ids
        .iter()
        .enumerate()
        .flat_map(|(c, variants)| {
            occurrences(stems, variants)
                .into_iter()
                .map(move |p| (p, c))
        })
        .collect();
    events.sort_unstable();
    let mut best = 0.0f32;
    for (i, &(start, _)) in events.iter().enumerate() {
        let mut seen = vec![false; w.ids.len()];
        let share: f32 = events[i..]
            .iter()
            .take_while(|(p, _)| *p < start + window)
            .filter(|(_, c)| !std::mem::replace(&mut seen[*c], true))
            .map(|(_, c)| w.weight[*c])
            .sum();
        best = best.max(share / w.total());
    }
    best
}

/// Token positions where any of the variants starts.
fn occurrences(stems: &[StemId], variants: &[Vec<StemId>]) -> Vec<usize> {
    variants.iter().flat_map(|v| positions(stems, v)).collect()
}

fn year_match(q: &Question, release: &Release, stems: &[StemId]) -> Option<bool> {
    if q.years.is_empty() {
        return None;
    }
    let in_text = q
        .years
        .iter()
        .any(|y| stems.contains(&stem_id(&y.to_string())));
    Some(q.years.contains(&release.date.year) || in_text)
}

fn kind_bonus(q: &Question, at: ParagraphRef, cx: &Context<'_>) -> f32 {
    let has = |fact| cx.has(at, fact);
    match q.kind {
        Kind::Who if q.asks_person() => {
            let people = new_people(q, at, cx);
            if people.is_empty() {
                0.0
            } else {
                let near = of_country(q, &people, cx.text(at));
                RANKING.who_person + RANKING.who_of_country * f32::from(u8::from(near))
            }
        }
        Kind::When if has(Fact::Date) => RANKING.when_date,
        Kind::When if has(Fact::Period) => RANKING.when_period,
        Kind::Where if has(Fact::Place) => RANKING.where_place,
        Kind::HowMuch if has(Fact::Quantity) => RANKING.how_much_amount,
        _ => 0.0,
    }
}

/// Whether a person the question does not name stands beside the foreign country it
/// names: "Who represented Laos …?" is answered by "the Lao Deputy Prime Minister and
/// Foreign Minister, Saleumxay Kommasith", not by Minister Cho, who met all five
/// countries listed after his name.
fn of_country(q: &Question, people: &[String], text: &str) -> bool {
    let anchors: Vec<&str> = q
        .concepts
        .iter()
        .filter(|c| names_foreign_country(c))
        .flat_map(|c| c.variants.iter().filter_map(|v| v.first()))
        .map(String::as_str)
        .collect();
    !anchors.is_empty() && crate::names::stands_near(people, &anchors, text, RANKING.country_reach)
}

/// Whether the paragraph names a person the question does not, beside the foreign
/// country it asks about ("Foreign Minister of Singapore Vivian Balakrishnan").
pub fn names_person_of_asked_country(q: &Question, at: ParagraphRef, cx: &Context<'_>) -> bool {
    let people = new_people(q, at, cx);
    !people.is_empty() && of_country(q, &people, cx.text(at))
}

/// Whether the paragraph names a person the question does not already name: "Who
/// spoke for Brunei in its talks with Cho?" is not answered by a quote naming only Cho.
pub fn names_someone_new(q: &Question, at: ParagraphRef, cx: &Context<'_>) -> bool {
    !new_people(q, at, cx).is_empty()
}

/// The people the paragraph names that the question does not (in the post it asks
/// about, if it asks one).
fn new_people(q: &Question, at: ParagraphRef, cx: &Context<'_>) -> Vec<String> {
    if !cx.has(at, Fact::Person) {
        return Vec::new();
    }
    let asked: Vec<&str> = q
        .concepts
        .iter()
        .flat_map(|c| c.asked.split_whitespace())
        .collect();
    crate::names::people_in_post(&asked, &q.posts, cx.text(at))
}

/// Whether the text states an amount: a percentage, a sum of money, a count.
pub fn has_amount(text: &str) -> bool {
    crate::text::has_quantity(text)
}
