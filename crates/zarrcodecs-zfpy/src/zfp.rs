//! The only `unsafe` of the crate: zfp's C API (zfp 1.0.1, built by `zarrcodecs-zfp-sys`).
//!
//! zfp's bit stream reader does not check the end of its buffer, so decoding never
//! hands zfp the caller's bytes: it copies them into a zero-padded buffer at least as
//! long as `zfp_stream_maximum_size` says the stream can be, after checking the header.

#![allow(unsafe_code)]

use std::ffi::c_void;
use zarrcodecs_core::{AlignedBuf, Error, Result};
use zarrcodecs_zfp_sys as sys;

use crate::ID;

/// zfp's scalar types, as stored in the header.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ZfpType {
    Int32,
    Int64,
    Float,
    Double,
}

impl ZfpType {
    fn raw(self) -> sys::zfp_type {
        match self {
            ZfpType::Int32 => sys::zfp_type_int32,
            ZfpType::Int64 => sys::zfp_type_int64,
            ZfpType::Float => sys::zfp_type_float,
            ZfpType::Double => sys::zfp_type_double,
        }
    }

    fn from_raw(t: sys::zfp_type) -> Option<Self> {
        Some(match t {
            sys::zfp_type_int32 => ZfpType::Int32,
            sys::zfp_type_int64 => ZfpType::Int64,
            sys::zfp_type_float => ZfpType::Float,
            sys::zfp_type_double => ZfpType::Double,
            _ => return None,
        })
    }

    /// Bytes per value.
    pub(crate) fn size(self) -> usize {
        match self {
            ZfpType::Int32 | ZfpType::Float => 4,
            ZfpType::Int64 | ZfpType::Double => 8,
        }
    }
}

/// How zfpy sets the stream's compression mode (its `_set_compression_mode`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Mode {
    Accuracy(f64),
    Rate(f64),
    Precision(u32),
    Reversible,
}

/// A `zfp_stream` and its bit stream, closed on drop.
struct Stream {
    zfp: *mut sys::zfp_stream,
    bits: *mut sys::bitstream,
}

impl Stream {
    /// A stream over `buf`, which must outlive it (the caller keeps it borrowed).
    fn over(buf: &mut [u8]) -> Result<Stream> {
        // SAFETY: stream_open only records the pointer and length; `buf` is valid for
        // `buf.len()` bytes and 8-byte aligned (an AlignedBuf or a [u64] array), and the
        // caller keeps it alive and unaliased while the stream exists.
        let bits = unsafe { sys::stream_open(buf.as_mut_ptr().cast::<c_void>(), buf.len()) };
        if bits.is_null() {
            return Err(Error::Allocation { size: std::mem::size_of::<usize>() * 8 });
        }
        // SAFETY: `bits` is a valid bit stream just opened; zfp_stream_open allocates.
        let zfp = unsafe { sys::zfp_stream_open(bits) };
        if zfp.is_null() {
            // SAFETY: `bits` came from stream_open and is closed once.
            unsafe { sys::stream_close(bits) };
            return Err(Error::Allocation { size: 64 });
        }
        Ok(Stream { zfp, bits })
    }
}

impl Drop for Stream {
    fn drop(&mut self) {
        // SAFETY: both pointers came from zfp_stream_open / stream_open, are non-null
        // and are released exactly once, here.
        unsafe {
            sys::zfp_stream_close(self.zfp);
            sys::stream_close(self.bits);
        }
    }
}

/// A `zfp_field`, freed on drop (zfp never owns the data it points to).
struct Field(*mut sys::zfp_field);

impl Drop for Field {
    fn drop(&mut self) {
        // SAFETY: the pointer came from zfp_field_alloc / zfp_field_Nd and is freed once;
        // zfp_field_free does not free the array the field points to.
        unsafe { sys::zfp_field_free(self.0) };
    }
}

