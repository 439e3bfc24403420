//! Retrieval: a tantivy index of paragraphs and the query built from an analysed
//! question. The index holds one document per paragraph with the release's title,
//! meeting, place and year beside the text, so a question that names a meeting finds
//! its paragraphs even when the paragraph itself does not repeat the name.
//!
//! Queries are built from `Question` concepts as term, phrase and disjunction queries;
//! user text never goes through tantivy's query parser.

pub mod acronym;
pub mod analyzer;
pub mod expand;
pub mod question;
pub mod rank;
pub mod store;
pub mod synonyms;

use tantivy::collector::TopDocs;
use tantivy::indexer::UserOperation;
use tantivy::query::{
    BooleanQuery, BoostQuery, ConstScoreQuery, DisjunctionMaxQuery, Occur, PhraseQuery, Query,
    TermQuery,
};
use tantivy::schema::{
    Field, INDEXED, IndexRecordOption, NumericOptions, STORED, STRING, Schema, TextFieldIndexing,
    TextOptions,
};
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{IndexReader, ReloadPolicy, Searcher, TantivyDocument, Term, doc};

use crate::corpus::{Corpus, Paragraph, Release};
pub use question::{Concept, Expansion, Kind, MeetingRef, Question};
pub use synonyms::{Phrase, SynonymError, Synonyms};

#[derive(Debug, thiserror::Error)]
#[error("search index: {0}")]
pub struct SearchError(#[from] tantivy::TantivyError);

#[derive(Debug, Clone, Copy)]
struct Fields {
    text: Field,
    title: Field,
    meeting: Field,
    place: Field,
    year: Field,
    release: Field,
    pid: Field,
}

impl Fields {
    fn schema() -> (Schema, Fields) {
        let mut b = Schema::builder();
        let indexing = TextFieldIndexing::default()
            .set_tokenizer(analyzer::NAME)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions);
        let text = TextOptions::default().set_indexing_options(indexing);
        let fields = Fields {
            text: b.add_text_field("text", text.clone()),
            title: b.add_text_field("title", text.clone()),
            meeting: b.add_text_field("meeting", text.clone()),
            place: b.add_text_field("place", text),
            year: b.add_u64_field("year", INDEXED),
            release: b.add_text_field("release", STRING | STORED),
            pid: b.add_u64_field(
                "pid",
                NumericOptions::default() | STORED | tantivy::schema::FAST,
            ),
        };
        (b.build(), fields)
    }

    /// The fields of an index built with `schema()`; an index of another shape is
    /// reported, not trusted.
    fn of(schema: &Schema) -> Result<Fields, SearchError> {
        let get = |name| schema.get_field(name).map_err(SearchError::from);
        Ok(Fields {
            text: get("text")?,
            title: get("title")?,
            meeting: get("meeting")?,
            place: get("place")?,
            year: get("year")?,
            release: get("release")?,
            pid: get("pid")?,
        })
    }

    fn texts(&self) -> [(Field, f32); 4] {
        [
            (self.text, 1.0),
            (self.meeting, 0.6),
            (self.title, 0.4),
            (self.place, 0.4),
        ]
    }
}

/// Above this share of the paragraphs (and `PHRASE_COUNT_MIN` of them), a phrase's
/// rarest word stands in for the phrase's document frequency.
const PHRASE_COUNT_LIMIT: f64 = 0.02;
const PHRASE_COUNT_MIN: u64 = 2_000;

/// Documents handed to tantivy's writer thread at a time.
const WRITE_BATCH: usize = 1_000;

/// Where a paragraph lives: index of its release in `Corpus::releases()` and of the
/// paragraph in the release.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct ParagraphRef {
    pub release: u32,
    pub paragraph: u32,
}

/// Every paragraph of the corpus in index order, with where it lives.
fn paragraphs(corpus: &Corpus) -> impl Iterator<Item = (ParagraphRef, &Release, &Paragraph)> {
    corpus
        .releases()
        .iter()
        .enumerate()
        .flat_map(|(r, release)| {
            release.paragraphs.iter().enumerate().map(move |(p, para)| {
                (
                    ParagraphRef {
                        release: r as u32,
                        paragraph: p as u32,
                    },
                    release,
                    para,
                )
            })
        })
}

