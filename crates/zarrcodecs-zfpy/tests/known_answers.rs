//! Bytes written by Python numcodecs 0.15.2 with zfpy 1.0.1 (zfp 1.0.1), in
//! tests/data/numcodecs-0.15.2.json: float32/float64/int32/int64 arrays of 1 to 4
//! dimensions in every mode numcodecs writes (fixed accuracy, rate, precision, and
//! reversible). Python's bytes decode here to what Python decodes them to (same dtype
//! and shape), and our encoding of the same input is byte-identical.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use zarrcodecs_core::testing::hex;
use zarrcodecs_core::{Codec, DType, DataRef, DynCodec, NdArray, StaticCodec};
use zarrcodecs_zfpy::Zfpy;

#[test]
fn numcodecs_0_15_2_known_answers() {
    let doc: serde_json::Value = serde_json::from_str(include_str!("data/numcodecs-0.15.2.json")).unwrap();
    let cases = doc["cases"].as_array().unwrap();
    for case in cases {
        let config = &case["config"];
        let codec = Zfpy::from_json(config).unwrap();
        assert_eq!(&codec.get_config().unwrap(), config);
        let input = &doc["inputs"][case["input"].as_str().unwrap()];
        let dtype: DType = input["dtype"].as_str().unwrap().parse().unwrap();
        let shape: Vec<usize> = serde_json::from_value(input["shape"].clone()).unwrap();
        let array = NdArray::from_bytes(&hex(input["hex"].as_str().unwrap()), dtype, shape.clone()).unwrap();
        let expected = hex(case["encoded"].as_str().unwrap());
        let decoded_by_python = hex(case["decoded"].as_str().unwrap());
        let name = format!("{} {config}", case["input"]);

        let ours = codec.encode(DataRef::from(&array)).unwrap();
        assert_eq!(ours.as_bytes().unwrap(), &expected[..], "{name}: our bytes equal Python's");

        let decoded = codec.decode(DataRef::from(&expected[..])).unwrap().into_array().unwrap();
        assert_eq!(decoded.as_bytes(), &decoded_by_python[..], "{name}: we decode Python's bytes as Python does");
        assert_eq!((decoded.dtype(), decoded.shape()), (dtype, &shape[..]), "{name}");
        let mut out = NdArray::zeros(dtype, shape.clone()).unwrap();
        codec.decode_into(DataRef::from(&expected[..]), &mut out.view_mut()).unwrap();
        assert_eq!(out.as_bytes(), &decoded_by_python[..], "{name}: decode_into");
    }
    assert_eq!(cases.len(), 88);
}
