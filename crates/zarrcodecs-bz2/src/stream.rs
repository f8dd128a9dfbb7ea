//! A safe wrapper around one libbzip2 `bz_stream` (through `bzip2-sys`): the only
//! module with `unsafe` code.

use std::os::raw::{c_char, c_int, c_uint};

use bzip2_sys as bz;
use zarrcodecs_core::{AlignedBuf, DecodeSink, Error, Result};

/// Largest chunk handed to libbzip2 at once (its counters are 32-bit).
const CHUNK: usize = c_uint::MAX as usize;

/// A length for libbzip2's 32-bit counters; callers pass at most [`CHUNK`].
fn uint(n: usize) -> c_uint {
    c_uint::try_from(n).unwrap_or(c_uint::MAX)
}

/// Whether the stream compresses or decompresses, for `Drop`.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Mode {
    Compress,
    Decompress,
}

/// An initialised `bz_stream`. Boxed because libbzip2 keeps a pointer to it in its
/// state and checks that it never moves.
pub(crate) struct Stream {
    strm: Box<bz::bz_stream>,
    mode: Mode,
    codec: &'static str,
}

fn new_bz_stream() -> Box<bz::bz_stream> {
    Box::new(bz::bz_stream {
        next_in: std::ptr::null_mut(),
        avail_in: 0,
        total_in_lo32: 0,
        total_in_hi32: 0,
        next_out: std::ptr::null_mut(),
        avail_out: 0,
        total_out_lo32: 0,
        total_out_hi32: 0,
        state: std::ptr::null_mut(),
        // None: libbzip2's default allocator (malloc/free).
        bzalloc: None,
        bzfree: None,
        opaque: std::ptr::null_mut(),
    })
}

/// How one decompressed stream ended.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum End {
    /// The end-of-stream marker; this many input bytes were used.
    StreamEnd(usize),
    /// libbzip2 reported invalid data (bad magic, bad CRC, corrupt blocks).
    DataError(&'static str),
}

impl Stream {
    /// A compressor as Python's `bz2.BZ2Compressor(level)`: block size `level`
    /// (1 to 9), verbosity 0, work factor 0 (the default, 30).
    pub(crate) fn compress(codec: &'static str, level: c_int) -> Result<Self> {
        let mut strm = new_bz_stream();
        // SAFETY: `strm` is a valid, boxed bz_stream with null allocator callbacks
        // (libbzip2's defaults) and null state.
        let rc = unsafe { bz::BZ2_bzCompressInit(strm.as_mut(), level, 0, 0) };
        Self::check_init(codec, rc)?;
        Ok(Stream { strm, mode: Mode::Compress, codec })
    }

    /// A decompressor (verbosity 0, not the small-memory mode), as Python's
    /// `bz2.BZ2Decompressor()`.
    pub(crate) fn decompress(codec: &'static str) -> Result<Self> {
        let mut strm = new_bz_stream();
        // SAFETY: as in `compress`.
        let rc = unsafe { bz::BZ2_bzDecompressInit(strm.as_mut(), 0, 0) };
        Self::check_init(codec, rc)?;
        Ok(Stream { strm, mode: Mode::Decompress, codec })
    }

    fn check_init(codec: &str, rc: c_int) -> Result<()> {
        match rc {
            bz::BZ_OK => Ok(()),
            bz::BZ_MEM_ERROR => Err(Error::Allocation { size: 0 }),
            _ => Err(Error::library(codec, format_args!("initialisation failed (libbzip2 error {rc})"))),
        }
    }

