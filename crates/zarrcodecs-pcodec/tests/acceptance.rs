//! What numcodecs 0.15.2 builds, we build (and `get_config` writes back the same);
//! what its encode refuses, ours refuses; every codec it builds decodes, including
//! the configurations of numcodecs' fixture corpus written by newer releases
//! (tests/data/acceptance-0.15.2.json, written by tests/data/acceptance.py).

#![allow(clippy::unwrap_used, clippy::panic)]

use zarrcodecs_core::testing::{self, hex};
use zarrcodecs_core::{Codec, CodecExt, DType, DataRef, DynCodec, NdArray, StaticCodec};
use zarrcodecs_pcodec::Pcodec;

fn fixture() -> serde_json::Value {
    serde_json::from_str(include_str!("data/acceptance-0.15.2.json")).unwrap()
}

#[test]
fn numcodecs_0_15_2_acceptance() {
    let data = fixture();
    let input = hex(data["input"].as_str().unwrap());
    let dtype: DType = data["dtype"].as_str().unwrap().parse().unwrap();
    let array = NdArray::from_bytes(&input, dtype, vec![input.len() / 4]).unwrap();
    let chunk = hex(data["chunk"].as_str().unwrap());
    let cases = data["cases"].as_array().unwrap();
    let (mut built, mut refused_encode) = (0, 0);
    for case in cases {
        let config = &case["config"];
        let Some((codec, refused)) = testing::acceptance_case::<Pcodec>(case, DataRef::from(&array)) else { continue };
        built += 1;
        refused_encode += usize::from(refused);
        if refused {
            let e = codec.encode(DataRef::from(&array)).unwrap_err();
            assert!(e.to_string().contains("cannot encode"), "{config}: {e}");
        }
        assert_eq!(case["decode"]["ok"], true, "{config}: numcodecs decodes");
        assert_eq!(codec.decode_bytes(&chunk).unwrap().as_bytes(), &input[..], "{config}: decode");
    }
    assert_eq!((cases.len(), built, refused_encode), (37, 35, 15));
}

#[test]
fn numcodecs_fixture_corpus_decodes_with_its_own_configuration() {
    let data = fixture();
    let streams = data["fixture_streams"].as_array().unwrap();
    assert_eq!(streams.len(), 12);
    for s in streams {
        let config = &s["config"];
        let codec = Pcodec::from_json(config).unwrap();
        assert_eq!(&codec.get_config().unwrap()["delta_spec"], config.get("delta_spec").unwrap_or(&"auto".into()));
        let decoded = codec.decode_array(DataRef::from(&hex(s["encoded"].as_str().unwrap())[..])).unwrap();
        assert_eq!(decoded.dtype(), s["dtype"].as_str().unwrap().parse().unwrap(), "{config}");
        assert_eq!(decoded.as_bytes(), &hex(s["decoded"].as_str().unwrap())[..], "{config}");
    }
}
