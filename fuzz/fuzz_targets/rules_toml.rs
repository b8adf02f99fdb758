//! Rule files (`rules/*.toml`, `--rules FILE`): parsing and compiling their regexes.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = leakhound::rules::load_rule_text(text, "fuzz.toml");
    }
});
