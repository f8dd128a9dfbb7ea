//! Bytes written by Python numcodecs 0.15.2 with pcodec 0.3.6 (tests/data/numcodecs-0.15.2.json:
//! every dtype pco takes, four kinds of data, thirteen configurations): they decode here
//! to the input, and our encoding of the same input is byte-identical.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use zarrcodecs_core::testing::hex;
use zarrcodecs_core::{Codec, CodecExt, DType, DataRef, DynCodec, NdArray, StaticCodec};
use zarrcodecs_pcodec::Pcodec;

#[test]
fn numcodecs_0_15_2_known_answers() {
    let doc: serde_json::Value = serde_json::from_str(include_str!("data/numcodecs-0.15.2.json")).unwrap();
    let cases = doc["cases"].as_array().unwrap();
    for case in cases {
        let config = &case["config"];
        let codec = Pcodec::from_json(config).unwrap();
        assert_eq!(&codec.get_config().unwrap(), config);
        let input = &doc["inputs"][case["input"].as_str().unwrap()];
        let dtype: DType = input["dtype"].as_str().unwrap().parse().unwrap();
        let bytes = hex(input["hex"].as_str().unwrap());
        let n = bytes.len() / dtype.itemsize();
        let array = NdArray::from_bytes(&bytes, dtype, vec![n]).unwrap();
        let expected = hex(case["encoded"].as_str().unwrap());
        let name = format!("{} {config}", case["input"]);

        let ours = codec.encode(DataRef::from(&array)).unwrap();
        assert_eq!(ours.as_bytes().unwrap(), &expected[..], "{name}: our bytes equal Python's");

        let decoded = codec.decode_bytes(&expected).unwrap();
        assert_eq!(decoded.as_bytes(), &bytes[..], "{name}: Python's bytes decode to the input");
        if n > 0 {
            assert_eq!(decoded.dtype(), dtype, "{name}");
            assert_eq!(decoded.shape(), [n], "{name}");
        }
        let mut out = NdArray::zeros(dtype, vec![n]).unwrap();
        codec.decode_into(DataRef::from(&expected[..]), &mut out.view_mut()).unwrap();
        assert_eq!(out.as_bytes(), &bytes[..], "{name}: decode_into");
    }
    assert_eq!(cases.len(), 145);
}
