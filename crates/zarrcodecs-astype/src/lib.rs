#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]

use serde::{Deserialize, Serialize};
use zarrcodecs_core::{
    ArrayView, ArrayViewMut, ByteOrder, Codec, DType, DTypeKind, Data, DataRef, DecodeOptions, Error, NdArray, Result,
    StaticCodec, TimeUnit,
};
use zarrcodecs_kernels::cast::{self, NumType};

/// The configuration of [`AsType`]: numcodecs' `{"encode_dtype": ..., "decode_dtype": ...}`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AsTypeConfig {
    /// The dtype of the encoded data.
    #[serde(deserialize_with = "dtype_field")]
    pub encode_dtype: DType,
    /// The dtype of the decoded data.
    #[serde(deserialize_with = "dtype_field")]
    pub decode_dtype: DType,
}

/// A dtype, with a clear refusal of numpy's long double (`f16`/`float128` on x86_64
/// Linux, `f12`/`float96` on 32-bit x86; `c32`, `c24` for its complex), which
/// numcodecs accepts.
fn dtype_field<'de, D: serde::Deserializer<'de>>(deserializer: D) -> std::result::Result<DType, D::Error> {
    let text = String::deserialize(deserializer)?;
    let t = text.trim_start_matches(['<', '>', '=', '|']);
    if matches!(
        t,
        "f16"
            | "f12"
            | "g"
            | "float128"
            | "float96"
            | "longdouble"
            | "longfloat"
            | "c32"
            | "c24"
            | "G"
            | "complex256"
            | "complex192"
            | "clongdouble"
    ) {
        return Err(serde::de::Error::custom(format_args!(
            "{text} is numpy's long double (on x86_64 80-bit extended precision in 16 bytes): numcodecs accepts it, \
             but Rust has no such float type, so it is not supported"
        )));
    }
    text.parse().map_err(serde::de::Error::custom)
}

/// numcodecs' `AsType` (id `astype`): encoding views the input as `decode_dtype` and
/// casts it to `encode_dtype` as numpy's `astype` does; decoding views it as
/// `encode_dtype` and casts it back to `decode_dtype`. The shape is kept (numpy's
/// `view` rescales the last axis when the input's item size differs).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AsType {
    encode_dtype: DType,
    decode_dtype: DType,
}

/// The numeric type of a dtype, `None` for bool (`|b1`).
fn numeric(dtype: DType, key: &str) -> Result<Option<NumType>> {
    if dtype.kind() == DTypeKind::Bool {
        return Ok(None);
    }
    NumType::of(dtype).map(Some).ok_or_else(|| {
        Error::invalid_config(
            AsType::CODEC_ID,
            format_args!("{key} {dtype} is not supported: only bool, integer and float (f2, f4, f8) dtypes"),
        )
    })
}

/// How a dtype's values are cast.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Class {
    /// Bool, integer or float: cast by the kernel (bool by [`cast_real`]).
    Real,
    /// `c8`/`c16`: pairs of floats of this dtype (real, imaginary).
    Complex(DType),
    /// `M8`/`m8`: int64 counts of the unit (NaT is the smallest int64), which numpy
    /// casts to and from numbers as this `i8` dtype.
    Time(DType),
}

/// The class of `dtype`, or why it is not supported.
fn class(dtype: DType, key: &str) -> Result<Class> {
    let order = dtype.byte_order();
    let refuse =
        |why: &str| Error::invalid_config(AsType::CODEC_ID, format_args!("{key} {dtype} is not supported: {why}"));
    Ok(match dtype.kind() {
        DTypeKind::Complex => Class::Complex(DType::new(DTypeKind::Float, order, dtype.itemsize() / 2)?),
        DTypeKind::Datetime { .. } | DTypeKind::Timedelta { .. } => Class::Time(DType::new(DTypeKind::Int, order, 8)?),
        DTypeKind::Bytes | DTypeKind::Unicode => {
            return Err(refuse(
                "numpy's casts to and from strings format and parse text (float repr, ISO dates, 'True', \
                 encoding errors), which this codec does not reproduce",
            ))
        }
        DTypeKind::Object => {
            return Err(refuse(
                "numcodecs' AsType with |O converts numbers to and from Python objects (and refuses to view a \
                 typed array as |O); object arrays are not supported",
            ))
        }
        DTypeKind::Void => return Err(refuse("numpy cannot cast raw void data to or from numbers")),
        _ => {
            numeric(dtype, key)?;
            Class::Real
        }
    })
}

