//! Suppression: the stage between findings and reports that drops what the project has said is
//! not (or no longer) to be reported, and counts what it dropped, by mechanism.
//!
//! In order, each finding is dropped by the first that applies:
//!
//! 1. **config**: the config's allow regexes and stopwords (and, for git sources, its path
//!    excludes). This is detection tuning: it stays on under `--no-suppress`, but is counted.
//! 2. **inline**: an allow comment on the finding's line or right above it (`crate::detect::allow_marker`;
//!    the detector marks the finding, since only it has the text).
//! 3. **ignore file**: the finding's fingerprint is in `.leakhoundignore` ([`ignore_file`]).
//! 4. **baseline**: the finding's fingerprint is in the `--baseline` file ([`baseline`]).
//!
//! `--no-suppress` turns off 2 to 4, so an audit sees everything the rules find.
//! `--report-unused-ignores` lists the ignore-file and baseline entries whose fingerprint no
//! finding of this scan has (checked against what the config stage lets through, whether or not
//! another mechanism also suppressed it): they are stale, or belong to a part of the tree that
//! was not scanned.

pub mod allow_list;
pub mod baseline;
pub mod gitleaks_ignore;
pub mod ignore_file;

use std::collections::HashSet;
use std::path::PathBuf;

use serde::Serialize;

use crate::findings::Finding;
use crate::sources::fs::BaseExcludes;
use allow_list::FindingFilter;
use baseline::Baseline;
use ignore_file::IgnoreFile;

/// How many findings (occurrences) each mechanism suppressed; `stats.suppressed` in JSON.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct SuppressedCounts {
    pub inline: u64,
    pub ignore_file: u64,
    pub baseline: u64,
    pub config: u64,
}

impl SuppressedCounts {
    pub fn total(&self) -> u64 {
        self.inline + self.ignore_file + self.baseline + self.config
    }
}

/// An ignore-file or baseline entry that matched no finding (`--report-unused-ignores`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UnusedIgnore {
    /// `ignore_file` or `baseline`.
    pub source: &'static str,
    /// The file, as given or found.
    pub file: String,
    /// The entry's line in an ignore file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    pub fingerprint: String,
    /// The rule a baseline entry names, or the comment of an ignore-file entry.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl std::fmt::Display for UnusedIgnore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{line}  {}", self.file, self.fingerprint)?,
            None => write!(f, "{}  {}", self.file, self.fingerprint)?,
        }
        if let Some(note) = &self.note {
            write!(f, "  ({note})")?;
        }
        Ok(())
    }
}

/// What the suppression stage did: its counts, and (if asked) the unused entries.
#[derive(Debug, Default)]
pub struct Suppression {
    pub counts: SuppressedCounts,
    pub unused: Option<Vec<UnusedIgnore>>,
}

/// Everything the suppression stage needs, loaded before the scan.
#[derive(Debug, Default)]
pub struct Suppressor {
    /// False under `--no-suppress`: inline comments, the ignore file and the baseline are not
    /// applied (config allow lists still are).
    pub enabled: bool,
    /// `--report-unused-ignores`.
    pub report_unused: bool,
    /// The config's allow lists.
    pub filter: FindingFilter,
    /// The config's path excludes, for sources that do not apply them while walking (git).
    pub excludes: Option<BaseExcludes>,
    pub ignore: Option<IgnoreFile>,
    /// A `.gitleaksignore` (places reviewed under gitleaks); counted with the ignore file.
    pub gitleaks_ignore: Option<gitleaks_ignore::GitleaksIgnore>,
    pub baseline: Option<(PathBuf, Baseline)>,
}

impl Suppressor {
    /// Drops suppressed findings from `findings`, and tells what it dropped (and, if asked,
    /// which entries matched nothing).
    pub fn apply(&self, findings: &mut Vec<Finding>) -> Suppression {
        let mut counts = SuppressedCounts::default();
        let mut unused = None;

        let before = findings.len();
        findings.retain(|f| {
            let excluded = self
                .excludes
                .as_ref()
                .is_some_and(|e| e.is_excluded(std::path::Path::new(&f.path), false));
            !excluded && !self.filter.allows(f)
        });
        counts.config = (before - findings.len()) as u64;

        if self.report_unused {
            let present: HashSet<&str> = findings.iter().map(|f| f.fingerprint.as_str()).collect();
            unused = Some(self.unused(&present));
        }

        if self.enabled {
            let ignored: HashSet<&str> = self
                .ignore
                .iter()
                .flat_map(|i| i.entries.iter().map(|e| e.fingerprint.as_str()))
                .collect();
            let baselined: HashSet<String> = self
                .baseline
                .iter()
                .flat_map(|(_, b)| {
                    b.findings
                        .iter()
                        .map(|e| e.fingerprint.to_ascii_lowercase())
                })
                .collect();
            findings.retain(|f| {
                let counter = if f.allowed_inline.is_some() {
                    &mut counts.inline
                } else if ignored.contains(f.fingerprint.as_str())
                    || self.gitleaks_ignore.as_ref().is_some_and(|g| g.covers(f))
                {
                    &mut counts.ignore_file
                } else if baselined.contains(&f.fingerprint) {
                    &mut counts.baseline
                } else {
                    return true;
                };
                *counter += 1;
                false
            });
        }
        Suppression { counts, unused }
    }

