#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::cast_possible_truncation)]

use super::*;
use serde_json::json;
use zarrcodecs_core::testing;
use zarrcodecs_core::DynCodec;

fn codec(c: serde_json::Value) -> MsgPack {
    MsgPack::from_json(&c).unwrap()
}

/// Options with decoded-size limit `n`.
fn limit(n: usize) -> DecodeOptions {
    DecodeOptions::default().with_decoded_size_limit(n)
}

fn enc(c: &MsgPack, o: &ObjectArray) -> Result<Vec<u8>> {
    Ok(c.encode(DataRef::Object(o))?.as_bytes().unwrap().to_vec())
}

fn dec(c: &MsgPack, b: &[u8]) -> Result<Data> {
    c.decode(DataRef::from(b))
}

#[test]
fn configs() {
    let d = MsgPack::default();
    assert_eq!(
        d.get_config().unwrap(),
        json!({"id": "msgpack2", "raw": false, "use_single_float": false, "use_bin_type": true})
    );
    testing::assert_config_round_trip(&d);
    assert_eq!(codec(json!({"id": "msgpack2"})), d);
    testing::assert_config_round_trip(&codec(json!({"id": "msgpack2", "raw": true, "use_bin_type": false})));
    testing::assert_configs_rejected::<MsgPack>(&[
        json!({"id": "msgpack2", "x": 1}),
        json!({"id": "msgpack2", "raw": 1}),
        json!({"id": "msgpack"}),
        json!([]),
    ]);
}

#[test]
fn wire_forms() {
    let o = ObjectArray::from_items(vec![
        Object::Str("a".repeat(40).into()),
        Object::Bytes((vec![0; 3]).into()),
        Object::Int(-33),
        Object::Float(0.5),
        Object::None,
        Object::List(vec![Object::Bool(true)]),
    ]);
    let mut expected = vec![0x98, 0xd9, 40];
    expected.extend_from_slice(&[b'a'; 40]);
    expected.extend_from_slice(&[0xc4, 3, 0, 0, 0, 0xd0, 0xdf, 0xcb, 0x3f, 0xe0, 0, 0, 0, 0, 0, 0, 0xc0, 0x91, 0xc3]);
    expected.extend_from_slice(&[0xa2, b'|', b'O', 0x91, 0x06]);
    assert_eq!(enc(&MsgPack::default(), &o).unwrap(), expected);
    assert_eq!(dec(&MsgPack::default(), &expected).unwrap(), Data::Object(o.clone()));
    // Without bin types: str16 for the long string, bytes as a string.
    let old = enc(&codec(json!({"id": "msgpack2", "use_bin_type": false})), &o).unwrap();
    assert_eq!(&old[..4], &[0x98, 0xda, 0, 40]);
    assert_eq!(&old[44..48], &[0xa3, 0, 0, 0]);
    // raw=True reads strings as bytes.
    let raw = dec(&codec(json!({"id": "msgpack2", "raw": true})), &expected).unwrap().into_object().unwrap();
    assert_eq!(raw.items()[0], Object::Bytes((vec![b'a'; 40]).into()));
    let single = codec(json!({"id": "msgpack2", "use_single_float": true}));
    let f = ObjectArray::from_items(vec![Object::Float(1e300)]);
    assert!(matches!(enc(&single, &f), Err(Error::UnsupportedInput { .. })));
    let inf = ObjectArray::from_items(vec![Object::Float(f64::INFINITY)]);
    assert_eq!(&enc(&single, &inf).unwrap()[..5], &[0x93, 0xca, 0x7f, 0x80, 0]);
    let arr = ObjectArray::from_items(vec![Object::Array(Box::new(NdArray::zeros(DType::U1, vec![1]).unwrap()))]);
    assert!(matches!(enc(&MsgPack::default(), &arr), Err(Error::UnsupportedInput { .. })));
    let scalar = ObjectArray::new(vec![Object::None], vec![]).unwrap();
    assert!(matches!(enc(&MsgPack::default(), &scalar), Err(Error::UnsupportedInput { .. })));
}

