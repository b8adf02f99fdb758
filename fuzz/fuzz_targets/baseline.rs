//! Baseline files (`--baseline FILE`) parsing.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = leakhound::suppress::baseline::Baseline::parse(text, Path::new("baseline.json"));
    }
});