fn field_nd(data: *mut c_void, ztype: ZfpType, dims: &[usize]) -> Result<Field> {
    // SAFETY: these only allocate a zfp_field recording the pointer, type and sizes;
    // nothing is read through `data` until zfp_compress, whose caller guarantees it.
    let f = unsafe {
        match *dims {
            [nx] => sys::zfp_field_1d(data, ztype.raw(), nx),
            [nx, ny] => sys::zfp_field_2d(data, ztype.raw(), nx, ny),
            [nx, ny, nz] => sys::zfp_field_3d(data, ztype.raw(), nx, ny, nz),
            [nx, ny, nz, nw] => sys::zfp_field_4d(data, ztype.raw(), nx, ny, nz, nw),
            _ => return Err(Error::unsupported_input(ID, "zfp takes 1 to 4 dimensions")),
        }
    };
    if f.is_null() {
        return Err(Error::Allocation { size: std::mem::size_of::<sys::zfp_field>() });
    }
    Ok(Field(f))
}

fn set_mode(zfp: *mut sys::zfp_stream, mode: Mode, dims: u32) {
    // SAFETY: `zfp` is a live stream; these functions only set its parameters.
    unsafe {
        match mode {
            Mode::Accuracy(tolerance) => {
                sys::zfp_stream_set_accuracy(zfp, tolerance);
            }
            // zfpy passes zfp_type_none and no alignment, so we do too.
            Mode::Rate(rate) => {
                sys::zfp_stream_set_rate(zfp, rate, sys::zfp_type_none, dims, 0);
            }
            Mode::Precision(precision) => {
                sys::zfp_stream_set_precision(zfp, precision);
            }
            Mode::Reversible => sys::zfp_stream_set_reversible(zfp),
        }
    }
}

/// Refuses a fixed rate that gives a float block fewer bits than its exponent takes.
/// zfpy sets the rate with `zfp_type_none`, so zfp does not raise such a rate to the
/// type's minimum (1 + 8 bits for f4, 1 + 11 for f8 per block of 4^dims values); the
/// encoder still writes the exponent of every block and runs past the buffer that
/// `zfp_stream_maximum_size` sized (a heap overflow in C, in Python's zfpy too: found by
/// the fuzzer with `{"mode": 2, "rate": 0}`).
fn check_rate(mode: Mode, ztype: ZfpType, dims: usize) -> Result<()> {
    let Mode::Rate(rate) = mode else { return Ok(()) };
    let min_bits = match ztype {
        ZfpType::Float => 1 + 8,
        ZfpType::Double => 1 + 11,
        ZfpType::Int32 | ZfpType::Int64 => return Ok(()),
    };
    let values_per_block = f64::from(1u32 << (2 * dims.min(4)));
    // zfp's own rounding: bits = floor(n * rate + 0.5).
    let bits = (values_per_block * rate + 0.5).floor();
    if bits < f64::from(min_bits) {
        return Err(Error::unsupported_input(
            ID,
            format_args!(
                "rate {rate} gives {bits} bits per block of {values_per_block} values, fewer than the {min_bits} \
                 bits zfp writes for each block's exponent (zfp would write past its buffer)"
            ),
        ));
    }
    Ok(())
}

/// Compresses `values` (native-order values of `ztype`, aligned for it, C order with
/// numpy shape `shape`) with zfp's full header, as zfpy's `compress_numpy` does.
pub(crate) fn compress(values: &[u8], ztype: ZfpType, shape: &[usize], mode: Mode) -> Result<AlignedBuf> {
    let count: usize = shape.iter().product();
    if values.len() != count * ztype.size() || values.as_ptr().align_offset(ztype.size()) != 0 {
        return Err(Error::library(ID, "input buffer does not match its shape or is misaligned"));
    }
    check_rate(mode, ztype, shape.len())?;
    // zfp's x is numpy's last axis.
    let dims: Vec<usize> = shape.iter().rev().copied().collect();
    // 1 to 4: field_nd refuses anything else.
    let rank = u32::try_from(dims.len()).unwrap_or(0);
    // zfp_compress only reads through the field's pointer; the cast to *mut is what
    // its C signature needs.
    let field = field_nd(values.as_ptr().cast_mut().cast::<c_void>(), ztype, &dims)?;
    let mut probe = [0u64; 1];
    let sizing = Stream::over(bytemuck::cast_slice_mut(&mut probe))?;
    set_mode(sizing.zfp, mode, rank);
    // SAFETY: a live stream and field.
    let max = unsafe { sys::zfp_stream_maximum_size(sizing.zfp, field.0) };
    drop(sizing);
    if max == 0 {
        return Err(Error::unsupported_input(ID, "zfp cannot size a stream for this array"));
    }
    // Not zero-filled (memset was 18 % of an accuracy-mode encode of 8 MiB): zfp's
    // bit stream only writes, word by word, and every word up to the size it returns.
    let mut out = AlignedBuf::for_overwrite(max)?;
    let written = {
        let stream = Stream::over(out.as_mut_slice())?;
        set_mode(stream.zfp, mode, rank);
        // SAFETY: a live stream over `out` (max bytes, what zfp says the header and
        // data can take) and a field over `values`, valid for count values of ztype,
        // aligned, and alive for the whole call.
        unsafe {
            sys::zfp_stream_rewind(stream.zfp);
            if sys::zfp_write_header(stream.zfp, field.0, sys::ZFP_HEADER_FULL) == 0 {
                return Err(Error::unsupported_input(
                    ID,
                    format_args!("shape {shape:?} does not fit zfp's header (1-D: 2^32 values, 2-D: 2^24 per axis, 3-D: 2^16, 4-D: 2^12)"),
                ));
            }
            sys::zfp_compress(stream.zfp, field.0)
        }
    };
    if written == 0 || written > max {
        return Err(Error::library(ID, "zfp_compress failed"));
    }
    out.truncate(written);
    Ok(out)
}

