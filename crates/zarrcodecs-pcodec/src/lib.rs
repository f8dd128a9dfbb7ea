#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]

use bytemuck::Pod;
use half::f16;
use pco::data_types::Number;
use pco::errors::{ErrorKind, PcoError};
use pco::standalone::{FileDecompressor, MaybeChunkDecompressor, NumberTypeOrTermination};
use pco::{ChunkConfig, DeltaSpec, ModeSpec, PagingSpec};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use zarrcodecs_core::{
    AlignedBuf, ArrayView, ArrayViewMut, ByteOrder, Codec, DType, DTypeKind, Data, DataRef, DecodeOptions, Error,
    NdArray, Result, StaticCodec,
};

const ID: &str = "pcodec";

/// The highest compression level pco accepts.
pub const MAX_LEVEL: i64 = 12;
/// The highest explicit delta encoding order pco accepts.
pub const MAX_DELTA_ENCODING_ORDER: u32 = 7;
/// numcodecs' default `equal_pages_up_to` (`DEFAULT_MAX_PAGE_N`).
pub const DEFAULT_EQUAL_PAGES_UP_TO: u64 = 262_144;

/// numcodecs' `mode_spec`: whether pco looks for a mode (multiples, quantisation).
///
/// Any other JSON value is kept as [`PcodecModeSpec::Other`]: numcodecs 0.15.2 stores
/// it and only its encode refuses it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PcodecModeSpec {
    /// `"auto"`: pco detects a good mode (default).
    #[default]
    Auto,
    /// `"classic"`: the numbers as they are.
    Classic,
    /// Any other value (e.g. `"try_float_mult"`): builds and decodes, refused when
    /// encoding, as in numcodecs 0.15.2.
    #[serde(untagged)]
    Other(Value),
}

/// numcodecs' `delta_spec`: how pco chooses a delta encoding.
///
/// Any other JSON value is kept as [`PcodecDeltaSpec::Other`]: numcodecs 0.15.2 stores
/// it and only its encode refuses it. That includes `"no_op"`, which newer numcodecs
/// releases write for what 0.15.2 calls `"none"`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PcodecDeltaSpec {
    /// `"auto"`: pco detects a good delta encoding (default); with a
    /// `delta_encoding_order` it means `try_consecutive` with that order, as in numcodecs.
    #[default]
    Auto,
    /// `"none"`: no delta encoding.
    None,
    /// `"try_consecutive"`: consecutive deltas of the order `delta_encoding_order`.
    TryConsecutive,
    /// `"try_lookback"`: lookback deltas.
    TryLookback,
    /// Any other value (e.g. newer numcodecs' `"no_op"`): builds and decodes, refused
    /// when encoding, as in numcodecs 0.15.2.
    #[serde(untagged)]
    Other(Value),
}

/// numcodecs' `paging_spec`: only `"equal_pages_up_to"` exists.
///
/// Any other JSON value is kept as [`PcodecPagingSpec::Other`]: numcodecs 0.15.2 stores
/// it and only its encode refuses it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PcodecPagingSpec {
    /// `"equal_pages_up_to"`: equal pages of at most `equal_pages_up_to` numbers.
    #[default]
    EqualPagesUpTo,
    /// Any other value: builds and decodes, refused when encoding, as in numcodecs
    /// 0.15.2.
    #[serde(untagged)]
    Other(Value),
}

/// The configuration of [`Pcodec`], numcodecs' `PCodec.get_config()` without `"id"`:
/// `{"level": 8, "mode_spec": "auto", "delta_spec": "auto", "paging_spec":
/// "equal_pages_up_to", "delta_encoding_order": null, "equal_pages_up_to": 262144}`.
///
/// numcodecs 0.15.2's `PCodec.__init__` stores its arguments unchecked and its decode
/// uses none of them, so any value of a known key builds a codec here too (and is
/// written back as given); encoding refuses what numcodecs' encode refuses. The
/// integer settings are `i64`, so that every integer a configuration holds reaches
/// the encoder, which says what is wrong with it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PcodecConfig {
    /// Compression level, 0 to 12 to encode (default 8).
    #[serde(default = "default_level")]
    pub level: i64,
    /// The mode spec (default `"auto"`).
    #[serde(default)]
    pub mode_spec: PcodecModeSpec,
    /// The delta spec (default `"auto"`).
    #[serde(default)]
    pub delta_spec: PcodecDeltaSpec,
    /// The paging spec (only `"equal_pages_up_to"` encodes).
    #[serde(default)]
    pub paging_spec: PcodecPagingSpec,
    /// An explicit delta encoding order, 0 to 7 to encode, or `null`. Needed by
    /// `"try_consecutive"`; allowed with `"auto"` (older numcodecs configurations).
    #[serde(default)]
    pub delta_encoding_order: Option<i64>,
    /// Pages (standalone chunks) hold at most this many numbers (at least 1 to encode).
    #[serde(default = "default_equal_pages_up_to")]
    pub equal_pages_up_to: i64,
}

