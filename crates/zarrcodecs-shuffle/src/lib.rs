#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]

mod kernel;

use serde::{Deserialize, Serialize};
use zarrcodecs_core::{
    AlignedBuf, ArrayViewMut, Codec, Data, DataRef, DecodeOptions, Error, NdArray, Result, StaticCodec,
};

/// The configuration of [`Shuffle`]: numcodecs' `{"elementsize": 4}`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShuffleConfig {
    /// The size in bytes of the elements whose bytes are grouped. Any integer, as in
    /// numcodecs: 1 and below (0, negative) copy the bytes unchanged. Default 4.
    #[serde(default = "default_elementsize")]
    pub elementsize: i64,
}

fn default_elementsize() -> i64 {
    4
}

/// numcodecs' `Shuffle` (id `shuffle`): byte `b` of element `i` goes to
/// `b * count + i`, so the first bytes of all elements come first, then the second
/// bytes, and so on. Encoded and decoded data are `|u1` bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shuffle {
    elementsize: i64,
}

impl Shuffle {
    /// A codec with the given element size (1 and below copy the bytes unchanged).
    pub fn new(elementsize: i64) -> Self {
        Shuffle { elementsize }
    }

    /// The element size, as configured.
    pub fn elementsize(&self) -> i64 {
        self.elementsize
    }

    /// The element size when it shuffles anything (`None` for 1 and below).
    fn width(&self) -> Option<usize> {
        if self.elementsize <= 1 {
            None
        } else {
            // An element size beyond the address space divides no buffer but the empty one.
            Some(usize::try_from(self.elementsize).unwrap_or(usize::MAX))
        }
    }

    /// Checks that `len` is a whole number of elements, as numcodecs does.
    fn check_len(&self, len: usize) -> Result<Option<usize>> {
        match self.width() {
            Some(n) if !len.is_multiple_of(n) => Err(Error::unsupported_input(
                Self::CODEC_ID,
                format_args!("the buffer of {len} bytes is not a whole number of {n}-byte elements"),
            )),
            width => Ok(width),
        }
    }

    fn run(&self, src: &[u8], dst: &mut [u8], forward: bool) -> Result<()> {
        match self.check_len(src.len())? {
            Some(n) if !src.is_empty() => {
                if forward {
                    kernel::shuffle(src, dst, n);
                } else {
                    kernel::unshuffle(src, dst, n);
                }
            }
            _ => dst.copy_from_slice(src),
        }
        Ok(())
    }

    fn transform(&self, data: DataRef<'_>, forward: bool) -> Result<Data> {
        let src = data.require_bytes(Self::CODEC_ID)?;
        self.check_len(src.len())?;
        // `run` writes every byte: no zero-fill first.
        let mut out = AlignedBuf::for_overwrite(src.len())?;
        self.run(src, out.as_mut_slice(), forward)?;
        Ok(NdArray::from_buf(out).into())
    }
}

impl Default for Shuffle {
    /// numcodecs' default: element size 4.
    fn default() -> Self {
        Shuffle::new(default_elementsize())
    }
}

impl StaticCodec for Shuffle {
    const CODEC_ID: &'static str = "shuffle";
    type Config = ShuffleConfig;

    fn from_config(config: ShuffleConfig) -> Result<Self> {
        Ok(Self::new(config.elementsize))
    }

    fn config(&self) -> ShuffleConfig {
        ShuffleConfig { elementsize: self.elementsize }
    }
}

zarrcodecs_core::register_static_codec!(SHUFFLE_REGISTRATION: Shuffle);

impl Codec for Shuffle {
    /// Shuffles the bytes of any numeric array (in memory order) into a flat `|u1`
    /// array of the same size.
    fn encode(&self, data: DataRef<'_>) -> Result<Data> {
        self.transform(data, true)
    }

    /// Unshuffles into a flat `|u1` array of the same size.
    fn decode_with(&self, encoded: DataRef<'_>, _options: &DecodeOptions) -> Result<Data> {
        self.transform(encoded, false)
    }

