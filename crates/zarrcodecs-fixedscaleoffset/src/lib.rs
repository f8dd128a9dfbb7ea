#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]

use serde::{Deserialize, Serialize};
use serde_json::Number;
use zarrcodecs_core::{ArrayViewMut, Codec, DType, Data, DataRef, DecodeOptions, Error, NdArray, Result, StaticCodec};
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
    t: NumType,
    a: NumType,
    offset: PyNum,
    scale: PyNum,
}

fn numeric(dtype: DType, key: &str) -> Result<NumType> {
    NumType::of(dtype).ok_or_else(|| {
        Error::invalid_config(
            FixedScaleOffset::CODEC_ID,
            format_args!("{key} {dtype} is not supported: only integer (i1..i8, u1..u8) and float (f2, f4, f8) dtypes"),
        )
    })
}

impl FixedScaleOffset {
    /// The codec: `offset` and `scale` are JSON numbers (integers act as Python
    /// `int`s); `astype` `None` means `dtype`.
    ///
    /// # Errors
    /// [`Error::InvalidConfig`] if a dtype is not an integer or float dtype.
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
                dispatch!(self.a, D => cast::map_to::<$F, $F, D>(src, dt, at, out, f))
            }};
        }
        match self.t {
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
        match self.a {
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

impl StaticCodec for FixedScaleOffset {
    const CODEC_ID: &'static str = "fixedscaleoffset";
    type Config = FixedScaleOffsetConfig;

    fn from_config(config: FixedScaleOffsetConfig) -> Result<Self> {
        let astype = config.astype.unwrap_or(config.dtype);
        let t = numeric(config.dtype, "dtype")?;
        let a = numeric(astype, "astype")?;
        let (offset, scale) = (PyNum::of(&config.offset), PyNum::of(&config.scale));
        Ok(FixedScaleOffset { dtype: config.dtype, astype, t, a, offset, scale, config })
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
        let nbytes = n.checked_mul(self.t.itemsize()).ok_or(Error::Allocation { size: usize::MAX })?;
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
        testing::assert_configs_rejected::<FixedScaleOffset>(&[
            json!({"id": "fixedscaleoffset", "offset": 1, "dtype": "<f8"}),
            json!({"id": "fixedscaleoffset", "scale": 1, "dtype": "<f8"}),
            json!({"id": "fixedscaleoffset", "offset": 1, "scale": 1}),
            json!({"id": "fixedscaleoffset", "offset": "1", "scale": 1, "dtype": "<f8"}),
            json!({"id": "fixedscaleoffset", "offset": true, "scale": 1, "dtype": "<f8"}),
            json!({"id": "fixedscaleoffset", "offset": 1, "scale": 1, "dtype": "|O"}),
            json!({"id": "fixedscaleoffset", "offset": 1, "scale": 1, "dtype": "<f8", "astype": "|O"}),
            json!({"id": "fixedscaleoffset", "offset": 1, "scale": 1, "dtype": "|b1"}),
            json!({"id": "fixedscaleoffset", "offset": 1, "scale": 1, "dtype": "<c8"}),
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
    }
}