/// What zfp's full header says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Header {
    pub(crate) ztype: ZfpType,
    /// numpy's shape (zfp's sizes reversed).
    pub(crate) shape: Vec<usize>,
    /// Decoded size in bytes.
    pub(crate) nbytes: usize,
}

/// The stream limits a header sets, for the size checks.
struct Params {
    header_bits: usize,
    minbits: u32,
    blocks: usize,
    maximum_size: usize,
}

/// Reads the header (from a padded copy of the input's start) without allocating more
/// than a few words.
fn read_header(input: &[u8]) -> Result<(Header, Params)> {
    // The full header is at most 148 bits; zfp reads whole 64-bit words.
    let mut words = [0u64; 4];
    let n = input.len().min(24);
    bytemuck::cast_slice_mut::<u64, u8>(&mut words)[..n].copy_from_slice(&input[..n]);
    let stream = Stream::over(bytemuck::cast_slice_mut(&mut words))?;
    // SAFETY: zfp_field_alloc allocates an empty field.
    let field = Field(unsafe { sys::zfp_field_alloc() });
    if field.0.is_null() {
        return Err(Error::Allocation { size: std::mem::size_of::<sys::zfp_field>() });
    }
    // SAFETY: a live stream over 32 readable bytes (the header needs at most 19, and
    // zfp reads at most 3 words for it) and a live field.
    let header_bits = unsafe { sys::zfp_read_header(stream.zfp, field.0, sys::ZFP_HEADER_FULL) };
    if header_bits == 0 {
        return Err(Error::corrupt(ID, "not a zfp stream with a full header (magic, zfp 1.0 codec 5, metadata, mode)"));
    }
    if header_bits > input.len().saturating_mul(8) {
        return Err(Error::corrupt(ID, "the input ends inside the zfp header"));
    }
    // SAFETY: `field.0` is a live field zfp_read_header filled in.
    let f = unsafe { *field.0 };
    let ztype = ZfpType::from_raw(f.type_).ok_or_else(|| Error::corrupt(ID, "unknown zfp scalar type"))?;
    let shape: Vec<usize> = [f.nw, f.nz, f.ny, f.nx].into_iter().filter(|&n| n > 0).collect();
    let nbytes = shape
        .iter()
        .try_fold(ztype.size(), |acc, &d| acc.checked_mul(d))
        .ok_or_else(|| Error::corrupt(ID, format_args!("the header's shape {shape:?} overflows")))?;
    let (mut minbits, mut maxbits, mut maxprec, mut minexp) = (0u32, 0u32, 0u32, 0i32);
    // SAFETY: a live stream and four valid out-pointers; a live field.
    let (blocks, maximum_size) = unsafe {
        sys::zfp_stream_params(stream.zfp, &mut minbits, &mut maxbits, &mut maxprec, &mut minexp);
        (sys::zfp_field_blocks(field.0), sys::zfp_stream_maximum_size(stream.zfp, field.0))
    };
    // A float block's exponent takes 1 + 8 (f4) or 1 + 11 (f8) bits whatever the
    // budget: with `maxbits` below that, zfp's decoder computes the budget left for
    // the block as `maxbits - ebits` in unsigned arithmetic, which wraps, and reads on
    // past any buffer (a heap over-read found by the fuzzer). zfp never writes such a
    // stream without overflowing its own buffer (see `check_rate`), so it is corrupt.
    let ebits = match ztype {
        ZfpType::Float => 1 + 8,
        ZfpType::Double => 1 + 11,
        ZfpType::Int32 | ZfpType::Int64 => 0,
    };
    if maxbits < ebits {
        return Err(Error::corrupt(
            ID,
            format_args!("the header's {maxbits} bits per block are fewer than a block's exponent takes ({ebits})"),
        ));
    }
    Ok((Header { ztype, shape, nbytes }, Params { header_bits, minbits, blocks, maximum_size }))
}

