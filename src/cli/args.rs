//! Argument definitions (clap derive). Every flag here is documented in README.md.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::config::{parse_size, ConfigSource, RuleSources, SuppressSettings};
use crate::pipeline::{OutputSettings, VerifySettings};
use crate::report::Format;

#[derive(Debug, Parser)]
#[command(
    name = "leakhound",
    version = super::VERSION,
    about = "Find leaked secrets in files and git history",
    long_about = None
)]
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
    /// Check a .leakhound.toml configuration file
    Config(ConfigArgs),
    /// Add fingerprints to the ignore file (.leakhoundignore)
    Ignore(IgnoreArgs),
    /// Record the current findings in a baseline file (see --baseline)
    Baseline(BaselineArgs),
    /// Verify the findings of a JSON report written with --show-secrets (read-only provider calls)
    Verify(VerifyCmdArgs),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell)
    Completions(CompletionsArgs),
    /// Print the man page (roff), or write one page per command into a folder with --dir
    Man(ManArgs),
    /// Print the version, the commit it was built from, and the target
    Version,
}

/// `leakhound completions SHELL`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete for
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// `leakhound man [--dir DIR]`.
#[derive(Debug, Args)]
pub struct ManArgs {
    /// Write leakhound.1 and one leakhound-COMMAND.1 per command into DIR instead of printing
    /// leakhound.1
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
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
    /// Do not decode base64, hex, percent-encoded and escaped tokens to look for secrets inside
    #[arg(long)]
    pub no_decode: bool,
    /// Do not look inside archives (zip, jar, war, whl, apk, tar, tar.gz, gz); by default
    /// their entries are scanned, up to 3 archives deep
    #[arg(long)]
    pub no_archives: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// `--format`'s values, listed in `--help` and checked by clap, parsed by [`Format`] itself.
fn format_parser() -> impl clap::builder::TypedValueParser<Value = Format> {
    use clap::builder::TypedValueParser as _;
    clap::builder::PossibleValuesParser::new(Format::ALL.map(Format::name))
        .map(|name| name.parse::<Format>().expect("a listed format parses"))
}

impl From<ColorChoice> for crate::pipeline::ColorChoice {
    fn from(c: ColorChoice) -> Self {
        match c {
            ColorChoice::Auto => crate::pipeline::ColorChoice::Auto,
            ColorChoice::Always => crate::pipeline::ColorChoice::Always,
            ColorChoice::Never => crate::pipeline::ColorChoice::Never,
        }
    }
}

/// How and where a findings report is written.
#[derive(Debug, Args, Clone)]
pub struct OutputArgs {
    /// Report format
    #[arg(long, short = 'f', default_value = "text", value_parser = format_parser())]
    pub format: Format,
    /// Write the report to FILE instead of standard output
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Show secrets in full instead of redacted (careful: reports then hold live secrets)
    #[arg(long)]
    pub show_secrets: bool,
    /// Colour in the text report: auto (a terminal, unless NO_COLOR is set; CLICOLOR_FORCE=1
    /// forces it), always, never
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
}

/// Options shared by every scan that writes a findings report.
#[derive(Debug, Args, Clone)]
pub struct ReportArgs {
    #[command(flatten)]
    pub out: OutputArgs,
    /// Never show a progress bar
    #[arg(long)]
    pub no_progress: bool,
    /// Print only the findings: no summary line, no advice, no progress bar
    #[arg(long, short = 'q')]
    pub quiet: bool,
    /// Exit with N instead of 1 when there are findings (0 reports them without failing; errors
    /// stay 2)
    #[arg(long, value_name = "N", default_value_t = 1)]
    pub exit_code: u8,
    #[command(flatten)]
    pub suppress: SuppressArgs,
    #[command(flatten)]
    pub verify: VerifyArgs,
}

/// Liveness verification (off by default: nothing is sent without --verify).
#[derive(Debug, Args, Clone, Default)]
pub struct VerifyArgs {
    /// Ask each provider, with one read-only call, whether found credentials are live and what
    /// they can do (Binance, AWS, GitHub, Slack, Stripe; sends the credentials to their provider)
    #[arg(long)]
    pub verify: bool,
    /// Print the requests --verify would send (secrets and signatures redacted) and send nothing
    #[arg(long)]
    pub verify_dry_run: bool,
    /// Report only findings verified live (needs --verify); the exit code still counts every finding
    #[arg(long)]
    pub only_live: bool,
    /// Also verify AWS keys of known canary-token accounts (this alerts whoever planted them)
    #[arg(long)]
    pub verify_canaries: bool,
    /// Also verify Kraken keys: Kraken has no read-only key-info GET, so this sends one POST
    /// (GetApiKeyInfo), which advances the key's nonce
    #[arg(long)]
    pub verify_kraken: bool,
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
    #[arg(long, value_name = "DATE", value_parser = crate::time::parse_since)]
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
    /// Only commits not reachable from REV (e.g. the commit a push started from)
    #[arg(long, value_name = "REV", conflicts_with = "staged")]
    pub since_commit: Option<String>,
    /// Record what was scanned in FILE and skip it next time: a rescan covers only new commits
    /// and new blobs, and reports only what they add (rescans everything when the rules change)
    #[arg(long, value_name = "FILE", conflicts_with = "staged")]
    pub cache: Option<PathBuf>,
    /// Memory for the history scan's caches of decoded objects, all threads together
    /// (default 64MiB); the ids of the blobs seen (~40 bytes each), the pack indexes and one
    /// blob per thread come on top
    #[arg(long, value_name = "SIZE", value_parser = parse_size, conflicts_with = "staged")]
    pub max_memory: Option<u64>,
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

// ---------------------------------------------------------------------------------------------
// Configuration and suppression

/// Where the configuration comes from.
#[derive(Debug, Args, Clone, Default)]
pub struct ConfigSourceArgs {
    /// Read the configuration from FILE instead of .leakhound.toml at the scanned root
    #[arg(long, value_name = "FILE", conflicts_with = "no_config")]
    pub config: Option<PathBuf>,
    /// Do not read .leakhound.toml from the scanned root (audits of untrusted repositories)
    #[arg(long)]
    pub no_config: bool,
}

/// Which options that a config file may also set were given on the command line (a flag
/// wins over the config). Filled in from clap's matches after parsing, not a flag itself.
#[derive(Debug, Clone, Copy, Default)]
pub struct GivenFlags {
    pub format: bool,
    pub max_file_size: bool,
}

/// Options of the suppression stage (and the configuration) for commands that report findings.
#[derive(Debug, Args, Clone, Default)]
pub struct SuppressArgs {
    #[command(flatten)]
    pub source: ConfigSourceArgs,
    /// Report only findings whose fingerprint is not in this baseline (see `baseline create`)
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Read ignored fingerprints from FILE instead of .leakhoundignore at the scanned root
    #[arg(long, value_name = "FILE")]
    pub ignore_file: Option<PathBuf>,
    /// Audit mode: ignore inline allow comments, the ignore file and the baseline
    #[arg(long)]
    pub no_suppress: bool,
    /// List ignore-file and baseline entries that matched no finding of this scan
    #[arg(long)]
    pub report_unused_ignores: bool,
    #[arg(skip)]
    pub given: GivenFlags,
}

#[derive(Debug, Args)]
pub struct ConfigArgs {
    #[command(subcommand)]
    pub command: ConfigCommand,
}

#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Validate a configuration file (exit 0 when valid, 2 with the problem otherwise)
    Check {
        /// The file to check
        #[arg(value_name = "FILE", default_value = ".leakhound.toml")]
        file: PathBuf,
    },
    /// Convert a gitleaks config into .leakhound.toml and a rules file, and list what could not
    /// be converted
    ImportGitleaks {
        /// The gitleaks config
        #[arg(value_name = "FILE", default_value = ".gitleaks.toml")]
        file: PathBuf,
        /// Folder to write .leakhound.toml and leakhound-gitleaks-rules.toml into
        #[arg(long, value_name = "DIR", default_value = ".")]
        output_dir: PathBuf,
        /// Replace an existing .leakhound.toml or rules file
        #[arg(long)]
        force: bool,
    },
}

#[derive(Debug, Args)]
pub struct IgnoreArgs {
    #[command(subcommand)]
    pub command: IgnoreCommand,
}

#[derive(Debug, Subcommand)]
pub enum IgnoreCommand {
    /// Add fingerprints (32 hex digits, from a report) to the ignore file, kept sorted
    Add {
        /// Fingerprints to ignore
        #[arg(value_name = "FINGERPRINT", required = true)]
        fingerprints: Vec<String>,
        /// Why they are not secrets (written as a comment after each)
        #[arg(long, value_name = "TEXT")]
        reason: Option<String>,
        /// The ignore file to create or update
        #[arg(long, value_name = "PATH", default_value = ".leakhoundignore")]
        file: PathBuf,
    },
}

#[derive(Debug, Args)]
pub struct BaselineArgs {
    #[command(subcommand)]
    pub command: BaselineCommand,
}

#[derive(Debug, Subcommand)]
pub enum BaselineCommand {
    /// Scan PATH (files, or its git history with --git) and write its findings as a baseline
    Create {
        /// The folder to scan (or, with --git, the repository)
        #[arg(value_name = "PATH", default_value = ".")]
        path: PathBuf,
        /// Where to write the baseline
        #[arg(
            long,
            short = 'o',
            value_name = "FILE",
            default_value = ".leakhound-baseline.json"
        )]
        output: PathBuf,
        /// Baseline the git history of the repository at PATH instead of its files
        #[arg(long)]
        git: bool,
        #[command(flatten)]
        source: ConfigSourceArgs,
        #[command(flatten)]
        rules: RuleOptions,
        /// Skip files larger than this (default: the config's max_file_size, else 10MiB)
        #[arg(long, value_name = "SIZE", value_parser = parse_size)]
        max_file_size: Option<u64>,
    },
}

