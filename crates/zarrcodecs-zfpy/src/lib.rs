#![doc = include_str!("../README.md")]
#![deny(unsafe_code)]

mod zfp;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Number, Value};
use zarrcodecs_core::{
    AlignedBuf, ArrayView, ArrayViewMut, ByteOrder, Codec, DType, DTypeKind, Data, DataRef, DecodeOptions, Error,
    NdArray, Result, StaticCodec,
};

pub(crate) const ID: &str = "zfpy";

/// zfpy's `mode_fixed_rate`.
pub const MODE_FIXED_RATE: i64 = 2;
/// zfpy's `mode_fixed_precision`.
pub const MODE_FIXED_PRECISION: i64 = 3;
/// zfpy's `mode_fixed_accuracy` (numcodecs' default).
pub const MODE_FIXED_ACCURACY: i64 = 4;

/// A zfp compression mode with its one parameter, as numcodecs' `ZFPY(mode, tolerance,
/// rate, precision)` uses them (the other two parameters are ignored). A negative
/// parameter selects zfp's reversible (lossless) mode, as in zfpy.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum ZfpyMode {
    /// [`MODE_FIXED_RATE`] (2) with `rate`, in bits per value (below [`MAX_RATE`]).
    FixedRate(f64),
    /// [`MODE_FIXED_PRECISION`] (3) with `precision`, in bit planes (a C `int`).
    FixedPrecision(i64),
    /// [`MODE_FIXED_ACCURACY`] (4, numcodecs' default) with `tolerance`, the absolute
    /// error bound.
    FixedAccuracy(f64),
}

impl ZfpyMode {
    /// zfpy's integer for the mode: the `mode` of the configuration.
    pub const fn code(self) -> i64 {
        match self {
            ZfpyMode::FixedRate(_) => MODE_FIXED_RATE,
            ZfpyMode::FixedPrecision(_) => MODE_FIXED_PRECISION,
            ZfpyMode::FixedAccuracy(_) => MODE_FIXED_ACCURACY,
        }
    }
}

/// The largest `rate` accepted: zfp converts `4^dims * rate` to a 32-bit integer.
pub const MAX_RATE: f64 = (1u64 << 24) as f64;

/// The configuration of [`Zfpy`], numcodecs' `ZFPY.get_config()` without `"id"`:
/// `{"mode": 4, "compression_kwargs": {"tolerance": -1}, "tolerance": -1, "rate": -1,
/// "precision": -1}`. Numbers keep the JSON form they were given (`-1` or `-1.0`), as
/// Python keeps the objects it was given.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ZfpyConfig {
    /// 2 (fixed rate), 3 (fixed precision) or 4 (fixed accuracy, default).
    #[serde(default = "default_mode")]
    pub mode: i64,
    /// What numcodecs passes to `zfpy.compress_numpy`: `{"tolerance": ..}`, `{"rate": ..}`
    /// or `{"precision": ..}` for modes 4, 2, 3. Ignored on input (numcodecs recomputes
    /// it from `mode`); written by `get_config`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compression_kwargs: Option<Map<String, Value>>,
    /// The absolute error bound of mode 4; negative: lossless (zfp's reversible mode).
    #[serde(default = "minus_one")]
    pub tolerance: Number,
    /// Bits per value of mode 2; negative: reversible.
    #[serde(default = "minus_one")]
    pub rate: Number,
    /// Bit planes of mode 3; negative: reversible.
    #[serde(default = "minus_one_i64")]
    pub precision: i64,
}

fn default_mode() -> i64 {
    MODE_FIXED_ACCURACY
}

fn minus_one() -> Number {
    Number::from(-1)
}

fn minus_one_i64() -> i64 {
    -1
}

impl Default for ZfpyConfig {
    fn default() -> Self {
        ZfpyConfig {
            mode: MODE_FIXED_ACCURACY,
            compression_kwargs: None,
            tolerance: minus_one(),
            rate: minus_one(),
            precision: -1,
        }
    }
}

/// numcodecs' `ZFPY` (id `zfpy`): zfp 1.0.1 with zfp's full header (magic, type,
/// shape, mode), as `zfpy.compress_numpy(arr, write_header=True)` writes it.
#[derive(Clone, Debug, PartialEq)]
pub struct Zfpy {
    config: ZfpyConfig,
}

impl Default for Zfpy {
    /// numcodecs' default: mode 4 with tolerance -1, which is zfp's reversible mode.
    fn default() -> Self {
        Zfpy { config: ZfpyConfig::default() }
    }
}

