//! `attache check` says whether `serve` would start, and why not; `attache healthcheck`
//! asks a running daemon's `/healthz`.

use std::io::{Read, Write};
use std::path::Path;
use std::process::{Command, Output};

const TOKEN: &str = "123456:check-test-token";

fn run(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_attache"));
    cmd.args(args).current_dir(env!("CARGO_MANIFEST_DIR"));
    for (k, _) in
        std::env::vars().filter(|(k, _)| k.starts_with("ATTACHE__") || k == "TELOXIDE_TOKEN")
    {
        cmd.env_remove(k);
    }
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("the binary runs")
}

fn out(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn shipped_corpus() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("corpus")
        .display()
        .to_string()
}

/// `attache check` with a token, a fresh data directory and the corpus `dir`.
fn check_corpus(dir: &str) -> Output {
    let data = tempfile::tempdir().expect("tempdir");
    let d = data.path().display().to_string();
    run(
        &["check"],
        &[
            ("ATTACHE__TELEGRAM__TOKEN", TOKEN),
            ("ATTACHE__DATA_DIR", &d),
            ("ATTACHE__CORPUS__DIR", dir),
        ],
    )
}

#[test]
fn check_on_the_shipped_corpus_says_serve_would_start() {
    let o = check_corpus(&shipped_corpus());
    let text = out(&o);
    assert_eq!(o.status.code(), Some(0), "{text}");
    assert!(text.contains("5 releases, 71 paragraphs"), "{text}");
    assert!(text.contains("dates: 2020-09-09 to 2025-05-15"), "{text}");
    assert!(text.contains("would start"), "{text}");
    assert!(!text.contains(TOKEN), "the token is never printed");
}

#[test]
fn check_names_each_broken_file_and_refuses_a_corpus_that_cannot_serve() {
    let dir = tempfile::tempdir().expect("tempdir");
    let corpus = dir.path().join("corpus");
    std::fs::create_dir(&corpus).expect("mkdir");
    std::fs::write(corpus.join("bad.md"), "no front matter\n").expect("write");
    let d = dir.path().join("data").display().to_string();
    let c = corpus.display().to_string();
    let env = [
        ("ATTACHE__TELEGRAM__TOKEN", TOKEN),
        ("ATTACHE__DATA_DIR", d.as_str()),
        ("ATTACHE__CORPUS__DIR", c.as_str()),
    ];
    let o = run(&["check"], &env);
    let text = out(&o);
    assert_eq!(o.status.code(), Some(2), "{text}");
    assert!(text.contains("bad.md: no front matter"), "{text}");
    assert!(text.contains("has no release that loads"), "{text}");

    // One good file among bad ones: serve would start, the bad one is a warning.
    let good = std::fs::read_to_string(
        Path::new(&shipped_corpus()).join("2022-07-01-26th-asean-rok-dialogue.md"),
    )
    .expect("read");
    std::fs::write(
        corpus.join("good.md"),
        good.replace("url = \"https", "url = \"\"\n# \"https"),
    )
    .expect("write");
    let o = run(&["check"], &env);
    let text = out(&o);
    assert_eq!(o.status.code(), Some(0), "{text}");
    assert!(
        text.contains("warning: skipped") && text.contains("bad.md"),
        "{text}"
    );
    assert!(text.contains("good.md: no url"), "{text}");
}

#[test]
fn check_without_a_token_or_a_writable_data_dir_refuses() {
    let c = shipped_corpus();
    let o = run(
        &["check"],
        &[
            ("ATTACHE__CORPUS__DIR", &c),
            ("ATTACHE__DATA_DIR", "/proc/attache-cannot-write"),
        ],
    );
    let text = out(&o);
    assert_eq!(o.status.code(), Some(2), "{text}");
    assert!(text.to_lowercase().contains("token"), "{text}");
    assert!(
        text.contains("data_dir /proc/attache-cannot-write is not writable"),
        "{text}"
    );
}

#[test]
fn healthcheck_asks_the_ops_listener() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr").to_string();
    let server = std::thread::spawn(move || {
        if let Ok((mut s, _)) = listener.accept() {
            let mut buf = [0u8; 512];
            let n = s.read(&mut buf).unwrap_or(0);
            let healthz = String::from_utf8_lossy(&buf[..n]).starts_with("GET /healthz ");
            let reply: &[u8] = if healthz {
                b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok"
            } else {
                b"HTTP/1.1 404 Not Found\r\n\r\n"
            };
            let _ = s.write_all(reply);
        }
    });
    let ok = run(&["healthcheck"], &[("ATTACHE__OPS__LISTEN", &addr)]);
    assert_eq!(ok.status.code(), Some(0), "{}", out(&ok));
    let _ = server.join();
    let down = run(&["healthcheck"], &[("ATTACHE__OPS__LISTEN", &addr)]);
    assert_eq!(
        down.status.code(),
        Some(1),
        "nothing listens any more: {}",
        out(&down)
    );
}

#[test]
fn command_line_flags_that_serve_would_ignore_are_refused() {
    let o = run(&["--corpus", "elsewhere", "serve"], &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(out(&o).contains("ATTACHE__CORPUS__DIR"), "{}", out(&o));
}

#[test]
fn check_warns_that_a_copy_cut_short_ends_mid_word() {
    let (_dir, corpus) = crate::import::shipped_copy();
    let o = crate::import::import_archive(&corpus);
    assert!(o.status.success(), "{}", out(&o));
    let o = check_corpus(&corpus);
    let text = out(&o);
    assert_eq!(o.status.code(), Some(0), "a cut copy still serves: {text}");
    assert!(text.contains("looks cut"), "{text}");
    // The shipped releases are whole.
    let o = check_corpus(&shipped_corpus());
    assert!(!out(&o).contains("looks cut"), "{}", out(&o));
}
