#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]

use serde::{Deserialize, Serialize};
use zarrcodecs_core::{
    ArrayView, ArrayViewMut, Codec, DType, Data, DataRef, DecodeOptions, Decoded, Error, NdArray, Result, StaticCodec,
};
use zarrcodecs_kernels::cast::{self, f16, CastFrom, Element, FloatArith, NumType};

/// numcodecs' `digits`: a Python int or float, written back as it was given (`2`
/// stays `2`, `2.0` stays `2.0`). numcodecs only uses it in `10.0 ** -digits`, so a
/// float such as `2.5` works (it keeps between 2 and 3 decimal digits).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Digits {
    /// An integer number of digits.
    Int(i64),
    /// A float number of digits (finite in JSON).
    Float(f64),
}

impl Digits {
    /// The value as Python's `float(digits)` gives it.
    #[allow(clippy::cast_precision_loss)]
    pub fn as_f64(self) -> f64 {
        match self {
            Digits::Int(d) => d as f64,
            Digits::Float(d) => d,
        }
    }
}

impl From<i64> for Digits {
    fn from(d: i64) -> Self {
        Digits::Int(d)
    }
}

impl From<i32> for Digits {
    fn from(d: i32) -> Self {
        Digits::Int(d.into())
    }
}

impl From<f64> for Digits {
    fn from(d: f64) -> Self {
        Digits::Float(d)
    }
}

impl std::fmt::Display for Digits {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Digits::Int(d) => write!(f, "{d}"),
            Digits::Float(d) => write!(f, "{d:?}"),
        }
    }
}

/// The configuration of [`Quantize`]: numcodecs' `{"digits": ..., "dtype": ..., "astype": ...}`.
/// `astype` may be missing or `null` (then it is `dtype`); it is always written.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuantizeConfig {
    /// Decimal digits of precision to keep: an integer or a float.
    pub digits: Digits,
    /// The dtype of the decoded data.
    #[serde(deserialize_with = "dtype_field")]
    pub dtype: DType,
    /// The dtype of the encoded data (`None`: `dtype`).
    #[serde(default, deserialize_with = "optional_dtype_field")]
    pub astype: Option<DType>,
}

/// numcodecs' `Quantize` (id `quantize`): encodes `np.around(scale * x) / scale` cast to
/// `astype`, where `scale = 2**ceil(log2(10**digits))` (computed as numcodecs does);
/// decoding only casts back to `dtype`. Lossy; the shape is kept.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Quantize {
    digits: Digits,
    dtype: DType,
    astype: DType,
    t: NumType,
    a: NumType,
    /// The scale, or why numcodecs' Python arithmetic raises for these digits.
    scale: std::result::Result<f64, &'static str>,
}

/// Whether `text` names numpy's long double (`f16`/`float128` on x86_64 Linux,
/// `f12`/`float96` on 32-bit x86), which numcodecs accepts.
fn is_long_double(text: &str) -> bool {
    let t = text.trim_start_matches(['<', '>', '=', '|']);
    matches!(t, "f16" | "f12" | "g" | "float128" | "float96" | "longdouble" | "longfloat")
}

/// A dtype, with a clear refusal of numpy's long double.
fn dtype_field<'de, D: serde::Deserializer<'de>>(deserializer: D) -> std::result::Result<DType, D::Error> {
    let text = String::deserialize(deserializer)?;
    if is_long_double(&text) {
        return Err(serde::de::Error::custom(format_args!(
            "{text} is numpy's long double (on x86_64 80-bit extended precision in 16 bytes): numcodecs accepts it, \
             but Rust has no such float type, so it is not supported (use f2, f4 or f8)"
        )));
    }
    text.parse().map_err(serde::de::Error::custom)
}

