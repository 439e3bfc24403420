//! People's names in a quote: "Saleumxay Kommasith" in "… Foreign Minister, Saleumxay
//! Kommasith, Minister Cho …". A name is a run of capitalised words next to a title
//! (Minister, Ambassador, Leader …), trimmed of titles and of the question's own words,
//! and always a verbatim stretch of the quote. The words (titles, what is not a name,
//! particles) are in `config/lexicon.toml`.

use crate::lexicon;

/// Whether a word is a title or a part of one ("Secretary-General", "Minister").
pub fn is_title(word: &str) -> bool {
    lexicon::get().is_title(word)
}

/// A person's name in the quote, nearest to the words the question asked about:
/// "Vu Ho" for "Who acted as leader of the ASEAN SOM …".
pub fn person(asked: &[&str], snippet: &str) -> Option<String> {
    people(asked, snippet).into_iter().next()
}

/// Every person's name in the quote that `person` would accept, nearest to the words
/// asked about first (ties in the quote's order): "Yeo Seung-bae … co-chaired the
/// meeting with Vu Ho" holds two.
pub fn people(asked: &[&str], snippet: &str) -> Vec<String> {
    people_in_post(asked, &[], snippet)
}

/// Whether one of `people` (names as the quote writes them) stands within `reach`
/// words of one of the `anchors` ("Laos" of "Who represented Laos …?": "the Lao Deputy
/// Prime Minister and Foreign Minister, Saleumxay Kommasith"), compared as
/// `asked_at` compares words.
pub fn stands_near(people: &[String], anchors: &[&str], snippet: &str, reach: usize) -> bool {
    let words = crate::text::spaced_words(snippet);
    let at_anchor = asked_at(&words, anchors);
    people.iter().any(|name| {
        let Some(at) = snippet.find(name.as_str()) else {
            return false;
        };
        let Some(start) = words.iter().position(|(offset, _)| *offset >= at) else {
            return false;
        };
        let len = name.split(' ').count();
        distance(&at_anchor, start, len) <= reach
    })
}

/// The posts a question asks who holds: its words of `posts` in the lexicon that name
/// no one of their own ("Who was ASEAN *Secretary-General* before Kao Kim Hourn?"; not
/// "Minister" in "Who met Minister Cho?"), lower case.
pub fn posts_asked(question: &str) -> Vec<String> {
    let posts = &lexicon::get().posts;
    let words: Vec<&str> = question
        .split(|c: char| c.is_whitespace() || matches!(c, '?' | ',' | '.' | '!'))
        .filter(|w| !w.is_empty())
        .collect();
    words
        .iter()
        .enumerate()
        .filter(|(i, w)| {
            let names_someone = words
                .get(i + 1)
                .is_some_and(|next| next.starts_with(char::is_uppercase) && !is_title(next));
            posts.contains_ignoring_case(w) && !names_someone
        })
        .map(|(_, w)| w.to_lowercase())
        .collect()
}

