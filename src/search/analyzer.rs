//! One analyzer for the index and the question, so a question's words meet the
//! corpus's words in the same form: split on anything but letters and digits, lower
//! case, English stemming ("ministers" → "minist", "meetings" → "meet").

use tantivy::tokenizer::{
    Language, LowerCaser, RemoveLongFilter, SimpleTokenizer, Stemmer, TextAnalyzer, TokenStream,
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
        .filter(LowerCaser)
        .filter(Stemmer::new(Language::English))
        .build()
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

/// Stems only.
pub fn stems(analyzer: &TextAnalyzer, text: &str) -> Vec<String> {
    tokens(analyzer, text).into_iter().map(|t| t.stem).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn question_and_corpus_words_meet() {
        let a = build();
        assert_eq!(
            stems(&a, "Ministers’ Meetings"),
            stems(&a, "minister meeting")
        );
        assert_eq!(stems(&a, "ASEAN-ROK 26th"), ["asean", "rok", "26th"]);
    }
}
