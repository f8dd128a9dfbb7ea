//! Object arrays (numpy dtype `|O`) as JSON, for `encode --json` and for decoded
//! object data.
//!
//! The document is the JSON form of [`ObjectArray`] that `zarrcodecs-core` defines
//! (feature `serde`; documented on its `Serialize` impls for `Object` and
//! `ObjectArray`): a JSON array of items for a one-dimensional array, else
//! `{"shape": [...], "items": [...]}`; items are `"str"`, `{"bytes": "<base64>"}`,
//! `null`, booleans, ints, floats (`{"float": "NaN"}` when not finite), lists, and
//! numpy arrays as `{"array": {"dtype", "shape", "data"}}`.
//!
//! One shorthand on input, for `vlen-array`: with `--dtype`, an item that is a JSON
//! array is a numpy array of that dtype, nested lists giving its dimensions
//! (`[[1, 2], [3, 4]]` is a 2x2 array, not a list).

use serde_json::{json, Value};
use zarrcodecs::{DType, DTypeKind, ObjectArray};

/// Parses a JSON document of an object array. With `dtype`, items that are JSON
/// arrays are numeric arrays of that dtype; without, lists.
///
/// # Errors
/// A message naming the offending item.
pub(crate) fn parse(text: &[u8], dtype: Option<DType>) -> Result<ObjectArray, String> {
    let Some(dt) = dtype else {
        return serde_json::from_slice(text).map_err(|e| format!("invalid JSON input: {e}"));
    };
    check_dtype(dt)?;
    let mut doc: Value = serde_json::from_slice(text).map_err(|e| format!("invalid JSON input: {e}"))?;
    let items = match &mut doc {
        Value::Array(items) => Some(items),
        Value::Object(map) => match map.get_mut("items") {
            Some(Value::Array(items)) => Some(items),
            _ => None,
        },
        _ => None,
    };
    for (i, item) in items.into_iter().flatten().enumerate() {
        if let Value::Array(_) = item {
            *item = array_item(item, dt).map_err(|e| format!("JSON input item {i}: {e}"))?;
        }
    }
    serde_json::from_value(doc).map_err(|e| format!("invalid JSON input: {e}"))
}

/// The JSON document of `objects` (the inverse of [`parse`] without a dtype).
///
/// # Errors
/// If the JSON writer fails (it does not for the forms here).
pub(crate) fn to_json(objects: &ObjectArray) -> Result<Vec<u8>, String> {
    serde_json::to_vec(objects).map_err(|e| e.to_string())
}

/// Whether nested lists can give numeric arrays of `dtype`.
///
/// # Errors
/// For dtypes other than bool, integers, `f4`, `f8`, datetime64 and timedelta64.
pub(crate) fn check_dtype(dtype: DType) -> Result<(), String> {
    match dtype.kind() {
        DTypeKind::Bool
        | DTypeKind::Int
        | DTypeKind::UInt
        | DTypeKind::Datetime { .. }
        | DTypeKind::Timedelta { .. } => Ok(()),
        DTypeKind::Float if matches!(dtype.itemsize(), 4 | 8) => Ok(()),
        _ => Err(format!(
            "--dtype {dtype}: nested lists give arrays of bool, integer, f4, f8, M8 or m8 dtypes only \
             (write other arrays as {{\"array\": {{\"dtype\", \"shape\", \"bytes\"}}}})"
        )),
    }
}

/// The tagged form of the nested list `v` as an array of `dtype`.
fn array_item(v: &Value, dtype: DType) -> Result<Value, String> {
    let mut shape = Vec::new();
    let mut cur = v;
    while let Value::Array(items) = cur {
        shape.push(items.len());
        match items.first() {
            Some(first) => cur = first,
            None => break,
        }
    }
    let mut data = Vec::new();
    flatten(v, &shape, &mut data)?;
    Ok(json!({"array": {"dtype": dtype.to_string(), "shape": shape, "data": data}}))
}

