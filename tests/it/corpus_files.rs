//! Bad corpus files are reported by name and the rest of the corpus still answers.

use super::cli::attache;

const GOOD: &str = "+++\nid = \"good\"\ntitle = \"Outcome of the 24th ASEAN-ROK Dialogue\"\ndate = \"2021-05-12\"\nmeeting = \"24th ASEAN-ROK Dialogue\"\nurl = \"https://example.org/24\"\n+++\n\n1. The 24th ASEAN-ROK Dialogue discussed ocean plastics.\n";

#[test]
fn each_bad_file_is_named_and_the_good_one_still_answers() {
    let dir = tempfile::tempdir().expect("tempdir");
    let write =
        |name: &str, bytes: &[u8]| std::fs::write(dir.path().join(name), bytes).expect("write");
    write("a-good.md", GOOD.as_bytes());
    write("b-dup.md", GOOD.as_bytes());
    write("c-no-front.md", b"1. Just text.\n");
    write(
        "d-no-date.md",
        b"+++\nid = \"d\"\ntitle = \"T\"\n+++\n1. Text.\n",
    );
    write(
        "e-latin1.md",
        b"+++\nid = \"e\"\ntitle = \"T\"\ndate = \"2021-01-01\"\n+++\n1. Caf\xe9.\n",
    );
    write(
        "f-empty.md",
        b"+++\nid = \"f\"\ntitle = \"T\"\ndate = \"2021-01-01\"\n+++\n\n  \n",
    );
    let c = dir.path().to_str().unwrap_or(".");
    let o = attache(&["--corpus", c, "ask", "What did the 24th Dialogue discuss?"]);
    assert!(o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    for (file, what) in [
        ("b-dup.md", "duplicate id `good`"),
        ("c-no-front.md", "no front matter"),
        ("d-no-date.md", "lacks `date`"),
        ("e-latin1.md", "not valid UTF-8"),
        ("f-empty.md", "no text"),
    ] {
        assert!(
            err.lines().any(|l| l.contains(file) && l.contains(what)),
            "{file}: {what} in\n{err}"
        );
    }
    assert!(String::from_utf8_lossy(&o.stdout).contains("ocean plastics"));
}