/// The unit and multiplier of a `M8`/`m8` dtype.
fn time_unit(dtype: DType) -> Option<(TimeUnit, u32)> {
    match dtype.kind() {
        DTypeKind::Datetime { unit, multiplier } | DTypeKind::Timedelta { unit, multiplier } => {
            Some((unit, multiplier))
        }
        _ => None,
    }
}

/// A unit's length in attoseconds (`None` for the generic unit); a year and a month
/// are numpy's averages (365.2425 days, a twelfth of that), which it uses for
/// timedelta64.
fn attoseconds(unit: TimeUnit) -> Option<u128> {
    const S: u128 = 1_000_000_000_000_000_000;
    Some(match unit {
        TimeUnit::Year => 31_556_952 * S,
        TimeUnit::Month => 2_629_746 * S,
        TimeUnit::Week => 604_800 * S,
        TimeUnit::Day => 86_400 * S,
        TimeUnit::Hour => 3_600 * S,
        TimeUnit::Minute => 60 * S,
        TimeUnit::Second => S,
        TimeUnit::Millisecond => S / 1_000,
        TimeUnit::Microsecond => S / 1_000_000,
        TimeUnit::Nanosecond => S / 1_000_000_000,
        TimeUnit::Picosecond => 1_000_000,
        TimeUnit::Femtosecond => 1_000,
        TimeUnit::Attosecond => 1,
        TimeUnit::Generic => return None,
    })
}

/// How numpy casts one `M8`/`m8` dtype to another: a copy of the counts, or
/// `count * num / den` rounded toward minus infinity (NaT stays NaT).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum TimePlan {
    Copy,
    Scale { num: i64, den: i64 },
}

/// numpy 2.4's cast between `from` and `to` (measured): counts are copied to a
/// generic unit, from a generic unit, and between datetime64 and timedelta64 whatever
/// the units; within a kind they are rescaled, except datetime64 from or to years or
/// months, a calendar conversion which is refused here.
fn time_plan(from: DType, to: DType) -> Result<TimePlan> {
    let (Some((fu, fm)), Some((tu, tm))) = (time_unit(from), time_unit(to)) else {
        return Ok(TimePlan::Copy);
    };
    let datetime = matches!(to.kind(), DTypeKind::Datetime { .. });
    let calendar = |u: TimeUnit| matches!(u, TimeUnit::Year | TimeUnit::Month);
    let refuse = |why: &str| {
        Error::invalid_config(AsType::CODEC_ID, format_args!("casting {from} to {to} is not supported: {why}"))
    };
    let same_kind = std::mem::discriminant(&from.kind()) == std::mem::discriminant(&to.kind());
    if fu == TimeUnit::Generic && datetime && calendar(tu) {
        return Err(refuse("numpy cannot convert generic datetime64 values other than NaT to years or months"));
    }
    if tu == TimeUnit::Generic || fu == TimeUnit::Generic || (fu, fm) == (tu, tm) || !same_kind {
        return Ok(TimePlan::Copy);
    }
    if datetime && (calendar(fu) || calendar(tu)) {
        // numpy converts these through calendar dates (its "general" datetime cast),
        // whose overflow results differ from the scaled counts.
        return Err(refuse("a datetime64 conversion from or to years or months is calendar arithmetic"));
    }
    let (Some(fa), Some(ta)) = (attoseconds(fu), attoseconds(tu)) else {
        return Ok(TimePlan::Copy);
    };
    let (mut num, mut den) = (fa * u128::from(fm), ta * u128::from(tm));
    let g = gcd(num, den);
    (num, den) = (num / g, den / g);
    match (i64::try_from(num), i64::try_from(den)) {
        (Ok(num), Ok(den)) => Ok(TimePlan::Scale { num, den }),
        _ => Err(refuse("the conversion factor overflows int64 (numpy raises)")),
    }
}

