//! Property tests (proptest): the CI-run part of the fuzzing of issue 15. `fuzz/` holds the
//! cargo-fuzz targets for longer runs on nightly; these run on stable in `cargo test`, with a
//! fixed number of cases so the whole file stays within a few seconds (about 20 s is the
//! budget; `PROPTEST_CASES=N` raises the count for a longer local run).
//!
//! Properties:
//! - arbitrary bytes (and bytes salted with every rule's keywords) through the engine with
//!   every builtin rule never panic, and every finding points inside the blob;
//! - redaction never leaves a whole secret in any report format (text, JSON, JSONL, SARIF,
//!   HTML) for random files with planted secrets;
//! - a finding's line and column point at its secret's bytes, whatever the line endings
//!   (LF, CRLF, lone CR) and the multibyte text before it;
//! - a file and the same content split across two blobs give the same secrets.

use std::collections::BTreeSet;
use std::sync::{Arc, OnceLock};

use leakhound::detect::filters::Filters;
use leakhound::detect::Detector;
use leakhound::encoding::base62;
use leakhound::findings::Finding;
use leakhound::report::{write_report, Format, ReportOptions, ScanOutcome};
use leakhound::rules::RuleSet;
use leakhound::sources::SourceOutcome;
use proptest::prelude::*;

fn detector() -> &'static Detector {
    static D: OnceLock<Detector> = OnceLock::new();
    D.get_or_init(|| Detector::new(Arc::new(RuleSet::builtin().unwrap())).unwrap())
}

fn detect(blob: &[u8]) -> Vec<Finding> {
    let d = detector();
    d.detect(blob, "f.txt", &mut d.new_scratch())
}

fn config(cases: u32) -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(cases);
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// Every keyword of every builtin rule, so random input reaches the regexes.
fn keywords() -> &'static Vec<String> {
    static K: OnceLock<Vec<String>> = OnceLock::new();
    K.get_or_init(|| {
        let set: BTreeSet<String> = detector()
            .rules()
            .rules()
            .iter()
            .flat_map(|r| r.keywords.iter().cloned())
            .collect();
        set.into_iter().collect()
    })
}

/// Pieces that random "salted" input is made of: keywords, separators, alphabet runs.
fn piece() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        (0..keywords().len()).prop_map(|i| keywords()[i].clone().into_bytes()),
        (0..keywords().len()).prop_map(|i| keywords()[i].to_ascii_uppercase().into_bytes()),
        prop::sample::select(vec![
            "=",
            ": ",
            "\"",
            "'",
            "\n",
            "\r\n",
            "\r",
            " ",
            "-----BEGIN ",
            "PRIVATE KEY-----",
            "_",
            "%2B",
            "\\u002b",
            "==",
            ".",
            "/",
            "leakhound:allow",
        ])
        .prop_map(|s| s.as_bytes().to_vec()),
        "[A-Za-z0-9+/]{1,80}".prop_map(String::into_bytes),
        prop::collection::vec(any::<u8>(), 0..16),
    ]
}

proptest! {
    #![proptest_config(config(24))]

    #[test]
    fn arbitrary_bytes_never_panic(blob in prop::collection::vec(any::<u8>(), 0..4096)) {
        for f in detect(&blob) {
            prop_assert!(f.line >= 1 && f.column >= 1);
        }
    }

    #[test]
    fn keyword_salted_bytes_never_panic(
        pieces in prop::collection::vec(piece(), 0..120)
    ) {
        let blob = pieces.concat();
        for f in detect(&blob) {
            prop_assert!(f.line >= 1 && f.column >= 1);
            prop_assert!(f.line <= blob.len() + 1);
        }
    }
}

/// A GitHub classic token with a valid checksum (so no placeholder filter drops it).
fn github_token(body: &str) -> String {
    format!(
        "ghp_{body}{}",
        base62(u64::from(crc32fast::hash(body.as_bytes())), 6)
    )
}

/// A value the engine's own filters take for real: random enough (a regex strategy can draw
/// `AKIA2222222222222222`) and free of placeholder words (`test`, `xxxx`, ...) and runs, which
/// the engine rightly ignores.
fn looks_real(secret: &str) -> bool {
    static F: OnceLock<Filters> = OnceLock::new();
    let distinct = secret.chars().collect::<BTreeSet<_>>().len();
    distinct * 2 >= secret.len().min(40)
        && F.get_or_init(Filters::builtin)
            .reject(secret.as_bytes())
            .is_none()
}

/// A line holding a secret, and the secret: several kinds, so that several rules run.
fn planted_line() -> impl Strategy<Value = (String, String)> {
    prop_oneof![
        "[A-Za-z0-9]{30}".prop_map(|body| {
            let t = github_token(&body);
            (format!("token = {t}"), t)
        }),
        "[A-Z2-7]{16}"
            .prop_map(|body| format!("AKIA{body}"))
            .prop_filter("looks real", |k| looks_real(k))
            .prop_map(|k| (format!("aws_access_key_id: {k}"), k)),
        "[A-Za-z0-9]{64}"
            .prop_filter("looks real", |s| looks_real(s))
            .prop_map(|s| (format!("BINANCE_SECRET_KEY={s}"), s)),
    ]
}

