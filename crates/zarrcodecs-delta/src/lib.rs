#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]

use serde::{Deserialize, Serialize};
use zarrcodecs_core::{ArrayViewMut, Codec, DType, Data, DataRef, DecodeOptions, Error, NdArray, Result, StaticCodec};
use zarrcodecs_kernels::cast::{self, Arith, Block, Element, NumType, Scalar, BLOCK};
use zarrcodecs_kernels::dispatch;

/// The configuration of [`Delta`]: numcodecs' `{"dtype": ..., "astype": ...}`.
/// `astype` may be missing or `null` (then it is `dtype`); it is always written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeltaConfig {
    /// The dtype of the decoded data.
    pub dtype: DType,
    /// The dtype of the encoded data (`None`: `dtype`).
    #[serde(default)]
    pub astype: Option<DType>,
}

/// numcodecs' `Delta` (id `delta`): the first element, then the differences between
/// adjacent elements, computed in `dtype` and cast to `astype`; decoding is the
/// cumulative sum. The output is one-dimensional, as numcodecs' is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Delta {
    dtype: DType,
    astype: DType,
    t: NumType,
    a: NumType,
}

fn numeric(dtype: DType, key: &str) -> Result<NumType> {
    NumType::of(dtype).ok_or_else(|| {
        Error::invalid_config(
            Delta::CODEC_ID,
            format_args!("{key} {dtype} is not supported: only integer (i1..i8, u1..u8) and float (f2, f4, f8) dtypes"),
        )
    })
}

/// Loads the previous element (`bytes`, one element) into `prev`'s native bytes.
fn load_one<T: Element>(bytes: &[u8], swap: bool, prev: &mut u64) {
    cast::load::<T>(bytes, &mut bytemuck::cast_slice_mut::<u64, T>(std::slice::from_mut(prev))[..1], swap);
}

/// The exact value of the element stored in `bytes`.
fn first_scalar<T: Element>(bytes: &[u8], swap: bool) -> Scalar {
    let mut v = [T::default()];
    cast::load::<T>(bytes, &mut v, swap);
    v[0].scalar()
}

/// `out[i] = x[i] - x[i - 1]` over one block, `x[-1]` being `prev`; `prev` becomes the
/// block's last element.
fn diff_block<T: Arith>(x: &[T], d: &mut [T], prev: &mut T) {
    if let (Some(d0), Some(&x0)) = (d.first_mut(), x.first()) {
        *d0 = x0.np_sub(*prev);
    }
    for ((o, a), b) in d.iter_mut().skip(1).zip(&x[1..]).zip(x.iter()) {
        *o = a.np_sub(*b);
    }
    if let Some(&last) = x.last() {
        *prev = last;
    }
}

/// `d[0] = x[0]`, `d[i] = x[i] - x[i - 1]`: the whole encoding when no cast is needed.
fn diff_direct<T: Arith>(x: &[T], d: &mut [T]) {
    if let (Some(d0), Some(&x0)) = (d.first_mut(), x.first()) {
        *d0 = x0;
    }
    zarrcodecs_kernels::cpu::with_best_cpu(
        #[inline(always)]
        || {
            for ((o, a), b) in d.iter_mut().skip(1).zip(&x[1..]).zip(x.iter()) {
                *o = a.np_sub(*b);
            }
        },
    );
}

/// [`diff_direct`] into a new array of `dtype` (whose type is `T`, native): each
/// difference written once (no zero-fill first).
fn diff_new<T: Arith>(x: &[T], dtype: DType) -> Result<NdArray> {
    let mut prev = T::default();
    // The first difference (from zero) is replaced by the first element itself below.
    let diffs = x.iter().map(move |&v| {
        let d = v.np_sub(prev);
        prev = v;
        d
    });
    let mut out = NdArray::from_values(dtype, vec![x.len()], diffs)?;
    if let (Some(d0), Some(&x0)) = (out.as_mut_slice::<T>()?.first_mut(), x.first()) {
        *d0 = x0;
    }
    Ok(out)
}

/// `d[i] = x[0] + ... + x[i]`, summed in order as numpy does: the whole decoding when
/// no cast is needed.
fn cumsum_direct<T: Arith>(x: &[T], d: &mut [T]) {
    let Some((&x0, rest)) = x.split_first() else { return };
    let mut s = x0;
    if let Some(d0) = d.first_mut() {
        *d0 = s;
    }
    for (o, v) in d.iter_mut().skip(1).zip(rest) {
        s = s.np_add(*v);
        *o = s;
    }
}