/// `people`, keeping only those the quote gives one of `posts` (when there are any):
/// "Minister of Foreign Affairs Park Jin" does not hold the post of Secretary-General.
pub fn people_in_post(asked: &[&str], posts: &[String], snippet: &str) -> Vec<String> {
    let lex = lexicon::get();
    let words: Vec<(usize, &str)> = crate::text::spaced_words(snippet);
    let mut found: Vec<(usize, String, usize, usize)> = Vec::new();
    // Where the asked words stand, found the first time a name needs it.
    let mut at_asked: Option<Vec<usize>> = None;
    let mut i = 0;
    while i < words.len() {
        // A name ends at a comma: "Saleumxay Kommasith, Minister Cho" is two runs.
        let mut run: Vec<&str> = Vec::new();
        for (j, (_, w)) in words.iter().enumerate().skip(i) {
            // "Mohamad bin Hasan": a lower-case particle inside a name.
            let particle = !run.is_empty()
                && lex.particles.contains(w)
                && words.get(j + 1).is_some_and(|(_, next)| is_name_word(next));
            if !is_name_word(w) && !particle {
                break;
            }
            // "Kang, Kyung-wha": a Korean family name, a comma, a hyphenated given name.
            let korean_order = words
                .get(j + 1)
                .is_some_and(|(_, next)| is_given_name(next));
            run.push(w);
            if w.ends_with(',') && !korean_order || ends_sentence(w) {
                break;
            }
        }
        if run.is_empty() {
            i += 1;
            continue;
        }
        // Titles and asked words are trimmed from the ends only, so the name stays a
        // verbatim stretch of the quote.
        let skip =
            |w: &&str| lex.titles.contains(w) || asked.iter().any(|a| a.eq_ignore_ascii_case(w));
        let bare: Vec<&str> = run
            .iter()
            .map(|w| {
                let w = w.trim_end_matches([',', ';', ':', ')']);
                if ends_sentence(w) {
                    w.trim_end_matches('.')
                } else {
                    w
                }
            })
            .collect();
        // The name follows its title: "Indonesian Foreign Minister Retno L.P. Marsudi",
        // "Minister of Foreign Affairs of Malaysia Mohamad bin Hasan".
        let after_title = bare
            .iter()
            .enumerate()
            .rposition(|(k, w)| {
                lex.titles.contains(w)
                    || not_a_name(w)
                    || crate::countries::is_country(w)
                    // "… to ASEAN Park Yoonjoo": no name has a word in capitals.
                    || w.chars().count() >= 2 && w.chars().all(|c| c.is_uppercase())
                    // "Brunei Darussalam Emaleen Abdul Rahman Teo"
                    || k > 0 && crate::countries::is_foreign_country(&format!("{} {w}", bare[k - 1]))
            })
            .map_or(0, |t| t + 1);
        let from = after_title
            + bare[after_title..]
                .iter()
                .position(|w| !skip(w))
                .unwrap_or(bare.len() - after_title);
        let to = bare.iter().rposition(|w| !skip(w)).map_or(from, |t| t + 1);
        let name: Vec<&str> = bare.get(from..to.max(from)).unwrap_or_default().to_vec();
        // "… of the Ministry of Foreign Affairs Yeo Seung-bae": a name right after the
        // title words of its own run is titled, however far the post's first word is.
        // The cheap tests first: the dictionary is looked up only for a titled run.
        let titled = || has_title_near(&words, i, run.len()) || after_title > 0;
        let in_post = || posts.is_empty() || has_post_near(&words, i, run.len(), posts);
        if name.len() >= 2 && titled() && in_post() && is_clean_name(&name) {
            let at = at_asked.get_or_insert_with(|| asked_at(&words, asked));
            let distance = distance(at, i + from, to - from);
            // The name as the quote writes it, commas included.
            let (start, end) = (words[i + from].0, words[i + to - 1].0 + bare[to - 1].len());
            let name = snippet[start..end].to_string();
            if !found.iter().any(|(_, n, _, _)| *n == name) {
                found.push((distance, name, start, words[i].0));
            }
        }
        i += run.len();
    }
    // A quote that holds none of the words asked about does not say who did it: its
    // names are guesses ("Who hosted …?" over a quote about who attended). Nor does
    // one where a country stands nearer to them than the name: the country did it
    // ("Korea and Malaysia as next year's chairs of APEC and ASEAN"). Only a country
    // of the name's own sentence competes with it: the attendees listed in the sentence
    // before ("… the US will attend the Meeting.") did not head the delegation.
    if found.is_empty() {
        return Vec::new();
    }
    let sentences = crate::text::sentences(snippet);
    let sentence_of = |at: usize| sentences.iter().position(|(s, e)| (*s..*e).contains(&at));
    // A country in the name's own run is its title's ("Brunei Darussalam Emaleen Abdul
    // Rahman Teo").
    let at_anchor = anchors_at(&words, asked);
    found.retain(|(distance, _, at, run)| {
        let competes = |w: usize| sentence_of(w) == sentence_of(*at) && !(*run..*at).contains(&w);
        let country = nearest_country(&words, asked, &at_anchor, competes);
        asked.is_empty() || (*distance < NOT_NEAR && *distance <= country)
    });
    found.sort_by_key(|(distance, _, _, _)| *distance);
    found.into_iter().map(|(_, name, _, _)| name).collect()
}