fn default_level() -> i64 {
    8
}

fn default_equal_pages_up_to() -> i64 {
    // 262144 fits.
    #[allow(clippy::cast_possible_wrap)]
    let n = DEFAULT_EQUAL_PAGES_UP_TO as i64;
    n
}

impl Default for PcodecConfig {
    fn default() -> Self {
        PcodecConfig {
            level: default_level(),
            mode_spec: PcodecModeSpec::Auto,
            delta_spec: PcodecDeltaSpec::Auto,
            paging_spec: PcodecPagingSpec::EqualPagesUpTo,
            delta_encoding_order: None,
            equal_pages_up_to: default_equal_pages_up_to(),
        }
    }
}

/// numcodecs' `PCodec` (id `pcodec`): pco's standalone format, one page per
/// standalone chunk, written by pco 0.4.8 as Python `pcodec` 0.3.6 does.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Pcodec {
    config: PcodecConfig,
}

/// An error for a setting numcodecs 0.15.2 stores but cannot encode with.
fn cannot_encode(reason: impl std::fmt::Display) -> Error {
    Error::invalid_config(ID, format_args!("cannot encode: {reason}"))
}

impl Pcodec {
    /// The codec with these options (numcodecs' `PCodec(**config)`); [`Pcodec::default`]
    /// has numcodecs' defaults. As numcodecs, nothing is checked here: encoding refuses
    /// the settings numcodecs' encode refuses.
    ///
    /// # Errors
    /// None today (kept for configurations a later version may refuse when built).
    pub fn new(config: PcodecConfig) -> Result<Self> {
        Self::from_config(config)
    }

    /// The delta spec pco gets: numcodecs 0.15.2's `_get_chunk_config`.
    fn delta_spec(&self) -> Result<DeltaSpec> {
        let c = &self.config;
        let order = |order: i64| {
            usize::try_from(order).ok().filter(|&o| o <= MAX_DELTA_ENCODING_ORDER as usize).ok_or_else(|| {
                cannot_encode(format_args!("delta_encoding_order must be 0 to {MAX_DELTA_ENCODING_ORDER}, got {order}"))
            })
        };
        match (&c.delta_spec, c.delta_encoding_order) {
            (PcodecDeltaSpec::Auto | PcodecDeltaSpec::TryConsecutive, Some(o)) => {
                Ok(DeltaSpec::TryConsecutive(order(o)?))
            }
            (_, Some(_)) => Err(cannot_encode("delta_encoding_order can only be set for delta_spec='try_consecutive'")),
            (PcodecDeltaSpec::Auto, None) => Ok(DeltaSpec::Auto),
            (PcodecDeltaSpec::None, None) => Ok(DeltaSpec::None),
            (PcodecDeltaSpec::TryConsecutive, None) => {
                Err(cannot_encode("delta_spec 'try_consecutive' needs a delta_encoding_order"))
            }
            (PcodecDeltaSpec::TryLookback, None) => Ok(DeltaSpec::TryLookback),
            (PcodecDeltaSpec::Other(v), None) => {
                let hint =
                    if v == "no_op" { " (newer numcodecs' name for what numcodecs 0.15.2 calls \"none\")" } else { "" };
                Err(cannot_encode(format_args!(
                    "delta_spec {v} is not supported by numcodecs 0.15.2 (\"auto\", \"none\", \"try_consecutive\" or \
                     \"try_lookback\"){hint}"
                )))
            }
        }
    }

