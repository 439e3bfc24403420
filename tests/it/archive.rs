//! A large archive of look-alike releases: what holds at the seed size must still hold
//! when thousands of paragraphs share the question's words.

use std::path::Path;

use attache::corpus::Release;
use attache::{Corpus, Engine};

/// A release in the corpus format; `n` keeps ids and files apart.
fn release(n: usize, date: &str, title: &str, paragraphs: &[String]) -> Release {
    let body: String = paragraphs
        .iter()
        .enumerate()
        .map(|(i, p)| format!("{}. {p}\n\n", i + 1))
        .collect();
    release_with_body(n, date, title, &body)
}

fn release_with_body(n: usize, date: &str, title: &str, body: &str) -> Release {
    let text = format!(
        "+++\nid = \"{date}-r{n}\"\ntitle = \"{title}\"\ndate = \"{date}\"\nplace = \"Seoul\"\nmeeting = \"\"\nurl = \"https://example.invalid/{n}\"\nlang = \"en\"\n+++\n\n{body}"
    );
    Release::parse(Path::new(&format!("{date}-r{n}.md")), &text).expect("a valid release")
}

fn engine(releases: Vec<Release>) -> Engine {
    Engine::new(Corpus::new(releases), None).expect("the index builds")
}

/// Adds the release that answers (one paragraph, `answer`) to the look-alikes and
/// checks that `question` cites it first.
fn cites_first(
    mut releases: Vec<Release>,
    (date, title): (&str, &str),
    answer: &str,
    question: &str,
) -> Engine {
    releases.push(release(99_999, date, title, &[answer.to_string()]));
    let engine = engine(releases);
    let a = engine.answer(question);
    assert!(a.found, "{}", a.text);
    assert_eq!(a.citations[0].text, answer, "{}", a.text);
    engine
}

/// A year that is not `avoid`, spread over three decades, with a valid date.
fn other_date(i: usize, avoid: u16) -> String {
    let mut year = 1995 + (i % 30) as u16;
    if year == avoid {
        year += 1;
    }
    format!("{year}-{:02}-{:02}", 1 + i % 12, 1 + i % 28)
}

#[test]
fn a_year_in_the_question_reaches_that_years_release_past_many_look_alikes() {
    // Hundreds of other years' releases say the question's words more often than the
    // one release of the year asked about.
    let mut releases: Vec<Release> = (0..600)
        .map(|i| {
            let text = format!(
                "The Youth Forum marked an anniversary of the Youth Forum partnership, and the Youth Forum anniversary programme number {i} marked it."
            );
            release(i, &other_date(i, 2020), "Youth Forum Held", &[text])
        })
        .collect();
    // The year asked about is a busy one: its release year alone singles out little.
    releases.extend((0..300).map(|i| {
        let text = format!("Delegates discussed trade item {i} at the session.");
        release(
            1_000 + i,
            &format!("2020-{:02}-{:02}", 1 + i % 12, 1 + i % 28),
            "Session Held",
            &[text],
        )
    }));
    cites_first(
        releases,
        ("2020-05-05", "Youth Forum Held"),
        "In its opening session the Youth Forum marked the 10th anniversary of its founding, with delegates from ten member states, students and officials.",
        "Which anniversary did the Youth Forum mark in 2020?",
    );
}

#[test]
fn a_word_the_archive_never_uses_does_not_outweigh_the_words_it_shares() {
    // Five thousand paragraphs, a tenth of them using each of the question's words:
    // a large archive makes every known word commoner, never the unknown one rarer.
    let words = [
        "anniversary",
        "strategic",
        "partnership",
        "budget",
        "trade",
        "health",
        "energy",
        "youth",
        "ocean",
        "climate",
    ];
    let releases: Vec<Release> = (0..5_000)
        .map(|i| {
            let word = words[i % words.len()].to_string();
            let filler =
                format!("Delegates reviewed item {i} of the {word} agenda at the session.");
            release(i, &other_date(i, 0), "Session Held", &[filler])
        })
        .collect();
    let engine = cites_first(
        releases,
        ("2020-09-09", "Foreign Ministers’ Meeting Held"),
        "Minister Kang stressed that this year marks the 10th anniversary of the Strategic Partnership between the two sides.",
        "Which anniversary did the Strategic Partnership celebrate?",
    );
    // Words the archive lacks still count against an answer.
    let answer = engine.answer("Which anniversary did the orchestra and the choir celebrate?");
    assert!(!answer.found, "{}", answer.text);
}