/// [`cumsum_direct`] of floats into a new array of `dtype` (whose type is `T`, native):
/// each sum written once (no zero-fill first). The sums are sequential, so the loop
/// is as fast here as in the dispatched copy. (For integers the zero-fill and the plain
/// loop measured faster than this iterator.)
fn cumsum_new<T: Arith>(x: &[T], dtype: DType) -> Result<NdArray> {
    if !T::TYPE.is_float() {
        let mut s = T::default();
        return NdArray::from_values(
            dtype,
            vec![x.len()],
            x.iter().map(move |&v| {
                s = s.np_add(v);
                s
            }),
        );
    }
    let Some((&x0, rest)) = x.split_first() else { return NdArray::zeros(dtype, vec![0]) };
    let sums = rest.iter().scan(x0, |s, &v| {
        *s = s.np_add(v);
        Some(*s)
    });
    NdArray::from_values(dtype, vec![x.len()], std::iter::once(x0).chain(sums))
}

/// The running sum over one block (numpy's sequential `add.accumulate`); `acc` holds
/// the sum so far, `first` says the block starts the array (its first element is
/// copied, not added to zero: `-0.0` and NaN payloads stay).
fn cumsum_block<W: Arith>(w: &mut Block, m: usize, acc: &mut u64, first: bool) {
    let v = &mut bytemuck::cast_slice_mut::<u64, W>(w)[..m];
    let a = &mut bytemuck::cast_slice_mut::<u64, W>(std::slice::from_mut(acc))[0];
    let (mut s, rest) = match (first, v.split_first_mut()) {
        (true, Some((v0, rest))) => (*v0, rest),
        _ => (*a, &mut v[..]),
    };
    for x in rest {
        s = s.np_add(*x);
        *x = s;
    }
    *a = s;
}

impl Delta {
    /// The codec for data of `dtype`, encoded as `astype` (`None`: `dtype`).
    ///
    /// # Errors
    /// [`Error::InvalidConfig`] if a dtype is not an integer or float dtype.
    pub fn new(dtype: DType, astype: Option<DType>) -> Result<Self> {
        Self::from_config(DeltaConfig { dtype, astype })
    }

    /// The decoded dtype.
    pub fn dtype(&self) -> DType {
        self.dtype
    }

    /// The encoded dtype.
    pub fn astype(&self) -> DType {
        self.astype
    }

