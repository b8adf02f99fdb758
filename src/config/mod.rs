//! The configuration file, `.leakhound.toml`: its schema, where it is found, how it is loaded
//! and checked.
//!
//! ```toml
//! format = "json"                     # default report format (a --format flag wins)
//! max_file_size = "5M"                # or a number of bytes (a --max-file-size flag wins)
//! exclude = ["vendor/", "*.min.js"]   # gitignore-style globs, relative to the scanned root
//! disable_rules = ["generic-secret-assignment"]
//! rules_files = ["ci/leakhound-rules.toml"]   # inside this file's folder
//!
//! [allow]                             # findings whose secret matches are dropped
//! regexes = ['''^sk_test_''']
//! stopwords = ["sandbox"]             # case-insensitive substrings of the secret
//!
//! [allow.rules.generic-password-assignment]   # the same, for one rule only
//! stopwords = ["hunter2"]
//!
//! [[rules]]                           # extra rules, in the format of rules/README.md
//! id = "acme-token"
//! # ...
//! ```
//!
//! It is found at the scanned root (the folder of `leakhound scan DIR`, the work tree of
//! `leakhound git`), or given with `--config FILE`.
//!
//! **A config file found in a scanned repository is untrusted input.** Whoever can commit to
//! the repository can write it. It may narrow detection (disable rules, exclude paths, allow
//! values) or extend it (more rules), but no field can make leakhound contact a host, run a
//! command, or read a file outside the config's folder: there is no such field, and unknown
//! fields are errors (`deny_unknown_fields`), so a key such as `verify = true` or
//! `command = "..."` is refused rather than ignored. `rules_files` must resolve (after
//! symlinks) inside the config's folder, and a discovered config that is a symlink to a file
//! outside the scanned root is refused, so a repository cannot make leakhound echo another
//! file of the machine into a CI log through a parse error. Auditors can skip a discovered
//! config with `--no-config`.

use std::collections::{BTreeMap, HashSet};
use std::fmt;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use serde::{Deserialize, Deserializer};

use crate::report::Format;
use crate::rules::schema::RuleSpec;
use crate::rules::{compile_specs, load_path, Rule, RuleSet};
use crate::suppress::allow_list::FindingFilter;

pub mod gitleaks;
mod setup;
mod size;

pub use setup::*;
pub use size::{parse_size, MAX_SIZE};

/// The config file's name at the scanned root.
pub const CONFIG_FILE_NAME: &str = ".leakhound.toml";

/// Largest config file read (bytes): it may come from an untrusted repository.
const MAX_CONFIG_SIZE: u64 = 1 << 20;

/// The file as written. Every table refuses unknown keys, so a typo is an error that names it.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ConfigFile {
    /// Extra rules, inline.
    #[serde(default)]
    rules: Vec<RuleSpec>,
    /// Extra rule files or folders, relative to the config's folder and inside it.
    #[serde(default)]
    rules_files: Vec<String>,
    /// Rule ids not to run.
    #[serde(default)]
    disable_rules: Vec<String>,
    /// gitignore-style globs of paths not to scan.
    #[serde(default)]
    exclude: Vec<String>,
    #[serde(default)]
    allow: AllowTable,
    #[serde(default, deserialize_with = "size")]
    max_file_size: Option<u64>,
    /// Default report format.
    format: Option<String>,
}

/// `[allow]`: global allow lists, plus per-rule ones in `[allow.rules.<id>]`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct AllowTable {
    #[serde(default)]
    regexes: Vec<String>,
    #[serde(default)]
    stopwords: Vec<String>,
    #[serde(default)]
    rules: BTreeMap<String, AllowList>,
}

/// `[allow.rules.<id>]`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct AllowList {
    #[serde(default)]
    regexes: Vec<String>,
    #[serde(default)]
    stopwords: Vec<String>,
}

/// `max_file_size = 1048576` or `max_file_size = "1M"`.
fn size<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    struct SizeVisitor;
    impl serde::de::Visitor<'_> for SizeVisitor {
        type Value = Option<u64>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a number of bytes, or a size such as \"512K\", \"10M\" or \"1G\"")
        }
        fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Self::Value, E> {
            if v > MAX_SIZE {
                return Err(E::custom(format!(
                    "max_file_size {v} is too large (at most 1T)"
                )));
            }
            Ok(Some(v))
        }
        fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Self::Value, E> {
            let v = u64::try_from(v).map_err(|_| E::custom("max_file_size cannot be negative"))?;
            self.visit_u64(v)
        }
        fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Self::Value, E> {
            parse_size(v).map(Some).map_err(E::custom)
        }
    }
    d.deserialize_any(SizeVisitor)
}

