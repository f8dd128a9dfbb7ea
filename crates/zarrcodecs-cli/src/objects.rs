//! Object arrays (numpy dtype `|O`) as JSON, for `encode --json` and for decoded
//! object data.
//!
//! The document is a JSON array with one entry per item, in C order:
//!
//! | JSON | Python object | [`Object`] |
//! |---|---|---|
//! | `"text"` | `str` | [`Object::Str`] |
//! | `{"bytes": "<base64>"}` | `bytes` | [`Object::Bytes`] |
//! | `null` | `None` | [`Object::None`] |
//! | `true` / `false` | `bool` | [`Object::Bool`] |
//! | `3` | `int` | [`Object::Int`] |
//! | `1.5`, `{"float": "NaN"}` | `float` | [`Object::Float`] |
//! | `[1, 2]` with a dtype | numpy array of that dtype | [`Object::Array`] |
//! | `[1, "a"]` without a dtype | `list` | [`Object::List`] |
//!
//! Inside numeric arrays, non-finite floats are the strings `"NaN"`, `"Infinity"` and
//! `"-Infinity"`; nested lists give multi-dimensional arrays.

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine as _;
use serde_json::{Map, Value};
use zarrcodecs::{ByteOrder, DType, DTypeKind, NdArray, Object};

/// Parses a JSON document of items. With `dtype`, nested arrays become numeric arrays
/// of that dtype; without, lists.
///
/// # Errors
/// A message naming the offending item.
pub(crate) fn parse(text: &[u8], dtype: Option<DType>) -> Result<Vec<Object>, String> {
    if let Some(dt) = dtype {
        check_dtype(dt)?;
    }
    let value: Value = serde_json::from_slice(text).map_err(|e| format!("invalid JSON input: {e}"))?;
    let Value::Array(items) = value else {
        return Err(format!("JSON input must be an array of items, got {}", kind_name(&value)));
    };
    items
        .iter()
        .enumerate()
        .map(|(i, v)| object_from_json(v, dtype).map_err(|e| format!("JSON input item {i}: {e}")))
        .collect()
}

/// The JSON form of `items` (the inverse of [`parse`]).
///
/// # Errors
/// For numeric arrays of a dtype JSON cannot hold (see [`check_dtype`]).
pub(crate) fn to_json(items: &[Object]) -> Result<Value, String> {
    items
        .iter()
        .enumerate()
        .map(|(i, o)| object_to_json(o).map_err(|e| format!("item {i}: {e}")))
        .collect::<Result<Vec<_>, _>>()
        .map(Value::Array)
}

fn kind_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn object_from_json(v: &Value, dtype: Option<DType>) -> Result<Object, String> {
    match v {
        Value::Null => Ok(Object::None),
        Value::Bool(b) => Ok(Object::Bool(*b)),
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                Ok(Object::Int(i))
            } else if n.is_u64() {
                Err(format!("integer {n} does not fit in 64 signed bits"))
            } else {
                n.as_f64().map(Object::Float).ok_or_else(|| format!("number {n} is not representable"))
            }
        }
        Value::String(s) => Ok(Object::Str(s.clone().into())),
        Value::Array(items) => match dtype {
            Some(dt) => array_from_json(v, dt).map(Object::from),
            None => items
                .iter()
                .enumerate()
                .map(|(i, v)| object_from_json(v, None).map_err(|e| format!("[{i}]: {e}")))
                .collect::<Result<_, _>>()
                .map(Object::List),
        },
        Value::Object(map) => tagged_from_json(map),
    }
}

fn tagged_from_json(map: &Map<String, Value>) -> Result<Object, String> {
    let usage =
        "a JSON object item must be {\"bytes\": \"<base64>\"} or {\"float\": \"NaN\" | \"Infinity\" | \"-Infinity\"}";
    let mut entries = map.iter();
    let (Some((key, value)), None) = (entries.next(), entries.next()) else {
        return Err(usage.to_string());
    };
    match (key.as_str(), value) {
        ("bytes", Value::String(text)) => {
            BASE64.decode(text).map(Object::from).map_err(|e| format!("invalid base64 in \"bytes\": {e}"))
        }
        ("float", v) => float_leaf(v).map(Object::Float),
        _ => Err(usage.to_string()),
    }
}

