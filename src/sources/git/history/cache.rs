//! The history cache (`leakhound git --cache FILE`): what earlier scans covered, so that the
//! next scan costs only what is new.
//!
//! The file is text:
//!
//! ```text
//! leakhound git cache 1
//! key <sha256 of the leakhound version, the rules, the decoding switch and the size limit>
//! tip <commit id>          (every commit reachable from a tip was scanned)
//! clean <blob id>          (a blob scanned with no finding)
//! ```
//!
//! A file whose version or key differs (another leakhound, another rule set) is ignored: the
//! scan covers everything again and rewrites it. Blobs with findings are never listed, so a
//! secret that comes back in a new commit is reported again.

use std::collections::HashSet;
use std::fmt::Write as _;
use std::path::Path;

use anyhow::{bail, Context};
use gix::ObjectId;
use sha2::{Digest, Sha256};

use crate::rules::RuleSet;

const MAGIC: &str = "leakhound git cache";
/// Bumped whenever the meaning of the file changes.
pub const VERSION: u32 = 1;

/// What a cache file holds.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct HistoryCache {
    pub key: String,
    pub tips: Vec<ObjectId>,
    pub clean: Vec<ObjectId>,
}

/// How a cache file was used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CacheState {
    /// No file yet: everything is scanned.
    New,
    /// Used: only what it does not cover is scanned.
    Used,
    /// Written by another leakhound version, or for other rules: everything is scanned again.
    Stale,
}

/// The key that ties a cache to what decides a scan's results.
pub fn cache_key(rules: &RuleSet, decoding: bool, max_file_size: u64) -> String {
    let mut h = Sha256::new();
    let mut line = |s: &str| {
        h.update(s.as_bytes());
        h.update(b"\n");
    };
    line(env!("CARGO_PKG_VERSION"));
    line(&format!("decode={decoding} max={max_file_size}"));
    for r in rules.rules() {
        line(&format!(
            "{} {:?} {:?} {} {:?} {:?} {} {} {:?} {} {} {:?}",
            r.id,
            r.severity,
            r.keywords,
            r.pattern.source(),
            r.entropy,
            r.validator,
            r.window_before,
            r.window_after,
            r.part,
            r.standalone,
            r.fallback,
            r.file_kind,
        ));
        for a in &r.allow {
            line(&format!("allow {}", a.as_str()));
        }
        if let Some(p) = &r.paths {
            line(&format!("paths {:?}", p.patterns()));
        }
    }
    let digest = h.finalize();
    digest.iter().fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// Reads `path`: `Ok(None)` when it does not exist; an error when it is not a cache file (it
/// is then left alone rather than overwritten).
pub fn read_cache(path: &Path) -> anyhow::Result<Option<(u32, HistoryCache)>> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
    };
    let mut lines = text.lines();
    let Some(version) = lines
        .next()
        .and_then(|l| l.strip_prefix(MAGIC))
        .and_then(|v| v.trim().parse::<u32>().ok())
    else {
        bail!(
            "{} is not a leakhound git cache (its first line is not `{MAGIC} N`); \
             give --cache a file that leakhound writes",
            path.display()
        );
    };
    let mut cache = HistoryCache::default();
    if version != VERSION {
        return Ok(Some((version, cache)));
    }
    for (n, line) in lines.enumerate() {
        let bad = || format!("{} line {}: {line:?}", path.display(), n + 2);
        let (kind, value) = line.split_once(' ').with_context(bad)?;
        match kind {
            "key" => cache.key = value.to_string(),
            "tip" | "clean" => {
                let id = ObjectId::from_hex(value.as_bytes()).with_context(bad)?;
                if kind == "tip" {
                    cache.tips.push(id);
                } else {
                    cache.clean.push(id);
                }
            }
            _ => bail!("{}: unknown entry", bad()),
        }
    }
    Ok(Some((version, cache)))
}

/// Writes `cache` to `path` atomically (a temporary file next to it, then a rename).
pub fn write_cache(path: &Path, cache: &HistoryCache) -> anyhow::Result<()> {
    let mut text = String::with_capacity(64 + 47 * (cache.tips.len() + cache.clean.len()));
    let _ = writeln!(text, "{MAGIC} {VERSION}\nkey {}", cache.key);
    let mut tips: Vec<&ObjectId> = cache
        .tips
        .iter()
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    tips.sort();
    for t in tips {
        let _ = writeln!(text, "tip {t}");
    }
    let mut clean: Vec<&ObjectId> = cache.clean.iter().collect();
    clean.sort();
    clean.dedup();
    for c in clean {
        let _ = writeln!(text, "clean {c}");
    }
    let tmp = path.with_extension("tmp-leakhound");
    std::fs::write(&tmp, text).with_context(|| format!("cannot write {}", tmp.display()))?;
    std::fs::rename(&tmp, path).with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(n: u8) -> ObjectId {
        ObjectId::from_bytes_or_panic(&[n; 20])
    }

    #[test]
    fn round_trip_and_refusals() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cache");
        assert!(read_cache(&path).unwrap().is_none());
        let cache = HistoryCache {
            key: "abc".into(),
            tips: vec![id(2), id(1), id(2)],
            clean: vec![id(3), id(3), id(4)],
        };
        write_cache(&path, &cache).unwrap();
        let (v, back) = read_cache(&path).unwrap().unwrap();
        assert_eq!(v, VERSION);
        assert_eq!(back.key, "abc");
        assert_eq!(back.tips, vec![id(1), id(2)]);
        assert_eq!(back.clean, vec![id(3), id(4)]);

        // Another version: read as stale (empty), not an error.
        std::fs::write(&path, format!("{MAGIC} 999\nwhatever\n")).unwrap();
        let (v, back) = read_cache(&path).unwrap().unwrap();
        assert_eq!((v, back), (999, HistoryCache::default()));
        // Not a cache file: refused, so it is never overwritten.
        std::fs::write(&path, "my notes\n").unwrap();
        assert!(read_cache(&path).is_err());
        std::fs::write(&path, format!("{MAGIC} {VERSION}\ntip nothex\n")).unwrap();
        assert!(read_cache(&path).is_err());
    }

    #[test]
    fn the_key_changes_with_rules_decoding_and_size_limit() {
        let builtin = RuleSet::builtin().unwrap();
        let k = cache_key(&builtin, true, 10);
        assert_eq!(k, cache_key(&builtin, true, 10));
        assert_ne!(k, cache_key(&builtin, false, 10));
        assert_ne!(k, cache_key(&builtin, true, 11));
        assert_ne!(k, cache_key(&RuleSet::default(), true, 10));
    }
}
