#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::cast_possible_truncation)]

use super::*;
use serde_json::json;
use zarrcodecs_core::testing::{self, Rng};
use zarrcodecs_core::{DynCodec, DEFAULT_DECODED_SIZE_LIMIT};

fn strs(items: &[&str]) -> ObjectArray {
    ObjectArray::from_items(items.iter().map(|s| Object::Str(((*s).to_string()).into())).collect())
}

fn enc(codec: &dyn Codec, o: &ObjectArray) -> Vec<u8> {
    codec.encode(DataRef::Object(o)).unwrap().as_bytes().unwrap().to_vec()
}

fn dec(codec: &dyn Codec, b: &[u8]) -> Result<ObjectArray> {
    dec_with(codec, b, DEFAULT_DECODED_SIZE_LIMIT)
}

fn dec_with(codec: &dyn Codec, b: &[u8], limit: usize) -> Result<ObjectArray> {
    let options = DecodeOptions::default().with_decoded_size_limit(limit);
    Ok(codec.decode_with(DataRef::from(b), &options)?.into_object().expect("vlen decodes to objects"))
}

#[test]
fn configs() {
    testing::assert_config_round_trip(&VLenUtf8::new());
    testing::assert_config_round_trip(&VLenBytes::new());
    let a = VLenArray::from_json(&json!({"id": "vlen-array", "dtype": "int16"})).unwrap();
    assert_eq!(a.get_config().unwrap(), json!({"id": "vlen-array", "dtype": "<i2"}));
    testing::assert_config_round_trip(&a);
    assert_eq!(VLenUtf8::new().get_config().unwrap(), json!({"id": "vlen-utf8"}));
    assert_eq!(VLenBytes::new().get_config().unwrap(), json!({"id": "vlen-bytes"}));
    testing::assert_configs_rejected::<VLenUtf8>(&[json!({"id": "vlen-utf8", "x": 1}), json!({"id": "vlen-bytes"})]);
    testing::assert_configs_rejected::<VLenBytes>(&[json!({"id": "vlen-bytes", "dtype": "<i2"})]);
    testing::assert_configs_rejected::<VLenArray>(&[
        json!({"id": "vlen-array"}),
        json!({"id": "vlen-array", "dtype": "<q2"}),
        json!({"id": "vlen-array", "dtype": "|O"}),
        json!({"id": "vlen-array", "dtype": "<U3"}),
        json!({"id": "vlen-array", "dtype": "|S3"}),
        json!({"id": "vlen-array", "dtype": 5}),
        json!({"id": "vlen-array", "dtype": "<i2", "x": 1}),
    ]);
}

#[test]
fn layout() {
    let c = VLenUtf8::new();
    assert_eq!(enc(&c, &strs(&["ab", "", "é"])), b"\x03\0\0\0\x02\0\0\0ab\0\0\0\0\x02\0\0\0\xc3\xa9");
    assert_eq!(enc(&c, &strs(&[])), b"\0\0\0\0");
    // Trailing bytes are ignored, as numcodecs does.
    assert_eq!(dec(&c, b"\x01\0\0\0\x01\0\0\0xyz").unwrap(), strs(&["x"]));
    // Multi-dimensional arrays are flattened in C order; decoding gives shape [n].
    let two = ObjectArray::new(strs(&["a", "b", "c", "d"]).into_items(), vec![2, 2]).unwrap();
    assert_eq!(dec(&c, &enc(&c, &two)).unwrap(), strs(&["a", "b", "c", "d"]));
}

#[test]
fn missing_values_and_wrong_types() {
    let missing = ObjectArray::from_items(vec![
        Object::None,
        Object::Int(0),
        Object::Float(0.0),
        Object::Bool(false),
        Object::Str("x".into()),
    ]);
    assert_eq!(dec(&VLenUtf8::new(), &enc(&VLenUtf8::new(), &missing)).unwrap(), strs(&["", "", "", "", "x"]));
    for bad in [Object::Int(1), Object::Bool(true), Object::Bytes(vec![1].into()), Object::List(vec![])] {
        let r = VLenUtf8::new().encode(DataRef::Object(&ObjectArray::from_items(vec![bad.clone()])));
        assert!(matches!(r, Err(Error::UnsupportedInput { .. })), "{bad:?}: {r:?}");
    }
    for bad in [Object::Float(1.0), Object::Str("a".into())] {
        let r = VLenBytes::new().encode(DataRef::Object(&ObjectArray::from_items(vec![bad.clone()])));
        assert!(matches!(r, Err(Error::UnsupportedInput { .. })), "{bad:?}: {r:?}");
    }
    let r = VLenUtf8::new().encode(DataRef::from(&[1u8, 2][..]));
    assert!(matches!(r, Err(Error::UnsupportedDType { .. })), "{r:?}");
    let r = VLenArray::new("<i2".parse().unwrap()).unwrap().encode(DataRef::from(&[1u8, 2][..]));
    assert!(matches!(r, Err(Error::UnsupportedInput { .. })), "{r:?}");
}

