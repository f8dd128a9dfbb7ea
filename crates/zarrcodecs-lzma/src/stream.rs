//! A safe wrapper around liblzma's `lzma_stream` and filter chains: the only module
//! with `unsafe` code.

use std::cell::RefCell;
use std::os::raw::c_void;

use liblzma_sys as lz;
use zarrcodecs_core::{AlignedBuf, DecodeSink, Error, Result};

/// `LZMA_FILTER_DELTA`.
pub(crate) const FILTER_DELTA: u64 = lz::LZMA_FILTER_DELTA;

/// liblzma's `lzma_options_delta` (not in liblzma-sys's hand-written bindings), as
/// declared in `lzma/delta.h`.
#[repr(C)]
struct OptionsDelta {
    /// `LZMA_DELTA_TYPE_BYTE` (0), the only type.
    kind: u32,
    dist: u32,
    reserved_int1: u32,
    reserved_int2: u32,
    reserved_int3: u32,
    reserved_int4: u32,
    reserved_ptr1: *mut c_void,
    reserved_ptr2: *mut c_void,
}

/// The options of one LZMA1 or LZMA2 filter, as Python's `lzma` module reads a filter
/// specifier: the preset's values, then each option given overrides its field.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct LzmaOptions {
    pub(crate) preset: u32,
    pub(crate) dict_size: Option<u32>,
    pub(crate) lc: Option<u32>,
    pub(crate) lp: Option<u32>,
    pub(crate) pb: Option<u32>,
    pub(crate) mode: Option<u32>,
    pub(crate) nice_len: Option<u32>,
    pub(crate) mf: Option<u32>,
    pub(crate) depth: Option<u32>,
}

/// One filter of a chain, in safe form.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Filter {
    /// `FILTER_LZMA1` or `FILTER_LZMA2` (the id) with its options.
    Lzma(u64, LzmaOptions),
    /// `FILTER_DELTA` with its distance.
    Delta(u32),
    /// A branch/call/jump filter (x86, PowerPC, IA-64, ARM, ARM-Thumb, SPARC): the id
    /// and the start offset.
    Bcj(u64, u32),
}

/// The options of one filter, owned at a fixed heap address for liblzma to read.
enum Owned {
    Lzma(Box<lz::lzma_options_lzma>),
    Delta(Box<OptionsDelta>),
    Bcj(Box<lz::lzma_options_bcj>),
}

/// A filter chain in liblzma's form: the `lzma_filter` array (terminated by
/// `LZMA_VLI_UNKNOWN`) points into `_owned`, which lives as long as it.
pub(crate) struct Chain {
    _owned: Vec<Owned>,
    filters: Vec<lz::lzma_filter>,
    /// What liblzma's encoder needs for the chain, in bytes (checked when built).
    encoder_memusage: u64,
}

/// `lzma_options_lzma` from a preset (`None` if liblzma rejects the preset).
fn lzma_preset(preset: u32) -> Option<Box<lz::lzma_options_lzma>> {
    // SAFETY: lzma_options_lzma is a C struct of integers, enums (integers) and
    // pointers, for all of which zero is a valid value.
    let mut options: Box<lz::lzma_options_lzma> = Box::new(unsafe { std::mem::zeroed() });
    // SAFETY: `options` points to a valid, writable lzma_options_lzma.
    let failed = unsafe { lz::lzma_lzma_preset(options.as_mut(), preset) };
    (failed == 0).then_some(options)
}

