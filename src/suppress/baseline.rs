//! Baselines: the findings a repository already had when it adopted leakhound, so that CI
//! reports only new ones (`--baseline FILE`).
//!
//! ```json
//! {
//!   "version": 1,
//!   "findings": [
//!     {
//!       "fingerprint": "5c0f3b8e1a7d4c2b9e6f0a1d3c5b7e9f",
//!       "rule_id": "binance-secret-key",
//!       "paths": ["config/.env", "deploy/.env"]
//!     }
//!   ]
//! }
//! ```
//!
//! The file is meant to be committed and reviewed, so it holds nothing that changes when code
//! merely moves: no line numbers, no timestamps, no tool version. Entries are sorted by
//! fingerprint, one per fingerprint, with its sorted unique paths; the formatting is fixed
//! (serde_json's pretty printer, two-space indent, a trailing newline). Creating it twice from
//! the same tree gives the same bytes, and two branches that baseline different secrets merge
//! without conflicts in all but the adjacent-entry case.
//!
//! A finding is in the baseline when its fingerprint is: a hash of (rule id, secret), so the
//! secret stays baselined when it moves or its file is renamed, and a changed secret is new.
//! The paths are there for the people reviewing the file, not for matching.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use anyhow::{bail, Context};
use serde::{Deserialize, Serialize};

use super::ignore_file::{is_fingerprint, read_limited};
use crate::findings::Finding;

/// Bumped only on incompatible changes of the baseline format.
pub const BASELINE_VERSION: u32 = 1;

/// Largest baseline read (bytes).
const MAX_BASELINE_SIZE: u64 = 64 << 20;

/// A baseline file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Baseline {
    pub version: u32,
    pub findings: Vec<BaselineEntry>,
}

/// One baselined secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BaselineEntry {
    pub fingerprint: String,
    pub rule_id: String,
    pub paths: Vec<String>,
}

impl Baseline {
    /// The baseline of `findings`. `path_of` maps a finding's path to the one recorded (e.g.
    /// relative to the scanned folder, so the file does not depend on where it was created).
    pub fn from_findings<'a>(
        findings: impl IntoIterator<Item = &'a Finding>,
        path_of: impl Fn(&str) -> String,
    ) -> Baseline {
        let mut by_fp: BTreeMap<&str, (&str, BTreeSet<String>)> = BTreeMap::new();
        for f in findings {
            by_fp
                .entry(&f.fingerprint)
                .or_insert_with(|| (&f.rule_id, BTreeSet::new()))
                .1
                .insert(path_of(&f.path));
        }
        Baseline {
            version: BASELINE_VERSION,
            findings: by_fp
                .into_iter()
                .map(|(fp, (rule, paths))| BaselineEntry {
                    fingerprint: fp.to_string(),
                    rule_id: rule.to_string(),
                    paths: paths.into_iter().collect(),
                })
                .collect(),
        }
    }

    /// The file's text: fixed formatting, trailing newline.
    pub fn to_json(&self) -> anyhow::Result<String> {
        let mut text = serde_json::to_string_pretty(self).context("cannot encode the baseline")?;
        text.push('\n');
        Ok(text)
    }

    /// Parses a baseline; `origin` names it in errors.
    pub fn parse(text: &str, origin: &Path) -> anyhow::Result<Baseline> {
        let baseline: Baseline = serde_json::from_str(text).with_context(|| {
            format!(
                "{} is not a leakhound baseline (create one with `leakhound baseline create`)",
                origin.display()
            )
        })?;
        if baseline.version != BASELINE_VERSION {
            bail!(
                "{}: baseline version {} is not supported (this leakhound reads version {BASELINE_VERSION})",
                origin.display(),
                baseline.version
            );
        }
        if let Some(bad) = baseline
            .findings
            .iter()
            .find(|e| !is_fingerprint(&e.fingerprint))
        {
            bail!(
                "{}: {:?} is not a fingerprint (32 hex digits)",
                origin.display(),
                bad.fingerprint
            );
        }
        Ok(baseline)
    }

    /// Reads and parses a baseline file.
    pub fn load(path: &Path) -> anyhow::Result<Baseline> {
        let text = read_limited(path, MAX_BASELINE_SIZE)
            .with_context(|| format!("cannot read the baseline {}", path.display()))?;
        Baseline::parse(&text, path)
    }

    /// The entry for a fingerprint, if baselined.
    pub fn get(&self, fingerprint: &str) -> Option<&BaselineEntry> {
        self.findings
            .iter()
            .find(|e| e.fingerprint.eq_ignore_ascii_case(fingerprint))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::Severity;

    fn finding(fp: char, rule: &str, path: &str, line: usize) -> Finding {
        Finding {
            rule_id: rule.into(),
            rule_name: "n".into(),
            severity: Severity::High,
            path: path.into(),
            line,
            column: 1,
            end_line: line,
            end_column: 2,
            secret: "s".into(),
            parts: Vec::new(),
            line_text: String::new(),
            snippet_secrets: Vec::new(),
            fingerprint: fp.to_string().repeat(32),
            commit: None,
            file_kind: None,
            decoded: None,
            allowed_inline: None,
            verification: None,
        }
    }

    #[test]
    fn sorted_unique_and_stable() {
        let a = [
            finding('b', "r2", "z.env", 9),
            finding('a', "r1", "y.env", 1),
            finding('b', "r2", "a.env", 3),
            finding('b', "r2", "z.env", 20),
        ];
        let base = Baseline::from_findings(&a, str::to_string);
        assert_eq!(base.findings.len(), 2);
        assert_eq!(base.findings[0].fingerprint, "a".repeat(32));
        assert_eq!(base.findings[1].paths, vec!["a.env", "z.env"]);
        // Order of findings and line numbers do not matter.
        let mut b = a.clone();
        b.reverse();
        b[0].line = 99;
        let text = base.to_json().unwrap();
        assert_eq!(
            Baseline::from_findings(&b, str::to_string)
                .to_json()
                .unwrap(),
            text
        );
        assert!(text.ends_with("}\n"));
        assert_eq!(Baseline::parse(&text, Path::new("b.json")).unwrap(), base);
    }

    #[test]
    fn rejects_other_files() {
        let p = Path::new("b.json");
        assert!(Baseline::parse("{}", p).is_err());
        assert!(Baseline::parse(r#"{"version": 2, "findings": []}"#, p).is_err());
        let bad =
            r#"{"version": 1, "findings": [{"fingerprint": "x", "rule_id": "r", "paths": []}]}"#;
        assert!(Baseline::parse(bad, p)
            .unwrap_err()
            .to_string()
            .contains("not a fingerprint"));
    }
}
