//! Packaging: what `cargo package` ships, the licences, the release workflow, the GitHub
//! Action and the Dockerfile. Every YAML file of the repository is parsed, and the fields that
//! tie them together are checked (archive names the workflow uploads are the ones action.yml
//! and `cargo binstall` download), so a typo fails here rather than at the first release.

use std::path::{Path, PathBuf};

use serde_yaml::Value;

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn read(rel: &str) -> String {
    std::fs::read_to_string(repo().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn yaml(rel: &str) -> Value {
    serde_yaml::from_str(&read(rel)).unwrap_or_else(|e| panic!("{rel} is not valid YAML: {e}"))
}

fn manifest() -> toml::Table {
    read("Cargo.toml").parse().expect("Cargo.toml parses")
}

/// Every *.yml / *.yaml file outside target dirs and .git.
fn yaml_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        if path.is_dir() {
            if name == ".git" || name.starts_with("target") {
                continue;
            }
            yaml_files(&path, out);
        } else if name.ends_with(".yml") || name.ends_with(".yaml") {
            out.push(path);
        }
    }
}

#[test]
fn every_yaml_file_parses() {
    let mut files = Vec::new();
    yaml_files(repo(), &mut files);
    for must in [".github/workflows/release.yml", "action.yml"] {
        assert!(files.contains(&repo().join(must)), "{must} is missing");
    }
    for f in &files {
        let text = std::fs::read_to_string(f).unwrap();
        // Fixtures may hold several documents (Kubernetes manifests); each must parse.
        for doc in serde_yaml::Deserializer::from_str(&text) {
            if let Err(e) = <Value as serde::Deserialize>::deserialize(doc) {
                panic!("{} is not valid YAML: {e}", f.display());
            }
        }
    }
}

const RELEASE_TARGETS: [&str; 6] = [
    "x86_64-unknown-linux-gnu",
    "x86_64-unknown-linux-musl",
    "aarch64-unknown-linux-gnu",
    "x86_64-apple-darwin",
    "aarch64-apple-darwin",
    "x86_64-pc-windows-msvc",
];

#[test]
fn release_workflow_builds_every_platform_on_a_version_tag() {
    let wf = yaml(".github/workflows/release.yml");
    // `on` is YAML 1.1's `true` for some parsers; serde_yaml keeps it a string.
    let tags = &wf["on"]["push"]["tags"][0];
    assert!(tags.as_str().unwrap().starts_with("v"), "{tags:?}");
    let include = wf["jobs"]["build"]["strategy"]["matrix"]["include"]
        .as_sequence()
        .expect("a build matrix");
    let targets: Vec<&str> = include
        .iter()
        .map(|e| e["target"].as_str().unwrap())
        .collect();
    for t in RELEASE_TARGETS {
        assert!(targets.contains(&t), "{t} is not built: {targets:?}");
    }
    let text = read(".github/workflows/release.yml");
    assert!(text.contains("cargo build --release --locked --target"));
    assert!(text.contains("name=leakhound-${{ matrix.target }}"));
    assert!(text.contains("\"$name.tar.gz\"") && text.contains("\"$name.zip\""));
    assert!(text.contains(".sha256"));
    assert_eq!(wf["permissions"]["contents"].as_str(), Some("write"));
}

#[test]
fn action_is_composite_and_writes_sarif() {
    let action = yaml("action.yml");
    assert_eq!(action["runs"]["using"].as_str(), Some("composite"));
    for input in [
        "version",
        "command",
        "path",
        "args",
        "sarif",
        "fail-on-findings",
    ] {
        assert!(
            action["inputs"][input]["description"].as_str().is_some(),
            "input {input}"
        );
    }
    assert_eq!(
        action["inputs"]["sarif"]["default"].as_str(),
        Some("leakhound.sarif")
    );
    let steps = action["runs"]["steps"].as_sequence().unwrap();
    for step in steps {
        assert_eq!(step["shell"].as_str(), Some("bash"), "{step:?}");
    }
    let scripts: String = steps
        .iter()
        .filter_map(|s| s["run"].as_str())
        .collect::<Vec<_>>()
        .join("\n");
    assert!(scripts.contains("--format sarif --output \"$SARIF\""));
    assert!(scripts.contains("sha256sum -c"));
    // The archive names it downloads are the ones the release workflow uploads.
    assert!(scripts.contains("archive=\"leakhound-${target}.${ext}\""));
    for t in RELEASE_TARGETS
        .iter()
        .filter(|t| **t != "x86_64-unknown-linux-gnu")
    {
        assert!(scripts.contains(&format!("target={t}")), "{t}");
    }
}

