//! Turns a release copied from the ministry's web page into a corpus file.
//!
//! A copied page starts with the site's navigation ("바로가기 메뉴" …), the board name
//! ("Press Releases"), maybe "KOR", then the title, maybe "Date" + a date and "hit" + a
//! counter, then the release. We keep the release text verbatim and never guess a date:
//! what the page does not state must come from the caller.

use super::front_matter::{self, FrontMatter};
use super::{Date, is_numbered, split_paragraphs};

/// What the corpus keeper supplies on the command line; each field overrides what the
/// page states.
#[derive(Debug, Clone, Default)]
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
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ImportError {
    #[error("the page has no release text after its header")]
    NoBody,
    #[error(
        "cannot find the title: the copy has none after \"Press Releases\"; give it with --title"
    )]
    NoTitle,
    #[error(
        "cannot tell the event date: {0}; give it with --date YYYY-MM-DD (Attaché does not guess dates)"
    )]
    NoDate(String),
    #[error("the page copy has no link to the release; give it with --url")]
    NoUrl,
}

/// Navigation and board lines that come before the title on the ministry's pages.
fn is_header_line(line: &str) -> bool {
    let hangul = line.chars().any(|c| ('\u{ac00}'..='\u{d7a3}').contains(&c));
    hangul || matches!(line, "KOR" | "ENG" | "Press Releases" | "Press Release")
}

struct Page<'a> {
    title: Option<&'a str>,
    published: Option<Date>,
    body: String,
}

fn read_page(text: &str) -> Page<'_> {
    let lines: Vec<&str> = text.lines().collect();
    let mut i = 0;
    let skip_blank = |i: &mut usize| {
        while *i < lines.len() && lines[*i].trim().is_empty() {
            *i += 1;
        }
    };
    let mut saw_header = false;
    loop {
        skip_blank(&mut i);
        if i < lines.len() && is_header_line(lines[i].trim()) {
            saw_header = true;
            i += 1;
        } else {
            break;
        }
    }
    let mut title = None;
    if i < lines.len() && is_numbered(lines[i]) {
        // The copy starts with the release's first paragraph: there is no title line.
    } else if i < lines.len() && (saw_header || !lines[i].trim().is_empty()) {
        title = Some(lines[i].trim());
        i += 1;
    }
    let mut published = None;
    loop {
        skip_blank(&mut i);
        match lines.get(i).map(|l| l.trim()) {
            Some("Date") => {
                published = lines.get(i + 1).and_then(|d| d.trim().parse().ok());
                i += 2;
            }
            Some("hit") => i += 2,
            _ => break,
        }
    }
    let body = lines
        .get(i..)
        .unwrap_or_default()
        .join("\n")
        .trim()
        .to_string();
    Page {
        title,
        published,
        body,
    }
}

/// Builds a corpus file from a copied page and the keeper's options.
pub fn import_page(text: &str, opts: &ImportOptions) -> Result<Imported, ImportError> {
    let text = text.replace("\r\n", "\n");
    let page = read_page(&text);
    if split_paragraphs(&page.body).is_empty() {
        return Err(ImportError::NoBody);
    }
    let title = match (&opts.title, page.title) {
        (Some(t), _) => t.clone(),
        (None, Some(t)) => t.to_string(),
        (None, None) => return Err(ImportError::NoTitle),
    };
    let url = opts.url.clone().ok_or(ImportError::NoUrl)?;
    // A date given on the command line supplies the year the page may not state.
    let year_hint = opts.date.or(page.published);
    let stated = stated_dates(&page.body, year_hint);
    let date = match (opts.date, &stated) {
        (Some(d), _) => d,
        (None, Ok((d, _))) => *d,
        (None, Err(why)) => return Err(ImportError::NoDate(why.clone())),
    };
    let end_date = opts.end_date.or(stated.ok().and_then(|(_, end)| end));
    let meeting = opts
        .meeting
        .clone()
        .unwrap_or_else(|| find_meeting(&title, &page.body));
    let mut warnings = Vec::new();
    if opts.place.is_none() {
        warnings.push("no place given (add --place \"City, Country\")".to_string());
    }
    if meeting.is_empty() {
        warnings.push("no meeting found in the title or first paragraph (add --meeting)".into());
    }
    let front = FrontMatter {
        id: opts.id.clone().unwrap_or_else(|| slug(date, &title)),
        title,
        date,
        end_date,
        published: opts
            .published
            .clone()
            .or(page.published.map(|d| d.to_string())),
        place: opts.place.clone().unwrap_or_default(),
        meeting,
        url,
        lang: "en".to_string(),
    };
    Ok(Imported {
        front,
        body: page.body,
        warnings,
    })
}

