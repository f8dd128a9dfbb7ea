//! A safe wrapper around one zlib `z_stream`: the only module with `unsafe` code.
//!
//! The codecs encode with it (C zlib writes the bytes Python's zlib writes) and decode
//! with zlib-rs (module `inflate`); its inflate side is kept for the tests, which check
//! that zlib-rs accepts, refuses and decodes exactly as C zlib does.

use std::ffi::CStr;
use std::mem::MaybeUninit;
use std::os::raw::{c_int, c_uint};

use libz_sys as z;
#[cfg(test)]
use zarrcodecs_core::DecodeSink;
use zarrcodecs_core::{AlignedBuf, Error, Result};

/// What the stream is wrapped in.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Wrapper {
    /// zlib header and Adler-32 trailer (window bits 15).
    Zlib,
    /// Raw deflate (window bits -15), used under our own gzip header.
    Raw,
    /// gzip header and trailer, decoded by zlib itself (window bits 31).
    #[cfg_attr(not(test), allow(dead_code))]
    Gzip,
}

impl Wrapper {
    fn window_bits(self) -> c_int {
        match self {
            Wrapper::Zlib => 15,
            Wrapper::Raw => -15,
            Wrapper::Gzip => 31,
        }
    }
}

/// zlib's allocator callback: plain `malloc`, as zlib's own default.
unsafe extern "C" fn zalloc(_opaque: z::voidpf, items: z::uInt, size: z::uInt) -> z::voidpf {
    match (items as usize).checked_mul(size as usize) {
        // SAFETY: malloc may be called with any size; a null result is reported to zlib,
        // which turns it into Z_MEM_ERROR.
        Some(n) => unsafe { libc::malloc(n) },
        None => std::ptr::null_mut(),
    }
}

/// zlib's deallocator callback.
unsafe extern "C" fn zfree(_opaque: z::voidpf, address: z::voidpf) {
    // SAFETY: zlib frees only pointers it got from `zalloc`, i.e. from malloc.
    unsafe { libc::free(address) }
}

/// Whether the stream compresses or decompresses, for `Drop`.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Deflate,
    #[cfg_attr(not(test), allow(dead_code))]
    Inflate,
}

/// An initialised `z_stream`. Boxed because zlib keeps a pointer to it in its state and
/// checks that it never moves.
pub(crate) struct Stream {
    strm: Box<z::z_stream>,
    mode: Mode,
    codec: &'static str,
}

fn new_z_stream() -> Box<z::z_stream> {
    Box::new(z::z_stream {
        next_in: std::ptr::null_mut(),
        avail_in: 0,
        total_in: 0,
        next_out: std::ptr::null_mut(),
        avail_out: 0,
        total_out: 0,
        msg: std::ptr::null_mut(),
        state: std::ptr::null_mut(),
        zalloc,
        zfree,
        opaque: std::ptr::null_mut(),
        data_type: 0,
        adler: 0,
        reserved: 0,
    })
}

/// Largest chunk handed to zlib at once (its counters are 32-bit).
const CHUNK: usize = c_uint::MAX as usize;

/// A length for zlib's 32-bit counters; callers pass at most [`CHUNK`].
fn uint(n: usize) -> c_uint {
    c_uint::try_from(n).unwrap_or(c_uint::MAX)
}

impl Stream {
    /// A deflate stream with numcodecs' parameters (memLevel 8, default strategy).
    pub(crate) fn deflate(codec: &'static str, level: i32, wrapper: Wrapper) -> Result<Self> {
        let mut strm = new_z_stream();
        let size = c_int::try_from(std::mem::size_of::<z::z_stream>()).unwrap_or(c_int::MAX);
        // SAFETY: `strm` is a valid, boxed z_stream whose allocator callbacks are set;
        // zlibVersion() returns zlib's static version string.
        let rc = unsafe {
            z::deflateInit2_(
                strm.as_mut(),
                level,
                z::Z_DEFLATED,
                wrapper.window_bits(),
                8,
                z::Z_DEFAULT_STRATEGY,
                z::zlibVersion(),
                size,
            )
        };
        let stream = Stream { strm, mode: Mode::Deflate, codec };
        stream.check_init(rc)?;
        Ok(stream)
    }