/// A loaded, checked configuration.
#[derive(Debug)]
pub struct Config {
    /// The file it came from.
    pub path: PathBuf,
    pub format: Option<Format>,
    pub max_file_size: Option<u64>,
    /// gitignore-style globs, relative to the scanned root.
    pub exclude: Vec<String>,
    pub disable_rules: Vec<String>,
    /// Extra rules (inline and from `rules_files`), compiled; [`Config::apply_to_rules`]
    /// moves them into the rule set.
    pub rules: Vec<Rule>,
    /// The allow lists, compiled.
    pub filter: FindingFilter,
}

impl Config {
    /// Reads, parses and checks a config file. Errors name the file (and the key or rule).
    pub fn load(path: &Path) -> anyhow::Result<Config> {
        let meta = std::fs::metadata(path)
            .with_context(|| format!("cannot read the config file {}", path.display()))?;
        if !meta.is_file() {
            bail!("the config file {} is not a file", path.display());
        }
        if meta.len() > MAX_CONFIG_SIZE {
            bail!(
                "the config file {} is {} bytes, over the {MAX_CONFIG_SIZE}-byte limit",
                path.display(),
                meta.len()
            );
        }
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read the config file {}", path.display()))?;
        let dir = path.parent().unwrap_or(Path::new("")).to_path_buf();
        Config::parse(&text, path, &dir)
    }

    /// Parses a config's text; `path` names it in errors and `dir` is the folder `rules_files`
    /// are relative to (and must stay inside).
    pub fn parse(text: &str, path: &Path, dir: &Path) -> anyhow::Result<Config> {
        let origin = path.display().to_string();
        let file: ConfigFile = toml::from_str(text)
            .map_err(|e| anyhow::anyhow!("{origin}: not a valid leakhound config: {e}"))?;

        let mut rules = compile_specs(file.rules, &format!("{origin} [[rules]]"))?;
        for rel in &file.rules_files {
            let resolved = inside(dir, rel).with_context(|| format!("{origin}: rules_files"))?;
            rules.extend(load_path(&resolved).with_context(|| format!("{origin}: rules_files"))?);
        }

        let format = file
            .format
            .as_deref()
            .map(|f| parse_format(f).map_err(|e| anyhow::anyhow!("{origin}: format: {e}")))
            .transpose()?;

        for glob in &file.exclude {
            ignore::gitignore::GitignoreBuilder::new("")
                .add_line(None, glob)
                .with_context(|| format!("{origin}: exclude: bad glob {glob:?}"))?;
        }
        let filter = compile_filter(&file.allow).with_context(|| format!("{origin}: [allow]"))?;
        Ok(Config {
            path: path.to_path_buf(),
            format,
            max_file_size: file.max_file_size,
            exclude: file.exclude,
            disable_rules: file.disable_rules,
            rules,
            filter,
        })
    }

    /// Finds the config at a scanned root: `root/.leakhound.toml`, if it exists. A config that
    /// is a symlink leading out of `root` is refused (see the module docs).
    pub fn discover(root: &Path) -> anyhow::Result<Option<Config>> {
        match contained_file(root, CONFIG_FILE_NAME)? {
            Some(path) => Config::load(&path).map(Some),
            None => Ok(None),
        }
    }

    /// Adds this config's rules to `set`, then disables the rules it names. An id in
    /// `disable_rules` or `[allow.rules.<id>]` that no rule has is an error (a typo would
    /// otherwise silently disable nothing), except for builtin ids when the builtin rules are
    /// not loaded (`--no-builtin-rules`).
    pub fn apply_to_rules(&mut self, set: &mut RuleSet) -> anyhow::Result<()> {
        let origin = self.path.display().to_string();
        set.extend(std::mem::take(&mut self.rules))?;
        let mut builtin_ids: Option<HashSet<String>> = None;
        let mut known = |id: &str| -> anyhow::Result<bool> {
            if set.get(id).is_some() {
                return Ok(true);
            }
            if builtin_ids.is_none() {
                let builtin = RuleSet::builtin().context("the builtin rules are broken")?;
                builtin_ids = Some(builtin.rules().iter().map(|r| r.id.clone()).collect());
            }
            Ok(builtin_ids.as_ref().is_some_and(|ids| ids.contains(id)))
        };
        for id in &self.disable_rules {
            if !known(id)? {
                bail!(
                    "{origin}: disable_rules: there is no rule {id:?} (see `leakhound rules list`)"
                );
            }
        }
        for id in self.filter.rule_ids() {
            if !known(id)? {
                bail!("{origin}: [allow.rules.{id}]: there is no rule {id:?} (see `leakhound rules list`)");
            }
        }
        set.remove_ids(&self.disable_rules.iter().cloned().collect());
        Ok(())
    }
}

