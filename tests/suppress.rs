//! Suppression end to end: inline allow comments, the ignore file (`ignore add`), baselines
//! (`baseline create`, `--baseline`), `--report-unused-ignores`, `--no-suppress`, and the
//! counts in the reports. Fixtures are built in temp dirs; fake secrets are generated at run
//! time, so this file holds no literal secret.

mod common;
use common::{
    binance_key_line, binance_pair, binance_secret_line, fake, git, leakhound, run_json, write, Run,
};

use serde_json::Value;
use std::path::Path;

/// `leakhound scan . --format json ARGS` in `dir`.
fn scan(dir: &Path, args: &[&str]) -> Run {
    run_json(dir, &[&["scan", "."], args].concat())
}

fn findings(doc: &Value) -> Vec<&Value> {
    doc["findings"].as_array().unwrap().iter().collect()
}

fn places(doc: &Value) -> Vec<String> {
    findings(doc)
        .iter()
        .map(|f| format!("{}:{}", f["path"].as_str().unwrap(), f["line"]))
        .collect()
}

fn suppressed(doc: &Value, what: &str) -> u64 {
    doc["stats"]["suppressed"][what].as_u64().unwrap()
}

/// The fingerprints of the findings in `dir`, with nothing suppressed.
fn fingerprints(dir: &Path) -> Vec<String> {
    let run = scan(dir, &["--no-suppress"]);
    let mut fps: Vec<String> = findings(&run.doc)
        .iter()
        .map(|f| f["fingerprint"].as_str().unwrap().to_string())
        .collect();
    fps.sort();
    fps.dedup();
    fps
}

#[test]
fn inline_markers_on_the_line_or_on_a_comment_line_above() {
    let dir = tempfile::tempdir().unwrap();
    // One credential per file, so that multi-part linking stays out of the picture.
    let cases: [(&str, Vec<String>); 8] = [
        (
            "allowed-same-line.env",
            vec![
                binance_key_line(1),
                format!("{}  # leakhound:allow", binance_secret_line(1)),
            ],
        ),
        (
            "allowed-above.env",
            vec![
                binance_key_line(2),
                "    # gitleaks:allow".into(),
                binance_secret_line(2),
            ],
        ),
        (
            "allowed-pragma.env",
            vec![
                binance_key_line(3),
                format!("{}  // pragma: allowlist secret", binance_secret_line(3)),
            ],
        ),
        (
            "allowed-nextline.env",
            vec![
                binance_key_line(4),
                "# pragma: allowlist nextline secret".into(),
                binance_secret_line(4),
            ],
        ),
        // A trailing marker on a line of code does not reach the next line.
        (
            "reported-trailing-above.env",
            vec![
                format!("{}  # leakhound:allow", binance_key_line(5)),
                binance_secret_line(5),
            ],
        ),
        (
            "reported-no-marker.env",
            vec![binance_key_line(6), binance_secret_line(6)],
        ),
        // Two lines above is too far.
        (
            "reported-too-far.env",
            vec![
                "# leakhound:allow".into(),
                String::new(),
                binance_key_line(7),
                binance_secret_line(7),
            ],
        ),
        // Markers are case-sensitive words.
        (
            "reported-other-word.env",
            vec![
                binance_key_line(8),
                format!("{}  # leakhound:allowed", binance_secret_line(8)),
            ],
        ),
    ];
    for (name, lines) in &cases {
        write(dir.path(), name, &(lines.join("\n") + "\n"));
    }
    let run = scan(dir.path(), &[]);
    assert_eq!(run.code, 1);
    let mut reported: Vec<String> = findings(&run.doc)
        .iter()
        .map(|f| f["path"].as_str().unwrap().to_string())
        .collect();
    reported.sort();
    assert_eq!(
        reported,
        vec![
            "reported-no-marker.env",
            "reported-other-word.env",
            "reported-too-far.env",
            "reported-trailing-above.env"
        ]
    );
    assert_eq!(suppressed(&run.doc, "inline"), 4);
    // The whole credential goes: its key part is not reported on its own either.
    assert!(findings(&run.doc)
        .iter()
        .all(|f| f["rule_id"] == "binance-secret-key"));
}

