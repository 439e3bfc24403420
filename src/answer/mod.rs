//! The answer composer: turns ranked paragraphs into a short, cited answer, or abstains.

mod types;

pub use types::{Answer, Citation, Suggestion};
