//! Reads a page copied from a ministry's site: the page's furniture (navigation, board
//! names, `상세보기`, date and hit lines, a repeated or shortened title, share and print
//! lines) is told apart from the release, whose lines are kept verbatim and in order.
//!
//! The layouts seen over the years (see `../shared/archive/README.md`):
//! - current: `바로가기 메뉴 … 검색창 열기`, maybe `KOR`, the board (`Press Releases`,
//!   `Ministry News`), the title, maybe `Date` / `2024-04-04` / `hit` / `5718`;
//! - older: `Skip navigation`, `Countries Information`, a numbered menu, `… 상세보기`,
//!   the title, `• Date : 2020-09-11 10:55:37`, `• Hit : 1059`, the title again;
//! - no furniture: the text starts at `1.` or at a `- subtitle -` line;
//! - the defence ministry's board: `News Zone`, `Press Release`, a shortened title
//!   ending in `...`, then the full title.

use super::{Date, is_numbered};

/// What a copied page states besides its release text.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Page {
    /// A `URL: …` line the keeper put above the copy.
    pub url: Option<String>,
    pub title: Option<String>,
    /// The posting date the page shows (`Date 2023-06-20`, `• Date : 2020-09-11 …`).
    pub posted: Option<Date>,
    /// The lines before the first numbered paragraph (`- He spoke of … -`), markers off.
    pub subtitle: Option<String>,
    /// The release, verbatim: from its first line to its last.
    pub body: String,
}

/// Board names and navigation lines that appear on their own line.
const BOARD_LINES: &[&str] = &[
    "KOR",
    "ENG",
    "Press Releases",
    "Press Release",
    "Ministry News",
    "News Zone",
    "Skip navigation",
    "Countries Information",
    "Speeches & Interviews",
    "Press Briefings",
];

/// Lines after the release that belong to the page: sharing, printing, the list.
const TAIL_WORDS: &[&str] = &[
    "share",
    "print",
    "list",
    "facebook",
    "twitter",
    "screen size",
    "font size",
    "url copy",
    "copy url",
    "next",
    "prev",
    "previous",
    "top",
];

/// Bullet markers a release line may start with (the body's paragraph markers).
const MARKERS: &[char] = &[
    'о', 'o', 'ㅇ', '°', '˚', '○', '◦', '-', '–', '*', '※', '•', '▲', '△', '▪', '■', '□',
];

fn trim(s: &str) -> &str {
    s.trim_matches(|c: char| c.is_whitespace() || c == '\u{a0}' || c == '\u{feff}')
}

fn has_hangul(line: &str) -> bool {
    line.chars().any(|c| ('\u{ac00}'..='\u{d7a3}').contains(&c))
}

/// `1. HOME`, `2. Press`: the older layout's menu, short and without a sentence.
fn is_menu_item(line: &str) -> bool {
    is_numbered(line) && line.split_whitespace().count() <= 4 && !line.ends_with('.')
}

/// A breadcrumb: `HOME > Press > Ministry News`.
fn is_breadcrumb(line: &str) -> bool {
    line.to_lowercase().starts_with("home") && (line.contains('>') || line.contains('›'))
}

/// A share, print or screen-size line (`Share`, `Print`, `Font size + -`): one of
/// the words and no other.
fn is_page_tool(line: &str) -> bool {
    let lower = line.to_lowercase();
    TAIL_WORDS.iter().any(|w| {
        lower
            .strip_prefix(w)
            .is_some_and(|rest| !rest.chars().any(char::is_alphabetic))
    })
}

/// Page furniture that may stand anywhere around the release's header.
fn is_furniture(line: &str) -> bool {
    line.is_empty()
        || has_hangul(line)
        || BOARD_LINES.contains(&line)
        || is_breadcrumb(line)
        || is_page_tool(line)
}

/// Navigation and board lines before the title.
fn is_header(line: &str) -> bool {
    is_furniture(line) || is_menu_item(line)
}