/// How far the nearest country the question does not name stands from the words it
/// asks about (Korea, whose ministry writes every release, aside), among the words
/// whose byte offset `within` accepts.
fn nearest_country(
    words: &[(usize, &str)],
    asked: &[&str],
    at_anchor: &[usize],
    within: impl Fn(usize) -> bool,
) -> usize {
    let home = &lexicon::get().home_country;
    words
        .iter()
        .enumerate()
        .filter(|(_, (at, w))| {
            within(*at) && {
                let core = w.trim_matches(|c: char| !c.is_alphanumeric());
                crate::countries::is_country(core)
                    && !home.contains(core)
                    && !asked.iter().any(|a| a.starts_with(core))
            }
        })
        .map(|(j, _)| distance(at_anchor, j, 1))
        .min()
        .unwrap_or(NOT_NEAR)
}

/// Where the asked words that can anchor a country stand. The home country cannot:
/// "the ROK" of "Which official led the ROK delegation?" stands beside every country
/// of "the Embassy of the ROK in Thailand".
fn anchors_at(words: &[(usize, &str)], asked: &[&str]) -> Vec<usize> {
    let home = &lexicon::get().home_country;
    let anchors: Vec<&str> = asked
        .iter()
        .copied()
        .filter(|a| !home.iter().any(|h| h.eq_ignore_ascii_case(a)))
        .collect();
    asked_at(words, &anchors)
}

/// Whether the words of a run can be a person's name: no quotes or brackets, no
/// capitals-only word, no title, and not every word a dictionary word ("Korea
/// Standard Time" names a thing).
fn is_clean_name(name: &[&str]) -> bool {
    let lex = lexicon::get();
    let plain = name.iter().all(|w| {
        lex.particles.contains(w)
            || !w.contains(['(', '“', '”', '"', '’', '\''])
                && !w.chars().all(|c| c.is_uppercase())
                && !not_a_name(w)
                && !lex.titles.contains(w)
    });
    plain
        && !name
            .iter()
            .all(|w| crate::thesaurus::in_dictionary(&bare_word(w).to_lowercase()))
}

/// `distance` when no asked word stands in the quote.
const NOT_NEAR: usize = usize::MAX / 2;

/// How many words before or after a name its title may stand ("Minister of Foreign
/// Affairs of Malaysia Mohamad bin Hasan").
const TITLE_REACH: usize = 5;

/// How many words a title written before a name may run to ("Minister at the Embassy
/// of the ROK in Thailand Hahm Jeong-han").
const TITLE_PHRASE_REACH: usize = 10;

/// A person's name stands next to their title: "Foreign Minister, Saleumxay
/// Kommasith", "Vu Ho, Acting Leader", "Minister Cho Tae-yul".
fn has_title_near(words: &[(usize, &str)], start: usize, len: usize) -> bool {
    let titles = &lexicon::get().person_titles;
    near(words, start, len).any(|w| titles.contains(w))
}

/// Whether one of `posts` stands within a name's reach of the run of words at `start`
/// (or in it: "Foreign Minister, Saleumxay Kommasith").
fn has_post_near(words: &[(usize, &str)], start: usize, len: usize, posts: &[String]) -> bool {
    near(words, start, len).any(|w| posts.iter().any(|p| p.eq_ignore_ascii_case(w)))
}

/// The words of the run at `start` and those within `TITLE_REACH` of it, or back to
/// where the title before it starts, bare of punctuation (hyphens kept:
/// "Secretary-General").
fn near<'a>(
    words: &'a [(usize, &'a str)],
    start: usize,
    len: usize,
) -> impl Iterator<Item = &'a str> {
    let from = title_start(words, start).min(start.saturating_sub(TITLE_REACH));
    words
        .iter()
        .skip(from)
        .take(start - from + len + TITLE_REACH)
        .map(|(_, w)| w.trim_matches(|c: char| !c.is_alphanumeric() && c != '-'))
}

