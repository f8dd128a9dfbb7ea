//! Encodings and decodings written by Python numcodecs 0.15.2 (tests/data/generate.py
//! wrote tests/data/numcodecs-0.15.2.json): f2, f4 and f8 arrays with NaNs (with
//! payloads, negative, signalling), infinities, subnormals, the largest finite values
//! (which round to infinity), rounding ties, empty and multi-dimensional arrays, for
//! keepbits from 0 to above the mantissa width. Checked byte for byte both ways, with
//! dtype and shape; the dtypes numcodecs refuses are refused here too.

#![allow(clippy::unwrap_used, clippy::panic)]

use serde_json::Value;
use zarrcodecs_bitround::BitRound;
use zarrcodecs_core::testing::forms::num;
use zarrcodecs_core::{Codec, DataRef, DynCodec, Error, NdArray, StaticCodec};

fn same(got: &NdArray, want: &NdArray, what: &str) {
    assert_eq!(got.dtype(), want.dtype(), "{what}: dtype");
    assert_eq!(got.shape(), want.shape(), "{what}: shape");
    assert_eq!(got.as_bytes(), want.as_bytes(), "{what}: bytes");
}

#[test]
fn numcodecs_0_15_2_known_answers() {
    let data: Value = serde_json::from_str(include_str!("data/numcodecs-0.15.2.json")).unwrap();
    let (mut encoded, mut refused) = (0, 0);
    for case in data["cases"].as_array().unwrap() {
        let codec = BitRound::from_json(&case["config"]).unwrap();
        assert_eq!(codec.get_config().unwrap(), case["config"]);
        let input = num(&case["input"]);
        let what = format!("{} {} {:?}", case["config"], input.dtype(), input.shape());
        let result = codec.encode(DataRef::from(&input));
        if case.get("error").is_some() {
            assert!(matches!(result, Err(Error::UnsupportedDType { .. })), "{what}: {result:?}");
            refused += 1;
            continue;
        }
        let ours = result.unwrap().into_array().unwrap();
        let theirs = num(&case["encoded"]);
        same(&ours, &theirs, &format!("{what}: encode"));
        let want = num(&case["decoded"]);
        let decoded = codec.decode(DataRef::from(&theirs)).unwrap().into_array().unwrap();
        same(&decoded, &want, &format!("{what}: decode"));
        let mut out = NdArray::zeros(want.dtype(), want.shape().to_vec()).unwrap();
        codec.decode_into(DataRef::from(&theirs), &mut out.view_mut()).unwrap();
        assert_eq!(out.as_bytes(), want.as_bytes(), "{what}: decode_into");
        encoded += 1;
    }
    assert_eq!((encoded, refused), (96, 14));
    let codec = BitRound::new(5).unwrap();
    for d in data["decodes"].as_array().unwrap() {
        let input = num(&d["input"]);
        let result = codec.decode(DataRef::from(&input));
        if d.get("error").is_some() {
            assert!(matches!(result, Err(Error::UnsupportedDType { .. })), "{}: {result:?}", input.dtype());
        } else {
            same(&result.unwrap().into_array().unwrap(), &num(&d["decoded"]), &input.dtype().to_string());
        }
    }
}