impl Chain {
    /// Builds the chain; an error names what liblzma refused.
    pub(crate) fn new(filters: &[Filter]) -> std::result::Result<Self, String> {
        let mut owned = Vec::with_capacity(filters.len());
        for f in filters {
            owned.push(match *f {
                Filter::Lzma(_, o) => {
                    let mut options =
                        lzma_preset(o.preset).ok_or_else(|| format!("invalid compression preset: {}", o.preset))?;
                    let set = |field: &mut u32, value: Option<u32>| {
                        if let Some(v) = value {
                            *field = v;
                        }
                    };
                    set(&mut options.dict_size, o.dict_size);
                    set(&mut options.lc, o.lc);
                    set(&mut options.lp, o.lp);
                    set(&mut options.pb, o.pb);
                    set(&mut options.mode, o.mode);
                    set(&mut options.nice_len, o.nice_len);
                    set(&mut options.mf, o.mf);
                    set(&mut options.depth, o.depth);
                    Owned::Lzma(options)
                }
                Filter::Delta(dist) => Owned::Delta(Box::new(OptionsDelta {
                    kind: 0,
                    dist,
                    reserved_int1: 0,
                    reserved_int2: 0,
                    reserved_int3: 0,
                    reserved_int4: 0,
                    reserved_ptr1: std::ptr::null_mut(),
                    reserved_ptr2: std::ptr::null_mut(),
                })),
                Filter::Bcj(_, start_offset) => Owned::Bcj(Box::new(lz::lzma_options_bcj { start_offset })),
            });
        }
        let mut list: Vec<lz::lzma_filter> = filters
            .iter()
            .zip(owned.iter_mut())
            .map(|(f, o)| {
                let id = match *f {
                    Filter::Lzma(id, _) | Filter::Bcj(id, _) => id,
                    Filter::Delta(_) => FILTER_DELTA,
                };
                let options: *mut c_void = match o {
                    Owned::Lzma(b) => std::ptr::from_mut(b.as_mut()).cast(),
                    Owned::Delta(b) => std::ptr::from_mut(b.as_mut()).cast(),
                    Owned::Bcj(b) => std::ptr::from_mut(b.as_mut()).cast(),
                };
                lz::lzma_filter { id, options }
            })
            .collect();
        list.push(lz::lzma_filter { id: lz::LZMA_VLI_UNKNOWN, options: std::ptr::null_mut() });
        // SAFETY: `list` is a terminated array whose options point to live structs of
        // the types their ids call for (kept alive in `owned`); liblzma only reads them.
        let usage = unsafe { lz::lzma_raw_encoder_memusage(list.as_ptr()) };
        if usage == u64::MAX {
            return Err("liblzma rejects this filter chain or its options".into());
        }
        Ok(Chain { _owned: owned, filters: list, encoder_memusage: usage })
    }

    /// What liblzma's encoder needs for this chain, in bytes.
    pub(crate) fn encoder_memusage(&self) -> u64 {
        self.encoder_memusage
    }

    /// The single filter's LZMA options, for the `.lzma` (alone) encoder.
    fn first_lzma_options(&self) -> *const lz::lzma_options_lzma {
        self.filters[0].options.cast_const().cast()
    }
}

/// How to encode.
pub(crate) enum Encoder<'a> {
    /// `.xz` from a preset (`lzma_easy_encoder`).
    XzPreset { preset: u32, check: u32 },
    /// `.xz` with a filter chain (`lzma_stream_encoder`).
    XzChain { chain: &'a Chain, check: u32 },
    /// `.lzma` from a preset.
    AlonePreset(u32),
    /// `.lzma` from a chain of one LZMA1 filter.
    AloneChain(&'a Chain),
    /// Raw (`lzma_raw_encoder`).
    Raw(&'a Chain),
}

impl Encoder<'_> {
    /// What liblzma's encoder needs, in bytes, as liblzma estimates it (`u64::MAX` for
    /// a preset it does not know, which then fails to initialise).
    fn memusage(&self) -> u64 {
        match *self {
            Encoder::XzPreset { preset, .. } | Encoder::AlonePreset(preset) => {
                preset_encoder_memusage(preset).unwrap_or(u64::MAX)
            }
            Encoder::XzChain { chain, .. } | Encoder::AloneChain(chain) | Encoder::Raw(chain) => {
                chain.encoder_memusage()
            }
        }
    }
}

/// How to decode.
#[derive(Clone, Copy)]
pub(crate) enum Decoder<'a> {
    /// `.xz` or `.lzma`, whichever the input is (`lzma_auto_decoder`).
    Auto,
    /// `.xz` (`lzma_stream_decoder`).
    Xz,
    /// `.lzma` (`lzma_alone_decoder`).
    Alone,
    /// Raw with this chain.
    Raw(&'a Chain),
}

/// An initialised `lzma_stream`, ended on drop.
struct Stream {
    strm: Box<lz::lzma_stream>,
}

fn message(rc: lz::lzma_ret) -> &'static str {
    match rc {
        lz::LZMA_MEM_ERROR => "cannot allocate memory",
        lz::LZMA_MEMLIMIT_ERROR => "memory usage limit reached",
        lz::LZMA_FORMAT_ERROR => "input format not recognized",
        lz::LZMA_OPTIONS_ERROR => "invalid or unsupported options",
        lz::LZMA_DATA_ERROR => "corrupt input data",
        lz::LZMA_BUF_ERROR => "compressed data ended before the end-of-stream marker was reached",
        lz::LZMA_UNSUPPORTED_CHECK => "unsupported integrity check",
        _ => "internal error",
    }
}

