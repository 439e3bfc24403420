//! Turns a release copied from a ministry's web page into a corpus file.
//!
//! [`page::read`](super::page::read) tells the page's furniture from the release; this
//! module finds the title, meeting and dates and builds the front matter. The release
//! text stays verbatim and a date is never guessed: what the page does not state must
//! come from the keeper, and the import says which rule gave the date it wrote.

use super::front_matter::{self, FrontMatter};
use super::page;
use super::stated::{self, Phrase};
use super::{Date, Paragraph, link, split_paragraphs};

/// What the corpus keeper supplies on the command line; each field overrides what the
/// page states.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ImportOptions {
    pub id: Option<String>,
    pub title: Option<String>,
    pub date: Option<Date>,
    pub end_date: Option<Date>,
    pub published: Option<String>,
    pub place: Option<String>,
    pub meeting: Option<String>,
    pub url: Option<String>,
}

/// A corpus file ready to be written.
#[derive(Debug, Clone)]
pub struct Imported {
    pub front: FrontMatter,
    pub body: String,
    /// How the event date was told ("event July 1 → 2022-07-01, from the posting
    /// date 2022-07-04").
    pub date_rule: String,
    /// Things the keeper may want to add (e.g. no place given).
    pub warnings: Vec<String>,
}

impl Imported {
    pub fn file_name(&self) -> String {
        format!("{}.md", self.front.id)
    }

    pub fn render(&self) -> String {
        front_matter::render(&self.front, &self.body)
    }

    pub fn paragraphs(&self) -> Vec<Paragraph> {
        split_paragraphs(&self.body)
    }
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ImportError {
    #[error("the page has no release text after its header")]
    NoBody,
    /// What the keeper must give: each is `Some` when missing.
    #[error("{}", missing_message(.url, .title, .date))]
    Missing {
        url: bool,
        title: bool,
        date: Option<String>,
    },
}

impl ImportError {
    /// The flags that would let the import go through (`--url`, `--title`, `--date`).
    pub fn flags_needed(&self) -> Vec<&'static str> {
        match self {
            ImportError::NoBody => Vec::new(),
            ImportError::Missing { url, title, date } => [
                (*url, "--url"),
                (*title, "--title"),
                (date.is_some(), "--date"),
            ]
            .into_iter()
            .filter_map(|(missing, flag)| missing.then_some(flag))
            .collect(),
        }
    }
}

fn missing_message(url: &bool, title: &bool, date: &Option<String>) -> String {
    let mut parts = Vec::new();
    if *url {
        parts.push("the page copy has no link to the release; give it with --url".to_string());
    }
    if *title {
        parts.push("cannot find the title: the copy has none; give it with --title".to_string());
    }
    if let Some(why) = date {
        parts.push(format!(
            "cannot tell the event date: {why}; give it with --date YYYY-MM-DD (Attaché does not guess dates)"
        ));
    }
    parts.join("; ")
}

/// Builds a corpus file from a copied page and the keeper's options.
pub fn import_page(text: &str, opts: &ImportOptions) -> Result<Imported, ImportError> {
    let text = text.replace("\r\n", "\n");
    let page = page::read(&text);
    let paragraphs = split_paragraphs(&page.body);
    let Some(first) = first_paragraph(&paragraphs) else {
        return Err(ImportError::NoBody);
    };
    let url = opts.url.clone().or(page.url.clone());
    let title = opts.title.clone().or(page.title.clone());
    let dates = event_dates(&first.text, page.posted, opts.date);
    let (Some(url), Some(title), Ok((date, end_date, date_rule))) = (&url, &title, &dates) else {
        return Err(ImportError::Missing {
            url: url.is_none(),
            title: title.is_none(),
            date: dates.err(),
        });
    };
    let meeting = opts
        .meeting
        .clone()
        .unwrap_or_else(|| find_meeting(title, &first.text));
    let front = FrontMatter {
        id: opts.id.clone().unwrap_or_else(|| slug(*date, title)),
        title: title.clone(),
        subtitle: page.subtitle.clone(),
        date: *date,
        end_date: opts.end_date.or(*end_date),
        published: opts
            .published
            .clone()
            .or(page.posted.map(|d| d.to_string())),
        place: opts.place.clone().unwrap_or_default(),
        meeting,
        url: link::canonical(url),
        lang: "en".to_string(),
    };
    let warnings = warnings(&front, &paragraphs);
    Ok(Imported {
        front,
        body: page.body,
        date_rule: date_rule.clone(),
        warnings,
    })
}

