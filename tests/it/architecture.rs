//! The invariants ARCHITECTURE.md states, checked: the core never imports a front-end
//! crate or reads the environment.

use std::path::Path;

const CORE: &[&str] = &[
    "src/corpus",
    "src/search",
    "src/answer",
    "src/engine.rs",
    "src/eval.rs",
    "src/lexicon.rs",
    "src/text.rs",
    "src/names.rs",
    "src/countries.rs",
    "src/decide.rs",
];
const FORBIDDEN: &[&str] = &[
    "teloxide",
    "tokio",
    "axum",
    "std::env",
    "env::var",
    "env!(",
    "option_env!",
];

fn rust_files(path: &Path, out: &mut Vec<std::path::PathBuf>) {
    if path.is_dir() {
        for entry in std::fs::read_dir(path).into_iter().flatten().flatten() {
            rust_files(&entry.path(), out);
        }
    } else if path.extension().is_some_and(|e| e == "rs") {
        out.push(path.to_path_buf());
    }
}

#[test]
fn the_core_knows_no_front_end_and_no_environment() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for part in CORE {
        rust_files(&root.join(part), &mut files);
    }
    assert!(files.len() >= 10, "the core's files were found: {files:?}");
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap_or_default();
        for (n, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or("");
            for word in FORBIDDEN {
                assert!(
                    !code.contains(word),
                    "{}:{}: the core must not use `{word}`: {line}",
                    file.display(),
                    n + 1
                );
            }
        }
    }
}

/// `telegram` and `ops` are front ends side by side: only `daemon` knows both.
#[test]
fn telegram_and_ops_do_not_import_each_other() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for (dir, forbidden) in [
        ("src/telegram", "crate::ops"),
        ("src/ops", "crate::telegram"),
    ] {
        let mut files = Vec::new();
        rust_files(&root.join(dir), &mut files);
        assert!(!files.is_empty(), "{dir} has files");
        for file in files {
            let text = std::fs::read_to_string(&file).unwrap_or_default();
            for (n, line) in text.lines().enumerate() {
                let code = line.split("//").next().unwrap_or("");
                assert!(
                    !code.contains(forbidden),
                    "{}:{}: `{forbidden}` from {dir}: {line}",
                    file.display(),
                    n + 1
                );
            }
        }
    }
}

/// `lexicon` is data for everyone (`text`, `names`, `countries`, `search`, `answer`):
/// it knows no other module of the crate.
#[test]
fn the_lexicon_knows_no_other_module() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(root.join("src/lexicon.rs")).unwrap_or_default();
    assert!(!text.is_empty(), "src/lexicon.rs is read");
    for (n, line) in text.lines().enumerate() {
        let code = line.split("//").next().unwrap_or("");
        assert!(
            !code.contains("crate::"),
            "src/lexicon.rs:{}: the lexicon must not know another module: {line}",
            n + 1
        );
    }
}