impl Stream {
    /// A stream initialised by `init`, which gets a zeroed (`LZMA_STREAM_INIT`) stream.
    fn new(codec: &'static str, init: impl FnOnce(*mut lz::lzma_stream) -> lz::lzma_ret) -> Result<Self> {
        let mut stream = Stream::zeroed();
        stream.init(codec, init)?;
        Ok(stream)
    }

    /// A zeroed (`LZMA_STREAM_INIT`) stream, not yet initialised.
    fn zeroed() -> Self {
        // SAFETY: lzma_stream is a C struct of integers, enums and pointers; all zeros is
        // LZMA_STREAM_INIT.
        Stream { strm: Box::new(unsafe { std::mem::zeroed() }) }
    }

    /// Initialises this stream (zeroed, or used before: liblzma then reuses the memory
    /// it allocated, where the new coder can) with `init`.
    fn init(&mut self, codec: &'static str, init: impl FnOnce(*mut lz::lzma_stream) -> lz::lzma_ret) -> Result<()> {
        match init(self.strm.as_mut()) {
            lz::LZMA_OK => Ok(()),
            lz::LZMA_MEM_ERROR => Err(Error::Allocation { size: 0 }),
            rc @ (lz::LZMA_OPTIONS_ERROR | lz::LZMA_UNSUPPORTED_CHECK) => {
                Err(Error::invalid_config(codec, message(rc)))
            }
            rc => Err(Error::library(codec, format_args!("initialisation failed: {}", message(rc)))),
        }
    }

    /// A new stream initialised as an encoder.
    fn encoder(codec: &'static str, how: &Encoder<'_>) -> Result<Self> {
        let mut stream = Stream::zeroed();
        stream.start_encoder(codec, how)?;
        Ok(stream)
    }

    /// (Re)initialises this stream as an encoder.
    fn start_encoder(&mut self, codec: &'static str, how: &Encoder<'_>) -> Result<()> {
        // In every arm: `s` is a valid lzma_stream, zeroed or used before; option
        // structs and chains (terminated arrays of live options, see `Chain`) outlive
        // the call and are only read by liblzma, which copies what it needs during
        // initialisation.
        match *how {
            Encoder::XzPreset { preset, check } => self.init(codec, |s| {
                // SAFETY: see above.
                unsafe { lz::lzma_easy_encoder(s, preset, check) }
            }),
            Encoder::XzChain { chain, check } => self.init(codec, |s| {
                // SAFETY: see above.
                unsafe { lz::lzma_stream_encoder(s, chain.filters.as_ptr(), check) }
            }),
            Encoder::AlonePreset(preset) => {
                let options = lzma_preset(preset)
                    .ok_or_else(|| Error::invalid_config(codec, format_args!("invalid preset {preset}")))?;
                self.init(codec, |s| {
                    // SAFETY: see above.
                    unsafe { lz::lzma_alone_encoder(s, options.as_ref()) }
                })
            }
            Encoder::AloneChain(chain) => self.init(codec, |s| {
                // SAFETY: see above; the chain's single filter is LZMA1 (checked when the
                // codec was built), so its options are an lzma_options_lzma.
                unsafe { lz::lzma_alone_encoder(s, chain.first_lzma_options()) }
            }),
            Encoder::Raw(chain) => self.init(codec, |s| {
                // SAFETY: see above.
                unsafe { lz::lzma_raw_encoder(s, chain.filters.as_ptr()) }
            }),
        }
    }

