//! Operator-editable synonym groups (`config/synonyms.toml`): names that mean the same
//! thing ("ROK", "Republic of Korea", "Korea"). A question that uses one finds
//! paragraphs that use any other.

use std::collections::HashMap;
use std::path::Path;

use serde::Deserialize;
use tantivy::tokenizer::TextAnalyzer;

use super::analyzer;

/// A name as stems: "Republic of Korea" → ["republ", "of", "korea"].
pub type Phrase = Vec<String>;

#[derive(Debug, Clone, Default)]
pub struct Synonyms {
    /// Each group's phrases.
    groups: Vec<Vec<Phrase>>,
    /// First stem of a phrase → (group, phrase) pairs starting with it.
    by_first: HashMap<String, Vec<(usize, usize)>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    groups: Vec<Vec<String>>,
}

#[derive(Debug, thiserror::Error)]
pub enum SynonymError {
    #[error("{path}: cannot read: {error}")]
    Io { path: String, error: String },
    #[error("{path}: {error}")]
    Parse { path: String, error: String },
}

impl Synonyms {
    /// The groups shipped in `config/synonyms.toml`, compiled in for tests and for a
    /// corpus used without a config directory.
    pub fn builtin(analyzer: &TextAnalyzer) -> Synonyms {
        Synonyms::parse(include_str!("../../config/synonyms.toml"), analyzer).unwrap_or_default()
    }

    pub fn load(path: &Path, analyzer: &TextAnalyzer) -> Result<Synonyms, SynonymError> {
        let name = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| SynonymError::Io {
            path: name.clone(),
            error: e.to_string(),
        })?;
        Synonyms::parse(&text, analyzer).map_err(|error| SynonymError::Parse { path: name, error })
    }

    pub fn parse(text: &str, analyzer: &TextAnalyzer) -> Result<Synonyms, String> {
        let file: File = toml::from_str(text).map_err(|e| e.message().to_string())?;
        let mut synonyms = Synonyms::default();
        for names in file.groups {
            let phrases: Vec<Phrase> = names
                .iter()
                .map(|n| analyzer::stems(analyzer, n))
                .filter(|p| !p.is_empty())
                .collect();
            if phrases.len() < 2 {
                return Err(format!("a group needs two names or more: {names:?}"));
            }
            let group = synonyms.groups.len();
            for (i, phrase) in phrases.iter().enumerate() {
                synonyms
                    .by_first
                    .entry(phrase[0].clone())
                    .or_default()
                    .push((group, i));
            }
            synonyms.groups.push(phrases);
        }
        Ok(synonyms)
    }

    /// The longest synonym phrase that starts at `stems[0]`: its length in stems and
    /// all the phrases of its group.
    pub fn longest_at(&self, stems: &[String]) -> Option<(usize, &[Phrase])> {
        let first = stems.first()?;
        self.by_first
            .get(first)?
            .iter()
            .filter_map(|&(group, i)| {
                let phrase = &self.groups[group][i];
                stems.starts_with(phrase).then_some((phrase.len(), group))
            })
            .max_by_key(|&(len, group)| (len, std::cmp::Reverse(group)))
            .map(|(len, group)| (len, self.groups[group].as_slice()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stems(text: &str) -> Vec<String> {
        analyzer::stems(&analyzer::build(), text)
    }

    #[test]
    fn finds_the_longest_phrase_and_its_group() {
        let a = analyzer::build();
        let s = Synonyms::builtin(&a);
        let (len, group) = s.longest_at(&stems("North Korea's missiles")).unwrap();
        assert_eq!(len, 2);
        assert!(group.contains(&stems("DPRK")));
        let (len, group) = s.longest_at(&stems("Republic of Korea")).unwrap();
        assert_eq!(len, 3);
        assert!(group.contains(&stems("ROK")));
        assert!(s.longest_at(&stems("weather")).is_none());
    }

    #[test]
    fn a_bad_file_says_what_is_wrong() {
        let a = analyzer::build();
        assert!(
            Synonyms::parse("groups = [[\"only one\"]]", &a)
                .unwrap_err()
                .contains("two names")
        );
        assert!(Synonyms::parse("groups = 3", &a).is_err());
        assert!(Synonyms::parse("grops = []", &a).is_err());
    }
}
