#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]

use serde::{Deserialize, Serialize};
use serde_json::Number;
use zarrcodecs_core::{
    ArrayViewMut, ByteOrder, Codec, DType, DTypeKind, Data, DataRef, DecodeOptions, Error, NdArray, Result, StaticCodec,
};
use zarrcodecs_kernels::cast::{self, f16, Arith, CastFrom, FloatArith, NumType, Output};
use zarrcodecs_kernels::dispatch;

/// The configuration of [`FixedScaleOffset`]: numcodecs'
/// `{"scale": ..., "offset": ..., "dtype": ..., "astype": ...}`. `scale` and `offset`
/// keep their JSON form: an integer is a Python `int`, anything else a `float`, and
/// numpy computes differently with each. `astype` may be missing or `null` (then it is
/// `dtype`); it is always written.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FixedScaleOffsetConfig {
    /// The value the data is multiplied by (after subtracting `offset`).
    pub scale: Number,
    /// The value subtracted from the data.
    pub offset: Number,
    /// The dtype of the decoded data.
    pub dtype: DType,
    /// The dtype of the encoded data (`None`: `dtype`).
    #[serde(default)]
    pub astype: Option<DType>,
}

/// A Python number from the configuration.
#[derive(Clone, Copy, Debug, PartialEq)]
enum PyNum {
    Int(i128),
    Float(f64),
}

impl PyNum {
    fn of(n: &Number) -> PyNum {
        if let Some(i) = n.as_i64() {
            PyNum::Int(i128::from(i))
        } else if let Some(u) = n.as_u64() {
            PyNum::Int(i128::from(u))
        } else {
            PyNum::Float(n.as_f64().unwrap_or(f64::NAN))
        }
    }

    /// Python's `float(x)` (an int rounds to nearest even).
    fn as_f64(self) -> f64 {
        match self {
            #[allow(clippy::cast_precision_loss)]
            PyNum::Int(i) => i as f64,
            PyNum::Float(f) => f,
        }
    }

    /// The number as a weak scalar of the float type `F` (NEP 50): via `float(x)`.
    fn weak_float<F: FloatArith>(self) -> F {
        F::cast_from(self.as_f64())
    }

    /// The number as a weak scalar of the integer type `t` (NEP 50): numpy raises
    /// OverflowError when a Python int does not fit.
    fn fits_int(self, t: NumType) -> bool {
        let PyNum::Int(i) = self else { return false };
        let bits = t.itemsize() * 8;
        if t.is_signed_int() {
            let half = 1i128 << (bits - 1);
            (-half..half).contains(&i)
        } else {
            (0..1i128 << bits).contains(&i)
        }
    }
}

/// numcodecs' `FixedScaleOffset` (id `fixedscaleoffset`): encodes
/// `np.around((x - offset) * scale)` cast to `astype`, decodes `x / scale + offset`
/// cast to `dtype`, with numpy 2's type promotion (see the crate documentation). The
/// output is one-dimensional, as numcodecs' is.
#[derive(Clone, Debug, PartialEq)]
pub struct FixedScaleOffset {
    config: FixedScaleOffsetConfig,
    dtype: DType,
    astype: DType,
    /// The numeric types of `dtype` and `astype`; `None` for bool and complex (and
    /// the kinds not computed).
    t: Option<NumType>,
    a: Option<NumType>,
    /// Whether both dtypes are bool, integer, float or complex (else encode and
    /// decode fail, as numcodecs' do or with the reason this crate does not compute).
    computed: bool,
    offset: PyNum,
    scale: PyNum,
}

/// The float type of one part of a complex dtype.
fn component(dtype: DType) -> Option<NumType> {
    match (dtype.kind(), dtype.itemsize()) {
        (DTypeKind::Complex, 8) => Some(NumType::F4),
        (DTypeKind::Complex, 16) => Some(NumType::F8),
        _ => None,
    }
}

/// Whether this crate computes over `dtype`: bool, integer, float or complex.
fn computed(dtype: DType) -> bool {
    dtype.kind() == DTypeKind::Bool || NumType::of(dtype).is_some() || component(dtype).is_some()
}

