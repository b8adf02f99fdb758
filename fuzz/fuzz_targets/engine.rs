//! Arbitrary bytes through the engine with every builtin rule: no panic, and every finding
//! points inside the blob.
#![no_main]

use std::sync::{Arc, OnceLock};

use leakhound::detect::Detector;
use leakhound::rules::RuleSet;
use libfuzzer_sys::fuzz_target;

fn detector() -> &'static Detector {
    static D: OnceLock<Detector> = OnceLock::new();
    D.get_or_init(|| Detector::new(Arc::new(RuleSet::builtin().unwrap())).unwrap())
}

fuzz_target!(|data: &[u8]| {
    let d = detector();
    let lines = data.iter().filter(|&&b| b == b'\n' || b == b'\r').count() + 1;
    for f in d.detect(data, "fuzz.txt", &mut d.new_scratch()) {
        assert!(f.line >= 1 && f.line <= lines && f.column >= 1);
    }
});
