//! A synthetic corpus for benchmarks and scale tests: releases in the real corpus
//! format (TOML front matter between `+++` lines, numbered paragraphs and bullets),
//! written from the seed releases' vocabulary and shapes, with invented meeting
//! numbers, dates, places and people.
//!
//! It also writes the distractors a real archive has: near-duplicates of each seed
//! release that differ only in the meeting's ordinal (and so its year: the meetings
//! are annual), its year, or its host country. The 26th and the 27th Dialogue read
//! alike; Attaché must still cite the one asked about.
//!
//! Shared by `examples/gen_corpus.rs`, `examples/scale_eval.rs`, `benches/answer.rs`
//! and `tests/it/scale.rs` through `#[path]` (dev-only: nothing here is in `src/`).
//! Deterministic: the same seed releases and the same seed number give the same files
//! byte for byte (no hash-order iteration, a PRNG of our own).
//!
//! The generator never invents a meeting newer than the newest seed release, nor a
//! meeting of a seed's kind with an ordinal beyond the seeds' (the dev set's "30th
//! Dialogue" must stay absent), nor a second release of a seed's meeting.

#![allow(dead_code)]

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;

use attache::Date;
use attache::corpus::import::Imported;
use attache::corpus::{Corpus, CorpusError, FrontMatter, Release};
use attache::text::{ordinal_number, ordinal_suffix};

/// SplitMix64: tiny, fast and good enough to pick words.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x5EED_A77A_C4E0_0001)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next_u64() % n as u64) as usize
        }
    }

    pub fn range(&mut self, lo: usize, hi_inclusive: usize) -> usize {
        lo + self.below(hi_inclusive.saturating_sub(lo) + 1)
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    pub fn chance(&mut self, p: f64) -> bool {
        ((self.next_u64() >> 11) as f64 / (1u64 << 53) as f64) < p
    }
}

/// One corpus file: its name in the directory and its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SynthFile {
    pub name: String,
    pub text: String,
}

/// How a distractor differs from its seed release.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// Another ordinal of the same meeting, a year apart per number.
    Ordinal,
    /// The same release another year.
    Year,
    /// The same release hosted by another country.
    Country,
}

/// A near-duplicate of a seed release.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Distractor {
    pub id: String,
    pub seed_id: String,
    pub change: Change,
}

/// What `generate` writes.
#[derive(Debug, Clone)]
pub struct Synth {
    pub files: Vec<SynthFile>,
    pub distractors: Vec<Distractor>,
    /// Paragraphs in `files` (exactly the number asked for).
    pub paragraphs: usize,
}

impl Synth {
    /// Parses the generated files into releases.
    pub fn releases(&self) -> Result<Vec<Release>, CorpusError> {
        self.files
            .iter()
            .map(|f| Release::parse(Path::new(&f.name), &f.text))
            .collect()
    }

    /// Writes the files into `dir` (created if missing).
    pub fn write(&self, dir: &Path) -> std::io::Result<()> {
        std::fs::create_dir_all(dir)?;
        for f in &self.files {
            std::fs::write(dir.join(&f.name), &f.text)?;
        }
        Ok(())
    }
}

/// The seed releases plus `paragraphs` synthetic paragraphs, as one corpus.
pub fn corpus_with_seeds(
    seeds: &Corpus,
    paragraphs: usize,
    seed: u64,
) -> Result<(Corpus, Synth), CorpusError> {
    let synth = generate(seeds, paragraphs, seed);
    let mut releases = seeds.releases().to_vec();
    releases.extend(synth.releases()?);
    Ok((Corpus::new(releases), synth))
}

/// Writes `paragraphs` paragraphs of releases learnt from `seeds` (which are not
/// included: copy them beside the output to answer the dev set).
pub fn generate(seeds: &Corpus, paragraphs: usize, seed: u64) -> Synth {
    Generator::new(seeds, seed).run(paragraphs)
}

// ---------------------------------------------------------------------------------
// Entities: what is replaced by a placeholder when learning and invented when writing.