impl Zfpy {
    /// The codec with this mode and parameter (numcodecs' `ZFPY(mode=..., tolerance=...)`
    /// and so on); the unused parameters keep numcodecs' default, -1. A float parameter
    /// is written as a JSON float, as Python writes a float argument.
    ///
    /// # Errors
    /// [`Error::InvalidConfig`] for a parameter that is not finite (JSON cannot hold
    /// it). A rate of [`MAX_RATE`] or more, or a precision that does not fit a C `int`,
    /// builds a codec that refuses to encode, as numcodecs' does.
    pub fn new(mode: ZfpyMode) -> Result<Self> {
        let float = |x: f64, name: &str| {
            Number::from_f64(x)
                .ok_or_else(|| Error::invalid_config(ID, format_args!("{name} must be a finite number, got {x}")))
        };
        let mut config = ZfpyConfig { mode: mode.code(), ..ZfpyConfig::default() };
        match mode {
            ZfpyMode::FixedRate(rate) => config.rate = float(rate, "rate")?,
            ZfpyMode::FixedPrecision(precision) => config.precision = precision,
            ZfpyMode::FixedAccuracy(tolerance) => config.tolerance = float(tolerance, "tolerance")?,
        }
        Self::from_config(config)
    }
}

fn number(n: &Number, name: &str) -> Result<f64> {
    n.as_f64()
        .filter(|x| x.is_finite())
        .ok_or_else(|| Error::invalid_config(ID, format_args!("{name} must be a finite number, got {n}")))
}

impl StaticCodec for Zfpy {
    const CODEC_ID: &'static str = ID;
    type Config = ZfpyConfig;

    /// Any configuration numcodecs 0.15.2's `ZFPY.__init__` takes builds: it checks
    /// nothing, and its decode uses nothing (zfp's header describes the stream).
    /// Encoding refuses what numcodecs cannot encode with: a mode other than 2, 3 or 4,
    /// a precision beyond a C `int`, and a rate of [`MAX_RATE`] or more.
    fn from_config(mut config: ZfpyConfig) -> Result<Self> {
        config.compression_kwargs = None;
        Ok(Zfpy { config })
    }

    fn config(&self) -> ZfpyConfig {
        let mut config = self.config.clone();
        // numcodecs sets compression_kwargs for the three modes it encodes with only.
        let (key, value) = match config.mode {
            MODE_FIXED_RATE => ("rate", Value::Number(config.rate.clone())),
            MODE_FIXED_PRECISION => ("precision", Value::from(config.precision)),
            MODE_FIXED_ACCURACY => ("tolerance", Value::Number(config.tolerance.clone())),
            _ => return config,
        };
        config.compression_kwargs = Some(Map::from_iter([(key.to_string(), value)]));
        config
    }
}

zarrcodecs_core::register_static_codec!(ZFPY_REGISTRATION: Zfpy);

fn zfp_type(dtype: DType) -> Option<zfp::ZfpType> {
    if dtype.byte_order() != ByteOrder::NATIVE {
        return None;
    }
    Some(match (dtype.kind(), dtype.itemsize()) {
        (DTypeKind::Int, 4) => zfp::ZfpType::Int32,
        (DTypeKind::Int, 8) => zfp::ZfpType::Int64,
        (DTypeKind::Float, 4) => zfp::ZfpType::Float,
        (DTypeKind::Float, 8) => zfp::ZfpType::Double,
        _ => return None,
    })
}

fn dtype_of(ztype: zfp::ZfpType) -> Result<DType> {
    let (kind, size) = match ztype {
        zfp::ZfpType::Int32 => (DTypeKind::Int, 4),
        zfp::ZfpType::Int64 => (DTypeKind::Int, 8),
        zfp::ZfpType::Float => (DTypeKind::Float, 4),
        zfp::ZfpType::Double => (DTypeKind::Float, 8),
    };
    DType::new(kind, ByteOrder::NATIVE, size)
}

/// The header of a `zfpy` buffer: the dtype and shape it decodes to.
///
/// # Errors
/// [`Error::Corrupt`] if `encoded` does not start with a valid zfp full header.
pub fn decoded_dtype_and_shape(encoded: &[u8]) -> Result<(DType, Vec<usize>)> {
    let h = zfp::header(encoded)?;
    Ok((dtype_of(h.ztype)?, h.shape))
}

/// The header of `src`, refused with [`Error::DecodedSizeLimit`] if the array it
/// declares is larger than `limit` bytes.
fn checked_header(src: &[u8], limit: usize) -> Result<zfp::Header> {
    let header = zfp::header(src)?;
    if header.nbytes > limit {
        return Err(Error::DecodedSizeLimit { codec: ID.into(), size: header.nbytes as u64, limit: limit as u64 });
    }
    Ok(header)
}