#[test]
fn which_countries_is_answered_by_a_quote_that_names_countries() {
    // Many paragraphs say "countries" and every other word of the question; the one
    // that answers names the countries instead.
    let releases: Vec<Release> = (0..30)
        .map(|i| {
            let text = format!(
                "Member countries met on item {i}; later, after a long review of budgets, schedules and staff, a partnership was noted, and some time afterwards it was established, as ASEAN recorded."
            );
            release(i, &other_date(i, 0), "Session Held", &[text])
        })
        .collect();
    cites_first(
        releases,
        ("2023-06-16", "Luncheon Held"),
        "ASEAN established partnerships with China and Australia in 2021.",
        "Which countries established a partnership with ASEAN?",
    );
}

#[test]
fn minister_kang_is_not_deputy_minister_kang() {
    // The deputy minister says the same, in newer releases.
    let mut releases: Vec<Release> = (0..30)
        .map(|i| {
            let text = format!(
                "Deputy Minister Kang mentioned fighting transnational crime at session {i}."
            );
            release(i, &other_date(i, 0), "Consultation Held", &[text])
        })
        .collect();
    // Other business, so that the name is not in every paragraph.
    releases.extend((0..200).map(|i| {
        let text = format!("Delegates reviewed trade item {i} at the session.");
        release(100 + i, &other_date(i, 0), "Session Held", &[text])
    }));
    cites_first(
        releases,
        ("2020-09-09", "Foreign Ministers’ Meeting Held"),
        "Minister Kang mentioned the need to fight transnational crime in the whole region.",
        "What did Minister Kang say about transnational crime?",
    );
}

/// Releases that each match "What did Minister Kang say about transnational crime?"
/// better than a point under the answer does (though they say "Kang", not "Minister
/// Kang"), among other business of the Minister's, so that "Minister" is a common word
/// and "Kang" is not.
fn look_alikes() -> Vec<Release> {
    let topics = [
        "budget", "youth", "ocean", "energy", "health", "trade", "climate",
    ];
    let mut releases: Vec<Release> = topics
        .iter()
        .enumerate()
        .map(|(i, topic)| {
            let text = format!(
                "Kang discussed transnational crime at the {topic} session with many delegates from the whole region."
            );
            release(i, &other_date(i, 0), "Session Held", &[text])
        })
        .collect();
    releases.extend((0..100).map(|i| {
        let text = format!("The Minister reviewed trade item {i} at the session.");
        release(100 + i, &other_date(i, 0), "Session Held", &[text])
    }));
    releases
}

#[test]
fn the_points_under_the_answer_are_cited_right_after_it() {
    let mut releases = look_alikes();
    let head = "With regard to security threats, Minister Kang mentioned the need to continue cooperation on terrorism and transnational crimes in the whole region.";
    let point = "The Minister noted that the two sides had launched the Ministerial Meeting on Transnational Crime in 2019.";
    let body = format!(
        "1. Opening remarks were made.\n\n2. {head}\n\n° {point}\n\n3. Other matters followed.\n\n"
    );
    releases.push(release_with_body(
        999,
        "2020-09-09",
        "Foreign Ministers’ Meeting Held",
        &body,
    ));
    let cited_in_a_row = |releases: Vec<Release>| {
        let answer =
            engine(releases).answer("What did Minister Kang say about transnational crime?");
        assert!(answer.found, "{}", answer.text);
        let first = answer.citations.iter().position(|c| c.text == head);
        let next = answer.citations.iter().position(|c| c.text == point);
        assert!(
            first.is_some() && next == first.map(|i| i + 1),
            "{}",
            answer.text
        );
        first
    };
    assert_eq!(cited_in_a_row(releases.clone()), Some(0));
    // Under the second citation as well as under the first.
    let better = "Minister Kang stressed transnational crime.";
    releases.push(release(
        998,
        "2021-09-09",
        "Meeting Held",
        &[better.to_string()],
    ));
    assert_eq!(cited_in_a_row(releases), Some(1));
}

