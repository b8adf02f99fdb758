//! How a command's configuration is resolved: which config file applies, the rules it adds
//! and disables, the defaults it sets (flags win), and the suppression stage it feeds (with the
//! ignore file and the baseline). The command line fills the plain settings below from its flags.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Context;

use super::{contained_file, Config};
use crate::report::Format;
use crate::rules::{load_path, RuleSet};
use crate::sources::fs::BaseExcludes;
use crate::suppress::baseline::Baseline;
use crate::suppress::ignore_file::{IgnoreFile, IGNORE_FILE_NAME};
use crate::suppress::Suppressor;

/// Where the configuration comes from (`--config FILE`, `--no-config`).
#[derive(Debug, Clone, Default)]
pub struct ConfigSource {
    pub file: Option<PathBuf>,
    pub no_config: bool,
}

/// Which rules to load besides the config's (`--rules`, `--no-builtin-rules`).
#[derive(Debug, Clone, Default)]
pub struct RuleSources {
    pub files: Vec<PathBuf>,
    pub no_builtin: bool,
}

/// The suppression stage's settings (`--no-suppress`, `--ignore-file`, `--baseline`,
/// `--report-unused-ignores`).
#[derive(Debug, Clone, Default)]
pub struct SuppressSettings {
    pub no_suppress: bool,
    pub ignore_file: Option<PathBuf>,
    pub baseline: Option<PathBuf>,
    pub report_unused_ignores: bool,
}

/// Builtin rules (unless `no_builtin`) plus the user's rule files or folders; an error when no
/// rule is left.
pub fn load_rules(extra: &[PathBuf], no_builtin: bool) -> anyhow::Result<RuleSet> {
    let set = rule_set(extra, no_builtin)?;
    if set.is_empty() {
        anyhow::bail!("no rules to run (--no-builtin-rules without --rules)");
    }
    Ok(set)
}

/// [`load_rules`] without the check that some rule is left (a config may still add some).
pub fn rule_set(extra: &[PathBuf], no_builtin: bool) -> anyhow::Result<RuleSet> {
    let mut set = if no_builtin {
        RuleSet::default()
    } else {
        RuleSet::builtin().context("the builtin rules are broken")?
    };
    for path in extra {
        set.extend(load_path(path)?)?;
    }
    Ok(set)
}

/// The folder whose `.leakhound.toml` and `.leakhoundignore` a working-tree scan uses: the one
/// PATH when it is a folder, else (a file, or several PATHs) the current folder.
pub fn scan_root(paths: &[PathBuf]) -> PathBuf {
    match paths {
        [one] if one.is_dir() => one.clone(),
        _ => PathBuf::from("."),
    }
}

/// The work tree of the repository at `repo` (`None` for a bare repository): the root of a
/// history or staged scan.
pub fn git_root(repo: &Path) -> anyhow::Result<Option<PathBuf>> {
    let repo = crate::sources::git::open_repo(repo)?;
    Ok(repo.workdir().map(|w| {
        if w.as_os_str().is_empty() {
            PathBuf::from(".")
        } else {
            w.to_path_buf()
        }
    }))
}

/// A command's resolved configuration.
pub struct Setup {
    /// The rules to run: builtin (unless `--no-builtin-rules`), `--rules`, the config's rules,
    /// minus the config's `disable_rules`.
    pub rules: Arc<RuleSet>,
    /// The config in effect, if any (its rules moved into `rules`).
    pub config: Option<Config>,
    /// The scanned root, when there is one to find files in.
    pub root: Option<PathBuf>,
}