    /// The entries of the ignore file and the baseline whose fingerprint is not in `present`.
    fn unused(&self, present: &HashSet<&str>) -> Vec<UnusedIgnore> {
        let mut out = Vec::new();
        if let Some(ignore) = &self.ignore {
            for e in &ignore.entries {
                if !present.contains(e.fingerprint.as_str()) {
                    out.push(UnusedIgnore {
                        source: "ignore_file",
                        file: crate::sources::fs::display_path(&ignore.path),
                        line: Some(e.line),
                        fingerprint: e.fingerprint.clone(),
                        note: e.comment.clone(),
                    });
                }
            }
        }
        if let Some((path, baseline)) = &self.baseline {
            for e in &baseline.findings {
                let fp = e.fingerprint.to_ascii_lowercase();
                if !present.contains(fp.as_str()) {
                    out.push(UnusedIgnore {
                        source: "baseline",
                        file: crate::sources::fs::display_path(path),
                        line: None,
                        fingerprint: fp,
                        note: Some(e.rule_id.clone()),
                    });
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::findings::Finding;
    use crate::findings::InlineAllow;
    use crate::rules::Severity;

    fn finding(fp: char, path: &str, allowed: Option<InlineAllow>) -> Finding {
        Finding {
            rule_id: "r".into(),
            rule_name: "n".into(),
            severity: Severity::High,
            path: path.into(),
            line: 1,
            column: 1,
            end_line: 1,
            end_column: 2,
            secret: "s".into(),
            parts: Vec::new(),
            line_text: String::new(),
            snippet_secrets: Vec::new(),
            fingerprint: fp.to_string().repeat(32),
            commit: None,
            file_kind: None,
            decoded: None,
            allowed_inline: allowed,
            verification: None,
        }
    }

    fn findings() -> Vec<Finding> {
        vec![
            finding('a', "x", Some(InlineAllow::Positional)),
            finding('b', "x", None),
            finding('c', "vendor/y", None),
            finding('d', "x", None),
        ]
    }

    fn suppressor(enabled: bool) -> Suppressor {
        let ignore = IgnoreFile::parse(
            &format!("{}\n{}  # gone\n", "b".repeat(32), "e".repeat(32)),
            std::path::Path::new(".leakhoundignore"),
        )
        .unwrap();
        let base = Baseline {
            version: 1,
            findings: vec![baseline::BaselineEntry {
                fingerprint: "d".repeat(32),
                rule_id: "r".into(),
                paths: vec![],
            }],
        };
        Suppressor {
            enabled,
            report_unused: true,
            excludes: Some(BaseExcludes::new("".as_ref(), &["vendor/".to_string()]).unwrap()),
            ignore: Some(ignore),
            baseline: Some(("b.json".into(), base)),
            ..Suppressor::default()
        }
    }

    #[test]
    fn each_mechanism_counts() {
        let mut findings = findings();
        let done = suppressor(true).apply(&mut findings);
        assert!(findings.is_empty());
        assert_eq!(
            done.counts,
            SuppressedCounts {
                inline: 1,
                ignore_file: 1,
                baseline: 1,
                config: 1
            }
        );
        let unused = done.unused.unwrap();
        assert_eq!(unused.len(), 1);
        assert_eq!(unused[0].fingerprint, "e".repeat(32));
        assert_eq!(unused[0].line, Some(2));
    }

    #[test]
    fn no_suppress_keeps_all_but_config() {
        let mut findings = findings();
        let done = suppressor(false).apply(&mut findings);
        assert_eq!(findings.len(), 3);
        assert_eq!(done.counts.total(), 1);
        assert_eq!(done.counts.config, 1);
    }
}
