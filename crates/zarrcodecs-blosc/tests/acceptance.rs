//! What numcodecs 0.15.2 builds, we build; what its encode refuses, ours refuses; every
//! codec it builds decodes a chunk whatever its settings
//! (tests/data/acceptance-0.15.2.json, written by tests/data/acceptance.py).

#![allow(clippy::unwrap_used)]

use zarrcodecs_blosc::Blosc;
use zarrcodecs_core::testing::hex;
use zarrcodecs_core::{Codec, CodecExt, DataRef, DynCodec, NdArray, StaticCodec};

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
        let config = &case["config"];
        let codec = match (Blosc::from_json(config), case.get("build")) {
            (Err(e), Some(python)) => {
                println!("{config}: refused when built ({e}); numcodecs: {python}");
                continue;
            }
            (Ok(codec), None) => codec,
            (ours, python) => panic!("{config}: built {ours:?}, numcodecs {python:?}"),
        };
        built += 1;
        assert_eq!(codec.get_config().unwrap(), case["get_config"], "{config}: get_config");
        match (codec.encode(DataRef::from(&array)), &case["encode"]) {
            (Ok(ours), python) if python.get("ok").is_some() => {
                assert_eq!(ours.as_bytes().unwrap(), &hex(python["ok"].as_str().unwrap())[..], "{config}: bytes");
            }
            (Err(e), python) if python.get("error").is_some() => {
                refused_encode += 1;
                assert!(!e.to_string().is_empty());
                println!("{config}: encode refused: {e}; numcodecs: {}", python["error"]);
            }
            (ours, python) => panic!("{config}: encode {ours:?}, numcodecs {python}"),
        }
        assert_eq!(case["decode"]["ok"], true, "{config}: numcodecs decodes");
        assert_eq!(codec.decode_bytes(&chunk).unwrap().as_bytes(), &input[..], "{config}: decode");
    }
    assert_eq!((built, refused_encode), (32, 14));
}
