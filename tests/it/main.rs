//! One integration-test binary (each extra one costs link time): modules per front end.

mod answers;
mod architecture;
mod cli;
mod corpus_files;
mod dev_set;
mod scale;
