//! zstd's output written straight into memory that is not zero-filled first.
//!
//! The one place of this crate with `unsafe` code: zstd-safe's [`WriteBuf`] is an
//! `unsafe` trait, and [`AlignedBuf::from_uninit_writer`] an `unsafe` constructor.
//! Zero-filling a compress bound or a decoded size before zstd overwrites it cost up to
//! a fifth of an 8 MiB level-1 encode (`perf`: glibc's `calloc` clearing reused heap
//! memory), which numcodecs does not pay.
#![allow(unsafe_code)]

use std::mem::MaybeUninit;

use zarrcodecs_core::{AlignedBuf, Result};
use zstd_safe::WriteBuf;

/// A slice of possibly uninitialised memory that zstd writes from the start, and how
/// much of it zstd reported written.
pub(crate) struct UninitOut<'a> {
    buf: &'a mut [MaybeUninit<u8>],
    filled: usize,
}

// SAFETY: `as_slice` covers only the first `filled` bytes, which `filled_until`'s
// contract says were written; `capacity` and `as_mut_ptr` describe `buf`, memory valid
// for writes of `capacity` bytes for as long as `self` is borrowed.
unsafe impl WriteBuf for UninitOut<'_> {
    fn as_slice(&self) -> &[u8] {
        // SAFETY: the first `filled` bytes (at most `buf.len()`) are initialised
        // (`filled_until`'s contract), and `u8` has the layout of `MaybeUninit<u8>`.
        unsafe { std::slice::from_raw_parts(self.buf.as_ptr().cast(), self.filled) }
    }

    fn capacity(&self) -> usize {
        self.buf.len()
    }

    fn as_mut_ptr(&mut self) -> *mut u8 {
        self.buf.as_mut_ptr().cast()
    }

    unsafe fn filled_until(&mut self, n: usize) {
        self.filled = n.min(self.buf.len());
    }
}

/// A buffer of at most `capacity` bytes, of which `write` fills the first `n` through
/// zstd (`n` is what it returns: zstd's count of bytes written, which must be what it
/// reported to the [`UninitOut`]).
pub(crate) fn write_new(
    capacity: usize,
    write: impl FnOnce(&mut UninitOut<'_>) -> Result<usize>,
) -> Result<AlignedBuf> {
    // SAFETY: the writer returns the bytes zstd reported through `filled_until`, which
    // it wrote from the start of `out` (WriteBuf's contract for zstd-safe's writing
    // calls); `min` keeps the count within what was filled even if they disagreed.
    unsafe {
        AlignedBuf::from_uninit_writer(capacity, |buf| {
            let mut out = UninitOut { buf, filled: 0 };
            let n = write(&mut out)?;
            Ok(n.min(out.filled))
        })
    }
}