fn gcd(mut a: u128, mut b: u128) -> u128 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

/// numpy's `astype` of the elements `src` of `from` into `dst` of `to`, bool included:
/// a bool is read as `True` when its byte is not zero and written as 0 or 1; a number
/// is `True` when it is not zero (NaN included, `-0.0` not); bool to bool copies the
/// bytes unchanged, as numpy does.
fn cast_real(src: &[u8], from: DType, dst: &mut [u8], to: DType) -> Result<()> {
    let id = AsType::CODEC_ID;
    match (numeric(from, "from")?, numeric(to, "to")?) {
        (Some(_), Some(_)) => cast::cast_bytes(id, src, from, dst, to),
        (None, None) => {
            dst.copy_from_slice(src);
            Ok(())
        }
        (None, Some(_)) => {
            let ones: Vec<u8> = src.iter().map(|&b| u8::from(b != 0)).collect();
            cast::cast_bytes(id, &ones, DType::U1, dst, to)
        }
        (Some(t), None) => {
            let size = t.itemsize();
            // The byte holding a float's sign bit, which alone does not make it true.
            let sign = t.is_float().then(|| if from.byte_order() == ByteOrder::Big { 0 } else { size - 1 });
            for (x, o) in src.chunks_exact(size).zip(dst.iter_mut()) {
                let truth = x.iter().enumerate().any(|(i, &b)| if Some(i) == sign { b & 0x7f != 0 } else { b != 0 });
                *o = u8::from(truth);
            }
            Ok(())
        }
    }
}

/// numpy's cast of `M8`/`m8` counts by `plan`.
fn cast_time(src: &[u8], from: DType, dst: &mut [u8], to: DType, plan: TimePlan) {
    let (fbig, tbig) = (from.byte_order() == ByteOrder::Big, to.byte_order() == ByteOrder::Big);
    for (x, o) in src.chunks_exact(8).zip(dst.chunks_exact_mut(8)) {
        let mut b = [0u8; 8];
        b.copy_from_slice(x);
        let v = if fbig { i64::from_be_bytes(b) } else { i64::from_le_bytes(b) };
        let v = match plan {
            TimePlan::Scale { num, den } if v != i64::MIN => {
                // numpy's loop: C int64 arithmetic (wrapping on overflow on x86_64),
                // division rounding toward minus infinity for negative counts.
                if v < 0 {
                    v.wrapping_mul(num).wrapping_sub(den - 1) / den
                } else {
                    v.wrapping_mul(num) / den
                }
            }
            _ => v,
        };
        o.copy_from_slice(&if tbig { v.to_be_bytes() } else { v.to_le_bytes() });
    }
}

/// numpy's `astype` of the elements `src` of `from` into `dst` of `to`, for every
/// supported dtype: complex numbers cast their real part to a real dtype (numpy's
/// `ComplexWarning`), are `True` when either part is not zero, and get an imaginary
/// part of 0 from a real dtype; `M8`/`m8` counts cast as `i8` to and from numbers.
fn cast_any(src: &[u8], from: DType, dst: &mut [u8], to: DType) -> Result<()> {
    let (cf, ct) = (class(from, "from")?, class(to, "to")?);
    if let (Class::Time(_), Class::Time(_)) = (cf, ct) {
        cast_time(src, from, dst, to, time_plan(from, to)?);
        return Ok(());
    }
    let (from, cf) = if let Class::Time(i) = cf { (i, Class::Real) } else { (from, cf) };
    let (to, ct) = if let Class::Time(i) = ct { (i, Class::Real) } else { (to, ct) };
    let id = AsType::CODEC_ID;
    match (cf, ct) {
        (Class::Complex(f), Class::Complex(t)) => cast::cast_bytes(id, src, f, dst, t),
        (Class::Complex(f), _) if to.kind() == DTypeKind::Bool => {
            let mut parts = vec![0u8; dst.len() * 2];
            cast_real(src, f, &mut parts, to)?;
            for (o, p) in dst.iter_mut().zip(parts.chunks_exact(2)) {
                *o = p[0] | p[1];
            }
            Ok(())
        }
        (Class::Complex(f), _) => {
            let size = f.itemsize();
            let real: Vec<u8> = src.chunks_exact(2 * size).flat_map(|c| c[..size].iter().copied()).collect();
            if to.kind() == DTypeKind::UInt && to.itemsize() == 4 {
                return complex_to_u4(&real, f, dst, to);
            }
            cast_real(&real, f, dst, to)
        }
        (_, Class::Complex(t)) => {
            let size = t.itemsize();
            let mut real = vec![0u8; dst.len() / 2];
            cast_real(src, from, &mut real, t)?;
            for (o, r) in dst.chunks_exact_mut(2 * size).zip(real.chunks_exact(size)) {
                o[..size].copy_from_slice(r);
                o[size..].fill(0);
            }
            Ok(())
        }
        _ => cast_real(src, from, dst, to),
    }
}