/// `root/name` when it exists, refusing a symlink (or `..` trick) that leads outside `root`.
pub(crate) fn contained_file(root: &Path, name: &str) -> anyhow::Result<Option<PathBuf>> {
    // `./.leakhound.toml` reads worse in messages than `.leakhound.toml`.
    let path = if root == Path::new(".") {
        PathBuf::from(name)
    } else {
        root.join(name)
    };
    if std::fs::symlink_metadata(&path).is_err() {
        return Ok(None);
    }
    let real = std::fs::canonicalize(&path)
        .with_context(|| format!("cannot resolve {}", path.display()))?;
    let real_root = std::fs::canonicalize(root)
        .with_context(|| format!("cannot resolve {}", root.display()))?;
    if !real.starts_with(&real_root) {
        bail!(
            "{} leads outside {} (to {}); refusing to read it",
            path.display(),
            root.display(),
            real.display()
        );
    }
    Ok(Some(path))
}

/// `dir/rel`, which must resolve (following symlinks) inside `dir`.
fn inside(dir: &Path, rel: &str) -> anyhow::Result<PathBuf> {
    let base = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    let joined = base.join(rel);
    let real = std::fs::canonicalize(&joined)
        .with_context(|| format!("cannot read {}", joined.display()))?;
    let real_dir = std::fs::canonicalize(base)
        .with_context(|| format!("cannot resolve {}", base.display()))?;
    if !real.starts_with(&real_dir) {
        bail!(
            "{rel:?} is outside the config's folder {}: a config can only load rules from its own folder",
            real_dir.display()
        );
    }
    Ok(joined)
}

/// A report format by name, as `--format` spells it.
fn parse_format(name: &str) -> Result<Format, String> {
    name.parse()
}

/// Largest compiled size of one allow regex (its NFA, bytes).
pub const ALLOW_REGEX_SIZE_LIMIT: usize = 1 << 20;

/// Most memory the compiled allow regexes of one config may take (their NFAs, bytes; the
/// matchers built from them take about three times as much). A config comes from an untrusted
/// repository: 4,000 allow regexes in a 123 KB file once took 984 MB.
pub const ALLOW_REGEX_BUDGET: usize = 16 << 20;

/// Refuses allow regexes that would take too much memory once compiled: one over
/// [`ALLOW_REGEX_SIZE_LIMIT`], or all of them together over [`ALLOW_REGEX_BUDGET`]. Measures
/// each regex's NFA (cheap: no matcher is built); syntax errors are left to the compilation
/// that follows, which names them.
fn check_allow_regex_budget(table: &AllowTable) -> anyhow::Result<()> {
    use regex_automata::nfa::thompson;
    let all: Vec<&String> = table
        .regexes
        .iter()
        .chain(table.rules.values().flat_map(|l| &l.regexes))
        .collect();
    let mut total = 0usize;
    for (i, r) in all.iter().enumerate() {
        let built = thompson::Compiler::new()
            .syntax(
                regex_automata::util::syntax::Config::new()
                    .unicode(false)
                    .utf8(false),
            )
            .configure(thompson::Config::new().nfa_size_limit(Some(ALLOW_REGEX_SIZE_LIMIT)))
            .build(r);
        let nfa = match built {
            Ok(nfa) => nfa,
            Err(e) if e.size_limit().is_some() => bail!(
                "regex {r:?} is too large once compiled (over the {} KiB limit of one allow \
                 regex); simplify it (fewer or smaller repetitions) or use a stopword",
                ALLOW_REGEX_SIZE_LIMIT >> 10
            ),
            Err(_) => continue,
        };
        total += nfa.memory_usage();
        if total > ALLOW_REGEX_BUDGET {
            bail!(
                "the allow regexes take more than {} MiB once compiled (reached at regex {} of \
                 {}, {r:?}); use fewer or simpler regexes, or stopwords",
                ALLOW_REGEX_BUDGET >> 20,
                i + 1,
                all.len()
            );
        }
    }
    Ok(())
}