    /// pco's chunk configuration, with numcodecs' checks in numcodecs' order.
    fn chunk_config(&self) -> Result<ChunkConfig> {
        let c = &self.config;
        let mode = match &c.mode_spec {
            PcodecModeSpec::Auto => ModeSpec::Auto,
            PcodecModeSpec::Classic => ModeSpec::Classic,
            PcodecModeSpec::Other(v) => {
                return Err(cannot_encode(format_args!("mode_spec {v} is not supported (\"auto\" or \"classic\")")))
            }
        };
        let delta = self.delta_spec()?;
        if let PcodecPagingSpec::Other(v) = &c.paging_spec {
            return Err(cannot_encode(format_args!("paging_spec {v} is not supported (only \"equal_pages_up_to\")")));
        }
        let pages = usize::try_from(c.equal_pages_up_to).ok().filter(|&n| n >= 1).ok_or_else(|| {
            cannot_encode(format_args!(
                "equal_pages_up_to must be at least 1, got {} (pco divides by it: 0 makes numcodecs' pcodec panic)",
                c.equal_pages_up_to
            ))
        })?;
        let level = usize::try_from(c.level)
            .ok()
            .filter(|&l| l as u64 <= MAX_LEVEL as u64)
            .ok_or_else(|| cannot_encode(format_args!("level must be 0 to {MAX_LEVEL}, got {}", c.level)))?;
        Ok(ChunkConfig::default()
            .with_compression_level(level)
            .with_mode_spec(mode)
            .with_delta_spec(delta)
            .with_paging_spec(PagingSpec::EqualPagesUpTo(pages)))
    }
}

impl StaticCodec for Pcodec {
    const CODEC_ID: &'static str = ID;
    type Config = PcodecConfig;

    /// Any configuration numcodecs 0.15.2's `PCodec.__init__` takes builds (unknown keys
    /// are refused, as its keyword arguments are).
    fn from_config(config: PcodecConfig) -> Result<Self> {
        Ok(Pcodec { config })
    }

    fn config(&self) -> PcodecConfig {
        self.config.clone()
    }
}

zarrcodecs_core::register_static_codec!(PCODEC_REGISTRATION: Pcodec);

/// pco's number type byte of a dtype, if pco takes that dtype.
fn number_type_byte(dtype: DType) -> Option<u8> {
    if dtype.byte_order() != ByteOrder::NATIVE {
        return None;
    }
    Some(match (dtype.kind(), dtype.itemsize()) {
        (DTypeKind::UInt, 2) => u16::NUMBER_TYPE_BYTE,
        (DTypeKind::UInt, 4) => u32::NUMBER_TYPE_BYTE,
        (DTypeKind::UInt, 8) => u64::NUMBER_TYPE_BYTE,
        (DTypeKind::Int, 2) => i16::NUMBER_TYPE_BYTE,
        (DTypeKind::Int, 4) => i32::NUMBER_TYPE_BYTE,
        (DTypeKind::Int, 8) => i64::NUMBER_TYPE_BYTE,
        (DTypeKind::Float, 2) => f16::NUMBER_TYPE_BYTE,
        (DTypeKind::Float, 4) => f32::NUMBER_TYPE_BYTE,
        (DTypeKind::Float, 8) => f64::NUMBER_TYPE_BYTE,
        _ => return None,
    })
}

/// The native-order dtype numpy gives pco's number type `byte`.
fn dtype_of(byte: u8) -> Option<DType> {
    let (kind, size) = match byte {
        b if b == u16::NUMBER_TYPE_BYTE => (DTypeKind::UInt, 2),
        b if b == u32::NUMBER_TYPE_BYTE => (DTypeKind::UInt, 4),
        b if b == u64::NUMBER_TYPE_BYTE => (DTypeKind::UInt, 8),
        b if b == i16::NUMBER_TYPE_BYTE => (DTypeKind::Int, 2),
        b if b == i32::NUMBER_TYPE_BYTE => (DTypeKind::Int, 4),
        b if b == i64::NUMBER_TYPE_BYTE => (DTypeKind::Int, 8),
        b if b == f16::NUMBER_TYPE_BYTE => (DTypeKind::Float, 2),
        b if b == f32::NUMBER_TYPE_BYTE => (DTypeKind::Float, 4),
        b if b == f64::NUMBER_TYPE_BYTE => (DTypeKind::Float, 8),
        _ => return None,
    };
    DType::new(kind, ByteOrder::NATIVE, size).ok()
}

/// Runs `$body` with `$t` bound to the Rust type of pco's number type byte `$byte`.
macro_rules! with_number_type {
    ($byte:expr, $t:ident => $body:expr, $otherwise:expr) => {
        match $byte {
            b if b == u16::NUMBER_TYPE_BYTE => {
                type $t = u16;
                $body
            }
            b if b == u32::NUMBER_TYPE_BYTE => {
                type $t = u32;
                $body
            }
            b if b == u64::NUMBER_TYPE_BYTE => {
                type $t = u64;
                $body
            }
            b if b == i16::NUMBER_TYPE_BYTE => {
                type $t = i16;
                $body
            }
            b if b == i32::NUMBER_TYPE_BYTE => {
                type $t = i32;
                $body
            }
            b if b == i64::NUMBER_TYPE_BYTE => {
                type $t = i64;
                $body
            }
            b if b == f16::NUMBER_TYPE_BYTE => {
                type $t = f16;
                $body
            }
            b if b == f32::NUMBER_TYPE_BYTE => {
                type $t = f32;
                $body
            }
            b if b == f64::NUMBER_TYPE_BYTE => {
                type $t = f64;
                $body
            }
            _ => $otherwise,
        }
    };
}