impl FixedScaleOffset {
    /// The codec: `offset` and `scale` are JSON numbers (integers act as Python
    /// `int`s); `astype` `None` means `dtype`.
    ///
    /// # Errors
    /// [`Error::InvalidConfig`] if a dtype is the object dtype (`|O`), as numcodecs.
    /// Other dtypes than bool, integer, float and complex build, and fail at encode
    /// and decode.
    pub fn new(offset: Number, scale: Number, dtype: DType, astype: Option<DType>) -> Result<Self> {
        Self::from_config(FixedScaleOffsetConfig { scale, offset, dtype, astype })
    }

    fn count<'a>(&self, data: &DataRef<'a>, dtype: DType) -> Result<(usize, &'a [u8])> {
        let arr = data.require_array(Self::CODEC_ID)?;
        let shape = cast::view_shape(Self::CODEC_ID, arr.shape(), arr.dtype().itemsize(), dtype)?;
        Ok((shape.iter().product(), arr.as_bytes()))
    }

    /// Encodes `src` (of `dtype`) into `out`: `np.around((x - offset) * scale)` computed
    /// element by element in numpy's promoted type, cast to `astype` as one array.
    fn encode_to(&self, src: &[u8], out: Output<'_>) -> Result<Option<NdArray>> {
        let (Some(t), Some(a)) = (self.t, self.a) else {
            return self.encode_other(src, out);
        };
        let (off, sc, dt, at) = (self.offset, self.scale, self.dtype, self.astype);
        // `$f` maps one element of `$S` to `$W`; the results are cast to astype.
        macro_rules! run {
            ($S:ty, $W:ty, $f:expr) => {
                cast::map_any::<$S, $W>(ID, src, dt, at, out, $f)
            };
        }
        macro_rules! float_case {
            ($F:ty) => {{
                // Float data: everything in the data's type, cast to astype in the same
                // pass (an instance per astype: the common case).
                let (o, s) = (off.weak_float::<$F>(), sc.weak_float::<$F>());
                let f = move |v: $F, hw| v.np_sub(o).np_mul(s).np_rint_hw(hw);
                dispatch!(a, D => cast::map_to::<$F, $F, D>(src, dt, at, out, f))
            }};
        }
        match t {
            NumType::F2 => float_case!(f16),
            NumType::F4 => float_case!(f32),
            NumType::F8 => float_case!(f64),
            t => {
                if let PyNum::Float(o) = off {
                    // Integer data with a float offset: everything in f8.
                    let s = sc.as_f64();
                    return dispatch!(t, T => run!(T, f64, move |v: T, hw| ((f64::cast_from(v) - o) * s).np_rint_hw(hw)));
                }
                let PyNum::Int(o) = off else { return Ok(None) };
                if !off.fits_int(t) {
                    return Err(Error::invalid_config(
                        Self::CODEC_ID,
                        format_args!(
                            "offset {o} does not fit in {} (numpy raises OverflowError when encoding)",
                            self.dtype
                        ),
                    ));
                }
                #[allow(clippy::cast_possible_truncation)]
                let o = o as i64;
                match sc {
                    // Integer offset, float scale: `x - offset` in the data's type, then f8.
                    PyNum::Float(s) => dispatch!(t, T => {
                        let o = T::cast_from(o);
                        run!(T, f64, move |v: T, hw| (f64::cast_from(v.np_sub(o)) * s).np_rint_hw(hw))
                    }),
                    PyNum::Int(s) => {
                        if !sc.fits_int(t) {
                            return Err(Error::invalid_config(
                                Self::CODEC_ID,
                                format_args!(
                                    "scale {s} does not fit in {} (numpy raises OverflowError when encoding)",
                                    self.dtype
                                ),
                            ));
                        }
                        #[allow(clippy::cast_possible_truncation)]
                        let s = s as i64;
                        // Integer offset and scale: wrapping arithmetic in the data's type
                        // (`np.around` leaves integers alone).
                        dispatch!(t, T => {
                            let (o, s) = (T::cast_from(o), T::cast_from(s));
                            run!(T, T, move |v: T, _| v.np_sub(o).np_mul(s))
                        })
                    }
                }
            }
        }
    }

    /// Decodes `src` (of `astype`) into `out`: `x / scale + offset` element by element,
    /// cast to `dtype` as one array.
    fn decode_to(&self, src: &[u8], out: Output<'_>) -> Result<Option<NdArray>> {
        let (Some(_), Some(a)) = (self.t, self.a) else {
            return self.decode_other(src, out);
        };
        let (off, sc, dt, at) = (self.offset, self.scale, self.dtype, self.astype);
        macro_rules! run {
            ($S:ty, $W:ty, $f:expr) => {
                cast::map_any::<$S, $W>(ID, src, at, dt, out, $f)
            };
        }
        macro_rules! float_case {
            ($F:ty) => {{
                // Float encoded data: in its type.
                let (o, s) = (off.weak_float::<$F>(), sc.weak_float::<$F>());
                run!($F, $F, move |v: $F, _| v.np_div(s).np_add(o))
            }};
        }
        match a {
            NumType::F2 => float_case!(f16),
            NumType::F4 => float_case!(f32),
            NumType::F8 => float_case!(f64),
            a => {
                // Integer encoded data: in f8.
                let (o, s) = (off.as_f64(), sc.as_f64());
                dispatch!(a, T => run!(T, f64, move |v: T, _| f64::cast_from(v) / s + o))
            }
        }
    }
}

