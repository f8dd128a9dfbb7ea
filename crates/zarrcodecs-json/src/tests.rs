#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::cast_possible_truncation)]

use super::*;
use serde_json::json;
use zarrcodecs_core::testing;
use zarrcodecs_core::DynCodec;

fn codec(extra: serde_json::Value) -> Json {
    let mut config = json!({"id": "json2"});
    for (k, v) in extra.as_object().unwrap() {
        config[k] = v.clone();
    }
    Json::from_json(&config).unwrap()
}

/// Options with decoded-size limit `n`.
fn limit(n: usize) -> DecodeOptions {
    DecodeOptions::default().with_decoded_size_limit(n)
}

fn enc(c: &Json, o: &ObjectArray) -> Result<String> {
    let d = c.encode(DataRef::Object(o))?;
    Ok(String::from_utf8(d.as_bytes().unwrap().to_vec()).unwrap())
}

fn dec(c: &Json, text: &[u8]) -> Result<Data> {
    c.decode(DataRef::from(text))
}

#[test]
fn configs() {
    let default = Json::default();
    assert_eq!(
        default.get_config().unwrap(),
        json!({"id": "json2", "encoding": "utf-8", "skipkeys": false, "ensure_ascii": true, "check_circular": true,
               "allow_nan": true, "indent": null, "separators": [",", ":"], "sort_keys": true, "strict": true})
    );
    testing::assert_config_round_trip(&default);
    // Older or hand-written forms: missing keys take numcodecs' defaults.
    assert_eq!(Json::from_json(&json!({"id": "json2"})).unwrap(), default);
    let indented = codec(json!({"indent": 4}));
    assert_eq!(indented.get_config().unwrap()["separators"], json!([", ", ": "]));
    testing::assert_config_round_trip(&indented);
    testing::assert_config_round_trip(&codec(json!({"indent": "\t", "encoding": "latin-1", "strict": false})));
    testing::assert_configs_rejected::<Json>(&[
        json!({"id": "json2", "x": 1}),
        json!({"id": "json2", "encoding": "utf-16"}),
        json!({"id": "json2", "encoding": 5}),
        json!({"id": "json2", "indent": 1.5}),
        json!({"id": "json2", "indent": 1_000_000}),
        json!({"id": "json2", "separators": [","]}),
        json!({"id": "json2", "ensure_ascii": "yes"}),
        json!({"id": "json"}),
    ]);
}