fn pco_error(e: &PcoError) -> Error {
    match e.kind {
        ErrorKind::InvalidArgument => Error::unsupported_input(ID, e),
        ErrorKind::Io(_) => Error::library(ID, e),
        _ => Error::corrupt(ID, e),
    }
}

fn compress<T: Number + Pod>(input: &ArrayView<'_>, config: &ChunkConfig) -> Result<Vec<u8>> {
    let compress = |nums: &[T]| pco::standalone::simple_compress(nums, config).map_err(|e| pco_error(&e));
    match input.as_slice::<T>() {
        Ok(nums) => compress(nums),
        // Unaligned input: copy it once.
        Err(_) => compress(&bytemuck::pod_collect_to_vec::<u8, T>(input.as_bytes())),
    }
}

/// Where decoded numbers go: a buffer that grows up to the limit, or the caller's.
enum Out<'a> {
    Grow { buf: AlignedBuf, hint: usize, limit: usize },
    Fixed(&'a mut [u8]),
}

/// Decodes every chunk of type `T` after the file header into `out`, returning the
/// number of bytes written.
fn decompress_chunks<T: Number + Pod>(fd: &FileDecompressor, mut src: &[u8], out: &mut Out<'_>) -> Result<usize> {
    let size = std::mem::size_of::<T>();
    let mut written = 0usize;
    loop {
        let mut cd = match fd.chunk_decompressor::<T, &[u8]>(src).map_err(|e| pco_error(&e))? {
            MaybeChunkDecompressor::Some(cd) => cd,
            // Bytes after the termination byte are ignored, as pcodec does.
            MaybeChunkDecompressor::EndOfData(_) => return Ok(written),
        };
        let bytes = cd.n().checked_mul(size).and_then(|b| b.checked_add(written));
        let end = match out {
            Out::Grow { buf, hint, limit } => {
                let end = bytes.filter(|&e| e <= *limit).ok_or_else(|| Error::DecodedSizeLimit {
                    codec: ID.into(),
                    size: bytes.map_or(u64::MAX, |b| b as u64),
                    limit: *limit as u64,
                })?;
                if end > buf.len() {
                    // Grow geometrically (or to the header's plausible hint) so that
                    // many chunks cost amortised linear time.
                    let target = end.max(buf.len().saturating_mul(2)).max(*hint).min(*limit);
                    if buf.is_empty() {
                        // pco writes every number of a chunk (checked below) and the
                        // bytes past the last chunk are truncated away: no zero-fill
                        // of the first buffer, which was 0.46 ms of an 8 MiB decode,
                        // and it comes from the thread's buffer cache.
                        *buf = AlignedBuf::for_overwrite(target)?;
                    } else {
                        buf.resize(target)?;
                    }
                }
                end
            }
            Out::Fixed(dst) => bytes.filter(|&e| e <= dst.len()).ok_or_else(|| Error::OutputSizeMismatch {
                codec: ID.into(),
                expected: dst.len(),
                actual: bytes.unwrap_or(usize::MAX),
            })?,
        };
        let region = match out {
            Out::Grow { buf, .. } => &mut buf.as_mut_slice()[written..end],
            Out::Fixed(dst) => &mut dst[written..end],
        };
        let dst: &mut [T] = bytemuck::try_cast_slice_mut(region)
            .map_err(|e| Error::library(ID, format_args!("output not aligned for its dtype: {e}")))?;
        let progress = cd.decompress(dst).map_err(|e| pco_error(&e))?;
        if !progress.finished || progress.n_processed != dst.len() {
            return Err(Error::corrupt(ID, "a chunk decoded to fewer numbers than it declares"));
        }
        written = end;
        src = cd.into_src();
    }
}

/// Reads the file header and the first chunk's number type (`None`: no chunks).
fn open(src: &[u8]) -> Result<(FileDecompressor, &[u8], Option<u8>)> {
    let (fd, rest) = FileDecompressor::new(src).map_err(|e| pco_error(&e))?;
    let byte = match fd.peek_number_type_or_termination(rest).map_err(|e| pco_error(&e))? {
        NumberTypeOrTermination::Termination => None,
        other => Some(u8::from(other)),
    };
    Ok((fd, rest, byte))
}