/// One float part of a complex value (`f32` of `c8`, `f64` of `c16`).
trait Part: FloatArith + PartialEq {
    /// `self + b` as x86's `addss`/`addsd` with `self` the first operand (Rust's `+`
    /// lets the compiler swap them): a NaN operand comes back quieted, `self` when
    /// both are NaN.
    fn add_first(self, b: Self) -> Self;
    /// `|self|`.
    fn abs_value(self) -> Self;
}

macro_rules! part {
    ($($t:ty => $quiet:expr),*) => {$(
        impl Part for $t {
            fn add_first(self, b: $t) -> $t {
                match (self.is_nan(), b.is_nan()) {
                    (true, _) => <$t>::from_bits(self.to_bits() | $quiet),
                    (false, true) => <$t>::from_bits(b.to_bits() | $quiet),
                    _ => self + b,
                }
            }
            fn abs_value(self) -> $t {
                self.abs()
            }
        }
    )*};
}
part!(f32 => 0x0040_0000, f64 => 0x0008_0000_0000_0000);

/// The real and imaginary parts of complex elements (parts of `F`, `swap`: not in
/// native byte order).
fn load_parts<F: Part>(src: &[u8], swap: bool) -> Result<(Vec<F>, Vec<F>)> {
    let sz = std::mem::size_of::<F>();
    let (mut re, mut im) = (Vec::with_capacity(src.len() / 2), Vec::with_capacity(src.len() / 2));
    for c in src.chunks_exact(2 * sz) {
        re.extend_from_slice(&c[..sz]);
        im.extend_from_slice(&c[sz..]);
    }
    Ok((cast::native::<F>(&re, swap)?.into_owned(), cast::native::<F>(&im, swap)?.into_owned()))
}

/// Native bytes of values.
fn bytes_of<F: Part>(values: &[F]) -> Vec<u8> {
    let mut out = vec![0u8; std::mem::size_of_val(values)];
    cast::store(values, &mut out, false);
    out
}

/// numpy's truth value of one native element of `w`: not zero (for floats, any bit
/// but the sign: `-0.0` is false, NaN true).
fn truth(bytes: &[u8], w: NumType) -> bool {
    let sign = if ByteOrder::NATIVE == ByteOrder::Big { 0 } else { bytes.len() - 1 };
    bytes.iter().enumerate().any(|(i, &b)| if w.is_float() && i == sign { b & 0x7f != 0 } else { b != 0 })
}

