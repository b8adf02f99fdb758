//! The inline allow-marker reader at every offset of arbitrary text.
#![no_main]

use leakhound::detect::allow_marker::inline_allow;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let step = (data.len() / 64).max(1);
    for offset in (0..=data.len() + 1).step_by(step) {
        let _ = inline_allow(data, offset, "0123456789abcdef0123456789abcdef");
    }
});
