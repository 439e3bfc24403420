//! One analyzer for the index and the question, so a question's words meet the
//! corpus's words in the same form: split on anything but letters and digits, lower
//! case, English stemming ("ministers" → "minist", "meetings" → "meet").

use std::collections::HashMap;

use tantivy::tokenizer::{
    Language, LowerCaser, RawTokenizer, RemoveLongFilter, SimpleTokenizer, Stemmer, TextAnalyzer,
    Token as TantivyToken, TokenFilter, TokenStream, Tokenizer,
};

/// The name the analyzer is registered under in the tantivy index.
pub const NAME: &str = "attache_en";

/// A word of a text: its stem and where the word stands in the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    pub stem: String,
    pub start: usize,
    pub end: usize,
}

pub fn build() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(40))
        .filter(AcronymPlural)
        .filter(LowerCaser)
        .filter(MemoStemmer)
        .build()
}

/// English stemming that remembers the words it has stemmed (up to `STEM_MEMO`): a
/// corpus says the same few thousand words again and again, and stemming each anew
/// was two fifths of building the index. Each clone of the analyzer keeps its own memo,
/// so tantivy's writer (one clone per field) fills one as it goes, while a question,
/// stemmed on a fresh clone, leaves the shared analyzer as it was.
#[derive(Clone)]
struct MemoStemmer;

impl TokenFilter for MemoStemmer {
    type Tokenizer<T: Tokenizer> = MemoStemmerFilter<T>;

    fn transform<T: Tokenizer>(self, inner: T) -> MemoStemmerFilter<T> {
        MemoStemmerFilter {
            inner,
            stemmer: TextAnalyzer::builder(RawTokenizer::default())
                .filter(Stemmer::new(Language::English))
                .build(),
            memo: HashMap::new(),
        }
    }
}

#[derive(Clone)]
struct MemoStemmerFilter<T> {
    inner: T,
    /// Stems one word: the whole text is one token.
    stemmer: TextAnalyzer,
    memo: HashMap<String, String>,
}

impl<T: Tokenizer> Tokenizer for MemoStemmerFilter<T> {
    type TokenStream<'a> = MemoStemmerStream<'a, T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        if self.memo.len() > STEM_MEMO {
            self.memo.clear();
        }
        MemoStemmerStream {
            inner: self.inner.token_stream(text),
            stemmer: &mut self.stemmer,
            memo: &mut self.memo,
        }
    }
}

struct MemoStemmerStream<'a, S> {
    inner: S,
    stemmer: &'a mut TextAnalyzer,
    memo: &'a mut HashMap<String, String>,
}

impl<S: TokenStream> TokenStream for MemoStemmerStream<'_, S> {
    fn advance(&mut self) -> bool {
        if !self.inner.advance() {
            return false;
        }
        let text = &mut self.inner.token_mut().text;
        if let Some(stem) = self.memo.get(text.as_str()) {
            text.clone_from(stem);
            return true;
        }
        let stem = {
            let mut stream = self.stemmer.token_stream(text);
            if stream.advance() {
                stream.token().text.clone()
            } else {
                text.clone()
            }
        };
        let word = std::mem::replace(text, stem.clone());
        self.memo.insert(word, stem);
        true
    }

    fn token(&self) -> &TantivyToken {
        self.inner.token()
    }

    fn token_mut(&mut self) -> &mut TantivyToken {
        self.inner.token_mut()
    }
}

/// "CSPs" → "CSP": the English stemmer keeps the "s" of a word without a vowel, so a
/// plural acronym would not meet its singular ("ASEAN established CSPs with China").
#[derive(Clone)]
struct AcronymPlural;

impl TokenFilter for AcronymPlural {
    type Tokenizer<T: Tokenizer> = AcronymPluralFilter<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> AcronymPluralFilter<T> {
        AcronymPluralFilter(tokenizer)
    }
}

#[derive(Clone)]
struct AcronymPluralFilter<T>(T);

impl<T: Tokenizer> Tokenizer for AcronymPluralFilter<T> {
    type TokenStream<'a> = AcronymPluralStream<T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        AcronymPluralStream(self.0.token_stream(text))
    }
}

struct AcronymPluralStream<S>(S);

impl<S: TokenStream> TokenStream for AcronymPluralStream<S> {
    fn advance(&mut self) -> bool {
        if !self.0.advance() {
            return false;
        }
        let text = &mut self.0.token_mut().text;
        if let Some(head) = text.strip_suffix('s')
            && head.len() >= 2
            && head.bytes().all(|b| b.is_ascii_uppercase())
        {
            text.truncate(head.len());
        }
        true
    }

    fn token(&self) -> &TantivyToken {
        self.0.token()
    }

    fn token_mut(&mut self) -> &mut TantivyToken {
        self.0.token_mut()
    }
}

/// Tokenizes `text` the way the index does.
pub fn tokens(analyzer: &TextAnalyzer, text: &str) -> Vec<Token> {
    // `token_stream` needs `&mut`; a clone keeps `Index` shareable across threads.
    let mut analyzer = analyzer.clone();
    let mut stream = analyzer.token_stream(text);
    let mut out = Vec::new();
    while stream.advance() {
        let t = stream.token();
        out.push(Token {
            stem: t.text.clone(),
            start: t.offset_from,
            end: t.offset_to,
        });
    }
    out
}