/// The bool, integer, float or complex `dtype` array of results given as real parts
/// `re` and imaginary parts `im` (`None`: zero), native values of `w`, cast as numpy
/// casts: a complex to a real type keeps the real part, to bool tests either part.
fn store_parts(w: NumType, re: &[u8], im: Option<&[u8]>, dtype: DType, dst: &mut [u8]) -> Result<()> {
    let wd = w.native_dtype();
    let zeros;
    let im = if let Some(im) = im {
        im
    } else {
        zeros = vec![0u8; re.len()];
        &zeros
    };
    if let Some(f) = component(dtype) {
        let (pd, sz) = (f.native_dtype().with_byte_order(dtype.byte_order()), f.itemsize());
        let (mut r, mut i) = (vec![0u8; re.len() / w.itemsize() * sz], vec![0u8; re.len() / w.itemsize() * sz]);
        cast::cast_bytes(ID, re, wd, &mut r, pd)?;
        cast::cast_bytes(ID, im, wd, &mut i, pd)?;
        for ((o, r), i) in dst.chunks_exact_mut(2 * sz).zip(r.chunks_exact(sz)).zip(i.chunks_exact(sz)) {
            o[..sz].copy_from_slice(r);
            o[sz..].copy_from_slice(i);
        }
    } else if dtype.kind() == DTypeKind::Bool {
        let sz = w.itemsize();
        for ((o, r), i) in dst.iter_mut().zip(re.chunks_exact(sz)).zip(im.chunks_exact(sz)) {
            *o = u8::from(truth(r, w) || truth(i, w));
        }
    } else {
        cast::cast_bytes(ID, re, wd, dst, dtype)?;
    }
    Ok(())
}

/// The result `bytes` (of `dtype`) as `out` wants it.
fn finish(out: Output<'_>, bytes: &[u8], dtype: DType) -> Result<Option<NdArray>> {
    match out {
        Output::New(shape) => NdArray::from_bytes(bytes, dtype, shape).map(Some),
        Output::Into(dst) => {
            if dst.len() != bytes.len() {
                return Err(Error::OutputSizeMismatch { codec: ID.into(), expected: dst.len(), actual: bytes.len() });
            }
            dst.copy_from_slice(bytes);
            Ok(None)
        }
    }
}

/// The 0/1 values of `|b1` bytes as native `u8`.
fn bools(src: &[u8]) -> Vec<u8> {
    src.iter().map(|&b| u8::from(b != 0)).collect()
}

/// Bool and complex data, as numpy computes them.
impl FixedScaleOffset {
    /// The same codec over the numeric dtypes `dtype` and `astype`.
    fn numeric_with(&self, dtype: DType, astype: DType) -> FixedScaleOffset {
        let (t, a) = (NumType::of(dtype), NumType::of(astype));
        FixedScaleOffset { dtype, astype, t, a, computed: true, ..self.clone() }
    }

    /// The error for dtypes this crate builds but does not compute; says whether
    /// numcodecs fails at the same step.
    fn check_computed(&self, decode: bool) -> Result<()> {
        if self.computed {
            return Ok(());
        }
        let k = if decode { self.astype.kind() } else { self.dtype.kind() };
        let numcodecs_fails =
            matches!(k, DTypeKind::Datetime { .. } | DTypeKind::Bytes | DTypeKind::Unicode | DTypeKind::Void)
                || (!decode && matches!(k, DTypeKind::Timedelta { .. }));
        let (step, what) = if decode { ("decode", "astype") } else { ("encode", "dtype") };
        let why = if numcodecs_fails {
            format!(
                "numcodecs fails here too: numpy's arithmetic has no loop for {what} {}",
                if decode { self.astype } else { self.dtype }
            )
        } else {
            "numcodecs computes some such data with numpy's casts; this crate only bool, integer, float and complex dtypes"
                .to_owned()
        };
        Err(Error::unsupported_input(
            ID,
            format_args!("cannot {step} dtype {} with astype {}: {why}", self.dtype, self.astype),
        ))
    }

