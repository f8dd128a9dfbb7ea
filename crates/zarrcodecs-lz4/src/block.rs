//! The calls into liblz4 (through `lz4-sys`): the only module with `unsafe` code.

use std::mem::MaybeUninit;
use std::os::raw::{c_char, c_int};

use lz4_sys::{LZ4_compressBound, LZ4_compress_fast, LZ4_decompress_safe};
use zarrcodecs_core::{AlignedBuf, Error, Result};

/// LZ4's `LZ4_MAX_INPUT_SIZE`: the largest input one block can hold.
pub(crate) const MAX_INPUT_SIZE: usize = 0x7E00_0000;

/// LZ4's worst-case compressed size of `len` bytes; `len` is at most [`MAX_INPUT_SIZE`].
pub(crate) fn compress_bound(len: usize) -> usize {
    let n = c_int::try_from(len).unwrap_or(c_int::MAX);
    // SAFETY: LZ4_compressBound is a pure function of its argument (0 for sizes above
    // LZ4_MAX_INPUT_SIZE).
    let bound = unsafe { LZ4_compressBound(n) };
    usize::try_from(bound).unwrap_or(0)
}

/// `header` followed by one LZ4 block of `input` (at most [`MAX_INPUT_SIZE`] bytes)
/// in a new buffer, written in place: the compress-bound buffer is not zero-filled
/// first, and what LZ4 does not use is given back.
pub(crate) fn compress_new(codec: &str, header: &[u8], input: &[u8], acceleration: i32) -> Result<AlignedBuf> {
    let bound = compress_bound(input.len());
    let (Ok(src_len), Ok(dst_len)) = (c_int::try_from(input.len()), c_int::try_from(bound)) else {
        return Err(Error::unsupported_input(codec, "the input is too large for one LZ4 block"));
    };
    let capacity = header.len() + bound;
    let write = |out: &mut [MaybeUninit<u8>]| -> Result<usize> {
        for (o, &b) in out.iter_mut().zip(header) {
            o.write(b);
        }
        let body = &mut out[header.len()..];
        // SAFETY: `input` is valid for reads of `src_len` bytes and `body` (`bound`
        // bytes, possibly uninitialised: LZ4 only writes them) for writes of `dst_len`;
        // LZ4 checks the output capacity and keeps no pointer after the call. Any
        // acceleration is accepted (clamped by LZ4).
        let written = unsafe {
            LZ4_compress_fast(
                input.as_ptr().cast::<c_char>(),
                body.as_mut_ptr().cast::<c_char>(),
                src_len,
                dst_len,
                acceleration,
            )
        };
        match usize::try_from(written) {
            Ok(n) if n > 0 && n <= bound => Ok(header.len() + n),
            _ => Err(Error::library(codec, "LZ4_compress_fast failed")),
        }
    };
    // SAFETY: `write` writes the header's bytes, then LZ4 writes the block's `written`
    // bytes right after them (LZ4_compress_fast writes its output from the start of
    // `dst`, nothing past what it returns), and returns the sum: the bytes it reports
    // are written.
    unsafe { AlignedBuf::from_uninit_writer(capacity, write) }
}

/// Decompresses one LZ4 block into exactly `out`.
///
/// # Errors
/// [`Error::Corrupt`] if the block is invalid, does not fit in `out` or fills less than
/// all of it.
pub(crate) fn decompress(codec: &str, block: &[u8], out: &mut [u8]) -> Result<()> {
    let (Ok(src_len), Ok(dst_len)) = (c_int::try_from(block.len()), c_int::try_from(out.len())) else {
        return Err(Error::corrupt(codec, "the block or its declared size is larger than an LZ4 block can be"));
    };
    // SAFETY: `block` is valid for reads of `src_len` bytes and `out` for writes of
    // `dst_len` bytes; LZ4_decompress_safe never reads or writes outside them, whatever
    // the block holds, and keeps no pointer after the call.
    let written = unsafe {
        LZ4_decompress_safe(block.as_ptr().cast::<c_char>(), out.as_mut_ptr().cast::<c_char>(), src_len, dst_len)
    };
    match usize::try_from(written) {
        Ok(n) if n == out.len() => Ok(()),
        Ok(n) => Err(Error::corrupt(
            codec,
            format_args!("the block decodes to {n} bytes but its header declares {}", out.len()),
        )),
        Err(_) => Err(Error::corrupt(
            codec,
            format_args!(
                "invalid LZ4 block (error {written}, or it decodes to more than the declared {} bytes)",
                out.len()
            ),
        )),
    }
}
