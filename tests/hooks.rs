//! End-to-end tests of the git hooks: real repositories made with the `git` CLI in temp dirs,
//! hooks installed by `leakhound hook install`, then real `git commit` and `git push` runs.
//!
//! Every git (and leakhound) process gets a private HOME and no system config, so no global
//! hooks, `core.hooksPath` or identity of the machine running the tests leaks in. Pushes go to
//! a bare repository on disk: no network.

mod common;
use common::{binance_pair, binance_secret, fake};

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;
use tempfile::TempDir;

/// The binary under test; the installed hooks find it through `$LEAKHOUND`.
const BIN: &str = env!("CARGO_BIN_EXE_leakhound");

/// Variables that would point git somewhere else than the test's repository.
const GIT_ENV_REMOVED: [&str; 9] = [
    "GIT_DIR",
    "GIT_WORK_TREE",
    "GIT_INDEX_FILE",
    "GIT_OBJECT_DIRECTORY",
    "GIT_ALTERNATE_OBJECT_DIRECTORIES",
    "GIT_CONFIG_GLOBAL",
    "GIT_CONFIG",
    "GIT_CONFIG_PARAMETERS",
    "GIT_CONFIG_COUNT",
];

/// A temp dir holding a private HOME, a work repository (`work/`) and room for a remote.
struct Sandbox {
    _tmp: TempDir,
    root: PathBuf,
    home: PathBuf,
    work: PathBuf,
}

impl Sandbox {
    fn new() -> Sandbox {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().canonicalize().unwrap();
        let home = root.join("home");
        let work = root.join("work");
        std::fs::create_dir_all(&home).unwrap();
        std::fs::create_dir_all(&work).unwrap();
        let sb = Sandbox {
            _tmp: tmp,
            root,
            home,
            work,
        };
        sb.git_ok(&["init", "--quiet"]);
        sb
    }

    fn env(&self) -> Vec<(&'static str, OsString)> {
        vec![
            ("HOME", self.home.clone().into()),
            ("XDG_CONFIG_HOME", self.home.join(".config").into()),
            ("GIT_CONFIG_NOSYSTEM", "1".into()),
            ("GIT_AUTHOR_NAME", "Test Author".into()),
            ("GIT_AUTHOR_EMAIL", "author@example.com".into()),
            ("GIT_COMMITTER_NAME", "Test Committer".into()),
            ("GIT_COMMITTER_EMAIL", "committer@example.com".into()),
            ("LEAKHOUND", BIN.into()),
        ]
    }

    /// `git -c init.defaultBranch=main ARGS` in the work repository.
    fn git(&self, args: &[&str]) -> Output {
        self.git_in(&self.work, args)
    }

    fn git_in(&self, dir: &Path, args: &[&str]) -> Output {
        let mut cmd = std::process::Command::new("git");
        cmd.current_dir(dir)
            .args(["-c", "init.defaultBranch=main"])
            .args(args);
        for (k, v) in self.env() {
            cmd.env(k, v);
        }
        for k in GIT_ENV_REMOVED {
            cmd.env_remove(k);
        }
        cmd.output().unwrap()
    }

    fn git_ok(&self, args: &[&str]) -> Output {
        let out = self.git(args);
        assert!(out.status.success(), "git {args:?} failed:\n{}", text(&out));
        out
    }

    /// `leakhound ARGS` in the work repository.
    fn leakhound(&self, args: &[&str]) -> Output {
        let mut cmd = Command::cargo_bin("leakhound").unwrap();
        cmd.current_dir(&self.work).args(args);
        for (k, v) in self.env() {
            cmd.env(k, v);
        }
        for k in GIT_ENV_REMOVED {
            cmd.env_remove(k);
        }
        cmd.output().unwrap()
    }