/// How the search looks up one concept of a question (`Weights::lookups`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Lookup {
    /// Every variant, phrases by their positions, in every field.
    #[default]
    Full,
    /// A common concept ("ASEAN"): it ranks little but its phrases read huge
    /// position lists, so single words only, in the text alone, and out of proximity
    /// clauses (re-ranking reads the title, meeting and place fields anyway).
    Words,
    /// As `Words`, and scored only in paragraphs that a rarer concept matches: on its
    /// own its posting list would make the search score most of a large archive.
    Beside,
    /// Not looked up: in most paragraphs, it barely moves BM25. Re-ranking still
    /// counts it.
    Skip,
}

/// A paragraph the index found, with its BM25-based score.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Hit {
    pub at: ParagraphRef,
    pub score: f32,
}

/// The paragraph index of one corpus. Build it once and share it; each question takes
/// a searcher of its own.
pub struct Index {
    reader: IndexReader,
    fields: Fields,
    analyzer: TextAnalyzer,
    refs: Vec<ParagraphRef>,
    /// Phrase counts already made: the index never changes, and the same phrases
    /// ("Viet Nam", "senior officials' meeting") come back in question after question,
    /// each count reading the positions of thousands of paragraphs at scale.
    phrase_counts: PhraseCounts,
}

/// Counted phrases per field, forgotten all at once when full: the bound keeps a
/// long-lived daemon's memory flat, and the phrases that keep coming back are counted
/// again at their next asking.
#[derive(Default)]
struct PhraseCounts(std::sync::Mutex<std::collections::HashMap<(Field, Vec<String>), u64>>);

/// How many phrase counts are kept.
const PHRASE_COUNTS_KEPT: usize = 4_096;

impl PhraseCounts {
    fn get_or(&self, key: (Field, &[String]), count: impl FnOnce() -> u64) -> u64 {
        let lookup = (key.0, key.1.to_vec());
        if let Some(&n) = self.0.lock().ok().as_ref().and_then(|m| m.get(&lookup)) {
            return n;
        }
        let n = count();
        if let Ok(mut m) = self.0.lock() {
            if m.len() >= PHRASE_COUNTS_KEPT {
                m.clear();
            }
            m.insert(lookup, n);
        }
        n
    }
}

impl Index {
    /// Builds the index in memory. One writer thread keeps document order, hence
    /// scores and tie-breaks, the same on every run.
    pub fn build(corpus: &Corpus) -> Result<Index, SearchError> {
        let (schema, _) = Fields::schema();
        Index::fill(tantivy::Index::create_in_ram(schema), corpus)
    }

    /// Writes the paragraphs of `corpus` into an empty tantivy index and opens it.
    fn fill(index: tantivy::Index, corpus: &Corpus) -> Result<Index, SearchError> {
        let f = Fields::of(&index.schema())?;
        index
            .tokenizers()
            .register(analyzer::NAME, analyzer::build());
        let mut writer = index.writer_with_num_threads::<TantivyDocument>(1, 50_000_000)?;
        // Handed to the writer thread in batches: one hand-over (and wake-up) per
        // document cost as much as indexing it.
        let mut batch = Vec::with_capacity(WRITE_BATCH);
        for (pid, (_, release, para)) in paragraphs(corpus).enumerate() {
            batch.push(UserOperation::Add(doc!(
                f.text => para.text.as_str(),
                f.title => release.title.as_str(),
                f.meeting => release.meeting.as_str(),
                f.place => release.place.as_str(),
                f.year => u64::from(release.date.year),
                f.release => release.id.as_str(),
                f.pid => pid as u64,
            )));
            if batch.len() == WRITE_BATCH {
                writer.run(std::mem::take(&mut batch))?;
            }
        }
        writer.run(batch)?;
        writer.commit()?;
        writer.wait_merging_threads()?;
        Index::open_with(index, corpus)
    }