/// A line that starts with a bullet marker and a space (`- He spoke …`, `※ ARF …`).
fn starts_with_marker(line: &str) -> bool {
    let mut chars = line.chars();
    let first = chars.next().is_some_and(|c| MARKERS.contains(&c));
    first
        && chars
            .next()
            .is_some_and(|c| c.is_whitespace() || c == '\u{a0}')
}

/// A title cut short by the board (`… senior...`).
fn is_shortened(line: &str) -> bool {
    line.ends_with("...") || line.ends_with('…')
}

/// Whether the release has begun at this line: a numbered paragraph, a bulleted or
/// subtitle line, or a sentence (titles do not end with a full stop).
fn starts_release(line: &str) -> bool {
    let sentence = line.ends_with(['.', '!', '?']) && !is_shortened(line);
    let dashed = line.starts_with(['-', '–']) && line.ends_with(['-', '–']) && line.len() > 2;
    is_numbered(line) || starts_with_marker(line) || dashed || (sentence && line.contains(' '))
}

/// The value of a `Date` or `Hit` line: `Some("")` when it is on the next line,
/// `Some("2020-09-11 10:55:37")` when on the same one.
fn labelled<'a>(line: &'a str, label: &str) -> Option<&'a str> {
    let bare = line
        .trim_start_matches(['•', '·', 'ㆍ', '▪', '○', '-', '*'])
        .trim_start();
    let head = bare.get(..label.len())?;
    if !head.eq_ignore_ascii_case(label) {
        return None;
    }
    let rest = bare[label.len()..].trim_start();
    match rest.strip_prefix(':') {
        Some(value) => Some(value.trim()),
        None if rest.is_empty() => Some(""),
        // `Date 2020-08-27` on one line.
        None if rest.starts_with(|c: char| c.is_ascii_digit()) => Some(rest),
        None => None,
    }
}

/// `2020-09-11`, `2020.09.11` or `2020/09/11`, maybe followed by a time.
fn parse_posted(value: &str) -> Option<Date> {
    let day = value.get(..10)?.replace(['.', '/'], "-");
    day.parse().ok()
}

/// Reads a copied page. Never fails: what it cannot find stays `None`.
pub fn read(text: &str) -> Page {
    let lines: Vec<&str> = text.lines().collect();
    let mut page = Page::default();
    let mut i = 0;
    while i < lines.len() && trim(lines[i]).is_empty() {
        i += 1;
    }
    let url = lines.get(i).and_then(|l| labelled(trim(l), "URL"));
    if let Some(url) = url.filter(|u| !u.is_empty()) {
        page.url = Some(url.to_string());
        i += 1;
    }
    while i < lines.len() && is_header(trim(lines[i])) {
        i += 1;
    }
    let start = read_title_zone(&lines, i, &mut page);
    let end = tail_start(&lines, start);
    let body_lines = lines.get(start..end).unwrap_or_default();
    page.body = body_lines.join("\n").trim_matches('\n').to_string();
    page.subtitle = subtitle(body_lines);
    page
}

/// Reads the title, date and hit lines between the header and the release; returns
/// the index of the release's first line.
fn read_title_zone(lines: &[&str], mut i: usize, page: &mut Page) -> usize {
    let mut titles: Vec<&str> = Vec::new();
    let mut after_date = false;
    while let Some(raw) = lines.get(i) {
        let line = trim(raw);
        if let Some(value) = labelled(line, "Date") {
            let (value, used) = value_of(lines, i, value);
            page.posted = page.posted.or_else(|| parse_posted(value));
            after_date = true;
            i += used;
            continue;
        }
        if let Some(value) = labelled(line, "Hit") {
            i += value_of(lines, i, value).1;
            continue;
        }
        let furniture = is_furniture(line);
        let repeated = titles.iter().any(|t| same_title(t, line));
        if furniture || repeated || is_shortened(line) {
            i += 1;
            continue;
        }
        // After the date lines, a line unlike the title or one that goes on on the
        // next line (a hard-wrapped sentence): the release has begun.
        let unlike = titles.last().is_some_and(|t| !like_title(t, line));
        let wrapped = lines
            .get(i + 1)
            .is_some_and(|next| trim(next).starts_with(char::is_lowercase));
        if starts_release(line) || after_date || unlike || wrapped {
            break;
        }
        titles.push(line);
        i += 1;
    }
    page.title = titles.last().map(|t| t.to_string());
    i
}