    /// A decoder whose memory use (mostly the dictionary the stream's header asks for)
    /// may not pass `memlimit` bytes: liblzma allocates the dictionary before it
    /// decodes anything, so a 20-byte `.lzma` header asking for a 4 GiB dictionary
    /// would otherwise cost a 4 GiB allocation (found by the fuzzer). Python's
    /// `lzma.decompress` sets no limit; ours is the larger of the decoded-size limit
    /// and [`MEMLIMIT_FLOOR`]. Raw chains come from the codec's own configuration, not
    /// the input.
    ///
    /// `flags` are liblzma's decoder flags for `.xz` (`LZMA_IGNORE_CHECK` or 0).
    fn decoder(codec: &'static str, how: Decoder<'_>, memlimit: u64, flags: u32) -> Result<Self> {
        // In every arm: `s` is a valid zeroed lzma_stream; the chain is a terminated
        // array of live options, only read.
        match how {
            Decoder::Auto => Self::new(codec, |s| {
                // SAFETY: see above.
                unsafe { lz::lzma_auto_decoder(s, memlimit, flags) }
            }),
            Decoder::Xz => Self::new(codec, |s| {
                // SAFETY: see above.
                unsafe { lz::lzma_stream_decoder(s, memlimit, flags) }
            }),
            Decoder::Alone => Self::new(codec, |s| {
                // SAFETY: see above.
                unsafe { lz::lzma_alone_decoder(s, memlimit) }
            }),
            Decoder::Raw(chain) => Self::new(codec, |s| {
                // SAFETY: see above.
                unsafe { lz::lzma_raw_decoder(s, chain.filters.as_ptr()) }
            }),
        }
    }

    /// One `lzma_code` call: returns (status, bytes read, bytes written).
    fn code(&mut self, input: &[u8], out: &mut [u8], action: lz::lzma_action) -> (lz::lzma_ret, usize, usize) {
        self.strm.next_in = input.as_ptr();
        self.strm.avail_in = input.len();
        self.strm.next_out = out.as_mut_ptr();
        self.strm.avail_out = out.len();
        // SAFETY: next_in/avail_in describe `input` (only read), next_out/avail_out
        // describe `out` (valid for writes); both outlive the call and the pointers are
        // cleared right after it.
        let rc = unsafe { lz::lzma_code(self.strm.as_mut(), action) };
        let read = input.len() - self.strm.avail_in;
        let written = out.len() - self.strm.avail_out;
        self.strm.next_in = std::ptr::null();
        self.strm.avail_in = 0;
        self.strm.next_out = std::ptr::null_mut();
        self.strm.avail_out = 0;
        (rc, read, written)
    }
}

impl Drop for Stream {
    fn drop(&mut self) {
        // SAFETY: the stream is zeroed or initialised; lzma_end accepts both.
        unsafe { lz::lzma_end(self.strm.as_mut()) }
    }
}

/// What liblzma's encoder for a preset (0 to 9, optionally extreme) needs, in bytes;
/// `None` for a preset liblzma does not know.
pub(crate) fn preset_encoder_memusage(preset: u32) -> Option<u64> {
    // SAFETY: a pure function of its argument.
    let usage = unsafe { lz::lzma_easy_encoder_memusage(preset) };
    (usage != u64::MAX).then_some(usage)
}

/// Encoders that need at most this much memory (presets 0 and 1: about 1.3 and
/// 10 MiB with xz 5.8) are kept for the next call on the same thread.
///
/// Why: an encoder's match finder is allocated and its hash table cleared on every
/// initialisation, and fresh memory is faulted in page by page: for 64 KiB at preset 1
/// that was three quarters of the time (1.99 ms per call, 0.43 ms with the stream
/// reused; `perf record`). Larger encoders are not kept, so a thread never pins the
/// 94 MiB of the default preset 6; for them the setup is a smaller part of the work.
pub(crate) const KEPT_ENCODER_BYTES: u64 = 16 << 20;