/// [`dtype_field`] for a dtype that may be `null`.
fn optional_dtype_field<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> std::result::Result<Option<DType>, D::Error> {
    #[derive(Deserialize)]
    struct Field(#[serde(deserialize_with = "dtype_field")] DType);
    Ok(Option::<Field>::deserialize(deserializer)?.map(|f| f.0))
}

fn float(dtype: DType, key: &str) -> Result<NumType> {
    match NumType::of(dtype) {
        Some(t) if t.is_float() => Ok(t),
        _ => Err(Error::invalid_config(
            Quantize::CODEC_ID,
            format_args!("{key} {dtype} is not supported: only floating point data types are supported (f2, f4, f8)"),
        )),
    }
}

/// numcodecs' scale, with Python's float semantics (C `pow`, `log10`, `log2`; overflow
/// raises `OverflowError`, `log10(0)` raises `ValueError`).
#[allow(clippy::cast_precision_loss, clippy::cast_possible_truncation)]
fn scale_for(digits: f64) -> std::result::Result<f64, &'static str> {
    // precision = 10.0 ** -digits
    let precision = 10f64.powf(-digits);
    if precision.is_infinite() {
        return Err("10.0 ** -digits overflows (numcodecs raises OverflowError)");
    }
    // exp = math.log10(precision)
    if precision <= 0.0 {
        return Err("log10(10.0 ** -digits) is a math domain error (numcodecs raises ValueError)");
    }
    let exp = precision.log10();
    if exp.is_nan() {
        return Err("math.floor/ceil of NaN (numcodecs raises ValueError)");
    }
    if exp.is_infinite() {
        return Err("math.ceil of infinity (numcodecs raises OverflowError)");
    }
    let exp = if exp < 0.0 { exp.floor() } else { exp.ceil() };
    // bits = math.ceil(math.log2(10.0 ** -exp))
    let p = 10f64.powf(-exp);
    if p.is_infinite() {
        return Err("10.0 ** -exp overflows (numcodecs raises OverflowError)");
    }
    if p <= 0.0 {
        return Err("log2(10.0 ** -exp) is a math domain error (numcodecs raises ValueError)");
    }
    let bits = p.log2().ceil();
    // scale = 2.0 ** bits
    let scale = 2f64.powf(bits);
    if scale.is_infinite() {
        return Err("2.0 ** bits overflows (numcodecs raises OverflowError)");
    }
    Ok(scale)
}

/// `np.around(scale * x) / scale` of `src` (of `dtype`, type `F`), cast to `astype`
/// (type `A`) as one array, into a new array of `shape`.
fn encode_as<F: FloatArith, A: Element + CastFrom<F>>(
    src: &[u8],
    dtype: DType,
    astype: DType,
    shape: Vec<usize>,
    scale: f64,
) -> Result<NdArray>
where
    f64: CastFrom<F>,
{
    let s = F::cast_from(scale);
    // x / s is x * (1 / s) when 1 / s is exact (s is a power of two): the same real
    // number, so the same rounding; a multiplication is much faster than a division.
    let one = F::cast_from(1.0);
    let r = one.np_div(s);
    let s64 = f64::cast_from(s);
    let power_of_two = s64.is_finite() && s64 != 0.0 && s64.to_bits() & 0x000f_ffff_ffff_ffff == 0;
    let exact = power_of_two && f64::cast_from(r.np_mul(s)) == 1.0;
    let swap = dtype.byte_order().is_swapped();
    if exact {
        cast::map_new::<F, F, A>(src, swap, astype, shape, move |v, hw| s.np_mul(v).np_rint_hw(hw).np_mul(r))
    } else {
        cast::map_new::<F, F, A>(src, swap, astype, shape, move |v, hw| s.np_mul(v).np_rint_hw(hw).np_div(s))
    }
}

/// [`encode_as`] for the astype's type.
fn encode_typed<F: FloatArith>(
    src: &[u8],
    dtype: DType,
    astype: DType,
    a: NumType,
    shape: Vec<usize>,
    scale: f64,
) -> Result<NdArray>
where
    f64: CastFrom<F>,
    f16: CastFrom<F>,
    f32: CastFrom<F>,
{
    match a {
        NumType::F2 => encode_as::<F, f16>(src, dtype, astype, shape, scale),
        NumType::F4 => encode_as::<F, f32>(src, dtype, astype, shape, scale),
        _ => encode_as::<F, f64>(src, dtype, astype, shape, scale),
    }
}

impl Quantize {
    /// The codec keeping `digits` decimal digits (an integer or a float) of `dtype`
    /// data, encoded as `astype` (`None`: `dtype`).
    ///
    /// # Errors
    /// [`Error::InvalidConfig`] if a dtype is not a float dtype.
    pub fn new(digits: impl Into<Digits>, dtype: DType, astype: Option<DType>) -> Result<Self> {
        Self::from_config(QuantizeConfig { digits: digits.into(), dtype, astype })
    }