/// A label's value and how many lines it took (`Date` / `2020-08-27` is two).
fn value_of<'a>(lines: &[&'a str], i: usize, same_line: &'a str) -> (&'a str, usize) {
    if !same_line.is_empty() {
        return (same_line, 1);
    }
    let next = lines.get(i + 1).map(|l| trim(l)).unwrap_or_default();
    let is_value = next.starts_with(|c: char| c.is_ascii_digit());
    if is_value { (next, 2) } else { ("", 1) }
}

/// Whether a line restates the title (the board's short form, then the full one:
/// "FM Discusses …" and "Foreign Minister Discusses …"): most of the shorter one's
/// words are in the other.
fn like_title(a: &str, b: &str) -> bool {
    let words = |s: &str| -> Vec<String> {
        s.split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_lowercase)
            .collect()
    };
    let (a, b) = (words(a), words(b));
    let (short, long) = if a.len() <= b.len() {
        (&a, &b)
    } else {
        (&b, &a)
    };
    let shared = short.iter().filter(|w| long.contains(w)).count();
    !short.is_empty() && shared * 10 >= short.len() * 6
}

fn same_title(a: &str, b: &str) -> bool {
    let fold = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    fold(a) == fold(b)
}

/// Where the page's trailing furniture starts (share, print, list lines, Korean lines).
fn tail_start(lines: &[&str], start: usize) -> usize {
    let mut end = lines.len();
    while end > start {
        let line = trim(lines[end - 1]);
        if line.is_empty() || has_hangul(line) || is_page_tool(line) {
            end -= 1;
        } else {
            break;
        }
    }
    end
}