/// The event date the first paragraph states ("On June 16", "from May 15 to 16"),
/// with its year taken from the text or, when the page shows one, the publication date.
fn stated_dates(body: &str, published: Option<Date>) -> Result<(Date, Option<Date>), String> {
    let first = split_paragraphs(body)
        .into_iter()
        .next()
        .map(|p| p.text)
        .unwrap_or_default();
    let Some(found) = crate::text::find_date(&first) else {
        return Err("the first paragraph states no date".to_string());
    };
    let year = match (found.year, published) {
        (Some(y), _) => y,
        (None, Some(p)) if found.month <= p.month => p.year,
        (None, Some(p)) => p.year - 1,
        (None, None) => return Err(format!("the page says \"{}\" but no year", found.phrase)),
    };
    let date = Date::new(year, found.month, found.day)
        .ok_or_else(|| format!("\"{}\" is not a real date in {year}", found.phrase))?;
    let end = found
        .end_day
        .and_then(|d| Date::new(year, found.end_month, d));
    Ok((date, end))
}

/// "26th ASEAN-ROK Dialogue" from the title or the first paragraph, if either names one.
fn find_meeting(title: &str, body: &str) -> String {
    let first = split_paragraphs(body)
        .into_iter()
        .next()
        .map(|p| p.text)
        .unwrap_or_default();
    crate::text::find_meeting(title)
        .or_else(|| crate::text::find_meeting(&first))
        .unwrap_or_default()
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

    #[test]
    fn strips_navigation_and_finds_title_and_dates() {
        let got = import_page(PAGE, &opts()).unwrap();
        assert_eq!(
            got.front.title,
            "Minister Park Meets ASEAN Secretary-General"
        );
        assert_eq!(got.front.date.to_string(), "2023-06-16");
        assert_eq!(got.front.published.as_deref(), Some("2023-06-20"));
        assert!(got.body.starts_with("1. On June 16"));
        assert!(!got.body.contains("hit") && !got.body.contains("6094"));
        assert!(got.body.contains("※ Dr. Kao"), "the body stays verbatim");
    }

    #[test]
    fn refuses_to_guess_a_year_the_page_does_not_state() {
        let page = "Press Releases\n\nOutcome of the 26th ASEAN-ROK Dialogue\n\n1. The Dialogue was held in Seoul on July 1.\n";
        let err = import_page(page, &opts()).unwrap_err();
        assert!(err.to_string().contains("--date"), "{err}");
        let with_date = ImportOptions {
            date: "2022-07-01".parse().ok(),
            ..opts()
        };
        let got = import_page(page, &with_date).unwrap();
        assert_eq!(got.front.meeting, "26th ASEAN-ROK Dialogue");
        assert_eq!(got.front.date.to_string(), "2022-07-01");
    }

    #[test]
    fn a_copy_without_title_needs_one() {
        let page = "1. The Ministry attended the 29th ASEAN-ROK Dialogue from May 15 to 16.\n";
        assert_eq!(
            import_page(page, &opts()).unwrap_err(),
            ImportError::NoTitle
        );
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
    fn needs_a_url_and_a_body() {
        let no_url = ImportOptions::default();
        assert_eq!(import_page(PAGE, &no_url).unwrap_err(), ImportError::NoUrl);
        let empty = "바로가기 메뉴\n\nPress Releases\n\nA title\n";
        assert_eq!(
            import_page(empty, &opts()).unwrap_err(),
            ImportError::NoBody
        );
    }

    #[test]
    fn the_written_file_loads_back() {
        let got = import_page(PAGE, &opts()).unwrap();
        let release = crate::corpus::Release::parse("x.md".as_ref(), &got.render()).unwrap();
        assert_eq!(release.paragraphs.len(), 2);
        assert_eq!(release.paragraphs[1].number, "1·1");
    }
}
