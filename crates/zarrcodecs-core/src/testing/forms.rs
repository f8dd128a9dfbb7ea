//! The JSON form in which the object codecs' Python fixtures hold numpy arrays and
//! Python objects (written by crates/zarrcodecs-json/tests/data/generate.py for vlen,
//! json and msgpack), read as [`Data`].

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::cast_possible_truncation)]

use crate::testing::hex;
use crate::{Data, DataRef, NdArray, Object, ObjectArray};
use serde_json::Value;

/// A numeric array from `{"dtype", "shape", "hex"}`.
pub fn num(v: &Value) -> NdArray {
    let shape = v["shape"].as_array().unwrap().iter().map(|d| d.as_u64().unwrap() as usize).collect();
    NdArray::from_bytes(&hex(v["hex"].as_str().unwrap()), v["dtype"].as_str().unwrap().parse().unwrap(), shape).unwrap()
}

/// One Python object.
pub fn item(v: &Value) -> Object {
    match v {
        Value::Null => Object::None,
        Value::Bool(b) => Object::Bool(*b),
        Value::Number(n) => Object::Int(n.as_i64().expect("ints in fixtures fit i64")),
        Value::String(s) => Object::Str(s.clone().into()),
        Value::Array(a) => Object::List(a.iter().map(item).collect()),
        Value::Object(m) => {
            if let Some(f) = m.get("float") {
                let t = f.as_str().unwrap();
                Object::Float(match t {
                    "nan" => f64::NAN,
                    "inf" => f64::INFINITY,
                    "-inf" => f64::NEG_INFINITY,
                    t => t.parse().unwrap(),
                })
            } else if let Some(b) = m.get("bytes") {
                Object::Bytes(hex(b.as_str().unwrap()).into())
            } else if let Some(a) = m.get("array") {
                Object::Array(Box::new(num(a)))
            } else {
                panic!("unknown item form {v}")
            }
        }
    }
}

/// An array (numeric or object) from its form.
pub fn data(v: &Value) -> Data {
    if let Some(items) = v.get("object") {
        let shape = v["shape"].as_array().unwrap().iter().map(|d| d.as_u64().unwrap() as usize).collect();
        Data::Object(ObjectArray::new(items.as_array().unwrap().iter().map(item).collect(), shape).unwrap())
    } else {
        Data::Array(num(v))
    }
}

/// Objects compared with NaN equal to NaN.
pub fn same_item(a: &Object, b: &Object) -> bool {
    match (a, b) {
        (Object::Float(x), Object::Float(y)) => x.to_bits() == y.to_bits() || (x.is_nan() && y.is_nan()),
        (Object::List(x), Object::List(y)) => x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same_item(a, b)),
        _ => a == b,
    }
}

/// Arrays compared with NaN equal to NaN.
pub fn same(a: &Data, b: &Data) -> bool {
    match (a, b) {
        (Data::Object(x), Data::Object(y)) => {
            x.shape() == y.shape() && x.items().iter().zip(y.items()).all(|(a, b)| same_item(a, b))
        }
        (Data::Array(x), Data::Array(y)) => x == y,
        _ => false,
    }
}

/// Every fixture case: (config, name, input, encoded, decoded); `decoded` is the
/// input when the fixture gives none.
pub fn cases(doc: &str) -> Vec<(Value, String, Data, Vec<u8>, Data)> {
    let v: Value = serde_json::from_str(doc).unwrap();
    v["cases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["config"].clone(),
                c["name"].as_str().unwrap().to_string(),
                data(&c["input"]),
                hex(c["encoded"].as_str().unwrap()),
                data(if c.get("decoded").is_some() { &c["decoded"] } else { &c["input"] }),
            )
        })
        .collect()
}

/// Every input numcodecs refuses to decode: (config, name, encoded).
pub fn rejects(doc: &str) -> Vec<(Value, String, Vec<u8>)> {
    let v: Value = serde_json::from_str(doc).unwrap();
    v["rejects"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["config"].clone(), c["name"].as_str().unwrap().to_string(), hex(c["encoded"].as_str().unwrap())))
        .collect()
}

/// `DataRef` of encoded bytes.
pub fn bytes(b: &[u8]) -> DataRef<'_> {
    DataRef::from(b)
}
