//! Inflating one pack entry: a zlib stream whose inflated size the entry's header gives.
//!
//! Why libdeflate and not the streaming zlib that gix uses: a pack entry is inflated whole
//! into a buffer of known size, which is the one case libdeflate is built for, and it skips
//! the streaming state a zlib inflater keeps between calls. Inflating was a fifth of the
//! history scan's CPU time on the bench history (see `packs`).
//!
//! This module is the only place that calls into C; everything it hands libdeflate is a
//! Rust slice with its true length, and it checks every result.

use std::ffi::c_void;
use std::ptr::NonNull;

use anyhow::bail;
use libdeflate_sys::{
    libdeflate_alloc_decompressor, libdeflate_decompressor, libdeflate_free_decompressor,
    libdeflate_result_LIBDEFLATE_SUCCESS as SUCCESS, libdeflate_zlib_decompress_ex,
};

/// A libdeflate decompressor (its tables), reused for every entry a worker inflates.
pub struct Inflater {
    decompressor: NonNull<libdeflate_decompressor>,
}

impl Inflater {
    pub fn new() -> Self {
        // SAFETY: no arguments; a null result (out of memory) is handled below.
        let raw = unsafe { libdeflate_alloc_decompressor() };
        let Some(decompressor) = NonNull::new(raw) else {
            std::alloc::handle_alloc_error(std::alloc::Layout::new::<[u8; 32 << 10]>());
        };
        Inflater { decompressor }
    }

    /// Inflates the zlib stream at the start of `input`, which must inflate to exactly `size`
    /// bytes. Returns them and how many bytes of `input` the stream took; whatever follows it
    /// in `input` is not read as part of it. The buffer is not zeroed first: libdeflate
    /// writes every byte of it or the call fails (zeroing was 1.6% of a history scan).
    pub fn inflate(&mut self, input: &[u8], size: usize) -> anyhow::Result<(Vec<u8>, usize)> {
        let mut out: Vec<u8> = Vec::with_capacity(size);
        let (mut taken, mut written) = (0usize, 0usize);
        // SAFETY: `input` is a live slice passed with its own length; `out`'s spare capacity
        // is at least `size` bytes, is not aliased, and libdeflate writes at most `size`
        // bytes into it and reads at most `input.len()` bytes; the two counts are plain
        // out-parameters.
        let result = unsafe {
            libdeflate_zlib_decompress_ex(
                self.decompressor.as_ptr(),
                input.as_ptr().cast::<c_void>(),
                input.len(),
                out.spare_capacity_mut().as_mut_ptr().cast::<c_void>(),
                size,
                &mut taken,
                &mut written,
            )
        };
        if result != SUCCESS {
            bail!("corrupt zlib stream (libdeflate error {result})");
        }
        if written != size {
            bail!("zlib stream inflates to {written} bytes, the header says {size}");
        }
        // SAFETY: on success libdeflate wrote `written` bytes from the start of the spare
        // capacity, and `written == size <= capacity`.
        unsafe { out.set_len(written) };
        Ok((out, taken))
    }
}

impl Drop for Inflater {
    fn drop(&mut self) {
        // SAFETY: allocated by `libdeflate_alloc_decompressor`, freed once, here.
        unsafe { libdeflate_free_decompressor(self.decompressor.as_ptr()) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn zlib(data: &[u8]) -> Vec<u8> {
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        z.write_all(data).unwrap();
        z.finish().unwrap()
    }

    #[test]
    fn inflates_a_stream_followed_by_other_bytes() {
        let text: Vec<u8> = (0..50_000u32)
            .flat_map(|i| (i % 251).to_le_bytes())
            .collect();
        let mut input = zlib(&text);
        let stream_len = input.len();
        input.extend_from_slice(b"the next pack entry");
        let (out, taken) = Inflater::new().inflate(&input, text.len()).unwrap();
        assert_eq!(taken, stream_len);
        assert_eq!(out, text);
    }

    #[test]
    fn rejects_a_size_that_does_not_match() {
        let input = zlib(b"twelve bytes");
        let mut inflater = Inflater::new();
        for size in [11, 13] {
            let err = inflater.inflate(&input, size).unwrap_err().to_string();
            assert!(
                err.contains("zlib stream") || err.contains("header says"),
                "{err}"
            );
        }
        // And it still works after the errors.
        let (out, _) = inflater.inflate(&input, 12).unwrap();
        assert_eq!(&out, b"twelve bytes");
    }

    #[test]
    fn rejects_corrupt_and_truncated_streams() {
        let input = zlib(&[7u8; 4096]);
        let mut inflater = Inflater::new();
        assert!(inflater.inflate(&input[..input.len() / 2], 4096).is_err());
        let mut bad = input.clone();
        bad[0] ^= 0xff;
        assert!(inflater.inflate(&bad, 4096).is_err());
        assert!(inflater.inflate(&[], 4096).is_err());
    }
}
