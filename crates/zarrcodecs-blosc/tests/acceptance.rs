//! What numcodecs 0.15.2 builds, we build; what its encode refuses, ours refuses; every
//! codec it builds decodes a chunk whatever its settings
//! (tests/data/acceptance-0.15.2.json, written by tests/data/acceptance.py).

#![allow(clippy::unwrap_used)]

use zarrcodecs_blosc::Blosc;
use zarrcodecs_core::testing::{self, hex};
use zarrcodecs_core::{CodecExt, DataRef, NdArray};

#[test]
fn numcodecs_0_15_2_acceptance() {
    let data: serde_json::Value = serde_json::from_str(include_str!("data/acceptance-0.15.2.json")).unwrap();
    let input = hex(data["input"].as_str().unwrap());
    let array =
        NdArray::from_bytes(&input, data["dtype"].as_str().unwrap().parse().unwrap(), vec![input.len() / 4]).unwrap();
    let chunk = hex(data["chunk"].as_str().unwrap());
    let cases = data["cases"].as_array().unwrap();
    assert_eq!(cases.len(), 34);
    let (mut built, mut refused_encode) = (0, 0);
    for case in cases {
        let Some((codec, refused)) = testing::acceptance_case::<Blosc>(case, DataRef::from(&array)) else { continue };
        built += 1;
        refused_encode += usize::from(refused);
        assert_eq!(case["decode"]["ok"], true, "{}: numcodecs decodes", case["config"]);
        assert_eq!(codec.decode_bytes(&chunk).unwrap().as_bytes(), &input[..], "{}: decode", case["config"]);
    }
    assert_eq!((built, refused_encode), (32, 14));
}