    /// The digits, as configured.
    pub fn digits(&self) -> Digits {
        self.digits
    }

    /// The scale numcodecs multiplies by (`None` if numcodecs raises for these digits).
    pub fn scale(&self) -> Option<f64> {
        self.scale.ok()
    }
}

impl StaticCodec for Quantize {
    const CODEC_ID: &'static str = "quantize";
    type Config = QuantizeConfig;

    fn from_config(config: QuantizeConfig) -> Result<Self> {
        let astype = config.astype.unwrap_or(config.dtype);
        let t = float(config.dtype, "dtype")?;
        let a = float(astype, "astype")?;
        Ok(Quantize {
            digits: config.digits,
            dtype: config.dtype,
            astype,
            t,
            a,
            scale: scale_for(config.digits.as_f64()),
        })
    }

    fn config(&self) -> QuantizeConfig {
        QuantizeConfig { digits: self.digits, dtype: self.dtype, astype: Some(self.astype) }
    }
}

impl Codec for Quantize {
    fn encode(&self, data: DataRef<'_>) -> Result<Data> {
        let scale = self
            .scale
            .map_err(|e| Error::invalid_config(Self::CODEC_ID, format_args!("digits {}: {e}", self.digits)))?;
        let arr = data.require_array(Self::CODEC_ID)?;
        let shape = cast::view_shape(Self::CODEC_ID, arr.shape(), arr.dtype().itemsize(), self.dtype)?;
        let (src, dt, at, a) = (arr.as_bytes(), self.dtype, self.astype, self.a);
        let out = match self.t {
            NumType::F2 => encode_typed::<f16>(src, dt, at, a, shape, scale)?,
            NumType::F4 => encode_typed::<f32>(src, dt, at, a, shape, scale)?,
            _ => encode_typed::<f64>(src, dt, at, a, shape, scale)?,
        };
        Ok(out.into())
    }

    fn decode_with(&self, encoded: DataRef<'_>, _options: &DecodeOptions) -> Result<Data> {
        let arr = encoded.require_array(Self::CODEC_ID)?;
        let shape = cast::view_shape(Self::CODEC_ID, arr.shape(), arr.dtype().itemsize(), self.astype)?;
        Ok(cast::cast_new(Self::CODEC_ID, arr.as_bytes(), self.astype, self.dtype, shape)?.into())
    }

    /// With `astype` equal to `dtype` (the usual configuration), the input itself viewed
    /// as `dtype`, as numcodecs' decode (`astype(dtype, copy=False)`) returns it: no
    /// copy. Otherwise a new array, as [`Codec::decode_with`].
    fn decode_borrowed_with<'a>(&self, encoded: DataRef<'a>, options: &DecodeOptions) -> Result<Decoded<'a>> {
        if self.astype != self.dtype {
            return self.decode_with(encoded, options).map(Decoded::Owned);
        }
        let arr = encoded.require_array(Self::CODEC_ID)?;
        let shape = cast::view_shape(Self::CODEC_ID, arr.shape(), arr.dtype().itemsize(), self.astype)?;
        Ok(Decoded::Borrowed(DataRef::Array(ArrayView::new(arr.as_bytes(), self.dtype, shape)?)))
    }

    fn decode_into_with(
        &self,
        encoded: DataRef<'_>,
        out: &mut ArrayViewMut<'_>,
        _options: &DecodeOptions,
    ) -> Result<()> {
        let arr = encoded.require_array(Self::CODEC_ID)?;
        let shape = cast::view_shape(Self::CODEC_ID, arr.shape(), arr.dtype().itemsize(), self.astype)?;
        let nbytes = self.dtype.nbytes(&shape).ok_or(Error::Allocation { size: usize::MAX })?;
        cast::check_out(Self::CODEC_ID, out.dtype(), out.as_bytes().len(), self.dtype, nbytes)?;
        cast::cast_bytes(Self::CODEC_ID, arr.as_bytes(), self.astype, out.as_bytes_mut(), self.dtype)
    }
}

zarrcodecs_core::register_static_codec!(QUANTIZE_REGISTRATION: Quantize);

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::float_cmp)]
mod tests {
    use super::*;
    use serde_json::json;
    use zarrcodecs_core::DynCodec;
    use zarrcodecs_core::{testing, CodecExt};