impl Codec for Pcodec {
    fn encode(&self, data: DataRef<'_>) -> Result<Data> {
        let input = data.require_array(ID)?;
        // numcodecs builds pco's configuration first, then looks at the data.
        let config = self.chunk_config()?;
        let dtype = input.dtype();
        let byte = number_type_byte(dtype).ok_or_else(|| Error::UnsupportedDType {
            codec: ID.into(),
            dtype,
            reason: "pcodec takes native-order (little-endian) u2, u4, u8, i2, i4, i8, f2, f4 and f8 arrays".into(),
        })?;
        if config.delta_spec == DeltaSpec::TryLookback {
            // pco 0.4.8 writes a chunk it cannot read back for a one-number page with
            // lookback deltas ("unable to decompress chunk with no bins"); numcodecs
            // writes it anyway. Refuse rather than write data that cannot be decoded.
            let pages = config.paging_spec.n_per_page(input.len()).map_err(|e| pco_error(&e))?;
            if pages.contains(&1) {
                return Err(Error::unsupported_input(
                    ID,
                    "delta_spec 'try_lookback' with a page of one number: pco 0.4.8 (and numcodecs) would write a stream that cannot be decoded",
                ));
            }
        }
        let bytes = with_number_type!(byte, T => compress::<T>(input, &config)?, unreachable_type(byte)?);
        Ok(NdArray::from_buf(AlignedBuf::from_slice(&bytes)?).into())
    }

    fn decode_with(&self, encoded: DataRef<'_>, options: &DecodeOptions) -> Result<Data> {
        let src = encoded.require_bytes(ID)?;
        let (fd, rest, byte) = open(src)?;
        let Some(byte) = byte else {
            // No chunks: numcodecs returns None; we return an empty byte array.
            return Ok(NdArray::from_buf(AlignedBuf::new()).into());
        };
        let dtype =
            dtype_of(byte).ok_or_else(|| Error::corrupt(ID, format_args!("unknown number type byte {byte}")))?;
        // The header's count is trusted for a first allocation only when plausible.
        let hint = fd.n_hint().saturating_mul(dtype.itemsize());
        let limit = options.decoded_size_limit();
        let hint = if hint / 1024 <= src.len() { hint.min(limit) } else { 0 };
        let mut out = Out::Grow { buf: AlignedBuf::new(), hint, limit };
        let written =
            with_number_type!(byte, T => decompress_chunks::<T>(&fd, rest, &mut out)?, unreachable_type(byte)?);
        let Out::Grow { mut buf, .. } = out else { return Err(Error::library(ID, "lost the output buffer")) };
        buf.truncate(written);
        let n = written / dtype.itemsize();
        Ok(NdArray::new(buf, dtype, vec![n])?.into())
    }

    fn decode_into_with(
        &self,
        encoded: DataRef<'_>,
        out: &mut ArrayViewMut<'_>,
        options: &DecodeOptions,
    ) -> Result<()> {
        let src = encoded.require_bytes(ID)?;
        let (fd, rest, byte) = open(src)?;
        let dst = out.as_bytes_mut();
        let Some(byte) = byte else {
            return zarrcodecs_core::copy_decoded(ID, &[], dst);
        };
        let dtype =
            dtype_of(byte).ok_or_else(|| Error::corrupt(ID, format_args!("unknown number type byte {byte}")))?;
        if !dst.len().is_multiple_of(dtype.itemsize()) || dst.as_ptr().align_offset(dtype.itemsize()) != 0 {
            // Not a whole number of items, or not aligned for them: decode, then copy.
            // The options' limit bounds this allocation. A limit of `dst.len()` would
            // bound it tighter but turn a stream too large for the buffer from an
            // OutputSizeMismatch (what the direct path reports) into a DecodedSizeLimit.
            let decoded = self.decode_with(encoded, options)?;
            return zarrcodecs_core::copy_decoded(ID, decoded.as_bytes().unwrap_or(&[]), dst);
        }
        let len = dst.len();
        let mut sink = Out::Fixed(dst);
        let written =
            with_number_type!(byte, T => decompress_chunks::<T>(&fd, rest, &mut sink)?, unreachable_type(byte)?);
        if written != len {
            return Err(Error::OutputSizeMismatch { codec: ID.into(), expected: len, actual: written });
        }
        Ok(())
    }
}

fn unreachable_type<T>(byte: u8) -> Result<T> {
    Err(Error::corrupt(ID, format_args!("unknown number type byte {byte}")))
}

#[cfg(test)]
mod tests;
