//! `leakhound config check [FILE]`. How the scanning commands resolve their configuration is
//! `crate::config::Setup`.

use std::path::Path;

use anyhow::Context;

use super::args::{ConfigArgs, ConfigCommand};
use super::EXIT_CLEAN;
use crate::config::Config;
use crate::rules::RuleSet;

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