/// Filler text without secrets: words, multibyte characters, punctuation.
fn filler() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop::sample::select(vec![
            "let", "x", "=", "1;", "é", "日本", "—", " ", "\t", "fn", "()", "{", "}", "// note",
        ]),
        0..12,
    )
    .prop_map(|w| w.concat())
}

/// A file: filler lines and planted lines joined by random line endings. Returns the text
/// and the planted secrets.
fn file() -> impl Strategy<Value = (String, Vec<String>)> {
    prop::collection::vec(
        (
            prop_oneof![
                filler().prop_map(|f| (f, None)),
                planted_line().prop_map(|(l, s)| (l, Some(s)))
            ],
            prop::sample::select(vec!["\n", "\r\n", "\r"]),
            filler(),
        ),
        1..12,
    )
    .prop_map(|lines| {
        let mut text = String::new();
        let mut secrets = Vec::new();
        for ((line, secret), end, prefix) in lines {
            // Filler before a planted line stays apart from the secret's keyword.
            if secret.is_some() && !prefix.is_empty() {
                text.push_str(&prefix);
                text.push(' ');
            }
            text.push_str(&line);
            text.push_str(end);
            secrets.extend(secret);
        }
        (text, secrets)
    })
}

/// The byte offset of 1-based `line` and character `column` in `text`, with the engine's
/// line breaks (LF, CRLF, lone CR).
fn offset_of(text: &str, line: usize, column: usize) -> Option<usize> {
    let b = text.as_bytes();
    let mut start = 0;
    let mut current = 1;
    let mut i = 0;
    while current < line {
        match b.get(i)? {
            b'\n' => {
                current += 1;
                start = i + 1;
            }
            b'\r' if b.get(i + 1) != Some(&b'\n') => {
                current += 1;
                start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    let (off, _) = text[start..].char_indices().nth(column - 1)?;
    Some(start + off)
}

fn reports(outcome: &ScanOutcome) -> Vec<(String, String)> {
    let rules = detector().rules();
    let opts = ReportOptions {
        show_secrets: false,
        color: false,
        width: 100,
        quiet: false,
    };
    ["text", "json", "jsonl", "sarif", "html"]
        .iter()
        .filter_map(|name| name.parse::<Format>().ok().map(|f| (name, f)))
        .map(|(name, format)| {
            let mut out = Vec::new();
            write_report(&mut out, format, outcome, rules, opts).unwrap();
            (name.to_string(), String::from_utf8(out).unwrap())
        })
        .collect()
}

proptest! {
    #![proptest_config(config(24))]

    #[test]
    fn line_and_column_point_at_the_secret((text, secrets) in file()) {
        let found = detect(text.as_bytes());
        for s in &secrets {
            prop_assert!(found.iter().any(|f| &f.secret == s || f.parts.iter().any(|p| &p.value == s)),
                "{s} not found in {text:?}");
        }
        for f in &found {
            let at = offset_of(&text, f.line, f.column);
            prop_assert!(at.is_some_and(|at| text[at..].starts_with(&f.secret)),
                "{}:{} is not where {} is in {text:?}", f.line, f.column, f.secret);
            for p in f.parts.iter().filter(|_| f.decoded.is_none()) {
                let at = offset_of(&text, p.line, p.column);
                prop_assert!(at.is_some_and(|at| text[at..].starts_with(&p.value)),
                    "part {}:{} is not where {} is", p.line, p.column, p.value);
            }
        }
    }

    #[test]
    fn no_report_format_shows_a_whole_secret((text, secrets) in file()) {
        let source = SourceOutcome { findings: detect(text.as_bytes()), ..SourceOutcome::default() };
        let outcome = ScanOutcome { findings: source.findings, ..ScanOutcome::default() };
        for (format, out) in reports(&outcome) {
            for s in &secrets {
                prop_assert!(!out.contains(s.as_str()), "{format} shows {s}:\n{out}");
            }
        }
    }

    #[test]
    fn one_blob_or_two_find_the_same_secrets((text, _) in file(), cut in any::<prop::sample::Index>()) {
        let whole: BTreeSet<String> = detect(text.as_bytes()).into_iter().map(|f| f.secret).collect();
        // Split at a line boundary (after a line break), as history splits a file's versions.
        let breaks: Vec<usize> = text
            .char_indices()
            .filter(|&(i, c)| c == '\n' || (c == '\r' && !text[i + 1..].starts_with('\n')))
            .map(|(i, _)| i + 1)
            .collect();
        let at = if breaks.is_empty() { text.len() } else { breaks[cut.index(breaks.len())] };
        let (a, b) = text.split_at(at);
        let split: BTreeSet<String> = detect(a.as_bytes())
            .into_iter()
            .chain(detect(b.as_bytes()))
            .map(|f| f.secret)
            .collect();
        prop_assert_eq!(whole, split, "cut at {} of {:?}", at, text);
    }
}