/// Parses the command line, then records which config-overridable flags were given (clap's
/// derive does not keep that, and a flag given with its default value must still win).
pub fn parse_cli() -> Result<Cli, clap::Error> {
    use clap::{CommandFactory, FromArgMatches};
    let matches = Cli::command().try_get_matches()?;
    let mut cli = Cli::from_arg_matches(&matches).map_err(|e| e.format(&mut Cli::command()))?;
    let mut leaf = &matches;
    while let Some((_, sub)) = leaf.subcommand() {
        leaf = sub;
    }
    let given = |id: &str| {
        leaf.ids().any(|i| i.as_str() == id)
            && leaf.value_source(id) == Some(clap::parser::ValueSource::CommandLine)
    };
    let flags = GivenFlags {
        format: given("format"),
        max_file_size: given("max_file_size"),
    };
    match &mut cli.command {
        Command::Scan(a) => a.report.suppress.given = flags,
        Command::Git(a) => a.report.suppress.given = flags,
        Command::Hook(HookArgs {
            command: HookCommand::PrePush { report, .. },
        }) => report.suppress.given = flags,
        _ => {}
    }
    Ok(cli)
}

/// `leakhound verify REPORT.json`.
#[derive(Debug, Args)]
pub struct VerifyCmdArgs {
    /// A JSON (or JSON Lines) report written with --show-secrets: redacted secrets cannot be verified
    #[arg(value_name = "REPORT")]
    pub input: PathBuf,
    #[command(flatten)]
    pub out: OutputArgs,
    /// Print the requests verification would send (secrets and signatures redacted) and send nothing
    #[arg(long)]
    pub verify_dry_run: bool,
    /// Report only findings verified live; the exit code still counts every finding
    #[arg(long)]
    pub only_live: bool,
    /// Also verify AWS keys of known canary-token accounts (this alerts whoever planted them)
    #[arg(long)]
    pub verify_canaries: bool,
    /// Also verify Kraken keys: Kraken has no read-only key-info GET, so this sends one POST
    /// (GetApiKeyInfo), which advances the key's nonce
    #[arg(long)]
    pub verify_kraken: bool,
}

