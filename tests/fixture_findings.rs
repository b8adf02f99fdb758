//! The findings of each synthetic leak fixture, as a reviewed list: which rule reports what, at
//! which line, and how it was found. `fixtures/config-leaks/` holds config files, scripts,
//! framework settings and dumps as real repositories leak them (fake values), with placeholder
//! lines that must stay silent.

mod common;

use std::path::Path;

use common::leakhound;

/// `path:line rule_id [file_kind] [decoded]`, one finding a line, in report order.
fn findings_of(folder: &str) -> String {
    let out = leakhound(Path::new(env!("CARGO_MANIFEST_DIR")))
        .args([
            "scan",
            folder,
            "--no-config",
            "--no-progress",
            "--format",
            "json",
        ])
        .output()
        .expect("leakhound runs");
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut lines = Vec::new();
    for f in report["findings"].as_array().unwrap() {
        let mut line = format!(
            "{}:{} {}",
            f["path"].as_str().unwrap(),
            f["line"],
            f["rule_id"].as_str().unwrap()
        );
        for extra in ["file_kind", "decoded"] {
            if let Some(v) = f[extra].as_str() {
                line += &format!(" {extra}={v}");
            }
        }
        lines.push(line);
    }
    lines.join("\n") + "\n"
}

#[test]
fn config_leaks() {
    insta::assert_snapshot!(findings_of("fixtures/config-leaks"));
}