    fn dt(s: &str) -> DType {
        s.parse().unwrap()
    }

    /// `decode_borrowed` is `decode` without the copy where `astype` is `dtype`, and
    /// `decode` itself otherwise.
    #[test]
    fn decode_borrowed_is_decode_in_place_when_the_dtypes_agree() {
        let values: Vec<u8> = [1.25f64, -3.5, 7.0].iter().flat_map(|v| v.to_le_bytes()).collect();
        for (config, borrows) in [
            (json!({"id": "quantize", "digits": 2, "dtype": "<f8"}), true),
            (json!({"id": "quantize", "digits": 2, "dtype": "<f4", "astype": "<f4"}), true),
            (json!({"id": "quantize", "digits": 2, "dtype": "<f8", "astype": "<f4"}), false),
            (json!({"id": "quantize", "digits": 2, "dtype": "<f4", "astype": "<f8"}), false),
        ] {
            let codec = Quantize::from_json(&config).unwrap();
            let input = ArrayView::new(&values, dt("|u1"), vec![values.len()]).unwrap();
            let owned = codec.decode(DataRef::Array(input.clone())).unwrap();
            let borrowed = codec.decode_borrowed(DataRef::Array(input)).unwrap();
            assert_eq!(borrowed.is_borrowed(), borrows, "{config}");
            assert_eq!(borrowed.view(), owned.view(), "{config}");
            // Bytes that are not whole items are refused both ways.
            let bad = ArrayView::new(&values[..7], dt("|u1"), vec![7]).unwrap();
            assert!(
                codec.decode(DataRef::Array(bad.clone())).is_err()
                    && codec.decode_borrowed(DataRef::Array(bad)).is_err()
            );
        }
    }