    /// Encodes bool data (as numpy: `x - offset` of bools is in int64, or float64
    /// with a float), complex data (complex arithmetic, `np.around` per part) and
    /// anything to a bool or complex `astype`.
    fn encode_other(&self, src: &[u8], out: Output<'_>) -> Result<Option<NdArray>> {
        self.check_computed(false)?;
        let n = src.len() / self.dtype.itemsize();
        let (w, re, im) = if let Some(f) = component(self.dtype) {
            let swap = self.dtype.byte_order().is_swapped();
            let (re, im) = match f {
                NumType::F4 => self.complex_encode::<f32>(src, swap)?,
                _ => self.complex_encode::<f64>(src, swap)?,
            };
            (f, re, Some(im))
        } else {
            let (data, ddt) = if self.dtype.kind() == DTypeKind::Bool {
                (bools(src).into_iter().flat_map(|b| i64::from(b).to_ne_bytes()).collect(), NumType::I8.native_dtype())
            } else {
                (src.to_vec(), self.dtype)
            };
            let t = NumType::of(ddt).ok_or_else(|| Error::unsupported_input(ID, "not a numeric dtype"))?;
            // The type numpy computes in: the data's for floats, and for integers with
            // an integer offset and scale; float64 otherwise.
            let ints = matches!((self.offset, self.scale), (PyNum::Int(_), PyNum::Int(_)));
            let w = if t.is_float() || ints { t } else { NumType::F8 };
            let mut buf = vec![0u8; n * w.itemsize()];
            self.numeric_with(ddt, w.native_dtype()).encode_to(&data, Output::Into(&mut buf))?;
            (w, buf, None)
        };
        let mut dst = vec![0u8; n * self.astype.itemsize()];
        store_parts(w, &re, im.as_deref(), self.astype, &mut dst)?;
        finish(out, &dst, self.astype)
    }

    /// Decodes from a bool `astype` (bools divided are float64), a complex `astype`
    /// (complex division, as numpy's), or anything to a bool or complex `dtype`.
    fn decode_other(&self, src: &[u8], out: Output<'_>) -> Result<Option<NdArray>> {
        self.check_computed(true)?;
        let n = src.len() / self.astype.itemsize();
        let (w, re, im) = if let Some(f) = component(self.astype) {
            let swap = self.astype.byte_order().is_swapped();
            let (re, im) = match f {
                NumType::F4 => self.complex_decode::<f32>(src, swap)?,
                _ => self.complex_decode::<f64>(src, swap)?,
            };
            (f, re, Some(im))
        } else {
            let (data, adt) = if self.astype.kind() == DTypeKind::Bool {
                (bools(src), DType::U1)
            } else {
                (src.to_vec(), self.astype)
            };
            let a = NumType::of(adt).ok_or_else(|| Error::unsupported_input(ID, "not a numeric dtype"))?;
            let w = if a.is_float() { a } else { NumType::F8 };
            let mut buf = vec![0u8; n * w.itemsize()];
            self.numeric_with(w.native_dtype(), adt).decode_to(&data, Output::Into(&mut buf))?;
            (w, buf, None)
        };
        let mut dst = vec![0u8; n * self.dtype.itemsize()];
        store_parts(w, &re, im.as_deref(), self.dtype, &mut dst)?;
        finish(out, &dst, self.dtype)
    }

    /// `np.around((x - offset) * scale)` of complex data with parts of `F`: offset and
    /// scale become complex numbers with imaginary part `+0.0` (NEP 50 weak scalars),
    /// numpy's complex product is `(ar*br - ai*bi, ar*bi + ai*br)`, each part rounded.
    fn complex_encode<F: Part>(&self, src: &[u8], swap: bool) -> Result<(Vec<u8>, Vec<u8>)> {
        let (xr, xi) = load_parts::<F>(src, swap)?;
        let (o, s, zero) = (self.offset.weak_float::<F>(), self.scale.weak_float::<F>(), F::cast_from(0.0));
        let (mut re, mut im) = (Vec::with_capacity(xr.len()), Vec::with_capacity(xr.len()));
        for (&ar, &ai) in xr.iter().zip(&xi) {
            let (dr, di) = (ar.np_sub(o), ai.np_sub(zero));
            re.push(dr.np_mul(s).np_sub(di.np_mul(zero)).np_rint());
            im.push(dr.np_mul(zero).add_first(di.np_mul(s)).np_rint());
        }
        Ok((bytes_of(&re), bytes_of(&im)))
    }