/// People named in the seed releases (full names first, then the surnames the
/// releases use on their own: "Minister Cho").
const SEED_PEOPLE: &[&str] = &[
    "Cho Tae-yul",
    "Park Jin",
    "Kang, Kyung-wha",
    "Kang Kyung-wha",
    "Yeo Seung-bae",
    "Vu Ho",
    "Kao Kim Hourn",
    "Saleumxay Kommasith",
    "Mohamad bin Hasan",
    "Retno L.P. Marsudi",
    "Erywan Yusof",
    "Vivian Balakrishnan",
    "Yoo Myung-Hee",
    "Moon Jae-in",
    "Chung Byung-won",
    "Park Yoonjoo",
    "Hahm Jeong-han",
];
const SEED_SURNAMES: &[&str] = &["Cho", "Park", "Kang", "Yeo", "Kao", "Chung", "Retno"];

/// Countries, longest names first so "Brunei Darussalam" wins over "Brunei".
const COUNTRIES: &[(&str, &str)] = &[
    ("Brunei Darussalam", "Bandar Seri Begawan"),
    ("Timor-Leste", "Dili"),
    ("Philippines", "Manila"),
    ("Indonesia", "Jakarta"),
    ("Singapore", "Singapore"),
    ("Cambodia", "Phnom Penh"),
    ("Malaysia", "Kuala Lumpur"),
    ("Thailand", "Bangkok"),
    ("Viet Nam", "Hanoi"),
    ("Myanmar", "Naypyidaw"),
    ("Lao PDR", "Vientiane"),
    ("Brunei", "Bandar Seri Begawan"),
    ("Laos", "Vientiane"),
];
const CITIES: &[&str] = &[
    "Bandar Seri Begawan",
    "Kuala Lumpur",
    "Phnom Penh",
    "Naypyidaw",
    "Vientiane",
    "Bangkok",
    "Jakarta",
    "Manila",
    "Hanoi",
    "Seoul",
    "Busan",
    "Jeju",
    "Dili",
];

const KOREAN_SURNAMES: &[&str] = &[
    "Kim", "Lee", "Park", "Choi", "Jung", "Kang", "Cho", "Yoon", "Jang", "Lim", "Han", "Oh", "Seo",
    "Shin", "Kwon", "Hwang", "Ahn", "Song", "Yoo", "Hong",
];
const KOREAN_SYLLABLES: &[&str] = &[
    "min", "seo", "ji", "hyun", "woo", "jun", "young", "soo", "eun", "hee", "sung", "ho", "jae",
    "kyung", "dong", "hae", "won", "chul", "tae", "yeon", "bin", "gyu",
];
const ASEAN_GIVEN: &[&str] = &[
    "Arunee",
    "Bounkham",
    "Chanthol",
    "Dewi",
    "Farid",
    "Hadi",
    "Intan",
    "Kamal",
    "Linh",
    "Maung",
    "Nurul",
    "Phonesavanh",
    "Rizal",
    "Sokha",
    "Thida",
    "Wirat",
    "Yusof",
    "Anh",
    "Siti",
    "Kyaw",
];
const ASEAN_FAMILY: &[&str] = &[
    "Suwannarat",
    "Vongsay",
    "Sokhom",
    "Pratama",
    "Rahman",
    "Santos",
    "Nguyen",
    "Tran",
    "Aung",
    "Ibrahim",
    "Phommachanh",
    "Wijaya",
    "Reyes",
    "Chanthavong",
    "Hamid",
    "Tan",
    "Lim",
    "Soe",
];

fn korean_name(rng: &mut Rng) -> (String, String) {
    let surname = rng.pick(KOREAN_SURNAMES).to_string();
    let a = rng.pick(KOREAN_SYLLABLES);
    let b = rng.pick(KOREAN_SYLLABLES);
    let given = format!("{}{}-{}", a[..1].to_uppercase(), &a[1..], b);
    (format!("{surname} {given}"), surname)
}

fn asean_name(rng: &mut Rng) -> (String, String) {
    let given = rng.pick(ASEAN_GIVEN).to_string();
    let family = rng.pick(ASEAN_FAMILY).to_string();
    (format!("{given} {family}"), given)
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric()
}

