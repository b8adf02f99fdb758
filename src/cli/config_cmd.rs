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
        ConfigCommand::ImportGitleaks {
            file,
            output_dir,
            force,
        } => import_gitleaks(&file, &output_dir, force),
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

/// `leakhound config import-gitleaks`: writes `.leakhound.toml` and the converted rules, checks
/// the result loads, and lists what could not be converted.
fn import_gitleaks(file: &Path, out_dir: &Path, force: bool) -> anyhow::Result<u8> {
    const RULES_FILE: &str = "leakhound-gitleaks-rules.toml";
    let text =
        std::fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))?;
    let converted = crate::config::gitleaks::convert(&text, RULES_FILE)
        .with_context(|| format!("{} is not a usable gitleaks config", file.display()))?;
    let config_path = out_dir.join(crate::config::CONFIG_FILE_NAME);
    let rules_path = out_dir.join(RULES_FILE);
    for p in [&config_path, &rules_path] {
        if p.exists() && !force {
            anyhow::bail!(
                "{} exists; pass --force to replace it, or --output-dir to write elsewhere",
                p.display()
            );
        }
    }
    crate::report::write_atomically(&rules_path, &converted.rules)?;
    crate::report::write_atomically(&config_path, &converted.config)?;
    // What was written must load: the config, its rules, its allow lists.
    Config::load(&config_path)
        .with_context(|| format!("the converted {} does not load", config_path.display()))?;
    println!(
        "leakhound: wrote {} and {} ({} rule{} converted)",
        config_path.display(),
        rules_path.display(),
        converted.rules_converted,
        plural(converted.rules_converted)
    );
    if converted.not_converted.is_empty() {
        println!("leakhound: everything was converted");
    } else {
        println!(
            "leakhound: not converted ({}):",
            converted.not_converted.len()
        );
        for n in &converted.not_converted {
            println!("  - {n}");
        }
    }
    Ok(EXIT_CLEAN)
}
