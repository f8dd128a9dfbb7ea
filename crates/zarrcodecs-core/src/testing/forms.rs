//! The JSON forms in which the object codecs' Python fixtures hold numpy arrays and
//! Python objects (written by crates/zarrcodecs-json/tests/data/generate.py for vlen,
//! json and msgpack), read as [`Data`]: object arrays in their one JSON form (the
//! `serde` impls of [`ObjectArray`](crate::ObjectArray)), numeric arrays as `{"dtype", "shape", "hex"}`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::cast_possible_truncation)]

use crate::testing::hex;
use crate::{Data, DataRef, NdArray, Object};
use serde_json::Value;

/// A numeric array from `{"dtype", "shape", "hex"}`.
pub fn num(v: &Value) -> NdArray {
    let shape = v["shape"].as_array().unwrap().iter().map(|d| d.as_u64().unwrap() as usize).collect();
    NdArray::from_bytes(&hex(v["hex"].as_str().unwrap()), v["dtype"].as_str().unwrap().parse().unwrap(), shape).unwrap()
}

/// One Python object, in the one JSON form of objects (see `impl Serialize for Object`).
pub fn item(v: &Value) -> Object {
    serde_json::from_value(v.clone()).unwrap_or_else(|e| panic!("item {v}: {e}"))
}

/// An array from its form: an object array in the JSON form of [`ObjectArray`](crate::ObjectArray) (a list
/// of items, or `{"shape", "items"}`), or a numeric `{"dtype", "shape", "hex"}`.
pub fn data(v: &Value) -> Data {
    if v.is_array() || v.get("items").is_some() {
        Data::Object(serde_json::from_value(v.clone()).unwrap_or_else(|e| panic!("object array {v}: {e}")))
    } else {
        Data::Array(num(v))
    }
}

/// Objects compared with NaN equal to NaN.
pub fn same_item(a: &Object, b: &Object) -> bool {
    match (a, b) {
        (Object::Float(x), Object::Float(y)) => x.to_bits() == y.to_bits() || (x.is_nan() && y.is_nan()),
        (Object::List(x), Object::List(y)) => x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same_item(a, b)),
        (Object::Dict(x), Object::Dict(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|((ka, va), (kb, vb))| same_item(ka, kb) && same_item(va, vb))
        }
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