thread_local! {
    /// This thread's kept encoder stream (see [`KEPT_ENCODER_BYTES`]).
    static KEPT_ENCODER: RefCell<Option<Stream>> = const { RefCell::new(None) };
}

/// Compresses `input` as Python's `lzma.compress` does (all input with `LZMA_RUN`,
/// then `LZMA_FINISH`), on this thread's kept encoder stream if it has one
/// (re-initialised: the output does not depend on what the stream did before).
pub(crate) fn encode(codec: &'static str, how: &Encoder<'_>, input: &[u8]) -> Result<AlignedBuf> {
    let keep = how.memusage() <= KEPT_ENCODER_BYTES;
    let kept = if keep { KEPT_ENCODER.try_with(|k| k.borrow_mut().take()).ok().flatten() } else { None };
    let mut stream = match kept {
        // On an error the stream is dropped (ended), not kept.
        Some(mut stream) => stream.start_encoder(codec, how).map(|()| stream)?,
        None => Stream::encoder(codec, how)?,
    };
    let out = encode_with(codec, &mut stream, input)?;
    if keep {
        // Kept only after a complete encode; a thread being torn down drops it.
        let _ = KEPT_ENCODER.try_with(|k| *k.borrow_mut() = Some(stream));
    }
    Ok(out)
}

/// Runs an initialised encoder over all of `input`.
fn encode_with(codec: &'static str, stream: &mut Stream, input: &[u8]) -> Result<AlignedBuf> {
    // SAFETY: a pure function of its argument.
    let bound = unsafe { lz::lzma_stream_buffer_bound(input.len()) };
    // The encoder writes the bytes it reports and the rest is truncated away: no
    // zero-fill needed.
    let mut out = AlignedBuf::for_overwrite(if bound == 0 { input.len().saturating_add(1024) } else { bound })?;
    let mut consumed = 0;
    let mut written = 0;
    loop {
        if written == out.len() {
            out.resize(out.len().saturating_add(out.len().max(4096)))?;
        }
        let action = if consumed == input.len() { lz::LZMA_FINISH } else { lz::LZMA_RUN };
        let (rc, read, made) = stream.code(&input[consumed..], &mut out.as_mut_slice()[written..], action);
        consumed += read;
        written += made;
        match rc {
            lz::LZMA_STREAM_END => break,
            lz::LZMA_OK => {}
            lz::LZMA_MEM_ERROR => return Err(Error::Allocation { size: 0 }),
            _ => return Err(Error::library(codec, message(rc))),
        }
    }
    out.truncate(written);
    Ok(out)
}

/// The outcome of decoding one stream.
enum One {
    /// The stream ended after `read` bytes of input.
    End { read: usize },
    /// liblzma reported an error in the data.
    Bad(lz::lzma_ret),
    /// The input ended before the stream did.
    Truncated,
}

/// The least memory a decoder may use whatever the decoded-size limit: every preset's
/// dictionary fits (64 MiB at preset 9, about 65 MiB of decoder memory), so a small
/// limit (say, a zarr chunk's size) still reads what numcodecs writes.
pub(crate) const MEMLIMIT_FLOOR: u64 = 128 << 20;

/// The check id of an `.xz` stream header at the start of `input` (`None` if it is
/// not one).
fn xz_check_id(input: &[u8]) -> Option<u8> {
    const MAGIC: [u8; 6] = [0xfd, b'7', b'z', b'X', b'Z', 0];
    (input.len() >= 12 && input[..6] == MAGIC && input[6] == 0).then(|| input[7])
}

/// `LZMA_CHECK_CRC64`'s id in a stream header.
const CHECK_CRC64: u8 = 4;

