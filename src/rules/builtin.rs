//! The rule files embedded at build time (`build.rs` collects `rules/*.toml`).

include!(concat!(env!("OUT_DIR"), "/builtin_rules.rs"));