    /// Opens an index whose documents were written from `corpus` (same order).
    fn open_with(index: tantivy::Index, corpus: &Corpus) -> Result<Index, SearchError> {
        let fields = Fields::of(&index.schema())?;
        let analyzer = analyzer::build();
        index
            .tokenizers()
            .register(analyzer::NAME, analyzer.clone());
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        let refs = paragraphs(corpus).map(|(at, _, _)| at).collect();
        Ok(Index {
            reader,
            fields,
            analyzer,
            refs,
            phrase_counts: PhraseCounts::default(),
        })
    }

    pub fn analyzer(&self) -> &TextAnalyzer {
        &self.analyzer
    }

    /// Documents the index holds (equals `paragraph_count` for a sound index).
    pub fn searcher_doc_count(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    pub fn paragraph_count(&self) -> usize {
        self.refs.len()
    }

    /// The best `limit` paragraphs for a question, best first; ties go to the earlier
    /// paragraph so results never depend on hash order.
    pub fn search(&self, q: &Question, limit: usize) -> Result<Vec<Hit>, SearchError> {
        self.search_with(q, &[], &[], limit)
    }

    /// `search`, told how to look each concept up (`lookups[i]` for `q.concepts[i]`,
    /// `Lookup::Full` when missing) and which meeting ordinals a candidate must hold
    /// (in its release's meeting or its text).
    pub fn search_with(
        &self,
        q: &Question,
        lookups: &[Lookup],
        meetings: &[u32],
        limit: usize,
    ) -> Result<Vec<Hit>, SearchError> {
        let searcher = self.reader.searcher();
        let Some(query) = self.query(q, lookups, meetings, &searcher) else {
            return Ok(Vec::new());
        };
        let top = searcher.search(&query, &TopDocs::with_limit(limit).order_by_score())?;
        // One `pid` column per segment, opened once per search.
        let mut columns = Vec::with_capacity(searcher.segment_readers().len());
        for segment in searcher.segment_readers() {
            columns.push(segment.fast_fields().u64("pid")?);
        }
        let mut hits = Vec::with_capacity(top.len());
        for (score, addr) in top {
            let pid = columns
                .get(addr.segment_ord as usize)
                .and_then(|c| c.first(addr.doc_id))
                .and_then(|pid| self.refs.get(pid as usize));
            if let Some(&at) = pid {
                hits.push(Hit { at, score });
            }
        }
        hits.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.at.cmp(&b.at)));
        Ok(hits)
    }

    /// The words of the paragraph texts (as stems) with how many paragraphs hold each,
    /// in byte order.
    pub fn vocabulary(&self) -> Vec<(String, u64)> {
        let searcher = self.reader.searcher();
        let mut words: std::collections::BTreeMap<String, u64> = Default::default();
        for segment in searcher.segment_readers() {
            let Ok(inverted) = segment.inverted_index(self.fields.text) else {
                continue;
            };
            let Ok(mut stream) = inverted.terms().stream() else {
                continue;
            };
            while stream.advance() {
                if let Ok(word) = std::str::from_utf8(stream.key()) {
                    *words.entry(word.to_string()).or_default() +=
                        u64::from(stream.value().doc_freq);
                }
            }
        }
        words.into_iter().collect()
    }

    /// The document frequency of a concept: that of its most frequent variant. A
    /// phrase occurs at most as often as its rarest word, so a phrase whose rarest word
    /// is no more frequent than a variant already counted is not counted at all ("senior
    /// officials' meeting" beside "SOM").
    pub fn concept_doc_freq(&self, variants: &[Vec<String>]) -> u64 {
        let searcher = self.reader.searcher();
        let bound = |v: &[String]| {
            self.fields
                .texts()
                .iter()
                .map(|&(field, _)| rarest_df(&searcher, field, v))
                .max()
                .unwrap_or(0)
        };
        let (words, phrases): (Vec<&Vec<String>>, Vec<&Vec<String>>) =
            variants.iter().partition(|v| v.len() == 1);
        let mut best = words.iter().map(|v| self.doc_freq(v)).max().unwrap_or(0);
        let mut bounded: Vec<(u64, &Vec<String>)> =
            phrases.into_iter().map(|p| (bound(p), p)).collect();
        bounded.sort_by_key(|&(bound, _)| std::cmp::Reverse(bound));
        for (bound, phrase) in bounded {
            if bound <= best {
                break;
            }
            best = best.max(self.doc_freq(phrase));
        }
        best
    }

    /// How many paragraphs contain the phrase, in their text or their release's title,
    /// meeting or place (the largest of the four).
    pub fn doc_freq(&self, phrase: &[String]) -> u64 {
        let searcher = self.reader.searcher();
        let count = |field| match phrase {
            // A single word: the term dictionary knows, no query needed.
            [one] => term_df(&searcher, field, one),
            _ => {
                // A phrase occurs at most as often as its rarest word. When even that
                // word is common, the bound serves: counting would read the
                // positions of a large share of the corpus for an idf near zero.
                let bound = rarest_df(&searcher, field, phrase);
                if bound == 0 || self.costly(bound) {
                    bound
                } else {
                    self.phrase_counts.get_or((field, phrase), || {
                        phrase_query(field, phrase)
                            .map_or(0, |q| q.count(&searcher).unwrap_or(0) as u64)
                    })
                }
            }
        };
        self.fields
            .texts()
            .iter()
            .map(|&(field, _)| count(field))
            .max()
            .unwrap_or(0)
    }

    /// Whether a paragraph of the release `id` holds the phrase in its text, or its
    /// title or meeting does. Should the index fail to say, it holds: a lookup error
    /// must not turn an answer into "not found".
    pub fn release_holds(&self, id: &str, phrase: &[String]) -> bool {
        let searcher = self.reader.searcher();
        let release = Term::from_field_text(self.fields.release, id);
        [self.fields.text, self.fields.title, self.fields.meeting]
            .into_iter()
            .any(|field| {
                let Some(words) = phrase_query(field, phrase) else {
                    return false;
                };
                let in_release: Box<dyn Query> =
                    Box::new(TermQuery::new(release.clone(), IndexRecordOption::Basic));
                let both = BooleanQuery::new(vec![(Occur::Must, in_release), (Occur::Must, words)]);
                both.count(&searcher).map_or(true, |n| n > 0)
            })
    }

    /// Whether matching a phrase whose rarest word is in `bound` paragraphs would read
    /// the positions of a large share of the corpus.
    fn costly(&self, bound: u64) -> bool {
        bound > PHRASE_COUNT_MIN && bound as f64 > self.refs.len() as f64 * PHRASE_COUNT_LIMIT
    }

    fn query(
        &self,
        q: &Question,
        lookups: &[Lookup],
        meetings: &[u32],
        searcher: &Searcher,
    ) -> Option<Box<dyn Query>> {
        let lookup = |i: usize| lookups.get(i).copied().unwrap_or_default();
        let is_common = |i: usize| lookup(i) != Lookup::Full;
        let text_field = self.fields.text;
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let mut beside: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for (i, concept) in q.concepts.iter().enumerate() {
            if lookup(i) == Lookup::Skip {
                continue;
            }
            let single_words_only = is_common(i);
            // A common word is looked up in the text alone: in the title, meeting and
            // place fields it stands in nearly every paragraph of a large archive, and
            // re-ranking reads those fields anyway (`ReleaseFacts`).
            let fields = self
                .fields
                .texts()
                .into_iter()
                .filter(move |&(field, _)| !single_words_only || field == text_field);
            let per_field = fields.flat_map(|(field, boost)| {
                // The words as asked always count; other phrasings of a common
                // concept only as single words.
                concept
                    .variants
                    .iter()
                    .enumerate()
                    .filter(move |(k, v)| *k == 0 || !single_words_only || v.len() == 1)
                    // Phrases are matched in the text only: the title, meeting and
                    // place fields repeat across a release's paragraphs, and their
                    // position lists would be read for every one of them.
                    .filter(move |(_, v)| v.len() == 1 || field == text_field)
                    .filter_map(move |(_, v)| {
                        // A common phrase, or one made of common words ("north korea"),
                        // as all of its words, without positions.
                        let costly = v.len() > 1 && self.costly(rarest_df(searcher, field, v));
                        let q = if single_words_only || costly {
                            all_words(field, v)
                        } else {
                            phrase_query(field, v)
                        };
                        q.map(|q| boosted(q, boost))
                    })
            });
            let alternatives: Vec<Box<dyn Query>> = per_field.collect();
            if !alternatives.is_empty() {
                let into = if lookup(i) == Lookup::Beside {
                    &mut beside
                } else {
                    &mut clauses
                };
                into.push((
                    Occur::Should,
                    Box::new(DisjunctionMaxQuery::with_tie_breaker(alternatives, 0.2)),
                ));
            }
        }
        // Words asked next to each other score more when they stand close in the text.
        for (i, pair) in q.concepts.windows(2).enumerate() {
            if is_common(i) || is_common(i + 1) {
                continue;
            }
            let (a, b) = (&pair[0].variants[0], &pair[1].variants[0]);
            let terms: Vec<String> = a.iter().chain(b.iter()).cloned().collect();
            if self.costly(rarest_df(searcher, self.fields.text, &terms)) {
                continue;
            }
            if let Some(mut phrase) = phrase_terms(self.fields.text, &terms) {
                phrase.set_slop(3);
                clauses.push((Occur::Should, boosted(Box::new(phrase), 0.5)));
            }
        }
        for &year in &q.years {
            let term = Term::from_field_u64(self.fields.year, u64::from(year));
            clauses.push((
                Occur::Should,
                boosted(
                    Box::new(TermQuery::new(term, IndexRecordOption::Basic)),
                    0.5,
                ),
            ));
        }
        if clauses.is_empty() {
            if beside.is_empty() {
                return None;
            }
            clauses = beside;
        } else if !beside.is_empty() {
            // Scored only where a rarer concept matched: the sum is the same for those
            // paragraphs, but the union no longer walks the long lists on their own.
            let rarer: Box<dyn Query> = Box::new(BooleanQuery::new(clauses));
            clauses = beside;
            clauses.push((Occur::Must, rarer));
        }
        if let Some(filter) = self.year_filter(&q.years) {
            clauses.push((Occur::Must, filter));
        }
        for &ordinal in meetings {
            clauses.push((Occur::Must, self.ordinal_filter(ordinal)));
        }
        Some(Box::new(BooleanQuery::new(clauses)))
    }

    /// Paragraphs of a release whose meeting (or, when its keeper left the meeting
    /// out, title) has this ordinal, or that mention it: a question about the 29th
    /// Dialogue is not answered from the 26th.
    fn ordinal_filter(&self, ordinal: u32) -> Box<dyn Query> {
        let word = analyzer::stems(&self.analyzer, &crate::text::ordinal_suffix(ordinal))
            .into_iter()
            .next()
            .unwrap_or_default();
        let fields = [self.fields.meeting, self.fields.title, self.fields.text];
        let any: Vec<(Occur, Box<dyn Query>)> = fields
            .into_iter()
            .map(|field| {
                let term = Term::from_field_text(field, &word);
                let q: Box<dyn Query> = Box::new(TermQuery::new(term, IndexRecordOption::Basic));
                (Occur::Should, q)
            })
            .collect();
        Box::new(ConstScoreQuery::new(Box::new(BooleanQuery::new(any)), 0.0))
    }

    /// A question that names a year is answered only from a release of that year or a
    /// paragraph that mentions it (see `rank::year_match`): candidates are drawn from
    /// those alone, or a large archive's other years would crowd them out.
    fn year_filter(&self, years: &[u16]) -> Option<Box<dyn Query>> {
        let any: Vec<(Occur, Box<dyn Query>)> = years
            .iter()
            .flat_map(|&y| {
                let in_release = Term::from_field_u64(self.fields.year, u64::from(y));
                let in_text = Term::from_field_text(self.fields.text, &y.to_string());
                [in_release, in_text].map(|t| {
                    let q: Box<dyn Query> = Box::new(TermQuery::new(t, IndexRecordOption::Basic));
                    (Occur::Should, q)
                })
            })
            .collect();
        (!any.is_empty()).then(|| {
            Box::new(ConstScoreQuery::new(Box::new(BooleanQuery::new(any)), 0.0)) as Box<dyn Query>
        })
    }
}