// ---------------------------------------------------------------------------------------------
// From flags to the library's plain settings

impl OutputArgs {
    /// The output settings, with `format` resolved against the config by the caller.
    pub fn settings(&self, format: Format) -> OutputSettings {
        OutputSettings {
            format,
            output: self.output.clone(),
            show_secrets: self.show_secrets,
            color: self.color.into(),
            quiet: false,
        }
    }
}

impl VerifyArgs {
    pub fn settings(&self) -> VerifySettings {
        VerifySettings {
            verify: self.verify,
            dry_run: self.verify_dry_run,
            only_live: self.only_live,
            canaries: self.verify_canaries,
            kraken: self.verify_kraken,
        }
    }
}

impl ConfigSourceArgs {
    pub fn settings(&self) -> ConfigSource {
        ConfigSource {
            file: self.config.clone(),
            no_config: self.no_config,
        }
    }
}

impl RuleOptions {
    pub fn sources(&self) -> RuleSources {
        RuleSources {
            files: self.rules.clone(),
            no_builtin: self.no_builtin_rules,
        }
    }
}

impl SuppressArgs {
    pub fn settings(&self) -> SuppressSettings {
        SuppressSettings {
            no_suppress: self.no_suppress,
            ignore_file: self.ignore_file.clone(),
            baseline: self.baseline.clone(),
            report_unused_ignores: self.report_unused_ignores,
        }
    }
}
