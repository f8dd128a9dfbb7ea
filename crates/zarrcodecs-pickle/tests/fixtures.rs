//! Known answers written by Python numcodecs 0.15.2 (numpy 2.4.6, CPython 3.11): see
//! tests/data/make_fixtures.py.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use serde_json::Value;
use zarrcodecs_core::registry::get_codec;
use zarrcodecs_core::testing::hex;
use zarrcodecs_core::{Codec, Data, DataRef, Error, NdArray, Object, StaticCodec};
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