#[test]
fn a_point_that_only_scatters_the_questions_words_is_not_pulled_in() {
    let filler = "the delegates reviewed the schedule of the meetings for the coming months and the budget lines of the secretariat in detail";
    let head = "Minister Kang mentioned the need to continue cooperation on terrorism and transnational crimes in the whole region.";
    let point = format!(
        "The Minister opened the session, {filler}, {filler}, and then transnational topics came up, {filler}, {filler}, before a report on crime statistics."
    );
    let body = format!("1. {head}\n\n° {point}\n\n");
    let mut releases = look_alikes();
    releases.push(release_with_body(
        999,
        "2020-09-09",
        "Foreign Ministers’ Meeting Held",
        &body,
    ));
    let answer = engine(releases).answer("What did Minister Kang say about transnational crime?");
    assert!(answer.found, "{}", answer.text);
    let first = answer.citations.iter().position(|c| c.text == head);
    assert!(first.is_some(), "{}", answer.text);
    let after = first.and_then(|i| answer.citations.get(i + 1));
    assert!(after.is_none_or(|c| c.text != point), "{}", answer.text);
}

#[test]
fn a_point_that_states_the_fact_answers_for_the_paragraph_above_it() {
    // The numbered paragraph matches the question best but names no one; the point
    // under it names who co-chaired. A release about another briefing names someone too.
    let body = "1. A briefing session on the outcomes of the Commemorative Summit held in \
        Busan took place for members of the diplomatic corps in Seoul at the Ministry of \
        Foreign Affairs on December 10.\n\n\
        ° The briefing session was co-chaired by H.E. Yoon Soon-gu, former Deputy \
        Minister, and brought together some 100 diplomats of about 70 embassies.\n\n";
    let mut releases: Vec<Release> = (0..40)
        .map(|i| {
            release(
                i,
                &other_date(i, 2019),
                "Minister Attends Meeting",
                &[format!(
                    "Minister Lee Jae-{i} discussed trade with the ASEAN side."
                )],
            )
        })
        .collect();
    releases.push(release_with_body(
        99_998,
        "2019-12-10",
        "Briefing Session on the Outcome of the Summit",
        body,
    ));
    let engine = engine(releases);
    let question = "Who co-chaired the December 2019 briefing for the diplomatic corps on the \
        outcome of the Busan summit?";
    let a = engine.answer(question);
    assert!(a.found, "{}", a.text);
    assert!(a.citations[0].text.contains("Yoon Soon-gu"), "{}", a.text);
}

#[test]
fn a_when_lead_is_the_date_nearest_the_event_asked_about_a_year_too() {
    let answer = "The ROK and Thailand established diplomatic relations on October 1, 1958, \
                  and forged the bilateral strategic partnership in 2012.";
    let releases = vec![release(
        1,
        "2018-05-03",
        "3rd ROK-Thailand Policy Consultation",
        &[answer.to_string()],
    )];
    let engine = engine(releases);
    let forged = engine.answer("When did the ROK and Thailand forge their strategic partnership?");
    assert!(forged.text.starts_with("2012 [1]"), "{}", forged.text);
    let relations = engine.answer("When did the ROK and Thailand establish diplomatic relations?");
    assert!(
        relations.text.starts_with("October 1, 1958 [1]"),
        "{}",
        relations.text
    );
}