impl Zfpy {
    /// The zfp mode an encode uses: zfpy's `_set_compression_mode` with the one
    /// parameter numcodecs passes (a negative one means reversible).
    ///
    /// Errors:
    /// [`Error::InvalidConfig`] for what numcodecs cannot encode with: a mode other
    /// than 2, 3 or 4 (numcodecs raises `AttributeError`), a precision beyond a C
    /// `int` (`OverflowError`); and a rate of [`MAX_RATE`] or more, which zfp cannot
    /// represent.
    pub(crate) fn zfp_mode(&self) -> Result<zfp::Mode> {
        let config = &self.config;
        Ok(match config.mode {
            MODE_FIXED_ACCURACY => {
                let tolerance = number(&config.tolerance, "tolerance")?;
                if tolerance >= 0.0 {
                    zfp::Mode::Accuracy(tolerance)
                } else {
                    zfp::Mode::Reversible
                }
            }
            MODE_FIXED_RATE => {
                let rate = number(&config.rate, "rate")?;
                if rate < 0.0 {
                    zfp::Mode::Reversible
                } else if rate >= MAX_RATE {
                    return Err(Error::invalid_config(
                        ID,
                        format_args!("cannot encode with rate {rate}: zfp takes rates below 2^24"),
                    ));
                } else {
                    zfp::Mode::Rate(rate)
                }
            }
            MODE_FIXED_PRECISION => {
                if i32::try_from(config.precision).is_err() {
                    return Err(Error::invalid_config(
                        ID,
                        format_args!("cannot encode with precision {}: it must fit a C int", config.precision),
                    ));
                }
                match u32::try_from(config.precision) {
                    Ok(p) => zfp::Mode::Precision(p),
                    Err(_) => zfp::Mode::Reversible,
                }
            }
            other => {
                return Err(Error::invalid_config(
                    ID,
                    format_args!(
                        "cannot encode with mode {other}: numcodecs encodes with 2 (fixed rate), 3 (fixed precision) \
                         or 4 (fixed accuracy) only"
                    ),
                ))
            }
        })
    }

    fn encode_view(&self, input: &ArrayView<'_>) -> Result<AlignedBuf> {
        let mode = self.zfp_mode()?;
        let dtype = input.dtype();
        let ztype = zfp_type(dtype).ok_or_else(|| Error::UnsupportedDType {
            codec: ID.into(),
            dtype,
            reason: "zfpy takes native-order (little-endian) i4, i8, f4 and f8 arrays".into(),
        })?;
        let shape = input.shape();
        if shape.is_empty() || shape.len() > 4 {
            return Err(Error::unsupported_input(ID, format_args!("zfp takes 1 to 4 dimensions, got shape {shape:?}")));
        }
        if shape.contains(&0) {
            // numcodecs 0.15.2 crashes on these (zfp's header cannot hold a size of 0).
            return Err(Error::unsupported_input(
                ID,
                format_args!("zfp cannot encode an empty array (shape {shape:?})"),
            ));
        }
        let bytes = input.as_bytes();
        if bytes.as_ptr().align_offset(ztype.size()) == 0 {
            zfp::compress(bytes, ztype, shape, mode)
        } else {
            let aligned = AlignedBuf::from_slice(bytes)?;
            zfp::compress(aligned.as_slice(), ztype, shape, mode)
        }
    }
}

impl Codec for Zfpy {
    fn encode(&self, data: DataRef<'_>) -> Result<Data> {
        let input = data.require_array(ID)?;
        Ok(NdArray::from_buf(self.encode_view(input)?).into())
    }

    fn decode_with(&self, encoded: DataRef<'_>, options: &DecodeOptions) -> Result<Data> {
        let src = encoded.require_bytes(ID)?;
        let header = checked_header(src, options.decoded_size_limit())?;
        // zfp writes every value of the field (edge blocks partially): no zero-fill.
        let mut out = AlignedBuf::for_overwrite(header.nbytes)?;
        zfp::decompress(src, out.as_mut_slice(), &header)?;
        Ok(NdArray::new(out, dtype_of(header.ztype)?, header.shape)?.into())
    }

    fn decode_into_with(
        &self,
        encoded: DataRef<'_>,
        out: &mut ArrayViewMut<'_>,
        options: &DecodeOptions,
    ) -> Result<()> {
        let src = encoded.require_bytes(ID)?;
        // The caller's buffer bounds the size (another size is an OutputSizeMismatch
        // below); the options' limit keeps the checks in `decode`'s order (a header
        // over it is a DecodedSizeLimit, whatever the buffer).
        let header = checked_header(src, options.decoded_size_limit())?;
        let dst = out.as_bytes_mut();
        if dst.len() != header.nbytes {
            return Err(Error::OutputSizeMismatch { codec: ID.into(), expected: dst.len(), actual: header.nbytes });
        }
        if dst.as_ptr().align_offset(header.ztype.size()) == 0 {
            return zfp::decompress(src, dst, &header);
        }
        let mut tmp = AlignedBuf::for_overwrite(header.nbytes)?;
        zfp::decompress(src, tmp.as_mut_slice(), &header)?;
        dst.copy_from_slice(tmp.as_slice());
        Ok(())
    }
}

#[cfg(test)]
mod tests;