fn flatten(v: &Value, shape: &[usize], out: &mut Vec<Value>) -> Result<(), String> {
    match (shape.split_first(), v) {
        (Some((&n, rest)), Value::Array(items)) if items.len() == n => {
            items.iter().try_for_each(|item| flatten(item, rest, out))
        }
        (Some(_), _) | (None, Value::Array(_)) => Err("ragged nested array: every row must have the same shape".into()),
        (None, leaf) => {
            out.push(leaf.clone());
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::panic)]

    use super::*;
    use zarrcodecs::{NdArray, Object};

    fn dt(s: &str) -> DType {
        s.parse().unwrap()
    }

    #[test]
    fn every_item_form() {
        let text = br#"["caf\u00e9", {"bytes": "AAH/"}, null, true, -3, 1.5, {"float": "NaN"}, [1, "a", [null]]]"#;
        let objects = parse(text, None).unwrap();
        let items = objects.items();
        assert_eq!(items.len(), 8);
        assert_eq!(items[0], Object::Str("caf\u{e9}".into()));
        assert_eq!(items[1], Object::Bytes((vec![0, 1, 255]).into()));
        assert_eq!(items[2], Object::None);
        assert_eq!(items[3], Object::Bool(true));
        assert_eq!(items[4], Object::Int(-3));
        assert_eq!(items[5], Object::Float(1.5));
        assert!(matches!(items[6], Object::Float(x) if x.is_nan()));
        assert_eq!(
            items[7],
            Object::List(vec![Object::Int(1), Object::Str("a".into()), Object::List(vec![Object::None])])
        );
        // And back: the same document.
        let back: Value = serde_json::from_slice(&to_json(&objects).unwrap()).unwrap();
        let reparsed: Value = serde_json::from_slice(text).unwrap();
        assert_eq!(back, reparsed);
    }

    #[test]
    fn shaped_documents() {
        let objects = parse(br#"{"shape": [2, 1], "items": ["a", 1]}"#, None).unwrap();
        assert_eq!(objects.shape(), &[2, 1]);
        assert_eq!(to_json(&objects).unwrap(), br#"{"shape":[2,1],"items":["a",1]}"#);
        // The --dtype shorthand applies to the items of a shaped document too.
        let objects = parse(br#"{"shape": [1, 1], "items": [[1, 2]]}"#, Some(dt("<i2"))).unwrap();
        let Object::Array(a) = &objects.items()[0] else { panic!("{objects:?}") };
        assert_eq!(a.as_bytes(), &[1, 0, 2, 0]);
    }

    #[test]
    fn numeric_arrays_with_a_dtype() {
        let objects = parse(b"[[1, 2, 3], [], [[1, -2], [3, 4]], 7]", Some(dt("<i4"))).unwrap();
        let items = objects.items();
        let Object::Array(a) = &items[0] else { panic!("{items:?}") };
        assert_eq!((a.dtype(), a.shape()), (dt("<i4"), &[3][..]));
        assert_eq!(a.as_bytes(), &[1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0]);
        let Object::Array(a) = &items[1] else { panic!("{items:?}") };
        assert_eq!(a.shape(), &[0]);
        let Object::Array(a) = &items[2] else { panic!("{items:?}") };
        assert_eq!(a.shape(), &[2, 2]);
        assert_eq!(&a.as_bytes()[4..8], &(-2i32).to_le_bytes());
        // A bare number stays a Python int.
        assert_eq!(items[3], Object::Int(7));
        // Written in the self-describing form, which reads back without --dtype.
        let text = to_json(&objects).unwrap();
        assert_eq!(
            serde_json::from_slice::<Value>(&text).unwrap()[0],
            json!({"array": {"dtype": "<i4", "shape": [3], "data": [1, 2, 3]}})
        );
        assert_eq!(parse(&text, None).unwrap(), objects);

        let objects = parse(br#"[[1.5, "NaN", "-Infinity"]]"#, Some(dt(">f8"))).unwrap();
        let Object::Array(a) = &objects.items()[0] else { panic!("{objects:?}") };
        assert_eq!(&a.as_bytes()[..8], &1.5f64.to_be_bytes());

        let objects = parse(b"[[true, false, true]]", Some(dt("|b1"))).unwrap();
        let Object::Array(a) = &objects.items()[0] else { panic!("{objects:?}") };
        assert_eq!(a.as_bytes(), &[1, 0, 1]);

        let objects = parse(b"[[0.1]]", Some(dt("<f4"))).unwrap();
        let Object::Array(a) = &objects.items()[0] else { panic!("{objects:?}") };
        assert_eq!(a.as_bytes(), &0.1f32.to_le_bytes());
        let zero_d = NdArray::from_bytes(&2.0f64.to_le_bytes(), dt("<f8"), vec![]).unwrap();
        let text = to_json(&ObjectArray::from_items(vec![Object::from(zero_d)])).unwrap();
        assert_eq!(text, br#"[{"array":{"dtype":"<f8","shape":[],"data":[2.0]}}]"#);
    }

    #[test]
    fn ints_beyond_64_bits() {
        // A bare JSON integer beyond i64 is a Python int all the same.
        let objects = parse(b"[18446744073709551615]", None).unwrap();
        assert_eq!(objects.items(), [Object::from(zarrcodecs::BigInt::from(u64::MAX))]);
    }

    #[test]
    fn rejects_bad_documents() {
        for (text, dtype, needle) in [
            (&b"{\"a\": 1}"[..], None, "unknown key"),
            (b"3", None, "an object array"),
            (b"[1,", None, "invalid JSON"),
            (b"", None, "invalid JSON"),
            (b"[{\"bytes\": \"!!\"}]", None, "base64"),
            (b"[{\"bytes\": 3}]", None, "invalid type"),
            (b"[{\"other\": 1}]", None, "unknown tag"),
            (b"[{}]", None, "empty JSON object"),
            (b"[[1, [2]]]", Some("<i4"), "item 0: ragged"),
            (b"[[[1], 2]]", Some("<i4"), "ragged"),
            (b"[[1, 2], [300]]", Some("|u1"), "300 is out of range"),
            (b"[[-1]]", Some("<u4"), "out of range"),
            (b"[[1.5]]", Some("<i8"), "integer"),
            (b"[[\"x\"]]", Some("<f8"), "expected a number"),
            (b"[[1]]", Some("<f2"), "--dtype <f2"),
            (b"[[1]]", Some("|S3"), "--dtype |S3"),
        ] {
            let err = parse(text, dtype.map(dt)).unwrap_err();
            assert!(err.contains(needle), "{}: {err}", String::from_utf8_lossy(text));
        }
    }
}
