#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]

mod dict_key;
mod int_text;
mod opcodes;
mod pickler;
mod unpickler;

use serde::{Deserialize, Serialize};
use zarrcodecs_core::{
    ArrayViewMut, Codec, Data, DataRef, DecodeOptions, Error, NdArray, ObjectArray, Result, StaticCodec,
};

pub(crate) const CODEC_ID: &str = "pickle";

/// `pickle.HIGHEST_PROTOCOL` of the Pythons numcodecs 0.15.2 supports, and numcodecs'
/// default.
pub const HIGHEST_PROTOCOL: i64 = 5;

/// The configuration of [`Pickle`]: numcodecs' `{"protocol": 5}`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PickleConfig {
    /// The pickle protocol, 0 to 5; a negative value means the highest (5), as in
    /// Python's `pickle.dumps`. Default 5 (numcodecs' `pickle.HIGHEST_PROTOCOL`).
    #[serde(default = "default_protocol")]
    pub protocol: i64,
}

fn default_protocol() -> i64 {
    HIGHEST_PROTOCOL
}

/// numcodecs' `Pickle` (id `pickle`): `pickle.dumps(array, protocol)` of a numpy array,
/// written as CPython's pickler writes it; decoded by a restricted unpickler that only
/// rebuilds numpy arrays and never runs code (see the crate documentation).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pickle {
    protocol: i64,
}

impl Pickle {
    /// A codec writing `protocol` (0 to 5, or negative for the highest).
    ///
    /// # Errors
    /// [`Error::InvalidConfig`] for a protocol above 5.
    pub fn new(protocol: i64) -> Result<Self> {
        if protocol > HIGHEST_PROTOCOL {
            return Err(Error::invalid_config(
                CODEC_ID,
                format_args!(
                    "pickle protocol must be at most {HIGHEST_PROTOCOL} (or negative for the highest), got {protocol}"
                ),
            ));
        }
        Ok(Pickle { protocol })
    }

    /// The protocol, as configured.
    pub fn protocol(&self) -> i64 {
        self.protocol
    }

    /// The protocol actually written: negative values mean the highest.
    pub fn effective_protocol(&self) -> u8 {
        u8::try_from(self.protocol).unwrap_or(5)
    }

    /// Pickles `objects` as numpy pickles the same array held in Fortran (column-major)
    /// order: the bytes of [`Codec::encode`] but for numpy's Fortran flag, set (the
    /// items stay in logical order, as numpy writes them). zarr 2.18 writes the chunks
    /// of an F-order object array with `pickle` as its object codec so.
    ///
    /// ```
    /// use zarrcodecs_core::{Codec, DataRef, Object, ObjectArray};
    /// use zarrcodecs_pickle::Pickle;
    /// let items = (0..6).map(|i| Object::from(i.to_string())).collect();
    /// let chunk = ObjectArray::new(items, vec![2, 3])?;
    /// let pickle = Pickle::default();
    /// let c = pickle.encode(DataRef::Object(&chunk))?.into_array().unwrap();
    /// let f = pickle.encode_fortran_order(&chunk)?;
    /// // One byte apart: NEWFALSE (0x89) becomes NEWTRUE (0x88).
    /// let diff: Vec<_> = c.as_bytes().iter().zip(f.as_bytes()).filter(|(a, b)| a != b).collect();
    /// assert_eq!(diff, [(&0x89, &0x88)]);
    /// // It reads back as the same logical array.
    /// assert_eq!(pickle.decode(DataRef::from(f.as_bytes()))?.into_object().unwrap(), chunk);
    /// # Ok::<(), zarrcodecs_core::Error>(())
    /// ```
    ///
    /// # Errors
    /// As [`Codec::encode`].
    pub fn encode_fortran_order(&self, objects: &ObjectArray) -> Result<NdArray> {
        let proto = self.effective_protocol();
        let buf = pickler::dumps(pickler::ArrayData::Objects(objects.items(), objects.shape(), true), proto)?;
        Ok(NdArray::from_buf(buf.into_buf()?))
    }
}

impl Default for Pickle {
    /// numcodecs' default: protocol 5.
    fn default() -> Self {
        Pickle { protocol: HIGHEST_PROTOCOL }
    }
}