fn float_leaf(v: &Value) -> Result<f64, String> {
    match v {
        Value::Number(n) => n.as_f64().ok_or_else(|| format!("number {n} is not representable")),
        Value::String(s) => match s.as_str() {
            "NaN" | "nan" => Ok(f64::NAN),
            "Infinity" | "inf" | "+inf" | "+Infinity" => Ok(f64::INFINITY),
            "-Infinity" | "-inf" => Ok(f64::NEG_INFINITY),
            _ => Err(format!("expected a number, \"NaN\", \"Infinity\" or \"-Infinity\", got {s:?}")),
        },
        other => Err(format!("expected a number, got {}", kind_name(other))),
    }
}

fn float_to_json(x: f64) -> Value {
    if x.is_nan() {
        Value::from("NaN")
    } else if x == f64::INFINITY {
        Value::from("Infinity")
    } else if x == f64::NEG_INFINITY {
        Value::from("-Infinity")
    } else {
        Value::from(x)
    }
}

/// Whether numeric arrays of `dtype` have a JSON form here.
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
            "numeric arrays of dtype {dtype} have no JSON form here (use a bool, integer, f4, f8, M8 or m8 dtype)"
        )),
    }
}

fn array_from_json(v: &Value, dtype: DType) -> Result<NdArray, String> {
    let mut shape = Vec::new();
    let mut cur = v;
    while let Value::Array(items) = cur {
        shape.push(items.len());
        match items.first() {
            Some(first) => cur = first,
            None => break,
        }
    }
    let mut bytes = Vec::new();
    fill(v, dtype, &shape, &mut bytes)?;
    NdArray::from_bytes(&bytes, dtype, shape).map_err(|e| e.to_string())
}

fn fill(v: &Value, dtype: DType, shape: &[usize], out: &mut Vec<u8>) -> Result<(), String> {
    match (shape.split_first(), v) {
        (Some((&n, rest)), Value::Array(items)) if items.len() == n => {
            items.iter().try_for_each(|item| fill(item, dtype, rest, out))
        }
        (Some(_), _) | (None, Value::Array(_)) => Err("ragged nested array: every row must have the same shape".into()),
        (None, leaf) => put_leaf(leaf, dtype, out),
    }
}

fn put_leaf(v: &Value, dtype: DType, out: &mut Vec<u8>) -> Result<(), String> {
    macro_rules! put {
        ($x:expr) => {{
            let x = $x;
            let bytes = if dtype.byte_order() == ByteOrder::Big { x.to_be_bytes() } else { x.to_le_bytes() };
            out.extend_from_slice(&bytes);
        }};
    }
    let range = |x: &dyn std::fmt::Display| format!("{x} is out of range for dtype {dtype}");
    match dtype.kind() {
        DTypeKind::Bool => {
            let b = match v {
                Value::Bool(b) => *b,
                Value::Number(n) if n.as_u64() == Some(0) => false,
                Value::Number(n) if n.as_u64() == Some(1) => true,
                other => return Err(format!("expected a boolean for dtype {dtype}, got {other}")),
            };
            out.push(u8::from(b));
        }
        DTypeKind::Int | DTypeKind::Datetime { .. } | DTypeKind::Timedelta { .. } => {
            let x = v.as_i64().ok_or_else(|| format!("expected an integer for dtype {dtype}, got {v}"))?;
            match dtype.itemsize() {
                1 => put!(i8::try_from(x).map_err(|_| range(&x))?),
                2 => put!(i16::try_from(x).map_err(|_| range(&x))?),
                4 => put!(i32::try_from(x).map_err(|_| range(&x))?),
                _ => put!(x),
            }
        }
        DTypeKind::UInt => {
            let x = v.as_u64().ok_or_else(|| format!("expected a non-negative integer for dtype {dtype}, got {v}"))?;
            match dtype.itemsize() {
                1 => put!(u8::try_from(x).map_err(|_| range(&x))?),
                2 => put!(u16::try_from(x).map_err(|_| range(&x))?),
                4 => put!(u32::try_from(x).map_err(|_| range(&x))?),
                _ => put!(x),
            }
        }
        DTypeKind::Float if dtype.itemsize() == 4 => {
            // Rounds to the nearest f32, as numpy does.
            #[allow(clippy::cast_possible_truncation)]
            let x = float_leaf(v)? as f32;
            put!(x);
        }
        DTypeKind::Float if dtype.itemsize() == 8 => put!(float_leaf(v)?),
        _ => return Err(check_dtype(dtype).err().unwrap_or_default()),
    }
    Ok(())
}