/// Decodes one stream of `input` into `sink` from `*written` on, as liblzma does.
///
/// A CRC64 `.xz` stream decoded into a buffer is decoded with `LZMA_IGNORE_CHECK`
/// and its checks are verified here, with `crc-fast` (carry-less multiplication): the
/// bundled liblzma computes CRC64 with a table, which was 60% of the decode time of
/// data that compresses well (`perf record`). Anything but a stream that ends and whose
/// every check matches is decoded again with liblzma checking, so errors, and which
/// stream has them, are exactly liblzma's.
fn decode_one(
    codec: &'static str,
    how: Decoder<'_>,
    input: &[u8],
    sink: &mut DecodeSink<'_>,
    written: &mut usize,
    memlimit: u64,
) -> Result<One> {
    let start = *written;
    let own_check = !tests_force_liblzma_check()
        && matches!(how, Decoder::Xz | Decoder::Auto)
        && xz_check_id(input) == Some(CHECK_CRC64)
        && sink.filled(start..start).is_some();
    if own_check {
        let fast = decode_stream(codec, how, input, sink, written, memlimit, lz::LZMA_IGNORE_CHECK);
        if let Ok(One::End { read }) = fast {
            if sink.filled(start..*written).and_then(|out| crc64_checks(&input[..read], out)) == Some(true) {
                return fast;
            }
        }
        *written = start;
    }
    decode_stream(codec, how, input, sink, written, memlimit, 0)
}