#[test]
fn an_inline_marker_suppresses_only_its_own_line() {
    let dir = tempfile::tempdir().unwrap();
    // Two secrets on one line behind one marker are both on "that line"; the next line is not.
    let text = format!(
        "{}\n{} BINANCE_SECRET_KEY2={}  # leakhound:allow\n{}\n",
        binance_key_line(1),
        binance_secret_line(1),
        fake(64, 77),
        binance_secret_line(2)
    );
    write(dir.path(), "a.env", &text);
    let run = scan(dir.path(), &[]);
    assert_eq!(places(&run.doc), vec!["a.env:3"]);
    assert_eq!(suppressed(&run.doc, "inline"), 2);
}

#[test]
fn secret_changed_on_an_allowed_line() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();

    // A plain marker is positional: it allows whatever is on its line, so a new secret written
    // over the old one stays allowed (documented; use the pinned form to prevent that).
    write(
        d,
        "a.env",
        &format!(
            "{}\n{}  # leakhound:allow\n",
            binance_key_line(1),
            binance_secret_line(1)
        ),
    );
    assert_eq!(scan(d, &[]).doc["stats"]["findings"], 0);
    write(
        d,
        "a.env",
        &format!(
            "{}\n{}  # leakhound:allow\n",
            binance_key_line(1),
            binance_secret_line(2)
        ),
    );
    let run = scan(d, &[]);
    assert_eq!(run.doc["stats"]["findings"], 0);
    assert_eq!(suppressed(&run.doc, "inline"), 1);

    // The pinned form names the finding by a fingerprint prefix: it allows that secret only.
    let fp = fingerprints(d).remove(0);
    let pinned = |secret: String| {
        format!(
            "{}\n{secret}  # leakhound:allow {}\n",
            binance_key_line(1),
            &fp[..12]
        )
    };
    write(d, "a.env", &pinned(binance_secret_line(2)));
    let run = scan(d, &[]);
    assert_eq!(run.code, 0);
    assert_eq!(suppressed(&run.doc, "inline"), 1);
    // The secret changes, the marker stays: the new secret is reported.
    write(d, "a.env", &pinned(binance_secret_line(3)));
    let run = scan(d, &[]);
    assert_eq!(run.code, 1);
    assert_eq!(places(&run.doc), vec!["a.env:2"]);
    assert_eq!(suppressed(&run.doc, "inline"), 0);
}

#[test]
fn ignore_file_survives_moves_and_stops_matching_a_changed_secret() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "config/a.env", &binance_pair(1));
    write(d, "b.env", &binance_pair(2));
    let fps = fingerprints(d);
    assert_eq!(fps.len(), 2);
    let a_fp = {
        let run = scan(d, &[]);
        findings(&run.doc)
            .iter()
            .find(|f| f["path"] == "config/a.env")
            .unwrap()["fingerprint"]
            .as_str()
            .unwrap()
            .to_string()
    };
    leakhound(d)
        .args(["ignore", "add", &a_fp, "--reason", "fake key for the tests"])
        .assert()
        .success();
    let run = scan(d, &[]);
    assert_eq!(places(&run.doc), vec!["b.env:2"]);
    assert_eq!(suppressed(&run.doc, "ignore_file"), 1);

    // The line moves down and the file is renamed: still ignored (content fingerprint).
    std::fs::remove_file(d.join("config/a.env")).unwrap();
    write(
        d,
        "moved/renamed.env",
        &format!("# moved\n\n\n{}", binance_pair(1)),
    );
    let run = scan(d, &["--report-unused-ignores"]);
    assert_eq!(places(&run.doc), vec!["b.env:2"]);
    assert_eq!(suppressed(&run.doc, "ignore_file"), 1);
    assert_eq!(run.doc["stats"]["unused_ignores"], Value::Array(vec![]));

    // The secret changes: the entry no longer matches, the new secret is reported, and the
    // stale entry is listed as unused.
    write(
        d,
        "moved/renamed.env",
        &format!("{}\n{}\n", binance_key_line(1), binance_secret_line(9)),
    );
    let run = scan(d, &["--report-unused-ignores"]);
    assert_eq!(places(&run.doc), vec!["b.env:2", "moved/renamed.env:2"]);
    assert_eq!(suppressed(&run.doc, "ignore_file"), 0);
    let unused = run.doc["stats"]["unused_ignores"].as_array().unwrap();
    assert_eq!(unused.len(), 1);
    assert_eq!(unused[0]["source"], "ignore_file");
    assert_eq!(unused[0]["fingerprint"], a_fp.as_str());
    assert_eq!(unused[0]["file"], ".leakhoundignore");
    assert_eq!(unused[0]["note"], "fake key for the tests");
    // Machine formats also say it on stderr.
    assert!(
        run.stderr.contains("unused ignore entry") && run.stderr.contains(&a_fp),
        "{}",
        run.stderr
    );
}