    /// An inflate stream.
    #[cfg(test)]
    pub(crate) fn inflate(codec: &'static str, wrapper: Wrapper) -> Result<Self> {
        let mut strm = new_z_stream();
        let size = c_int::try_from(std::mem::size_of::<z::z_stream>()).unwrap_or(c_int::MAX);
        // SAFETY: as in `deflate`.
        let rc = unsafe { z::inflateInit2_(strm.as_mut(), wrapper.window_bits(), z::zlibVersion(), size) };
        let stream = Stream { strm, mode: Mode::Inflate, codec };
        stream.check_init(rc)?;
        Ok(stream)
    }

    fn check_init(&self, rc: c_int) -> Result<()> {
        match rc {
            z::Z_OK => Ok(()),
            z::Z_MEM_ERROR => Err(Error::Allocation { size: 0 }),
            _ => Err(Error::library(self.codec, format_args!("initialisation failed: {}", self.message(rc)))),
        }
    }

    fn message(&self, rc: c_int) -> String {
        if self.strm.msg.is_null() {
            format!("zlib error {rc}")
        } else {
            // SAFETY: zlib sets `msg` to a static NUL-terminated string or leaves it null.
            unsafe { CStr::from_ptr(self.strm.msg) }.to_string_lossy().into_owned()
        }
    }

    /// An upper bound on the deflated size of `len` bytes.
    pub(crate) fn deflate_bound(&mut self, len: usize) -> usize {
        let n = z::uLong::try_from(len).unwrap_or(z::uLong::MAX);
        // SAFETY: the stream is an initialised deflate stream.
        let bound = unsafe { z::deflateBound(self.strm.as_mut(), n) };
        usize::try_from(bound).unwrap_or(usize::MAX)
    }

    /// Compresses all of `input` and writes the stream into `out` from `out_pos` on;
    /// returns the end position, or `None` if `out` ran out of room (the stream is then
    /// spent: encode again into more room with a new one). `out` need not be
    /// initialised: zlib only writes it.
    ///
    /// The calls to `deflate` are those CPython makes, so that stored blocks (level 0,
    /// whose sizes follow the output space of each call) come out byte for byte as
    /// Python writes them: output space in CPython's block sizes (32 KiB, 64 KiB,
    /// 256 KiB, ...), and either `Z_FINISH` at once (`zlib.compress`) or all input with
    /// `Z_NO_FLUSH` then `Z_FINISH` into a new output buffer (`GzipFile.write` then `close`).
    pub(crate) fn deflate_all(
        &mut self,
        input: &[u8],
        finish_at_once: bool,
        out: &mut [MaybeUninit<u8>],
        mut out_pos: usize,
    ) -> Result<Option<usize>> {
        debug_assert_eq!(self.mode as u8, Mode::Deflate as u8);
        let mut consumed = 0;
        let mut finishing = finish_at_once;
        let mut blocks = PythonBlocks::new();
        loop {
            if out_pos >= out.len() {
                return Ok(None);
            }
            let in_chunk = &input[consumed..][..(input.len() - consumed).min(CHUNK)];
            let last_chunk = consumed + in_chunk.len() == input.len();
            let flush = if finishing && last_chunk { z::Z_FINISH } else { z::Z_NO_FLUSH };
            let out_space = &mut out[out_pos..];
            let out_len = out_space.len().min(blocks.left);
            self.strm.next_in = in_chunk.as_ptr().cast_mut();
            self.strm.avail_in = uint(in_chunk.len());
            self.strm.next_out = out_space.as_mut_ptr().cast::<u8>();
            self.strm.avail_out = uint(out_len);
            // SAFETY: next_in/avail_in describe `in_chunk`, which zlib only reads;
            // next_out/avail_out describe `out_space`, valid for writes (deflate never
            // reads its output, so it may be uninitialised); both outlive the call, and
            // the pointers are cleared right after it.
            let rc = unsafe { z::deflate(self.strm.as_mut(), flush) };
            consumed += in_chunk.len() - self.strm.avail_in as usize;
            let made = out_len - self.strm.avail_out as usize;
            out_pos += made;
            blocks.used(made);
            self.clear_pointers();
            match rc {
                z::Z_STREAM_END => return Ok(Some(out_pos)),
                z::Z_OK | z::Z_BUF_ERROR => {
                    if !finishing && consumed == input.len() && blocks.left > 0 {
                        // All input handed over with Z_NO_FLUSH: finish, like `flush()`
                        // on a fresh output buffer.
                        finishing = true;
                        blocks = PythonBlocks::new();
                    }
                }
                z::Z_MEM_ERROR => return Err(Error::Allocation { size: 0 }),
                _ => return Err(Error::library(self.codec, self.message(rc))),
            }
        }
    }