#[test]
fn binstall_fetches_the_release_archives() {
    let m = manifest();
    let binstall = &m["package"]["metadata"]["binstall"];
    let url = binstall["pkg-url"].as_str().unwrap();
    assert_eq!(
        url,
        "{ repo }/releases/download/v{ version }/leakhound-{ target }{ archive-suffix }"
    );
    assert_eq!(
        binstall["bin-dir"].as_str(),
        Some("leakhound-{ target }/{ bin }{ binary-ext }")
    );
    assert_eq!(
        binstall["overrides"]["x86_64-pc-windows-msvc"]["pkg-fmt"].as_str(),
        Some("zip")
    );
}

#[test]
fn the_package_ships_what_it_needs_to_build() {
    let m = manifest();
    let include: Vec<&str> = m["package"]["include"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    for must in [
        "/build.rs",
        "/rules/**",
        "/src/**",
        "/Cargo.lock",
        "/LICENSE-MIT",
        "/LICENSE-APACHE",
    ] {
        assert!(include.contains(&must), "{must} not in include");
    }
    assert_eq!(m["package"]["license"].as_str(), Some("MIT OR Apache-2.0"));
    assert!(read("LICENSE-MIT").contains("Permission is hereby granted"));
    assert!(read("LICENSE-APACHE").contains("Apache License"));
    // What `cargo package` would put in the .crate (no build here: .ci/run builds it).
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = std::process::Command::new(cargo)
        .current_dir(repo())
        .args([
            "package",
            "--list",
            "--allow-dirty",
            "--offline",
            "--locked",
        ])
        .output()
        .expect("cargo runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let list = String::from_utf8_lossy(&out.stdout);
    let files: Vec<&str> = list.lines().collect();
    for must in [
        "build.rs",
        "rules/filters.toml",
        "rules/aws.toml",
        "LICENSE-MIT",
        "LICENSE-APACHE",
        "Cargo.lock",
        "hooks/pre-commit",
    ] {
        assert!(files.contains(&must), "{must} is not packaged: {files:?}");
    }
    assert!(
        !files
            .iter()
            .any(|f| f.starts_with("fixtures/") || f.starts_with("tests/")),
        "{files:?}"
    );
}

#[test]
fn release_profile_is_fast_to_build_and_stripped() {
    let m = manifest();
    let release = &m["profile"]["release"];
    assert_eq!(release["lto"].as_str(), Some("thin"));
    assert_eq!(release["strip"].as_str(), Some("symbols"));
}

#[test]
fn dockerfile_is_multi_stage_and_runs_as_non_root() {
    let text = read("Dockerfile");
    let froms: Vec<&str> = text.lines().filter(|l| l.starts_with("FROM ")).collect();
    assert!(froms.len() >= 2, "multi-stage: {froms:?}");
    assert!(froms[0].contains(" AS build"));
    assert!(text.contains("cargo build --release --locked"));
    assert!(text.contains("COPY --from=build"));
    let user = text
        .lines()
        .rfind(|l| l.starts_with("USER "))
        .expect("a USER line");
    let who = user.trim_start_matches("USER ").split(':').next().unwrap();
    assert!(who != "root" && who != "0", "{user}");
    assert!(user.contains("nonroot"), "{user}");
    let ignore = read(".dockerignore");
    assert!(ignore.lines().any(|l| l == "target/"));
}

#[test]
fn install_hints_say_locked() {
    for f in ["hooks/pre-commit", "hooks/pre-push", "src/cli/hook_cmd.rs"] {
        let text = read(f);
        assert!(text.contains("cargo install --locked leakhound"), "{f}");
        assert!(
            !text.contains("(cargo install leakhound)"),
            "{f} still says cargo install without --locked"
        );
    }
}
