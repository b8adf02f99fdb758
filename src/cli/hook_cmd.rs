//! `leakhound hook install|uninstall|pre-push`: git hooks that stop a secret before it leaves
//! the machine.
//!
//! The hooks are small POSIX shell scripts (below, and the same text in `hooks/`) that run the
//! `leakhound` binary: the pre-commit hook runs `leakhound git --staged`, the pre-push hook
//! runs `leakhound hook pre-push`, which scans only the commits the push would publish.
//! Scripts rather than copies of the binary, so that upgrading leakhound upgrades the hooks.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{bail, Context};
use gix::bstr::ByteSlice;
use gix::ObjectId;

use super::args::{HookArgs, HookCommand, ReportArgs, RuleOptions};
use super::{conclude, EXIT_CLEAN};
use crate::config::{git_root, Setup};
use crate::detect::Detector;
use crate::sources::git::history::{scan_history, HistoryOptions};
use crate::sources::git::push::{parse_push_lines, plan_walk};
use crate::sources::git::{open_repo, GitStats};
use crate::sources::SourceOutcome;

/// The line that marks a hook as leakhound's: `uninstall` removes only files carrying it, and
/// `install` overwrites only those without `--force`.
pub const MARKER: &str = "# installed by leakhound hook install";

/// Suffix of the name a foreign hook is kept under by `install --force`; our script runs it
/// first, and `uninstall` puts it back.
const BACKUP_SUFFIX: &str = ".pre-leakhound";

/// The pre-commit hook. Same text as `hooks/pre-commit` (a unit test keeps them equal).
pub const PRE_COMMIT_SCRIPT: &str = r#"#!/bin/sh
# leakhound pre-commit hook: refuses a commit that would add a secret.
# installed by leakhound hook install
#
# Bypass it for one commit with `git commit --no-verify`; remove it with
# `leakhound hook uninstall`. Set LEAKHOUND to the binary's path if it is not on PATH.

# A hook that was here before (kept by `leakhound hook install --force`) runs first.
previous="$(dirname "$0")/pre-commit.pre-leakhound"
if [ -x "$previous" ]; then
    "$previous" "$@" || exit $?
fi

leakhound="${LEAKHOUND:-leakhound}"
if ! command -v "$leakhound" >/dev/null 2>&1; then
    echo "leakhound: cannot run '$leakhound': it is not on PATH." >&2
    echo "leakhound: install it (cargo install --locked leakhound) or set LEAKHOUND to its path;" >&2
    echo "leakhound: the secret check did not run, so the commit is refused (git commit --no-verify skips it)." >&2
    exit 1
fi
exec "$leakhound" git --staged
"#;

/// The pre-push hook. Same text as `hooks/pre-push` (a unit test keeps them equal).
pub const PRE_PUSH_SCRIPT: &str = r#"#!/bin/sh
# leakhound pre-push hook: refuses a push whose new commits add a secret.
# installed by leakhound hook install
#
# Bypass it for one push with `git push --no-verify`; remove it with
# `leakhound hook uninstall`. Set LEAKHOUND to the binary's path if it is not on PATH.

# git writes one line per pushed ref on standard input; keep it, for both hooks to read.
input="$(cat)"
feed() {
    if [ -n "$input" ]; then printf '%s\n' "$input"; fi
}

# A hook that was here before (kept by `leakhound hook install --force`) runs first.
previous="$(dirname "$0")/pre-push.pre-leakhound"
if [ -x "$previous" ]; then
    feed | "$previous" "$@" || exit $?
fi

leakhound="${LEAKHOUND:-leakhound}"
if ! command -v "$leakhound" >/dev/null 2>&1; then
    echo "leakhound: cannot run '$leakhound': it is not on PATH." >&2
    echo "leakhound: install it (cargo install --locked leakhound) or set LEAKHOUND to its path;" >&2
    echo "leakhound: the secret check did not run, so the push is refused (git push --no-verify skips it)." >&2
    exit 1
fi
feed | exec "$leakhound" hook pre-push "$@"
"#;

/// Every hook leakhound knows, by file name. `uninstall` looks at all of them.
const HOOKS: [(&str, &str); 2] = [
    ("pre-commit", PRE_COMMIT_SCRIPT),
    ("pre-push", PRE_PUSH_SCRIPT),
];

/// Blobs larger than this are skipped by the pre-push scan (the default of `leakhound git`),
/// unless the config sets `max_file_size`.
const PRE_PUSH_MAX_FILE_SIZE: u64 = 10 << 20;

const PUSH_ADVICE: &str = "\
leakhound: this push would publish the secrets above, so it was refused.
  - Remove each secret from the commits that add it before pushing: `git commit --amend` for the
    last commit, `git rebase -i` for older ones. Load it at run time instead (an environment
    variable, or a config file that .gitignore excludes).
  - If a secret was ever pushed or shared, rotate it at the provider: deleting it is not enough.
  - A false positive? Mark its line with a `leakhound:allow` comment (on the line, or on a
    comment line right above it), or add its fingerprint to .leakhoundignore with
    `leakhound ignore add FINGERPRINT --reason TEXT`, and commit that; or bypass this one push
    with `git push --no-verify`.";

