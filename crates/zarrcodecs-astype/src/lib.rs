#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]

use serde::{Deserialize, Serialize};
use zarrcodecs_core::{
    ArrayView, ArrayViewMut, ByteOrder, Codec, DType, DTypeKind, Data, DataRef, DecodeOptions, Error, NdArray, Result,
    StaticCodec,
};
use zarrcodecs_kernels::cast::{self, NumType};

/// The configuration of [`AsType`]: numcodecs' `{"encode_dtype": ..., "decode_dtype": ...}`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AsTypeConfig {
    /// The dtype of the encoded data.
    pub encode_dtype: DType,
    /// The dtype of the decoded data.
    pub decode_dtype: DType,
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
            format_args!(
                "{key} {dtype} is not supported: only bool (b1), integer (i1..i8, u1..u8) and float (f2, f4, f8) \
                 dtypes"
            ),
        )
    })
}

/// numpy's `astype` of the elements `src` of `from` into `dst` of `to`, bool included:
/// a bool is read as `True` when its byte is not zero and written as 0 or 1; a number
/// is `True` when it is not zero (NaN included, `-0.0` not); bool to bool copies the
/// bytes unchanged, as numpy does.
fn cast_any(src: &[u8], from: DType, dst: &mut [u8], to: DType) -> Result<()> {
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

impl AsType {
    /// The codec casting between `encode_dtype` and `decode_dtype`.
    ///
    /// # Errors
    /// [`Error::InvalidConfig`] if either is not a bool, integer or float dtype.
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
        if from.kind() != DTypeKind::Bool && to.kind() != DTypeKind::Bool {
            return cast::cast_new(Self::CODEC_ID, arr.as_bytes(), from, to, shape);
        }
        let mut out = NdArray::zeros(to, shape)?;
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
        numeric(config.encode_dtype, "encode_dtype")?;
        numeric(config.decode_dtype, "decode_dtype")?;
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
        cast::check_out(Self::CODEC_ID, out.dtype(), out.as_bytes().len(), self.decode_dtype, nbytes)?;
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
        testing::assert_configs_rejected::<AsType>(&[
            json!({"id": "astype", "encode_dtype": "<i4"}),
            json!({"id": "astype", "decode_dtype": "<i4"}),
            json!({"id": "astype", "encode_dtype": "<i4", "decode_dtype": "<f8", "x": 1}),
            json!({"id": "astype", "encode_dtype": "<c8", "decode_dtype": "<f8"}),
            json!({"id": "astype", "encode_dtype": "|S4", "decode_dtype": "<f8"}),
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
