//! Attaché answers questions about ASEAN–Korea diplomatic meetings from the Ministry of
//! Foreign Affairs' press releases, quoting them word for word and citing each quote.
//!
//! The core (this crate's `corpus`, `search` and `answer` modules) is plain synchronous
//! Rust: it never imports an async runtime or a front end, never reads the environment,
//! and never fails on a question. Front ends (`cli`, `telegram`, `ops`) sit on top.

pub mod answer;
pub mod corpus;
pub mod text;

pub use answer::{Answer, Citation, Suggestion};
pub use corpus::{Corpus, Date, Release};

// TEMPORARY: the core Engine stand-in until main's `Engine` lands (see engine_standin.rs).
mod engine_standin;
pub use engine_standin::{Engine, Error};

pub mod config;
pub mod ops;
pub mod telegram;
pub mod telemetry;
