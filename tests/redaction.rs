//! No report shows a secret unless asked: not the finding's own, not another one on the same
//! line, and not the visible part of one that a long line's snippet would cut through.

mod common;

use common::{fake, run_json, write};
use leakhound::encoding::base62;

/// A classic GitHub token with a valid checksum (so the rule's validator accepts it).
fn github_token(seed: u64) -> String {
    let body = fake(30, seed);
    format!(
        "ghp_{body}{}",
        base62(u64::from(crc32fast::hash(body.as_bytes())), 6)
    )
}

fn all_text(doc: &serde_json::Value) -> String {
    serde_json::to_string(doc).unwrap()
}

#[test]
fn other_secrets_on_the_same_line_are_redacted_too() {
    let dir = tempfile::tempdir().unwrap();
    let tokens: Vec<String> = (0..30).map(|i| github_token(100 + i)).collect();
    let line: String = tokens
        .iter()
        .enumerate()
        .map(|(i, t)| format!("TOKEN_{i}={t};"))
        .collect();
    write(dir.path(), "app.env", &format!("{line}\n"));
    let run = run_json(dir.path(), &["scan", ".", "--no-progress"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(run.doc["findings"].as_array().unwrap().len(), 30);
    let text = all_text(&run.doc);
    for t in &tokens {
        // Any 8 characters of a token after its prefix would be too many.
        assert!(
            !text.contains(&t[4..12]),
            "a token shows in the report: {t}"
        );
    }
}

#[test]
fn a_snippet_never_shows_part_of_a_secret_it_cuts() {
    let dir = tempfile::tempdir().unwrap();
    let first = github_token(7);
    let straddling = github_token(8);
    // The second token sits where a 400-byte snippet of the first one's line would end.
    let line = format!("A={first} {} B={straddling}\n", "x".repeat(340));
    write(dir.path(), "minified.js", &line);
    let run = run_json(dir.path(), &["scan", ".", "--no-progress"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let text = all_text(&run.doc);
    for t in [&first, &straddling] {
        assert!(!text.contains(&t[4..12]), "part of {t} shows: {text}");
    }
}

#[test]
fn show_secrets_shows_them() {
    let dir = tempfile::tempdir().unwrap();
    let token = github_token(9);
    write(dir.path(), "a.env", &format!("T={token}\n"));
    let run = run_json(
        dir.path(),
        &["scan", ".", "--no-progress", "--show-secrets"],
    );
    assert!(all_text(&run.doc).contains(&token));
}
