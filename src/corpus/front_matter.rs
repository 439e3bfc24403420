//! TOML front matter between `+++` lines, as Zola and Hugo write it.

use serde::{Deserialize, Serialize};

use super::{Date, ErrorKind};

/// The front matter as written in a corpus file. Dates are strings so that a bad one
/// gets a message naming the field rather than a TOML type error.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FrontMatter {
    pub id: String,
    pub title: String,
    /// The line(s) under the title on the page, markers off (older files have none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subtitle: Option<String>,
    #[serde(with = "date_str")]
    pub date: Date,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "opt_date_str"
    )]
    pub end_date: Option<Date>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published: Option<String>,
    #[serde(default)]
    pub place: String,
    #[serde(default)]
    pub meeting: String,
    #[serde(default)]
    pub url: String,
    #[serde(default = "english")]
    pub lang: String,
}

fn english() -> String {
    "en".to_string()
}

impl Default for Date {
    fn default() -> Date {
        Date {
            year: 1970,
            month: 1,
            day: 1,
        }
    }
}

/// Splits a corpus file into its front matter and body.
pub fn split(text: &str) -> Result<(FrontMatter, &str), ErrorKind> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let rest = text
        .strip_prefix("+++")
        .and_then(|r| r.strip_prefix('\n').or_else(|| r.strip_prefix("\r\n")))
        .ok_or(ErrorKind::NoFrontMatter)?;
    let (toml_text, body) = find_closing(rest).ok_or(ErrorKind::UnclosedFrontMatter)?;
    let front = parse(toml_text)?;
    Ok((front, body))
}

fn find_closing(rest: &str) -> Option<(&str, &str)> {
    let mut offset = 0;
    for line in rest.split_inclusive('\n') {
        if line.trim_end() == "+++" {
            return Some((&rest[..offset], &rest[offset + line.len()..]));
        }
        offset += line.len();
    }
    None
}

fn parse(toml_text: &str) -> Result<FrontMatter, ErrorKind> {
    let table: toml::Table =
        toml::from_str(toml_text).map_err(|e| ErrorKind::BadFrontMatter(one_line(&e)))?;
    for field in ["id", "title", "date"] {
        match table.get(field) {
            None => return Err(ErrorKind::MissingField(field)),
            Some(toml::Value::String(s)) if s.trim().is_empty() => {
                return Err(ErrorKind::MissingField(field));
            }
            _ => {}
        }
    }
    for field in ["date", "end_date"] {
        if let Some(value) = table.get(field) {
            let text = match value {
                toml::Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            if let Err(e) = text.parse::<Date>() {
                return Err(ErrorKind::BadField(field_name(field), e.to_string()));
            }
        }
    }
    toml::Value::Table(table)
        .try_into()
        .map_err(|e: toml::de::Error| ErrorKind::BadFrontMatter(one_line(&e)))
}

fn field_name(field: &str) -> &'static str {
    if field == "date" { "date" } else { "end_date" }
}

fn one_line(e: &impl std::fmt::Display) -> String {
    e.to_string()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Dates are written as TOML strings or bare TOML dates; both mean the same.
mod date_str {
    use super::Date;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(d: &Date, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(d)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Date, D::Error> {
        let value = toml::Value::deserialize(d)?;
        let text = match value {
            toml::Value::String(s) => s,
            other => other.to_string(),
        };
        text.parse().map_err(serde::de::Error::custom)
    }
}

mod opt_date_str {
    use super::Date;
    use serde::{Deserializer, Serializer};

    pub fn serialize<S: Serializer>(d: &Option<Date>, s: S) -> Result<S::Ok, S::Error> {
        match d {
            Some(d) => s.collect_str(d),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Date>, D::Error> {
        super::date_str::deserialize(d).map(Some)
    }
}

/// Writes front matter and body as a corpus file.
pub fn render(front: &FrontMatter, body: &str) -> String {
    let toml_text = toml::to_string(front).unwrap_or_default();
    format!("+++\n{toml_text}+++\n\n{}\n", body.trim_end())
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = "+++\nid = \"x\"\ntitle = \"T\"\ndate = \"2022-07-01\"\nurl = \"https://e\"\n+++\n\n1. Body.\n";

    #[test]
    fn splits_front_matter_and_body() {
        let (front, body) = split(GOOD).unwrap();
        assert_eq!(front.id, "x");
        assert_eq!(front.date.to_string(), "2022-07-01");
        assert_eq!(front.lang, "en");
        assert_eq!(body.trim(), "1. Body.");
    }

    #[test]
    fn a_subtitle_is_read_and_files_without_one_still_load() {
        assert_eq!(split(GOOD).unwrap().0.subtitle, None);
        let text = GOOD.replace(
            "date =",
            "subtitle = \"He spoke of the Vision 2045\"\ndate =",
        );
        let (front, _) = split(&text).unwrap();
        assert_eq!(
            front.subtitle.as_deref(),
            Some("He spoke of the Vision 2045")
        );
        assert!(render(&front, "1. Body.").contains("subtitle = "));
    }

    #[test]
    fn bare_toml_dates_are_accepted() {
        let text = GOOD.replace("\"2022-07-01\"", "2022-07-01");
        assert_eq!(split(&text).unwrap().0.date.to_string(), "2022-07-01");
    }

    #[test]
    fn each_problem_has_its_own_message() {
        let cases = [
            ("1. no front matter", "no front matter"),
            ("+++\nid = \"x\"\n", "not closed"),
            ("+++\nid = \n+++\nbody", "bad front matter"),
            (
                "+++\nid = \"x\"\ndate = \"2022-07-01\"\n+++\nbody",
                "lacks `title`",
            ),
            ("+++\nid = \"x\"\ntitle = \"T\"\n+++\nbody", "lacks `date`"),
            (
                "+++\nid = \"x\"\ntitle = \"T\"\ndate = \"July 1\"\n+++\nb",
                "bad `date`",
            ),
            (
                "+++\nid = \"x\"\ntitle = \"T\"\ndate = \"2022-07-01\"\ncolour = 1\n+++\nb",
                "colour",
            ),
        ];
        for (text, expected) in cases {
            let err = split(text).unwrap_err().to_string();
            assert!(
                err.contains(expected),
                "{text:?}: got {err:?}, expected {expected:?}"
            );
        }
    }

    #[test]
    fn render_then_split_round_trips() {
        let (front, body) = split(GOOD).unwrap();
        let again = render(&front, body);
        let (front2, body2) = split(&again).unwrap();
        assert_eq!(front, front2);
        assert_eq!(body.trim(), body2.trim());
    }
}
