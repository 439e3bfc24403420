//! A calendar date as the corpus writes it (`2024-07-26`), without a time zone.
//! Kept tiny on purpose: the corpus only needs to parse, order and print dates.

use std::fmt;
use std::str::FromStr;

use serde::{Serialize, Serializer};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    pub year: u16,
    pub month: u8,
    pub day: u8,
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

impl Date {
    pub fn new(year: u16, month: u8, day: u8) -> Option<Date> {
        let leap =
            year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400));
        let days = match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => return None,
        };
        (year >= 1900 && day >= 1 && day <= days).then_some(Date { year, month, day })
    }

    /// "July 26, 2024".
    pub fn long(&self) -> String {
        format!("{} {}, {}", self.month_name(), self.day, self.year)
    }

    pub fn month_name(&self) -> &'static str {
        MONTHS[usize::from(self.month - 1)]
    }

    /// The month number for an English month name or its three-letter abbreviation.
    pub fn month_from_name(name: &str) -> Option<u8> {
        // Called on every word of every candidate paragraph: no allocation.
        let name = name.trim_end_matches('.');
        if !(3..=9).contains(&name.len()) {
            return None;
        }
        MONTHS
            .iter()
            .position(|m| {
                m.eq_ignore_ascii_case(name)
                    || (name.len() == 3 && m.get(..3).is_some_and(|p| p.eq_ignore_ascii_case(name)))
            })
            .map(|i| i as u8 + 1)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a date in the form YYYY-MM-DD")]
pub struct DateError(pub String);

impl FromStr for Date {
    type Err = DateError;

    fn from_str(s: &str) -> Result<Date, DateError> {
        let err = || DateError(s.to_string());
        let mut parts = s.trim().splitn(3, '-');
        let mut next = |len: usize| {
            parts
                .next()
                .filter(|p| p.len() == len && p.bytes().all(|b| b.is_ascii_digit()))
                .and_then(|p| p.parse::<u16>().ok())
        };
        let (y, m, d) = (next(4), next(2), next(2));
        match (y, m, d) {
            (Some(y), Some(m), Some(d)) => Date::new(y, m as u8, d as u8).ok_or_else(err),
            _ => Err(err()),
        }
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints_iso_dates() {
        let d: Date = "2024-07-26".parse().unwrap();
        assert_eq!(d.to_string(), "2024-07-26");
        assert_eq!(d.long(), "July 26, 2024");
    }

    #[test]
    fn rejects_impossible_or_partial_dates() {
        for bad in [
            "2024-02-30",
            "2024-13-01",
            "2024-07",
            "24-07-26",
            "July 26",
            "2024-7-26",
        ] {
            assert!(bad.parse::<Date>().is_err(), "{bad} should not parse");
        }
        assert!("2024-02-29".parse::<Date>().is_ok());
    }

    #[test]
    fn month_names_and_abbreviations() {
        assert_eq!(Date::month_from_name("September"), Some(9));
        assert_eq!(Date::month_from_name("Sep."), Some(9));
        assert_eq!(Date::month_from_name("May"), Some(5));
        assert_eq!(Date::month_from_name("Ma"), None);
    }
}
