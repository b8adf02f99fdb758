//! `.gitleaksignore`, honoured for teams moving from gitleaks: each line is a gitleaks
//! fingerprint, `commit:file:rule:line` (history) or `file:rule:line` (files); `#` starts a
//! comment. A finding is suppressed when its file and line match an entry (and its commit,
//! when the entry names one). The rule part is not compared, because gitleaks' rule ids are not
//! leakhound's; an entry points at a place that was reviewed.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use anyhow::Context;

use crate::findings::Finding;

/// The file's name at the scanned root.
pub const GITLEAKS_IGNORE_FILE_NAME: &str = ".gitleaksignore";

/// Largest file read (bytes): it may come from an untrusted repository.
const MAX_SIZE: u64 = 4 << 20;

/// A parsed `.gitleaksignore`.
#[derive(Debug, Clone, Default)]
pub struct GitleaksIgnore {
    pub path: PathBuf,
    /// (commit or "", file, line).
    places: HashSet<(String, String, usize)>,
}

impl GitleaksIgnore {
    pub fn parse(text: &str, origin: &Path) -> GitleaksIgnore {
        let mut places = HashSet::new();
        for line in text.lines() {
            let line = line.split('#').next().unwrap_or("").trim();
            if line.is_empty() {
                continue;
            }
            // `[commit:]file:rule:line`, where file may itself contain ':'.
            let mut fields: Vec<&str> = line.rsplitn(3, ':').collect();
            fields.reverse();
            let [head, _rule, number] = fields[..] else {
                continue;
            };
            let Ok(number) = number.parse::<usize>() else {
                continue;
            };
            let (commit, file) = match head.split_once(':') {
                Some((c, f)) if c.len() >= 7 && c.bytes().all(|b| b.is_ascii_hexdigit()) => {
                    (c.to_ascii_lowercase(), f)
                }
                _ => (String::new(), head),
            };
            places.insert((commit, file.to_string(), number));
        }
        GitleaksIgnore {
            path: origin.to_path_buf(),
            places,
        }
    }

    pub fn load(path: &Path) -> anyhow::Result<GitleaksIgnore> {
        let meta =
            std::fs::metadata(path).with_context(|| format!("cannot read {}", path.display()))?;
        if meta.len() > MAX_SIZE {
            anyhow::bail!("{} is larger than {MAX_SIZE} bytes", path.display());
        }
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        Ok(GitleaksIgnore::parse(&text, path))
    }

    pub fn len(&self) -> usize {
        self.places.len()
    }

    pub fn is_empty(&self) -> bool {
        self.places.is_empty()
    }

    /// True when an entry names this finding's place.
    pub fn covers(&self, f: &Finding) -> bool {
        let path = f.path.strip_prefix("./").unwrap_or(&f.path);
        if self
            .places
            .contains(&(String::new(), path.to_string(), f.line))
        {
            return true;
        }
        f.commit.as_ref().is_some_and(|c| {
            self.places.iter().any(|(commit, file, line)| {
                !commit.is_empty()
                    && c.commit.starts_with(commit.as_str())
                    && file == path
                    && *line == f.line
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_both_forms_and_comments() {
        let text = "# reviewed\nconfig/app.env:generic-api-key:12\n0123abcd4567ef:src/a:b.py:aws-access-token:3  # old\nnot an entry\n";
        let g = GitleaksIgnore::parse(text, Path::new(".gitleaksignore"));
        assert_eq!(g.len(), 2);
        assert!(g
            .places
            .contains(&(String::new(), "config/app.env".into(), 12)));
        assert!(g
            .places
            .contains(&("0123abcd4567ef".into(), "src/a:b.py".into(), 3)));
    }
}