/// Where the title written before the word at `start` may begin: back over
/// capitalised words and the lexicon's `title_joiners` ("Minister at the Mission of
/// the ROK to ASEAN Park Yoonjoo"), at most `TITLE_PHRASE_REACH` words.
fn title_start(words: &[(usize, &str)], start: usize) -> usize {
    let joiners = &lexicon::get().title_joiners;
    let mut from = start;
    while from > 0 && start - from < TITLE_PHRASE_REACH {
        let w = words[from - 1].1;
        if !(w.starts_with(char::is_uppercase) || joiners.contains(w)) {
            break;
        }
        from -= 1;
    }
    from
}

/// Capitalised words that belong to names of meetings, bodies and places, not of people
/// (titles and months, checked apart, neither).
fn not_a_name(w: &str) -> bool {
    lexicon::get().not_names.contains(w)
        || (w.len() >= 3 && crate::corpus::Date::month_from_name(w).is_some())
}

/// The word without the punctuation around it ("Peninsula”" → "Peninsula").
fn bare_word(w: &str) -> &str {
    w.trim_matches(|c: char| !c.is_alphanumeric())
}

fn is_given_name(w: &str) -> bool {
    let core = w.trim_end_matches([',', '.', ';', ':', ')']);
    let mut parts = core.split('-');
    let first = parts.next().unwrap_or("");
    let second = parts.next().unwrap_or("");
    parts.next().is_none()
        && first.starts_with(|c: char| c.is_uppercase())
        && second.starts_with(|c: char| c.is_lowercase())
}

/// A capitalised word that ends its sentence ("… Rahman Teo."): a name's last word,
/// not an abbreviation ("Dr.") or initials ("L.P.").
fn ends_sentence(w: &str) -> bool {
    let Some(core) = w.strip_suffix('.') else {
        return false;
    };
    core.chars().count() >= 2
        && core.chars().all(char::is_alphabetic)
        && core.starts_with(char::is_uppercase)
        && !lexicon::get().abbreviations.contains(core)
}

fn is_name_word(w: &str) -> bool {
    let core = w.trim_end_matches([',', '.', ';', ':', ')']);
    let initials = core.contains('.') && core.split('.').all(|p| p.chars().count() <= 1);
    core.starts_with(|c: char| c.is_uppercase())
        && (core.len() == w.len() || w.ends_with(',') || initials || ends_sentence(w))
}

/// The positions in `words` of the words asked about, each compared case-blind and
/// by its parts: "cochaired" as typed is the quote's "co-chaired", and "co" of
/// "co-chaired" stands in "co-chair". Found once per quote; `distance` reads them for
/// each name.
fn asked_at(words: &[(usize, &str)], asked: &[&str]) -> Vec<usize> {
    let asked: Vec<String> = asked.iter().map(|a| a.to_lowercase()).collect();
    let firsts: Vec<char> = asked.iter().filter_map(|a| a.chars().next()).collect();
    // Every way of matching starts a part of the word with an asked word's first
    // letter; most words of a quote fail that test without a string being made.
    let may_match = |w: &str| {
        let mut start = true;
        w.chars().any(|c| {
            let at_start = std::mem::replace(&mut start, c == '-');
            at_start && c.to_lowercase().any(|l| firsts.contains(&l))
        })
    };
    words
        .iter()
        .enumerate()
        .filter(|(_, (_, w))| {
            let core = w.trim_matches(|c: char| !c.is_alphanumeric());
            if !may_match(core) {
                return false;
            }
            let core = core.to_lowercase();
            let plain = core.replace('-', "");
            let prefix: String = plain.chars().take(4).collect();
            let long = plain.chars().count() > 4;
            asked.iter().any(|a| {
                *a == core
                    || *a == plain
                    || (long && a.starts_with(&prefix))
                    || core.split('-').any(|part| part == a)
            })
        })
        .map(|(j, _)| j)
        .collect()
}