    /// Resets an inflate stream for the next gzip member.
    #[cfg(test)]
    fn reset_inflate(&mut self) -> Result<()> {
        // SAFETY: the stream is an initialised inflate stream.
        let rc = unsafe { z::inflateReset(self.strm.as_mut()) };
        if rc == z::Z_OK {
            Ok(())
        } else {
            Err(Error::library(self.codec, self.message(rc)))
        }
    }

    /// Inflates `input` into `out`. With `several_members`, further gzip members after
    /// the first are decoded too (and zero padding skipped); otherwise bytes after the
    /// end of the stream are ignored, as Python's `zlib.decompress` does.
    #[cfg(test)]
    pub(crate) fn inflate_all(
        &mut self,
        input: &[u8],
        out: &mut DecodeSink<'_>,
        several_members: bool,
    ) -> Result<usize> {
        debug_assert_eq!(self.mode as u8, Mode::Inflate as u8);
        if input.is_empty() {
            return Err(Error::corrupt(self.codec, "empty input"));
        }
        let mut consumed = 0;
        let mut written = 0;
        loop {
            let space = out.space(self.codec, written)?;
            let in_chunk = &input[consumed..][..(input.len() - consumed).min(CHUNK)];
            let out_len = space.len().min(CHUNK);
            self.strm.next_in = in_chunk.as_ptr().cast_mut();
            self.strm.avail_in = uint(in_chunk.len());
            self.strm.next_out = space.as_mut_ptr();
            self.strm.avail_out = uint(out_len);
            // SAFETY: next_in/avail_in describe `in_chunk` (only read), next_out/avail_out
            // describe `space` (valid for writes); both outlive the call, and the
            // pointers are cleared right after it.
            let rc = unsafe { z::inflate(self.strm.as_mut(), z::Z_NO_FLUSH) };
            let used_in = in_chunk.len() - self.strm.avail_in as usize;
            let out_left = self.strm.avail_out as usize;
            let made = out_len - out_left;
            self.clear_pointers();
            consumed += used_in;
            written += made;
            match rc {
                z::Z_STREAM_END => {
                    if !several_members {
                        return Ok(written);
                    }
                    while input.get(consumed) == Some(&0) {
                        consumed += 1;
                    }
                    if consumed == input.len() {
                        return Ok(written);
                    }
                    if !input[consumed..].starts_with(&[0x1f, 0x8b]) {
                        return Err(Error::corrupt(
                            self.codec,
                            "bytes after the last gzip member are not a gzip member",
                        ));
                    }
                    self.reset_inflate()?;
                }
                z::Z_OK => {
                    if used_in == 0 && made == 0 && consumed == input.len() {
                        return Err(Error::corrupt(self.codec, "truncated stream"));
                    }
                }
                z::Z_BUF_ERROR => {
                    if consumed == input.len() && out_left != 0 {
                        return Err(Error::corrupt(self.codec, "truncated stream"));
                    }
                }
                z::Z_NEED_DICT => return Err(Error::corrupt(self.codec, "the stream needs a preset dictionary")),
                z::Z_DATA_ERROR => return Err(Error::corrupt(self.codec, self.message(rc))),
                z::Z_MEM_ERROR => return Err(Error::Allocation { size: 0 }),
                _ => return Err(Error::library(self.codec, self.message(rc))),
            }
        }
    }

    fn clear_pointers(&mut self) {
        self.strm.next_in = std::ptr::null_mut();
        self.strm.avail_in = 0;
        self.strm.next_out = std::ptr::null_mut();
        self.strm.avail_out = 0;
    }
}