#[test]
fn a_who_lead_never_names_the_person_asked_about_however_common() {
    // Kang is in every release, so her name is a common word of this archive; the lead
    // still names whom she met, and "counterpart" titles the name that follows it.
    let mut releases: Vec<Release> = (0..40)
        .map(|i| {
            release(
                i,
                &other_date(i, 2017),
                "Minister Attends Meeting",
                &[format!(
                    "Foreign Minister Kang Kyung-wha discussed trade item {i}."
                )],
            )
        })
        .collect();
    let met = "On August 29, Foreign Minister Kang Kyung-wha met with her Laotian \
               counterpart Saleumxay Kommasith, who is making an official visit to the \
               Republic of Korea.";
    releases.push(release(
        99_997,
        "2017-08-29",
        "ROK-Laos Foreign Ministers' Meeting",
        &[met.to_string()],
    ));
    let engine = engine(releases);
    let a = engine.answer("Who did Kang Kyung-wha meet on August 29, 2017?");
    assert!(a.text.starts_with("Saleumxay Kommasith [1]"), "{}", a.text);
}

#[test]
fn a_name_opened_by_its_parties_is_said_without_them() {
    let said = "Foreign Minister Chung welcomed the results achieved since the establishment \
                of the Special Strategic Partnership in 2017 with Indonesia.";
    let releases = vec![
        release(
            1,
            "2021-06-25",
            "Korea-Indonesia Foreign Ministers' Meeting",
            &[said.to_string()],
        ),
        release(
            2,
            "2021-06-20",
            "Minister Attends Meeting",
            &["Minister Chung discussed the Cooperation Fund with ASEAN.".to_string()],
        ),
    ];
    let engine = engine(releases);
    let a =
        engine.answer("When was the Korea-Indonesia Special Strategic Partnership established?");
    assert!(a.text.starts_with("2017 [1]"), "{}", a.text);
    // A name opened by something else than countries must be said whole.
    let a = engine.answer("When was the Mekong-Korea Cooperation Fund set up?");
    assert!(!a.found, "{}", a.text);
}

#[test]
fn a_count_stands_beside_what_it_counts() {
    let track = "ARF Experts and Eminent Persons Meeting: A 1.5 track meeting among experts \
                 appointed by ARF members and government officials.";
    let total = "The ARF is comprised of 27 member states, including the ten ASEAN countries.";
    // The paragraph states no count of members: no lead of "1.5".
    let a = engine_of_one(track).answer("How many members does the ARF have?");
    assert!(!a.text.contains("1.5 ["), "{}", a.text);
    let engine = engine_of_one(total);
    let a = engine.answer("How many members does the ARF have?");
    let lead = a.text.lines().next().unwrap_or("");
    assert!(lead.contains("27") && lead.ends_with("[1]"), "{}", a.text);
}

/// The release of `paragraph` among releases about other things, so that its words
/// are rare.
fn engine_of_one(paragraph: &str) -> Engine {
    engine_among_others(release(
        1,
        "2018-08-04",
        "ARF Foreign Ministers' Meeting",
        &[paragraph.to_string()],
    ))
}

/// The release among twenty that speak of other things.
fn engine_among_others(answering: Release) -> Engine {
    let mut releases: Vec<Release> = (0..20)
        .map(|i| {
            let text = format!("Minister Lee Jae-{i} discussed trade with Europe.");
            release(
                i + 2,
                &other_date(i, 0),
                "Minister Attends Meeting",
                &[text],
            )
        })
        .collect();
    releases.push(answering);
    engine(releases)
}