#[test]
fn hostile_inputs() {
    let d = MsgPack::default();
    let corrupt = |b: &[u8]| matches!(dec(&d, b), Err(Error::Corrupt { .. }));
    assert!(corrupt(b""));
    assert!(corrupt(&[0xdd, 0xff, 0xff, 0xff, 0xff]));
    assert!(corrupt(&[0xdc, 0xff, 0xff, 0x01]));
    assert!(corrupt(&[0x93, 0xdb, 0xff, 0xff, 0xff, 0xff]));
    assert!(corrupt(&[0x93, 0xc6, 0xff, 0xff, 0xff, 0xff]));
    assert!(corrupt(&[0x92, 0xc1, 0xc0]));
    assert!(corrupt(&[0x01]));
    // Nested arrays each claiming the rest of the input.
    let mut nested = Vec::new();
    for _ in 0..400 {
        nested.extend_from_slice(&[0xdd, 0, 0, 0x10, 0]);
    }
    assert!(dec(&d, &nested).is_err());
    let deep = vec![0x91; 100_000];
    assert!(dec(&d, &deep).is_err());
    assert!(corrupt(&[0x92, 0x80, 0xc0]));
    assert!(matches!(dec(&d, &[0x92, 0xd4, 0, 0]), Err(Error::UnsupportedInput { .. })));
    // A shape claiming 2^40 elements.
    let mut huge = vec![0x93, 0x01, 0xa3, b'<', b'f', b'8', 0x91, 0xcf];
    huge.extend_from_slice(&(1u64 << 40).to_be_bytes());
    assert!(matches!(dec(&d, &huge), Err(Error::DecodedSizeLimit { .. })));
    let mut under = vec![0x93, 0x01, 0xa3, b'|', b'u', b'1', 0x91, 0xce];
    under.extend_from_slice(&(1u32 << 30).to_be_bytes());
    assert!(matches!(dec(&d, &under), Err(Error::Corrupt { .. })));
    let one_f8: &[u8] = &[0x93, 0x01, 0xa3, b'<', b'f', b'8', 0x91, 0x01];
    assert!(matches!(d.decode_with(DataRef::from(one_f8), &limit(7)), Err(Error::DecodedSizeLimit { .. })));
    assert!(d.decode_with(DataRef::from(one_f8), &limit(8)).is_ok());
    assert!(dec(&d, one_f8).is_ok());
    let good = enc(&d, &ObjectArray::from_items(vec![Object::Str("abc".into()), Object::Int(70000)])).unwrap();
    testing::assert_rejects_truncation(&d, &good);
}

#[test]
fn numeric_round_trips() {
    for config in [json!({"id": "msgpack2"}), json!({"id": "msgpack2", "use_bin_type": false, "raw": true})] {
        let c = codec(config);
        for a in testing::sample_arrays() {
            let kind = a.dtype().kind();
            if !matches!(kind, DTypeKind::Bool | DTypeKind::Int | DTypeKind::UInt | DTypeKind::Float) || a.len() > 5000
            {
                let unicode = kind == DTypeKind::Unicode;
                assert!(unicode || a.len() > 5000 || c.encode(DataRef::from(&a)).is_err(), "{}", a.dtype());
                continue;
            }
            let back = c.decode(c.encode(DataRef::from(&a)).unwrap().view()).unwrap().into_array().unwrap();
            assert_eq!((back.dtype(), back.shape()), (a.dtype(), a.shape()));
            if kind == DTypeKind::Float {
                let sz = a.dtype().itemsize();
                for (x, y) in a.as_bytes().chunks(sz).zip(back.as_bytes().chunks(sz)) {
                    let (Some(Num::Float(x)), Some(Num::Float(y))) =
                        (cast::read_num(a.dtype(), x), cast::read_num(a.dtype(), y))
                    else {
                        panic!()
                    };
                    assert!(x.to_bits() == y.to_bits() || (x.is_nan() && y.is_nan()), "{x} {y}");
                }
            } else {
                assert_eq!(back.as_bytes(), a.as_bytes(), "{}", a.dtype());
            }
        }
    }
}

