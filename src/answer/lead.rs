//! The lead: one line that states the fact asked for — a date, a place, a person, an
//! amount — cut verbatim from the best quote, followed by its citation number. When no
//! such fact stands in the quote, the lead names the release the quotes come from.

use tantivy::tokenizer::TextAnalyzer;

use super::types::Citation;
use crate::corpus::Release;
use crate::search::analyzer;
use crate::search::rank::{Weights, contains};
use crate::search::{Kind, Question};
use crate::text::find_dates;

pub fn lead(
    q: &Question,
    w: &Weights,
    release: &Release,
    c: &Citation,
    a: &TextAnalyzer,
) -> String {
    let fact = match q.kind {
        // "What time …" asks for the hour, which the date does not give.
        Kind::When if crate::lexicon::get().asks_clock_time(&q.text) => {
            crate::text::find_clock_time(&c.snippet).map(str::to_string)
        }
        Kind::When => when(q, &telling_words(q, w), release, &c.snippet)
            .or_else(|| names_release(q).then(|| release.date_label_long())),
        Kind::Where => stated_place(q, &c.snippet).map(str::to_string).or_else(|| {
            (names_release(q) && !release.place.is_empty()).then(|| release.place.clone())
        }),
        // "Which ambassadors …" asks for a group, not a name: no person lead then.
        Kind::Who if q.asks_person() => who(q, &telling_words(q, w), &c.snippet),
        Kind::Who => None,
        Kind::HowMuch => stated_amount(q, w, &c.snippet, a).map(str::to_string),
        // A yes-no question gets the quotes, not a "yes": the releases rarely say "no".
        Kind::YesNo | Kind::What => None,
    };
    match fact {
        Some(fact) => format!("{fact} [{}]", c.rank),
        None => format!("From “{}” ({}):", release.title, release.date.long()),
    }
}

/// The person asked for; for a role held jointly ("Who *co*-chaired …?") everyone the
/// quote names in it, nearest first ("Yeo Seung-bae and Vu Ho"), so the lead states
/// the whole fact.
fn who(q: &Question, telling: &[&str], snippet: &str) -> Option<String> {
    // Not someone the question names ("Who did Kang Kyung-wha meet …?"), however common
    // their name is in the corpus.
    let asked: Vec<String> = q
        .concepts
        .iter()
        .filter(|c| c.name)
        .flat_map(|c| c.asked.split_whitespace())
        .map(str::to_lowercase)
        .collect();
    let named = |person: &String| {
        person
            .split([' ', ','])
            .any(|w| asked.contains(&w.to_lowercase()))
    };
    let people: Vec<String> = crate::names::people_in_post(telling, &q.posts, snippet)
        .into_iter()
        .filter(|p| !named(p))
        .collect();
    let joint = crate::lexicon::get().asks_joint_role(&q.text);
    match people.as_slice() {
        [first, second, ..] if joint => Some(format!("{first} and {second}")),
        [first, ..] => Some(first.clone()),
        [] => None,
    }
}

/// Whether the question points at one release as a whole (by its meeting, or as the
/// latest): then the release's own date and place answer "when" and "where".
fn names_release(q: &Question) -> bool {
    !q.meetings.is_empty() || q.latest
}

