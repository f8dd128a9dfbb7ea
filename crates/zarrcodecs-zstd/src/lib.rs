#![doc = include_str!("../README.md")]
#![deny(unsafe_code)]

mod frame;
mod pool;
mod uninit;

use serde::{Deserialize, Serialize};
use zarrcodecs_core::{
    AlignedBuf, ArrayViewMut, Codec, Data, DataRef, DecodeOptions, DecodeSink, Error, NdArray, Result, StaticCodec,
};
use zstd_safe::{CCtx, CParameter, DCtx, InBuffer, OutBuffer, ResetDirective, WriteBuf};

use frame::{declared_size, zstd_error_name};
pub use frame::{frame_info, FrameInfo};
use pool::Pool;

/// The numcodecs id of this codec.
const CODEC_ID: &str = "zstd";

/// First guess at the output size when the frames do not declare it: this many times
/// the input, at least [`MIN_STREAM_BUFFER`] bytes (then doubled as needed).
const STREAM_EXPANSION_GUESS: usize = 4;
const MIN_STREAM_BUFFER: usize = 16 << 10;

/// The highest compression level zstd has (22). Higher levels are accepted and
/// compress as this one, as in numcodecs.
pub fn max_level() -> i32 {
    zstd_safe::max_c_level()
}

/// The lowest (fastest) compression level zstd has (-131072). Lower levels are accepted
/// and compress as this one, as in numcodecs (zstd clamps them).
pub fn min_level() -> i32 {
    zstd_safe::min_c_level()
}

/// The version of the zstd library this crate is linked with, e.g. `"1.5.6"`.
pub fn zstd_version() -> &'static str {
    zstd_safe::version_string()
}

/// The configuration of [`Zstd`], as numcodecs' `get_config()` writes it (without `"id"`):
/// `{"id": "zstd", "level": 0, "checksum": false}`.
///
/// Configurations written before numcodecs had the `checksum` option lack that key; it
/// defaults to `false`. A missing `level` defaults to `0`, as in `numcodecs.Zstd()`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ZstdConfig {
    /// Compression level: `0` is zstd's default (3), `1` to `22` trade speed for ratio
    /// (higher values compress as 22), negative levels down to [`min_level`] are faster
    /// still (lower values compress as [`min_level`]).
    #[serde(default)]
    pub level: i32,
    /// Whether each frame ends with a checksum of its content, checked when decoding.
    #[serde(default)]
    pub checksum: bool,
}

/// The `zstd` codec: Zstandard compression, byte-compatible with Python numcodecs.
///
/// Encoding writes one zstd frame that declares its content size (as numcodecs does).
/// Decoding takes any zstd stream: several concatenated frames, skippable frames, and
/// frames that do not declare their size (written by streaming compressors).
///
/// The codec keeps a few zstd contexts for reuse, so encoding and decoding many small
/// chunks does not allocate a context each time. It is `Send + Sync`: one instance can
/// serve many threads. Cloning gives a codec with the same configuration and its own
/// (initially empty) pool of contexts.
pub struct Zstd {
    level: i32,
    checksum: bool,
    cctxs: Pool<CCtx<'static>>,
    dctxs: Pool<DCtx<'static>>,
}

impl Zstd {
    /// A codec compressing at `level`, without checksums.
    ///
    /// `0` means zstd's default level (3); levels above [`max_level`] (22) compress as 22
    /// but are kept in the configuration, as numcodecs does.
    ///
    /// # Errors
    /// None today: every level builds, as in numcodecs, where zstd clamps the level to
    /// [`min_level`]..=[`max_level`] when it compresses (kept a `Result` for
    /// configurations a later version may refuse).
    pub fn new(level: i32) -> Result<Self> {
        Ok(Zstd { level, checksum: false, cctxs: Pool::new(), dctxs: Pool::new() })
    }

    /// Sets whether encoded frames carry a checksum of their content.
    #[must_use]
    pub fn with_checksum(mut self, checksum: bool) -> Self {
        self.checksum = checksum;
        self
    }

    /// The compression level, as configured (not clamped to [`max_level`]).
    pub fn level(&self) -> i32 {
        self.level
    }

    /// Whether encoded frames carry a checksum.
    pub fn checksum(&self) -> bool {
        self.checksum
    }

    /// Compresses `src` into one zstd frame, as numcodecs' `Zstd.encode` does.
    ///
    /// # Errors
    /// [`Error::Allocation`] if the output buffer cannot be had, [`Error::Library`] if
    /// zstd fails.
    pub fn compress(&self, src: &[u8]) -> Result<AlignedBuf> {
        let bound = zstd_safe::compress_bound(src.len());
        if bound < src.len() {
            // zstd returned an error code: the input is too large for one frame.
            return Err(Error::library(CODEC_ID, format_args!("{} bytes are too many for zstd", src.len())));
        }
        // zstd clamps the level to its range, in numcodecs too.
        let level = self.level.clamp(min_level(), max_level());
        let checksum = self.checksum;
        // Into memory that is not zero-filled first, kept to what zstd wrote.
        uninit::write_new(bound, |out| {
            self.with_cctx(|cctx| {
                // The context was reset to defaults; every parameter is set on every use.
                cctx.set_parameter(CParameter::CompressionLevel(level)).map_err(library_error)?;
                cctx.set_parameter(CParameter::ChecksumFlag(checksum)).map_err(library_error)?;
                cctx.compress2(out, src).map_err(library_error)
            })
        })
    }