/// How many words lie between the `len` words from `start` and the nearest of `at`.
fn distance(at: &[usize], start: usize, len: usize) -> usize {
    at.iter()
        .map(|&j| {
            if j < start {
                start - j
            } else {
                j.saturating_sub(start + len - 1)
            }
        })
        .min()
        .unwrap_or(NOT_NEAR)
}

#[cfg(test)]
mod tests {
    use super::{people_in_post, person, posts_asked};

    #[test]
    fn a_post_asked_for_keeps_only_those_who_hold_it() {
        assert_eq!(
            posts_asked("Who was ASEAN Secretary-General before Kao Kim Hourn?"),
            ["secretary-general"]
        );
        // "Minister Cho" names someone: that title is not the post asked about.
        assert!(posts_asked("Who met Minister Cho in Vientiane?").is_empty());
        assert_eq!(
            posts_asked("Who is the foreign minister of Laos?"),
            ["minister"]
        );
        let quote = "Minister of Foreign Affairs Park Jin held a luncheon meeting with Dr. Kao Kim Hourn, Secretary-General of ASEAN.";
        let asked = ["Secretary-General", "Kao", "Kim", "Hourn"];
        assert!(
            people_in_post(
                &asked,
                &posts_asked("Who was ASEAN Secretary-General before Kao Kim Hourn?"),
                quote
            )
            .is_empty()
        );
        let asked = ["met", "Kao", "Kim", "Hourn"];
        assert_eq!(
            people_in_post(&asked, &posts_asked("Who met Kao Kim Hourn?"), quote),
            ["Park Jin"]
        );
    }

    #[test]
    fn a_quote_without_the_asked_words_names_nobody() {
        let quote =
            "Minister of Foreign Affairs Kang, Kyung-wha attended in her capacity as Co-chair.";
        assert_eq!(person(&["hosted", "Summit"], quote), None);
        assert_eq!(person(&["co"], quote).as_deref(), Some("Kang, Kyung-wha"));
        assert_eq!(person(&[], quote).as_deref(), Some("Kang, Kyung-wha"));
    }

    #[test]
    fn names_stand_next_to_titles_and_are_verbatim() {
        let cases = [
            (
                "In the meeting with the Lao Deputy Prime Minister and Foreign Minister, Saleumxay Kommasith, Minister Cho congratulated Laos.",
                &["foreign", "minister", "Laos"][..],
                Some("Saleumxay Kommasith"),
            ),
            (
                "During the meeting with Indonesian Foreign Minister Retno L.P. Marsudi, Minister Cho requested support.",
                &["Indonesia's", "foreign", "minister"][..],
                Some("Retno L.P. Marsudi"),
            ),
            (
                "(Malaysia) Minister Cho and Minister of Foreign Affairs of Malaysia Mohamad bin Hasan agreed to pursue close cooperation.",
                &["Malaysia's", "foreign", "minister"][..],
                Some("Mohamad bin Hasan"),
            ),
            (
                "the ROK’s candidate for World Trade Organization (WTO) Director-General -- Minister for Trade Yoo Myung-Hee -- is the right person",
                &["Korea's", "candidate", "WTO", "Director-General"][..],
                Some("Yoo Myung-Hee"),
            ),
            // The country did what was asked about, not the person named before it.
            (
                "(Malaysia) Minister Cho and Minister of Foreign Affairs of Malaysia Mohamad bin Hasan agreed to pursue close cooperation between Korea and Malaysia as next year’s chairs of APEC and ASEAN.",
                &["chaired", "ASEAN"][..],
                None,
            ),
            (
                "The ASEAN-ROK Plan of Action for the years 2021-2025 was adopted at the Meeting.",
                &["adopted"][..],
                None,
            ),
            // A country's name of two words is no part of the name after it, and a
            // name ends with its sentence.
            (
                "co-chaired the meeting with Permanent Secretary of the Ministry of Foreign Affairs of Brunei Darussalam Emaleen Abdul Rahman Teo.",
                &["co-chaired"][..],
                Some("Emaleen Abdul Rahman Teo"),
            ),
            // A country of another sentence does not take the deed from the name.
            (
                "Japan, the ROK and the US will attend the Meeting. Director-General of Asian Affairs Lee Kyung-soo will head the ROK delegation.",
                &["headed", "ROK", "delegation", "meeting"][..],
                Some("Lee Kyung-soo"),
            ),
        ];
        for (text, asked, expected) in cases {
            let got = person(asked, text);
            assert_eq!(got.as_deref(), expected, "{text}");
            if let Some(name) = got {
                assert!(text.contains(&name), "verbatim: {name}");
            }
        }
    }
}
#[cfg(test)]
mod joint {
    /// The 29th Dialogue's list of the ROK's participants, each after a title.
    const PARTICIPANTS: &str = "The ROK participants included Deputy Minister for Political \
        Affairs Chung Byung-won (Head of Delegation), Minister at the Mission of the ROK to \
        ASEAN Park Yoonjoo, and Minister at the Embassy of the ROK in Thailand Hahm Jeong-han.";