/// "May 15 to 16, 2025": the quote's date phrase nearest to what the question asks
/// about ("inaugurated … in January this year and visited Korea on June 15-18": "when
/// did she become Secretary-General" is January), with the release's year when the
/// phrase has none.
fn when(q: &Question, telling: &[&str], release: &Release, snippet: &str) -> Option<String> {
    let dates: Vec<(usize, &str, bool)> = find_dates(snippet)
        .into_iter()
        .map(|d| (d.start, d.phrase, d.year.is_some()))
        .chain(
            crate::text::find_months(snippet)
                .into_iter()
                .map(|(start, phrase)| (start, phrase, crate::text::find_period(phrase).is_some())),
        )
        .collect();
    // Periods too ("November 2019", "in 2012"), outside the dated phrases: "established
    // diplomatic relations on October 1, 1958, and forged the bilateral strategic
    // partnership in 2012" dates the partnership 2012. A period is a slice of
    // `snippet`, so its offset is where it starts.
    let within_date = |at: usize| {
        dates
            .iter()
            .any(|&(start, phrase, _)| (start..start + phrase.len()).contains(&at))
    };
    let periods: Vec<(usize, &str, bool)> = crate::text::find_periods(snippet)
        .into_iter()
        .map(|p| (p.as_ptr() as usize - snippet.as_ptr() as usize, p, true))
        .filter(|&(at, _, _)| !within_date(at))
        .collect();
    let candidates: Vec<(usize, &str, bool)> = dates.iter().copied().chain(periods).collect();
    let near = positions_of(telling, snippet);
    let (_, phrase, has_year) = candidates
        .into_iter()
        .filter(|&(start, _, _)| asks_anniversary(q) || !dates_an_anniversary(snippet, start))
        .min_by_key(|&(start, _, _)| {
            near.iter()
                .map(|&at| at.abs_diff(start))
                .min()
                .unwrap_or(start)
        })?;
    // "June 9, 2022" but "9 June 2022": the year as the phrase's order writes it.
    // A month alone takes its year without a comma: "November 2022".
    let day_first = phrase.starts_with(|c: char| c.is_ascii_digit());
    let has_day = phrase.contains(|c: char| c.is_ascii_digit());
    Some(match (has_year, day_first || !has_day) {
        (true, _) => phrase.to_string(),
        (false, true) => format!("{phrase} {}", release.date.year),
        (false, false) => format!("{phrase}, {}", release.date.year),
    })
}

/// Whether the date at `start` is the date of an anniversary its clause names ("the
/// 50th anniversary of the establishment of ROK-Singapore diplomatic relations in
/// 2025"): 2025 is when the anniversary falls, not when relations were established.
fn dates_an_anniversary(snippet: &str, start: usize) -> bool {
    let before = snippet.get(..start).unwrap_or("");
    let clause = before.rsplit(['.', ';']).next().unwrap_or(before);
    clause.to_lowercase().contains("anniversary")
}

fn asks_anniversary(q: &Question) -> bool {
    q.text.to_lowercase().contains("anniversar")
}

/// Where the words stand in the text (byte offsets of case-insensitive matches, which
/// may fall inside longer words: "chair" in "co-chair").
fn positions_of(words: &[&str], text: &str) -> Vec<usize> {
    let lower = text.to_lowercase();
    words
        .iter()
        .map(|w| w.to_lowercase())
        .filter(|w| w.len() > 2)
        .flat_map(|w| {
            lower
                .match_indices(w.as_str())
                .map(|(at, _)| at)
                .collect::<Vec<_>>()
        })
        .collect()
}

/// "Vientiane, Lao PDR" from "… in Vientiane, Lao PDR, on July 26": the first place
/// the quote names that is not one of the question's own words.
pub fn stated_place<'a>(q: &Question, text: &'a str) -> Option<&'a str> {
    crate::text::places(text).find(|run| {
        let first = run.split([' ', ',']).next().unwrap_or("");
        !q.concepts.iter().any(|c| c.asked == first)
    })
}

