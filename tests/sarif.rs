//! `--format sarif`: the report GitHub code scanning imports.
//!
//! Every report here is validated against the official SARIF 2.1.0 JSON schema (vendored in
//! `tests/schema/`, see its README) and snapshotted with insta. The SARIF Multitool, which also
//! checks GitHub's own upload rules, runs in CI (`.ci/validate-sarif.sh`).

mod common;
use common::{fake, git_at};

use assert_cmd::Command;
use serde_json::Value;
use std::collections::HashSet;
use std::path::Path;
use std::sync::OnceLock;

fn leakhound() -> Command {
    let mut cmd = Command::cargo_bin("leakhound").unwrap();
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"));
    cmd
}

/// Runs leakhound with `args` in `dir` and parses stdout as JSON; returns (exit code, doc).
fn run_in(dir: &Path, args: &[&str]) -> (i32, Value) {
    let out = leakhound().current_dir(dir).args(args).output().unwrap();
    let doc = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&out.stderr)));
    (out.status.code().unwrap(), doc)
}

fn manifest_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn schema_validator() -> &'static jsonschema::Validator {
    static VALIDATOR: OnceLock<jsonschema::Validator> = OnceLock::new();
    VALIDATOR.get_or_init(|| {
        let schema: Value =
            serde_json::from_str(include_str!("schema/sarif-schema-2.1.0.json")).unwrap();
        jsonschema::options()
            .should_validate_formats(true)
            .build(&schema)
            .expect("the vendored schema compiles")
    })
}

fn assert_schema_valid(doc: &Value) {
    let errors: Vec<String> = schema_validator()
        .iter_errors(doc)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "SARIF schema errors:\n{}",
        errors.join("\n")
    );
}