#[test]
fn a_meeting_asked_about_in_the_words_its_acronym_stands_for_is_its_release() {
    // The titles say "EAS", the question "East Asia Summit": the release that spells it
    // out is the meeting asked about, so its opening paragraph does not win on the
    // meeting's words alone. Neither release names its meeting but in its title.
    let release_of = |n: usize, date: &str, city: &str, action: &str| {
        release(
            n,
            date,
            &format!("{n}th EAS Foreign Ministers’ Meeting ({city})"),
            &[
                format!(
                    "Minister of Foreign Affairs Lee Min-ho attended the {n}th East Asia \
                     Summit (EAS) Foreign Ministers’ Meeting held in {city} on July 21, and \
                     exchanged views with the other ministers on regional issues."
                ),
                format!("Minister Lee {action}, calling it a step for regional trade."),
            ],
        )
    };
    let engine = engine(vec![
        release_of(
            4,
            "2011-07-21",
            "Hanoi",
            "criticized the decision to close the border",
        ),
        release_of(
            5,
            "2012-07-12",
            "Phnom Penh",
            "welcomed the decision to open a port",
        ),
    ]);
    let a = engine
        .answer("What decision did Lee Min-ho criticize at the 4th East Asia Summit Foreign Ministers' Meeting?");
    assert!(a.found, "{}", a.text);
    assert!(
        a.citations[0].text.contains("close the border"),
        "{}",
        a.text
    );
}

#[test]
fn a_body_standing_by_what_is_asked_answers_who() {
    let answer = "The two sides praised the work of the Seoul Maritime Institute, the \
                  coordinator of the ASEAN-ROK Ocean Partnership, and agreed to expand it.";
    let engine = engine_of_one(answer);
    let a = engine.answer("Who is the coordinator of the ASEAN-ROK Ocean Partnership?");
    assert!(a.found, "{}", a.text);
    assert_eq!(a.citations[0].text, answer, "{}", a.text);
    // A body named far from what is asked, or by the question itself, is no answer.
    let far = "The ASEAN Committee in Seoul attended the luncheon. The two sides then \
               discussed at length how the partnership should be coordinated in future.";
    let engine = engine_of_one(far);
    let a = engine.answer("Who is the coordinator of the ASEAN-ROK Ocean Partnership?");
    assert!(!a.found, "{}", a.text);
}

#[test]
fn the_opening_paragraph_does_not_win_on_the_scene_it_sets() {
    // The question repeats the scene (who met whom, where, when); the point that
    // answers says only "the two ministers". A point about another country, in a
    // release of two meetings, does not borrow the scene's names.
    let scene = "Minister of Foreign Affairs Lee Min-ho held talks with Foreign Minister \
                 Nguyen Van An of Viet Nam in Hanoi on March 3, 2021, and with Foreign \
                 Minister Somsak Vongsa of Laos on March 4, 2021, to discuss relations \
                 between Korea and Viet Nam and between Korea and Laos.";
    let answer = "The two ministers agreed to introduce fast-track entry procedures for business travel between \
                  the two countries.";
    let other = "(Laos) Minister Lee and Foreign Minister Somsak Vongsa agreed to introduce \
                 a joint committee on trade between the two countries.";
    let engine = engine_among_others(release(
        1,
        "2021-03-03",
        "Foreign Minister Holds Talks in Hanoi",
        &[scene.to_string(), answer.to_string(), other.to_string()],
    ));
    let a = engine.answer(
        "What did Lee Min-ho and Nguyen Van An agree Korea and Viet Nam would introduce for business travel in Hanoi in March 2021?",
    );
    assert!(a.found, "{}", a.text);
    assert_eq!(a.citations[0].text, answer, "{}", a.text);
}

#[test]
fn a_name_spelled_out_in_the_question_is_found_by_its_acronym() {
    // The question spells the name out; the paragraph that answers writes only the
    // acronym, which another paragraph of the corpus defines.
    let defines = "The East Asia Vision Group (EAVG) was formed to study the long-term vision \
                   of regional cooperation.";
    let answer = "The EAVGs I and II were formed in 1999 and 2011, respectively.";
    let engine = engine_among_others(release(
        1,
        "2018-08-04",
        "Outcome of the ASEAN Plus Three Foreign Ministers' Meeting",
        &[defines.to_string(), answer.to_string()],
    ));
    let a = engine.answer("When were the East Asia Vision Groups I and II formed?");
    assert!(a.found, "{}", a.text);
    assert_eq!(a.citations[0].text, answer, "{}", a.text);
}

/// The lead of a how-much answer, or `None` when the engine abstained.
fn amount_lead(paragraph: &str, question: &str) -> Option<String> {
    let a = engine_of_one(paragraph).answer(question);
    a.found
        .then(|| a.text.lines().next().unwrap_or("").to_string())
}