/// Replaces `from` by `to` where it stands as a whole word.
pub fn replace_words(text: &str, from: &str, to: &str) -> String {
    if from.is_empty() {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(from) {
        let before = rest[..at].chars().next_back();
        let after = rest[at + from.len()..].chars().next();
        let bounded = !before.is_some_and(is_word_char) && !after.is_some_and(is_word_char);
        out.push_str(&rest[..at]);
        out.push_str(if bounded { to } else { from });
        rest = &rest[at + from.len()..];
    }
    out.push_str(rest);
    out
}

/// Applies whole-word replacements in order.
fn apply(edits: &[(String, String)], text: &str) -> String {
    edits
        .iter()
        .fold(text.to_string(), |t, (a, b)| replace_words(&t, a, b))
}

/// Replaces ordinals ("26th") and years ("2024") standing as words by placeholders.
fn mark_numbers(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut i = 0;
    while i < chars.len() {
        let (at, c) = chars[i];
        let prev_word = i > 0 && is_word_char(chars[i - 1].1);
        if c.is_ascii_digit() && !prev_word {
            let mut j = i;
            while j < chars.len() && chars[j].1.is_ascii_digit() {
                j += 1;
            }
            let mut k = j;
            while k < chars.len() && chars[k].1.is_ascii_alphabetic() {
                k += 1;
            }
            let end = chars.get(k).map_or(text.len(), |&(b, _)| b);
            let bounded = chars.get(k).is_none_or(|&(_, c)| !is_word_char(c));
            let word = &text[at..end];
            if bounded && ordinal_number(word).is_some() && k > j {
                out.push_str("{ORD}");
                i = k;
                continue;
            }
            let digits = &text[at..chars.get(j).map_or(text.len(), |&(b, _)| b)];
            if bounded
                && k == j
                && digits.len() == 4
                && (digits.starts_with("19") || digits.starts_with("20"))
            {
                out.push_str("{YEAR}");
                i = j;
                continue;
            }
        }
        out.push(c);
        i += 1;
    }
    out
}

/// A seed paragraph with its entities replaced by placeholders.
fn templatize(text: &str) -> String {
    let mut t = text.to_string();
    for p in SEED_PEOPLE {
        t = replace_words(&t, p, "{PERSON}");
    }
    for s in SEED_SURNAMES {
        t = replace_words(&t, s, "{SURNAME}");
    }
    for (country, _) in COUNTRIES {
        t = replace_words(&t, country, "{COUNTRY}");
    }
    for city in CITIES {
        t = replace_words(&t, city, "{CITY}");
    }
    mark_numbers(&t)
}

// ---------------------------------------------------------------------------------
// Names: a run of capitalised words ("ASEAN-ROK Startup Policy Roadmap") or an acronym
// ("AKCMM"). A name that only one seed release uses is that release's own programme
// or body; the generator invents its own in its place (`{TERM}`), so the archive does
// not repeat one release's names thousands of times. Names several releases share
// ("Foreign Ministers", "Korean Peninsula") are the board's common vocabulary and stay.

/// Capitalised words that start sentences rather than names.
const NOT_NAMES: &[&str] = &[
    "The",
    "In",
    "On",
    "At",
    "A",
    "An",
    "He",
    "She",
    "They",
    "It",
    "This",
    "These",
    "Both",
    "Meanwhile",
    "Lastly",
    "Furthermore",
    "Moreover",
    "Additionally",
    "During",
    "Regarding",
    "With",
    "Building",
    "Considering",
    "Concerning",
    "Secretary-General",
    "Minister",
    "Foreign",
    "Deputy",
    "Korea",
    "Korean",
    "ASEAN",
    "ROK",
    "ASEAN-ROK",
    "Korea-ASEAN",
];

const CONNECTORS: &[&str] = &["of", "and", "for", "the", "on", "in"];

fn core(token: &str) -> &str {
    token.trim_matches(|c: char| !c.is_alphanumeric())
}

fn capitalised(token: &str) -> bool {
    let c = core(token);
    c.starts_with(|ch: char| ch.is_uppercase()) && !token.starts_with('{')
}

fn acronym(token: &str) -> bool {
    let c = core(token);
    c.len() >= 3 && c.chars().all(|ch| ch.is_ascii_uppercase()) && !NOT_NAMES.contains(&c)
}

/// Maximal runs of capitalised words (with connectors inside), as token ranges, plus
/// lone acronyms.
fn name_runs(tokens: &[&str]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        if !capitalised(tokens[i]) {
            i += 1;
            continue;
        }
        let mut j = i + 1;
        // A name ends at punctuation after a word ("Roadmap," or "(AKCMM),").
        let open = |t: &str| t.ends_with(|c: char| c.is_alphanumeric() || c == '’' || c == '\'');
        while j < tokens.len() && open(tokens[j - 1]) {
            let t = tokens[j];
            if t.starts_with(|c: char| !c.is_alphanumeric()) {
                break;
            }
            if capitalised(t) {
                j += 1;
            } else if CONNECTORS.contains(&t) && tokens.get(j + 1).is_some_and(|n| capitalised(n)) {
                j += 2;
            } else {
                break;
            }
        }
        let names = (i..j)
            .filter(|&k| !NOT_NAMES.contains(&core(tokens[k])))
            .count();
        if (j - i >= 2 && names >= 2) || (j - i == 1 && acronym(tokens[i])) {
            out.push((i, j));
        }
        i = j;
    }
    out
}