/// numpy's cast of complex numbers (their real parts `real`, of dtype `f`) to `u4`.
/// Its float to `u4` conversion depends on the element's position (see the crate
/// docs): numpy's complex loop converts groups of four with its vectorised formula
/// while more than four elements remain, and the last one to four with C's (`x as i8`,
/// low 32 bits); a `c16` loop of 5 elements or fewer is all C's. When the input or the output is byte-swapped numpy goes through its
/// buffer, in chunks of 128 elements, each chunk with that rule.
fn complex_to_u4(real: &[u8], f: DType, dst: &mut [u8], to: DType) -> Result<()> {
    let size = f.itemsize();
    let n = real.len() / size;
    let buffered = f.byte_order().is_swapped() || to.byte_order().is_swapped();
    let chunk = if buffered { 128 } else { n.max(1) };
    let wide_dtype = DType::new(DTypeKind::Int, ByteOrder::NATIVE, 8)?;
    for (src, out) in real.chunks(chunk * size).zip(dst.chunks_mut(chunk * 4)) {
        let len = src.len() / size;
        // The kernel's groups of four: its vectorised formula on all of them. numpy's
        // c16 loop is only vectorised from 6 elements on (measured; c8 from 5).
        let grouped = if len >= if size == 8 { 6 } else { 5 } { (len - 1) / 4 * 4 } else { 0 };
        cast_real(&src[..grouped * size], f, &mut out[..grouped * 4], to)?;
        let mut wide = vec![0u8; (len - grouped) * 8];
        cast_real(&src[grouped * size..], f, &mut wide, wide_dtype)?;
        cast_real(&wide, wide_dtype, &mut out[grouped * 4..], to)?;
    }
    Ok(())
}

/// The dtype numpy's `astype(to)` gives for `from`: `to`, except that a generic
/// (unit-less) `M8`/`m8` takes the unit of a `M8`/`m8` source.
fn result_dtype(from: DType, to: DType) -> Result<DType> {
    match (time_unit(from), to.kind()) {
        (Some((unit, multiplier)), DTypeKind::Datetime { unit: TimeUnit::Generic, .. }) => {
            DType::new(DTypeKind::Datetime { unit, multiplier }, to.byte_order(), 8)
        }
        (Some((unit, multiplier)), DTypeKind::Timedelta { unit: TimeUnit::Generic, .. }) => {
            DType::new(DTypeKind::Timedelta { unit, multiplier }, to.byte_order(), 8)
        }
        _ => Ok(to),
    }
}

impl AsType {
    /// The codec casting between `encode_dtype` and `decode_dtype`.
    ///
    /// # Errors
    /// [`Error::InvalidConfig`] if either is a string, object or void dtype, or for
    /// `M8`/`m8` conversions numpy makes through calendar dates (see the crate docs).
    pub fn new(encode_dtype: DType, decode_dtype: DType) -> Result<Self> {
        Self::from_config(AsTypeConfig { encode_dtype, decode_dtype })
    }

