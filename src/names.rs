//! People's names in a quote: "Saleumxay Kommasith" in "… Foreign Minister, Saleumxay
//! Kommasith, Minister Cho …". A name is a run of capitalised words next to a title
//! (Minister, Ambassador, Leader …), trimmed of titles and of the question's own words,
//! and always a verbatim stretch of the quote.

/// Titles that come before a name and are not part of it.
const TITLES: &[&str] = &[
    "Minister",
    "Deputy",
    "Prime",
    "Foreign",
    "Vice",
    "President",
    "Secretary-General",
    "Dr.",
    "Ambassador",
    "Acting",
    "Leader",
    "Director-General",
    "Head",
    "Chair",
    "Co-chair",
    "Mr.",
    "Ms.",
    "Affairs",
    "Secretary",
    "General",
    "Senior",
    "Officials",
    "Political",
    "Ministry",
    "Ministers",
    "Meeting",
    "Member",
    "States",
    "Deputy-Secretary-General",
];

/// A person's name in the quote, nearest to the words the question asked about:
/// "Vu Ho" for "Who acted as leader of the ASEAN SOM …".
pub fn person(asked: &[&str], snippet: &str) -> Option<String> {
    let words: Vec<(usize, &str)> = word_offsets(snippet);
    let mut best: Option<(usize, String)> = None;
    let mut i = 0;
    while i < words.len() {
        // A name ends at a comma: "Saleumxay Kommasith, Minister Cho" is two runs.
        let mut run: Vec<&str> = Vec::new();
        for (_, w) in &words[i..] {
            if !is_name_word(w) {
                break;
            }
            run.push(w);
            if w.ends_with(',') {
                break;
            }
        }
        if run.is_empty() {
            i += 1;
            continue;
        }
        // Titles and asked words are trimmed from the ends only, so the name stays a
        // verbatim stretch of the quote.
        let skip = |w: &&str| TITLES.contains(w) || asked.iter().any(|a| a.eq_ignore_ascii_case(w));
        let bare: Vec<&str> = run
            .iter()
            .map(|w| w.trim_end_matches([',', ';', ':', ')']))
            .collect();
        // The name follows its title: "Indonesian Foreign Minister Retno L.P. Marsudi".
        let after_title = bare
            .iter()
            .rposition(|w| TITLES.contains(w))
            .map_or(0, |t| t + 1);
        let from = after_title
            + bare[after_title..]
                .iter()
                .position(|w| !skip(w))
                .unwrap_or(bare.len() - after_title);
        let to = bare.iter().rposition(|w| !skip(w)).map_or(from, |t| t + 1);
        let name: Vec<&str> = bare.get(from..to.max(from)).unwrap_or_default().to_vec();
        let clean = name.iter().all(|w| {
            !w.contains(['(', '“', '"', '’', '\''])
                && !w.chars().all(|c| c.is_uppercase())
                && !NOT_NAMES.contains(w)
                && !TITLES.contains(w)
        });
        let titled = has_title_near(&words, i, run.len());
        if name.len() >= 2 && clean && titled {
            let distance = distance_to_asked(&words, i, run.len(), asked);
            if best.as_ref().is_none_or(|(d, _)| distance < *d) {
                best = Some((distance, name.join(" ")));
            }
        }
        i += run.len();
    }
    best.map(|(_, name)| name)
}

/// A person's name stands next to their title: "Foreign Minister, Saleumxay
/// Kommasith", "Vu Ho, Acting Leader", "Minister Cho Tae-yul".
fn has_title_near(words: &[(usize, &str)], start: usize, len: usize) -> bool {
    let around = words
        .iter()
        .skip(start.saturating_sub(3))
        .take(len + 6)
        .map(|(_, w)| w.trim_matches(|c: char| !c.is_alphanumeric() && c != '-'));
    let inside = words
        .iter()
        .skip(start)
        .take(len)
        .map(|(_, w)| w.trim_matches(|c: char| !c.is_alphanumeric() && c != '-'));
    let person_titles = [
        "Minister",
        "Ambassador",
        "Secretary-General",
        "Dr",
        "President",
        "Leader",
        "Chair",
        "Co-chair",
        "Director-General",
        "Delegation",
    ];
    around.chain(inside).any(|w| person_titles.contains(&w))
}

/// Capitalised words that belong to names of meetings and bodies, not of people.
const NOT_NAMES: &[&str] = &[
    "Meeting",
    "Meetings",
    "Dialogue",
    "Summit",
    "Forum",
    "Partnership",
    "Initiative",
    "Community",
    "Council",
    "Committee",
    "Republic",
    "Korea",
    "ASEAN-related",
    "ASEAN-ROK",
    "Strategy",
    "Plan",
    "Action",
    "Member",
    "States",
    "Countries",
    "Nations",
    "Region",
];

fn is_name_word(w: &str) -> bool {
    let core = w.trim_end_matches([',', '.', ';', ':', ')']);
    let initials = core.contains('.') && core.split('.').all(|p| p.chars().count() <= 1);
    core.starts_with(|c: char| c.is_uppercase())
        && (core.len() == w.len() || w.ends_with(',') || initials)
}

fn word_offsets(text: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut pos = 0;
    for w in text.split(' ') {
        if !w.is_empty() {
            out.push((pos, w));
        }
        pos += w.len() + 1;
    }
    out
}

fn distance_to_asked(words: &[(usize, &str)], start: usize, len: usize, asked: &[&str]) -> usize {
    words
        .iter()
        .enumerate()
        .filter(|(_, (_, w))| {
            let core = w
                .trim_matches(|c: char| !c.is_alphanumeric())
                .to_lowercase();
            asked.iter().any(|a| {
                let a = a.to_lowercase();
                let prefix: String = core.chars().take(4).collect();
                a == core || (core.chars().count() > 4 && a.starts_with(&prefix))
            })
        })
        .map(|(j, _)| {
            if j < start {
                start - j
            } else {
                j.saturating_sub(start + len - 1)
            }
        })
        .min()
        .unwrap_or(usize::MAX / 2)
}