/// The clause of the quote that states an amount and shares most with the question:
/// "25% of Korea’s total bilateral ODA".
pub fn stated_amount<'a>(
    q: &Question,
    w: &Weights,
    text: &'a str,
    a: &TextAnalyzer,
) -> Option<&'a str> {
    // Clauses never span a sentence's end ("from April 2 to 4. Representatives of 27
    // member states …" is two).
    let clauses: Vec<&str> = crate::text::sentences(text)
        .into_iter()
        .flat_map(|(start, end)| text[start..end].split([',', ';', ':', '(', ')']))
        .flat_map(|c| c.split(" -- "))
        .filter(|c| !c.trim().is_empty())
        .collect();
    // Each clause's stems, worked out once and only for the clauses looked at.
    let stems: Vec<std::cell::OnceCell<Vec<String>>> = vec![Default::default(); clauses.len()];
    let stems_of = |i: usize| stems[i].get_or_init(|| analyzer::stems(a, clauses[i]));
    // (weight of the question's words in the clause, whether one of them is telling)
    let words = |i: usize| -> (f32, bool) {
        q.concepts
            .iter()
            .zip(&w.weight)
            .zip(&w.common)
            .filter(|((c, _), _)| c.variants.iter().any(|v| contains(stems_of(i), v)))
            .fold((0.0, false), |(sum, telling), ((_, w), common)| {
                (sum + w, telling || !common)
            })
    };
    // Only when the text names it: "money" is told in dollars.
    let measured = q
        .measured()
        .filter(|&m| names_concept(q, m, &analyzer::stems(a, text)));
    // The amount of what the question measures ("how much *trade*"), named in its
    // clause or in the one before ("assistance (ODA) (about USD 600 million …").
    let measures = |i: usize| {
        measured.is_none_or(|m| {
            let named = |j: usize| names_concept(q, m, stems_of(j));
            named(i) || i > 0 && named(i - 1)
        })
    };
    let units = crate::lexicon::get().units_of(&q.text);
    // "How many years of ties …": "the 40th anniversary" counts them.
    let in_years = units.is_some_and(|u| u.contains(&crate::lexicon::get().anniversary));
    // A count stands beside what it counts, when its clause names that.
    let counts = crate::lexicon::get().asks_count(&q.text);
    // A count of things is not a sum of money ("How many scholarships …" is not
    // answered by "USD 14 million"), unless the question asks in money ("how many
    // dollars").
    let money: Vec<String> = crate::lexicon::get()
        .money
        .iter()
        .map(|m| m.to_lowercase())
        .collect();
    let in_money = |text: &str| {
        let text = text.to_lowercase();
        money.iter().any(|m| text.contains(m.as_str()))
    };
    let sum_for_count = |i: usize| counts && in_money(clauses[i]) && !in_money(&q.text);
    let anniversary = |i: usize| in_years && crate::text::anniversary_phrase(clauses[i]).is_some();
    let counted = |i: usize| {
        measured.is_none_or(|m| {
            !counts || !names_concept(q, m, stems_of(i)) || count_beside(q, m, clauses[i], a)
        }) || anniversary(i)
    };
    let best = (0..clauses.len())
        .filter(|&i| measures(i) && counted(i) && !sum_for_count(i))
        // An amount the question itself gives ("KF-21") is not the one it asks for.
        .filter(|&i| crate::text::has_quantity_besides(clauses[i], &q.text) || anniversary(i))
        // "How old …" is answered in years, not by any number.
        .filter(|&i| units.is_none_or(|u| in_units(clauses[i], u)))
        // An amount dated another year than the one asked about is not its amount
        // ("USD 200 billion … in 2022" for "How much trade … in 2023?").
        .filter(|&i| q.years.is_empty() || !dates_other_year(clauses[i], &q.years))
        .filter_map(|i| {
            let (clause, (weight, telling)) = (clauses[i], words(i));
            // "How much … in 2021?": the clause that names the year asked about wins
            // over any that shares more words but not the year.
            let year = q.years.iter().any(|y| clause.contains(&y.to_string()));
            // An amount beside only "Korea" or "ASEAN" is not the one asked about
            // ("10 million Korean travelers" for "How much did Korea invest?").
            (telling || year).then(|| (weight + if year { w.total() } else { 0.0 }, clause.trim()))
        })
        .max_by(|x, y| x.0.total_cmp(&y.0))?;
    let clause = best.1;
    // A long clause says more than the amount ("in 2020 after expanding the Fund …
    // to an annual 14 million U.S. dollars last year would contribute to …"): the
    // lead is then the amount alone, or nothing.
    if clause.split_whitespace().count() > MAX_CLAUSE_WORDS {
        let count = || {
            measured
                .filter(|_| counts)
                .and_then(|m| count_phrase(q, m, clause, a))
        };
        let years = || {
            in_years
                .then(|| crate::text::anniversary_phrase(clause))
                .flatten()
        };
        return crate::text::amount_phrase(clause)
            .or_else(count)
            .or_else(years);
    }
    (!clause.is_empty()).then_some(clause)
}

/// The longest clause an amount's lead is; "about 10 million Korean travelers before
/// COVID-19 in 2019" (ten words) reads at a glance.
const MAX_CLAUSE_WORDS: usize = 12;

/// Whether the clause gives an amount in one of `units` (lower-case words).
fn in_units(clause: &str, units: &[String]) -> bool {
    let lower = clause.to_lowercase();
    crate::lexicon::words(&lower)
        .iter()
        .any(|w| units.iter().any(|u| u == w))
}

/// How many words from what a count counts its number may stand ("27 member
/// states", "ARF members (a total of 27)").
const COUNT_REACH: usize = 4;