impl Setup {
    /// Finds or reads the config (`--config`, else `root/.leakhound.toml` unless `--no-config`)
    /// and builds the rules.
    pub fn load(
        root: Option<&Path>,
        source: &ConfigSource,
        rule_sources: &RuleSources,
    ) -> anyhow::Result<Setup> {
        let mut config = match (&source.file, root) {
            (Some(file), _) => Some(Config::load(file)?),
            (None, Some(root)) if !source.no_config => {
                let found = Config::discover(root)?;
                if let Some(c) = &found {
                    note_if_narrowing(c);
                }
                found
            }
            _ => None,
        };
        let mut rules = rule_set(&rule_sources.files, rule_sources.no_builtin)?;
        if let Some(c) = &mut config {
            c.apply_to_rules(&mut rules)?;
        }
        if rules.is_empty() {
            anyhow::bail!(
                "no rules to run (--no-builtin-rules without --rules, or every rule disabled by the config)"
            );
        }
        Ok(Setup {
            rules: Arc::new(rules),
            config,
            root: root.map(Path::to_path_buf),
        })
    }

    /// The file size limit: the flag when given, else the config's, else the flag's default.
    pub fn max_file_size(&self, flag: u64, flag_given: bool) -> u64 {
        match &self.config {
            Some(Config {
                max_file_size: Some(size),
                ..
            }) if !flag_given => *size,
            _ => flag,
        }
    }

    /// The report format: the flag when given, else the config's, else the flag's default.
    pub fn format(&self, flag: Format, flag_given: bool) -> Format {
        match self.config.as_ref().and_then(|c| c.format) {
            Some(format) if !flag_given => format,
            _ => flag,
        }
    }

    /// The config's `exclude` globs, relative to `base`.
    pub fn excludes(&self, base: &Path) -> anyhow::Result<Option<BaseExcludes>> {
        match &self.config {
            Some(c) if !c.exclude.is_empty() => Ok(Some(
                BaseExcludes::new(base, &c.exclude)
                    .with_context(|| format!("{}: exclude", c.path.display()))?,
            )),
            _ => Ok(None),
        }
    }

    /// The suppression stage: the config's allow lists (and, with `git_excludes`, its path
    /// excludes, for sources that cannot apply them while walking), the ignore file
    /// (`--ignore-file`, else `.leakhoundignore` at the root) and the `--baseline`.
    pub fn suppressor(
        &mut self,
        args: &SuppressSettings,
        git_excludes: bool,
    ) -> anyhow::Result<Suppressor> {
        let enabled = !args.no_suppress;
        let ignore = match (&args.ignore_file, &self.root) {
            (Some(file), _) => Some(IgnoreFile::load(file)?),
            // An audit (--no-suppress) does not even read a discovered ignore file, so a broken
            // one in an untrusted repository cannot stop it.
            (None, Some(root)) if enabled || args.report_unused_ignores => {
                match contained_file(root, IGNORE_FILE_NAME)? {
                    Some(path) => Some(IgnoreFile::load(&path)?),
                    None => None,
                }
            }
            _ => None,
        };
        let baseline = match &args.baseline {
            Some(file) => Some((file.clone(), Baseline::load(file)?)),
            None => None,
        };
        let excludes = if git_excludes {
            self.excludes(Path::new(""))?
        } else {
            None
        };
        let filter = self
            .config
            .as_mut()
            .map(|c| std::mem::take(&mut c.filter))
            .unwrap_or_default();
        Ok(Suppressor {
            enabled,
            report_unused: args.report_unused_ignores,
            filter,
            excludes,
            ignore,
            baseline,
        })
    }
}

/// A discovered config came with the repository: say so when it narrows what is reported, so
/// that a CI log shows it (the repository's authors, not the person running the scan, wrote it).
fn note_if_narrowing(c: &Config) {
    let mut what = Vec::new();
    if !c.disable_rules.is_empty() {
        what.push(format!("disables {} rule(s)", c.disable_rules.len()));
    }
    if !c.exclude.is_empty() {
        what.push(format!("excludes {} pattern(s)", c.exclude.len()));
    }
    if !c.filter.is_empty() {
        what.push("has allow lists".to_string());
    }
    if !what.is_empty() {
        eprintln!(
            "leakhound: note: {} {} (--no-config scans without it)",
            c.path.display(),
            what.join(", ")
        );
    }
}
