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
///
/// A CRC64 `.xz` stream of some input is written by [`encode_xz_crc64`]; should that
/// fail anywhere, liblzma's own stream encoder runs, and its error is the one returned.
pub(crate) fn encode(codec: &'static str, how: &Encoder<'_>, input: &[u8]) -> Result<AlignedBuf> {
    let preset_chain;
    let xz_crc64_chain = match *how {
        _ if input.is_empty() => None,
        Encoder::XzPreset { preset, check: lz::LZMA_CHECK_CRC64 } => {
            // lzma_easy_encoder's chain: one LZMA2 filter with the preset's options.
            preset_chain =
                Chain::new(&[Filter::Lzma(lz::LZMA_FILTER_LZMA2, LzmaOptions { preset, ..LzmaOptions::default() })])
                    .ok();
            preset_chain.as_ref()
        }
        Encoder::XzChain { chain, check: lz::LZMA_CHECK_CRC64 } => Some(chain),
        _ => None,
    };
    if let Some(chain) = xz_crc64_chain {
        if let Ok(out) =
            with_encoder(codec, &Encoder::Raw(chain), |stream| encode_xz_crc64(codec, chain, stream, input))
        {
            #[cfg(test)]
            OWN_XZ_CONTAINERS.set(OWN_XZ_CONTAINERS.get() + 1);
            return Ok(out);
        }
    }
    encode_liblzma(codec, how, input)
}

/// Compresses `input` with liblzma's own encoder for `how` (its stream encoder for
/// `.xz`), as [`encode`] does when it does not write the container itself.
pub(crate) fn encode_liblzma(codec: &'static str, how: &Encoder<'_>, input: &[u8]) -> Result<AlignedBuf> {
    with_encoder(codec, how, |stream| {
        let mut out = AlignedBuf::for_overwrite(buffer_bound(input.len()))?;
        let written = code_all(codec, stream, input, &mut out, 0)?;
        out.truncate(written);
        Ok(out)
    })
}

/// Runs `f` on an encoder stream initialised as `how` says: this thread's kept one if
/// it has one and `how` is small enough to keep (see [`KEPT_ENCODER_BYTES`]), kept
/// again after `f` succeeds.
fn with_encoder(
    codec: &'static str,
    how: &Encoder<'_>,
    f: impl FnOnce(&mut Stream) -> Result<AlignedBuf>,
) -> Result<AlignedBuf> {
    let keep = how.memusage() <= KEPT_ENCODER_BYTES;
    let kept = if keep { KEPT_ENCODER.try_with(|k| k.borrow_mut().take()).ok().flatten() } else { None };
    let mut stream = match kept {
        // On an error the stream is dropped (ended), not kept.
        Some(mut stream) => stream.start_encoder(codec, how).map(|()| stream)?,
        None => Stream::encoder(codec, how)?,
    };
    let out = f(&mut stream)?;
    if keep {
        // Kept only after a complete encode; a thread being torn down drops it.
        let _ = KEPT_ENCODER.try_with(|k| *k.borrow_mut() = Some(stream));
    }
    Ok(out)
}

/// The first output size to try for `len` bytes of input: liblzma's bound for a
/// `.xz` stream, which covers raw and `.lzma` output of LZMA2 too (others grow).
fn buffer_bound(len: usize) -> usize {
    // SAFETY: a pure function of its argument.
    let bound = unsafe { lz::lzma_stream_buffer_bound(len) };
    if bound == 0 {
        len.saturating_add(1024)
    } else {
        bound
    }
}

/// Runs an initialised encoder over all of `input`, writing into `out` from `start`
/// on (growing it if needed); returns the end of the output.
fn code_all(
    codec: &'static str,
    stream: &mut Stream,
    input: &[u8],
    out: &mut AlignedBuf,
    start: usize,
) -> Result<usize> {
    // The encoder writes the bytes it reports and the caller truncates the rest away:
    // `out` need not be zero-filled.
    let mut consumed = 0;
    let mut written = start;
    loop {
        if written >= out.len() {
            out.resize(written.saturating_add(out.len().max(4096)))?;
        }
        let action = if consumed == input.len() { lz::LZMA_FINISH } else { lz::LZMA_RUN };
        let (rc, read, made) = stream.code(&input[consumed..], &mut out.as_mut_slice()[written..], action);
        consumed += read;
        written += made;
        match rc {
            lz::LZMA_STREAM_END => return Ok(written),
            lz::LZMA_OK => {}
            lz::LZMA_MEM_ERROR => return Err(Error::Allocation { size: 0 }),
            _ => return Err(Error::library(codec, message(rc))),
        }
    }
}