/// The config's `[allow]` table, compiled for the suppression stage.
fn compile_filter(table: &AllowTable) -> anyhow::Result<FindingFilter> {
    check_allow_regex_budget(table)?;
    let per_rule = table.rules.iter().map(|(id, list)| {
        (
            id.as_str(),
            list.regexes.as_slice(),
            list.stopwords.as_slice(),
        )
    });
    FindingFilter::compile(&table.regexes, &table.stopwords, per_rule)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::findings::Finding;

    fn parse(text: &str) -> anyhow::Result<Config> {
        Config::parse(text, Path::new("cfg/.leakhound.toml"), Path::new("."))
    }

    #[test]
    fn empty_config_is_fine() {
        let c = parse("").unwrap();
        assert!(c.rules.is_empty() && c.filter.is_empty() && c.format.is_none());
    }

    #[test]
    fn unknown_keys_are_named() {
        for (text, key) in [
            ("verify = true\n", "verify"),
            ("command = \"curl example.com\"\n", "command"),
            ("[allow]\npaths = []\n", "paths"),
            ("[allow.rules.x]\nregex = []\n", "regex"),
        ] {
            let err = format!("{:#}", parse(text).unwrap_err());
            assert!(
                err.contains(key) && err.contains("cfg/.leakhound.toml"),
                "{err}"
            );
        }
    }

    #[test]
    fn sizes_and_formats() {
        assert_eq!(
            parse("max_file_size = 4096").unwrap().max_file_size,
            Some(4096)
        );
        assert_eq!(
            parse("max_file_size = \"2M\"").unwrap().max_file_size,
            Some(2 << 20)
        );
        assert!(parse("max_file_size = -1").is_err());
        assert!(parse("max_file_size = \"lots\"").is_err());
        assert_eq!(
            parse("format = \"json\"").unwrap().format,
            Some(Format::Json)
        );
        let err = format!("{:#}", parse("format = \"xml\"").unwrap_err());
        assert!(err.contains("xml") && err.contains("json"), "{err}");
    }

    #[test]
    fn allow_lists() {
        let c = parse(
            "[allow]\nregexes = ['^test_']\nstopwords = ['SandBox']\n[allow.rules.r1]\nstopwords = ['only1']\n",
        )
        .unwrap();
        let f = |rule: &str, secret: &str| Finding {
            rule_id: rule.into(),
            rule_name: String::new(),
            severity: crate::rules::Severity::High,
            path: String::new(),
            line: 1,
            column: 1,
            end_line: 1,
            end_column: 1,
            secret: secret.into(),
            parts: Vec::new(),
            line_text: String::new(),
            snippet_secrets: Vec::new(),
            fingerprint: String::new(),
            commit: None,
            file_kind: None,
            decoded: None,
            allowed_inline: None,
            verification: None,
        };
        assert!(c.filter.allows(&f("r2", "test_abc")));
        assert!(c.filter.allows(&f("r2", "xxSANDBOXyy")));
        assert!(c.filter.allows(&f("r1", "a-only1-b")));
        assert!(!c.filter.allows(&f("r2", "a-only1-b")));
        assert!(!c.filter.allows(&f("r2", "abc_test_")));
        assert!(parse("[allow]\nstopwords = ['']").is_err());
        assert!(parse("[allow]\nregexes = ['(']").is_err());
    }

    #[test]
    fn allow_regexes_have_a_memory_budget() {
        // One regex too large on its own.
        let err = format!(
            "{:#}",
            parse("[allow]\nregexes = ['[a-z]{1,20000}[0-9]{1,20000}']").unwrap_err()
        );
        assert!(
            err.contains("too large once compiled") && err.contains("cfg/.leakhound.toml"),
            "{err}"
        );
        // Many regexes, each fine, too many together (the per-rule lists count too).
        let one = "'[a-f0-9]{1,200}z{1,50}'";
        let many = vec![one; 600].join(",");
        let text = format!("[allow]\nregexes = [{many}]\n[allow.rules.r1]\nregexes = [{many}]\n");
        let err = format!("{:#}", parse(&text).unwrap_err());
        assert!(err.contains("more than 16 MiB"), "{err}");
        // A realistic list is fine.
        let fine = vec!["'^sk_test_[a-z0-9]{8,40}'"; 200].join(",");
        assert!(parse(&format!("[allow]\nregexes = [{fine}]\n")).is_ok());
    }
}