/// Reads the header of a zfpy buffer.
pub(crate) fn header(input: &[u8]) -> Result<Header> {
    read_header(input).map(|(h, _)| h)
}

/// Decompresses `input` (a full-header zfp stream) into `out`, which must hold exactly
/// `header.nbytes` bytes and be aligned for the header's type.
pub(crate) fn decompress(input: &[u8], out: &mut [u8], limit_checked: &Header) -> Result<()> {
    let (header, params) = read_header(input)?;
    if header != *limit_checked || out.len() != header.nbytes || out.as_ptr().align_offset(header.ztype.size()) != 0 {
        return Err(Error::library(ID, "output buffer does not match the header"));
    }
    // Every block takes at least `minbits` bits: a shorter input is truncated (this
    // also bounds the padded copy below by the input's size).
    let needed = (params.header_bits as u128) + (params.blocks as u128) * u128::from(params.minbits);
    if needed > (input.len() as u128) * 8 {
        return Err(Error::corrupt(ID, "the input is shorter than its header's blocks need"));
    }
    if params.maximum_size == 0 {
        return Err(Error::corrupt(ID, "zfp cannot size a stream with this header"));
    }
    // zfp reads whole words, one past the last bit it needs: pad by two words.
    let padded = params.maximum_size.max(input.len()).checked_add(16).ok_or(Error::Allocation { size: usize::MAX })?;
    // Only the input and the two words after it need known bytes: a stream that
    // reads further is truncated, an error whatever it reads there (its read position
    // only grows), so the rest of the room is not zero-filled (it was 6 % of an 8 MiB
    // decode of sparse data in `perf`).
    let mut buf = AlignedBuf::for_overwrite(padded)?;
    buf.as_mut_slice()[..input.len()].copy_from_slice(input);
    buf.as_mut_slice()[input.len()..input.len() + 16].fill(0);
    let stream = Stream::over(buf.as_mut_slice())?;
    // SAFETY: zfp_field_alloc allocates an empty field.
    let field = Field(unsafe { sys::zfp_field_alloc() });
    if field.0.is_null() {
        return Err(Error::Allocation { size: std::mem::size_of::<sys::zfp_field>() });
    }
    // SAFETY: a live stream over `buf`, which holds the whole input and is at least
    // zfp_stream_maximum_size bytes (the most any stream with this header can take,
    // plus two words), so no read leaves it; `out` is exactly the field's size, aligned
    // for its type, and outlives the call.
    let consumed = unsafe {
        if sys::zfp_read_header(stream.zfp, field.0, sys::ZFP_HEADER_FULL) == 0 {
            return Err(Error::corrupt(ID, "bad zfp header"));
        }
        sys::zfp_field_set_pointer(field.0, out.as_mut_ptr().cast::<c_void>());
        sys::zfp_decompress(stream.zfp, field.0)
    };
    if consumed == 0 {
        return Err(Error::corrupt(ID, "zfp_decompress failed"));
    }
    // zfp reads and writes whole 64-bit words (zfpy's output is a multiple of 8 bytes):
    // a word read past the input's end means the input was cut.
    if consumed > input.len() {
        return Err(Error::corrupt(ID, "the zfp stream is truncated"));
    }
    Ok(())
}