#[test]
fn legacy_msgpack() {
    let d = LegacyMsgPack::default();
    assert_eq!(d.get_config().unwrap(), json!({"id": "msgpack", "encoding": "utf-8"}));
    testing::assert_config_round_trip(&d);
    assert_eq!(LegacyMsgPack::from_json(&json!({"id": "msgpack"})).unwrap(), d);
    testing::assert_configs_rejected::<LegacyMsgPack>(&[
        json!({"id": "msgpack", "encoding": "latin-1"}),
        json!({"id": "msgpack", "raw": true}),
        json!({"id": "msgpack2"}),
    ]);
    let o = ObjectArray::from_items(vec![Object::Str("a".repeat(40).into()), Object::Bytes(b"b".to_vec().into())]);
    let e = d.encode(DataRef::Object(&o)).unwrap();
    let mut expected = vec![0x93, 0xda, 0, 40];
    expected.extend_from_slice(&[b'a'; 40]);
    expected.extend_from_slice(&[0xa1, b'b', 0xa2, b'|', b'O']);
    assert_eq!(e.as_bytes().unwrap(), expected);
    // Raw strings come back as `str`, bytes included (the old `encoding=` unpacking).
    let back = d.decode(e.view()).unwrap().into_object().unwrap();
    assert_eq!(back.items()[1], Object::Str("b".into()));
    let two_d = [0x93, 0x92, 1, 2, 0x92, 3, 4, 0xa3, b'<', b'i', b'2'];
    let a = d.decode(DataRef::from(&two_d[..])).unwrap().into_array().unwrap();
    assert_eq!(a.shape(), &[2, 2]);
    assert_eq!(a.as_slice::<i16>().unwrap(), &[1, 2, 3, 4]);
    assert!(d.decode(DataRef::from(&[0x93, 0x92, 1, 2, 0x91, 3, 0xa3, b'<', b'i', b'2'][..])).is_err());
    assert!(d.decode(DataRef::from(&[0x90][..])).is_err());
    assert!(matches!(d.decode_with(DataRef::from(&two_d[..]), &limit(1)), Err(Error::DecodedSizeLimit { .. })));
    assert!(d.decode_with(DataRef::from(&two_d[..]), &limit(8)).is_ok());
}

