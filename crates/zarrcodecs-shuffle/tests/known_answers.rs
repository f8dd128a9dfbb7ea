//! Encodings and decodings written by Python numcodecs 0.15.2 (tests/data/generate.py
//! wrote tests/data/numcodecs-0.15.2.json): element sizes 0, 1 and negative (copies),
//! 2, 3, 4, 5, 8, 16, 24 and 4096, over arrays of several dtypes and shapes, empty
//! included; buffers that are not a whole number of elements are refused as numcodecs
//! refuses them. Checked byte for byte both ways, with dtype and shape.

#![allow(clippy::unwrap_used, clippy::panic)]

use serde_json::Value;
use zarrcodecs_core::testing::forms::num;
use zarrcodecs_core::{Codec, DataRef, DynCodec, Error, NdArray, StaticCodec};
use zarrcodecs_shuffle::Shuffle;

fn same(got: &NdArray, want: &NdArray, what: &str) {
    assert_eq!(got.dtype(), want.dtype(), "{what}: dtype");
    assert_eq!(got.shape(), want.shape(), "{what}: shape");
    assert_eq!(got.as_bytes(), want.as_bytes(), "{what}: bytes");
}

#[test]
fn numcodecs_0_15_2_known_answers() {
    let data: Value = serde_json::from_str(include_str!("data/numcodecs-0.15.2.json")).unwrap();
    assert_eq!(Shuffle::default().get_config().unwrap(), data["default_config"]);
    let (mut encoded, mut refused) = (0, 0);
    for case in data["cases"].as_array().unwrap() {
        let codec = Shuffle::from_json(&case["config"]).unwrap();
        assert_eq!(codec.get_config().unwrap(), case["config"]);
        let input = num(&case["input"]);
        let what = format!("{} {} {:?}", case["config"], input.dtype(), input.shape());
        let result = codec.encode(DataRef::from(&input));
        if case.get("error").is_some() {
            assert!(matches!(result, Err(Error::UnsupportedInput { .. })), "{what}: {result:?}");
            refused += 1;
            continue;
        }
        let theirs = num(&case["encoded"]);
        same(&result.unwrap().into_array().unwrap(), &theirs, &format!("{what}: encode"));
        let want = num(&case["decoded"]);
        same(&codec.decode(DataRef::from(&theirs)).unwrap().into_array().unwrap(), &want, &format!("{what}: decode"));
        // decode_into writes into a buffer of the input's own dtype and shape.
        let mut out = NdArray::zeros(input.dtype(), input.shape().to_vec()).unwrap();
        codec.decode_into(DataRef::from(&theirs), &mut out.view_mut()).unwrap();
        assert_eq!(out.as_bytes(), input.as_bytes(), "{what}: decode_into");
        encoded += 1;
    }
    assert_eq!((encoded, refused), (75, 46));
}
