//! Chunks written by Python numcodecs 0.15.2 with `numcodecs.blosc.use_threads = False`
//! (tests/data/numcodecs-0.15.2.json): they decode here, and our encoding of the same
//! typed input is byte-identical.

#![allow(clippy::unwrap_used, clippy::cast_possible_truncation)]

use zarrcodecs_blosc::{cbuffer_complib, cbuffer_metainfo, cbuffer_sizes, decompress_partial, Blosc};
use zarrcodecs_core::testing::hex;
use zarrcodecs_core::{Codec, DataRef, DynCodec, NdArray, StaticCodec};

fn fixture() -> serde_json::Value {
    serde_json::from_str(include_str!("data/numcodecs-0.15.2.json")).unwrap()
}

#[test]
fn numcodecs_0_15_2_known_answers() {
    let data = fixture();
    let cases = data["cases"].as_array().unwrap();
    assert_eq!(cases.len(), 31);
    for case in cases {
        let name = case["config"].to_string();
        let input = &data["inputs"][case["input"].as_str().unwrap()];
        let bytes = hex(input["hex"].as_str().unwrap());
        let dtype = input["dtype"].as_str().unwrap().parse().unwrap();
        let n = bytes.len() / zarrcodecs_core::DType::itemsize(&dtype);
        let array = NdArray::from_bytes(&bytes, dtype, vec![n]).unwrap();
        let expected = hex(case["encoded"].as_str().unwrap());
        let codec = Blosc::from_json(&case["config"]).unwrap();
        assert_eq!(codec.get_config().unwrap(), case["config"], "{name}: config round trip");
        let ours = codec.encode(DataRef::from(&array)).unwrap();
        assert_eq!(ours.as_bytes().unwrap(), &expected[..], "{name}: our bytes equal numcodecs'");
        let decoded = codec.decode(DataRef::from(&expected[..])).unwrap();
        assert_eq!(decoded.as_bytes().unwrap(), &bytes[..], "{name}: numcodecs' bytes decode");
        let mut out = vec![0u8; bytes.len()];
        codec
            .decode_into(DataRef::from(&expected[..]), &mut zarrcodecs_core::ArrayViewMut::from_bytes(&mut out))
            .unwrap();
        assert_eq!(out, bytes, "{name}: decode_into");
    }
}

#[test]
fn numcodecs_0_15_2_partial_and_header_functions() {
    let data = fixture();
    let p = &data["partial"];
    let chunk = hex(p["chunk"].as_str().unwrap());
    let sizes: Vec<usize> = p["sizes"].as_array().unwrap().iter().map(|v| v.as_u64().unwrap() as usize).collect();
    let (nbytes, cbytes, blocksize) = cbuffer_sizes(&chunk).unwrap();
    assert_eq!(vec![nbytes, cbytes, blocksize], sizes);
    assert_eq!(cbuffer_complib(&chunk).unwrap(), p["complib"].as_str().unwrap());
    let (typesize, shuffle, memcpyed) = cbuffer_metainfo(&chunk).unwrap();
    assert_eq!(serde_json::json!([typesize, i32::from(shuffle), u8::from(memcpyed)]), p["metainfo"]);
    for r in p["ranges"].as_array().unwrap() {
        let start = r["start"].as_u64().unwrap() as usize;
        let nitems = r["nitems"].as_u64().unwrap() as usize;
        let got = decompress_partial(&chunk, start, nitems).unwrap();
        assert_eq!(got.as_slice(), &hex(r["items"].as_str().unwrap())[..], "items {start}+{nitems}");
    }
}