fn object_to_json(o: &Object) -> Result<Value, String> {
    Ok(match o {
        Object::None => Value::Null,
        Object::Bool(b) => Value::Bool(*b),
        Object::Int(i) => Value::from(*i),
        Object::Float(x) if x.is_finite() => Value::from(*x),
        Object::Float(x) => {
            let mut map = Map::new();
            map.insert("float".into(), float_to_json(*x));
            Value::Object(map)
        }
        Object::Str(s) => Value::String(s.to_string()),
        Object::Bytes(b) => {
            let mut map = Map::new();
            map.insert("bytes".into(), Value::String(BASE64.encode(b)));
            Value::Object(map)
        }
        Object::Array(a) => array_to_json(a)?,
        Object::List(items) => Value::Array(items.iter().map(object_to_json).collect::<Result<_, _>>()?),
        // `Object` may grow; say what is not supported rather than panic.
        #[allow(unreachable_patterns)]
        other => return Err(format!("no JSON form for {other:?}")),
    })
}

fn array_to_json(a: &NdArray) -> Result<Value, String> {
    let dtype = a.dtype();
    check_dtype(dtype)?;
    let size = dtype.itemsize();
    let big = dtype.byte_order() == ByteOrder::Big;
    let leaves = a.as_bytes().chunks_exact(size).map(|c| leaf_to_json(c, dtype, big)).collect::<Result<Vec<_>, _>>()?;
    Ok(nest(&leaves, a.shape()))
}

fn leaf_to_json(c: &[u8], dtype: DType, big: bool) -> Result<Value, String> {
    macro_rules! get {
        ($t:ty) => {{
            let arr = <[u8; std::mem::size_of::<$t>()]>::try_from(c).map_err(|_| "item size mismatch".to_string())?;
            if big {
                <$t>::from_be_bytes(arr)
            } else {
                <$t>::from_le_bytes(arr)
            }
        }};
    }
    Ok(match (dtype.kind(), dtype.itemsize()) {
        (DTypeKind::Bool, _) => Value::Bool(c.first().is_some_and(|&b| b != 0)),
        (DTypeKind::Int, 1) => Value::from(get!(i8)),
        (DTypeKind::Int, 2) => Value::from(get!(i16)),
        (DTypeKind::Int, 4) => Value::from(get!(i32)),
        (DTypeKind::Int | DTypeKind::Datetime { .. } | DTypeKind::Timedelta { .. }, 8) => Value::from(get!(i64)),
        (DTypeKind::UInt, 1) => Value::from(get!(u8)),
        (DTypeKind::UInt, 2) => Value::from(get!(u16)),
        (DTypeKind::UInt, 4) => Value::from(get!(u32)),
        (DTypeKind::UInt, 8) => Value::from(get!(u64)),
        (DTypeKind::Float, 4) => float_to_json(f64::from(get!(f32))),
        (DTypeKind::Float, 8) => float_to_json(get!(f64)),
        _ => return Err(format!("numeric arrays of dtype {dtype} have no JSON form here")),
    })
}