pub fn run(args: HookArgs) -> anyhow::Result<u8> {
    match args.command {
        HookCommand::Install {
            repo,
            pre_push,
            force,
        } => install(&repo, pre_push, force),
        HookCommand::Uninstall { repo } => uninstall(&repo),
        HookCommand::PrePush {
            remote,
            url: _,
            report,
            rules,
        } => pre_push(remote.as_deref(), &report, &rules),
    }
}

// ---------------------------------------------------------------------------------------------
// install / uninstall

/// Where git looks for this repository's hooks: `core.hooksPath` if set (relative to the work
/// tree root, or to the git dir of a bare repository, as git resolves it), else `hooks/` in
/// the common git dir (shared by all linked worktrees).
fn hooks_dir(repo_path: &Path) -> anyhow::Result<PathBuf> {
    let repo = open_repo(repo_path)?;
    let configured = repo
        .config_snapshot()
        .trusted_path("core.hooksPath")
        .context("core.hooksPath in the git config is not a usable path")?;
    let dir = match configured {
        Some(p) if p.as_os_str().is_empty() => repo.common_dir().join("hooks"),
        Some(p) if p.is_absolute() => p,
        Some(p) => repo.workdir().unwrap_or_else(|| repo.git_dir()).join(p),
        None => repo.common_dir().join("hooks"),
    };
    // Absolute, so messages name the file unambiguously (gix keeps a relative git dir relative).
    std::path::absolute(&dir).with_context(|| format!("cannot make {} absolute", dir.display()))
}

/// What occupies a hook's file name.
#[derive(Debug, PartialEq, Eq)]
enum Existing {
    Nothing,
    Ours,
    Foreign,
}

fn existing(path: &Path) -> anyhow::Result<Existing> {
    if std::fs::symlink_metadata(path).is_err() {
        return Ok(Existing::Nothing);
    }
    let text = std::fs::read(path)
        .with_context(|| format!("cannot read the existing hook {}", path.display()))?;
    Ok(if is_ours(&text) {
        Existing::Ours
    } else {
        Existing::Foreign
    })
}

/// True when the hook text carries our marker line.
fn is_ours(text: &[u8]) -> bool {
    ByteSlice::lines(text).any(|l| l.trim() == MARKER.as_bytes())
}

fn backup_path(hook: &Path) -> PathBuf {
    let mut name = hook.as_os_str().to_owned();
    name.push(BACKUP_SUFFIX);
    PathBuf::from(name)
}

fn install(repo: &Path, pre_push: bool, force: bool) -> anyhow::Result<u8> {
    let dir = hooks_dir(repo)?;
    std::fs::create_dir_all(&dir)
        .with_context(|| format!("cannot create the hooks folder {}", dir.display()))?;
    let wanted = if pre_push { &HOOKS[..] } else { &HOOKS[..1] };
    // Check every hook before writing any, so a refusal leaves nothing half-installed.
    if !force {
        for (name, _) in wanted {
            let path = dir.join(name);
            if existing(&path)? == Existing::Foreign {
                bail!(
                    "{} already exists and was not installed by leakhound; rerun with --force to keep it \
                     (as {name}{BACKUP_SUFFIX}, run before leakhound's check), or remove it yourself",
                    path.display()
                );
            }
        }
    }
    for (name, script) in wanted {
        install_one(&dir.join(name), script)?;
    }
    warn_if_not_on_path();
    Ok(EXIT_CLEAN)
}

/// Writes one hook, keeping a foreign hook as `<name>.pre-leakhound` (the caller checked
/// `--force`).
fn install_one(path: &Path, script: &str) -> anyhow::Result<()> {
    let state = existing(path)?;
    if state == Existing::Foreign {
        let backup = backup_path(path);
        if std::fs::symlink_metadata(&backup).is_ok() {
            bail!(
                "cannot keep the existing {}: {} already exists; move one of them away first",
                path.display(),
                backup.display()
            );
        }
        std::fs::rename(path, &backup)
            .with_context(|| format!("cannot rename {} to {}", path.display(), backup.display()))?;
        println!(
            "leakhound: kept the existing hook as {} (it runs first)",
            backup.display()
        );
    }
    write_executable(path, script)?;
    let verb = if state == Existing::Ours {
        "updated"
    } else {
        "installed"
    };
    println!("leakhound: {verb} {}", path.display());
    Ok(())
}

/// Writes through a temporary file and a rename, so a crash never leaves a half-written hook
/// and an existing symlink is replaced rather than written through.
fn write_executable(path: &Path, text: &str) -> anyhow::Result<()> {
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".leakhound-tmp");
    let tmp = PathBuf::from(tmp);
    std::fs::write(&tmp, text).with_context(|| format!("cannot write {}", tmp.display()))?;
    set_executable(&tmp)?;
    std::fs::rename(&tmp, path).with_context(|| format!("cannot write {}", path.display()))
}

#[cfg(unix)]
fn set_executable(path: &Path) -> anyhow::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755))
        .with_context(|| format!("cannot make {} executable", path.display()))
}