fn name_key(tokens: &[&str]) -> String {
    tokens.iter().map(|t| core(t)).collect::<Vec<_>>().join(" ")
}

/// Names that only one seed release uses.
fn specific_names(seeds: &Corpus) -> BTreeSet<String> {
    let mut users: BTreeMap<String, BTreeSet<usize>> = BTreeMap::new();
    for (r, release) in seeds.releases().iter().enumerate() {
        for p in &release.paragraphs {
            let t = templatize(&p.text);
            let tokens: Vec<&str> = t.split_whitespace().collect();
            for (a, b) in name_runs(&tokens) {
                users.entry(name_key(&tokens[a..b])).or_default().insert(r);
            }
        }
    }
    users
        .into_iter()
        .filter(|(_, rs)| rs.len() == 1)
        .map(|(name, _)| name)
        .collect()
}

/// The tokens with each release-specific name replaced by `{TERM}` (keeping the
/// punctuation around it).
fn generalise(tokens: &[&str], specific: &BTreeSet<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(tokens.len());
    let mut at = 0;
    for (a, b) in name_runs(tokens) {
        if !specific.contains(&name_key(&tokens[a..b])) {
            continue;
        }
        out.extend(tokens[at..a].iter().map(|t| t.to_string()));
        let first = tokens[a];
        let last = tokens[b - 1];
        let lead = &first[..first.len()
            - first
                .trim_start_matches(|c: char| !c.is_alphanumeric())
                .len()];
        let tail = &last[last.trim_end_matches(|c: char| !c.is_alphanumeric()).len()..];
        out.push(format!("{lead}{{TERM}}{tail}"));
        at = b;
    }
    out.extend(tokens[at..].iter().map(|t| t.to_string()));
    out
}

const TERM_A: &[&str] = &[
    "Green",
    "Blue",
    "Digital",
    "Ocean",
    "Mekong",
    "Youth",
    "Smart",
    "Resilient",
    "Inclusive",
    "Future",
];
const TERM_B: &[&str] = &[
    "Growth",
    "Connectivity",
    "Skills",
    "Energy",
    "Health",
    "Water",
    "Heritage",
    "Innovation",
    "Talent",
    "Trade",
];
const TERM_C: &[&str] = &[
    "Initiative",
    "Programme",
    "Partnership",
    "Fund",
    "Roadmap",
    "Framework",
    "Network",
    "Project",
    "Forum",
    "Platform",
];

fn invented_term(rng: &mut Rng) -> String {
    format!(
        "{} {} {}",
        rng.pick(TERM_A),
        rng.pick(TERM_B),
        rng.pick(TERM_C)
    )
}

// ---------------------------------------------------------------------------------
// The language model: first-order word chain over the seed paragraphs.

struct Model {
    words: Vec<String>,
    next: Vec<Vec<u32>>,
    starts: Vec<u32>,
    /// Words per real paragraph.
    lengths: Vec<usize>,
    /// Per seed release, whether each paragraph is a bullet.
    shapes: Vec<Vec<bool>>,
}

impl Model {
    fn learn(seeds: &Corpus) -> Model {
        let mut ids: HashMap<String, u32> = HashMap::new();
        let mut m = Model {
            words: Vec::new(),
            next: Vec::new(),
            starts: Vec::new(),
            lengths: Vec::new(),
            shapes: Vec::new(),
        };
        let mut id_of = |m: &mut Model, w: &str| -> u32 {
            if let Some(&id) = ids.get(w) {
                return id;
            }
            let id = m.words.len() as u32;
            ids.insert(w.to_string(), id);
            m.words.push(w.to_string());
            m.next.push(Vec::new());
            id
        };
        let specific = specific_names(seeds);
        for release in seeds.releases() {
            m.shapes.push(
                release
                    .paragraphs
                    .iter()
                    .map(|p| p.number.contains('·'))
                    .collect(),
            );
            for p in &release.paragraphs {
                let t = templatize(&p.text);
                let tokens: Vec<&str> = t.split_whitespace().collect();
                let words: Vec<u32> = generalise(&tokens, &specific)
                    .iter()
                    .map(|w| id_of(&mut m, w))
                    .collect();
                if words.is_empty() {
                    continue;
                }
                m.lengths.push(words.len());
                m.starts.push(words[0]);
                for pair in words.windows(2) {
                    m.next[pair[0] as usize].push(pair[1]);
                    if m.words[pair[0] as usize].ends_with('.') {
                        m.starts.push(pair[1]);
                    }
                }
            }
        }
        if m.words.is_empty() {
            // No seeds: a one-word language keeps the generator total.
            let id = id_of(&mut m, "Cooperation.");
            m.starts.push(id);
            m.lengths.push(1);
        }
        if m.shapes.iter().all(Vec::is_empty) {
            m.shapes = vec![vec![false, true, false]];
        }
        m
    }

