//! The layer table of `src/lib.rs`, enforced: every `crate::` path in `src/` must point down
//! the table (or stay inside its own module), only the command line may use clap, and the
//! engine never touches the filesystem, git or the network.
//!
//! The checker reads the source as text. It is deliberately simple (paths, not name
//! resolution), so the code it guards keeps its imports simple too: `use crate::x::...` and
//! `crate::x::...` paths, no glob re-exports that hide where a name comes from.

use std::path::{Path, PathBuf};

/// Bottom first. A module may use modules of lower layers only. Layer 0 holds leaf helpers
/// that use no other module of the crate.
const LAYERS: &[&[&str]] = &[
    &["encoding", "time", "fake"],
    &["rules"],
    &["findings"],
    &["detect"],
    &["sources"],
    &["suppress"],
    &["verify"],
    &["report"],
    &["config"],
    &["pipeline", "scanner"],
    &["cli"],
];

/// Which crates each module may not name at all (the engine and the plain data stay pure).
const FORBIDDEN: &[(&str, &[&str])] = &[
    (
        "rules",
        &["std::fs::write", "gix", "ureq", "std::net", "clap"],
    ),
    ("findings", &["std::fs", "gix", "ureq", "std::net", "clap"]),
    (
        "detect",
        &["std::fs", "gix", "ureq", "std::net", "clap", "ignore::"],
    ),
    ("sources", &["ureq", "std::net", "clap"]),
    ("suppress", &["ureq", "std::net", "clap"]),
    ("verify", &["gix", "clap"]),
    ("report", &["ureq", "clap"]),
    ("config", &["ureq", "clap"]),
    ("pipeline", &["clap"]),
    ("scanner", &["clap", "ureq"]),
];

fn layer_of(module: &str) -> Option<usize> {
    LAYERS.iter().position(|l| l.contains(&module))
}

/// The top-level module a file of `src/` belongs to (`src/detect/link.rs` → `detect`).
fn module_of(rel: &Path) -> Option<String> {
    let first = rel.components().next()?.as_os_str().to_str()?;
    let name = first.strip_suffix(".rs").unwrap_or(first);
    (name != "lib" && name != "main").then(|| name.to_string())
}

/// The modules a source text names through `crate::`, with their line numbers. Comments are
/// skipped (a doc link is not a dependency).
fn crate_paths(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let code = line.trim_start();
        if code.starts_with("//") {
            continue;
        }
        let code = code.split(" //").next().unwrap_or(code);
        let mut rest = code;
        while let Some(i) = rest.find("crate::") {
            let after = &rest[i + "crate::".len()..];
            if let Some(group) = after.strip_prefix('{') {
                let inner = group.split('}').next().unwrap_or("");
                for item in inner.split(',') {
                    let name: String = item
                        .trim()
                        .chars()
                        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                        .collect();
                    if !name.is_empty() {
                        out.push((n + 1, name));
                    }
                }
            } else {
                let name: String = after
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                if !name.is_empty() {
                    out.push((n + 1, name));
                }
            }
            rest = after;
        }
    }
    out
}

/// Every rule the table sets that `files` (paths relative to `src/`, and texts) break.
fn violations(files: &[(PathBuf, String)]) -> Vec<String> {
    let mut out = Vec::new();
    for (rel, text) in files {
        let Some(module) = module_of(rel) else {
            continue;
        };
        let Some(layer) = layer_of(&module) else {
            out.push(format!(
                "src/{}: module `{module}` is not in the layer table of tests/architecture.rs (and src/lib.rs)",
                rel.display()
            ));
            continue;
        };
        for (line, target) in crate_paths(text) {
            if target == module {
                continue;
            }
            match layer_of(&target) {
                Some(t) if t < layer && layer > 0 => {}
                Some(_) => out.push(format!(
                    "src/{}:{line}: `{module}` uses `{target}`, which is not below it in the layer table",
                    rel.display()
                )),
                None => {}
            }
        }
        let code: String = text
            .lines()
            .filter(|l| !l.trim_start().starts_with("//"))
            .collect::<Vec<_>>()
            .join("\n");
        for (m, words) in FORBIDDEN {
            if *m != module {
                continue;
            }
            for w in *words {
                let named = code.match_indices(w).any(|(i, _)| {
                    i == 0
                        || !code.as_bytes()[i - 1].is_ascii_alphanumeric()
                            && code.as_bytes()[i - 1] != b'_'
                });
                if named {
                    out.push(format!(
                        "src/{}: `{module}` must not use `{w}`",
                        rel.display()
                    ));
                }
            }
        }
    }
    out
}

fn source_files(dir: &Path, base: &Path, out: &mut Vec<(PathBuf, String)>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("directory entry").path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            source_files(&path, base, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let text = std::fs::read_to_string(&path).expect("source is UTF-8");
            out.push((path.strip_prefix(base).unwrap().to_path_buf(), text));
        }
    }
}

#[test]
fn src_follows_the_layer_table() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    source_files(&src, &src, &mut files);
    assert!(files.len() > 30, "read {} files", files.len());
    let found = violations(&files);
    assert!(found.is_empty(), "layer violations:\n{}", found.join("\n"));
}

#[test]
fn lib_rs_documents_the_same_table() {
    let lib = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("src/lib.rs"))
        .expect("src/lib.rs");
    for layer in LAYERS {
        for module in *layer {
            assert!(
                lib.contains(&format!("`{module}`")),
                "src/lib.rs does not name `{module}` in its layer table"
            );
        }
    }
}

#[cfg(test)]
mod checker {
    use super::*;

    fn check(path: &str, text: &str) -> Vec<String> {
        violations(&[(PathBuf::from(path), text.to_string())])
    }

    #[test]
    fn flags_an_upward_import() {
        let found = check("detect/mod.rs", "use crate::report::Format;\n");
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].contains("`detect` uses `report`"), "{found:?}");
    }

    #[test]
    fn flags_a_sideways_import_between_leaf_helpers() {
        assert_eq!(check("time.rs", "use crate::encoding::hex;\n").len(), 1);
    }

    #[test]
    fn flags_upward_paths_inside_expressions_and_groups() {
        assert_eq!(
            check("findings/mod.rs", "let v = crate::verify::Client::new();\n").len(),
            1
        );
        assert_eq!(
            check("rules/mod.rs", "use crate::{findings, detect};\n").len(),
            2
        );
    }

    #[test]
    fn accepts_downward_and_own_module_paths() {
        let text =
            "use crate::rules::RuleSet;\nuse crate::findings::Finding;\nuse crate::detect::x;\n";
        assert!(check("detect/link.rs", text).is_empty());
        assert!(check("cli/mod.rs", "use crate::pipeline::finish;\n").is_empty());
    }

    #[test]
    fn ignores_comments_and_doc_links() {
        assert!(check(
            "findings/mod.rs",
            "/// see `crate::verify::Client`\n// crate::cli\n"
        )
        .is_empty());
    }

    #[test]
    fn flags_clap_outside_the_cli_and_io_in_the_engine() {
        assert_eq!(
            check("report/mod.rs", "#[derive(clap::ValueEnum)]\n").len(),
            1
        );
        assert_eq!(
            check("detect/mod.rs", "let t = std::fs::read(p);\n").len(),
            1
        );
        assert!(check("cli/args.rs", "use clap::Parser;\n").is_empty());
    }

    #[test]
    fn flags_a_module_missing_from_the_table() {
        assert_eq!(check("utils.rs", "").len(), 1);
    }
}