impl StaticCodec for Pickle {
    const CODEC_ID: &'static str = CODEC_ID;
    type Config = PickleConfig;

    fn from_config(config: PickleConfig) -> Result<Self> {
        Self::new(config.protocol)
    }

    fn config(&self) -> PickleConfig {
        PickleConfig { protocol: self.protocol }
    }
}

zarrcodecs_core::register_static_codec!(PICKLE_REGISTRATION: Pickle);

impl Codec for Pickle {
    fn encode(&self, data: DataRef<'_>) -> Result<Data> {
        let proto = self.effective_protocol();
        let buf = match data {
            DataRef::Object(o) => {
                pickler::dumps(pickler::ArrayData::Objects(o.items(), o.shape(), false), proto)?.into_buf()?
            }
            DataRef::Array(a) => pickler::dumps(
                pickler::ArrayData::Numeric(pickler::Numeric {
                    bytes: a.as_bytes(),
                    dtype: a.dtype(),
                    shape: a.shape(),
                }),
                proto,
            )?
            .into_buf()?,
        };
        Ok(NdArray::from_buf(buf).into())
    }

    /// Unpickles `encoded`. `options`' decoded-size limit is the decoding budget: the
    /// memory the unpickler may hold (about 32 bytes per object, plus string and array
    /// payloads) and the size of the decoded array. Going over it is an
    /// [`Error::DecodedSizeLimit`].
    fn decode_with(&self, encoded: DataRef<'_>, options: &DecodeOptions) -> Result<Data> {
        let input = encoded.require_bytes(CODEC_ID)?;
        Ok(match unpickler::loads(input, options.decoded_size_limit())? {
            unpickler::Decoded::Objects(o) => Data::Object(o),
            unpickler::Decoded::Numeric(a) => Data::Array(a),
        })
    }

