//! Argument definitions (clap derive). Every flag here is documented in README.md.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::report::Format;

#[derive(Debug, Parser)]
#[command(name = "leakhound", version, about = "Find leaked secrets in files and git history", long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Scan files and folders (a git work tree is scanned as files; see `git` for history)
    Scan(ScanArgs),
    /// Scan git history (every commit of every branch), or the staged changes (--staged)
    Git(GitArgs),
    /// Install or remove git hooks, or run the pre-push check
    Hook(HookArgs),
    /// List or check rules
    Rules(RulesArgs),
}

/// Options that choose the rules.
#[derive(Debug, Args, Clone)]
pub struct RuleOptions {
    /// Load more rules from a TOML file, or every *.toml in a folder (repeatable)
    #[arg(long = "rules", value_name = "FILE|DIR")]
    pub rules: Vec<PathBuf>,
    /// Do not load the builtin rules (only those given with --rules)
    #[arg(long)]
    pub no_builtin_rules: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// Options shared by everything that writes a findings report.
#[derive(Debug, Args, Clone)]
pub struct ReportArgs {
    /// Report format
    #[arg(long, short = 'f', value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Write the report to FILE instead of standard output
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Show secrets in full instead of redacted (careful: reports then hold live secrets)
    #[arg(long)]
    pub show_secrets: bool,
    /// Colour in the text report: auto (a terminal, unless NO_COLOR is set), always, never
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// Never show a progress bar
    #[arg(long)]
    pub no_progress: bool,
}

#[derive(Debug, Args)]
pub struct ScanArgs {
    /// Files or folders to scan
    #[arg(value_name = "PATH", default_value = ".")]
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub report: ReportArgs,
    #[command(flatten)]
    pub rules: RuleOptions,
    /// Skip files larger than this (bytes, or with a unit: 512K, 10M, 1G, 10MiB)
    #[arg(long, value_name = "SIZE", default_value = "10MiB", value_parser = parse_size)]
    pub max_file_size: u64,
    /// Number of scanning threads (default: one per core)
    #[arg(long, short = 'j', value_name = "N")]
    pub threads: Option<usize>,
    /// Also scan files that .gitignore / .ignore exclude
    #[arg(long)]
    pub no_ignore: bool,
    /// Do not scan paths matching this gitignore-style glob, relative to each PATH (repeatable)
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,
}

#[derive(Debug, Args)]
pub struct RulesArgs {
    #[command(subcommand)]
    pub command: RulesCommand,
}

#[derive(Debug, Subcommand)]
pub enum RulesCommand {
    /// Print the rule catalogue
    List {
        /// text or json
        #[arg(long, short = 'f', value_enum, default_value_t = ListFormat::Text)]
        format: ListFormat,
        #[command(flatten)]
        rules: RuleOptions,
    },
    /// Run rules' examples and counter-examples through the engine (all rules, or those in FILEs)
    Check {
        /// Rule files or folders to check (with the builtin rules active too)
        #[arg(value_name = "FILE|DIR")]
        files: Vec<PathBuf>,
        /// Check the rules of FILEs without the builtin rules loaded
        #[arg(long)]
        no_builtin_rules: bool,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    Text,
    Json,
}

/// Parses `4096`, `512K`, `10M`, `10MiB`, `1G` (binary units).
pub fn parse_size(s: &str) -> Result<u64, String> {
    let t = s.trim();
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let n: u64 = num
        .parse()
        .map_err(|_| format!("{s:?} is not a size (e.g. 4096, 512K, 10M)"))?;
    let mult: u64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kb" | "kib" => 1 << 10,
        "m" | "mb" | "mib" => 1 << 20,
        "g" | "gb" | "gib" => 1 << 30,
        other => return Err(format!("unknown size unit {other:?} (use K, M or G)")),
    };
    n.checked_mul(mult)
        .ok_or_else(|| format!("{s:?} is too large"))
}

#[cfg(test)]
mod tests {
    use super::parse_size;

    #[test]
    fn sizes() {
        assert_eq!(parse_size("4096"), Ok(4096));
        assert_eq!(parse_size("512K"), Ok(512 * 1024));
        assert_eq!(parse_size("10MiB"), Ok(10 << 20));
        assert_eq!(parse_size("1g"), Ok(1 << 30));
        assert!(parse_size("ten").is_err());
        assert!(parse_size("5T").is_err());
    }
}

#[derive(Debug, Args)]
pub struct GitArgs {
    /// The repository (a work tree, a bare repository, or any folder inside one)
    #[arg(value_name = "REPO", default_value = ".")]
    pub repo: PathBuf,
    /// Pre-commit mode: scan what is staged in the index, report secrets on added lines only
    #[arg(long, conflicts_with_all = ["branch", "range", "since"])]
    pub staged: bool,
    /// Only commits reachable from this revision (default: all branches, tags and remote refs)
    #[arg(long, value_name = "REF")]
    pub branch: Option<String>,
    /// Only commits in A..B: reachable from B, not from A (e.g. a pull request's base..head)
    #[arg(long, value_name = "A..B", conflicts_with = "branch")]
    pub range: Option<String>,
    /// Only commits made on or after this date (YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ, UTC)
    #[arg(long, value_name = "DATE", value_parser = crate::sources::git::parse_since)]
    pub since: Option<i64>,
    #[command(flatten)]
    pub report: ReportArgs,
    #[command(flatten)]
    pub rules: RuleOptions,
    /// Skip blobs larger than this (bytes, or with a unit: 512K, 10M, 1G, 10MiB)
    #[arg(long, value_name = "SIZE", default_value = "10MiB", value_parser = parse_size)]
    pub max_file_size: u64,
    /// Number of scanning threads (default: one per core)
    #[arg(long, short = 'j', value_name = "N")]
    pub threads: Option<usize>,
}

#[derive(Debug, Args)]
pub struct HookArgs {
    #[command(subcommand)]
    pub command: HookCommand,
}

#[derive(Debug, Subcommand)]
pub enum HookCommand {
    /// Install the pre-commit hook (and the pre-push hook with --pre-push) into a repository
    Install {
        /// The repository
        #[arg(value_name = "REPO", default_value = ".")]
        repo: PathBuf,
        /// Also install the pre-push hook
        #[arg(long)]
        pre_push: bool,
        /// Replace an existing hook that leakhound did not install
        #[arg(long)]
        force: bool,
    },
    /// Remove the hooks leakhound installed (and only those)
    Uninstall {
        /// The repository
        #[arg(value_name = "REPO", default_value = ".")]
        repo: PathBuf,
    },
    /// The pre-push check: reads `<local ref> <local sha> <remote ref> <remote sha>` lines
    /// on standard input (as git gives a pre-push hook) and scans the commits being pushed
    PrePush {
        /// The remote's name (git passes it as the hook's first argument)
        remote: Option<String>,
        /// The remote's URL (git passes it as the hook's second argument)
        url: Option<String>,
        #[command(flatten)]
        report: ReportArgs,
        #[command(flatten)]
        rules: RuleOptions,
    },
}
