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

mod properties {
    use attache::corpus::import::{ImportOptions, import_page};
    use attache::corpus::split_paragraphs;
    use proptest::prelude::*;

    fn lines() -> impl Strategy<Value = String> {
        let line = prop_oneof![
            "[0-9]{1,3}\\. [A-Za-z ,.’“”()-]{0,60}",
            "[оoㅇ°○*※▲①-] [A-Za-z ,.]{0,40}",
            "\\PC{0,50}",
            Just(String::new()),
            Just("Date".to_string()),
            Just("2023-06-20".to_string()),
            Just("hit".to_string()),
            Just("Press Releases".to_string()),
            Just("바로가기 메뉴".to_string()),
        ];
        proptest::collection::vec(line, 0..20).prop_map(|l| l.join("\n"))
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

        #[test]
        fn paragraphs_are_verbatim_pieces_of_the_body(body in lines()) {
            for p in split_paragraphs(&body) {
                prop_assert!(!p.text.is_empty());
                prop_assert!(!p.number.is_empty());
                // Hard-wrapped lines are joined with a space; each piece is verbatim.
                for piece in p.text.split(' ') {
                    prop_assert!(body.contains(piece), "{piece:?} is not in the body");
                }
            }
        }

        #[test]
        fn importing_any_page_gives_a_file_or_a_reason(page in lines()) {
            let opts = ImportOptions { url: Some("https://example.org".into()), date: "2024-01-01".parse().ok(), ..ImportOptions::default() };
            if let Ok(imported) = import_page(&page, &opts) {
                let again = attache::corpus::Release::parse("x.md".as_ref(), &imported.render());
                prop_assert!(again.is_ok(), "{:?}", again.err());
            }
        }
    }
}