    fn write(&self, rel: &str, content: &str) {
        let path = self.work.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, content).unwrap();
    }

    /// Adds and commits a file (through the hooks, unless `no_verify`).
    fn commit_file(&self, rel: &str, content: &str, no_verify: bool) -> Output {
        self.write(rel, content);
        self.git_ok(&["add", rel]);
        let mut args = vec!["commit", "--quiet", "-m", rel];
        if no_verify {
            args.push("--no-verify");
        }
        self.git(&args)
    }

    fn hooks(&self) -> PathBuf {
        self.work.join(".git").join("hooks")
    }
}

/// stdout and stderr together (git shows a hook's stdout on its stderr anyway).
fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn exit_code(out: &Output) -> i32 {
    out.status.code().expect("exited normally")
}

/// A fake Binance key pair as a `.env` file's text, the secret key (line 2, column 20) and
/// the API key.
fn fake_binance_env(seed: u64) -> (String, String, String) {
    (binance_pair(seed), binance_secret(seed), fake(64, seed))
}

/// The report names the file, line, rule and the redacted secret, never the secret itself.
fn assert_reports_secret(out: &Output, path: &str, secret: &str, key: &str) {
    let all = text(out);
    assert!(
        all.contains(&format!("{path}:2:20")),
        "no {path}:2:20 in:\n{all}"
    );
    assert!(all.contains("binance-secret-key"), "no rule id in:\n{all}");
    assert!(
        all.contains(&format!("{}…", &secret[..4])),
        "no redacted secret in:\n{all}"
    );
    assert!(!all.contains(secret), "the full secret was printed:\n{all}");
    assert!(!all.contains(key), "the full API key was printed:\n{all}");
}

#[test]
fn pre_commit_refuses_a_staged_secret_and_lets_a_clean_commit_through() {
    let sb = Sandbox::new();
    let out = sb.leakhound(&["hook", "install"]);
    assert_eq!(exit_code(&out), 0, "{}", text(&out));
    let hook = sb.hooks().join("pre-commit");
    let script = std::fs::read_to_string(&hook).unwrap();
    assert!(script.contains("# installed by leakhound hook install"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&hook).unwrap().permissions().mode() & 0o777,
            0o755
        );
    }
    assert!(
        !sb.hooks().join("pre-push").exists(),
        "pre-push only with --pre-push"
    );

    let (env, secret, key) = fake_binance_env(1);
    let out = sb.commit_file("config/secrets.env", &env, false);
    assert!(
        !out.status.success(),
        "the commit went through:\n{}",
        text(&out)
    );
    assert_reports_secret(&out, "config/secrets.env", &secret, &key);
    assert!(
        !sb.git(&["rev-parse", "--verify", "--quiet", "HEAD"])
            .status
            .success(),
        "nothing was committed"
    );

    sb.git_ok(&["rm", "--cached", "--quiet", "config/secrets.env"]);
    let out = sb.commit_file("README.md", "# a clean project\n", false);
    assert!(
        out.status.success(),
        "a clean commit was refused:\n{}",
        text(&out)
    );

    // Installing again over our own hook is fine.
    let out = sb.leakhound(&["hook", "install"]);
    assert_eq!(exit_code(&out), 0, "{}", text(&out));
    assert!(text(&out).contains("updated"), "{}", text(&out));
}