    /// `x / scale + offset` of complex data with parts of `F`: numpy's complex
    /// division (Smith's method: `rat = bi/br`, `scl = 1/(br + bi*rat)`, then
    /// `((ar + ai*rat)*scl, (ai - ar*rat)*scl)`; a zero divisor divides each part by
    /// `+0.0`), then the complex offset added per part.
    fn complex_decode<F: Part>(&self, src: &[u8], swap: bool) -> Result<(Vec<u8>, Vec<u8>)> {
        let (xr, xi) = load_parts::<F>(src, swap)?;
        let (o, s, zero, one) =
            (self.offset.weak_float::<F>(), self.scale.weak_float::<F>(), F::cast_from(0.0), F::cast_from(1.0));
        let (mut re, mut im) = (Vec::with_capacity(xr.len()), Vec::with_capacity(xr.len()));
        for (&ar, &ai) in xr.iter().zip(&xi) {
            let (qr, qi) = if s.abs_value() == zero {
                let d = s.abs_value();
                (ar.np_div(d), ai.np_div(d))
            } else {
                let rat = zero.np_div(s);
                let scl = one.np_div(s.add_first(zero.np_mul(rat)));
                (ar.add_first(ai.np_mul(rat)).np_mul(scl), ai.np_sub(ar.np_mul(rat)).np_mul(scl))
            };
            re.push(qr.add_first(o));
            im.push(qi.add_first(zero));
        }
        Ok((bytes_of(&re), bytes_of(&im)))
    }
}

impl StaticCodec for FixedScaleOffset {
    const CODEC_ID: &'static str = "fixedscaleoffset";
    type Config = FixedScaleOffsetConfig;

    fn from_config(config: FixedScaleOffsetConfig) -> Result<Self> {
        let (dtype, astype) = (config.dtype, config.astype.unwrap_or(config.dtype));
        for (key, d) in [("dtype", dtype), ("astype", astype)] {
            if d.is_object() {
                return Err(Error::invalid_config(
                    Self::CODEC_ID,
                    format_args!("{key} {d}: object arrays are not supported (numcodecs raises ValueError)"),
                ));
            }
        }
        let (t, a) = (NumType::of(dtype), NumType::of(astype));
        let (offset, scale) = (PyNum::of(&config.offset), PyNum::of(&config.scale));
        let computed = computed(dtype) && computed(astype);
        Ok(FixedScaleOffset { dtype, astype, t, a, computed, offset, scale, config })
    }

    fn config(&self) -> FixedScaleOffsetConfig {
        FixedScaleOffsetConfig { astype: Some(self.astype), ..self.config.clone() }
    }
}

impl Codec for FixedScaleOffset {
    fn encode(&self, data: DataRef<'_>) -> Result<Data> {
        let (n, src) = self.count(&data, self.dtype)?;
        let out = self.encode_to(src, Output::New(vec![n]))?;
        Ok(out.map_or_else(|| NdArray::zeros(self.astype, vec![n]), Ok)?.into())
    }

    fn decode_with(&self, encoded: DataRef<'_>, _options: &DecodeOptions) -> Result<Data> {
        let (n, src) = self.count(&encoded, self.astype)?;
        let out = self.decode_to(src, Output::New(vec![n]))?;
        Ok(out.map_or_else(|| NdArray::zeros(self.dtype, vec![n]), Ok)?.into())
    }

    fn decode_into_with(
        &self,
        encoded: DataRef<'_>,
        out: &mut ArrayViewMut<'_>,
        _options: &DecodeOptions,
    ) -> Result<()> {
        let (n, src) = self.count(&encoded, self.astype)?;
        let nbytes = n.checked_mul(self.dtype.itemsize()).ok_or(Error::Allocation { size: usize::MAX })?;
        cast::check_out(Self::CODEC_ID, out.dtype(), out.as_bytes().len(), self.dtype, nbytes)?;
        self.decode_to(src, Output::Into(out.as_bytes_mut()))?;
        Ok(())
    }
}

const ID: &str = FixedScaleOffset::CODEC_ID;

