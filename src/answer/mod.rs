//! The answer composer: turns ranked paragraphs into a short, cited answer, or abstains.

mod compose;
mod lead;
mod types;

pub use compose::{Evidence, found, not_found, quoted};
pub use lead::{stated_amount, stated_place};
pub use types::{Answer, Citation, Suggestion};
