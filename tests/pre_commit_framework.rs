//! The pre-commit framework (pre-commit.com) running leakhound through this repository's
//! `.pre-commit-hooks.yaml`, as a user's `.pre-commit-config.yaml` would.
//!
//! Needs the `pre-commit` command. `.ci/run` installs it from PyPI into a venv and points
//! `LEAKHOUND_PRE_COMMIT` at it; under CI (`CI=true`) a missing `pre-commit` is a failure, not
//! a skip. The `leakhound-system` hook (the binary on PATH) runs in every test run; the
//! `leakhound` hook (`language: rust`) makes pre-commit `cargo install` leakhound, a full release
//! build of minutes, so its test is `#[ignore]`d and runs with `cargo test -- --ignored`.

mod common;
use common::fake;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn pre_commit() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("LEAKHOUND_PRE_COMMIT") {
        return Some(PathBuf::from(p));
    }
    let found = Command::new("pre-commit")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    found.then(|| PathBuf::from("pre-commit"))
}

fn required() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true" || v == "1")
}

/// A command with a private HOME, pre-commit cache, git identity, and leakhound on PATH.
fn cmd(program: impl AsRef<std::ffi::OsStr>, dir: &Path, home: &Path) -> Command {
    let bin_dir = Path::new(env!("CARGO_BIN_EXE_leakhound"))
        .parent()
        .unwrap()
        .to_path_buf();
    let path = std::env::join_paths(std::iter::once(bin_dir).chain(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    )))
    .unwrap();
    let mut c = Command::new(program);
    c.current_dir(dir)
        .env("PATH", path)
        .env("HOME", home)
        .env("PRE_COMMIT_HOME", home.join("pre-commit-cache"))
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_NAME", "Ada Lovelace")
        .env("GIT_AUTHOR_EMAIL", "ada@example.invalid")
        .env("GIT_COMMITTER_NAME", "Ada Lovelace")
        .env("GIT_COMMITTER_EMAIL", "ada@example.invalid")
        .env_remove("LEAKHOUND");
    c
}

fn run(c: &mut Command) -> Output {
    c.output().expect("command runs")
}

fn git(dir: &Path, home: &Path, args: &[&str]) -> String {
    let out = run(cmd("git", dir, home)
        .args([
            "-c",
            "init.defaultBranch=main",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args));
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// A git repository holding this project's `.pre-commit-hooks.yaml`, as pre-commit fetches it.
fn hook_repo(root: &Path, home: &Path) -> (PathBuf, String) {
    let repo = root.join("hooks-repo");
    std::fs::create_dir_all(&repo).unwrap();
    git(&repo, home, &["init", "-q"]);
    let yaml = Path::new(env!("CARGO_MANIFEST_DIR")).join(".pre-commit-hooks.yaml");
    std::fs::copy(yaml, repo.join(".pre-commit-hooks.yaml")).unwrap();
    // `language: rust` hooks build the repository with cargo: give it this crate.
    for f in ["Cargo.toml", "Cargo.lock", "build.rs", "README.md"] {
        std::fs::copy(Path::new(env!("CARGO_MANIFEST_DIR")).join(f), repo.join(f)).unwrap();
    }
    for d in ["src", "rules", "benches"] {
        copy_dir(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join(d),
            &repo.join(d),
        );
    }
    git(&repo, home, &["add", "-A"]);
    git(&repo, home, &["commit", "-q", "-m", "hooks"]);
    let rev = git(&repo, home, &["rev-parse", "HEAD"]);
    (repo, rev)
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &to.join(e.file_name()));
        } else {
            std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
        }
    }
}

fn check_hook(hook_id: &str) {
    let Some(pre_commit) = pre_commit() else {
        assert!(
            !required(),
            "CI must run this test: install pre-commit (see .ci/run)"
        );
        eprintln!("skipped: `pre-commit` is not installed (pip install pre-commit)");
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let home = tmp.path().join("home");
    std::fs::create_dir_all(&home).unwrap();
    let (hooks, rev) = hook_repo(tmp.path(), &home);
    let project = tmp.path().join("project");
    std::fs::create_dir_all(&project).unwrap();
    git(&project, &home, &["init", "-q"]);
    std::fs::write(
        project.join(".pre-commit-config.yaml"),
        format!(
            "repos:\n  - repo: {}\n    rev: {rev}\n    hooks:\n      - id: {hook_id}\n",
            hooks.display()
        ),
    )
    .unwrap();
    std::fs::write(project.join("README.md"), "# demo\n").unwrap();
    git(&project, &home, &["add", "-A"]);
    let out = run(cmd(&pre_commit, &project, &home).arg("install"));
    assert!(
        out.status.success(),
        "pre-commit install: {}",
        String::from_utf8_lossy(&out.stderr)
    );

    // A clean commit passes through the hook.
    let out = run(cmd("git", &project, &home).args(["commit", "-q", "-m", "clean"]));
    assert!(
        out.status.success(),
        "clean commit refused: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );

    // A commit adding a secret is refused, with the rule and the redacted secret, never the secret.
    let secret = fake(64, 2);
    std::fs::write(
        project.join("app.env"),
        format!(
            "BINANCE_API_KEY={}\nBINANCE_SECRET_KEY={secret}\n",
            fake(64, 1)
        ),
    )
    .unwrap();
    git(&project, &home, &["add", "app.env"]);
    let out = run(cmd("git", &project, &home).args(["commit", "-q", "-m", "add settings"]));
    let all =
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "the secret was committed: {all}");
    assert!(
        all.contains("binance-secret-key") && all.contains("app.env:2"),
        "{all}"
    );
    assert!(!all.contains(&secret), "the hook output shows the secret");
}

#[test]
fn pre_commit_framework_runs_the_system_hook() {
    check_hook("leakhound-system");
}

#[test]
#[ignore = "pre-commit cargo-installs leakhound (a release build, minutes): cargo test -- --ignored"]
fn pre_commit_framework_builds_and_runs_the_rust_hook() {
    check_hook("leakhound");
}
