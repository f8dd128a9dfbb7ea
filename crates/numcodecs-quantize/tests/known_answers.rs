//! Arrays encoded and decoded by Python numcodecs 0.15.2 on numpy 2.4.6
//! (tests/data/numcodecs-0.15.2.json, written by tests/data/generate.py): our results
//! are byte-identical, in dtype and shape too, through `decode` and `decode_into`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use numcodecs_core::testing::hex;
use numcodecs_core::{ArrayViewMut, Codec, DType, DataRef, NdArray, StaticCodec};
use numcodecs_quantize::Quantize;
use serde_json::Value;

fn array(check: &Value, key: &str) -> NdArray {
    let dtype: DType = check[format!("{key}_dtype")].as_str().unwrap().parse().unwrap();
    let shape: Vec<usize> = serde_json::from_value(check[format!("{key}_shape")].clone()).unwrap();
    NdArray::from_bytes(&hex(check[key].as_str().unwrap()), dtype, shape).unwrap()
}

fn first_difference(name: &str, input: &NdArray, ours: &NdArray, theirs: &NdArray) -> String {
    let n = theirs.dtype().itemsize();
    let i = ours.as_bytes().iter().zip(theirs.as_bytes()).position(|(a, b)| a != b).unwrap_or(0) / n;
    let m = input.dtype().itemsize();
    format!(
        "{name}: differs at element {i} of {}: input {:02x?}, ours {:02x?}, numcodecs {:02x?}",
        theirs.len(),
        input.as_bytes().get(i * m..(i + 1) * m),
        ours.as_bytes().get(i * n..(i + 1) * n),
        theirs.as_bytes().get(i * n..(i + 1) * n)
    )
}

#[test]
fn numcodecs_0_15_2_known_answers() {
    let data: Value = serde_json::from_str(include_str!("data/numcodecs-0.15.2.json")).unwrap();
    let cases = data["cases"].as_array().unwrap();
    assert_eq!(cases.len(), 94);
    let mut checks = 0;
    for case in cases {
        let config = case["config"].to_string();
        let codec = Quantize::from_json(&case["config"]).unwrap();
        assert_eq!(codec.get_config(), case["config"], "{config}");
        for check in case["checks"].as_array().unwrap() {
            checks += 1;
            let op = check["op"].as_str().unwrap();
            let name = format!("{config} {op}");
            let input = array(check, "input");
            let run = |data: DataRef<'_>| if op == "encode" { codec.encode(data) } else { codec.decode(data) };
            if let Some(error) = check.get("error") {
                // numcodecs raised (OverflowError, ValueError): we refuse it too.
                assert!(run(DataRef::from(&input)).is_err(), "{name}: numcodecs raised {error}, we did not");
                continue;
            }
            let want = array(check, "output");
            let ours = run(DataRef::from(&input)).unwrap().into_array().unwrap();
            assert_eq!((ours.dtype(), ours.shape()), (want.dtype(), want.shape()), "{name}");
            assert!(ours.as_bytes() == want.as_bytes(), "{}", first_difference(&name, &input, &ours, &want));
            if op == "decode" {
                // Into an unaligned buffer of the decoded dtype.
                let mut out = vec![0u8; want.as_bytes().len() + 1];
                let mut view = ArrayViewMut::new(&mut out[1..], want.dtype(), want.shape().to_vec()).unwrap();
                codec.decode_into(DataRef::from(&input), &mut view).unwrap();
                assert!(&out[1..] == want.as_bytes(), "{name}: decode_into differs");
            }
        }
    }
    assert!(checks >= cases.len());
}
