//! Links as corpus keepers copy them (`http://`, no `www.`, `&amp;`, `&nbsp`, search
//! and paging parameters) made canonical, so one release has one link:
//! `https://www.mofa.go.kr/eng/brd/m_5676/view.do?seq=322219`, with its board kept.

use url::Url;

/// Query parameters that only say how the keeper reached the page.
const NAVIGATION_PARAMS: &[&str] = &[
    "page",
    "search",
    "column",
    "categoryId",
    "categoryDepth",
    "parent",
    "titleNm",
    "multi_itm_seq",
    "company_cd",
    "company_nm",
];

/// Undoes what copying from HTML or an address bar leaves in a link: `&amp;`,
/// `&nbsp`, spaces, no scheme (`www.mofa.go.kr/…`).
fn unescape(raw: &str) -> String {
    let text = raw
        .trim()
        .replace("&amp;", "&")
        .replace("&nbsp;", " ")
        .replace("&nbsp", " ");
    let bare_host = text.starts_with("www.") || text.starts_with("mofa.go.kr");
    if bare_host {
        format!("https://{text}")
    } else {
        text
    }
}

fn is_navigation(key: &str) -> bool {
    NAVIGATION_PARAMS.contains(&key) || key.starts_with("srch") || key.starts_with("itm_seq")
}

/// The ministry's board (`m_5676`) and post number of a `mofa.go.kr` link.
fn mofa_parts(url: &Url) -> Option<(String, String)> {
    let host = url.host_str()?;
    if host != "mofa.go.kr" && !host.ends_with(".mofa.go.kr") {
        return None;
    }
    let mut segments = url.path_segments()?;
    let board = segments.find(|s| s.starts_with("m_"))?.to_string();
    let seq = url
        .query_pairs()
        .find(|(k, v)| k == "seq" && !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()))?
        .1
        .into_owned();
    Some((board, seq))
}

/// The canonical form of a link; a link that does not parse is returned as given,
/// unescaped.
pub fn canonical(raw: &str) -> String {
    let text = unescape(raw);
    let Ok(mut url) = Url::parse(&text) else {
        return text;
    };
    if let Some((board, seq)) = mofa_parts(&url) {
        return format!("https://www.mofa.go.kr/eng/brd/{board}/view.do?seq={seq}");
    }
    let kept: Vec<(String, String)> = url
        .query_pairs()
        .filter(|(k, v)| !v.is_empty() && v != "null" && !is_navigation(k))
        .map(|(k, v)| (k.into_owned(), v.trim().to_string()))
        .collect();
    if kept.is_empty() {
        url.set_query(None);
    } else {
        url.query_pairs_mut().clear().extend_pairs(kept);
    }
    if url.scheme() == "http" && url.host_str().is_some_and(|h| h.ends_with(".go.kr")) {
        let _ = url.set_scheme("https");
    }
    url.to_string()
}

/// The ministry's post number of a link, whatever its board or form.
pub fn seq(raw: &str) -> Option<String> {
    let url = Url::parse(&unescape(raw)).ok()?;
    mofa_parts(&url).map(|(_, seq)| seq)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ministry_links_as_copied_become_one_form() {
        for raw in [
            "http://www.mofa.go.kr/eng/brd/m_5676/view.do?seq=319603&srchFr=&srchTo=&srchWord=Outcome&nbspof&nbspROK&srchTp=0&multi_itm_seq=0&itm_seq_1=0&",
            "https://mofa.go.kr/eng/brd/m_5676/view.do?itm_seq_1=0&itm_seq_2=0&multi_itm_seq=0&seq=319603",
            "http://www.mofa.go.kr/eng/brd/m_5676/view.do?seq=319603&srchFr=&amp;srchTo=&amp;page=1&titleNm=",
            " https://www.mofa.go.kr/eng/brd/m_5676/view.do?seq=319603 ",
            "www.mofa.go.kr/eng/brd/m_5676/view.do?seq=319603",
        ] {
            assert_eq!(
                canonical(raw),
                "https://www.mofa.go.kr/eng/brd/m_5676/view.do?seq=319603",
                "{raw}"
            );
            assert_eq!(seq(raw).as_deref(), Some("319603"));
        }
    }

    #[test]
    fn the_board_is_kept_and_other_sites_lose_only_navigation() {
        assert_eq!(
            canonical("http://www.mofa.go.kr/eng/brd/m_5674/view.do?seq=320241&amp;page=1"),
            "https://www.mofa.go.kr/eng/brd/m_5674/view.do?seq=320241"
        );
        assert_eq!(
            canonical(
                "https://www.mnd.go.kr/user/boardList.action?command=view&siteId=mndEN&boardId=I_8576246&page=25&boardSeq=I_9175730&search=null&column=&categoryId=&parent="
            ),
            "https://www.mnd.go.kr/user/boardList.action?command=view&siteId=mndEN&boardId=I_8576246&boardSeq=I_9175730"
        );
        assert_eq!(canonical("not a link"), "not a link");
        assert_eq!(seq("https://example.org/view.do?seq=1"), None);
    }
}
