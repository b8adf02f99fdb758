//! `.leakhound.toml` parsing (a config found in a scanned repository is untrusted input).
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        // `rules_files` resolve inside a folder that does not exist: they fail cleanly.
        let _ = leakhound::config::Config::parse(
            text,
            Path::new("fuzz/.leakhound.toml"),
            Path::new("/nonexistent-leakhound-fuzz"),
        );
    }
});