    /// A paragraph of about a real paragraph's length, ending at a sentence end.
    fn paragraph(&self, rng: &mut Rng) -> Vec<&str> {
        let target = *rng.pick(&self.lengths);
        let target = (target * rng.range(70, 130) / 100).max(6);
        let mut out: Vec<&str> = Vec::with_capacity(target + 16);
        let mut w = *rng.pick(&self.starts);
        loop {
            let word = self.words[w as usize].as_str();
            out.push(word);
            let ends = word.ends_with('.');
            if (ends && out.len() >= target) || out.len() >= target * 2 {
                break;
            }
            let next = &self.next[w as usize];
            w = if next.is_empty() || (ends && rng.chance(0.3)) {
                *rng.pick(&self.starts)
            } else {
                *rng.pick(next)
            };
        }
        out
    }
}

// ---------------------------------------------------------------------------------
// Meetings.

/// A kind of meeting held once a year: the `n`th is held in `base + n`.
#[derive(Debug, Clone)]
struct MeetingKind {
    /// "ASEAN-ROK Dialogue"
    name: String,
    base: u16,
}

/// Further annual meetings of the ministry's ASEAN board (none ends in "Dialogue").
const EXTRA_KINDS: &[(&str, u16)] = &[
    ("ASEAN-ROK Summit", 1997),
    ("Mekong-ROK Foreign Ministers’ Meeting", 2010),
    ("ASEAN Plus Three Foreign Ministers’ Meeting", 1999),
    ("East Asia Summit Foreign Ministers’ Meeting", 2010),
    ("ASEAN Regional Forum", 1993),
    ("ASEAN-ROK Joint Cooperation Committee Meeting", 2011),
    ("Korea-Mekong Senior Officials’ Meeting", 2011),
];

const TOPICS: &[&str] = &[
    "Maritime Cooperation",
    "Digital Transformation",
    "Climate Change Response",
    "Public Health",
    "Smart Cities",
    "Culture and Tourism",
    "Higher Education",
    "Supply Chains",
    "Counter-Terrorism",
    "Disaster Risk Reduction",
];

const BULLET_MARKERS: &[char] = &['о', 'ㅇ', '°', '*', '※', '-'];

struct Generator<'a> {
    seeds: &'a Corpus,
    model: Model,
    rng: Rng,
    kinds: Vec<MeetingKind>,
    /// Ordinals taken per kind (by the seeds, then the distractors, then the rest).
    taken: BTreeMap<String, BTreeSet<u32>>,
    /// Newest date any generated release may have (the newest seed's, exclusive).
    newest: Date,
    files: Vec<SynthFile>,
    distractors: Vec<Distractor>,
    count: usize,
    seq: usize,
}

/// What fills one release's placeholders.
#[derive(Clone, Copy)]
struct Cast<'a> {
    ordinal: Option<u32>,
    year: u16,
    people: &'a [(String, String)],
    countries: &'a [&'a str],
    city: &'a str,
    terms: &'a [String],
}

/// A release about to be rendered.
struct Draft {
    front: FrontMatter,
    paragraphs: Vec<(bool, String)>,
    marker: char,
}

/// "26th ASEAN-ROK Dialogue" → (26, "ASEAN-ROK Dialogue").
fn split_ordinal(meeting: &str) -> Option<(u32, String)> {
    let (first, rest) = meeting.split_once(' ')?;
    Some((ordinal_number(first)?, rest.to_string()))
}

fn with_year(d: Date, year: u16) -> Date {
    Date::new(year, d.month, d.day)
        .or_else(|| Date::new(year, d.month, 28))
        .unwrap_or(d)
}