#[test]
fn ignore_add_keeps_the_file_sorted_deduplicated_and_commented() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let fp = |c: char| c.to_string().repeat(32);
    let existing = format!(
        "# our ignore list\n\n# the staging key\n{}  # staging\n{}\n\n# trailing note\n",
        fp('c'),
        fp('a')
    );
    write(d, ".leakhoundignore", &existing);
    leakhound(d)
        .args([
            "ignore",
            "add",
            &fp('b'),
            &fp('C').to_uppercase(),
            "--reason",
            "docs",
        ])
        .assert()
        .success()
        .stdout(predicates::str::contains("already"));
    let text = std::fs::read_to_string(d.join(".leakhoundignore")).unwrap();
    assert_eq!(
        text,
        format!(
            "# our ignore list\n\n{}\n{}  # docs\n# the staging key\n{}  # staging\n\n# trailing note\n",
            fp('a'),
            fp('b'),
            fp('c')
        )
    );
    // Invalid fingerprints: exit 2, nothing written.
    leakhound(d)
        .args(["ignore", "add", &fp('d'), "not-a-fingerprint"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("not-a-fingerprint"));
    assert_eq!(
        std::fs::read_to_string(d.join(".leakhoundignore")).unwrap(),
        text
    );
    // A new file, elsewhere, gets a header.
    leakhound(d)
        .args(["ignore", "add", &fp('e'), "--file", "sub.ignore"])
        .assert()
        .success();
    let new = std::fs::read_to_string(d.join("sub.ignore")).unwrap();
    assert!(new.starts_with("# leakhound ignore file") && new.ends_with(&format!("{}\n", fp('e'))));
}

#[test]
fn a_broken_ignore_file_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a.env", &binance_pair(1));
    write(dir.path(), ".leakhoundignore", "not a fingerprint\n");
    leakhound(dir.path())
        .args(["scan", "."])
        .assert()
        .code(2)
        .stderr(predicates::str::contains(".leakhoundignore:1"));
    // An audit does not read it.
    leakhound(dir.path())
        .args(["scan", ".", "--no-suppress"])
        .assert()
        .code(1);
}