/// Whether a number stands within `COUNT_REACH` words of the concept `at` in the
/// clause.
fn count_beside(q: &Question, at: usize, clause: &str, a: &TextAnalyzer) -> bool {
    let Some((_, number, counted)) = count_marks(q, at, clause, a) else {
        return false;
    };
    let numbers: Vec<usize> = (0..number.len()).filter(|&i| number[i]).collect();
    (0..counted.len())
        .filter(|&i| counted[i])
        .any(|i| numbers.iter().any(|&n| n.abs_diff(i) <= COUNT_REACH))
}

/// The number and what it counts, when the count stands right before the concept `at`
/// ("strategic plans across *four pillars*"): a bare number is an amount only beside
/// what it counts.
fn count_phrase<'c>(q: &Question, at: usize, clause: &'c str, a: &TextAnalyzer) -> Option<&'c str> {
    let (tokens, number, counted) = count_marks(q, at, clause, a)?;
    (0..tokens.len()).find_map(|i| {
        let word = &clause[tokens[i].start..tokens[i].end];
        // A whole number or a number word: not "40th", "2+2" nor a year.
        let whole =
            word.bytes().all(|b| b.is_ascii_digit()) || !word.bytes().any(|b| b.is_ascii_digit());
        let last = (i + 1..(i + 3).min(tokens.len())).find(|&j| counted[j])?;
        (number[i] && whole && crate::text::year_of(word).is_none())
            .then(|| &clause[tokens[i].start..tokens[last].end])
    })
}

/// The clause's tokens, and for each whether it is a number (it holds a digit, or is
/// one of the lexicon's `number_words`) and whether it says the concept `at`.
fn count_marks(
    q: &Question,
    at: usize,
    clause: &str,
    a: &TextAnalyzer,
) -> Option<(Vec<analyzer::Token>, Vec<bool>, Vec<bool>)> {
    let concept = q.concepts.get(at)?;
    let tokens = analyzer::tokens(a, clause);
    let lex = crate::lexicon::get();
    let number = tokens
        .iter()
        .map(|t| {
            let word = &clause[t.start..t.end];
            word.chars().any(|c| c.is_ascii_digit())
                || lex.number_words.contains(&word.to_lowercase())
        })
        .collect();
    let counted = tokens
        .iter()
        .map(|t| concept.variants.iter().any(|v| v.first() == Some(&t.stem)))
        .collect();
    Some((tokens, number, counted))
}

/// Whether the stems name the question's concept `at`, in any of its variants.
fn names_concept(q: &Question, at: usize, stems: &[String]) -> bool {
    q.concepts
        .get(at)
        .is_some_and(|c| c.variants.iter().any(|v| contains(stems, v)))
}

/// Whether the clause names a year, and none of `years`.
fn dates_other_year(clause: &str, years: &[u16]) -> bool {
    let mut named = clause
        .split(|c: char| !c.is_ascii_digit())
        .filter_map(crate::text::year_of)
        .peekable();
    named.peek().is_some() && !named.any(|y| years.contains(&y))
}

/// The question's words as asked, but for those in a large share of the corpus: the
/// name asked for stands near "delegation", not near "ASEAN", which is everywhere.
/// When every word is common, all of them: with none, any name would be a guess.
pub(super) fn telling_words<'q>(q: &'q Question, w: &Weights) -> Vec<&'q str> {
    let words = |all: bool| -> Vec<&'q str> {
        q.concepts
            .iter()
            .zip(&w.common)
            .filter(|(_, common)| all || !**common)
            .flat_map(|(c, _)| c.asked.split_whitespace())
            .collect()
    };
    let telling = words(false);
    if telling.is_empty() {
        words(true)
    } else {
        telling
    }
}

#[cfg(test)]
mod tests {
    use super::dates_other_year;

    #[test]
    fn an_amount_dated_another_year_is_not_the_one_asked_about() {
        let clause = "about USD 200 billion in bilateral trade in 2022";
        assert!(dates_other_year(clause, &[2023]));
        assert!(!dates_other_year(clause, &[2022]));
        // An undated amount may be of any year.
        assert!(!dates_other_year(
            "25% of Korea’s total bilateral ODA",
            &[2023]
        ));
    }
}
