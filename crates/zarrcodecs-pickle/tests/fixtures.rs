//! Known answers written by Python numcodecs 0.15.2 (numpy 2.4.6, CPython 3.11): see
//! tests/data/make_fixtures.py.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use serde_json::Value;
use zarrcodecs_core::registry::get_codec;
use zarrcodecs_core::testing::hex;
use zarrcodecs_core::{BigInt, Codec, Data, DataRef, Error, NdArray, Object, ObjectArray, StaticCodec};
use zarrcodecs_pickle::Pickle;

const FIXTURE: &str = include_str!("data/numcodecs-0.15.2.json");

/// An array of the fixture: an object array in the one JSON form of object arrays
/// (zarrcodecs-core, feature `serde`), or a numeric `{"dtype", "shape", "data": hex}`.
fn array(v: &Value) -> Data {
    if v.is_array() || v.get("items").is_some() {
        return Data::Object(serde_json::from_value(v.clone()).unwrap());
    }
    let shape: Vec<usize> =
        v["shape"].as_array().unwrap().iter().map(|d| usize::try_from(d.as_u64().unwrap()).unwrap()).collect();
    let dtype = v["dtype"].as_str().unwrap();
    Data::Array(NdArray::from_bytes(&hex(v["data"].as_str().unwrap()), dtype.parse().unwrap(), shape).unwrap())
}

/// Equality with NaN equal to NaN (numpy's `array_equal(equal_nan=True)` for objects).
fn same_object(a: &Object, b: &Object) -> bool {
    match (a, b) {
        (Object::Float(x), Object::Float(y)) => x.to_bits() == y.to_bits() || (x.is_nan() && y.is_nan()),
        (Object::List(x), Object::List(y)) => x.len() == y.len() && x.iter().zip(y).all(|(p, q)| same_object(p, q)),
        (Object::Dict(x), Object::Dict(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|((k, v), (l, w))| same_object(k, l) && same_object(v, w))
        }
        _ => a == b,
    }
}

fn same(a: &Data, b: &Data) -> bool {
    match (a, b) {
        (Data::Array(x), Data::Array(y)) => x == y,
        (Data::Object(x), Data::Object(y)) => {
            x.shape() == y.shape() && x.items().iter().zip(y.items()).all(|(p, q)| same_object(p, q))
        }
        _ => false,
    }
}

#[test]
fn python_bytes_decode_and_ours_are_identical() {
    let doc: Value = serde_json::from_str(FIXTURE).unwrap();
    let mut checked = 0;
    for case in doc["cases"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let codec = get_codec(&case["config"]).unwrap();
        assert_eq!(codec.get_config().unwrap(), case["config"], "{name}: get_config");
        let input = array(&case["array"]);
        let expected = case.get("decoded").map_or_else(|| input.clone(), array);
        let encoded = hex(case["encoded"].as_str().unwrap());
        let decoded = codec.decode(DataRef::from(&encoded[..])).unwrap_or_else(|e| panic!("{name}: decode: {e}"));
        assert!(same(&decoded, &expected), "{name}: Python's bytes decode to Python's array");
        let ours = codec.encode(input.view()).unwrap_or_else(|e| panic!("{name}: encode: {e}"));
        let ours = ours.as_bytes().unwrap();
        if ours != &encoded[..] {
            let at = ours.iter().zip(&encoded).position(|(a, b)| a != b).unwrap_or(ours.len().min(encoded.len()));
            panic!(
                "{name}: our bytes differ from Python's at offset {at} (ours {} bytes, Python's {}): ours {:02x?}, Python's {:02x?}",
                ours.len(),
                encoded.len(),
                &ours[at.saturating_sub(8)..(at + 24).min(ours.len())],
                &encoded[at.saturating_sub(8)..(at + 24).min(encoded.len())]
            );
        }
        // Our bytes decode back too.
        let back = codec.decode(DataRef::from(ours)).unwrap();
        assert!(same(&back, &expected), "{name}: round trip");
        checked += 1;
    }
    assert!(checked >= 200, "{checked} cases");
}

#[test]
fn numpy_1_pickles_decode() {
    let doc: Value = serde_json::from_str(FIXTURE).unwrap();
    let cases = doc["legacy"].as_array().unwrap();
    assert!(cases.len() >= 20);
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let encoded = hex(case["encoded"].as_str().unwrap());
        assert!(encoded.windows(10).any(|w| w == b"numpy.core"), "{name}");
        let expected = array(case.get("decoded").unwrap_or(&case["array"]));
        let decoded = Pickle::default().decode(DataRef::from(&encoded[..])).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(same(&decoded, &expected), "{name}");
    }
}