#[test]
fn baseline_is_stable_and_reports_only_new_findings() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "a.env", &binance_pair(1));
    write(d, "deploy/b.env", &binance_pair(2));
    write(d, "deploy/copy.env", &binance_pair(2)); // the same secret twice: one entry, two paths
    let create = |out: &str| {
        leakhound(d)
            .args(["baseline", "create", "--output", out])
            .assert()
            .success();
        std::fs::read_to_string(d.join(out)).unwrap()
    };
    let first = create("base.json");
    assert_eq!(
        create("base.json"),
        first,
        "creating twice gives the same bytes"
    );
    assert!(first.ends_with("}\n"));
    let doc: Value = serde_json::from_str(&first).unwrap();
    assert_eq!(doc["version"], 1);
    let entries = doc["findings"].as_array().unwrap();
    assert_eq!(entries.len(), 2);
    let fps: Vec<&str> = entries
        .iter()
        .map(|e| e["fingerprint"].as_str().unwrap())
        .collect();
    let mut sorted = fps.clone();
    sorted.sort();
    assert_eq!(fps, sorted);
    let two_paths = entries
        .iter()
        .find(|e| e["paths"].as_array().unwrap().len() == 2)
        .unwrap();
    assert_eq!(
        two_paths["paths"],
        serde_json::json!(["deploy/b.env", "deploy/copy.env"])
    );
    assert_eq!(two_paths["rule_id"], "binance-secret-key");
    assert!(!first.contains("line"), "no line numbers: {first}");

    // Created from another folder, with PATH: the same file.
    let other = tempfile::tempdir().unwrap();
    leakhound(other.path())
        .args(["baseline", "create", "--output", "x.json"])
        .arg(d)
        .assert()
        .success();
    assert_eq!(
        std::fs::read_to_string(other.path().join("x.json")).unwrap(),
        first
    );

    // Lines move: the baseline does not change.
    write(
        d,
        "a.env",
        &format!("\n\n# moved down\n{}", binance_pair(1)),
    );
    assert_eq!(create("base2.json"), first);
    std::fs::remove_file(d.join("base2.json")).unwrap();

    // A scan with the baseline reports only what is new.
    let run = scan(d, &["--baseline", "base.json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(suppressed(&run.doc, "baseline"), 3);
    write(d, "new.env", &binance_pair(3));
    let run = scan(d, &["--baseline", "base.json", "--report-unused-ignores"]);
    assert_eq!(run.code, 1);
    assert_eq!(places(&run.doc), vec!["new.env:2"]);
    assert_eq!(run.doc["stats"]["unused_ignores"], Value::Array(vec![]));

    // A baselined secret that is gone leaves an unused entry.
    std::fs::remove_file(d.join("a.env")).unwrap();
    let run = scan(d, &["--baseline", "base.json", "--report-unused-ignores"]);
    let unused = run.doc["stats"]["unused_ignores"].as_array().unwrap();
    assert_eq!(unused.len(), 1);
    assert_eq!(unused[0]["source"], "baseline");
    assert_eq!(unused[0]["note"], "binance-secret-key");

    // A missing or foreign baseline is an error.
    leakhound(d)
        .args(["scan", ".", "--baseline", "missing.json"])
        .assert()
        .code(2);
    write(d, "foreign.json", "{\"results\": []}\n");
    leakhound(d)
        .args(["scan", ".", "--baseline", "foreign.json"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("not a leakhound baseline"));
}

#[test]
fn leakhounds_own_files_are_not_findings() {
    // The ignore file and the baseline hold fingerprints and rule ids next to words like
    // "secret": scanning them must not report anything.
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "a.env", &binance_pair(1));
    leakhound(d).args(["baseline", "create"]).assert().success();
    let fp = fingerprints(d).remove(0);
    leakhound(d)
        .args([
            "ignore",
            "add",
            &fp,
            "--reason",
            "binance secret key: test value",
        ])
        .assert()
        .success();
    std::fs::remove_file(d.join("a.env")).unwrap();
    let run = scan(d, &["--no-suppress"]);
    assert_eq!(run.code, 0, "{:?}", places(&run.doc));
    assert_eq!(run.doc["stats"]["files_scanned"], 2);
}

#[test]
fn no_suppress_reports_everything_and_counts_in_json() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(
        d,
        "inline.env",
        &format!(
            "{}\n{} # leakhound:allow\n",
            binance_key_line(1),
            binance_secret_line(1)
        ),
    );
    write(d, "ignored.env", &binance_pair(2));
    write(d, "based.env", &binance_pair(3));
    write(d, "new.env", &binance_pair(4));
    let fp_of = |path: &str| -> String {
        let run = scan(d, &["--no-suppress"]);
        findings(&run.doc)
            .iter()
            .find(|f| f["path"] == path)
            .unwrap()["fingerprint"]
            .as_str()
            .unwrap()
            .to_string()
    };
    leakhound(d)
        .args(["ignore", "add", &fp_of("ignored.env")])
        .assert()
        .success();
    let base = serde_json::json!({
        "version": 1,
        "findings": [{"fingerprint": fp_of("based.env"), "rule_id": "binance-secret-key", "paths": ["based.env"]}]
    });
    write(d, "base.json", &format!("{base:#}\n"));

    let run = scan(d, &["--baseline", "base.json"]);
    assert_eq!(places(&run.doc), vec!["new.env:2"]);
    assert_eq!(
        run.doc["stats"]["suppressed"],
        serde_json::json!({"inline": 1, "ignore_file": 1, "baseline": 1, "config": 0})
    );
    assert!(
        run.stderr
            .contains("3 suppressed (1 inline, 1 ignore file, 1 baseline)"),
        "{}",
        run.stderr
    );

    let audit = scan(d, &["--baseline", "base.json", "--no-suppress"]);
    assert_eq!(audit.code, 1);
    assert_eq!(
        places(&audit.doc),
        vec!["based.env:2", "ignored.env:2", "inline.env:2", "new.env:2"]
    );
    assert_eq!(
        audit.doc["stats"]["suppressed"],
        serde_json::json!({"inline": 0, "ignore_file": 0, "baseline": 0, "config": 0})
    );

    // The text summary counts them too.
    leakhound(d)
        .args(["scan", ".", "--baseline", "base.json", "--color", "never"])
        .assert()
        .code(1)
        .stdout(predicates::str::contains(
            "1 finding (1 unique secret): 1 critical; 3 suppressed (1 inline, 1 ignore file, 1 baseline)",
        ));
}