/// Appends `value` as an `.xz` variable-length integer (7 bits per byte, low first).
#[allow(clippy::cast_possible_truncation)] // each cast takes at most 7 bits
fn push_vli(out: &mut Vec<u8>, mut value: u64) {
    while value >= 0x80 {
        out.push((value & 0x7f) as u8 | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

/// liblzma's CRC32 of `bytes` (for the few bytes of headers and the index).
fn crc32(bytes: &[u8]) -> u32 {
    // SAFETY: `bytes` is valid for reads of its length; liblzma only reads it.
    unsafe { lz::lzma_crc32(bytes.as_ptr(), bytes.len(), 0) }
}

/// An `.xz` stream header or footer (12 bytes) for CRC64 checks, and for the footer
/// the index size `backward_size`.
fn stream_flags(footer: bool, backward_size: u64) -> Option<[u8; 12]> {
    // SAFETY: lzma_stream_flags is a C struct of integers and enums (integers), for
    // all of which zero is a valid value.
    let mut flags: lz::lzma_stream_flags = unsafe { std::mem::zeroed() };
    flags.version = 0;
    flags.check = lz::LZMA_CHECK_CRC64;
    flags.backward_size = backward_size;
    let mut out = [0u8; 12];
    // SAFETY: `flags` is a valid lzma_stream_flags, only read; `out` has the 12
    // writable bytes liblzma writes.
    let rc = unsafe {
        if footer {
            lz::lzma_stream_footer_encode(&flags, out.as_mut_ptr())
        } else {
            lz::lzma_stream_header_encode(&flags, out.as_mut_ptr())
        }
    };
    (rc == lz::LZMA_OK).then_some(out)
}

/// The block header liblzma's stream encoder writes for `chain` (sizes not stored):
/// size byte, flags (number of filters), each filter's id, properties size and
/// properties, zero padding to a multiple of four, CRC32 (`lzma_block_header_encode`
/// with unknown sizes). `None` for a chain it cannot describe.
fn block_header(chain: &Chain) -> Option<Vec<u8>> {
    let filters = &chain.filters[..chain.filters.len() - 1];
    if filters.is_empty() || filters.len() > 4 {
        return None;
    }
    let mut header = vec![0, u8::try_from(filters.len() - 1).ok()?];
    for filter in filters {
        let mut size = 0u32;
        // SAFETY: `filter` is a filter of a live chain (its options point to the
        // struct its id calls for); `size` is writable. liblzma only reads `filter`.
        if unsafe { lz::lzma_properties_size(&mut size, filter) } != lz::LZMA_OK {
            return None;
        }
        push_vli(&mut header, filter.id);
        push_vli(&mut header, u64::from(size));
        let at = header.len();
        header.resize(at + size as usize, 0);
        // SAFETY: as above, and `header` has `size` writable bytes from `at`, which
        // liblzma fills.
        if size > 0 && unsafe { lz::lzma_properties_encode(filter, header[at..].as_mut_ptr()) } != lz::LZMA_OK {
            return None;
        }
    }
    // With its CRC32, rounded up to a multiple of four; at most 1024 bytes.
    let size = (header.len() + 4 + 3) & !3;
    header[0] = u8::try_from(size / 4 - 1).ok()?;
    header.resize(size - 4, 0);
    let crc = crc32(&header);
    header.extend_from_slice(&crc.to_le_bytes());
    Some(header)
}

/// Encodes `input` (not empty) as the `.xz` stream with CRC64 checks that liblzma's
/// single-threaded stream encoder writes for `chain`, on `stream` (initialised as a raw
/// encoder of `chain`): stream header, one block (header, the raw encoder's output,
/// padding to a multiple of four, CRC64 of `input`), index, footer.
///
/// Why not liblzma's stream encoder: the bundled liblzma computes CRC64 with a table,
/// 12 % of a preset-1 encode of data that compresses well (`perf record`); `crc-fast`
/// folds it with carry-less multiplication, as the Debian liblzma that Python links
/// does. The tests check the bytes against liblzma's stream encoder.
fn encode_xz_crc64(codec: &'static str, chain: &Chain, stream: &mut Stream, input: &[u8]) -> Result<AlignedBuf> {
    let refused = || Error::library(codec, "the .xz container could not be described");
    let header = block_header(chain).ok_or_else(refused)?;
    let stream_header = stream_flags(false, 0).ok_or_else(refused)?;
    let mut out = AlignedBuf::for_overwrite(buffer_bound(input.len()))?;
    let data_start = stream_header.len() + header.len();
    if out.len() < data_start {
        out.resize(data_start)?;
    }
    out.as_mut_slice()[..stream_header.len()].copy_from_slice(&stream_header);
    out.as_mut_slice()[stream_header.len()..data_start].copy_from_slice(&header);
    let data_end = code_all(codec, stream, input, &mut out, data_start)?;
    let compressed = data_end - data_start;
    // Block padding, the check, then the index: indicator, one record (unpadded size:
    // the block without its padding; uncompressed size), padding, CRC32.
    let mut tail = vec![0u8; (4 - compressed % 4) % 4];
    tail.extend_from_slice(&crc_fast::checksum(crc_fast::CrcAlgorithm::Crc64Xz, input).to_le_bytes());
    let mut index = vec![0u8];
    push_vli(&mut index, 1);
    push_vli(&mut index, (header.len() + compressed + 8) as u64);
    push_vli(&mut index, input.len() as u64);
    index.resize(index.len().next_multiple_of(4), 0);
    let crc = crc32(&index);
    index.extend_from_slice(&crc.to_le_bytes());
    tail.extend_from_slice(&index);
    tail.extend_from_slice(&stream_flags(true, index.len() as u64).ok_or_else(refused)?);
    let end = data_end + tail.len();
    if out.len() < end {
        out.resize(end)?;
    }
    out.as_mut_slice()[data_end..end].copy_from_slice(&tail);
    out.truncate(end);
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

#[cfg(test)]
thread_local! {
    /// How many `.xz` streams [`encode`] put together itself on this thread.
    pub(crate) static OWN_XZ_CONTAINERS: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
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