    /// Decompresses a zstd stream (one or more frames) into a new buffer of at most
    /// `options.decoded_size_limit()` bytes. Inputs whose frames declare more are
    /// refused before anything is allocated; inputs that do not declare their size are
    /// refused once their output passes the limit.
    ///
    /// # Errors
    /// [`Error::Corrupt`] (with zstd's error name) for input that is not a complete,
    /// valid zstd stream, checksum failures included; [`Error::DecodedSizeLimit`] if the
    /// output would pass the limit; [`Error::Allocation`].
    pub fn decompress(&self, src: &[u8], options: &DecodeOptions) -> Result<AlignedBuf> {
        let limit = options.decoded_size_limit();
        let frames = frame_info(src)?;
        match declared_size(&frames, limit)? {
            Some(size) => {
                let size = check_limit(size, limit)?;
                // The frames must decode to exactly the declared size (checked by
                // `decompress_declared`): into memory that is not zero-filled first.
                uninit::write_new(size, |out| self.decompress_declared(src, out))
            }
            None => self.decompress_growing(src, limit),
        }
    }

    /// Decompresses a zstd stream straight into `out`, which must have exactly the
    /// decoded size. No intermediate buffer is used.
    ///
    /// # Errors
    /// [`Error::OutputSizeMismatch`] if the decoded size is not `out.len()` (checked
    /// before decompressing when the frames declare their sizes); otherwise as
    /// [`Zstd::decompress`].
    pub fn decompress_into(&self, src: &[u8], out: &mut [u8]) -> Result<()> {
        let frames = frame_info(src)?;
        // The caller's buffer bounds the output: its length is the limit.
        if let Some(size) = declared_size(&frames, out.len())? {
            if u64::try_from(out.len()).ok() != Some(size) {
                return Err(Error::OutputSizeMismatch {
                    codec: CODEC_ID.into(),
                    expected: out.len(),
                    actual: usize::try_from(size).unwrap_or(usize::MAX),
                });
            }
            return self.decompress_declared(src, out).map(drop);
        }
        self.with_dctx(|dctx| {
            let mut sink = DecodeSink::fixed(out);
            let written = stream(dctx, src, &mut sink)?;
            sink.finish(CODEC_ID, written).map(drop)
        })
    }