impl<'a> Generator<'a> {
    fn new(seeds: &'a Corpus, seed: u64) -> Generator<'a> {
        let model = Model::learn(seeds);
        let newest = seeds
            .date_range()
            .map_or(Date::new(2025, 1, 1), |(_, last)| Some(last))
            .unwrap_or_default();
        let mut kinds: Vec<MeetingKind> = Vec::new();
        let mut taken: BTreeMap<String, BTreeSet<u32>> = BTreeMap::new();
        for r in seeds.releases() {
            if let Some((n, name)) = split_ordinal(&r.meeting) {
                if !kinds.iter().any(|k| k.name == name) {
                    kinds.push(MeetingKind {
                        name: name.clone(),
                        base: r.date.year.saturating_sub(n as u16),
                    });
                }
                taken.entry(name).or_default().insert(n);
            }
        }
        for (name, base) in EXTRA_KINDS {
            if !kinds.iter().any(|k| k.name == *name) {
                kinds.push(MeetingKind {
                    name: name.to_string(),
                    base: *base,
                });
            }
        }
        Generator {
            seeds,
            model,
            rng: Rng::new(seed),
            kinds,
            taken,
            newest,
            files: Vec::new(),
            distractors: Vec::new(),
            count: 0,
            seq: 0,
        }
    }

    fn run(mut self, paragraphs: usize) -> Synth {
        self.distract(paragraphs);
        while self.count < paragraphs {
            let draft = self.invent(paragraphs - self.count);
            self.emit(draft);
        }
        Synth {
            files: self.files,
            distractors: self.distractors,
            paragraphs: self.count,
        }
    }

    fn next_id(&mut self, date: Date, tag: &str) -> String {
        self.seq += 1;
        format!("{date}-synth-{tag}{:06}", self.seq)
    }

    fn emit(&mut self, draft: Draft) {
        let mut body = String::new();
        let mut number = 0;
        for (bullet, text) in &draft.paragraphs {
            if *bullet && number > 0 {
                body.push_str(&format!("{} {text}\n\n", draft.marker));
            } else {
                number += 1;
                body.push_str(&format!("{number}. {text}\n\n"));
            }
        }
        self.count += draft.paragraphs.len();
        let imported = Imported {
            front: draft.front,
            body,
            date_rule: String::new(),
            warnings: Vec::new(),
        };
        self.files.push(SynthFile {
            name: imported.file_name(),
            text: imported.render(),
        });
    }

    // -- distractors -----------------------------------------------------------

    fn distract(&mut self, budget: usize) {
        let seeds = self.seeds;
        for r in seeds.releases() {
            let variants: Vec<(Change, Option<u32>, u16, bool)> = match split_ordinal(&r.meeting) {
                Some((n, name)) => self
                    .free_ordinals(&name, n, 3)
                    .into_iter()
                    .enumerate()
                    .map(|(i, m)| {
                        let year = (i64::from(r.date.year) + i64::from(m) - i64::from(n)) as u16;
                        (Change::Ordinal, Some(m), year, i == 2)
                    })
                    .collect(),
                None => {
                    let y = r.date.year;
                    let mut v = Vec::new();
                    for year in [y - 1, y + 1, y - 2] {
                        if with_year(r.date, year) < self.newest {
                            v.push((Change::Year, None, year, false));
                        }
                    }
                    v.push((Change::Country, None, y, true));
                    v.push((Change::Country, None, y, true));
                    v
                }
            };
            for (change, ordinal, year, country) in variants {
                if self.count + r.paragraphs.len() > budget {
                    return;
                }
                let draft = self.near_duplicate(r, ordinal, year, country);
                self.distractors.push(Distractor {
                    id: draft.front.id.clone(),
                    seed_id: r.id.clone(),
                    change,
                });
                self.emit(draft);
            }
        }
    }

    /// The last ordinal of an annual meeting held before the newest seed's year.
    fn max_ordinal(&self, base: u16) -> u32 {
        u32::from(self.newest.year.saturating_sub(base + 1))
    }

    /// Up to `k` ordinals of a seed's meeting kind nearest to `n`, not taken, held
    /// before the newest seed. Marks them taken.
    fn free_ordinals(&mut self, kind: &str, n: u32, k: usize) -> Vec<u32> {
        let base = self
            .kinds
            .iter()
            .find(|m| m.name == kind)
            .map_or(0, |m| m.base);
        let max = self.max_ordinal(base);
        let taken = self.taken.entry(kind.to_string()).or_default();
        let mut out = Vec::new();
        for d in 1..=n.max(max) {
            for m in [n + d, n.saturating_sub(d)] {
                if out.len() < k && m >= 1 && m <= max && !taken.contains(&m) {
                    taken.insert(m);
                    out.push(m);
                }
            }
        }
        out
    }

    fn near_duplicate(
        &mut self,
        r: &Release,
        ordinal: Option<u32>,
        year: u16,
        country: bool,
    ) -> Draft {
        let mut edits: Vec<(String, String)> = Vec::new();
        if let (Some(m), Some((n, _))) = (ordinal, split_ordinal(&r.meeting)) {
            edits.push((ordinal_suffix(n), ordinal_suffix(m)));
        }
        if year != r.date.year {
            edits.push((r.date.year.to_string(), year.to_string()));
        }
        let mut place = r.place.clone();
        if country {
            let host = COUNTRIES.iter().find(|(c, _)| r.place.contains(c));
            let city = CITIES.iter().find(|c| r.place.contains(*c));
            let others: Vec<&(&str, &str)> = COUNTRIES[..11]
                .iter()
                .filter(|(c, _)| host.is_none_or(|(h, _)| h != c))
                .collect();
            let &&(new_country, new_city) = self.rng.pick(&others);
            if let Some((h, _)) = host {
                edits.push((h.to_string(), new_country.to_string()));
            }
            if let Some(c) = city {
                edits.push((c.to_string(), new_city.to_string()));
            }
            place = apply(&edits, &r.place);
            if host.is_none() || place == r.place {
                place = format!("{new_city}, {new_country}");
            }
        }
        let edit = |s: &str| apply(&edits, s);
        let date = with_year(r.date, year);
        let id = self.next_id(date, "d");
        let marker = *self.rng.pick(BULLET_MARKERS);
        Draft {
            front: FrontMatter {
                id: id.clone(),
                title: edit(&r.title),
                subtitle: None,
                date,
                end_date: r.end_date.map(|d| with_year(d, year)),
                published: Some(format!("{:04}-{:02}", date.year, date.month)),
                place,
                meeting: edit(&r.meeting),
                url: format!("https://example.invalid/synth/{id}"),
                lang: r.lang.clone(),
            },
            paragraphs: r
                .paragraphs
                .iter()
                .map(|p| (p.number.contains('·'), edit(&p.text)))
                .collect(),
            marker,
        }
    }

    // -- invented releases -----------------------------------------------------

    fn random_date(&mut self, year: Option<u16>) -> Date {
        let top = self.newest.year.max(2001);
        for _ in 0..8 {
            let y = year.unwrap_or_else(|| self.rng.range(2005, usize::from(top)) as u16);
            let d = Date::new(y, self.rng.range(1, 12) as u8, self.rng.range(1, 28) as u8);
            if let Some(d) = d.filter(|d| *d < self.newest) {
                return d;
            }
        }
        Date::new(top - 1, 6, 1).unwrap_or_default()
    }

    /// An annual meeting not yet written, when one is left.
    fn free_meeting(&mut self) -> Option<(String, u32, u16)> {
        for _ in 0..4 {
            let kind = self.rng.pick(&self.kinds).clone();
            let max = self.max_ordinal(kind.base);
            let taken = self.taken.entry(kind.name.clone()).or_default();
            let free: Vec<u32> = (1..=max).filter(|m| !taken.contains(m)).collect();
            if free.is_empty() {
                continue;
            }
            let m = *self.rng.pick(&free);
            taken.insert(m);
            return Some((kind.name, m, kind.base + m as u16));
        }
        None
    }

    fn invent(&mut self, budget: usize) -> Draft {
        let meeting = if self.rng.chance(0.2) {
            self.free_meeting()
        } else {
            None
        };
        let host = *self.rng.pick(&COUNTRIES[..11]);
        let (country, city) = host;
        let mut guests: Vec<&str> = vec![country];
        for _ in 0..2 {
            guests.push(self.rng.pick(&COUNTRIES[..11]).0);
        }
        let korean = korean_name(&mut self.rng);
        let mut people = vec![korean.clone()];
        for _ in 0..self.rng.range(1, 3) {
            people.push(asean_name(&mut self.rng));
        }
        let topic = *self.rng.pick(TOPICS);
        let (title, meeting_name, date, ordinal) = match meeting {
            Some((kind, n, year)) => {
                let date = self.random_date(Some(year));
                let meeting = format!("{} {kind}", ordinal_suffix(n));
                let title = match self.rng.below(3) {
                    0 => format!("Outcome of the {meeting}"),
                    1 => format!("Minister of Foreign Affairs Attends {meeting}"),
                    _ => meeting.clone(),
                };
                (title, meeting, date, Some(n))
            }
            None => {
                let date = self.random_date(None);
                let (title, meeting) = match self.rng.below(4) {
                    0 => (
                        format!(
                            "Outcome of ROK Foreign Minister’s Bilateral Meeting with Foreign Minister of {country}"
                        ),
                        format!("Bilateral meeting with {country}"),
                    ),
                    1 => (
                        format!(
                            "Minister of Foreign Affairs {} Meets {country}’s Foreign Minister {}",
                            korean.0, people[1].0
                        ),
                        format!("Foreign Ministers’ meeting with {country}"),
                    ),
                    2 => (
                        format!("Korea-ASEAN {topic} Workshop Held in {city}"),
                        format!("Korea-ASEAN {topic} Workshop"),
                    ),
                    _ => (
                        format!(
                            "Vice Minister {} Holds Policy Consultation with {country}",
                            korean.0
                        ),
                        format!("Policy consultation with {country}"),
                    ),
                };
                (title, meeting, date, None)
            }
        };
        let terms: Vec<String> = (0..3).map(|_| invented_term(&mut self.rng)).collect();
        let shape = self.rng.pick(&self.model.shapes).clone();
        let len = self.rng.range(4, shape.len() + 8).min(budget).max(1);
        let mut paragraphs = Vec::with_capacity(len);
        for i in 0..len {
            let bullet = i > 0 && shape[i % shape.len()];
            let words = self.model.paragraph(&mut self.rng);
            let cast = Cast {
                ordinal,
                year: date.year,
                people: &people,
                countries: &guests,
                city,
                terms: &terms,
            };
            let text = Self::fill(&mut self.rng, &words, &cast);
            paragraphs.push((bullet, text));
        }
        let id = self.next_id(date, "");
        let marker = *self.rng.pick(BULLET_MARKERS);
        Draft {
            front: FrontMatter {
                id: id.clone(),
                title,
                subtitle: None,
                date,
                end_date: None,
                published: Some(format!("{:04}-{:02}", date.year, date.month)),
                place: format!("{city}, {country}"),
                meeting: meeting_name,
                url: format!("https://example.invalid/synth/{id}"),
                lang: "en".to_string(),
            },
            paragraphs,
            marker,
        }
    }

    /// Fills the placeholders of generated words with this release's entities.
    fn fill(rng: &mut Rng, words: &[&str], cast: &Cast<'_>) -> String {
        let Cast {
            ordinal,
            year,
            people,
            countries,
            city,
            terms,
        } = *cast;
        let mut out = String::new();
        for (i, w) in words.iter().enumerate() {
            if i > 0 {
                out.push(' ');
            }
            if !w.contains('{') {
                out.push_str(w);
                continue;
            }
            let mut w = w.to_string();
            while w.contains("{ORD}") {
                let n = match ordinal {
                    Some(n) if rng.chance(0.7) => n,
                    _ => rng.range(1, 60) as u32,
                };
                w = w.replacen("{ORD}", &ordinal_suffix(n), 1);
            }
            while w.contains("{YEAR}") {
                let y = if rng.chance(0.6) {
                    year
                } else {
                    (year + 2).saturating_sub(rng.below(5) as u16)
                };
                w = w.replacen("{YEAR}", &y.to_string(), 1);
            }
            while w.contains("{PERSON}") {
                w = w.replacen("{PERSON}", &rng.pick(people).0, 1);
            }
            while w.contains("{SURNAME}") {
                w = w.replacen("{SURNAME}", &rng.pick(people).1, 1);
            }
            while w.contains("{COUNTRY}") {
                let country: &&str = rng.pick(countries);
                w = w.replacen("{COUNTRY}", country, 1);
            }
            w = w.replace("{CITY}", city);
            while w.contains("{TERM}") {
                let term = rng.pick(terms).clone();
                w = w.replacen("{TERM}", &term, 1);
            }
            out.push_str(&w);
        }
        out
    }
}