#[test]
fn a_foreign_hook_is_refused_then_chained_with_force_and_restored_on_uninstall() {
    let sb = Sandbox::new();
    let hook = sb.hooks().join("pre-commit");
    let ran = sb.root.join("foreign-ran");
    let foreign = format!("#!/bin/sh\ntouch '{}'\n", ran.display());
    std::fs::create_dir_all(sb.hooks()).unwrap();
    std::fs::write(&hook, &foreign).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&hook, std::fs::Permissions::from_mode(0o755)).unwrap();
    }

    let out = sb.leakhound(&["hook", "install"]);
    assert_eq!(exit_code(&out), 2, "{}", text(&out));
    let msg = String::from_utf8_lossy(&out.stderr);
    assert!(
        msg.contains(&hook.display().to_string()) && msg.contains("--force"),
        "{msg}"
    );
    assert_eq!(
        std::fs::read_to_string(&hook).unwrap(),
        foreign,
        "a refused install changes nothing"
    );

    let out = sb.leakhound(&["hook", "install", "--force"]);
    assert_eq!(exit_code(&out), 0, "{}", text(&out));
    let backup = sb.hooks().join("pre-commit.pre-leakhound");
    assert_eq!(std::fs::read_to_string(&backup).unwrap(), foreign);

    // The foreign hook still runs, before leakhound's check, which still blocks secrets.
    let out = sb.commit_file("README.md", "# clean\n", false);
    assert!(out.status.success(), "{}", text(&out));
    assert!(ran.exists(), "the chained hook did not run");
    let (env, secret, key) = fake_binance_env(2);
    let out = sb.commit_file(".env", &env, false);
    assert!(!out.status.success(), "{}", text(&out));
    assert_reports_secret(&out, ".env", &secret, &key);
    sb.git_ok(&["rm", "--cached", "--quiet", ".env"]);

    // A failing chained hook fails the commit.
    let failing = "#!/bin/sh\necho 'the old hook says no' >&2\nexit 3\n";
    std::fs::write(&backup, failing).unwrap();
    let out = sb.commit_file("notes.txt", "clean\n", false);
    assert!(!out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains("the old hook says no"),
        "{}",
        text(&out)
    );

    // Uninstall puts the old hook back, and then leaves it alone.
    let out = sb.leakhound(&["hook", "uninstall"]);
    assert_eq!(exit_code(&out), 0, "{}", text(&out));
    assert!(
        text(&out).contains("removed") && text(&out).contains("restored"),
        "{}",
        text(&out)
    );
    assert_eq!(std::fs::read_to_string(&hook).unwrap(), failing);
    assert!(!backup.exists());
    let out = sb.leakhound(&["hook", "uninstall"]);
    assert_eq!(exit_code(&out), 0, "{}", text(&out));
    assert!(text(&out).contains("left"), "{}", text(&out));
    assert_eq!(std::fs::read_to_string(&hook).unwrap(), failing);
}

#[test]
fn core_hooks_path_is_respected() {
    let sb = Sandbox::new();
    sb.git_ok(&["config", "core.hooksPath", ".githooks"]);
    let out = sb.leakhound(&["hook", "install"]);
    assert_eq!(exit_code(&out), 0, "{}", text(&out));
    let hook = sb.work.join(".githooks").join("pre-commit");
    assert!(
        hook.is_file(),
        "not installed in core.hooksPath:\n{}",
        text(&out)
    );
    assert!(!sb.hooks().join("pre-commit").exists());

    let (env, secret, key) = fake_binance_env(3);
    let out = sb.commit_file("deploy/prod.env", &env, false);
    assert!(!out.status.success(), "{}", text(&out));
    assert_reports_secret(&out, "deploy/prod.env", &secret, &key);

    let out = sb.leakhound(&["hook", "uninstall"]);
    assert_eq!(exit_code(&out), 0, "{}", text(&out));
    assert!(!hook.exists());
}