#[test]
fn unused_ignores_in_the_text_report_and_on_stderr_for_jsonl() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "a.env", &binance_pair(1));
    let stale = "0123456789abcdef0123456789abcdef";
    leakhound(d)
        .args(["ignore", "add", stale, "--reason", "old key, rotated"])
        .assert()
        .success();
    let out = leakhound(d)
        .args(["scan", ".", "--report-unused-ignores", "--color", "never"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("unused ignore entries"), "{stdout}");
    assert!(
        stdout.contains(&format!(".leakhoundignore:6  {stale}  (old key, rotated)")),
        "{stdout}"
    );
    let out = leakhound(d)
        .args(["scan", ".", "--report-unused-ignores", "--format", "jsonl"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&format!("unused ignore entry: .leakhoundignore:6  {stale}")),
        "{stderr}"
    );
    assert!(!String::from_utf8_lossy(&out.stdout).contains(stale));
    // Without the flag, nothing is said.
    let run = scan(d, &[]);
    assert!(run.doc["stats"].get("unused_ignores").is_none());
    assert!(!run.stderr.contains("unused"));
}

// ---------------------------------------------------------------------------------------------
// git sources

/// `leakhound git --format json ARGS` in `dir`.
fn git_json(dir: &Path, args: &[&str]) -> Run {
    run_json(dir, &[&["git"], args].concat())
}

#[test]
fn staged_scans_honour_inline_allows_and_the_work_tree_ignore_file() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    git(d, &["init", "-q"]);
    write(d, "README.md", "# demo\n");
    git(d, &["add", "-A"]);
    git(d, &["commit", "-q", "-m", "initial"]);

    write(
        d,
        "allowed.env",
        &format!(
            "{}\n{} # leakhound:allow\n",
            binance_key_line(1),
            binance_secret_line(1)
        ),
    );
    write(d, "ignored.env", &binance_pair(2));
    write(d, "new.env", &binance_pair(3));
    git(d, &["add", "-A"]);
    let run = git_json(d, &["--staged", "--no-suppress"]);
    assert_eq!(run.doc["stats"]["findings"], 3);
    let ignored_fp = findings(&run.doc)
        .iter()
        .find(|f| f["path"] == "ignored.env")
        .unwrap()["fingerprint"]
        .as_str()
        .unwrap()
        .to_string();
    // The ignore file is read from the work tree root (it need not be staged).
    leakhound(d)
        .args(["ignore", "add", &ignored_fp])
        .assert()
        .success();
    let run = git_json(d, &["--staged"]);
    assert_eq!(run.code, 1);
    assert_eq!(places(&run.doc), vec!["new.env:2"]);
    assert_eq!(suppressed(&run.doc, "inline"), 1);
    assert_eq!(suppressed(&run.doc, "ignore_file"), 1);

    // The hook's advice names the allow comment and the ignore file.
    leakhound(d)
        .args(["git", "--staged"])
        .assert()
        .code(1)
        .stderr(predicates::str::contains("leakhound:allow"))
        .stderr(predicates::str::contains("leakhound ignore add"));
}

#[test]
fn baseline_of_git_history() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    git(d, &["init", "-q"]);
    write(d, "a.env", &binance_pair(1));
    git(d, &["add", "-A"]);
    git(d, &["commit", "-q", "-m", "add a"]);
    std::fs::remove_file(d.join("a.env")).unwrap();
    write(d, "b/c.env", &binance_pair(2));
    git(d, &["add", "-A"]);
    git(d, &["commit", "-q", "-m", "swap"]);
    let out = tempfile::tempdir().unwrap();
    let hist = out.path().join("hist.json");
    leakhound(d)
        .args(["baseline", "create", "--git", "--output"])
        .arg(&hist)
        .assert()
        .success();
    let text = std::fs::read_to_string(&hist).unwrap();
    let doc: Value = serde_json::from_str(&text).unwrap();
    let paths: Vec<&Value> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| &e["paths"][0])
        .collect();
    assert_eq!(doc["findings"].as_array().unwrap().len(), 2);
    assert!(paths.contains(&&Value::from("a.env")) && paths.contains(&&Value::from("b/c.env")));
    write(d, "base.json", &text);
    let run = git_json(d, &["--baseline", "base.json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(suppressed(&run.doc, "baseline"), 2);
}