/// The fast path (`fast::decode`) against the general one (unpack, then
/// `decode_value`) on the fixtures, encodings of assorted arrays and many corruptions
/// of them: whenever the fast path answers, the general path must give the same array.
#[test]
fn dicts_and_big_ints() {
    let d = MsgPack::default();
    let one = |o: Object| ObjectArray::from_items(vec![o]);
    let fix = [0xa2, b'|', b'O', 0x91, 0x01];
    // Dicts keep their order; keys may be any hashable item when packing.
    let dict = Object::Dict(vec![
        (Object::from("b"), Object::Int(1)),
        (Object::from(&b"a"[..]), Object::BigInt(BigInt::from(u64::MAX))),
    ]);
    let packed = enc(&d, &one(dict.clone())).unwrap();
    assert_eq!(packed[..14], [0x93, 0x82, 0xa1, b'b', 0x01, 0xc4, 0x01, b'a', 0xcf, 0xff, 0xff, 0xff, 0xff, 0xff]);
    assert_eq!(dec(&d, &packed).unwrap().into_object().unwrap().items()[0], dict);
    let int_key = Object::Dict(vec![(Object::Int(1), Object::None), (Object::None, Object::Float(0.5))]);
    assert_eq!(enc(&d, &one(int_key)).unwrap()[..4], [0x93, 0x82, 0x01, 0xc0]);
    // ... but numcodecs' unpackb takes only `str` and `bytes` keys.
    for key in [&[0x01][..], &[0xc0], &[0xc3], &[0xcb, 0, 0, 0, 0, 0, 0, 0, 0], &[0x90], &[0x80]] {
        let mut b = vec![0x93, 0x81];
        b.extend_from_slice(key);
        b.push(0x02);
        b.extend_from_slice(&fix);
        let r = dec(&d, &b);
        assert!(matches!(&r, Err(Error::Corrupt { reason, .. }) if reason.contains("strict_map_key")), "{r:?}");
    }
    // Ints: -2**63 to 2**64 - 1, as msgpack packs them.
    for (v, ok) in [
        (BigInt::from(u64::MAX), true),
        (BigInt::from(i128::from(u64::MAX) + 1), false),
        (BigInt::from(i128::from(i64::MIN) - 1), false),
        (BigInt::from_le_bytes(&[0x55; 40]), false),
    ] {
        let r = enc(&d, &one(Object::BigInt(v)));
        assert_eq!(r.is_ok(), ok, "{r:?}");
        if let Err(e) = r {
            assert!(e.to_string().contains("Integer value out of range"), "{e}");
        }
    }
    // Keys no Python dict can hold: unhashable ones, and one key twice.
    for bad in [
        vec![(Object::List(vec![]), Object::None)],
        vec![(Object::Int(1), Object::None), (Object::Bool(true), Object::None)],
        vec![(Object::from("a"), Object::None), (Object::from("a"), Object::None)],
    ] {
        let r = enc(&d, &one(Object::Dict(bad)));
        assert!(matches!(r, Err(Error::UnsupportedInput { .. })), "{r:?}");
    }
    // `bytes` keys are `str` without `use_bin_type`, and come back as `str`.
    let c = codec(json!({"use_bin_type": false}));
    let b = enc(&c, &one(Object::Dict(vec![(Object::from(&b"k"[..]), Object::None)]))).unwrap();
    assert_eq!(
        dec(&c, &b).unwrap().into_object().unwrap().items()[0],
        Object::Dict(vec![(Object::from("k"), Object::None)])
    );
}

#[test]
fn hostile_maps() {
    let d = MsgPack::default();
    let fix = [0xa2, b'|', b'O', 0x91, 0x01];
    // Map headers claiming more pairs than the input holds.
    for header in [&[0xdf, 0xff, 0xff, 0xff, 0xff][..], &[0xde, 0xff, 0xff], &[0x8f]] {
        let mut b = vec![0x93];
        b.extend_from_slice(header);
        b.extend_from_slice(&[0xa1, b'a', 0x01]);
        b.extend_from_slice(&fix);
        assert!(matches!(dec(&d, &b), Err(Error::Corrupt { .. })), "{header:02x?}");
    }
    // Nested maps each claiming the rest of the input.
    let mut nested = vec![0x93];
    for _ in 0..400 {
        nested.extend_from_slice(&[0xdf, 0, 0, 0x08, 0, 0xa1, b'k']);
    }
    assert!(dec(&d, &nested).is_err());
    // Deep nesting of dicts: refused, without exhausting the stack, both ways.
    let mut deep = vec![0x93];
    for _ in 0..100_000 {
        deep.extend_from_slice(&[0x81, 0xa1, b'a']);
    }
    deep.push(0x01);
    deep.extend_from_slice(&fix);
    assert!(matches!(dec(&d, &deep), Err(Error::UnsupportedInput { .. })));
    let mut nested = Object::Int(1);
    for _ in 0..MAX_DEPTH + 10 {
        nested = Object::Dict(vec![(Object::from("a"), nested)]);
    }
    let r = enc(&d, &ObjectArray::from_items(vec![nested]));
    assert!(matches!(r, Err(Error::UnsupportedInput { .. })), "{r:?}");
    // Many repeated keys: one entry each, in first-seen order, with the last value.
    let mut many = vec![0x93, 0xdf, 0, 0, 0xc3, 0x50];
    for i in 0..50_000u32 {
        many.extend_from_slice(&[0xa2, b'k', b'0' + (i % 3) as u8, 0xce]);
        many.extend_from_slice(&i.to_be_bytes());
    }
    many.extend_from_slice(&fix);
    let o = dec(&d, &many).unwrap().into_object().unwrap();
    let k = |t: &str, v| (Object::from(t), Object::Int(v));
    assert_eq!(o.items()[0], Object::Dict(vec![k("k0", 49_998), k("k1", 49_999), k("k2", 49_997)]));
}

