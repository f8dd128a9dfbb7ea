//! Encodings and decodings written by Python numcodecs 0.15.2 (tests/data/generate.py
//! wrote tests/data/numcodecs-0.15.2.json): bool arrays of every length around the byte
//! boundaries (0 included), multi-dimensional ones, and other dtypes, which numcodecs
//! views as bool (each byte an element, non-zero is True). Checked byte for byte both
//! ways with dtype and shape; the corrupt headers numcodecs mishandles are errors here.

#![allow(clippy::unwrap_used, clippy::panic)]

use serde_json::Value;
use zarrcodecs_core::testing::forms::num;
use zarrcodecs_core::{Codec, DataRef, DynCodec, Error, NdArray, StaticCodec};
use zarrcodecs_packbits::PackBits;

fn same(got: &NdArray, want: &NdArray, what: &str) {
    assert_eq!(got.dtype(), want.dtype(), "{what}: dtype");
    assert_eq!(got.shape(), want.shape(), "{what}: shape");
    assert_eq!(got.as_bytes(), want.as_bytes(), "{what}: bytes");
}

#[test]
fn numcodecs_0_15_2_known_answers() {
    let data: Value = serde_json::from_str(include_str!("data/numcodecs-0.15.2.json")).unwrap();
    let codec = PackBits::from_json(&data["config"]).unwrap();
    assert_eq!(codec.get_config().unwrap(), data["config"]);
    let cases = data["cases"].as_array().unwrap();
    for case in cases {
        let input = num(&case["input"]);
        let what = format!("{} {:?}", input.dtype(), input.shape());
        let theirs = num(&case["encoded"]);
        same(&codec.encode(DataRef::from(&input)).unwrap().into_array().unwrap(), &theirs, &what);
        let want = num(&case["decoded"]);
        same(&codec.decode(DataRef::from(&theirs)).unwrap().into_array().unwrap(), &want, &what);
        let mut out = NdArray::zeros(want.dtype(), want.shape().to_vec()).unwrap();
        codec.decode_into(DataRef::from(&theirs), &mut out.view_mut()).unwrap();
        assert_eq!(out.as_bytes(), want.as_bytes(), "{what}: decode_into");
    }
    assert_eq!(cases.len(), 22);
    for d in data["decodes"].as_array().unwrap() {
        let enc = num(&d["encoded"]);
        same(&codec.decode(DataRef::from(&enc)).unwrap().into_array().unwrap(), &num(&d["decoded"]), "decodes");
    }
    for (name, c) in data["corrupt"].as_object().unwrap() {
        let enc = num(&c["encoded"]);
        let r = codec.decode(DataRef::from(&enc));
        assert!(matches!(r, Err(Error::Corrupt { .. })), "{name}: {r:?}");
        let mut out = [0u8; 0];
        let r = codec.decode_into(DataRef::from(&enc), &mut zarrcodecs_core::ArrayViewMut::from_bytes(&mut out));
        assert!(matches!(r, Err(Error::Corrupt { .. })), "{name}: decode_into {r:?}");
    }
}
