//! The decoders of `detect::decode`: candidate tokens in arbitrary bytes, and each decoded.
#![no_main]

use leakhound::detect::decode::{candidates, decode};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut found = Vec::new();
    candidates(data, &mut found);
    for c in &found {
        assert!(c.range.start <= c.range.end && c.range.end <= data.len());
        let _ = decode(c.encoding, &data[c.range.clone()]);
    }
});