fn term_df(searcher: &Searcher, field: Field, stem: &str) -> u64 {
    searcher
        .doc_freq(&Term::from_field_text(field, stem))
        .unwrap_or(0)
}

/// Paragraphs holding the rarest of the words: a bound on a phrase's frequency.
fn rarest_df(searcher: &Searcher, field: Field, stems: &[String]) -> u64 {
    stems
        .iter()
        .map(|s| term_df(searcher, field, s))
        .min()
        .unwrap_or(0)
}

fn boosted(q: Box<dyn Query>, boost: f32) -> Box<dyn Query> {
    if boost == 1.0 {
        q
    } else {
        Box::new(BoostQuery::new(q, boost))
    }
}

fn phrase_terms(field: Field, stems: &[String]) -> Option<PhraseQuery> {
    (stems.len() >= 2).then(|| {
        PhraseQuery::new(
            stems
                .iter()
                .map(|s| Term::from_field_text(field, s))
                .collect(),
        )
    })
}

/// All the words, anywhere in the field (a single word is a term query).
fn all_words(field: Field, stems: &[String]) -> Option<Box<dyn Query>> {
    if stems.len() < 2 {
        return phrase_query(field, stems);
    }
    let musts = stems
        .iter()
        .map(|s| {
            let term = Term::from_field_text(field, s);
            (
                Occur::Must,
                Box::new(TermQuery::new(term, IndexRecordOption::WithFreqs)) as Box<dyn Query>,
            )
        })
        .collect();
    Some(Box::new(BooleanQuery::new(musts)))
}