    /// Unshuffles straight into `out`, whatever its dtype (numcodecs writes the bytes
    /// into any contiguous `out`); its size must be the encoded size.
    fn decode_into_with(
        &self,
        encoded: DataRef<'_>,
        out: &mut ArrayViewMut<'_>,
        _options: &DecodeOptions,
    ) -> Result<()> {
        let src = encoded.require_bytes(Self::CODEC_ID)?;
        let dst = out.as_bytes_mut();
        if dst.len() != src.len() {
            return Err(Error::OutputSizeMismatch {
                codec: Self::CODEC_ID.into(),
                expected: dst.len(),
                actual: src.len(),
            });
        }
        self.run(src, dst, false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use zarrcodecs_core::testing;
    use zarrcodecs_core::DynCodec;
    use zarrcodecs_core::{CodecExt, DType, Object, ObjectArray};

    #[test]
    fn configs() {
        testing::assert_config_round_trip(&Shuffle::new(8));
        testing::assert_config_round_trip(&Shuffle::new(-3));
        assert_eq!(Shuffle::from_json(&json!({"id": "shuffle"})).unwrap().elementsize(), 4);
        assert_eq!(Shuffle::default().get_config().unwrap(), json!({"id": "shuffle", "elementsize": 4}));
        assert_eq!(Shuffle::from_json(&json!({"elementsize": 0})).unwrap().elementsize(), 0);
        testing::assert_configs_rejected::<Shuffle>(&[
            json!({"id": "shuffle", "elementsize": 2.0}),
            json!({"id": "shuffle", "elementsize": "4"}),
            json!({"id": "shuffle", "elementsize": null}),
            json!({"id": "shuffle", "elementsize": 18_446_744_073_709_551_615_u64}),
            json!({"id": "shuffle", "typesize": 4}),
            json!({"id": "zlib", "elementsize": 4}),
            json!([4]),
        ]);
    }

    #[test]
    fn round_trips_whole_elements_and_refuses_the_rest() {
        for es in [-1, 0, 1, 2, 3, 4, 5, 7, 8, 12, 16, 4096, i64::MAX] {
            let codec = Shuffle::new(es);
            for a in testing::sample_arrays() {
                let len = a.as_bytes().len();
                let whole = es <= 1 || len % usize::try_from(es).unwrap() == 0;
                let r = codec.encode(DataRef::from(&a));
                if !whole {
                    assert!(matches!(r, Err(Error::UnsupportedInput { .. })), "es {es} {}: {r:?}", a.dtype());
                    // The same bytes are refused by decode and decode_into too.
                    assert!(codec.decode_bytes(a.as_bytes()).is_err());
                    let mut out = vec![0u8; len];
                    assert!(codec.decode_bytes_into(a.as_bytes(), &mut out).is_err());
                    continue;
                }
                let enc = r.unwrap().into_array().unwrap();
                assert_eq!((enc.dtype(), enc.shape()), (DType::U1, &[len][..]));
                if es <= 1 {
                    assert_eq!(enc.as_bytes(), a.as_bytes());
                }
                let dec = codec.decode(DataRef::from(&enc)).unwrap().into_array().unwrap();
                assert_eq!((dec.dtype(), dec.shape(), dec.as_bytes()), (DType::U1, &[len][..], a.as_bytes()));
                let mut out = NdArray::zeros(a.dtype(), a.shape().to_vec()).unwrap();
                codec.decode_into(DataRef::from(&enc), &mut out.view_mut()).unwrap();
                assert_eq!(out.as_bytes(), a.as_bytes());
                if len > 0 {
                    for n in [len - 1, len + 1] {
                        let mut wrong = vec![0u8; n];
                        let r = codec.decode_bytes_into(enc.as_bytes(), &mut wrong);
                        assert!(matches!(r, Err(Error::OutputSizeMismatch { .. })), "{r:?}");
                    }
                }
            }
        }
    }

    #[test]
    fn transposes_bytes() {
        let data: Vec<u8> = (0..12).collect();
        let enc = Shuffle::new(4).encode_bytes(&data).unwrap();
        assert_eq!(enc.as_bytes(), &[0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11]);
        let enc = Shuffle::new(3).encode_bytes(&data).unwrap();
        assert_eq!(enc.as_bytes(), &[0, 3, 6, 9, 1, 4, 7, 10, 2, 5, 8, 11]);
        assert_eq!(Shuffle::new(12).encode_bytes(&data).unwrap().as_bytes(), &data[..]);
    }

    #[test]
    fn object_arrays_are_refused() {
        let o = ObjectArray::from_items(vec![Object::Str("a".into())]);
        for r in [Shuffle::default().encode(DataRef::from(&o)), Shuffle::default().decode(DataRef::from(&o))] {
            assert!(matches!(r, Err(Error::UnsupportedInput { .. })), "{r:?}");
        }
    }
}