#[test]
fn a_count_is_read_within_its_sentence_and_beside_what_it_counts() {
    // The clause with the count starts a new sentence after a date.
    let ottawa = "The Support Group Meeting will be held in Ottawa, Canada, from April 2 to 4. \
                  Representatives of 27 member states of the Forum including China, Japan and \
                  the ROK will attend the Meeting.";
    let lead = amount_lead(
        ottawa,
        "How many member states will send representatives to Ottawa?",
    );
    assert!(
        lead.as_deref().is_some_and(|l| l.contains("27")),
        "{lead:?}"
    );
    // A bare number in a long clause is an amount beside what it counts.
    let pillars = "It consists of the Kuala Lumpur Declaration and the Community Vision as well \
                   as strategic plans across four pillars -- political affairs, economy, \
                   culture and connectivity.";
    let lead = amount_lead(pillars, "How many pillars do the strategic plans have?");
    assert!(
        lead.as_deref()
            .is_some_and(|l| l.starts_with("four pillars")),
        "{lead:?}"
    );
}

#[test]
fn how_many_years_is_answered_by_an_anniversary_and_a_count_never_by_money() {
    let brunei = "Minister Cho extended congratulations on the 40th anniversary of diplomatic \
                  relations between the two countries and the 40th anniversary of independence \
                  of Brunei this year.";
    let lead = amount_lead(
        brunei,
        "How many years of diplomatic relations did Brunei and Korea celebrate?",
    );
    assert!(
        lead.as_deref()
            .is_some_and(|l| l.starts_with("40th anniversary")),
        "{lead:?}"
    );
    let fund = "Minister Kang hoped that the launch of projects such as the scholarship \
                program for university faculty, in 2020 after expanding the Cooperation Fund \
                to an annual 14 million U.S. dollars last year, would build capacity.";
    let scholarships = "How many scholarships does the scholarship program for university faculty award each year?";
    let lead = amount_lead(fund, scholarships);
    assert!(
        !lead.is_some_and(|l| l.contains("14 million")),
        "a sum is no count"
    );
    let lead = amount_lead(fund, "How many dollars does the Fund get each year?");
    assert!(
        lead.as_deref().is_some_and(|l| l.contains("14 million")),
        "{lead:?}"
    );
}

#[test]
fn a_release_that_spells_out_an_acronym_names_it() {
    // One release uses "EAS"; the one asked about only spells it out.
    let other = release(
        2,
        "2021-08-04",
        "11th EAS Foreign Ministers' Meeting",
        &["The EAS ministers discussed vaccines.".to_string()],
    );
    let som = release(
        3,
        "2022-06-09",
        "Results of the ARF Senior Officials' Meeting",
        &[
            "The ARF Senior Officials' Meeting (SOM) was held online on 9 June, following \
           the senior officials' meetings of ASEAN+3 and the East Asia Summit on the \
           previous day."
                .to_string(),
        ],
    );
    let engine = engine_among_others(som);
    let engine = engine_with(engine, other);
    let a = engine
        .answer("Was the 2022 ARF SOM held on the same day as the EAS senior officials' meeting?");
    assert!(a.found, "{}", a.text);
    assert!(a.citations[0].text.contains("previous day"), "{}", a.text);
}

/// The engine's releases and one more.
fn engine_with(engine: Engine, more: Release) -> Engine {
    let mut releases = engine.corpus().releases().to_vec();
    releases.push(more);
    self::engine(releases)
}

#[test]
fn a_month_alone_answers_when() {
    let months = "They agreed to cooperate closely for the success of the Foreign Ministers' \
                  Meeting in August and the Summit in November.";
    let a = engine_of_one(months)
        .answer("In which months were the Foreign Ministers' Meeting and the Summit planned?");
    assert!(a.found, "{}", a.text);
    assert!(a.citations[0].text.contains("in August"), "{}", a.text);
}