/// Checks the invariants GitHub's upload depends on: unique rule ids, every result pointing at
/// its own rule, relative URIs, one run with one successful invocation.
fn assert_github_shape(doc: &Value) {
    assert_eq!(doc["version"], "2.1.0");
    assert_eq!(
        doc["$schema"],
        "https://json.schemastore.org/sarif-2.1.0.json"
    );
    let runs = doc["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 1);
    let run = &runs[0];
    let driver = &run["tool"]["driver"];
    assert_eq!(driver["name"], "leakhound");
    assert_eq!(
        driver["informationUri"],
        "https://github.com/leakhound/leakhound"
    );
    assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(driver["semanticVersion"], env!("CARGO_PKG_VERSION"));
    assert_eq!(run["invocations"][0]["executionSuccessful"], true);

    let rules = driver["rules"].as_array().unwrap();
    let ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    let unique: HashSet<&str> = ids.iter().copied().collect();
    assert_eq!(unique.len(), ids.len(), "duplicate rule ids: {ids:?}");
    for rule in rules {
        let props = &rule["properties"];
        let sev: f64 = props["security-severity"]
            .as_str()
            .expect("security-severity is a string")
            .parse()
            .unwrap();
        assert!((0.1..=10.0).contains(&sev));
        let tags = props["tags"].as_array().unwrap();
        assert!(tags.len() <= 20);
        for t in ["security", "secret", "external/cwe/cwe-798"] {
            assert!(tags.iter().any(|x| x == t), "{t} missing in {tags:?}");
        }
        assert!(
            ["very-high", "high", "medium", "low"].contains(&props["precision"].as_str().unwrap())
        );
        assert!(!rule["help"]["text"].as_str().unwrap().is_empty());
        assert!(!rule["help"]["markdown"].as_str().unwrap().is_empty());
    }

    let results = run["results"].as_array().unwrap();
    let mut used = HashSet::new();
    for r in results {
        let index = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(
            rules[index]["id"], r["ruleId"],
            "ruleIndex points at its rule"
        );
        used.insert(r["ruleId"].as_str().unwrap());
        let loc = &r["locations"][0]["physicalLocation"];
        let uri = loc["artifactLocation"]["uri"].as_str().unwrap();
        assert!(!uri.starts_with('/') && !uri.starts_with("./"), "{uri}");
        assert_eq!(loc["artifactLocation"]["uriBaseId"], "%SRCROOT%");
        for k in ["startLine", "startColumn", "endLine", "endColumn"] {
            assert!(loc["region"][k].as_u64().unwrap() >= 1, "{k}");
        }
        let fp = r["partialFingerprints"]["secretFingerprint/v1"]
            .as_str()
            .unwrap();
        assert!(!fp.is_empty());
    }
    assert_eq!(used, unique, "rules are exactly the rules with results");
}

/// Every secret value (secrets and parts) of a report made with `--show-secrets`.
fn secrets_of(json_report: &Value) -> Vec<String> {
    let mut out = Vec::new();
    for f in json_report["findings"].as_array().unwrap() {
        assert_eq!(f["redacted"], false);
        out.push(f["secret"].as_str().unwrap().to_string());
        for p in f["parts"].as_array().unwrap() {
            out.push(p["value"].as_str().unwrap().to_string());
        }
    }
    assert!(!out.is_empty());
    out
}

/// Fails if `text` holds any secret, or any 16-character stretch of one (or of one of its
/// lines, for a PEM key), so a truncated secret or a raw snippet is caught too.
fn assert_no_secret_in(text: &str, secrets: &[String]) {
    for secret in secrets {
        assert!(!text.contains(secret.as_str()), "a secret is in the SARIF");
        for line in secret.lines().filter(|l| !l.starts_with("-----")) {
            let chars: Vec<char> = line.chars().collect();
            for window in chars.windows(16) {
                let piece: String = window.iter().collect();
                assert!(
                    !text.contains(&piece),
                    "part of a secret is in the SARIF: {piece}"
                );
            }
        }
    }
}

/// Snapshots a SARIF document, with the version fields redacted so a release does not churn
/// the snapshots.
macro_rules! assert_sarif_snapshot {
    ($name:expr, $doc:expr) => {
        insta::assert_json_snapshot!($name, $doc, {
            ".runs[].tool.driver.version" => "[version]",
            ".runs[].tool.driver.semanticVersion" => "[version]",
        })
    };
}

/// The schema test is only worth something if the vendored schema rejects bad SARIF.
#[test]
fn the_vendored_schema_rejects_invalid_sarif() {
    let (_, good) = run_in(
        manifest_dir(),
        &["scan", "fixtures/tree", "--format", "sarif"],
    );
    let mut bad = good.clone();
    bad["version"] = Value::from("2.0.0");
    bad["runs"][0]["results"][0]["ruleIndex"] = Value::from(-2);
    bad["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] =
        Value::from(0);
    bad["runs"][0]["tool"]["driver"]["informationUri"] = Value::from("not a uri");
    let errors: Vec<String> = schema_validator()
        .iter_errors(&bad)
        .map(|e| e.instance_path().to_string())
        .collect();
    assert!(errors.len() >= 4, "only {errors:?}");
}

#[test]
fn fixture_tree_sarif_is_schema_valid_and_stable() {
    let (code, doc) = run_in(
        manifest_dir(),
        &["scan", "fixtures/tree", "--format", "sarif"],
    );
    assert_eq!(code, 1, "findings mean exit 1 in every format");
    assert_schema_valid(&doc);
    assert_github_shape(&doc);
    let run = &doc["runs"][0];
    assert_eq!(run["automationDetails"]["id"], "leakhound/files/");
    let results = run["results"].as_array().unwrap();
    assert!(results.iter().any(|r| r["ruleId"] == "binance-secret-key"
        && r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            == "fixtures/tree/.env"));
    // Most severe first.
    let levels: Vec<&str> = results
        .iter()
        .map(|r| r["level"].as_str().unwrap())
        .collect();
    let mut sorted = levels.clone();
    sorted.sort_by_key(|l| ["error", "warning", "note"].iter().position(|x| x == l));
    assert_eq!(levels, sorted);
    assert_sarif_snapshot!("fixture_tree", &doc);
}

#[test]
fn paths_are_relative_however_the_tree_was_named() {
    let (_, plain) = run_in(
        manifest_dir(),
        &["scan", "fixtures/tree", "--format", "sarif"],
    );
    let abs = manifest_dir().join("fixtures/tree");
    for arg in ["./fixtures/tree", abs.to_str().unwrap()] {
        let (_, doc) = run_in(manifest_dir(), &["scan", arg, "--format", "sarif"]);
        assert_schema_valid(&doc);
        assert_eq!(
            doc["runs"][0]["results"], plain["runs"][0]["results"],
            "scanning {arg}"
        );
    }
}

#[test]
fn no_secret_in_the_sarif_even_with_show_secrets() {
    let (_, json) = run_in(
        manifest_dir(),
        &[
            "scan",
            "fixtures/tree",
            "--format",
            "json",
            "--show-secrets",
        ],
    );
    let secrets = secrets_of(&json);
    let out = leakhound()
        .args([
            "scan",
            "fixtures/tree",
            "--format",
            "sarif",
            "--show-secrets",
        ])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let doc: Value = serde_json::from_str(&text).unwrap();
    assert_schema_valid(&doc);
    assert_no_secret_in(&text, &secrets);
    // And the same report as without the flag.
    let (_, plain) = run_in(
        manifest_dir(),
        &["scan", "fixtures/tree", "--format", "sarif"],
    );
    assert_eq!(doc, plain);
}

#[test]
fn output_file_holds_the_same_sarif() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("leakhound.sarif");
    let out = leakhound()
        .args(["scan", "fixtures/tree", "--format", "sarif", "-o"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let doc: Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    assert_schema_valid(&doc);
}

#[test]
fn a_clean_tree_gives_an_empty_valid_run() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("hello.txt"), "nothing to see\n").unwrap();
    let (code, doc) = run_in(dir.path(), &["scan", ".", "--format", "sarif"]);
    assert_eq!(code, 0);
    assert_schema_valid(&doc);
    assert_github_shape(&doc);
    assert_eq!(doc["runs"][0]["results"], serde_json::json!([]));
    assert_eq!(
        doc["runs"][0]["tool"]["driver"]["rules"],
        serde_json::json!([])
    );
}

// ---- git history and staged changes ----------------------------------------------------------

fn commit_all(dir: &Path, msg: &str, date: &str) -> String {
    git_at(dir, date, &["add", "-A"]);
    git_at(dir, date, &["commit", "-q", "-m", msg]);
    git_at(dir, date, &["rev-parse", "HEAD"])
}

/// A Binance key/secret pair as an .env text (detected as `binance-secret-key`).
fn binance_env(seed: u64) -> String {
    format!(
        "APP=demo\nBINANCE_API_KEY={}\nBINANCE_SECRET_KEY={}\n",
        fake(64, seed * 2),
        fake(64, seed * 2 + 1)
    )
}

/// A repository whose second commit adds a Binance pair and whose third deletes it.
fn history_fixture() -> (tempfile::TempDir, String) {
    let repo = tempfile::tempdir().unwrap();
    let dir = repo.path();
    git_at(dir, "2026-01-02T03:04:05Z", &["init", "-q"]);
    std::fs::write(dir.join("README.md"), "# demo\n").unwrap();
    commit_all(dir, "initial", "2026-01-02T03:04:05Z");
    std::fs::create_dir_all(dir.join("config")).unwrap();
    std::fs::write(dir.join("config/.env"), binance_env(7)).unwrap();
    let added = commit_all(dir, "add exchange settings", "2026-01-03T10:00:00Z");
    std::fs::remove_file(dir.join("config/.env")).unwrap();
    commit_all(dir, "remove exchange settings", "2026-01-04T10:00:00Z");
    (repo, added)
}

#[test]
fn history_sarif_is_schema_valid_and_stable() {
    let (repo, added) = history_fixture();
    let repo_arg = repo.path().to_str().unwrap();
    let (code, doc) = run_in(repo.path(), &["git", repo_arg, "--format", "sarif"]);
    assert_eq!(code, 1);
    assert_schema_valid(&doc);
    assert_github_shape(&doc);
    let run = &doc["runs"][0];
    assert_eq!(run["automationDetails"]["id"], "leakhound/history/");
    let results = run["results"].as_array().unwrap();
    let r = results
        .iter()
        .find(|r| r["ruleId"] == "binance-secret-key")
        .expect("the Binance pair is found in history");
    assert_eq!(
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "config/.env"
    );
    let props = &r["properties"];
    assert_eq!(props["commit"], added.as_str());
    assert_eq!(props["author"], "Ada Lovelace");
    assert_eq!(props["email"], "ada@example.invalid");
    assert_eq!(props["date"], "2026-01-03T10:00:00Z");
    assert_eq!(props["subject"], "add exchange settings");
    assert_eq!(props["in_head"], false);
    let message = r["message"]["text"].as_str().unwrap();
    assert!(message.contains("only in history"), "{message}");
    assert!(message.contains(&added[..12]), "{message}");
    assert_sarif_snapshot!("history", &doc);
}

#[test]
fn no_secret_in_history_sarif_even_with_show_secrets() {
    let (repo, _) = history_fixture();
    let repo_arg = repo.path().to_str().unwrap();
    let (_, json) = run_in(
        repo.path(),
        &["git", repo_arg, "--format", "json", "--show-secrets"],
    );
    let secrets = secrets_of(&json);
    let out = leakhound()
        .current_dir(repo.path())
        .args(["git", repo_arg, "--format", "sarif", "--show-secrets"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert_no_secret_in(&text, &secrets);
}

#[test]
fn staged_sarif_has_its_own_category() {
    let repo = tempfile::tempdir().unwrap();
    let dir = repo.path();
    let date = "2026-01-02T03:04:05Z";
    git_at(dir, date, &["init", "-q"]);
    std::fs::write(dir.join("README.md"), "# demo\n").unwrap();
    commit_all(dir, "initial", date);
    std::fs::write(dir.join(".env"), binance_env(11)).unwrap();
    git_at(dir, date, &["add", ".env"]);
    let (code, doc) = run_in(dir, &["git", "--staged", "--format", "sarif"]);
    assert_eq!(code, 1);
    assert_schema_valid(&doc);
    assert_github_shape(&doc);
    let run = &doc["runs"][0];
    assert_eq!(run["automationDetails"]["id"], "leakhound/staged/");
    let r = &run["results"][0];
    assert_eq!(
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        ".env"
    );
    assert!(r["message"]["text"].as_str().unwrap().contains("staged"));
    assert!(r.get("properties").is_none(), "no commit yet");
}

/// The SARIF `.ci/validate-sarif.sh` hands the Multitool as its third report, built in-process:
/// every builtin rule's examples, each scanned under its own path (`<rule>/<n>/<example path>`).
fn every_rule_sarif() -> (Value, Vec<String>) {
    use leakhound::detect::Detector;
    use leakhound::report::{write_report, Format, ReportOptions, ScanOutcome};
    use leakhound::rules::RuleSet;
    use std::sync::Arc;

    let rules = Arc::new(RuleSet::builtin().expect("builtin rules load"));
    let detector = Detector::new(rules.clone()).expect("detector builds");
    let mut scratch = detector.new_scratch();
    let mut findings = Vec::new();
    let mut reportable = Vec::new();
    for rule in rules.rules() {
        // A part that is never reported alone (a passphrase) only rides on its secret's result.
        if rule.standalone {
            reportable.push(rule.id.clone());
        }
        for (i, ex) in rule.examples.iter().enumerate() {
            let path = format!(
                "{}/{i}/{}",
                rule.id,
                ex.path.as_deref().unwrap_or("example")
            );
            findings.extend(detector.detect(ex.text.as_bytes(), &path, &mut scratch));
        }
    }
    let outcome = ScanOutcome {
        findings,
        ..ScanOutcome::default()
    };
    let opts = ReportOptions {
        show_secrets: false,
        color: false,
        width: 80,
        quiet: false,
    };
    let mut out = Vec::new();
    write_report(&mut out, Format::Sarif, &outcome, &rules, opts).unwrap();
    (serde_json::from_slice(&out).unwrap(), reportable)
}

/// A URI as SARIF and GitHub take it: a relative reference with no backslash, no `.`/`..`
/// segment, no scheme, and nothing outside RFC 3986's characters (percent escapes allowed).
fn assert_relative_uri(uri: &str) {
    assert!(!uri.is_empty() && !uri.starts_with('/'), "{uri}");
    assert!(!uri.contains('\\') && !uri.contains(':'), "{uri}");
    assert!(
        uri.split('/')
            .all(|seg| !seg.is_empty() && seg != "." && seg != ".."),
        "{uri}"
    );
    assert!(
        uri.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-._~!$&'()*+,;=@/%".contains(c)),
        "not a valid URI reference: {uri}"
    );
}

/// Every builtin rule that can be reported on its own gives a result, and each rule's metadata
/// passes what the SARIF Multitool's SARIF and GHAS rules check that can be checked offline:
/// SARIF1001 (a `name` that is not the id, even ignoring case: `jwt` once slipped through),
/// SARIF2012 (a PascalCase name, descriptions, help), SARIF1005 (an absolute `helpUri`),
/// GitHub's numeric `security-severity`, results that point at an existing rule by index, and
/// valid relative URIs.
#[test]
fn every_builtin_rule_gives_clean_sarif_metadata() {
    let (doc, reportable) = every_rule_sarif();
    assert_schema_valid(&doc);
    assert_github_shape(&doc);
    let run = &doc["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let results = run["results"].as_array().unwrap();

    let with_results: HashSet<&str> = results
        .iter()
        .map(|r| r["ruleId"].as_str().unwrap())
        .collect();
    let missing: Vec<&String> = reportable
        .iter()
        .filter(|id| !with_results.contains(id.as_str()))
        .collect();
    assert!(missing.is_empty(), "rules with no result: {missing:?}");
    assert_eq!(rules.len(), reportable.len());

    let mut names = HashSet::new();
    for rule in rules {
        let id = rule["id"].as_str().unwrap();
        let name = rule["name"].as_str().unwrap_or_default();
        assert!(!name.is_empty(), "{id}: no name");
        assert!(
            !name.eq_ignore_ascii_case(id),
            "{id}: name {name:?} is its id (SARIF1001)"
        );
        assert!(
            name.starts_with(|c: char| c.is_ascii_uppercase())
                && name.chars().all(|c| c.is_ascii_alphanumeric()),
            "{id}: name {name:?} is not PascalCase (SARIF2012)"
        );
        assert!(names.insert(name.to_string()), "{id}: name {name:?} twice");
        for field in ["shortDescription", "fullDescription"] {
            let text = rule[field]["text"].as_str().unwrap_or_default();
            assert!(!text.trim().is_empty(), "{id}: no {field}");
        }
        let full = rule["fullDescription"]["text"].as_str().unwrap();
        assert!(full.ends_with('.'), "{id}: fullDescription {full:?}");
        for field in ["text", "markdown"] {
            let help = rule["help"][field].as_str().unwrap_or_default();
            assert!(!help.trim().is_empty(), "{id}: no help {field}");
        }
        let help_uri = rule["helpUri"].as_str().unwrap_or_default();
        assert!(
            help_uri.starts_with("https://") && !help_uri.contains(char::is_whitespace),
            "{id}: helpUri {help_uri:?} is not an absolute URI (SARIF1005)"
        );
        let severity = rule["properties"]["security-severity"]
            .as_str()
            .unwrap_or_else(|| panic!("{id}: security-severity is not a string"));
        let score: f64 = severity
            .parse()
            .unwrap_or_else(|_| panic!("{id}: security-severity {severity:?} is not a number"));
        assert!((0.0..=10.0).contains(&score), "{id}: {score}");
        assert!(
            ["note", "warning", "error"]
                .contains(&rule["defaultConfiguration"]["level"].as_str().unwrap()),
            "{id}"
        );
    }

    for r in results {
        let index = r["ruleIndex"].as_u64().expect("ruleIndex") as usize;
        assert!(index < rules.len(), "ruleIndex {index} out of range");
        assert_eq!(rules[index]["id"], r["ruleId"]);
        let text = r["message"]["text"].as_str().unwrap_or_default();
        assert!(
            !text.is_empty() && text.ends_with('.'),
            "message {text:?} (SARIF2001, GH1007)"
        );
        let loc = &r["locations"][0]["physicalLocation"];
        assert_relative_uri(loc["artifactLocation"]["uri"].as_str().unwrap());
        let region = &loc["region"];
        let (sl, el) = (region["startLine"].as_u64(), region["endLine"].as_u64());
        assert!(el >= sl, "{region}");
        if sl == el {
            assert!(region["endColumn"].as_u64() >= region["startColumn"].as_u64());
        }
    }
}
