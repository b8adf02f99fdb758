//! `leakhound config check [FILE]`, and how the scanning commands resolve their configuration:
//! which config file applies, the rules it adds and disables, the defaults it sets (flags win),
//! and the suppression stage it feeds (with the ignore file and the baseline).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Context;

use super::args::{
    ConfigArgs, ConfigCommand, ConfigSourceArgs, ReportArgs, RuleOptions, SuppressArgs,
};
use super::{rule_set, EXIT_CLEAN};
use crate::config::{contained_file, Config};
use crate::rules::RuleSet;
use crate::sources::fs::BaseExcludes;
use crate::suppress::baseline::Baseline;
use crate::suppress::ignore_file::{IgnoreFile, IGNORE_FILE_NAME};
use crate::suppress::Suppressor;

pub fn run(args: ConfigArgs) -> anyhow::Result<u8> {
    match args.command {
        ConfigCommand::Check { file } => check(&file),
    }
}

/// Loads and checks everything a scan would: the TOML against the schema, the rules (inline
/// and `rules_files`) compiled, the rule ids it names against the builtin and its own rules,
/// the regexes, globs, size and format.
fn check(file: &Path) -> anyhow::Result<u8> {
    let mut config = Config::load(file)?;
    let extra_rules = config.rules.len();
    let mut set = RuleSet::builtin().context("the builtin rules are broken")?;
    config.apply_to_rules(&mut set)?;
    let (regexes, stopwords, per_rule) = config.filter.sizes();
    println!(
        "leakhound: {} is valid: {extra_rules} extra rule{}, {} disabled, {} exclude pattern{}, \
         allow lists with {regexes} regex{} and {stopwords} stopword{} ({per_rule} for single rules)",
        file.display(),
        plural(extra_rules),
        config.disable_rules.len(),
        config.exclude.len(),
        plural(config.exclude.len()),
        if regexes == 1 { "" } else { "es" },
        plural(stopwords),
    );
    Ok(EXIT_CLEAN)
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// The folder whose `.leakhound.toml` and `.leakhoundignore` a working-tree scan uses: the one
/// PATH when it is a folder, else (a file, or several PATHs) the current folder.
pub(crate) fn scan_root(paths: &[PathBuf]) -> PathBuf {
    match paths {
        [one] if one.is_dir() => one.clone(),
        _ => PathBuf::from("."),
    }
}

/// The work tree of the repository at `repo` (`None` for a bare repository): the root of a
/// history or staged scan.
pub(crate) fn git_root(repo: &Path) -> anyhow::Result<Option<PathBuf>> {
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
pub(crate) struct Setup {
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
        source: &ConfigSourceArgs,
        rule_opts: &RuleOptions,
    ) -> anyhow::Result<Setup> {
        let mut config = match (&source.config, root) {
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
        let mut rules = rule_set(&rule_opts.rules, rule_opts.no_builtin_rules)?;
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

    /// Applies the config's default format unless `--format` was given.
    pub fn apply_format(&self, report: &mut ReportArgs) {
        if let Some(format) = self.config.as_ref().and_then(|c| c.format) {
            if !report.suppress.given.format {
                report.out.format = format;
            }
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
        args: &SuppressArgs,
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