    /// The encoded dtype.
    pub fn encode_dtype(&self) -> DType {
        self.encode_dtype
    }

    /// The decoded dtype.
    pub fn decode_dtype(&self) -> DType {
        self.decode_dtype
    }

    /// `arr.view(from).astype(to)`: a new array of the viewed shape.
    fn convert(&self, data: DataRef<'_>, from: DType, to: DType) -> Result<NdArray> {
        let arr = data.require_array(Self::CODEC_ID)?;
        let shape = cast::view_shape(Self::CODEC_ID, arr.shape(), arr.dtype().itemsize(), from)?;
        if NumType::of(from).is_some() && NumType::of(to).is_some() {
            return cast::cast_new(Self::CODEC_ID, arr.as_bytes(), from, to, shape);
        }
        let mut out = NdArray::zeros(result_dtype(from, to)?, shape)?;
        cast_any(arr.as_bytes(), from, out.as_bytes_mut(), to)?;
        Ok(out)
    }

    fn decoded_len(&self, arr: &ArrayView<'_>) -> Result<usize> {
        let shape = cast::view_shape(Self::CODEC_ID, arr.shape(), arr.dtype().itemsize(), self.encode_dtype)?;
        self.decode_dtype.nbytes(&shape).ok_or(Error::Allocation { size: usize::MAX })
    }
}

impl StaticCodec for AsType {
    const CODEC_ID: &'static str = "astype";
    type Config = AsTypeConfig;

    fn from_config(config: AsTypeConfig) -> Result<Self> {
        class(config.encode_dtype, "encode_dtype")?;
        class(config.decode_dtype, "decode_dtype")?;
        time_plan(config.decode_dtype, config.encode_dtype)?;
        time_plan(config.encode_dtype, config.decode_dtype)?;
        Ok(AsType { encode_dtype: config.encode_dtype, decode_dtype: config.decode_dtype })
    }

    fn config(&self) -> AsTypeConfig {
        AsTypeConfig { encode_dtype: self.encode_dtype, decode_dtype: self.decode_dtype }
    }
}

impl Codec for AsType {
    fn encode(&self, data: DataRef<'_>) -> Result<Data> {
        Ok(self.convert(data, self.decode_dtype, self.encode_dtype)?.into())
    }

    fn decode_with(&self, encoded: DataRef<'_>, _options: &DecodeOptions) -> Result<Data> {
        Ok(self.convert(encoded, self.encode_dtype, self.decode_dtype)?.into())
    }

    fn decode_into_with(
        &self,
        encoded: DataRef<'_>,
        out: &mut ArrayViewMut<'_>,
        _options: &DecodeOptions,
    ) -> Result<()> {
        let arr = encoded.require_array(Self::CODEC_ID)?;
        let nbytes = self.decoded_len(arr)?;
        let dtype = result_dtype(self.encode_dtype, self.decode_dtype)?;
        cast::check_out(Self::CODEC_ID, out.dtype(), out.as_bytes().len(), dtype, nbytes)?;
        cast_any(arr.as_bytes(), self.encode_dtype, out.as_bytes_mut(), self.decode_dtype)
    }
}