    /// Number of elements of `data` viewed as `dtype` (numpy's `view` rules).
    fn count<'a>(&self, data: &DataRef<'a>, dtype: DType) -> Result<(usize, &'a [u8])> {
        let arr = data.require_array(Self::CODEC_ID)?;
        let shape = cast::view_shape(Self::CODEC_ID, arr.shape(), arr.dtype().itemsize(), dtype)?;
        Ok((shape.iter().product(), arr.as_bytes()))
    }

    /// enc[0] = arr[0]: numpy 2 assigns a scalar to a signed integer array through
    /// Python's int(), which raises when it does not fit; otherwise it is a cast of one
    /// element on its own. `first` holds the first element's bytes.
    fn check_first(&self, first: &[u8]) -> Result<()> {
        let swap = self.dtype.byte_order().is_swapped();
        let first = dispatch!(self.t, T => first_scalar::<T>(first, swap));
        if !first.fits_assignment(self.a) {
            return Err(Error::unsupported_input(
                Self::CODEC_ID,
                format_args!(
                    "the first element ({first:?}) does not fit in astype {} (numcodecs' `enc[0] = arr[0]` raises \
                     OverflowError or ValueError)",
                    self.astype
                ),
            ));
        }
        Ok(())
    }

    fn encode_into(&self, src: &[u8], dst: &mut [u8]) -> Result<()> {
        let (tsz, asz) = (self.t.itemsize(), self.a.itemsize());
        if src.len() < tsz {
            return Ok(());
        }
        let swap = self.dtype.byte_order().is_swapped();
        self.check_first(&src[..tsz])?;
        if self.dtype == self.astype && !swap {
            // No cast: differences straight from the input into the output.
            dispatch!(self.t, T => {
                if let (Ok(x), Ok(d)) =
                    (bytemuck::try_cast_slice::<u8, T>(src), bytemuck::try_cast_slice_mut::<u8, T>(dst))
                {
                    diff_direct(x, d);
                    return Ok(());
                }
            });
        }
        cast::cast_bytes(Self::CODEC_ID, &src[..tsz], self.dtype, &mut dst[..asz], self.astype)?;
        let mut prev = 0u64;
        dispatch!(self.t, T => load_one::<T>(&src[..tsz], swap, &mut prev));
        // enc[1:] = np.diff(arr): n - 1 differences in dtype, cast to astype as one array.
        let (src, dst) = (&src[tsz..], &mut dst[asz..]);
        dispatch!(self.t, T => {
            let mut p = bytemuck::cast_slice::<u64, T>(std::slice::from_ref(&prev))[0];
            cast::map_blocks::<T, T>(Self::CODEC_ID, src, self.dtype, dst, self.astype, |x, d| diff_block(x, d, &mut p))?;
        });
        Ok(())
    }

    fn decode_to(&self, src: &[u8], dst: &mut [u8]) -> Result<()> {
        let (asz, tsz) = (self.a.itemsize(), self.t.itemsize());
        // np.cumsum(enc, out=dec) adds in the promoted type of (dtype, astype), then
        // casts to dtype.
        let w = self.t.promote(self.a);
        let (wd, wsz) = (w.native_dtype(), w.itemsize());
        if self.dtype == self.astype && !self.dtype.byte_order().is_swapped() {
            // No cast: the running sum straight from the input into the output.
            dispatch!(self.t, T => {
                if let (Ok(x), Ok(d)) =
                    (bytemuck::try_cast_slice::<u8, T>(src), bytemuck::try_cast_slice_mut::<u8, T>(dst))
                {
                    cumsum_direct(x, d);
                    return Ok(());
                }
            });
        }
        let mut buf: Block = [0; BLOCK];
        let mut acc = 0u64;
        for (i, (sc, dc)) in src.chunks(BLOCK * asz).zip(dst.chunks_mut(BLOCK * tsz)).enumerate() {
            let m = sc.len() / asz;
            let wb = &mut bytemuck::cast_slice_mut::<u64, u8>(&mut buf)[..m * wsz];
            cast::cast_bytes(Self::CODEC_ID, sc, self.astype, wb, wd)?;
            dispatch!(w, W => cumsum_block::<W>(&mut buf, m, &mut acc, i == 0));
            let sums = &bytemuck::cast_slice::<u64, u8>(&buf)[..m * wsz];
            cast::cast_bytes(Self::CODEC_ID, sums, wd, dc, self.dtype)?;
        }
        Ok(())
    }
}

impl StaticCodec for Delta {
    const CODEC_ID: &'static str = "delta";
    type Config = DeltaConfig;

    fn from_config(config: DeltaConfig) -> Result<Self> {
        let astype = config.astype.unwrap_or(config.dtype);
        let t = numeric(config.dtype, "dtype")?;
        let a = numeric(astype, "astype")?;
        Ok(Delta { dtype: config.dtype, astype, t, a })
    }

    fn config(&self) -> DeltaConfig {
        DeltaConfig { dtype: self.dtype, astype: Some(self.astype) }
    }
}

impl Codec for Delta {
    fn encode(&self, data: DataRef<'_>) -> Result<Data> {
        let (n, src) = self.count(&data, self.dtype)?;
        if self.dtype == self.astype && !self.dtype.byte_order().is_swapped() && n > 0 {
            // No cast: the differences straight from the input into a new array.
            self.check_first(&src[..self.t.itemsize()])?;
            dispatch!(self.t, T => {
                if let Ok(x) = bytemuck::try_cast_slice::<u8, T>(src) {
                    return Ok(diff_new(x, self.dtype)?.into());
                }
            });
        }
        let mut out = NdArray::zeros(self.astype, vec![n])?;
        self.encode_into(src, out.as_bytes_mut())?;
        Ok(out.into())
    }

    fn decode_with(&self, encoded: DataRef<'_>, _options: &DecodeOptions) -> Result<Data> {
        let (n, src) = self.count(&encoded, self.astype)?;
        if self.dtype == self.astype && !self.dtype.byte_order().is_swapped() {
            // No cast: the running sum straight from the input into a new array.
            dispatch!(self.t, T => {
                if let Ok(x) = bytemuck::try_cast_slice::<u8, T>(src) {
                    return Ok(cumsum_new(x, self.dtype)?.into());
                }
            });
        }
        let mut out = NdArray::zeros(self.dtype, vec![n])?;
        self.decode_to(src, out.as_bytes_mut())?;
        Ok(out.into())
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
        self.decode_to(src, out.as_bytes_mut())
    }
}