/// Nests C-ordered `leaves` by `shape`; a 0-d array is its one leaf.
fn nest(leaves: &[Value], shape: &[usize]) -> Value {
    match shape.split_first() {
        None => leaves.first().cloned().unwrap_or(Value::Null),
        Some((&n, rest)) => {
            let chunk: usize = rest.iter().product();
            Value::Array(
                (0..n)
                    .map(|i| {
                        let start = i.saturating_mul(chunk);
                        let part = leaves.get(start..start.saturating_add(chunk)).unwrap_or(&[]);
                        nest(part, rest)
                    })
                    .collect(),
            )
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn dt(s: &str) -> DType {
        s.parse().unwrap()
    }

    #[test]
    fn every_item_form() {
        let text = br#"["caf\u00e9", {"bytes": "AAH/"}, null, true, -3, 1.5, {"float": "NaN"}, [1, "a", [null]]]"#;
        let items = parse(text, None).unwrap();
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
        let back = to_json(&items).unwrap();
        let reparsed: Value = serde_json::from_slice(text).unwrap();
        assert_eq!(back, reparsed);
    }

    #[test]
    fn numeric_arrays_with_a_dtype() {
        let items = parse(b"[[1, 2, 3], [], [[1, -2], [3, 4]], 7]", Some(dt("<i4"))).unwrap();
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
        assert_eq!(to_json(&items).unwrap(), serde_json::json!([[1, 2, 3], [], [[1, -2], [3, 4]], 7]));

        let items = parse(br#"[[1.5, "NaN", "-Infinity"]]"#, Some(dt(">f8"))).unwrap();
        let Object::Array(a) = &items[0] else { panic!("{items:?}") };
        assert_eq!(&a.as_bytes()[..8], &1.5f64.to_be_bytes());
        assert_eq!(to_json(&items).unwrap(), serde_json::json!([[1.5, "NaN", "-Infinity"]]));

        let items = parse(b"[[true, false, 1]]", Some(dt("|b1"))).unwrap();
        let Object::Array(a) = &items[0] else { panic!("{items:?}") };
        assert_eq!(a.as_bytes(), &[1, 0, 1]);

        let items = parse(b"[[255, 0]]", Some(dt("u1"))).unwrap();
        assert_eq!(to_json(&items).unwrap(), serde_json::json!([[255, 0]]));
        let items = parse(b"[[0.1]]", Some(dt("<f4"))).unwrap();
        let Object::Array(a) = &items[0] else { panic!("{items:?}") };
        assert_eq!(a.as_bytes(), &0.1f32.to_le_bytes());
    }

    #[test]
    fn rejects_bad_documents() {
        for (text, dtype, needle) in [
            (&b"{\"a\": 1}"[..], None, "must be an array"),
            (b"[1,", None, "invalid JSON"),
            (b"", None, "invalid JSON"),
            (b"[{\"bytes\": \"!!\"}]", None, "base64"),
            (b"[{\"bytes\": 3}]", None, "item 0"),
            (b"[{\"other\": 1}]", None, "bytes"),
            (b"[{}]", None, "bytes"),
            (b"[18446744073709551615]", None, "64 signed bits"),
            (b"[[1, [2]]]", Some("<i4"), "ragged"),
            (b"[[[1], 2]]", Some("<i4"), "ragged"),
            (b"[[1, 2], [300]]", Some("|u1"), "item 1: 300 is out of range"),
            (b"[[-1]]", Some("<u4"), "non-negative"),
            (b"[[1.5]]", Some("<i8"), "integer"),
            (b"[[\"x\"]]", Some("<f8"), "expected a number"),
            (b"[[1]]", Some("<f2"), "no JSON form"),
            (b"[[1]]", Some("|S3"), "no JSON form"),
        ] {
            let err = parse(text, dtype.map(dt)).unwrap_err();
            assert!(err.contains(needle), "{}: {err}", String::from_utf8_lossy(text));
        }
    }

    #[test]
    fn non_finite_floats_and_bytes_round_trip() {
        let items = vec![Object::Float(f64::INFINITY), Object::Float(-0.0), Object::Bytes(b"\x00\xff".to_vec().into())];
        let json = to_json(&items).unwrap();
        assert_eq!(json, serde_json::json!([{"float": "Infinity"}, -0.0, {"bytes": "AP8="}]));
        let back = parse(serde_json::to_string(&json).unwrap().as_bytes(), None).unwrap();
        assert_eq!(back, items);
        // A 0-d array is its one value.
        let zero_d = NdArray::from_bytes(&2.0f64.to_le_bytes(), dt("<f8"), vec![]).unwrap();
        assert_eq!(to_json(&[Object::Array(Box::new(zero_d))]).unwrap(), serde_json::json!([2.0]));
        let f2 = NdArray::from_bytes(&[0, 0], dt("<f2"), vec![1]).unwrap();
        assert!(to_json(&[Object::Array(Box::new(f2))]).unwrap_err().contains("item 0"));
    }
}
