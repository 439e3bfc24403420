//! Country names, so that "*Which countries* established a CSP with ASEAN?" is met by a
//! quote that names countries ("with China and Australia in 2021, and the U.S. and
//! India in 2022") rather than only by one that says the word "countries".

use std::collections::HashSet;
use std::sync::OnceLock;

/// Countries as the releases write them, including the short forms diplomacy uses.
/// Names of more than one word are matched as phrases.
const COUNTRIES: &str = "Afghanistan Albania Algeria Andorra Angola Argentina Armenia \
    Australia Austria Azerbaijan Bahamas Bahrain Bangladesh Barbados Belarus Belgium Belize \
    Benin Bhutan Bolivia Bosnia Botswana Brazil Brunei Bulgaria Burundi Cambodia Cameroon \
    Canada Chad Chile China Colombia Comoros Congo Croatia Cuba Cyprus Czechia Denmark \
    Djibouti Dominica DPRK Ecuador Egypt Eritrea Estonia Eswatini Ethiopia EU Fiji Finland \
    France Gabon Gambia Georgia Germany Ghana Greece Grenada Guatemala Guinea Guyana Haiti \
    Honduras Hungary Iceland India Indonesia Iran Iraq Ireland Israel Italy Jamaica Japan \
    Jordan Kazakhstan Kenya Kiribati Korea Kosovo Kuwait Kyrgyzstan Laos Latvia Lebanon \
    Lesotho Liberia Libya Liechtenstein Lithuania Luxembourg Madagascar Malawi Malaysia \
    Maldives Mali Malta Mauritania Mauritius Mexico Micronesia Moldova Monaco Mongolia \
    Montenegro Morocco Mozambique Myanmar Namibia Nauru Nepal Netherlands Nicaragua Niger \
    Nigeria Norway Oman Pakistan Palau Palestine Panama Paraguay Peru Philippines Poland \
    Portugal PRC Qatar ROK Romania Russia Rwanda Samoa Senegal Serbia Seychelles Singapore \
    Slovakia Slovenia Somalia Spain Sudan Suriname Sweden Switzerland Syria Taiwan \
    Tajikistan Tanzania Thailand Togo Tonga Tunisia Turkey Türkiye Turkmenistan Tuvalu \
    Uganda UK Ukraine Uruguay US USA Uzbekistan Vanuatu Venezuela Vietnam Yemen Zambia \
    Zimbabwe";

const MULTI_WORD: &[&str] = &[
    "Brunei Darussalam",
    "Burkina Faso",
    "Cabo Verde",
    "Costa Rica",
    "Czech Republic",
    "Dominican Republic",
    "El Salvador",
    "Lao PDR",
    "Marshall Islands",
    "New Zealand",
    "North Korea",
    "North Macedonia",
    "Papua New Guinea",
    "Republic of Korea",
    "Saudi Arabia",
    "Sierra Leone",
    "Solomon Islands",
    "South Africa",
    "South Korea",
    "South Sudan",
    "Sri Lanka",
    "Timor-Leste",
    "U.K.",
    "U.S.",
    "United Arab Emirates",
    "United Kingdom",
    "United States",
    "Viet Nam",
];

fn single_words() -> &'static HashSet<&'static str> {
    static WORDS: OnceLock<HashSet<&'static str>> = OnceLock::new();
    WORDS.get_or_init(|| COUNTRIES.split_whitespace().collect())
}

/// Whether the text names a country (as a word of its own, as written: "Korea's"
/// counts, "Korean" does not).
pub fn names_country(text: &str) -> bool {
    let words = single_words();
    text.split(|c: char| !c.is_alphanumeric())
        .any(|w| words.contains(w))
        || MULTI_WORD.iter().any(|name| contains_word(text, name))
}

fn contains_word(text: &str, name: &str) -> bool {
    text.match_indices(name).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + name.len()..].chars().next();
        !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
    })
}

/// Whether a word is a country's one-word name ("Malaysia").
pub fn is_country(word: &str) -> bool {
    single_words().contains(word)
}

/// Whether a question's word asks for countries ("which *countries*").
pub fn asks_for_countries(word: &str) -> bool {
    matches!(
        word.to_lowercase().as_str(),
        "country" | "countries" | "nation" | "nations"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_countries_as_the_releases_name_them() {
        assert!(names_country("with the U.S. and India in 2022."));
        assert!(names_country("(Brunei Darussalam) In the meeting"));
        assert!(names_country("congratulated Korea’s efforts"));
        assert!(names_country("Viet Nam hosted"));
        assert!(!names_country("the Korean side and ASEAN Member States"));
        assert!(!names_country("Minister Chadwick and the Omani delegates"));
    }
}
