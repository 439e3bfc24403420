//! Attaché answers questions about ASEAN–Korea diplomatic meetings from the Ministry of
//! Foreign Affairs' press releases, quoting them word for word and citing each quote.
//!
//! The core (this crate's `corpus`, `search` and `answer` modules) is plain synchronous
//! Rust: it never imports an async runtime or a front end, never reads the environment,
//! and never fails on a question. Front ends (`cli`, `telegram`, `ops`) sit on top.

pub mod answer;
pub mod corpus;
mod countries;
pub mod decide;
mod engine;
pub mod eval;
mod lexicon;
mod names;
pub mod qlog;
pub mod text;
mod thesaurus;

pub use answer::{Answer, Citation, Suggestion};
pub use corpus::{Corpus, Date, Release};
pub mod search;
pub use engine::{DEFAULT_TOP, Engine, Error, Loaded, Options};

// Front ends: settings, logging, the Telegram daemon and its ops listener.
pub mod config;
pub mod daemon;
pub mod ops;
pub mod service;
pub mod telegram;
pub mod telemetry;