    #[test]
    fn a_post_asked_about_reaches_back_over_a_long_title() {
        let posts = ["minister".to_string()];
        let found = super::people_in_post(&["participants"], &posts, PARTICIPANTS);
        // ("Hahm Jeong-han.", hyphenated and ending the sentence, is not read as a name
        // yet: read as one, it answered who headed *Thailand's* delegation.)
        for name in ["Chung Byung-won", "Park Yoonjoo"] {
            assert!(found.contains(&name.to_string()), "{name}: {found:?}");
        }
    }

    #[test]
    fn words_the_dictionary_lists_every_one_name_a_thing_not_a_person() {
        let quote = "Minister Kang attended as Co-chair the Meeting held at 19:40-21:00, \
                     Korea Standard Time";
        assert_eq!(super::people(&["minister"], quote), Vec::<String>::new());
        let quote = "President Moon Jae-in presented “the Korean Peninsula” principles";
        assert_eq!(
            super::people(&["principles"], quote),
            vec!["Moon Jae-in".to_string()]
        );
        // A name with one word the dictionary lacks is still a name.
        let quote = "Minister of Foreign Affairs Park Jin held a luncheon meeting";
        assert_eq!(
            super::people(&["luncheon"], quote),
            vec!["Park Jin".to_string()]
        );
    }

    #[test]
    fn the_home_country_asked_about_does_not_bring_another_country_nearer() {
        let quote = PARTICIPANTS;
        let asked = ["official", "led", "ROK", "delegation"];
        assert_eq!(
            super::person(&asked, quote).as_deref(),
            Some("Chung Byung-won")
        );
    }

    #[test]
    fn a_person_stands_near_a_country_within_a_long_title() {
        let quote = "(Laos) In the meeting with the Lao Deputy Prime Minister and Foreign \
                     Minister, Saleumxay Kommasith, Minister Cho congratulated Laos";
        let people = vec!["Saleumxay Kommasith".to_string()];
        assert!(super::stands_near(&people, &["lao"], quote, 8));
        assert!(!super::stands_near(&people, &["lao"], quote, 5));
        let cho = vec!["Cho Tae-yul".to_string()];
        let list = "Minister Cho Tae-yul held a series of bilateral meetings with the Foreign \
                    Ministers of five ASEAN countries -- Malaysia, Laos";
        assert!(!super::stands_near(&cho, &["lao", "laos"], list, 8));
    }

    #[test]
    fn a_quote_of_two_co_chairs_names_both_nearest_first() {
        let s = "Deputy Minister for Political Affairs of the Ministry of Foreign Affairs Yeo Seung-bae co-chaired the meeting with Vu Ho, Acting Leader of ASEAN Senior Officials’ Meeting (SOM) of the Ministry of Foreign Affairs of Viet Nam.";
        assert_eq!(
            super::people(&["co", "chaired"], s),
            ["Yeo Seung-bae", "Vu Ho"]
        );
    }
}