/// Git for Windows runs hooks through its own shell, whatever the file's permissions.
#[cfg(not(unix))]
fn set_executable(_path: &Path) -> anyhow::Result<()> {
    Ok(())
}

/// The hooks run `leakhound` from PATH (or `$LEAKHOUND`): say so now rather than at the first
/// commit.
fn warn_if_not_on_path() {
    if std::env::var_os("LEAKHOUND").is_some() {
        return;
    }
    let exe = format!("leakhound{}", std::env::consts::EXE_SUFFIX);
    let found = std::env::var_os("PATH")
        .is_some_and(|p| std::env::split_paths(&p).any(|d| d.join(&exe).is_file()));
    if !found {
        eprintln!(
            "leakhound: warning: `leakhound` is not on PATH, so the hooks cannot run it yet; \
             add it to PATH or set LEAKHOUND to its full path"
        );
    }
}

fn uninstall(repo: &Path) -> anyhow::Result<u8> {
    let dir = hooks_dir(repo)?;
    let mut removed = 0;
    for (name, _) in HOOKS {
        let path = dir.join(name);
        match existing(&path)? {
            Existing::Nothing => {}
            Existing::Foreign => println!(
                "leakhound: left {} alone: leakhound did not install it",
                path.display()
            ),
            Existing::Ours => {
                remove_one(&path)?;
                removed += 1;
            }
        }
    }
    if removed == 0 {
        println!("leakhound: no leakhound hooks in {}", dir.display());
    }
    Ok(EXIT_CLEAN)
}

/// Removes our hook, and puts back the hook it replaced, if any.
fn remove_one(path: &Path) -> anyhow::Result<()> {
    std::fs::remove_file(path).with_context(|| format!("cannot remove {}", path.display()))?;
    println!("leakhound: removed {}", path.display());
    let backup = backup_path(path);
    if std::fs::symlink_metadata(&backup).is_ok() {
        std::fs::rename(&backup, path).with_context(|| {
            format!("cannot restore {} to {}", backup.display(), path.display())
        })?;
        println!("leakhound: restored the previous hook {}", path.display());
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// pre-push

/// The repository a hook runs in: git runs hooks from the work tree root (the git dir when
/// bare), and exports GIT_DIR when it was given one explicitly.
fn hook_repo_path() -> PathBuf {
    std::env::var_os("GIT_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("."))
}

fn pre_push(
    remote: Option<&str>,
    report: &ReportArgs,
    rule_opts: &RuleOptions,
) -> anyhow::Result<u8> {
    let repo_path = hook_repo_path();
    let root = git_root(&repo_path)?;
    let mut setup = Setup::load(
        root.as_deref(),
        &report.suppress.source.settings(),
        &rule_opts.sources(),
    )?;
    let suppressor = setup.suppressor(&report.suppress.settings(), true)?;
    let max_file_size = setup.max_file_size(PRE_PUSH_MAX_FILE_SIZE, false);
    let rules = setup.rules.clone();
    let detector = Detector::new(rules.clone())?.with_decoding(!rule_opts.no_decode);
    let refs = parse_push_lines(std::io::stdin().lock())?;
    let repo = open_repo(&repo_path)?;
    let walk = plan_walk(&repo, remote, &refs)?;
    let outcome = if walk.tips.is_empty() {
        // Only deletions (or nothing): no commit is published.
        let mut outcome = SourceOutcome::default();
        outcome.finish(Instant::now());
        outcome
    } else {
        let hex = |ids: &[ObjectId]| ids.iter().map(ToString::to_string).collect();
        let opts = HistoryOptions {
            repo: repo_path,
            tips: hex(&walk.tips),
            hidden: hex(&walk.hidden),
            no_archives: rule_opts.no_archives,
            max_file_size,
            threads: 0,
            ..HistoryOptions::default()
        };
        let (mut outcome, stats) = scan_history(&detector, &opts, &())?;
        outcome.git_stats = Some(GitStats::History(stats));
        outcome
    };
    conclude(report, &setup, outcome, &suppressor, Some(PUSH_ADVICE))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn script_file(name: &str) -> String {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("hooks")
            .join(name);
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }

    #[test]
    fn hook_files_match_the_installed_scripts() {
        assert_eq!(
            script_file("pre-commit"),
            PRE_COMMIT_SCRIPT,
            "hooks/pre-commit drifted from PRE_COMMIT_SCRIPT"
        );
        assert_eq!(
            script_file("pre-push"),
            PRE_PUSH_SCRIPT,
            "hooks/pre-push drifted from PRE_PUSH_SCRIPT"
        );
    }

    #[test]
    fn scripts_carry_the_marker() {
        for (name, script) in HOOKS {
            assert!(script.starts_with("#!/bin/sh\n"), "{name}");
            assert!(is_ours(script.as_bytes()), "{name}");
        }
        assert!(!is_ours(b"#!/bin/sh\necho installed by someone else\n"));
    }

    #[test]
    fn backup_name() {
        assert_eq!(
            backup_path(Path::new("/r/.git/hooks/pre-push")),
            Path::new("/r/.git/hooks/pre-push.pre-leakhound")
        );
    }
}