#[test]
fn pickles_outside_the_object_model_are_typed_errors() {
    let doc: Value = serde_json::from_str(FIXTURE).unwrap();
    for case in doc["unsupported"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let encoded = hex(case["encoded"].as_str().unwrap());
        match Pickle::default().decode(DataRef::from(&encoded[..])) {
            Err(Error::UnsupportedInput { reason, .. }) => assert!(!reason.is_empty()),
            other => panic!("{name}: expected UnsupportedInput, got {other:?}"),
        }
    }
}

#[test]
fn decode_into_numeric_fixture() {
    let doc: Value = serde_json::from_str(FIXTURE).unwrap();
    let case = doc["cases"].as_array().unwrap().iter().find(|c| c["name"] == "f8_p5").unwrap();
    let encoded = hex(case["encoded"].as_str().unwrap());
    let Data::Array(expected) = array(&case["array"]) else { panic!() };
    let mut out = vec![0u8; expected.as_bytes().len()];
    Pickle::default()
        .decode_into(DataRef::from(&encoded[..]), &mut zarrcodecs_core::ArrayViewMut::from_bytes(&mut out))
        .unwrap();
    assert_eq!(out, expected.as_bytes());
    let mut short = vec![0u8; out.len() - 1];
    assert!(matches!(
        Pickle::default()
            .decode_into(DataRef::from(&encoded[..]), &mut zarrcodecs_core::ArrayViewMut::from_bytes(&mut short)),
        Err(Error::OutputSizeMismatch { .. })
    ));
    assert_eq!(Pickle::CODEC_ID, "pickle");
}

#[test]
fn numpy_scalars_decode_to_their_values() {
    let doc: Value = serde_json::from_str(FIXTURE).unwrap();
    let cases = doc["scalars"].as_array().unwrap();
    assert_eq!(cases.len(), 6);
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let encoded = hex(case["encoded"].as_str().unwrap());
        let decoded = Pickle::default().decode(DataRef::from(&encoded[..])).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(same(&decoded, &array(&case["array"])), "{name}: {decoded:?}");
    }
}

#[test]
fn objects_python_shares_decode_whole_every_time() {
    let doc: Value = serde_json::from_str(FIXTURE).unwrap();
    let cases = doc["shared"].as_array().unwrap();
    assert_eq!(cases.len(), 6);
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let encoded = hex(case["encoded"].as_str().unwrap());
        // Python wrote memo references for the repeated objects.
        assert!(
            encoded.len() < Pickle::default().encode(array(&case["array"]).view()).unwrap().as_bytes().unwrap().len()
        );
        let decoded = Pickle::default().decode(DataRef::from(&encoded[..])).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(same(&decoded, &array(&case["array"])), "{name}: {decoded:?}");
    }
}

#[test]
fn fortran_order_decodes_to_c_order() {
    let doc: Value = serde_json::from_str(FIXTURE).unwrap();
    let cases = doc["fortran"].as_array().unwrap();
    assert_eq!(cases.len(), 18);
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let encoded = hex(case["encoded"].as_str().unwrap());
        let expected = array(&case["array"]);
        let decoded = Pickle::default().decode(DataRef::from(&encoded[..])).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(same(&decoded, &expected), "{name}: {decoded:?}");
        if let Data::Array(e) = &expected {
            let mut out = NdArray::zeros(e.dtype(), e.shape().to_vec()).unwrap();
            Pickle::default().decode_into(DataRef::from(&encoded[..]), &mut out.view_mut()).unwrap();
            assert_eq!(&out, e, "{name}: decode_into");
        }
    }
}

#[test]
fn ints_beyond_the_decimal_limit_are_long4_bytes() {
    let doc: Value = serde_json::from_str(FIXTURE).unwrap();
    let cases = doc["huge_ints"].as_array().unwrap();
    assert_eq!(cases.len(), 6);
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let codec = get_codec(&case["config"]).unwrap();
        let items: Vec<Object> = case["items_le"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| Object::from(BigInt::from_le_bytes(&hex(h.as_str().unwrap()))))
            .collect();
        assert!(items.iter().all(|o| matches!(o, Object::BigInt(_))));
        let array = ObjectArray::from_items(items);
        let ours = codec.encode(DataRef::from(&array));
        match case["encoded"].as_str() {
            // Protocols 0 and 1 write decimal text, which Python refuses past 4300 digits.
            None => assert!(matches!(ours, Err(Error::UnsupportedInput { .. })), "{name}: {ours:?}"),
            Some(encoded) => {
                let encoded = hex(encoded);
                assert_eq!(ours.unwrap().as_bytes().unwrap(), &encoded[..], "{name}");
                let decoded = codec.decode(DataRef::from(&encoded[..])).unwrap().into_object().unwrap();
                assert_eq!(decoded, array, "{name}");
            }
        }
    }
}