zarrcodecs_core::register_static_codec!(FIXEDSCALEOFFSET_REGISTRATION: FixedScaleOffset);

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use serde_json::json;
    use zarrcodecs_core::DynCodec;
    use zarrcodecs_core::{testing, CodecExt};

    fn dt(s: &str) -> DType {
        s.parse().unwrap()
    }

    #[test]
    fn configs() {
        let c = FixedScaleOffset::from_json(
            &json!({"id": "fixedscaleoffset", "offset": 1000, "scale": 10, "dtype": "<f8"}),
        )
        .unwrap();
        assert_eq!(
            c.get_config().unwrap(),
            json!({"id": "fixedscaleoffset", "scale": 10, "offset": 1000, "dtype": "<f8", "astype": "<f8"})
        );
        testing::assert_config_round_trip(&c);
        // A float keeps its float form (1000.0 is not 1000 for numpy).
        let c = FixedScaleOffset::from_json(
            &json!({"id": "fixedscaleoffset", "offset": 1000.0, "scale": 2.5, "dtype": "<i4", "astype": null}),
        )
        .unwrap();
        assert_eq!(c.get_config().unwrap()["offset"].to_string(), "1000.0");
        testing::assert_config_round_trip(&c);
        // numcodecs builds every dtype but the object one.
        for (d, a) in [("|b1", "<i4"), ("<c8", "<c16"), ("<M8[ns]", "<i8"), ("|S4", "|S4"), ("<f8", "<m8[s]")] {
            let c = FixedScaleOffset::from_json(
                &json!({"id": "fixedscaleoffset", "offset": 1, "scale": 2, "dtype": d, "astype": a}),
            )
            .unwrap();
            testing::assert_config_round_trip(&c);
        }
        testing::assert_configs_rejected::<FixedScaleOffset>(&[
            json!({"id": "fixedscaleoffset", "offset": 1, "dtype": "<f8"}),
            json!({"id": "fixedscaleoffset", "scale": 1, "dtype": "<f8"}),
            json!({"id": "fixedscaleoffset", "offset": 1, "scale": 1}),
            json!({"id": "fixedscaleoffset", "offset": "1", "scale": 1, "dtype": "<f8"}),
            json!({"id": "fixedscaleoffset", "offset": true, "scale": 1, "dtype": "<f8"}),
            json!({"id": "fixedscaleoffset", "offset": 1, "scale": 1, "dtype": "|O"}),
            json!({"id": "fixedscaleoffset", "offset": 1, "scale": 1, "dtype": "<f8", "astype": "|O"}),
            json!({"id": "fixedscaleoffset", "offset": 1, "scale": 1, "dtype": "<f8", "x": 0}),
            json!({"id": "delta", "offset": 1, "scale": 1, "dtype": "<f8"}),
        ]);
    }

    #[test]
    fn numcodecs_docstring_example() {
        // numcodecs' docstring: linspace(1000, 1001, 10) with offset 1000, scale 10, astype u1.
        let c = FixedScaleOffset::new(1000.into(), 10.into(), dt("<f8"), Some(dt("|u1"))).unwrap();
        let x: Vec<f64> = (0..10).map(|i| 1000.0 + f64::from(i) / 9.0).collect();
        let bytes: Vec<u8> = x.iter().flat_map(|v| v.to_le_bytes()).collect();
        let e = c.encode_bytes(&bytes).unwrap();
        assert_eq!(e.as_bytes(), &[0, 1, 2, 3, 4, 6, 7, 8, 9, 10]);
        let d = c.decode_bytes(e.as_bytes()).unwrap();
        assert_eq!(d.as_slice::<f64>().unwrap()[5], 1000.6);
    }

    #[test]
    fn sample_arrays_round_trip() {
        // offset 0 and scale 1 (Python ints): integers of up to 32 bits come back exactly
        // (decoding divides in f8, as numpy does, so wider ones may round).
        for a in testing::sample_arrays() {
            let Some(t) = NumType::of(a.dtype()) else { continue };
            for astype in [a.dtype(), dt("<i8")] {
                let c = FixedScaleOffset::new(0.into(), 1.into(), a.dtype(), Some(astype)).unwrap();
                let e = c.encode(DataRef::from(&a)).unwrap().into_array().unwrap();
                assert_eq!((e.dtype(), e.shape()), (astype, &[a.len()][..]));
                let d = c.decode(DataRef::from(&e)).unwrap().into_array().unwrap();
                assert_eq!(d.shape(), &[a.len()]);
                if !t.is_float() && t.itemsize() <= 4 {
                    assert_eq!(d.as_bytes(), a.as_bytes(), "{} via {astype}", a.dtype());
                }
                let mut out = vec![0u8; a.as_bytes().len()];
                c.decode_into(DataRef::from(&e), &mut ArrayViewMut::from_bytes(&mut out)).unwrap();
                assert_eq!(out, d.as_bytes());
            }
        }
    }

    #[test]
    fn errors() {
        // numpy 2 raises OverflowError for a Python int that does not fit the data's type.
        let c = FixedScaleOffset::new(1000.into(), 10.into(), dt("|u1"), None).unwrap();
        assert!(matches!(c.encode_bytes(&[1, 2]), Err(Error::InvalidConfig { .. })));
        assert_eq!(c.decode_bytes(&[1]).unwrap().as_bytes(), &[232]); // numcodecs: [232]
        let c = FixedScaleOffset::new(1.into(), (-1).into(), dt("<u4"), None).unwrap();
        assert!(matches!(c.encode_bytes(&[0; 4]), Err(Error::InvalidConfig { .. })));
        let c = FixedScaleOffset::new(1.into(), 2.into(), dt("<f8"), Some(dt("<i2"))).unwrap();
        assert!(matches!(c.encode_bytes(&[0; 12]), Err(Error::UnsupportedInput { .. })));
        assert!(matches!(c.decode_bytes(&[0; 3]), Err(Error::UnsupportedInput { .. })));
        let mut out = [0u8; 8];
        let r =
            c.decode_into(DataRef::from(&[0u8; 2][..]), &mut ArrayViewMut::new(&mut out, dt("<i8"), vec![1]).unwrap());
        assert!(matches!(r, Err(Error::UnsupportedDType { .. })));
        let r = c.decode_into(DataRef::from(&[0u8; 4][..]), &mut ArrayViewMut::from_bytes(&mut out));
        assert!(matches!(r, Err(Error::OutputSizeMismatch { .. })));
        assert_eq!(c.encode_bytes(&[]).unwrap().len(), 0);
        // Built, and failing at the step numcodecs fails at.
        let c = FixedScaleOffset::new(1.into(), 2.into(), dt("<M8[ns]"), Some(dt("<i8"))).unwrap();
        let r = c.encode_bytes(&[0; 8]);
        assert!(
            matches!(&r, Err(Error::UnsupportedInput { reason, .. }) if reason.contains("fails here too")),
            "{r:?}"
        );
        let c = FixedScaleOffset::new(1.into(), 2.into(), dt("<f8"), Some(dt("|S8"))).unwrap();
        let r = c.decode_bytes(&[0; 8]);
        assert!(
            matches!(&r, Err(Error::UnsupportedInput { reason, .. }) if reason.contains("fails here too")),
            "{r:?}"
        );
    }

    #[test]
    fn bool_and_complex() {
        // Bools minus a Python int are int64: [0, 1, 1] - 1 = [-1, 0, 0], times 3.
        let c = FixedScaleOffset::new(1.into(), 3.into(), dt("|b1"), Some(dt("|i1"))).unwrap();
        let e = c.encode_bytes(&[0, 1, 7]).unwrap();
        assert_eq!(e.as_slice::<i8>().unwrap(), &[-3, 0, 0]);
        // Decoded: -3 / 3 + 1 = 0.0 (False), 0 / 3 + 1 = 1.0 (True).
        assert_eq!(c.decode_bytes(e.as_bytes()).unwrap().as_bytes(), &[0, 1, 1]);
        let mut out = [9u8; 3];
        c.decode_into(DataRef::from(&e), &mut ArrayViewMut::new(&mut out, dt("|b1"), vec![3]).unwrap()).unwrap();
        assert_eq!(out, [0, 1, 1]);
        // Complex: (x - 1) * 2 per part, rounded; to f4 the real part.
        let z = FixedScaleOffset::new(1.into(), 2.into(), dt("<c8"), Some(dt("<f4"))).unwrap();
        let x: Vec<u8> = [1.2f32, 5., 3.0, -0.7].iter().flat_map(|v| v.to_le_bytes()).collect();
        assert_eq!(z.encode_bytes(&x).unwrap().as_slice::<f32>().unwrap(), &[0., 4.]);
        let z = FixedScaleOffset::new(1.into(), 2.into(), dt("<c8"), None).unwrap();
        let e = z.encode_bytes(&x).unwrap();
        let parts = |b: &[u8]| b.chunks(4).map(|c| f32::from_le_bytes(c.try_into().unwrap())).collect::<Vec<_>>();
        assert_eq!(parts(e.as_bytes()), [0., 10., 4., -1.]);
        assert_eq!(parts(z.decode_bytes(e.as_bytes()).unwrap().as_bytes()), [1., 5., 3., -0.5]);
    }
}