    #[test]
    fn configs() {
        let c = Quantize::from_json(&json!({"id": "quantize", "digits": 2, "dtype": "<f8"})).unwrap();
        assert_eq!(c.get_config().unwrap(), json!({"id": "quantize", "digits": 2, "dtype": "<f8", "astype": "<f8"}));
        testing::assert_config_round_trip(&c);
        let c = Quantize::from_json(&json!({"id": "quantize", "digits": -3, "dtype": ">f4", "astype": "<f2"})).unwrap();
        testing::assert_config_round_trip(&c);
        // Float digits are kept as floats, as numcodecs writes them.
        for (d, s) in [(json!(2.5), 1024.0), (json!(2.0), 128.0), (json!(-1.5), 2f64.powi(-6)), (json!(1e-9), 16.0)] {
            let c = Quantize::from_json(&json!({"id": "quantize", "digits": d, "dtype": "<f8"})).unwrap();
            assert_eq!(c.get_config().unwrap()["digits"], d);
            assert_eq!(c.scale(), Some(s), "{d}");
            testing::assert_config_round_trip(&c);
        }
        let e = Quantize::from_json(&json!({"id": "quantize", "digits": 2, "dtype": "<f8", "astype": ">f16"}));
        let Err(Error::InvalidConfig { source: Some(source), .. }) = e else { panic!("{e:?}") };
        assert!(source.to_string().contains("long double"), "{source}");
        let c = Quantize::from_json(&json!({"id": "quantize", "digits": 2, "dtype": "<f4", "astype": null})).unwrap();
        assert_eq!(c.config().astype, Some(dt("<f4")));
        // NaN and infinite digits (no JSON form): numcodecs raises on encode.
        for d in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY, 307.5] {
            let c = Quantize::new(d, dt("<f8"), None).unwrap();
            assert!(matches!(c.encode_bytes(&[0; 8]), Err(Error::InvalidConfig { .. })), "{d}");
        }
        testing::assert_configs_rejected::<Quantize>(&[
            json!({"id": "quantize", "dtype": "<f8"}),
            json!({"id": "quantize", "digits": 2}),
            json!({"id": "quantize", "digits": true, "dtype": "<f8"}),
            json!({"id": "quantize", "digits": 2, "dtype": "<f16"}),
            json!({"id": "quantize", "digits": 2, "dtype": "longdouble"}),
            json!({"id": "quantize", "digits": 2, "dtype": "<f8", "astype": "<f16"}),
            json!({"id": "quantize", "digits": "2", "dtype": "<f8"}),
            json!({"id": "quantize", "digits": 2, "dtype": "<i4"}),
            json!({"id": "quantize", "digits": 2, "dtype": "<f8", "astype": "<i8"}),
            json!({"id": "quantize", "digits": 2, "dtype": "<c16"}),
            json!({"id": "quantize", "digits": 2, "dtype": "|O"}),
            json!({"id": "quantize", "digits": 2, "dtype": "<f8", "x": 1}),
            json!({"id": "delta", "digits": 2, "dtype": "<f8"}),
        ]);
    }

    #[test]
    fn scales_as_numcodecs() {
        // numcodecs: digits 1 -> 16, 2 -> 128, 3 -> 1024, 0 -> 1, -1 -> 0.125 (bits = ceil(log2(0.1)) = -3).
        for (d, s) in
            [(1, 16.0), (2, 128.0), (3, 1024.0), (0, 1.0), (-1, 0.125), (-3, 2f64.powi(-9)), (307, 2f64.powi(1020))]
        {
            assert_eq!(scale_for(f64::from(d)), Ok(s), "{d}");
        }
        // numcodecs raises OverflowError / ValueError for these: encode refuses, decode works.
        for d in [308, 400, -400, i64::MAX, i64::MIN] {
            #[allow(clippy::cast_precision_loss)]
            let f = d as f64;
            assert!(scale_for(f).is_err(), "{d}");
            let c = Quantize::new(d, dt("<f8"), None).unwrap();
            assert!(matches!(c.encode_bytes(&[0; 8]), Err(Error::InvalidConfig { .. })));
            assert_eq!(c.decode_bytes(&[0; 8]).unwrap().as_bytes(), &[0; 8]);
        }
    }

    #[test]
    fn sample_arrays() {
        // Every float sample array: the shape is kept, decoding casts back, and
        // quantizing twice changes nothing.
        for a in testing::sample_arrays() {
            if !matches!(NumType::of(a.dtype()), Some(t) if t.is_float()) {
                continue;
            }
            let c = Quantize::new(3, a.dtype(), Some(dt("<f8"))).unwrap();
            let e = c.encode(DataRef::from(&a)).unwrap().into_array().unwrap();
            assert_eq!((e.dtype(), e.shape()), (dt("<f8"), a.shape()));
            let d = c.decode(DataRef::from(&e)).unwrap().into_array().unwrap();
            assert_eq!((d.dtype(), d.shape()), (a.dtype(), a.shape()));
            let c8 = Quantize::new(3, dt("<f8"), None).unwrap();
            let again = c8.encode(DataRef::from(&e)).unwrap().into_array().unwrap();
            let (x, y) = (e.as_slice::<f64>().unwrap(), again.as_slice::<f64>().unwrap());
            assert!(x.iter().zip(y).all(|(p, q)| p.to_bits() == q.to_bits() || (p.is_nan() && q.is_nan())));
        }
    }

    #[test]
    fn docstring_example_and_errors() {
        // numcodecs' docstring: linspace(0, 1, 10) with digits=1.
        let c = Quantize::new(1, dt("<f8"), None).unwrap();
        let x: Vec<u8> = (0..10).flat_map(|i| (f64::from(i) / 9.0).to_le_bytes()).collect();
        let e = c.encode_bytes(&x).unwrap();
        assert_eq!(e.as_slice::<f64>().unwrap(), &[0.0, 0.125, 0.25, 0.3125, 0.4375, 0.5625, 0.6875, 0.75, 0.875, 1.0]);
        let a = NdArray::from_bytes(&x[..48], dt("<f8"), vec![2, 3]).unwrap();
        assert_eq!(c.encode(DataRef::from(&a)).unwrap().shape(), &[2, 3]);
        assert!(matches!(c.encode_bytes(&[0; 7]), Err(Error::UnsupportedInput { .. })));
        let mut out = [0u8; 8];
        let r =
            c.decode_into(DataRef::from(&[0u8; 8][..]), &mut ArrayViewMut::new(&mut out, dt("<i8"), vec![1]).unwrap());
        assert!(matches!(r, Err(Error::UnsupportedDType { .. })));
        let r = c.decode_into(DataRef::from(&[0u8; 16][..]), &mut ArrayViewMut::from_bytes(&mut out));
        assert!(matches!(r, Err(Error::OutputSizeMismatch { .. })));
    }
}