fn phrase_query(field: Field, stems: &[String]) -> Option<Box<dyn Query>> {
    match stems {
        [] => None,
        [one] => Some(Box::new(TermQuery::new(
            Term::from_field_text(field, one),
            IndexRecordOption::WithFreqs,
        ))),
        _ => phrase_terms(field, stems).map(|q| Box::new(q) as Box<dyn Query>),
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::corpus::Release;

    /// One release: paragraphs naming "minister" alone and beside "Vientiane".
    fn index() -> Index {
        let text = "+++\nid = \"r\"\ntitle = \"Talks\"\ndate = \"2024-07-26\"\n+++\n\
                    1. The minister spoke.\n\n2. The minister met them in Vientiane.\n\n\
                    3. Vientiane hosted the meeting.\n";
        let release = Release::parse(Path::new("r.md"), text).expect("parses");
        Index::build(&Corpus::new(vec![release])).expect("builds")
    }

    fn search(index: &Index, lookups: &[Lookup]) -> Vec<(u32, f32)> {
        let q = question::analyse(
            "Which minister was in Vientiane?",
            index.analyzer(),
            &Synonyms::default(),
        );
        assert_eq!(q.concepts.len(), lookups.len(), "{:?}", q.concepts);
        let hits = index.search_with(&q, lookups, &[], 10).expect("searches");
        hits.iter().map(|h| (h.at.paragraph, h.score)).collect()
    }

    #[test]
    fn a_concept_looked_up_beside_others_scores_only_where_they_match() {
        let index = index();
        let words = search(&index, &[Lookup::Words, Lookup::Full]);
        let beside = search(&index, &[Lookup::Beside, Lookup::Full]);
        // The paragraph with "minister" alone is no candidate; the others keep their
        // scores, so their order does not change.
        assert_eq!(words.len(), 3, "{words:?}");
        let with_vientiane: Vec<(u32, f32)> = words.into_iter().filter(|(p, _)| *p != 0).collect();
        assert_eq!(beside, with_vientiane);
        // With nothing else to search by, it is looked up on its own.
        assert_eq!(search(&index, &[Lookup::Beside, Lookup::Skip]).len(), 2);
    }
}