zarrcodecs_core::register_static_codec!(ASTYPE_REGISTRATION: AsType);

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use serde_json::json;
    use zarrcodecs_core::testing;
    use zarrcodecs_core::DynCodec;

    fn dt(s: &str) -> DType {
        s.parse().unwrap()
    }

    #[test]
    fn configs() {
        let c = AsType::from_json(&json!({"id": "astype", "encode_dtype": "<i4", "decode_dtype": ">f8"})).unwrap();
        testing::assert_config_round_trip(&c);
        assert_eq!(c.get_config().unwrap(), json!({"id": "astype", "encode_dtype": "<i4", "decode_dtype": ">f8"}));
        // numpy's names and normalisations print as dtype.str.
        let c = AsType::from_json(&json!({"encode_dtype": "uint8", "decode_dtype": "<u1"})).unwrap();
        assert_eq!(c.get_config().unwrap(), json!({"id": "astype", "encode_dtype": "|u1", "decode_dtype": "|u1"}));
        let b = AsType::from_json(&json!({"id": "astype", "encode_dtype": "<f8", "decode_dtype": "|b1"})).unwrap();
        testing::assert_config_round_trip(&b);
        for (e, d) in [(">c8", "<f8"), ("<i8", "<M8[ns]"), ("<m8[7s]", ">m8[3ms]"), ("<M8[s]", "<M8"), ("<c16", "<m8")]
        {
            let c = AsType::from_json(&json!({"id": "astype", "encode_dtype": e, "decode_dtype": d})).unwrap();
            testing::assert_config_round_trip(&c);
        }
        testing::assert_configs_rejected::<AsType>(&[
            json!({"id": "astype", "encode_dtype": "<i4"}),
            json!({"id": "astype", "decode_dtype": "<i4"}),
            json!({"id": "astype", "encode_dtype": "<i4", "decode_dtype": "<f8", "x": 1}),
            json!({"id": "astype", "encode_dtype": "|S4", "decode_dtype": "<f8"}),
            json!({"id": "astype", "encode_dtype": "<f8", "decode_dtype": "<U4"}),
            json!({"id": "astype", "encode_dtype": "|V8", "decode_dtype": "<f8"}),
            json!({"id": "astype", "encode_dtype": "<f16", "decode_dtype": "<f8"}),
            json!({"id": "astype", "encode_dtype": "<f8", "decode_dtype": "clongdouble"}),
            json!({"id": "astype", "encode_dtype": "<M8[D]", "decode_dtype": "<M8[Y]"}),
            json!({"id": "astype", "encode_dtype": "<M8[M]", "decode_dtype": "<M8[Y]"}),
            json!({"id": "astype", "encode_dtype": "<M8[Y]", "decode_dtype": "<M8"}),
            json!({"id": "astype", "encode_dtype": "|O", "decode_dtype": "<f8"}),
            json!({"id": "astype", "encode_dtype": "<f3", "decode_dtype": "<f8"}),
            json!({"id": "astype", "encode_dtype": 4, "decode_dtype": "<f8"}),
            json!({"id": "delta", "encode_dtype": "<f8", "decode_dtype": "<f8"}),
        ]);
    }

    #[test]
    fn views_and_shapes() {
        let c = AsType::new(dt("<i4"), dt("<f8")).unwrap();
        // 24 raw bytes in a 3 x 8 |u1 array: numpy's view gives (3, 1) f8 items.
        let raw = NdArray::zeros(DType::U1, vec![3, 8]).unwrap();
        let e = c.encode(DataRef::from(&raw)).unwrap().into_array().unwrap();
        assert_eq!((e.dtype(), e.shape()), (dt("<i4"), &[3, 1][..]));
        let d = c.decode(DataRef::from(&raw)).unwrap().into_array().unwrap();
        assert_eq!((d.dtype(), d.shape()), (dt("<f8"), &[3, 2][..]));
        // A last axis that is not a whole number of items is refused, as numpy does.
        let odd = NdArray::zeros(DType::U1, vec![3, 3]).unwrap();
        assert!(matches!(c.encode(DataRef::from(&odd)), Err(Error::UnsupportedInput { .. })));
        assert!(matches!(c.encode(DataRef::from(&[0u8; 7][..])), Err(Error::UnsupportedInput { .. })));
        let zero_d = NdArray::zeros(DType::U1, vec![]).unwrap();
        assert!(matches!(c.encode(DataRef::from(&zero_d)), Err(Error::UnsupportedInput { .. })));
        let obj = zarrcodecs_core::ObjectArray::from_items(vec![]);
        assert!(matches!(c.encode(DataRef::from(&obj)), Err(Error::UnsupportedInput { .. })));
    }

    #[test]
    fn decode_into_checks_the_buffer() {
        let c = AsType::new(dt("<i2"), dt(">f8")).unwrap();
        let enc: Vec<u8> = [1i16, -2, 3].iter().flat_map(|v| v.to_le_bytes()).collect();
        let mut out = vec![0u8; 24];
        c.decode_into(DataRef::from(&enc[..]), &mut ArrayViewMut::new(&mut out, dt(">f8"), vec![3]).unwrap()).unwrap();
        let want: Vec<u8> = [1.0f64, -2.0, 3.0].iter().flat_map(|v| v.to_be_bytes()).collect();
        assert_eq!(out, want);
        // Raw bytes are accepted, and an unaligned buffer works.
        let mut raw = [0u8; 25];
        c.decode_bytes_into_unaligned(&enc, &mut raw[1..]);
        assert_eq!(&raw[1..], &want[..]);
        let r = c.decode_into(DataRef::from(&enc[..]), &mut ArrayViewMut::new(&mut out, dt("<f8"), vec![3]).unwrap());
        assert!(matches!(r, Err(Error::UnsupportedDType { .. })));
        let mut short = vec![0u8; 16];
        let r = c.decode_into(DataRef::from(&enc[..]), &mut ArrayViewMut::from_bytes(&mut short));
        assert!(matches!(r, Err(Error::OutputSizeMismatch { .. })));
    }

    #[test]
    fn generic_time_targets_keep_the_unit() {
        // numpy: M8[s] counts .astype("<M8") stay M8[s]; decoding copies them back.
        let c = AsType::new(dt("<M8"), dt("<M8[s]")).unwrap();
        let counts: Vec<u8> = [5i64, i64::MIN, -3].iter().flat_map(|v| v.to_le_bytes()).collect();
        let input = NdArray::from_bytes(&counts, dt("<M8[s]"), vec![3]).unwrap();
        let e = c.encode(DataRef::from(&input)).unwrap().into_array().unwrap();
        assert_eq!((e.dtype(), e.as_bytes()), (dt("<M8[s]"), &counts[..]));
        let mut out = vec![0u8; 24];
        c.decode_into(DataRef::from(&e), &mut ArrayViewMut::new(&mut out, dt("<M8[s]"), vec![3]).unwrap()).unwrap();
        assert_eq!(out, counts);
        // Complex to bool: either part counts.
        let c = AsType::new(dt("|b1"), dt("<c8")).unwrap();
        let parts: Vec<u8> = [0.0f32, -0.0, 0.0, 2.0, f32::NAN, 0.0].iter().flat_map(|v| v.to_le_bytes()).collect();
        assert_eq!(c.encode(DataRef::from(&parts[..])).unwrap().as_bytes().unwrap(), &[0, 1, 1]);
    }

    impl AsType {
        fn decode_bytes_into_unaligned(&self, enc: &[u8], out: &mut [u8]) {
            zarrcodecs_core::CodecExt::decode_bytes_into(self, enc, out).unwrap();
        }
    }

    #[test]
    fn round_trips_through_wider_types() {
        // Every sample array of an integer or float dtype, through a wider type and back.
        for a in testing::sample_arrays() {
            let Some(t) = NumType::of(a.dtype()) else { continue };
            let wide = match t {
                NumType::F2 | NumType::F4 => "<f8",
                NumType::I1 | NumType::I2 | NumType::I4 => "<i8",
                NumType::U1 | NumType::U2 | NumType::U4 => ">u8",
                _ => continue,
            };
            let c = AsType::new(dt(wide), a.dtype()).unwrap();
            let back = testing::round_trip(&c, DataRef::from(&a)).into_array().unwrap();
            if t == NumType::F4 {
                // f4 -> f8 quiets signalling NaNs (in numpy too): compare the others.
                let swap = a.dtype().byte_order().is_swapped();
                let (x, y) = (
                    cast::native::<f32>(a.as_bytes(), swap).unwrap(),
                    cast::native::<f32>(back.as_bytes(), swap).unwrap(),
                );
                for (x, y) in x.iter().zip(y.iter()) {
                    assert!(x.to_bits() == y.to_bits() || (x.is_nan() && y.is_nan()));
                }
                continue;
            }
            // Integers, and f2 (numpy keeps f2 NaN payloads through f8).
            assert_eq!(back, a, "{} {:?}", a.dtype(), a.shape());
        }
    }
}