#[test]
fn fast_path_agrees_with_the_general_path() {
    let mut docs: Vec<Vec<u8>> = Vec::new();
    for fixture in
        [include_str!("../tests/data/numcodecs-0.15.2.json"), include_str!("../tests/data/numcodecs-0.9-legacy.json")]
    {
        docs.extend(testing::forms::cases(fixture).into_iter().map(|c| c.3));
        if fixture.contains("\"rejects\"") {
            docs.extend(testing::forms::rejects(fixture).into_iter().map(|c| c.2));
        }
    }
    let words = ["a", "é", "x y", "", "😀", "long string of more than thirty-two bytes, for str8"];
    let items: Vec<Object> = (0..40)
        .map(|i| match i % 8 {
            0 => Object::Int(i * 1000 - 7000),
            1 => Object::Float(i as f64 / 3.0),
            2 => Object::None,
            3 => Object::Bool(i % 2 == 0),
            4 => Object::List(vec![Object::Int(i), Object::Str(words[i as usize % words.len()].into())]),
            5 => Object::Bytes(words[i as usize % words.len()].as_bytes().into()),
            6 => Object::Int([i64::MIN, i64::MAX, -129, 128, 65536, -40000, -33, 4_000_000_000][i as usize / 8 % 8]),
            _ => Object::Str(words[i as usize % words.len()].into()),
        })
        .collect();
    let ucs4 = |dtype: &str, shape: Vec<usize>, chars: &[u32]| {
        let dtype: DType = dtype.parse().unwrap();
        let big = dtype.byte_order() == ByteOrder::Big;
        let bytes: Vec<u8> = chars.iter().flat_map(|c| if big { c.to_be_bytes() } else { c.to_le_bytes() }).collect();
        Data::Array(NdArray::new(AlignedBuf::from_slice(&bytes).unwrap(), dtype, shape).unwrap())
    };
    let arrays = [
        Data::Object(ObjectArray::new(items.clone(), vec![40]).unwrap()),
        Data::Object(ObjectArray::new(items, vec![4, 5, 2]).unwrap()),
        Data::Array(
            NdArray::from_values("<i4".parse().unwrap(), vec![3, 4], (0..12).map(|i| i * 99_999 - 500_000)).unwrap(),
        ),
        Data::Array(
            NdArray::from_values(">f8".parse().unwrap(), vec![6], [0.1, -1e300, 5e-324, 1.0, f64::NAN, -0.0]).unwrap(),
        ),
        Data::Array(NdArray::from_values("<f4".parse().unwrap(), vec![3], [0.1f32, -1e30, f32::INFINITY]).unwrap()),
        Data::Array(NdArray::from_values("<u8".parse().unwrap(), vec![4], [0u64, 1, u64::MAX, 1 << 63]).unwrap()),
        Data::Array(NdArray::from_values("<i8".parse().unwrap(), vec![4], [0i64, -1, i64::MIN, i64::MAX]).unwrap()),
        Data::Array(NdArray::from_values(">i2".parse().unwrap(), vec![4], [0i16, -1, i16::MIN, i16::MAX]).unwrap()),
        Data::Array(NdArray::from_values("|u1".parse().unwrap(), vec![4], [0u8, 1, 127, 255]).unwrap()),
        Data::Array(NdArray::from_values("|b1".parse().unwrap(), vec![2, 2], [0u8, 1, 1, 0]).unwrap()),
        Data::Array(NdArray::from_values("<f2".parse().unwrap(), vec![2], [0x3c00u16, 0x7c00]).unwrap()),
        Data::Array(NdArray::from_values("<i4".parse().unwrap(), vec![2, 0], [0i32; 0]).unwrap()),
        ucs4("<U2", vec![3], &[97, 98, 0, 0, 0xe9, 0x1f600]),
        ucs4(">U1", vec![2, 2], &[97, 0, 0xe9, 0x1f600]),
        Data::Object(ObjectArray::new(vec![Object::List(vec![]), Object::List(vec![])], vec![2]).unwrap()),
        Data::Object(ObjectArray::from_items(vec![
            Object::Dict(vec![
                (Object::from("a"), Object::Int(1)),
                (Object::from(&b"b"[..]), Object::Dict(vec![(Object::from("c"), Object::List(vec![]))])),
            ]),
            Object::Dict(vec![]),
            Object::BigInt(BigInt::from(u64::MAX)),
            Object::List(vec![Object::Dict(vec![(Object::from("x"), Object::None)])]),
        ])),
        Data::Object(
            ObjectArray::new(
                vec![Object::List(vec![Object::Int(1), Object::List(vec![])]), Object::List(vec![Object::Int(2)])],
                vec![2],
            )
            .unwrap(),
        ),
    ];
    for config in [
        json!({"id": "msgpack2"}),
        json!({"id": "msgpack2", "use_bin_type": false}),
        json!({"id": "msgpack2", "use_single_float": true}),
    ] {
        for a in &arrays {
            for legacy in [false, true] {
                let c = MsgPack { legacy, ..codec(config.clone()) };
                if let Ok(e) = c.encode(a.view()) {
                    docs.push(e.as_bytes().unwrap().to_vec());
                }
            }
        }
    }
    // Trailers and items numcodecs does not write.
    for d in [
        &[0x93, 0x01, 0xa3, b'<', b'i', b'4', 0x01][..],
        &[0x93, 0x01, 0xc4, 0x03, b'<', b'i', b'4', 0x91, 0x01],
        &[0x93, 0xcf, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xa3, b'<', b'u', b'8', 0x91, 0x01],
        &[0x93, 0xcf, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xa2, b'|', b'O', 0x91, 0x01],
        &[0x93, 0xc0, 0xa3, b'<', b'f', b'8', 0x91, 0x01],
        &[0x93, 0xc0, 0xa3, b'|', b'b', b'1', 0x91, 0x01],
        &[0x93, 0xc0, 0xa3, b'<', b'i', b'4', 0x91, 0x01],
        &[0x93, 0xcb, 0x40, 0x09, 0x21, 0xfb, 0x54, 0x44, 0x2d, 0x18, 0xa3, b'<', b'i', b'4', 0x91, 0x01],
        &[0x93, 0xc3, 0xa3, b'<', b'f', b'4', 0x91, 0x01],
        &[0x93, 0xa1, b'a', 0xa3, b'<', b'U', b'1', 0x91, 0x01],
        &[0x93, 0xa3, b'a', b'b', b'c', 0xa3, b'<', b'U', b'1', 0x91, 0x01],
        &[0x93, 0xc4, 0x01, b'a', 0xa3, b'<', b'U', b'1', 0x91, 0x01],
        &[0x93, 0xa1, 0xff, 0xa3, b'<', b'U', b'1', 0x91, 0x01],
        &[0x93, 0xa1, b'a', 0xa3, b'<', b'U', b'0', 0x91, 0x01],
        &[0x93, 0x92, 0x91, 0x01, 0x91, 0x02, 0x92, 0x91, 0x03, 0x91, 0x04, 0xa3, b'<', b'i', b'4'],
        &[0x93, 0x92, 0x91, 0x01, 0x91, 0x02, 0x92, 0x91, 0x03, 0x04, 0xa3, b'<', b'i', b'4'],
        &[0x93, 0x92, 0x91, 0x01, 0x02, 0x92, 0x91, 0x03, 0x04, 0xa2, b'|', b'O'],
        &[0x93, 0x92, 0x90, 0x90, 0x92, 0x90, 0x90, 0xa2, b'|', b'O'],
        &[0x93, 0x92, 0x90, 0x90, 0x92, 0x90, 0x91, 0x01, 0xa2, b'|', b'O'],
        &[0x93, 0x81, 0x01, 0x02, 0xa2, b'|', b'O', 0x91, 0x01],
        &[0x93, 0xd4, 0x01, 0x02, 0xa2, b'|', b'O', 0x91, 0x01],
        &[0x93, 0xa1, 0xff, 0xa2, b'|', b'O', 0x91, 0x01],
        &[0x93, 0x91, 0x01, 0xa2, b'|', b'O', 0x91, 0x01],
        &[0x93, 0x91, 0x01, 0xa2, b'|', b'O', 0x92, 0x01, 0x01],
        &[0x92, 0x91, 0x01, 0xa2, b'|', b'O'],
        &[0x93, 0x01, 0xa2, b'|', b'O', 0x90],
        &[0x92, 0xa2, b'|', b'O', 0x91, 0x00],
        &[0x93, 0x01, 0xa2, b'|', b'O', 0x91, 0x02],
        &[0x94, 0x01, 0x02, 0xa2, b'|', b'O', 0x91, 0x01],
        &[0x93, 0x01, 0xa2, b'|', b'O', 0x91, 0x01, 0x00],
        &[0xdc, 0x00, 0x03, 0x01, 0xa2, b'|', b'O', 0x91, 0x01],
        &[0xdd, 0x00, 0x00, 0x00, 0x03, 0x01, 0xa2, b'|', b'O', 0x91, 0x01],
        &[0x93, 0x01, 0xa2, b'|', b'O', 0x91, 0xcf, 0x40, 0, 0, 0, 0, 0, 0, 0],
    ] {
        docs.push(d.to_vec());
    }
    let alphabet: &[u8] = &[
        0x00, 0x01, 0x7f, 0x90, 0x91, 0x9f, 0xa0, 0xa1, 0xc0, 0xc3, 0xc4, 0xca, 0xcb, 0xcf, 0xd3, 0xd9, 0xdc, 0xdd,
        0xff, 0x80,
    ];
    let mutated = zarrcodecs_core::testing::mutations(&docs, 60, alphabet, 0x2545_f491_4f6c_dd1d);
    docs.extend(mutated);
    let mut hits = 0;
    let mut total = 0;
    for d in &docs {
        for (legacy, raw, limit) in
            [(false, false, 1 << 30), (true, false, 1 << 30), (false, true, 1 << 30), (false, false, 40)]
        {
            let c = MsgPack { legacy, ..codec(json!({"id": "msgpack2", "raw": raw})) };
            let general = pack::unpack(d, raw).and_then(|v| c.decode_value(v, d.len(), limit));
            total += usize::from(general.is_ok());
            let Some(fast) = fast::decode(d, raw, legacy, limit) else {
                if general.is_ok() && std::env::var_os("SHOW_MISSES").is_some() {
                    eprintln!("miss {legacy} {raw} {limit}: {d:02x?}");
                }
                continue;
            };
            hits += 1;
            let general = general.unwrap_or_else(|e| panic!("only the fast path decodes {d:02x?}: {e}"));
            assert!(testing::forms::same(&fast, &general), "{d:02x?}:\n{fast:?}\n{general:?}");
            assert_eq!(format!("{fast:?}"), format!("{general:?}"), "{d:02x?}");
        }
    }
    // Most documents that decode take the fast path.
    assert!(hits > total / 2, "{hits} of {total}");
}