impl Drop for Stream {
    fn drop(&mut self) {
        // SAFETY: the stream was initialised by the matching init function (construction
        // fails otherwise, and zlib's end functions accept a stream whose init failed).
        unsafe {
            match self.mode {
                Mode::Deflate => z::deflateEnd(self.strm.as_mut()),
                Mode::Inflate => z::inflateEnd(self.strm.as_mut()),
            };
        }
    }
}

/// Deflates all of `input` (see [`Stream::deflate_all`]) into a new buffer laid out as
/// `header`, the stream, `trailer`, written into memory that is not zero-filled first.
///
/// The first try gets `header`, zlib's `deflateBound` and `trailer` of room (or
/// `capacity`, for the tests), which zlib documents as enough; should it not be, the
/// room doubles and a new stream encodes again.
pub(crate) fn deflate_new(
    codec: &'static str,
    level: i32,
    wrapper: Wrapper,
    finish_at_once: bool,
    input: &[u8],
    (header, trailer): (&[u8], &[u8]),
    capacity: Option<usize>,
) -> Result<AlignedBuf> {
    let mut stream = Stream::deflate(codec, level, wrapper)?;
    let framing = header.len() + trailer.len();
    let mut capacity =
        capacity.unwrap_or_else(|| stream.deflate_bound(input.len())).max(framing + 1).saturating_add(framing);
    loop {
        let mut short = false;
        // SAFETY: the writer reports the bytes it wrote from the start of `out`: the
        // header, zlib's output up to the end position `deflate_all` returns (what
        // zlib reported writing), then the trailer right after it.
        let buf = unsafe {
            AlignedBuf::from_uninit_writer(capacity, |out| {
                for (slot, &b) in out.iter_mut().zip(header) {
                    slot.write(b);
                }
                let room = out.len() - trailer.len();
                let Some(end) = stream.deflate_all(input, finish_at_once, &mut out[..room], header.len())? else {
                    short = true;
                    return Ok(0);
                };
                for (slot, &b) in out[end..].iter_mut().zip(trailer) {
                    slot.write(b);
                }
                Ok(end + trailer.len())
            })
        }?;
        if !short {
            return Ok(buf);
        }
        capacity = capacity.checked_mul(2).ok_or(Error::Allocation { size: usize::MAX })?;
        stream = Stream::deflate(codec, level, wrapper)?;
    }
}

/// The output block sizes of CPython's `_BlocksOutputBuffer`, which `zlib.compress`
/// and `compressobj` fill one after another.
struct PythonBlocks {
    next: usize,
    left: usize,
}

impl PythonBlocks {
    const KB: usize = 1024;
    const MB: usize = 1024 * 1024;
    const SIZES: [usize; 17] = [
        32 * Self::KB,
        64 * Self::KB,
        256 * Self::KB,
        Self::MB,
        4 * Self::MB,
        8 * Self::MB,
        16 * Self::MB,
        16 * Self::MB,
        32 * Self::MB,
        32 * Self::MB,
        32 * Self::MB,
        32 * Self::MB,
        64 * Self::MB,
        64 * Self::MB,
        128 * Self::MB,
        128 * Self::MB,
        256 * Self::MB,
    ];

    fn new() -> Self {
        PythonBlocks { next: 1, left: Self::SIZES[0] }
    }

    fn used(&mut self, n: usize) {
        self.left -= n;
        if self.left == 0 {
            self.left = Self::SIZES[self.next.min(Self::SIZES.len() - 1)];
            self.next += 1;
        }
    }
}

/// zlib's CRC-32 of `data` (the gzip trailer's checksum).
pub(crate) fn crc32(data: &[u8]) -> u32 {
    let mut crc: z::uLong = 0;
    for chunk in data.chunks(CHUNK) {
        // SAFETY: `chunk` is a valid slice of `chunk.len()` (< 2^32) readable bytes.
        crc = unsafe { z::crc32(crc, chunk.as_ptr(), uint(chunk.len())) };
    }
    // The CRC-32 value is 32 bits wide whatever the width of `uLong`.
    (crc & 0xffff_ffff) as u32
}