    /// Runs `f` with a compression context from the pool, reset to a new context's state.
    fn with_cctx<R>(&self, f: impl FnOnce(&mut CCtx<'static>) -> Result<R>) -> Result<R> {
        let mut cctx = self.cctxs.take().ok_or_else(|| no_context("compression"))?;
        let result = cctx.reset(ResetDirective::SessionAndParameters).map_err(library_error).and_then(|_| f(&mut cctx));
        self.cctxs.give_back(cctx);
        result
    }

    /// Runs `f` with a decompression context from the pool, reset to a new context's state.
    fn with_dctx<R>(&self, f: impl FnOnce(&mut DCtx<'static>) -> Result<R>) -> Result<R> {
        let mut dctx = self.dctxs.take().ok_or_else(|| no_context("decompression"))?;
        let result = dctx.reset(ResetDirective::SessionAndParameters).map_err(library_error).and_then(|_| f(&mut dctx));
        self.dctxs.give_back(dctx);
        result
    }

    /// One-shot decompression of frames that all declare their sizes, which add up to
    /// `out`'s capacity; returns that size.
    fn decompress_declared<W: WriteBuf + ?Sized>(&self, src: &[u8], out: &mut W) -> Result<usize> {
        let size = out.capacity();
        let written = self.with_dctx(|dctx| dctx.decompress(out, src).map_err(corrupt_error))?;
        if written != size {
            return Err(Error::corrupt(
                CODEC_ID,
                format_args!("the frames declare {size} bytes but decode to {written}"),
            ));
        }
        Ok(written)
    }

    /// Streaming decompression into a growing buffer, for frames that do not declare
    /// their size.
    fn decompress_growing(&self, src: &[u8], limit: usize) -> Result<AlignedBuf> {
        self.with_dctx(|dctx| {
            let first = src.len().saturating_mul(STREAM_EXPANSION_GUESS).max(MIN_STREAM_BUFFER).min(limit);
            let mut sink = DecodeSink::growing(first, limit)?.with_min_growth(MIN_STREAM_BUFFER);
            let written = stream(dctx, src, &mut sink)?;
            Ok(sink.finish(CODEC_ID, written)?.unwrap_or_default())
        })
    }
}

/// Streams all of `src` (frames, skippable frames included, one after another) into
/// `sink` until the input is consumed and its last frame complete; returns the decoded
/// size. Output past the end of a fixed sink, or past the limit of a growing one, is
/// the sink's error.
fn stream(dctx: &mut DCtx<'_>, src: &[u8], sink: &mut DecodeSink<'_>) -> Result<usize> {
    let mut input = InBuffer::around(src);
    let mut written = 0;
    loop {
        let in_before = input.pos();
        let space = sink.space(CODEC_ID, written)?;
        let room = space.len();
        let mut buffer = OutBuffer::around(space);
        let hint = dctx.decompress_stream(&mut buffer, &mut input).map_err(corrupt_error)?;
        let made = buffer.pos();
        written += made;
        let input_done = input.pos() == src.len();
        if hint == 0 && input_done {
            return Ok(written);
        }
        if made == room {
            // The space is full: ask the sink for more (a full sink gives one scratch
            // byte, to learn whether more output comes).
            continue;
        }
        // With room left in the output, zstd stops only at the end of a frame or of the
        // input: the input ended inside a frame.
        if input_done || (input.pos() == in_before && made == 0) {
            return Err(Error::corrupt(CODEC_ID, "truncated input: the last frame is incomplete"));
        }
    }
}

/// `size` as a `usize`, if it is within `limit`.
fn check_limit(size: u64, limit: usize) -> Result<usize> {
    match usize::try_from(size) {
        Ok(n) if n <= limit => Ok(n),
        _ => Err(Error::DecodedSizeLimit {
            codec: CODEC_ID.into(),
            size,
            limit: u64::try_from(limit).unwrap_or(u64::MAX),
        }),
    }
}

fn no_context(kind: &str) -> Error {
    Error::library(CODEC_ID, format_args!("zstd could not allocate a {kind} context"))
}

fn library_error(code: zstd_safe::ErrorCode) -> Error {
    Error::library(CODEC_ID, zstd_error_name(code))
}

fn corrupt_error(code: zstd_safe::ErrorCode) -> Error {
    Error::corrupt(CODEC_ID, zstd_error_name(code))
}

impl Default for Zstd {
    /// numcodecs' `Zstd()`: level 0 (zstd's default), no checksum.
    fn default() -> Self {
        Zstd { level: 0, checksum: false, cctxs: Pool::new(), dctxs: Pool::new() }
    }
}

impl Clone for Zstd {
    fn clone(&self) -> Self {
        Zstd { level: self.level, checksum: self.checksum, cctxs: Pool::new(), dctxs: Pool::new() }
    }
}

impl std::fmt::Debug for Zstd {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Zstd").field("level", &self.level).field("checksum", &self.checksum).finish_non_exhaustive()
    }
}

impl Codec for Zstd {
    fn encode(&self, data: DataRef<'_>) -> Result<Data> {
        let src = data.require_bytes(CODEC_ID)?;
        Ok(NdArray::from_buf(self.compress(src)?).into())
    }

    fn decode_with(&self, encoded: DataRef<'_>, options: &DecodeOptions) -> Result<Data> {
        let src = encoded.require_bytes(CODEC_ID)?;
        Ok(NdArray::from_buf(self.decompress(src, options)?).into())
    }

    fn decode_into_with(
        &self,
        encoded: DataRef<'_>,
        out: &mut ArrayViewMut<'_>,
        _options: &DecodeOptions,
    ) -> Result<()> {
        let src = encoded.require_bytes(CODEC_ID)?;
        self.decompress_into(src, out.as_bytes_mut())
    }
}

impl StaticCodec for Zstd {
    const CODEC_ID: &'static str = CODEC_ID;
    type Config = ZstdConfig;

    fn from_config(config: ZstdConfig) -> Result<Self> {
        Ok(Zstd::new(config.level)?.with_checksum(config.checksum))
    }

    fn config(&self) -> ZstdConfig {
        ZstdConfig { level: self.level, checksum: self.checksum }
    }
}

zarrcodecs_core::register_static_codec!(ZSTD_REGISTRATION: Zstd);

#[cfg(test)]
#[allow(clippy::cast_possible_truncation)]
mod tests {
    use super::*;

    #[test]
    fn contexts_are_reused() {
        let codec = Zstd::new(3).unwrap();
        let data = vec![7u8; 65536];
        for _ in 0..10 {
            let e = codec.compress(&data).unwrap();
            assert_eq!(codec.decompress(e.as_slice(), &DecodeOptions::default()).unwrap().as_slice(), &data[..]);
        }
        assert_eq!(codec.cctxs.idle(), 1);
        assert_eq!(codec.dctxs.idle(), 1);
        assert_eq!(codec.clone().cctxs.idle(), 0);
    }

    #[test]
    fn codec_is_send_sync_clone_debug() {
        fn check<T: Send + Sync + Clone + std::fmt::Debug + 'static>() {}
        check::<Zstd>();
        let text = format!("{:?}", Zstd::new(-3).unwrap().with_checksum(true));
        assert!(text.contains("level: -3") && text.contains("checksum: true"), "{text}");
    }
}