#[cfg(test)]
thread_local! {
    /// Tests set this to decode with liblzma checking every stream, to compare.
    pub(crate) static FORCE_LIBLZMA_CHECK: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Whether tests asked for liblzma's own checks (always `false` outside tests).
fn tests_force_liblzma_check() -> bool {
    #[cfg(test)]
    return FORCE_LIBLZMA_CHECK.get();
    #[cfg(not(test))]
    false
}

/// Whether every block check of the single `.xz` stream `stream` (CRC64, already
/// decoded by liblzma, which has checked its structure, index and sizes) matches the
/// CRC64 of its part of `out`, the stream's decoded bytes; `None` for a layout it
/// cannot follow, which sends the stream back to liblzma to check, as `false` does.
pub(crate) fn crc64_checks(stream: &[u8], out: &[u8]) -> Option<bool> {
    // Stream footer: CRC32, backward size ((n + 1) * 4 bytes of index), flags, "YZ".
    let footer = stream.get(stream.len().checked_sub(12)?..)?;
    let backward = (u64::from(u32::from_le_bytes(footer[4..8].try_into().ok()?)) + 1) * 4;
    let index_start = (stream.len() - 12).checked_sub(usize::try_from(backward).ok()?)?;
    let index = stream.get(index_start..stream.len() - 12)?;
    // Index: indicator 0, number of records, (unpadded size, uncompressed size) per
    // record, padding, CRC32.
    let (&indicator, mut rest) = index.split_first()?;
    if indicator != 0 {
        return None;
    }
    let records = read_vli(&mut rest)?;
    let (mut block, mut decoded) = (12usize, 0usize);
    for _ in 0..records {
        let unpadded = usize::try_from(read_vli(&mut rest)?).ok()?;
        let size = usize::try_from(read_vli(&mut rest)?).ok()?;
        // A block is its header, compressed data, padding to a multiple of 4, and
        // the check; the unpadded size leaves out the padding.
        let end = block.checked_add(unpadded)?.checked_add(3)? & !3;
        let stored = stream.get(end.checked_sub(8)?..end)?;
        let data = out.get(decoded..decoded.checked_add(size)?)?;
        if crc_fast::checksum(crc_fast::CrcAlgorithm::Crc64Xz, data).to_le_bytes() != stored {
            return Some(false);
        }
        block = end;
        decoded += size;
    }
    Some(block == index_start && decoded == out.len())
}

/// Reads one `.xz` variable-length integer (7 bits per byte, at most 9 bytes).
fn read_vli(input: &mut &[u8]) -> Option<u64> {
    let mut value = 0u64;
    for i in 0..9 {
        let (&byte, rest) = input.split_first()?;
        *input = rest;
        value |= u64::from(byte & 0x7f) << (7 * i);
        if byte & 0x80 == 0 {
            return Some(value);
        }
    }
    None
}

/// Decodes one stream of `input` into `sink` from `*written` on, with liblzma's
/// decoder `flags`.
fn decode_stream(
    codec: &'static str,
    how: Decoder<'_>,
    input: &[u8],
    sink: &mut DecodeSink<'_>,
    written: &mut usize,
    memlimit: u64,
    flags: u32,
) -> Result<One> {
    let mut stream = Stream::decoder(codec, how, memlimit, flags)?;
    let mut consumed = 0;
    loop {
        // A full sink hands out a one-byte scratch space: a stream that ends exactly
        // there costs no growth.
        let (rc, read, made) = stream.code(&input[consumed..], sink.space(codec, *written)?, lz::LZMA_RUN);
        consumed += read;
        *written += made;
        // Excess output is an error at once, whatever the step returned: `decode` must
        // know which stream overflowed a fixed sink.
        sink.wrote(codec, *written)?;
        match rc {
            lz::LZMA_STREAM_END => return Ok(One::End { read: consumed }),
            lz::LZMA_OK | lz::LZMA_NO_CHECK | lz::LZMA_GET_CHECK | lz::LZMA_UNSUPPORTED_CHECK => {
                if read == 0 && made == 0 && consumed == input.len() {
                    return Ok(One::Truncated);
                }
            }
            lz::LZMA_BUF_ERROR => return Ok(One::Truncated),
            lz::LZMA_MEM_ERROR => return Err(Error::Allocation { size: 0 }),
            lz::LZMA_MEMLIMIT_ERROR => {
                // SAFETY: the stream is initialised; lzma_memusage only reads it.
                let needed = unsafe { lz::lzma_memusage(stream.strm.as_ref()) };
                return Err(Error::DecodedSizeLimit { codec: codec.into(), size: needed, limit: memlimit });
            }
            rc => return Ok(One::Bad(rc)),
        }
    }
}

/// Decodes `input` as Python's `lzma.decompress` does: stream after stream until the
/// input is used up; an error in the first stream, or a stream cut short, is an error;
/// bytes after a complete stream that do not decode are ignored (with whatever they
/// decoded to). Returns the decoded size.
///
/// `limit` (the decoded-size limit) also bounds the decoder's memory, with a floor of
/// [`MEMLIMIT_FLOOR`] (see `Stream::decoder`).
pub(crate) fn decode(
    codec: &'static str,
    how: Decoder<'_>,
    input: &[u8],
    sink: &mut DecodeSink<'_>,
    limit: usize,
) -> Result<usize> {
    let memlimit = u64::try_from(limit).unwrap_or(u64::MAX).max(MEMLIMIT_FLOOR);
    let mut written = 0;
    let mut pos = 0;
    let mut first = true;
    loop {
        let start = written;
        let one = match decode_one(codec, how, &input[pos..], sink, &mut written, memlimit) {
            // A later stream overflows `decode_into`'s buffer: Python drops a later
            // stream that turns out bad, so decode it again into a scratch buffer to
            // know which (else decode_into disagreed with decode: a fuzzer find).
            Err(overflow @ Error::OutputSizeMismatch { .. }) if !first => {
                let mut probe = DecodeSink::growing(0, limit)?;
                match decode_one(codec, how, &input[pos..], &mut probe, &mut 0, memlimit)? {
                    One::Bad(_) => return Ok(start),
                    One::End { .. } => return Err(overflow),
                    One::Truncated => return Err(Error::corrupt(codec, message(lz::LZMA_BUF_ERROR))),
                }
            }
            other => other?,
        };
        match one {
            One::End { read: 0 } => return Err(Error::corrupt(codec, "a stream that reads no input")),
            One::End { read } => pos += read,
            One::Bad(rc) if first => return Err(Error::corrupt(codec, message(rc))),
            One::Bad(_) => return Ok(start),
            One::Truncated => return Err(Error::corrupt(codec, message(lz::LZMA_BUF_ERROR))),
        }
        first = false;
        if pos == input.len() {
            return Ok(written);
        }
    }
}