#[test]
fn dicts_python_shares_decode_whole_every_time() {
    let doc: Value = serde_json::from_str(FIXTURE).unwrap();
    let cases = doc["shared_dicts"].as_array().unwrap();
    assert_eq!(cases.len(), 6);
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let encoded = hex(case["encoded"].as_str().unwrap());
        let expected = array(&case["array"]);
        let decoded = Pickle::default().decode(DataRef::from(&encoded[..])).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(same(&decoded, &expected), "{name}: {decoded:?}");
        let Data::Object(o) = &decoded else { panic!("{name}") };
        assert!(matches!(&o.items()[0], Object::Dict(d) if d.len() == 2), "{name}");
    }
}

#[test]
fn lists_and_dicts_that_contain_themselves_are_refused() {
    let doc: Value = serde_json::from_str(FIXTURE).unwrap();
    let cases = doc["cyclic"].as_array().unwrap();
    assert_eq!(cases.len(), 18);
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let encoded = hex(case["encoded"].as_str().unwrap());
        match Pickle::default().decode(DataRef::from(&encoded[..])) {
            Err(Error::UnsupportedInput { reason, .. }) => {
                assert!(reason.contains("contains itself"), "{name}: {reason}")
            }
            other => panic!("{name}: expected UnsupportedInput, got {other:?}"),
        }
    }
}

/// Pickles written by hand (forms CPython's pickler never writes: repeated and equal
/// keys, text ints in other bases, redundant LONG bytes, a dict changed after it was
/// referenced) decode to what CPython's unpickler makes of them.
#[test]
fn hand_written_pickles_decode_as_cpython_decodes_them() {
    let doc: Value = serde_json::from_str(FIXTURE).unwrap();
    let cases = doc["decode_only"].as_array().unwrap();
    assert_eq!(cases.len(), 18);
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let encoded = hex(case["encoded"].as_str().unwrap());
        let expected = array(&case["array"]);
        let decoded = Pickle::default().decode(DataRef::from(&encoded[..])).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(same(&decoded, &expected), "{name}: {decoded:?} != {expected:?}");
    }
}

/// numcodecs' own fixture corpus (fixture/pickle/ in its repository, written by older
/// numcodecs and numpy 1.x): every file decodes to what numcodecs 0.15.2 decodes it
/// to. Where numcodecs 0.15.2 re-encodes that to the stored bytes, ours must match;
/// it does for none of them (numpy 1.x's module names, and Python's memo shares the
/// repeated string objects), so our re-encoding is checked to decode back instead.
#[test]
fn numcodecs_repository_fixture_corpus() {
    let doc: Value = serde_json::from_str(include_str!("data/numcodecs-repo-fixture.json")).unwrap();
    let arrays = doc["arrays"].as_array().unwrap();
    let cases = doc["cases"].as_array().unwrap();
    assert_eq!((arrays.len(), cases.len()), (8, 40));
    let mut dicts = 0;
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let codec = get_codec(&case["config"]).unwrap();
        let encoded = hex(case["encoded"].as_str().unwrap());
        let expected =
            array(case.get("decoded").unwrap_or(&arrays[usize::try_from(case["array"].as_u64().unwrap()).unwrap()]));
        let decoded = codec.decode(DataRef::from(&encoded[..])).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(same(&decoded, &expected), "{name}: decodes as numcodecs decodes it");
        if let Data::Object(o) = &decoded {
            dicts += o.items().iter().filter(|i| matches!(i, Object::Dict(_))).count();
        }
        let ours = codec.encode(decoded.view()).unwrap_or_else(|e| panic!("{name}: encode: {e}"));
        if case["reencodes_identically"].as_bool().unwrap() {
            assert_eq!(ours.as_bytes().unwrap(), &encoded[..], "{name}: numcodecs re-encodes the stored bytes");
        }
        let back = codec.decode(ours.view()).unwrap();
        assert!(same(&back, &expected), "{name}: our re-encoding decodes back");
    }
    // array.05 holds 300 dicts, in each of the 5 protocols.
    assert_eq!(dicts, 1500);
}