#[test]
fn vlen_array_conversions() {
    let c = VLenArray::new("<i2".parse().unwrap()).unwrap();
    let items = ObjectArray::from_items(vec![
        Object::List(vec![Object::Int(1), Object::Float(-2.7), Object::Bool(true)]),
        Object::Int(5),
        Object::Array(Box::new(
            NdArray::from_bytes(&[0, 0, 0, 0, 0, 0, 0, 7], ">i8".parse().unwrap(), vec![1]).unwrap(),
        )),
        Object::None,
    ]);
    assert_eq!(
        enc(&c, &items),
        b"\x04\0\0\0\x06\0\0\0\x01\0\xfe\xff\x01\0\x02\0\0\0\x05\0\x02\0\0\0\x07\0\0\0\0\0".to_vec()
    );
    for bad in [
        Object::Int(70000),
        Object::Float(f64::NAN),
        Object::Str("1".into()),
        Object::List(vec![Object::List(vec![Object::Int(1)])]),
        Object::Array(Box::new(NdArray::zeros("<i2".parse().unwrap(), vec![2, 2]).unwrap())),
    ] {
        let r = c.encode(DataRef::Object(&ObjectArray::from_items(vec![bad.clone()])));
        assert!(matches!(r, Err(Error::UnsupportedInput { .. })), "{bad:?}: {r:?}");
    }
    let f4 = VLenArray::new("<f4".parse().unwrap()).unwrap();
    let out = dec(&f4, &enc(&f4, &ObjectArray::from_items(vec![Object::List(vec![Object::Float(0.1)])]))).unwrap();
    let Object::Array(a) = &out.items()[0] else { panic!() };
    assert_eq!(a.as_slice::<f32>().unwrap(), &[0.1f32]);
}

#[test]
fn hostile_inputs_are_typed_errors() {
    for codec in [
        Box::new(VLenUtf8::new()) as Box<dyn Codec>,
        Box::new(VLenBytes::new()),
        Box::new(VLenArray::new("<i4".parse().unwrap()).unwrap()),
    ] {
        let c = &*codec;
        let corrupt = |b: &[u8]| matches!(dec(c, b), Err(Error::Corrupt { .. }));
        assert!(corrupt(b""));
        assert!(corrupt(b"\x01\0\0"));
        // 2^31 items claimed in 10 bytes: refused before allocating.
        assert!(corrupt(b"\0\0\0\x80\0\0\0\0\0\0"));
        assert!(corrupt(b"\xff\xff\xff\xff"));
        assert!(corrupt(b"\x01\0\0\0\xff\xff\xff\xff"));
        assert!(corrupt(b"\x02\0\0\0\x00\0\0\0\x01\0\0"));
        let good = enc(c, &ObjectArray::from_items(vec![Object::None; 3]));
        assert_eq!(dec(c, &good).unwrap().items().len(), 3);
        testing::assert_rejects_truncation(c, &good);
    }
    assert!(matches!(dec(&VLenUtf8::new(), b"\x01\0\0\0\x01\0\0\0\xff"), Err(Error::Corrupt { .. })));
    let a = VLenArray::new("<i4".parse().unwrap()).unwrap();
    assert!(matches!(dec(&a, b"\x01\0\0\0\x03\0\0\0abc"), Err(Error::Corrupt { .. })));
}

#[test]
fn decoded_size_limit() {
    let items = strs(&["abcdefgh"; 100]);
    let bytes = enc(&VLenUtf8::new(), &items);
    let per_item = std::mem::size_of::<Object>() + 8;
    let c = VLenUtf8::new();
    assert_eq!(dec_with(&c, &bytes, 100 * per_item).unwrap(), items);
    assert!(matches!(dec_with(&c, &bytes, 100 * per_item - 1), Err(Error::DecodedSizeLimit { .. })));
    assert_eq!(dec(&c, &bytes).unwrap(), items);
    let empties = b"\x03\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0";
    assert!(matches!(dec_with(&VLenBytes::new(), empties, 10), Err(Error::DecodedSizeLimit { .. })));
    assert_eq!(dec(&VLenBytes::new(), empties).unwrap().items().len(), 3);
    let a = VLenArray::new("<i2".parse().unwrap()).unwrap();
    let arrays = b"\x01\0\0\0\x04\0\0\0abcd";
    let per_array = std::mem::size_of::<Object>() + 4;
    assert!(matches!(dec_with(&a, arrays, per_array - 1), Err(Error::DecodedSizeLimit { .. })));
    assert_eq!(dec_with(&a, arrays, per_array).unwrap().items().len(), 1);
}

#[test]
fn random_round_trips() {
    let mut rng = Rng::new(3);
    let mut strings = Vec::new();
    let mut blobs = Vec::new();
    for i in 0..500 {
        let n = (rng.next_u64() % 40) as usize;
        let s: String = (0..n)
            .map(|_| char::from_u32((rng.next_u64() % if i % 2 == 0 { 0x80 } else { 0x11_0000 }) as u32).unwrap_or('?'))
            .collect();
        strings.push(Object::Str(s.into()));
        blobs.push(Object::Bytes(rng.bytes(n).into()));
    }
    let s = ObjectArray::from_items(strings);
    assert_eq!(dec(&VLenUtf8::new(), &enc(&VLenUtf8::new(), &s)).unwrap(), s);
    let b = ObjectArray::from_items(blobs);
    assert_eq!(dec(&VLenBytes::new(), &enc(&VLenBytes::new(), &b)).unwrap(), b);
    for a in testing::sample_arrays() {
        if a.shape().len() != 1 || !matches!(a.dtype().kind(), DTypeKind::Int | DTypeKind::Float | DTypeKind::Bool) {
            continue;
        }
        let c = VLenArray::new(a.dtype()).unwrap();
        let o = ObjectArray::from_items(vec![Object::Array(Box::new(a.clone())), Object::Array(Box::new(a.clone()))]);
        assert_eq!(dec(&c, &enc(&c, &o)).unwrap(), o, "{}", a.dtype());
    }
}