/// The lines above the first numbered paragraph, or the leading dash lines of a
/// release without numbers, joined, without their markers.
fn subtitle(body: &[&str]) -> Option<String> {
    let numbered = body.iter().position(|l| is_numbered(l));
    let lead: Vec<&str> = match numbered {
        Some(n) => body[..n].iter().map(|l| trim(l)).collect(),
        None => body
            .iter()
            .map(|l| trim(l))
            .take_while(|l| l.is_empty() || l.starts_with(['-', '–']))
            .collect(),
    };
    let parts: Vec<&str> = lead
        .into_iter()
        .map(|l| trim(l.trim_matches(['-', '–'])))
        .filter(|l| !l.is_empty())
        .collect();
    (!parts.is_empty()).then(|| parts.join("\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_current_layout() {
        let page = read(
            "바로가기 메뉴\n검색창 열기\nKOR\n\nPress Releases\n\nOutcome of X Meeting\n\nDate\n2020-08-27\nhit\n15506\n\n1. On August 26, the Meeting was held.\n\n \n\no It was good.\n",
        );
        assert_eq!(page.title.as_deref(), Some("Outcome of X Meeting"));
        assert_eq!(
            page.posted.map(|d| d.to_string()).as_deref(),
            Some("2020-08-27")
        );
        assert_eq!(
            page.body,
            "1. On August 26, the Meeting was held.\n\n \n\no It was good."
        );
        assert_eq!(page.subtitle, None);
    }

    #[test]
    fn date_and_hit_lines_in_other_spellings() {
        for lines in [
            "Date 2021.08.25\nHit 12",
            "Date : 2021/08/25 10:00\nhit : 12",
            "ㆍDate : 2021-08-25\nㆍHit : 12",
        ] {
            let page = read(&format!("A Title\n\n{lines}\n\n1. Text on August 24.\n"));
            assert_eq!(
                page.posted.map(|d| d.to_string()).as_deref(),
                Some("2021-08-25"),
                "{lines}"
            );
            assert_eq!(page.body, "1. Text on August 24.", "{lines}");
        }
    }

    #[test]
    fn the_older_layout() {
        let page = read(
            "Skip navigation\n\nCountries Information\n\n  1. HOME\n  2. Press\n  3. Ministry News\nMinistry News\nMinistry News 상세보기\n\nROK-Viet Nam Meeting\n\n  • Date : 2020-09-22 13:26:07\n  • Hit : 1690\n\nROK-Viet Nam Meeting\n\n1. Minister Kang met on September 18.\n",
        );
        assert_eq!(page.title.as_deref(), Some("ROK-Viet Nam Meeting"));
        assert_eq!(
            page.posted.map(|d| d.to_string()).as_deref(),
            Some("2020-09-22")
        );
        assert_eq!(page.body, "1. Minister Kang met on September 18.");
    }

    #[test]
    fn a_board_title_then_the_full_title() {
        let page = read(
            "News Zone\n\nPress Release\n\nOutcomes of first ROK-Indonesia senior...\n\nOutcomes of first ROK-Indonesia senior officials’ meeting\n\n- Meeting provides momentum\n\nThe meeting took place on Tuesday, August 24.\n",
        );
        assert_eq!(
            page.title.as_deref(),
            Some("Outcomes of first ROK-Indonesia senior officials’ meeting")
        );
        assert!(page.body.starts_with("- Meeting provides momentum"));
        assert_eq!(page.subtitle.as_deref(), Some("Meeting provides momentum"));
    }

    #[test]
    fn no_furniture_and_a_subtitle() {
        let page = read(
            "url : https://www.mofa.go.kr/x\n\n- He spoke of the Vision 2045 -\n1. The Deputy Minister attended from June 10 to June 11.\n",
        );
        assert_eq!(page.url.as_deref(), Some("https://www.mofa.go.kr/x"));
        assert_eq!(page.title, None);
        assert_eq!(
            page.subtitle.as_deref(),
            Some("He spoke of the Vision 2045")
        );
        assert!(page.body.starts_with("- He spoke"));
    }

    #[test]
    fn a_release_line_unlike_the_title_is_not_taken_for_one() {
        let page = read(
            "Press Releases\n\nMinisters Meet in Jakarta\n\nThe two Ministers met in Jakarta on May 3 and\ndiscussed trade.\n",
        );
        assert_eq!(page.title.as_deref(), Some("Ministers Meet in Jakarta"));
        assert!(
            page.body.starts_with("The two Ministers met"),
            "{}",
            page.body
        );
        let page = read("A Title\n\n-He spoke of the Vision-\n1. Text.\n");
        assert_eq!(page.title.as_deref(), Some("A Title"));
        assert_eq!(page.subtitle.as_deref(), Some("He spoke of the Vision"));
    }

    #[test]
    fn breadcrumbs_and_tools_around_the_title_are_furniture() {
        let page = read(
            "HOME > Press > Ministry News\nMinistry News\nShare\nPrint\n\nA Meeting Held\n\n1. Text.\n",
        );
        assert_eq!(page.title.as_deref(), Some("A Meeting Held"));
        assert_eq!(page.body, "1. Text.");
        let page = read("Top Diplomats Meet\n\n1. Text.\n\nList\n");
        assert_eq!(page.title.as_deref(), Some("Top Diplomats Meet"));
        assert_eq!(page.body, "1. Text.");
    }

    #[test]
    fn share_and_print_lines_after_the_release_are_dropped() {
        let page = read("A Title\n\n1. The text.\n\nShare\nPrint\n목록\n");
        assert_eq!(page.body, "1. The text.");
    }
}