#[test]
fn pre_push_refuses_new_commits_with_secrets_only() {
    let sb = Sandbox::new();
    let remote = sb.root.join("remote.git");
    let out = sb.git_in(
        &sb.root,
        &["init", "--quiet", "--bare", remote.to_str().unwrap()],
    );
    assert!(out.status.success(), "{}", text(&out));
    sb.git_ok(&["remote", "add", "origin", remote.to_str().unwrap()]);
    let out = sb.leakhound(&["hook", "install", "--pre-push"]);
    assert_eq!(exit_code(&out), 0, "{}", text(&out));
    assert!(sb.hooks().join("pre-push").is_file());
    let remote_has = |rev: &str| {
        let out = sb.git_in(&remote, &["rev-parse", "--verify", "--quiet", rev]);
        out.status
            .success()
            .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
    };
    let head = || {
        String::from_utf8_lossy(&sb.git_ok(&["rev-parse", "HEAD"]).stdout)
            .trim()
            .to_string()
    };

    // A clean first push (a new branch) passes.
    assert!(sb
        .commit_file("README.md", "# clean\n", false)
        .status
        .success());
    let clean = head();
    let out = sb.git(&["push", "--quiet", "origin", "main"]);
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(remote_has("main").as_deref(), Some(clean.as_str()));

    // A secret committed past the pre-commit hook is stopped at the push.
    let (env, secret, key) = fake_binance_env(4);
    assert!(sb.commit_file("keys.env", &env, true).status.success());
    let out = sb.git(&["push", "--quiet", "origin", "main"]);
    assert!(
        !out.status.success(),
        "the push went through:\n{}",
        text(&out)
    );
    assert_reports_secret(&out, "keys.env", &secret, &key);
    assert_eq!(
        remote_has("main").as_deref(),
        Some(clean.as_str()),
        "the remote did not move"
    );

    // Once the remote has that commit (pushed with --no-verify), a new branch built on it
    // publishes only its own clean commit, and passes.
    assert!(sb
        .git(&["push", "--quiet", "--no-verify", "origin", "main"])
        .status
        .success());
    sb.git_ok(&["checkout", "--quiet", "-b", "feature"]);
    assert!(sb
        .commit_file("feature.txt", "clean work\n", false)
        .status
        .success());
    let out = sb.git(&["push", "--quiet", "origin", "feature"]);
    assert!(
        out.status.success(),
        "a clean new branch was refused:\n{}",
        text(&out)
    );

    // A new branch that adds a secret is refused.
    sb.git_ok(&["checkout", "--quiet", "-b", "leaky"]);
    let (env, secret, key) = fake_binance_env(5);
    assert!(sb.commit_file("more/keys.env", &env, true).status.success());
    let out = sb.git(&["push", "--quiet", "origin", "leaky"]);
    assert!(
        !out.status.success(),
        "the push went through:\n{}",
        text(&out)
    );
    assert_reports_secret(&out, "more/keys.env", &secret, &key);
    assert_eq!(remote_has("refs/heads/leaky"), None);

    // Deleting a branch publishes nothing, and passes.
    let out = sb.git(&["push", "--quiet", "origin", "--delete", "feature"]);
    assert!(
        out.status.success(),
        "a deletion was refused:\n{}",
        text(&out)
    );
    assert_eq!(remote_has("refs/heads/feature"), None);
}

#[test]
fn pre_push_reads_a_hand_written_ref_list() {
    let sb = Sandbox::new();
    let (env, secret, key) = fake_binance_env(6);
    assert!(sb.commit_file("a.env", &env, true).status.success());
    let head = String::from_utf8_lossy(&sb.git_ok(&["rev-parse", "HEAD"]).stdout)
        .trim()
        .to_string();
    let zero = "0".repeat(40);
    let run = |stdin: String| {
        let mut cmd = Command::cargo_bin("leakhound").unwrap();
        cmd.current_dir(&sb.work)
            .args(["hook", "pre-push", "origin", "/nowhere.git"])
            .write_stdin(stdin);
        for (k, v) in sb.env() {
            cmd.env(k, v);
        }
        for k in GIT_ENV_REMOVED {
            cmd.env_remove(k);
        }
        cmd.output().unwrap()
    };
    let out = run(format!("refs/heads/main {head} refs/heads/main {zero}\n"));
    assert_eq!(exit_code(&out), 1, "{}", text(&out));
    assert_reports_secret(&out, "a.env", &secret, &key);
    // The remote already has it: nothing new to scan.
    let out = run(format!("refs/heads/main {head} refs/heads/main {head}\n"));
    assert_eq!(exit_code(&out), 0, "{}", text(&out));
    // A deletion, and no input at all.
    assert_eq!(
        exit_code(&run(format!("(delete) {zero} refs/heads/old {head}\n"))),
        0
    );
    assert_eq!(exit_code(&run(String::new())), 0);
    // Garbage is an error, not a pass.
    assert_eq!(exit_code(&run("garbage\n".to_string())), 2);
    assert_eq!(
        exit_code(&run(format!(
            "refs/heads/main {head} refs/heads/main nothex\n"
        ))),
        2
    );
}