/// "26th ASEAN-ROK Dialogue" from the title or the first paragraph, if either names
/// one; an acronym in brackets inside the name is left out ("10th East Asia Summit
/// (EAS) Foreign Ministers’ Meeting" names the "10th East Asia Summit Foreign
/// Ministers’ Meeting").
fn find_meeting(title: &str, first: &str) -> String {
    let find = |text: &str| crate::text::find_meeting(&without_acronyms(text));
    find(title).or_else(|| find(first)).unwrap_or_default()
}

/// The text without " (EAS)", " (ARF)", " (ASEAN+3)" and the like.
fn without_acronyms(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find(" (") {
        let after = &rest[open + 2..];
        let close = after.find(')');
        let acronym = close.filter(|&c| {
            c > 1
                && after[..c]
                    .chars()
                    .all(|ch| ch.is_ascii_uppercase() || ch.is_ascii_digit() || ch == '+')
        });
        match acronym {
            Some(c) => {
                out.push_str(&rest[..open]);
                rest = &after[c + 1..];
            }
            None => {
                out.push_str(&rest[..open + 2]);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The release's first paragraph: the first one that is not a subtitle line (`0·1`).
fn first_paragraph(paragraphs: &[Paragraph]) -> Option<&Paragraph> {
    paragraphs
        .iter()
        .find(|p| !p.number.starts_with('0'))
        .or(paragraphs.first())
}

fn warnings(front: &FrontMatter, paragraphs: &[Paragraph]) -> Vec<String> {
    let mut out = Vec::new();
    if front.place.is_empty() {
        out.push("no place given (add --place \"City, Country\")".to_string());
    }
    if front.meeting.is_empty() {
        out.push("no meeting found in the title or first paragraph (add --meeting)".into());
    }
    if let Some(last) = paragraphs.last().filter(|p| super::looks_cut(&p.text)) {
        out.push(format!(
            "¶{} looks cut (it ends “…{}”): is the copy complete?",
            last.number,
            super::tail(&last.text, 24)
        ));
    }
    out
}

/// The event date, its end, and the rule that told them; or why they cannot be told.
fn event_dates(
    first: &str,
    posted: Option<Date>,
    given: Option<Date>,
) -> Result<(Date, Option<Date>, String), String> {
    let phrases = stated::phrases(first);
    if let Some(date) = given {
        let end = phrases
            .iter()
            .filter(|p| (p.month, p.day) == (date.month, date.day))
            .find_map(|p| p.dates_in(date.year).and_then(|(_, end)| end));
        return Ok((date, end, format!("event {date}, from --date")));
    }
    let Some(first_phrase) = phrases.first() else {
        return Err("the first paragraph states no date".to_string());
    };
    match posted {
        Some(posted) => dated_by_posting(&phrases, posted),
        None => {
            let year = first_phrase.year.ok_or_else(|| {
                format!(
                    "the page says \"{}\" but no year and no posting date",
                    first_phrase.text
                )
            })?;
            with_year(first_phrase, year, "as stated".to_string())
        }
    }
}

/// The latest event the paragraph dates on or before the posting date, each phrase
/// taking its own year or the one that puts it at most 60 days before the posting.
fn dated_by_posting(
    phrases: &[Phrase],
    posted: Date,
) -> Result<(Date, Option<Date>, String), String> {
    let resolved: Vec<(&Phrase, u16, bool)> = phrases
        .iter()
        .filter_map(|p| match p.year {
            Some(y) => Some((p, y, true)),
            None => stated::year_from_posting(p, posted).map(|y| (p, y, false)),
        })
        .collect();
    let on_or_before = resolved
        .iter()
        .filter(|(p, y, _)| p.dates_in(*y).is_some_and(|(d, _)| d <= posted))
        .max_by_key(|(p, y, _)| p.dates_in(*y).map(|(d, _)| d));
    let Some(&(phrase, year, own_year)) = on_or_before.or(resolved.first()) else {
        return Err(format!(
            "the page says \"{}\" but no year, and its posting date {posted} is not on that day or within {} days after it",
            phrases.first().map_or("", |p| p.text.as_str()),
            stated::POSTED_WITHIN_DAYS
        ));
    };
    let rule = if own_year {
        "as stated".to_string()
    } else {
        format!("from the posting date {posted}")
    };
    with_year(phrase, year, rule)
}

fn with_year(
    phrase: &Phrase,
    year: u16,
    rule: String,
) -> Result<(Date, Option<Date>, String), String> {
    let (date, end) = phrase
        .dates_in(year)
        .ok_or_else(|| format!("\"{}\" is not a real date in {year}", phrase.text))?;
    let shown = match end {
        Some(end) => format!("{date} to {end}"),
        None => date.to_string(),
    };
    Ok((
        date,
        end,
        format!("event {} → {shown}, {rule}", phrase.text),
    ))
}

/// A file-name-safe id: the date and the first words of the title.
fn slug(date: Date, title: &str) -> String {
    let words: Vec<String> = title
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(8)
        .map(str::to_ascii_lowercase)
        .collect();
    format!("{date}-{}", words.join("-"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = "바로가기 메뉴\n본문 바로가기\nKOR\n\nPress Releases\n\nMinister Park Meets ASEAN Secretary-General\n\nDate\n2023-06-20\nhit\n6094\n\n1. On June 16, Minister Park held a luncheon.\u{a0}\n\n\n※ Dr. Kao visited Korea on June 15-18.\n";

    fn opts() -> ImportOptions {
        ImportOptions {
            url: Some("https://example.org/1".into()),
            ..ImportOptions::default()
        }
    }

    fn missing(date: bool, title: bool) -> impl Fn(&ImportError) -> bool {
        move |e| {
            matches!(e, ImportError::Missing { url: false, title: t, date: d }
                if *t == title && d.is_some() == date)
        }
    }

    #[test]
    fn strips_navigation_and_finds_title_and_dates() {
        let got = import_page(PAGE, &opts()).unwrap();
        assert_eq!(
            got.front.title,
            "Minister Park Meets ASEAN Secretary-General"
        );
        assert_eq!(got.front.date.to_string(), "2023-06-16");
        assert_eq!(got.front.published.as_deref(), Some("2023-06-20"));
        assert_eq!(
            got.date_rule,
            "event June 16 → 2023-06-16, from the posting date 2023-06-20"
        );
        assert!(got.body.starts_with("1. On June 16"));
        assert!(!got.body.contains("hit") && !got.body.contains("6094"));
        assert!(got.body.contains("※ Dr. Kao"), "the body stays verbatim");
    }

    #[test]
    fn refuses_to_guess_a_year_the_page_does_not_state() {
        let page = "Press Releases\n\nOutcome of the 26th ASEAN-ROK Dialogue\n\n1. The Dialogue was held in Seoul on July 1.\n";
        let err = import_page(page, &opts()).unwrap_err();
        assert!(err.to_string().contains("--date"), "{err}");
        assert_eq!(err.flags_needed(), ["--date"]);
        let with_date = ImportOptions {
            date: "2022-07-01".parse().ok(),
            ..opts()
        };
        let got = import_page(page, &with_date).unwrap();
        assert_eq!(got.front.meeting, "26th ASEAN-ROK Dialogue");
        assert_eq!(got.front.date.to_string(), "2022-07-01");
    }

    #[test]
    fn a_posting_date_long_after_the_event_tells_nothing() {
        let page = "A Title\n\nDate\n2021-03-01\n\n1. The Meeting was held on September 9.\n";
        let err = import_page(page, &opts()).unwrap_err();
        assert!(missing(true, false)(&err), "{err:?}");
        assert!(err.to_string().contains("posting date 2021-03-01"), "{err}");
    }

    #[test]
    fn the_latest_event_on_or_before_the_posting_date_is_the_event() {
        let page = "A Title\n\nDate\n2019-12-10\n\n1. A briefing on the Summit held on November 25-27 took place on December 10.\n";
        let got = import_page(page, &opts()).unwrap();
        assert_eq!(got.front.date.to_string(), "2019-12-10");
        assert_eq!(got.front.end_date, None);
    }

    #[test]
    fn a_copy_without_title_needs_one() {
        let page = "1. The Ministry attended the 29th ASEAN-ROK Dialogue from May 15 to 16.\n";
        let err = import_page(page, &opts()).unwrap_err();
        assert!(missing(true, true)(&err), "{err:?}");
        assert_eq!(err.flags_needed(), ["--title", "--date"]);
        let with = ImportOptions {
            title: Some("29th ASEAN-ROK Dialogue".into()),
            date: "2025-05-15".parse().ok(),
            ..opts()
        };
        let got = import_page(page, &with).unwrap();
        assert_eq!(
            got.front.end_date.map(|d| d.to_string()).as_deref(),
            Some("2025-05-16")
        );
    }

    #[test]
    fn a_subtitle_is_kept_and_the_date_is_read_from_paragraph_one() {
        let page = "- He spoke of the Vision 2045 -\n1. The Deputy Minister attended the Meetings held in Penang from Tuesday, June 10 to Wednesday, June 11.\n";
        let with = ImportOptions {
            title: Some("Senior Officials’ Meetings".into()),
            date: "2025-06-10".parse().ok(),
            ..opts()
        };
        let got = import_page(page, &with).unwrap();
        assert_eq!(
            got.front.subtitle.as_deref(),
            Some("He spoke of the Vision 2045")
        );
        assert_eq!(
            got.front.end_date.map(|d| d.to_string()).as_deref(),
            Some("2025-06-11")
        );
        assert!(got.body.starts_with("- He spoke"), "verbatim: {}", got.body);
        assert_eq!(got.paragraphs()[1].number, "1");
    }

    #[test]
    fn an_acronym_in_brackets_does_not_cut_the_meeting_short() {
        let title = "Outcome of 10th East Asia Summit (EAS) Foreign Ministers’ Meeting";
        assert_eq!(
            find_meeting(title, ""),
            "10th East Asia Summit Foreign Ministers’ Meeting"
        );
        assert_eq!(
            without_acronyms("the Forum (ARF) (the first) (x"),
            "the Forum (the first) (x"
        );
    }

    #[test]
    fn needs_a_url_and_a_body() {
        let err = import_page(PAGE, &ImportOptions::default()).unwrap_err();
        assert_eq!(err.flags_needed(), ["--url"]);
        let empty = "바로가기 메뉴\n\nPress Releases\n\nA title\n";
        assert_eq!(
            import_page(empty, &opts()).unwrap_err(),
            ImportError::NoBody
        );
        let own =
            format!("URL: http://mofa.go.kr/eng/brd/m_5676/view.do?seq=1&amp;page=2\n\n{PAGE}");
        let got = import_page(&own, &ImportOptions::default()).unwrap();
        assert_eq!(
            got.front.url,
            "https://www.mofa.go.kr/eng/brd/m_5676/view.do?seq=1"
        );
    }

    #[test]
    fn a_cut_copy_imports_with_a_warning() {
        let page = format!("{PAGE}\n2. The two sides discussed the reshu");
        let got = import_page(&page, &opts()).unwrap();
        assert!(
            got.warnings.iter().any(|w| w.contains("looks cut")),
            "{:?}",
            got.warnings
        );
        let whole = import_page(PAGE, &opts()).unwrap();
        assert!(!whole.warnings.iter().any(|w| w.contains("looks cut")));
    }

    #[test]
    fn the_written_file_loads_back() {
        let got = import_page(PAGE, &opts()).unwrap();
        let release = crate::corpus::Release::parse("x.md".as_ref(), &got.render()).unwrap();
        assert_eq!(release.paragraphs.len(), 2);
        assert_eq!(release.paragraphs[1].number, "1·1");
    }
}