/// Tokens of a corpus text that can stand for a question's word: the lower-case tail
/// of a hyphenated name ("won" in "Chung Byung-won", "wha" in "Kyung-wha") is part of
/// a name, not the word "won".
pub fn content_tokens(analyzer: &TextAnalyzer, text: &str) -> Vec<Token> {
    let mut out = tokens(analyzer, text);
    out.retain(|t| !is_name_tail(text, t));
    out
}

/// `content_tokens` as stem ids: re-ranking reads every candidate paragraph this way,
/// and a string per word would cost more than the comparisons it serves. A corpus
/// says the same words again and again, so each thread keeps the stems it has made
/// (up to `STEM_MEMO` words) and stems only words it has not met.
pub fn content_stem_ids(analyzer: &TextAnalyzer, text: &str) -> Vec<super::rank::StemId> {
    thread_local! {
        static WORDS: std::cell::RefCell<(TextAnalyzer, HashMap<String, super::rank::StemId>)> =
            std::cell::RefCell::new((unstemmed(), HashMap::new()));
    }
    WORDS.with_borrow_mut(|(words, memo)| {
        if memo.len() > STEM_MEMO {
            memo.clear();
        }
        let mut stream = words.token_stream(text);
        let mut out = Vec::new();
        while stream.advance() {
            let t = stream.token();
            if is_name_tail_at(text, t.offset_from, t.offset_to) {
                continue;
            }
            let id = match memo.get(&t.text) {
                Some(id) => *id,
                None => {
                    let stem = stems(analyzer, &t.text).pop().unwrap_or_default();
                    let id = super::rank::stem_id(&stem);
                    memo.insert(t.text.clone(), id);
                    id
                }
            };
            out.push(id);
        }
        out
    })
}

/// Words a thread remembers the stems of; past it, it starts over.
const STEM_MEMO: usize = 200_000;

/// `build()` without its stemmer: the words as the stemmer receives them.
fn unstemmed() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(40))
        .filter(AcronymPlural)
        .filter(LowerCaser)
        .build()
}

fn is_name_tail(text: &str, t: &Token) -> bool {
    is_name_tail_at(text, t.start, t.end)
}

fn is_name_tail_at(text: &str, start: usize, end: usize) -> bool {
    let Some(before) = text.get(..start) else {
        return false;
    };
    let Some(head) = before.strip_suffix('-') else {
        return false;
    };
    let head_word = head
        .rsplit(|c: char| !c.is_alphanumeric())
        .next()
        .unwrap_or("");
    let tail_lower = text
        .get(start..end)
        .is_some_and(|w| w.starts_with(char::is_lowercase));
    tail_lower
        && head_word.starts_with(char::is_uppercase)
        && head_word.chars().skip(1).all(char::is_lowercase)
}

/// The stems of a fixed list of words (stop words, ranks), with the index's analyzer.
pub fn stems_of_words<'a>(words: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let analyzer = build();
    words
        .into_iter()
        .flat_map(|w| stems(&analyzer, w))
        .collect()
}

/// Stems only.
pub fn stems(analyzer: &TextAnalyzer, text: &str) -> Vec<String> {
    tokens(analyzer, text).into_iter().map(|t| t.stem).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remembered_stems_are_the_stemmers_own() {
        let mut plain = TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(RemoveLongFilter::limit(40))
            .filter(AcronymPlural)
            .filter(LowerCaser)
            .filter(Stemmer::new(Language::English))
            .build();
        let text = "Ministers met; the ministers' meetings, CSPs and meeting Ministers again";
        let stems = |a: &mut TextAnalyzer| {
            let mut stream = a.token_stream(text);
            let mut out = Vec::new();
            while stream.advance() {
                out.push(stream.token().text.clone());
            }
            out
        };
        let expected = stems(&mut plain);
        // One clone, twice: the second pass reads every stem from the memo.
        let mut memo = build();
        assert_eq!(stems(&mut memo), expected);
        assert_eq!(stems(&mut memo), expected);
    }

    #[test]
    fn the_tail_of_a_hyphenated_name_is_not_a_word() {
        let a = build();
        let stems: Vec<String> = content_tokens(&a, "Chung Byung-won and ASEAN-ROK won")
            .into_iter()
            .map(|t| t.stem)
            .collect();
        assert_eq!(stems, ["chung", "byung", "and", "asean", "rok", "won"]);
        // Ids, through the memo of stems: the same words, met twice.
        let text = "Chung Byung-won and ASEAN-ROK won CSPs at the Ministers’ Meetings";
        let expected: Vec<_> = content_tokens(&a, text)
            .iter()
            .map(|t| crate::search::rank::stem_id(&t.stem))
            .collect();
        assert_eq!(content_stem_ids(&a, text), expected);
        assert_eq!(content_stem_ids(&a, text), expected);
    }

    #[test]
    fn question_and_corpus_words_meet() {
        let a = build();
        assert_eq!(
            stems(&a, "Ministers’ Meetings"),
            stems(&a, "minister meeting")
        );
        assert_eq!(stems(&a, "ASEAN-ROK 26th"), ["asean", "rok", "26th"]);
        assert_eq!(stems(&a, "CSPs and MOUs"), stems(&a, "CSP and MOU"));
        assert_eq!(stems(&a, "Ms Lee"), ["ms", "lee"]);
    }
}
