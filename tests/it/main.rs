//! One integration-test binary (each extra one costs link time): modules per front end.

mod answers;
mod architecture;
mod archive;
mod check;
mod cli;
mod corpus_files;
mod deploy;
mod dev_set;
mod fake_telegram;
mod import;
mod load;
mod qlog_daemon;
mod reload;
mod scale;
mod telegram;