#[test]
fn objects() {
    let o = ObjectArray::from_items(vec![
        Object::Str("é\u{1F600}\"\\\n\u{7f}".into()),
        Object::None,
        Object::Bool(true),
        Object::Int(-5),
        Object::Float(1e16),
        Object::Float(f64::NAN),
        Object::List(vec![Object::Int(1), Object::List(vec![])]),
    ]);
    let text = enc(&Json::default(), &o).unwrap();
    assert_eq!(text, r#"["\u00e9\ud83d\ude00\"\\\n\u007f",null,true,-5,1e+16,NaN,[1,[]],"|O",[7]]"#);
    let back = dec(&Json::default(), text.as_bytes()).unwrap().into_object().unwrap();
    assert_eq!(back.items()[..5], o.items()[..5]);
    assert_eq!(back.items()[6], o.items()[6]);
    let raw = enc(&codec(json!({"ensure_ascii": false})), &o).unwrap();
    assert!(raw.starts_with("[\"é\u{1F600}\\\"\\\\\\n\u{7f}\""), "{raw}");
    for bad in [Object::Bytes(vec![1].into()), Object::Array(Box::new(NdArray::zeros(DType::U1, vec![1]).unwrap()))] {
        let r = Json::default().encode(DataRef::Object(&ObjectArray::from_items(vec![bad])));
        assert!(matches!(r, Err(Error::UnsupportedInput { .. })), "{r:?}");
    }
    let nan = ObjectArray::from_items(vec![Object::Float(f64::INFINITY)]);
    assert!(matches!(enc(&codec(json!({"allow_nan": false})), &nan), Err(Error::UnsupportedInput { .. })));
    let mut deep = Object::Int(1);
    for _ in 0..MAX_DEPTH + 10 {
        deep = Object::List(vec![deep]);
    }
    assert!(enc(&Json::default(), &ObjectArray::from_items(vec![deep])).is_err());
}

#[test]
fn layouts() {
    let o = ObjectArray::new(vec![Object::Int(1), Object::Int(2)], vec![2, 1]).unwrap();
    assert_eq!(enc(&Json::default(), &o).unwrap(), r#"[[1],[2],"|O",[2,1]]"#);
    assert_eq!(
        enc(&codec(json!({"indent": 1})), &o).unwrap(),
        "[\n [\n  1\n ], \n [\n  2\n ], \n \"|O\", \n [\n  2, \n  1\n ]\n]"
    );
    assert_eq!(enc(&codec(json!({"indent": -3})), &o).unwrap(), "[\n[\n1\n], \n[\n2\n], \n\"|O\", \n[\n2, \n1\n]\n]");
    assert_eq!(enc(&codec(json!({"separators": [";", "="]})), &o).unwrap(), r#"[[1];[2];"|O";[2;1]]"#);
    let empty = ObjectArray::new(vec![], vec![0, 3]).unwrap();
    assert_eq!(enc(&Json::default(), &empty).unwrap(), r#"["|O",[0,3]]"#);
    let scalar = ObjectArray::new(vec![Object::Str("x".into())], vec![]).unwrap();
    assert_eq!(enc(&Json::default(), &scalar).unwrap(), r#"["x","|O",[]]"#);
    assert_eq!(dec(&Json::default(), br#"["x","|O",[]]"#).unwrap(), Data::Object(scalar));
}

#[test]
fn text_encodings() {
    let o = ObjectArray::from_items(vec![Object::Str("é".into())]);
    let latin = codec(json!({"encoding": "Latin-1", "ensure_ascii": false}));
    let bytes = latin.encode(DataRef::Object(&o)).unwrap();
    assert_eq!(bytes.as_bytes().unwrap(), b"[\"\xe9\",\"|O\",[1]]");
    assert_eq!(latin.decode(bytes.view()).unwrap(), Data::Object(o.clone()));
    let ascii = codec(json!({"encoding": "ascii", "ensure_ascii": false}));
    assert!(matches!(ascii.encode(DataRef::Object(&o)), Err(Error::UnsupportedInput { .. })));
    assert!(matches!(ascii.decode(DataRef::from(&b"[\"\xe9\",\"|O\",[1]]"[..])), Err(Error::Corrupt { .. })));
    assert!(matches!(dec(&Json::default(), b"[\"\xe9\",\"|O\",[1]]"), Err(Error::Corrupt { .. })));
    // strict=False lets control characters through inside strings.
    assert!(matches!(dec(&Json::default(), b"[\"\t\",\"|O\",[1]]"), Err(Error::Corrupt { .. })));
    assert!(dec(&codec(json!({"strict": false})), b"[\"\t\",\"|O\",[1]]").is_ok());
}

#[test]
fn decoding_numbers_as_numpy() {
    let d = |t: &str| dec(&Json::default(), t.as_bytes()).map(|d| d.into_array().unwrap());
    assert_eq!(d(r#"[1.7,-2.9,"<i4",[2]]"#).unwrap().as_slice::<i32>().unwrap(), &[1, -2]);
    assert_eq!(d(r#"[1,true,"<f8",[2]]"#).unwrap().as_slice::<f64>().unwrap(), &[1.0, 1.0]);
    assert!(d(r#"[null,"<f8",[1]]"#).unwrap().as_slice::<f64>().unwrap()[0].is_nan());
    assert_eq!(d(r#"[0,2,"|b1",[2]]"#).unwrap().as_bytes(), &[0, 1]);
    assert_eq!(d(r#"[18446744073709551615,">u8",[1]]"#).unwrap().as_bytes(), &[0xff; 8]);
    assert_eq!(d(r#"[[1,2],[3,4],"<i2",[2,2]]"#).unwrap().shape(), &[2, 2]);
    assert_eq!(d(r#"[1,2,"<i2",2]"#).unwrap().shape(), &[2]);
    for bad in [
        r#"[256,"|u1",[1]]"#,
        r#"[-1,"<u4",[1]]"#,
        r#"[NaN,"<i4",[1]]"#,
        r#"[null,"<i4",[1]]"#,
        r#"["1","<i4",[1]]"#,
        r#"[[1],"<i4",[1]]"#,
        r#"[1,2,"<i4",[2,1]]"#,
        r#"[1,"<i4",[-1]]"#,
        r#"[1,"<i4",[1.0]]"#,
        r#"[1,2,"<i4"]"#,
        r#"[1,"<c8",[1]]"#,
        r#"{"a": 1}"#,
        r#""abc""#,
    ] {
        assert!(d(bad).is_err(), "{bad}");
    }
    assert!(matches!(d(r#"[1,"|O",[4611686018427387904,4]]"#), Err(Error::DecodedSizeLimit { .. })));
    assert!(matches!(d(r#"[1,"|O",[4611686018427387904,4611686018427387904]]"#), Err(Error::DecodedSizeLimit { .. })));
    let f8x2: &[u8] = br#"[1,2,"<f8",[2]]"#;
    assert!(matches!(
        Json::default().decode_with(DataRef::from(f8x2), &limit(15)),
        Err(Error::DecodedSizeLimit { .. })
    ));
    assert!(Json::default().decode_with(DataRef::from(f8x2), &limit(16)).is_ok());
    let o = dec(&Json::default(), br#"[9223372036854775807,9223372036854775808,-9223372036854775809,"|O",[3]]"#);
    let o = o.unwrap().into_object().unwrap();
    assert_eq!(o.items()[0], Object::Int(i64::MAX));
    assert_eq!(o.items()[1], Object::BigInt(BigInt::from(1u64 << 63)));
    assert_eq!(o.items()[2], Object::BigInt(BigInt::from(i128::from(i64::MIN) - 1)));
}

fn dict(pairs: Vec<(Object, Object)>) -> Object {
    Object::Dict(pairs)
}

fn s(t: &str) -> Object {
    Object::from(t)
}

#[test]
fn dict_keys_as_python() {
    let one = |o: Object| ObjectArray::from_items(vec![o]);
    let d = Json::default();
    let unsorted = codec(json!({"sort_keys": false}));
    // Sorted as `sorted(d.items())`; numbers compare exactly across int and float.
    let numbers = dict(vec![
        (Object::Float(2.5), s("a")),
        (Object::BigInt(BigInt::from(u64::MAX)), s("b")),
        (Object::Bool(true), s("c")),
        (Object::Float(f64::NEG_INFINITY), s("d")),
        (Object::Int(-3), s("e")),
    ]);
    assert_eq!(
        enc(&d, &one(numbers.clone())).unwrap(),
        r#"[{"-Infinity":"d","-3":"e","true":"c","2.5":"a","18446744073709551615":"b"},"|O",[1]]"#
    );
    assert_eq!(
        enc(&unsorted, &one(numbers)).unwrap(),
        r#"[{"2.5":"a","18446744073709551615":"b","true":"c","-Infinity":"d","-3":"e"},"|O",[1]]"#
    );
    // `str` and `int` keys do not compare: Python's TypeError, unless not sorted.
    let mixed = dict(vec![(s("a"), Object::Int(1)), (Object::Int(1), Object::Int(2))]);
    let r = enc(&d, &one(mixed.clone()));
    assert!(matches!(&r, Err(Error::UnsupportedInput { reason, .. }) if reason.contains("'<' not supported")), "{r:?}");
    assert_eq!(enc(&unsorted, &one(mixed)).unwrap(), r#"[{"a":1,"1":2},"|O",[1]]"#);
    // A lone `None` key needs no comparison; two keys with one `None` do.
    assert_eq!(enc(&d, &one(dict(vec![(Object::None, Object::None)]))).unwrap(), r#"[{"null":null},"|O",[1]]"#);
    assert!(enc(&d, &one(dict(vec![(Object::None, Object::None), (Object::Int(1), Object::None)]))).is_err());
    // `bytes` keys: refused, or left out with `skipkeys` (an empty body, as Python's
    // encoders write it with and without indent).
    let bytes_key = dict(vec![(Object::from(&b"k"[..]), Object::Int(1))]);
    assert!(matches!(enc(&d, &one(bytes_key.clone())), Err(Error::UnsupportedInput { .. })));
    assert_eq!(enc(&codec(json!({"skipkeys": true})), &one(bytes_key.clone())).unwrap(), r#"[{},"|O",[1]]"#);
    assert_eq!(
        enc(&codec(json!({"skipkeys": true, "indent": 1})), &one(bytes_key)).unwrap(),
        "[\n {\n  \n }, \n \"|O\", \n [\n  1\n ]\n]"
    );
    // Keys no Python dict can hold: unhashable ones, and one key twice.
    for bad in [
        dict(vec![(Object::List(vec![]), Object::None)]),
        dict(vec![(Object::Dict(vec![]), Object::None)]),
        dict(vec![(Object::Int(1), Object::None), (Object::Float(1.0), Object::None)]),
        dict(vec![(s("a"), Object::None), (s("a"), Object::None)]),
    ] {
        for c in [&d, &unsorted] {
            let r = enc(c, &one(bad.clone()));
            assert!(matches!(r, Err(Error::UnsupportedInput { .. })), "{bad:?}: {r:?}");
        }
    }
    // NaN keys: `allow_nan` applies to them too.
    let nan_key = dict(vec![(Object::Float(f64::NAN), Object::Int(1))]);
    assert_eq!(enc(&d, &one(nan_key.clone())).unwrap(), r#"[{"NaN":1},"|O",[1]]"#);
    assert!(enc(&codec(json!({"allow_nan": false})), &one(nan_key)).is_err());
    // 64 or more keys with a NaN among them: refused (CPython's merge order).
    let many: Vec<(Object, Object)> =
        (0..70).map(|i| (if i == 5 { Object::Float(f64::NAN) } else { Object::Int(i) }, Object::None)).collect();
    assert!(enc(&d, &one(dict(many.clone()))).is_err());
    assert!(enc(&unsorted, &one(dict(many))).is_ok());
}

#[test]
fn hostile_dicts_and_ints() {
    let d = Json::default();
    // Deeply nested dicts: refused, without exhausting the stack, both ways.
    let deep = format!("[{}1{},\"|O\",[1]]", "{\"a\":".repeat(100_000), "}".repeat(100_000));
    assert!(matches!(dec(&d, deep.as_bytes()), Err(Error::UnsupportedInput { .. })));
    let mut nested = Object::Int(1);
    for _ in 0..MAX_DEPTH + 10 {
        nested = dict(vec![(s("a"), nested)]);
    }
    assert!(matches!(enc(&d, &ObjectArray::from_items(vec![nested])), Err(Error::UnsupportedInput { .. })));
    // Just within the limit: round trips.
    let mut ok = Object::Int(1);
    for _ in 0..MAX_DEPTH - 2 {
        ok = dict(vec![(s("a"), ok)]);
    }
    let text = enc(&d, &ObjectArray::from_items(vec![ok.clone()])).unwrap();
    assert_eq!(dec(&d, text.as_bytes()).unwrap().into_object().unwrap().items()[0], ok);
    // Ints: 4300 digits both ways, 4301 or 5000 refused both ways.
    let n4300 = format!("-{}", "8".repeat(4300));
    let text = format!("[{n4300},\"|O\",[1]]");
    let back = dec(&d, text.as_bytes()).unwrap().into_object().unwrap();
    assert_eq!(enc(&d, &back).unwrap(), text);
    for digits in [4301, 5000] {
        let r = dec(&d, format!("[{},\"|O\",[1]]", "3".repeat(digits)).as_bytes());
        assert!(matches!(r, Err(Error::Corrupt { .. })), "{digits}: {r:?}");
        // At least that many digits.
        let mut bytes = vec![0x55u8; digits * 5 / 12];
        bytes.push(0x15);
        let big = Object::BigInt(BigInt::from_le_bytes(&bytes));
        assert!(matches!(enc(&d, &ObjectArray::from_items(vec![big])), Err(Error::UnsupportedInput { .. })));
    }
    // Many repeated keys: one entry each, in first-seen order, with the last value.
    let doc = format!(
        "[{{{}}},\"|O\",[1]]",
        (0..50_000).map(|i| format!("\"k{}\":{i}", i % 3)).collect::<Vec<_>>().join(",")
    );
    let o = dec(&d, doc.as_bytes()).unwrap().into_object().unwrap();
    assert_eq!(
        o.items()[0],
        dict(vec![(s("k0"), Object::Int(49_998)), (s("k1"), Object::Int(49_999)), (s("k2"), Object::Int(49_997))])
    );
}

#[test]
fn numeric_round_trips() {
    for config in [json!({}), json!({"indent": 2, "ensure_ascii": false})] {
        let c = codec(config);
        for a in testing::sample_arrays() {
            if !matches!(a.dtype().kind(), DTypeKind::Bool | DTypeKind::Int | DTypeKind::UInt | DTypeKind::Float)
                || a.len() > 5000
            {
                let unicode = a.dtype().kind() == DTypeKind::Unicode;
                assert!(unicode || a.len() > 5000 || c.encode(DataRef::from(&a)).is_err(), "{}", a.dtype());
                continue;
            }
            let back = c.decode(c.encode(DataRef::from(&a)).unwrap().view()).unwrap().into_array().unwrap();
            assert_eq!(back.dtype(), a.dtype());
            assert_eq!(back.shape(), a.shape());
            if a.dtype().kind() == DTypeKind::Float {
                // NaN payloads are not kept (JSON has one NaN); compare values.
                let sz = a.dtype().itemsize();
                for (x, y) in a.as_bytes().chunks(sz).zip(back.as_bytes().chunks(sz)) {
                    let (Some(Num::Float(x)), Some(Num::Float(y))) =
                        (cast::read_num(a.dtype(), x), cast::read_num(a.dtype(), y))
                    else {
                        panic!()
                    };
                    assert!(x.to_bits() == y.to_bits() || (x.is_nan() && y.is_nan()), "{x} {y}");
                }
            } else {
                assert_eq!(back.as_bytes(), a.as_bytes(), "{}", a.dtype());
            }
        }
    }
}

#[test]
fn hostile_documents() {
    let good =
        Json::default().encode(DataRef::Object(&ObjectArray::from_items(vec![Object::Str("ab".into())]))).unwrap();
    testing::assert_rejects_truncation(&Json::default(), good.as_bytes().unwrap());
    let deep = format!("{}1{}", "[".repeat(100_000), "]".repeat(100_000));
    assert!(dec(&Json::default(), deep.as_bytes()).is_err());
}

#[test]
fn legacy_json() {
    let c = LegacyJson::from_json(&json!({"id": "json", "indent": true, "separators": [", ", ": "]})).unwrap();
    testing::assert_config_round_trip(&c);
    testing::assert_config_round_trip(&LegacyJson::default());
    assert_eq!(LegacyJson::default().get_config().unwrap()["id"], "json");
    testing::assert_configs_rejected::<LegacyJson>(&[json!({"id": "json2"}), json!({"id": "json", "encoding": "x"})]);
    let d = LegacyJson::default();
    let o = ObjectArray::new(vec![Object::Int(1), Object::Str("a".into())], vec![2, 1]).unwrap();
    let e = d.encode(DataRef::Object(&o)).unwrap();
    assert_eq!(e.as_bytes().unwrap(), br#"[[1],["a"],"|O"]"#);
    assert_eq!(d.decode(e.view()).unwrap(), Data::Object(o));
    // The shape comes from the nesting; ragged lists stay items of object arrays.
    let r = d.decode(DataRef::from(&br#"[[1,2],[3],"|O"]"#[..])).unwrap().into_object().unwrap();
    assert_eq!(r.shape(), &[2]);
    assert_eq!(r.items()[1], Object::List(vec![Object::Int(3)]));
    let a = d.decode(DataRef::from(&br#"[[[]],[[]],"<i4"]"#[..])).unwrap().into_array().unwrap();
    assert_eq!(a.shape(), &[2, 1, 0]);
    let a = d.decode(DataRef::from(&br#"["<f8"]"#[..])).unwrap().into_array().unwrap();
    assert_eq!(a.shape(), &[0]);
    for bad in [&br#"[[1,2],[3],"<i4"]"#[..], br#"[[1,2],3,"<i4"]"#, br#"[]"#, br#"[1,2]"#] {
        assert!(d.decode(DataRef::from(bad)).is_err(), "{}", String::from_utf8_lossy(bad));
    }
    let scalar = ObjectArray::new(vec![Object::None], vec![]).unwrap();
    assert!(matches!(d.encode(DataRef::Object(&scalar)), Err(Error::UnsupportedInput { .. })));
    let i4: &[u8] = br#"[1,"<i4"]"#;
    assert!(matches!(d.decode_with(DataRef::from(i4), &limit(3)), Err(Error::DecodedSizeLimit { .. })));
    assert!(d.decode_with(DataRef::from(i4), &limit(4)).is_ok());
    // Fuzzer find: one item of a huge `U` width made the fast path grow its output
    // past the limit (an allocation of 142 PB, an abort) before checking it.
    let legacy = LegacyJson::from_json(&json!({"id": "json"})).unwrap();
    let huge = br#"["wsxen","<U35555555555555555"]"#;
    assert!(matches!(
        legacy.decode_with(DataRef::from(&huge[..]), &limit(64 << 20)),
        Err(Error::DecodedSizeLimit { .. })
    ));
    let many = format!("[{}\"<U8\"]", "\"a\",".repeat(1000));
    assert!(matches!(d.decode_with(DataRef::from(many.as_bytes()), &limit(100)), Err(Error::DecodedSizeLimit { .. })));
    assert!(d.decode(DataRef::from(many.as_bytes())).is_ok());
}

/// The fast path (`fast::decode`) against the general one (parse, then `decode_value`)
/// on the fixtures, hand-written documents and many corruptions of them: whenever the
/// fast path answers, the general path must give the same array.
#[test]
fn fast_path_agrees_with_the_general_path() {
    let mut docs: Vec<Vec<u8>> = Vec::new();
    for fixture in
        [include_str!("../tests/data/numcodecs-0.15.2.json"), include_str!("../tests/data/numcodecs-0.9-legacy.json")]
    {
        docs.extend(testing::forms::cases(fixture).into_iter().map(|c| c.3));
        if fixture.contains("\"rejects\"") {
            docs.extend(testing::forms::rejects(fixture).into_iter().map(|c| c.2));
        }
    }
    for d in [
        r#"["a","b\"c\\d\/e\b\f\n\r\t\u00e9\ud83d\ude00x","|O",[2]]"#,
        r#"[ "a" , 1 , -0 , -0.0 , 1e5 , 1E+5 , 2.5e-3 , NaN , Infinity , -Infinity , null , true , false , [1, ["x"]] , "|O" , [ 14 ] ] "#,
        r#"[[1,2],[3,4],"|O",[2,2]]"#,
        r#"[[[1],[2]],[[3],[4]],"<i2",[2,2,1]]"#,
        r#"[[],[],"|O",[2,0]]"#,
        r#"[[],[],"<f8",[2,0]]"#,
        r#"[1,2,"|O",[2]]"#,
        r#"[1,2,"|O",[3]]"#,
        r#"[1,2,"|O",[1]]"#,
        r#"[1,2,3,"|O",[2]]"#,
        r#"["\ud800","|O",[1]]"#,
        r#"["\udc00","|O",[1]]"#,
        r#"["\ud800\u0041","|O",[1]]"#,
        r#"["\ud800\uzzzz","|O",[1]]"#,
        r#"["\u00zz","|O",[1]]"#,
        r#"["\q","|O",[1]]"#,
        "[\"a\tb\",\"|O\",[1]]",
        "[\"a\u{1}b\\n\u{1f}\",\"|O\",[1]]",
        r#"["a\",\"|O\",[1]]"#,
        r#"["x\",","|O",[1]]"#,
        r#"[1,"x\",\"|O\",[1]]","|O",[2]]"#,
        r#"[9223372036854775807,-9223372036854775808,9223372036854775808,"|O",[3]]"#,
        r#"[123456789012345678,1234567890123456789,-1234567890123456789,"|O",[3]]"#,
        r#"[9223372036854775807,"<i8",[1]]"#,
        r#"[18446744073709551615,">u8",[1]]"#,
        r#"[1.5,-2.5,1e300,true,false,null,"<i4",[6]]"#,
        r#"[1.5,-2.5,1e300,true,false,null,NaN,Infinity,"<f4",[8]]"#,
        r#"[1.5,-2.5,1e300,true,false,null,NaN,65519,"<f2",[8]]"#,
        r#"[1.5,-2.5,0,2,null,"|b1",[5]]"#,
        r#"[16777217,9007199254740993,"<f4",[2]]"#,
        r#"[16777217,9007199254740993,">f8",[2]]"#,
        r#"[2.2250738585072011e-308,4.9406564584124654e-324,0.1,"<f8",[3]]"#,
        r#"[127,-128,128,"|i1",[3]]"#,
        r#"[127,-128,"|i1",[2]]"#,
        r#"[255,0,"|u1",[2]]"#,
        r#"[65535,-1,"<u2",[2]]"#,
        r#"[32767,-32768,">i2",[2]]"#,
        r#"[4294967295,0,">u4",[2]]"#,
        r#"[2147483647,-2147483648,">i4",[2]]"#,
        r#"[1,2,"<i4",[2,1]]"#,
        r#"[1,2,"<i4",2]"#,
        r#"[1,2,"<i4",[]]"#,
        r#"["x","|O",[]]"#,
        r#"[1,"<U1",[1]]"#,
        r#"["abc","","\u00e9\ud83d\ude00z","<U2",[3]]"#,
        r#"[["abc",""],["\u00e9\ud83d\ude00z","x"],">U3",[2,2]]"#,
        r#"[["abc",""],["\u00e9\ud83d\ude00z","x"],"<U1"]"#,
        r#"["a",null,"<U1",[2]]"#,
        r#"["a","b","<U0",[2]]"#,
        r#"["ab","<U1",[1]]"#,
        r#"[1,"<c8",[1]]"#,
        r#"[1,"<M8[s]",[1]]"#,
        r#"[01,"<i4",[1]]"#,
        r#"[1.,"<i4",[1]]"#,
        r#"[1e,"<i4",[1]]"#,
        r#"[1e+,"<i4",[1]]"#,
        r#"[-,"<i4",[1]]"#,
        r#"[+1,"<i4",[1]]"#,
        r#"[.5,"<f8",[1]]"#,
        r#"[nul,"|O",[1]]"#,
        r#"[-Inf,"<f8",[1]]"#,
        r#"[1 2,"<i4",[2]]"#,
        r#"[1,,2,"<i4",[2]]"#,
        r#"[,1,"<i4",[1]]"#,
        r#"[1,"<i4",[1]] x"#,
        r#"[1,"<i4",[1],]"#,
        r#"[1,"<i4",[1,]]"#,
        r#"{"a":1,"<i4",[1]]"#,
        r#"[{"a":1},"|O",[1]]"#,
        r#"[{"a":1,"a":[2,{"b":null}]},{},"|O",[2]]"#,
        r#"[[{"a":1}],[{"b":2}],"|O",[2,1]]"#,
        r#"[{"a":1,},"|O",[1]]"#,
        r#"[{"a":1},"<i4",[1]]"#,
        r#"[123456789012345678901234567890,-123456789012345678901234567890,"|O",[2]]"#,
        r#"[123456789012345678901234567890,"<f8",[1]]"#,
        r#"[1,"\u003ci4",[1]]"#,
        r#"[1,"<i4" ,[1]]"#,
        r#"[1 ,"<i4",[1]]"#,
        "\n[\n 1 ,\r\n\t2\n,\n\"<i4\"\n,\n[\n2\n]\n]\n",
        r#"[1,"<i4",[1],"<i4",[1]]"#,
        r#"["<i4",[0]]"#,
        r#"["|O",[0]]"#,
        r#"["|O",[0,3]]"#,
        r#"[1,"|O",[4611686018427387904,4]]"#,
        r#"[1,"|O",[1000]]"#,
        r#"[[1,2],[3],"|O"]"#,
        r#"[[[],[]],[[],[]],"|O"]"#,
        r#"[[[],[]],[[],[]],"<i4"]"#,
        r#"[[[],[]],[[],[1]],"|O"]"#,
        r#"[[1,[2]],[3,4],"|O"]"#,
        r#"[[[1],2],[[3],4],"|O"]"#,
        r#"[[[1],[2]],[[3],[4]],"|O"]"#,
        r#"[[[1],[2]],[[3],[4]],"<f8"]"#,
        r#"[[[1],[2]],[[3],[4,5]],"<f8"]"#,
        r#"[[1,2],[3,4],"<u2"]"#,
        r#"[[1,2],3,"|O"]"#,
        r#"[[],"|O"]"#,
        r#"[[],[],"<i4"]"#,
        r#"[[1,2],[3,4],"|O"]"#,
        r#"[1,[2],"|O"]"#,
        r#"[1,[2],"<i4"]"#,
        r#"[1,2,"<i4"]"#,
        r#"["a","b","|O"]"#,
        r#"["<f8"]"#,
        r#"[1,2]"#,
        r#"[]"#,
        r#""abc""#,
    ] {
        docs.push(d.as_bytes().to_vec());
    }
    // A quote, backslash or control character at every offset of the eight-byte scan.
    for at in 0..20 {
        for special in ["\\\"", "\\n", "\\u00e9", "\u{1f}", "\u{7f}", "é", "\"", "\\"] {
            let body = format!("{}{special}{}", "a".repeat(at), "b".repeat(20 - at));
            docs.push(format!("[\"{body}\",\"{body}\",\"|O\",[2]]").into_bytes());
        }
    }
    // Encodings of some arrays, and corruptions of everything.
    let words = ["a", "é", "x y", "\"q\"", "\\", "\n", "😀", "", "long string of more than twenty-four bytes"];
    let items: Vec<Object> = (0..40)
        .map(|i| match i % 7 {
            0 => Object::Int(i * 1000 - 7000),
            1 => Object::Float(i as f64 / 3.0),
            2 => Object::None,
            3 => Object::Bool(i % 2 == 0),
            4 => Object::List(vec![Object::Int(i), Object::Str(words[i as usize % words.len()].into())]),
            _ => Object::Str(words[i as usize % words.len()].into()),
        })
        .collect();
    let arrays = [
        Data::Object(ObjectArray::new(items.clone(), vec![40]).unwrap()),
        Data::Object(ObjectArray::new(items, vec![4, 5, 2]).unwrap()),
        Data::Array(
            NdArray::from_values("<i4".parse().unwrap(), vec![3, 4], (0..12).map(|i| i * 99_999 - 500_000)).unwrap(),
        ),
        Data::Array(
            NdArray::from_values(">f8".parse().unwrap(), vec![6], [0.1, -1e300, 5e-324, 1.0, f64::NAN, -0.0]).unwrap(),
        ),
        Data::Array(NdArray::from_values("<u2".parse().unwrap(), vec![5], [0u16, 1, 255, 256, 65535]).unwrap()),
    ];
    for config in [json!({}), json!({"indent": 1, "ensure_ascii": false}), json!({"separators": [" , ", ":"]})] {
        for a in &arrays {
            for legacy in [false, true] {
                let c = Json { legacy, ..codec(config.clone()) };
                docs.push(c.encode(a.view()).unwrap().as_bytes().unwrap().to_vec());
            }
        }
    }
    let alphabet: &[u8] = b"\"\\,[]{} \t0-9e.+uEnN\x01x\xc3";
    let mutated = zarrcodecs_core::testing::mutations(&docs, 60, alphabet, 0x2545_f491_4f6c_dd1d);
    docs.extend(mutated);
    let mut hits = 0;
    let mut total = 0;
    for d in &docs {
        let d: &Vec<u8> = d;
        for (legacy, strict, limit) in
            [(false, true, 1 << 30), (true, true, 1 << 30), (false, false, 1 << 30), (false, true, 40)]
        {
            let c = Json { legacy, ..codec(json!({ "strict": strict })) };
            let Ok(text) = c.text(d) else { continue };
            let general = parse::parse(&text, strict).and_then(|v| c.decode_value(v, d.len(), limit));
            let doc = String::from_utf8_lossy(d);
            total += usize::from(general.is_ok());
            let Some(fast) = fast::decode(&text, strict, legacy, limit) else {
                if general.is_ok() && std::env::var_os("SHOW_MISSES").is_some() {
                    eprintln!("miss {legacy} {strict} {limit}: {doc}");
                }
                continue;
            };
            hits += 1;
            let general = general.unwrap_or_else(|e| panic!("only the fast path decodes {doc}: {e}"));
            assert!(testing::forms::same(&fast, &general), "{doc}:\n{fast:?}\n{general:?}");
            assert_eq!(format!("{fast:?}"), format!("{general:?}"), "{doc}");
        }
    }
    // Most documents that decode take the fast path.
    assert!(hits > total / 2, "{hits} of {total}");
}

#[test]
fn new_takes_the_options() {
    assert_eq!(Json::new(JsonConfig::default()).unwrap(), Json::default());
    let c = Json::new(JsonConfig { encoding: "latin-1".into(), sort_keys: false, ..JsonConfig::default() }).unwrap();
    assert_eq!(c.get_config().unwrap()["encoding"], "latin-1");
    assert!(matches!(
        Json::new(JsonConfig { encoding: "utf-16".into(), ..JsonConfig::default() }),
        Err(Error::InvalidConfig { .. })
    ));
}