    /// Unpickles a numeric array straight into `out`, within the options' decoding
    /// budget.
    fn decode_into_with(
        &self,
        encoded: DataRef<'_>,
        out: &mut ArrayViewMut<'_>,
        options: &DecodeOptions,
    ) -> Result<()> {
        let input = encoded.require_bytes(CODEC_ID)?;
        let dtype = out.dtype();
        // `out`'s length does not bound the budget: it also counts the unpickler's
        // working memory (stack, memo, objects, string payloads) on top of the array.
        let limit = options.decoded_size_limit();
        unpickler::loads_into(input, limit, out.as_bytes_mut(), dtype)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::panic)]

    use serde_json::json;
    use zarrcodecs_core::testing::{assert_config_round_trip, assert_configs_rejected, sample_arrays, Rng};
    use zarrcodecs_core::{BigInt, ByteOrder, CodecExt, DTypeKind, DynCodec, Object, ObjectArray};

    use super::*;

    #[test]
    fn config_rules() {
        assert_eq!(Pickle::default().get_config().unwrap(), json!({"id": "pickle", "protocol": 5}));
        assert_eq!(Pickle::from_json(&json!({})).unwrap().protocol(), 5);
        assert_eq!(Pickle::from_json(&json!({"id": "pickle"})).unwrap(), Pickle::default());
        for p in [-1, 0, 1, 2, 3, 4, 5] {
            let c = Pickle::from_json(&json!({"id": "pickle", "protocol": p})).unwrap();
            assert_config_round_trip(&c);
            assert_eq!(c.get_config().unwrap()["protocol"], p, "the configured value is kept");
        }
        // Negative: Python's pickle.HIGHEST_PROTOCOL.
        assert_eq!(Pickle::new(-1).unwrap().effective_protocol(), 5);
        assert_eq!(Pickle::new(-7).unwrap().effective_protocol(), 5);
        assert_eq!(Pickle::new(3).unwrap().effective_protocol(), 3);
        assert!(matches!(Pickle::new(6), Err(Error::InvalidConfig { .. })));
        assert_configs_rejected::<Pickle>(&[
            json!({"protocol": 6}),
            json!({"protocol": 1000}),
            json!({"protocol": "5"}),
            json!({"protocol": 2.5}),
            json!({"protocol": null}),
            json!({"protocol": 5, "fix_imports": true}),
            json!({"id": "msgpack2", "protocol": 5}),
            json!([5]),
        ]);
    }

    #[test]
    fn numeric_round_trips_every_protocol() {
        for p in 0..=5 {
            let codec = Pickle::new(p).unwrap();
            for a in sample_arrays() {
                let enc = codec.encode(DataRef::from(&a)).unwrap().into_array().unwrap();
                let dec = codec.decode(DataRef::from(&enc)).unwrap().into_array().unwrap();
                assert_eq!(dec.shape(), a.shape());
                let datetime = matches!(a.dtype().kind(), DTypeKind::Datetime { .. } | DTypeKind::Timedelta { .. });
                // numpy pickles datetimes through __setstate__ at every protocol.
                let swapped = a.dtype().byte_order() == ByteOrder::Big && (p < 5 || datetime);
                if swapped {
                    // numpy's __setstate__ makes byte-swapped data native, as here.
                    assert_eq!(dec.dtype(), a.dtype().with_byte_order(ByteOrder::Little));
                } else {
                    assert_eq!(dec, a, "protocol {p} {} {:?}", a.dtype(), a.shape());
                }
                // decode_into an array of the input's dtype gives its bytes back, as
                // numcodecs' np.copyto does.
                let mut out = NdArray::zeros(a.dtype(), a.shape().to_vec()).unwrap();
                codec.decode_into(DataRef::from(&enc), &mut out.view_mut()).unwrap();
                assert_eq!(out, a, "decode_into, protocol {p} {}", a.dtype());
            }
        }
    }

    fn random_object(rng: &mut Rng, depth: usize) -> Object {
        match rng.next_u64() % if depth > 3 { 8 } else { 10 } {
            0 => Object::None,
            1 => Object::Bool(rng.next_u64().is_multiple_of(2)),
            2 => Object::Int(rng.next_u64() as i64 >> (rng.next_u64() % 64)),
            3 => Object::Float(f64::from_bits(rng.next_u64())),
            4 => {
                let n = (rng.next_u64() % 6) as usize;
                Object::Str((0..n).filter_map(|_| char::from_u32((rng.next_u64() % 0x11_0000) as u32)).collect())
            }
            5 => {
                let n = (rng.next_u64() % 6) as usize;
                Object::Bytes(rng.bytes(n).into())
            }
            6 => Object::Str(["", "a", "b", "|", "<", "C", "latin1"][(rng.next_u64() % 7) as usize].into()),
            7 => {
                // Beyond 64 bits: 9 to 300 bytes (LONG1 and LONG4).
                let n = 9 + (rng.next_u64() % 292) as usize;
                Object::from(BigInt::from_le_bytes(&rng.bytes(n)))
            }
            8 => {
                // Distinct keys (equal keys merge, as in Python) of every hashable kind.
                let n = (rng.next_u64() % 5) as usize;
                let pairs = (0..n).map(|i| {
                    let key = match i {
                        0 => Object::Str("k0".into()),
                        1 => Object::Int(rng.next_u64() as i64 >> 40 << 3 | 1),
                        2 => Object::Bytes(b"kk".to_vec().into()),
                        _ => Object::Float(3.25),
                    };
                    (key, random_object(rng, depth + 1))
                });
                Object::Dict(pairs.collect())
            }
            _ => {
                let n = (rng.next_u64() % 4) as usize;
                Object::List((0..n).map(|_| random_object(rng, depth + 1)).collect())
            }
        }
    }

    /// Bit-exact equality; with `text_floats` (protocol 0 writes floats as text, as
    /// CPython does: `repr`), any NaN equals any NaN, its payload having no text form.
    fn same(a: &Object, b: &Object, text_floats: bool) -> bool {
        match (a, b) {
            (Object::Float(x), Object::Float(y)) => {
                x.to_bits() == y.to_bits() || (text_floats && x.is_nan() && y.is_nan())
            }
            (Object::List(x), Object::List(y)) => {
                x.len() == y.len() && x.iter().zip(y).all(|(p, q)| same(p, q, text_floats))
            }
            (Object::Dict(x), Object::Dict(y)) => {
                x.len() == y.len()
                    && x.iter().zip(y).all(|((k, v), (l, w))| same(k, l, text_floats) && same(v, w, text_floats))
            }
            _ => a == b,
        }
    }

    #[test]
    fn object_round_trips_every_protocol() {
        let mut rng = Rng::new(5);
        // Big-endian arrays come back native (numpy's quirk, tested above).
        let arrays: Vec<NdArray> = sample_arrays()
            .into_iter()
            .filter(|a| a.dtype().byte_order() != ByteOrder::Big && a.len() < 1000)
            .collect();
        for round in 0..300 {
            let n = (rng.next_u64() % 30) as usize;
            let mut items: Vec<Object> = (0..n).map(|_| random_object(&mut rng, 0)).collect();
            if round % 10 == 0 {
                items.push(Object::Array(Box::new(arrays[round % arrays.len()].clone())));
            }
            let a = ObjectArray::from_items(items);
            for p in 0..=5 {
                let codec = Pickle::new(p).unwrap();
                let enc = codec.encode(DataRef::from(&a)).unwrap();
                let dec = codec.decode(enc.view()).unwrap().into_object().unwrap();
                assert_eq!(dec.shape(), a.shape());
                for (x, y) in dec.items().iter().zip(a.items()) {
                    assert!(same(x, y, p == 0), "protocol {p}: {x:?} != {y:?}");
                }
            }
        }
    }

    #[test]
    fn dicts_python_could_not_hold_are_refused_or_merged() {
        let codec = Pickle::default();
        // Unhashable keys: Python could not load the pickle.
        for key in [Object::List(vec![]), Object::Dict(vec![]), Object::Array(Box::new(sample_arrays().remove(0)))] {
            let a = ObjectArray::from_items(vec![Object::Dict(vec![(key, Object::None)])]);
            assert!(matches!(codec.encode(DataRef::from(&a)), Err(Error::UnsupportedInput { .. })));
        }
        // Equal keys are written as given; reading merges them as Python does.
        let a = ObjectArray::from_items(vec![Object::Dict(vec![
            (Object::Int(1), Object::from("a")),
            (Object::from("x"), Object::None),
            (Object::Float(1.0), Object::from("b")),
        ])]);
        for p in 0..=5 {
            let codec = Pickle::new(p).unwrap();
            let enc = codec.encode(DataRef::from(&a)).unwrap();
            let dec = codec.decode_objects(enc.view()).unwrap();
            let expected = vec![(Object::Int(1), Object::from("b")), (Object::from("x"), Object::None)];
            assert_eq!(dec.items(), &[Object::Dict(expected)], "protocol {p}");
        }
    }

    #[test]
    fn nesting_is_bounded_both_ways() {
        // As deep as the unpickler reads: fine; one deeper: an error, no stack overflow.
        let nest = |depth: usize| {
            let mut o = Object::None;
            for i in 0..depth {
                o = if i % 2 == 0 { Object::List(vec![o]) } else { Object::Dict(vec![(Object::Int(0), o)]) };
            }
            ObjectArray::from_items(vec![o])
        };
        for p in [0, 2, 5] {
            let codec = Pickle::new(p).unwrap();
            let ok = nest(unpickler::MAX_NESTING - 1);
            let enc = codec.encode(DataRef::from(&ok)).unwrap();
            assert_eq!(codec.decode_objects(enc.view()).unwrap(), ok);
            let deep = nest(unpickler::MAX_NESTING);
            assert!(matches!(codec.encode(DataRef::from(&deep)), Err(Error::UnsupportedInput { .. })));
        }
    }

    #[test]
    fn object_arrays_cannot_be_decoded_into_bytes() {
        let a = ObjectArray::from_items(vec![Object::Str("x".into())]);
        let enc = Pickle::default().encode(DataRef::from(&a)).unwrap();
        let mut out = [0u8; 8];
        let r = Pickle::default().decode_into(enc.view(), &mut ArrayViewMut::from_bytes(&mut out));
        assert!(matches!(r, Err(Error::UnsupportedInput { .. })));
    }
}