zarrcodecs_core::register_static_codec!(DELTA_REGISTRATION: Delta);

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
        let c = Delta::from_json(&json!({"id": "delta", "dtype": "<i4"})).unwrap();
        assert_eq!(c.get_config().unwrap(), json!({"id": "delta", "dtype": "<i4", "astype": "<i4"}));
        testing::assert_config_round_trip(&c);
        let c = Delta::from_json(&json!({"id": "delta", "dtype": "float64", "astype": null})).unwrap();
        assert_eq!(c.get_config().unwrap(), json!({"id": "delta", "dtype": "<f8", "astype": "<f8"}));
        let c = Delta::from_json(&json!({"id": "delta", "dtype": ">i2", "astype": "|i1"})).unwrap();
        testing::assert_config_round_trip(&c);
        testing::assert_configs_rejected::<Delta>(&[
            json!({"id": "delta"}),
            json!({"id": "delta", "astype": "<i4"}),
            json!({"id": "delta", "dtype": "|O"}),
            json!({"id": "delta", "dtype": "<f8", "astype": "|O"}),
            json!({"id": "delta", "dtype": "|b1"}),
            json!({"id": "delta", "dtype": "<c16"}),
            json!({"id": "delta", "dtype": "<M8[ns]"}),
            json!({"id": "delta", "dtype": "<i4", "offset": 1}),
            json!({"id": "delta", "dtype": "<i5"}),
            json!({"id": "quantize", "dtype": "<f8"}),
        ]);
    }

    #[test]
    fn numcodecs_docstring_example() {
        // numcodecs' docstring: Delta(dtype='i2', astype='i1') on arange(100, 120, 2).
        let c = Delta::new(dt("<i2"), Some(dt("|i1"))).unwrap();
        let x: Vec<u8> = (100i16..120).step_by(2).flat_map(|v| v.to_le_bytes()).collect();
        let input = NdArray::from_bytes(&x, dt("<i2"), vec![2, 5]).unwrap();
        let e = c.encode(DataRef::from(&input)).unwrap().into_array().unwrap();
        assert_eq!((e.dtype(), e.shape()), (dt("|i1"), &[10][..]));
        assert_eq!(e.as_slice::<i8>().unwrap(), &[100, 2, 2, 2, 2, 2, 2, 2, 2, 2]);
        let d = c.decode(DataRef::from(&e)).unwrap().into_array().unwrap();
        assert_eq!(d.as_bytes(), &x[..]);
    }

    #[test]
    fn round_trips_and_errors() {
        for a in testing::sample_arrays() {
            let Some(_) = NumType::of(a.dtype()) else { continue };
            let c = Delta::new(a.dtype(), None).unwrap();
            let e = c.encode(DataRef::from(&a)).unwrap().into_array().unwrap();
            assert_eq!(e.shape(), &[a.len()]);
            let d = c.decode(DataRef::from(&e)).unwrap().into_array().unwrap();
            if matches!(NumType::of(a.dtype()), Some(t) if !t.is_float()) {
                // Integers wrap around both ways: exact.
                assert_eq!(d.as_bytes(), a.as_bytes(), "{}", a.dtype());
            }
            let mut out = vec![0u8; a.as_bytes().len()];
            c.decode_into(DataRef::from(&e), &mut ArrayViewMut::new(&mut out, a.dtype(), vec![a.len()]).unwrap())
                .unwrap();
            assert_eq!(out, d.as_bytes());
            let mut long = vec![0u8; a.as_bytes().len() + 1];
            let r = c.decode_bytes_into(e.as_bytes(), &mut long);
            assert!(matches!(r, Err(Error::OutputSizeMismatch { .. })), "{r:?}");
        }
        let c = Delta::new(dt("<f8"), None).unwrap();
        assert!(matches!(c.encode_bytes(&[0; 12]), Err(Error::UnsupportedInput { .. })));
        assert!(matches!(c.decode_bytes(&[0; 9]), Err(Error::UnsupportedInput { .. })));
        let mut out = [0u8; 8];
        let r =
            c.decode_into(DataRef::from(&[0u8; 8][..]), &mut ArrayViewMut::new(&mut out, dt("<i8"), vec![1]).unwrap());
        assert!(matches!(r, Err(Error::UnsupportedDType { .. })));
        // numcodecs raises IndexError on an empty array; we return an empty one.
        assert_eq!(c.encode_bytes(&[]).unwrap().len(), 0);
        assert_eq!(c.decode_bytes(&[]).unwrap().len(), 0);
    }
}