    /// Compresses all of `input` (`BZ_RUN`, then `BZ_FINISH`, as `compress()` then
    /// `flush()` in Python) into `out`, growing it as needed; returns the stream size.
    pub(crate) fn compress_all(&mut self, input: &[u8], out: &mut AlignedBuf) -> Result<usize> {
        debug_assert_eq!(self.mode, Mode::Compress);
        let mut consumed = 0;
        let mut out_pos = 0;
        loop {
            if out_pos == out.len() {
                let grow = out.len().max(1024);
                out.resize(out.len().saturating_add(grow))?;
            }
            let in_chunk = &input[consumed..][..(input.len() - consumed).min(CHUNK)];
            let action = if consumed + in_chunk.len() == input.len() { bz::BZ_FINISH } else { bz::BZ_RUN };
            let out_space = &mut out.as_mut_slice()[out_pos..];
            let out_len = out_space.len().min(CHUNK);
            self.strm.next_in = in_chunk.as_ptr().cast::<c_char>().cast_mut();
            self.strm.avail_in = uint(in_chunk.len());
            self.strm.next_out = out_space.as_mut_ptr().cast::<c_char>();
            self.strm.avail_out = uint(out_len);
            // SAFETY: next_in/avail_in describe `in_chunk`, which libbzip2 only reads;
            // next_out/avail_out describe `out_space`, valid for writes; both outlive
            // the call, and the pointers are cleared right after it.
            let rc = unsafe { bz::BZ2_bzCompress(self.strm.as_mut(), action) };
            consumed += in_chunk.len() - self.strm.avail_in as usize;
            out_pos += out_len - self.strm.avail_out as usize;
            self.clear_pointers();
            match rc {
                bz::BZ_STREAM_END => return Ok(out_pos),
                bz::BZ_RUN_OK | bz::BZ_FINISH_OK => {}
                bz::BZ_MEM_ERROR => return Err(Error::Allocation { size: 0 }),
                _ => return Err(Error::library(self.codec, format_args!("BZ2_bzCompress failed (error {rc})"))),
            }
        }
    }

    /// Decompresses one bzip2 stream from the start of `input` into `out`, from
    /// `written` bytes on; returns how it ended and the new output length.
    ///
    /// # Errors
    /// [`Error::Corrupt`] if the input ends before the end-of-stream marker;
    /// the output's own errors (size limit, size mismatch).
    pub(crate) fn decompress_stream(
        &mut self,
        input: &[u8],
        out: &mut DecodeSink<'_>,
        mut written: usize,
    ) -> Result<(End, usize)> {
        debug_assert_eq!(self.mode, Mode::Decompress);
        let mut consumed = 0;
        loop {
            let space = out.space(self.codec, written)?;
            let in_chunk = &input[consumed..][..(input.len() - consumed).min(CHUNK)];
            let out_len = space.len().min(CHUNK);
            self.strm.next_in = in_chunk.as_ptr().cast::<c_char>().cast_mut();
            self.strm.avail_in = uint(in_chunk.len());
            self.strm.next_out = space.as_mut_ptr().cast::<c_char>();
            self.strm.avail_out = uint(out_len);
            // SAFETY: next_in/avail_in describe `in_chunk` (only read), next_out/avail_out
            // describe `space` (valid for writes); both outlive the call, and the
            // pointers are cleared right after it.
            let rc = unsafe { bz::BZ2_bzDecompress(self.strm.as_mut()) };
            let used_in = in_chunk.len() - self.strm.avail_in as usize;
            let made = out_len - self.strm.avail_out as usize;
            self.clear_pointers();
            consumed += used_in;
            written += made;
            match rc {
                bz::BZ_STREAM_END => return Ok((End::StreamEnd(consumed), written)),
                bz::BZ_OK => {
                    if consumed == input.len() && made < out_len {
                        // All input used and output space left: the stream is cut short.
                        return Err(Error::corrupt(
                            self.codec,
                            "truncated stream: the input ends before the end-of-stream marker",
                        ));
                    }
                }
                bz::BZ_DATA_ERROR_MAGIC => return Ok((End::DataError("not a bzip2 stream (bad magic)"), written)),
                bz::BZ_DATA_ERROR => return Ok((End::DataError("invalid bzip2 data"), written)),
                bz::BZ_MEM_ERROR => return Err(Error::Allocation { size: 0 }),
                _ => return Err(Error::library(self.codec, format_args!("BZ2_bzDecompress failed (error {rc})"))),
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
        // SAFETY: the stream was initialised by the matching init function (a Stream
        // is only built after a successful init) and is ended exactly once.
        unsafe {
            match self.mode {
                Mode::Compress => bz::BZ2_bzCompressEnd(self.strm.as_mut()),
                Mode::Decompress => bz::BZ2_bzDecompressEnd(self.strm.as_mut()),
            };
        }
    }
}
