//! The HTML report, loaded in a real headless Chromium: the summary numbers and every table row
//! are there, the report's own script ran (it fills in the row count), no script error was
//! raised, and hostile file names and snippets stay text.
//!
//! CI installs Debian's `chromium` (`.ci/run`). Without a browser the test says so and passes
//! only outside CI (`CI` unset); in CI a missing browser fails it.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{binance_pair, leakhound, write};

fn chromium() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("LEAKHOUND_CHROMIUM") {
        return Some(PathBuf::from(p));
    }
    [
        "/usr/bin/chromium",
        "/usr/bin/chromium-browser",
        "/usr/bin/google-chrome",
    ]
    .iter()
    .map(PathBuf::from)
    .find(|p| p.exists())
}

/// Runs headless Chromium on `page` with `extra` arguments; returns (stdout, stderr).
fn headless(browser: &Path, page: &Path, profile: &Path, extra: &[&str]) -> (String, String) {
    let out = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--enable-logging=stderr",
            "--v=0",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(extra)
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("chromium runs");
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn html_report_in_a_real_browser() {
    let Some(browser) = chromium() else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must install chromium for the HTML report test"
        );
        eprintln!("no chromium: HTML report browser test not run (install Debian's chromium)");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let tree = dir.path().join("tree");
    write(&tree, "config/.env", &binance_pair(1));
    // A hostile file name and snippet: markup that would run if it were not escaped.
    write(
        &tree,
        "<script>document.title='pwned'</script>.env",
        &format!(
            "<img src=x onerror=\"document.title='pwned'\"> {}\n",
            binance_pair(2).replace('\n', " ")
        ),
    );
    let report = dir.path().join("report.html");
    let out = leakhound(&tree)
        .args([
            "scan",
            ".",
            "--no-progress",
            "--format",
            "html",
            "--show-secrets",
            "-o",
        ])
        .arg(&report)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let html = std::fs::read_to_string(&report).unwrap();
    // Redacted even with --show-secrets, and the hostile name is text.
    let secret = common::binance_secret(1);
    assert!(!html.contains(&secret), "a secret is in the HTML report");
    assert!(html.contains("&lt;script&gt;document.title="));
    assert_eq!(
        html.matches("<script>").count(),
        1,
        "only the report's own script"
    );

    let profile = dir.path().join("profile");
    let (dom, log) = headless(&browser, &report, &profile, &["--dump-dom"]);
    let rows = dom.matches("<tr data-severity=").count();
    let findings: usize = {
        let json = leakhound(&tree)
            .args(["scan", ".", "--no-progress", "--format", "json"])
            .output()
            .unwrap();
        let doc: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
        doc["findings"].as_array().unwrap().len()
    };
    assert!(findings >= 2, "{findings}");
    assert_eq!(rows, findings, "one table row per finding");
    assert!(
        dom.contains(&format!("<b id=\"total-findings\">{findings}</b>")),
        "summary total"
    );
    // The report's script ran: it wrote the number of rows shown.
    assert!(
        dom.contains(&format!("<span id=\"shown-count\">{findings}</span>")),
        "the report script did not run: {}",
        &dom[..dom.len().min(2000)]
    );
    assert!(
        dom.contains("<title>leakhound report</title>"),
        "the hostile name ran"
    );
    assert!(!log.contains("Uncaught"), "script error: {log}");

    // A screenshot renders (README's picture is made the same way).
    let shot = dir.path().join("report.png");
    headless(
        &browser,
        &report,
        &profile,
        &[
            &format!("--screenshot={}", shot.display()),
            "--window-size=1280,1000",
        ],
    );
    let png = std::fs::read(&shot).expect("screenshot written");
    assert!(png.starts_with(b"\x89PNG"), "not a PNG");
}
