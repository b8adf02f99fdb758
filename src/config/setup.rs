//! How a command's configuration is resolved: which config file applies, the rules it adds
//! and disables, the defaults it sets (flags win), and the suppression stage it feeds (with the
//! ignore file and the baseline). The command line fills the plain settings below from its flags.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Context;

use super::{contained_file, Config, CONFIG_FILE_NAME};
use crate::report::Format;
use crate::rules::{load_path, RuleSet};
use crate::sources::fs::BaseExcludes;
use crate::suppress::baseline::Baseline;
use crate::suppress::gitleaks_ignore::{GitleaksIgnore, GITLEAKS_IGNORE_FILE_NAME};
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

/// The folder a working-tree scan starts looking for `.leakhound.toml` and `.leakhoundignore`
/// in (then in its parents, see [`discover`]): the one PATH when it is a folder, the folder of
/// the one PATH when it is a file, else (several PATHs) the current folder.
pub fn scan_root(paths: &[PathBuf]) -> PathBuf {
    match paths {
        [one] if one.is_dir() => one.clone(),
        [one] if one.is_file() => match one.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        },
        _ => PathBuf::from("."),
    }
}

/// The environment variable that names the config file to use (as `--config` does; the flag
/// wins, and `--no-config` turns both off).
pub const CONFIG_ENV: &str = "LEAKHOUND_CONFIG";

/// Finds `name` as git finds `.git`: in `start`, then in each parent folder, up to and
/// including the top of the git work tree `start` is in (the folder holding `.git`). Outside a
/// work tree the walk goes on up to the filesystem root, but stops below a folder anyone may
/// write to (such as `/tmp`), whose files nobody vouches for. A symlink found on the way must
/// resolve inside its own folder (see `contained_file`).
pub fn discover(start: &Path, name: &str) -> anyhow::Result<Option<PathBuf>> {
    // The folder as given first, so a file found there keeps its short name in messages.
    if let Some(found) = contained_file(start, name)? {
        return Ok(Some(found));
    }
    if is_work_tree_top(start) {
        return Ok(None);
    }
    let abs = std::path::absolute(start)
        .with_context(|| format!("cannot resolve {}", start.display()))?;
    for dir in abs.ancestors().skip(1) {
        if anyone_may_write(dir) {
            break;
        }
        if let Some(found) = contained_file(dir, name)? {
            return Ok(Some(found));
        }
        if is_work_tree_top(dir) {
            break;
        }
    }
    Ok(None)
}

/// True for the top of a git work tree (or a bare repository's own folder).
fn is_work_tree_top(dir: &Path) -> bool {
    std::fs::symlink_metadata(dir.join(".git")).is_ok()
        || (dir.join("HEAD").is_file() && dir.join("objects").is_dir() && dir.join("refs").is_dir())
}

#[cfg(unix)]
fn anyone_may_write(dir: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(dir).is_ok_and(|m| m.permissions().mode() & 0o002 != 0)
}

#[cfg(not(unix))]
fn anyone_may_write(_dir: &Path) -> bool {
    false
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
    /// The folder of a config found by discovery (its `exclude` globs are relative to it).
    config_dir: Option<PathBuf>,
}

impl Setup {
    /// Finds or reads the config and builds the rules. The config is, in order: `--config
    /// FILE`; the file `LEAKHOUND_CONFIG` names; `.leakhound.toml` found from `root` up to the
    /// top of its git work tree ([`discover`]); none with `--no-config`. The one in use is named
    /// on stderr.
    pub fn load(
        root: Option<&Path>,
        source: &ConfigSource,
        rule_sources: &RuleSources,
    ) -> anyhow::Result<Setup> {
        let from_env = std::env::var_os(CONFIG_ENV)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from);
        let mut config_dir = None;
        let mut config = match (&source.file, root) {
            _ if source.no_config => None,
            (Some(file), _) => Some(Config::load(file)?),
            (None, _) if from_env.is_some() => {
                let file = from_env.as_deref().unwrap_or(Path::new(""));
                Some(Config::load(file).with_context(|| format!("the config {CONFIG_ENV} names"))?)
            }
            (None, Some(root)) => match discover(root, CONFIG_FILE_NAME)? {
                Some(path) => {
                    config_dir = Some(match path.parent() {
                        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
                        _ => PathBuf::from("."),
                    });
                    Some(Config::load(&path)?)
                }
                None => None,
            },
            _ => None,
        };
        if let Some(c) = &config {
            let how = if source.file.is_some() {
                " (--config)".to_string()
            } else if config_dir.is_none() {
                format!(" (from {CONFIG_ENV})")
            } else {
                String::new()
            };
            eprintln!(
                "leakhound: using config {}{how}{}",
                c.path.display(),
                narrowing(c)
            );
        }
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
            config_dir,
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

    /// The config's `exclude` globs, relative to `base`; for a working-tree scan (`base` is
    /// the scanned root) of a config found in a parent folder, relative to that folder. A
    /// scanned root that the excludes cover was named on purpose: it is scanned whole.
    pub fn excludes(&self, base: &Path) -> anyhow::Result<Option<BaseExcludes>> {
        let Some(c) = self.config.as_ref().filter(|c| !c.exclude.is_empty()) else {
            return Ok(None);
        };
        let build = |base: &Path| {
            BaseExcludes::new(base, &c.exclude)
                .with_context(|| format!("{}: exclude", c.path.display()))
        };
        let scanned_root = self.root.as_deref().filter(|r| *r == base);
        let (Some(root), Some(dir)) = (scanned_root, &self.config_dir) else {
            return build(base).map(Some);
        };
        let same = std::path::absolute(root).ok() == std::path::absolute(dir).ok();
        if same {
            return build(base).map(Some);
        }
        // The walk yields paths relative to the current folder: a base inside it is written so.
        let cwd = std::env::current_dir().unwrap_or_default();
        let base = match std::path::absolute(dir)?.strip_prefix(&cwd) {
            Ok(rel) => rel.to_path_buf(),
            Err(_) => std::path::absolute(dir)?,
        };
        let excludes = build(&base)?;
        if excludes.is_excluded(&std::path::absolute(root)?, true) {
            eprintln!(
                "leakhound: note: {} excludes {}; scanning it as named",
                c.path.display(),
                root.display()
            );
            return Ok(None);
        }
        Ok(Some(excludes))
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
                match discover(root, IGNORE_FILE_NAME)? {
                    Some(path) => Some(IgnoreFile::load(&path)?),
                    None => None,
                }
            }
            _ => None,
        };
        // A `.gitleaksignore` next to the ignore file is honoured too (teams moving over).
        let gitleaks_ignore = match (&args.ignore_file, &self.root) {
            (None, Some(root)) if enabled => match discover(root, GITLEAKS_IGNORE_FILE_NAME)? {
                Some(path) => Some(GitleaksIgnore::load(&path)?),
                None => None,
            },
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
            gitleaks_ignore,
            baseline,
        })
    }
}

/// What a config narrows (`: it disables 2 rule(s), ... (--no-config scans without it)`), or
/// nothing: a CI log shows it, as a config that came with a repository was written by its
/// authors, not by the person running the scan.
fn narrowing(c: &Config) -> String {
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
    if what.is_empty() {
        return String::new();
    }
    format!(": it {} (--no-config scans without it)", what.join(", "))
}
