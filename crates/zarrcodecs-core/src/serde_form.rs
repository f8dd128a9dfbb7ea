//! The one JSON (serde) form of [`Object`] and [`ObjectArray`] (feature `serde`).
//!
//! The CLI (`numcodecs encode --json`, `decode`), the object codecs' test fixtures and
//! the benchmark export all read and write this form; it is documented on the
//! `Serialize` impls below.

use std::fmt;

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine as _;
use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::ser::{Error as _, Serialize, SerializeMap, SerializeSeq, Serializer};

use crate::{BigInt, ByteOrder, DType, DTypeKind, NdArray, Object, ObjectArray};

/// `Object` as one JSON value:
///
/// | JSON | Python object | [`Object`] |
/// |---|---|---|
/// | `null` | `None` | [`Object::None`] |
/// | `true`, `false` | `bool` | [`Object::Bool`] |
/// | `3`, `-9223372036854775808` (no fraction, no exponent) | `int` | [`Object::Int`] |
/// | `{"int": "-18446744073709551617"}` (decimal digits; also a plain number up to `2**64 - 1`) | `int` | [`Object::BigInt`] |
/// | `1.5`, `-0.0`, `1e+16` (a fraction or an exponent) | `float` | [`Object::Float`] |
/// | `{"float": "NaN"}`, `{"float": "Infinity"}`, `{"float": "-Infinity"}` | `float` | [`Object::Float`] |
/// | `"text"` | `str` | [`Object::Str`] |
/// | `{"bytes": "<base64>"}` (standard alphabet, padded) | `bytes` | [`Object::Bytes`] |
/// | `[item, ...]` | `list` | [`Object::List`] |
/// | `{"dict": [[key, value], ...]}` (pairs in the dict's order) | `dict` | [`Object::Dict`] |
/// | `{"array": {"dtype": "<i4", "shape": [2], "data": [1, 2]}}` | `numpy.ndarray` | [`Object::Array`] |
///
/// A JSON object is always a *tagged* item: exactly one key, which says what the
/// payload is (`bytes`, `float`, `int`, `dict`, `array`); any other tag is refused.
/// A dict is a list of pairs, not a JSON object, so that its order survives every
/// JSON reader and its keys may be any item (`{"dict": [[1, "a"], ["b", null]]}`).
///
/// `{"float": x}` also takes a number, for writers that print the float `3.0` as `3`
/// (which reads as an int). Finite floats are always written as JSON numbers, so
/// `1.0` is written `1.0`. NaN is written `"NaN"` whatever its sign and payload bits,
/// and reads back as the quiet NaN.
///
/// An array's `data` lists its items flat, in C order, `shape` giving the dimensions:
/// booleans for `b1`; integers for `i`, `u`, `M8` and `m8` dtypes (datetimes as their
/// `int64` count, NaT as `-9223372036854775808`); numbers for `f4` and `f8`, with
/// `"NaN"`, `"Infinity"` and `"-Infinity"` for non-finite values. Arrays of the other
/// dtypes (`f2`, complex, `S`, `U`, `V`) hold their raw bytes, in the dtype's byte
/// order, in base64 under `bytes` instead of `data`: `{"array": {"dtype": "<c8",
/// "shape": [1], "bytes": "AACAPwAAAEA="}}`.
///
/// ```
/// use zarrcodecs_core::{NdArray, Object};
/// let items = vec![
///     Object::from("café"),
///     Object::from(&b"\x00\xff"[..]),
///     Object::None,
///     Object::Bool(true),
///     Object::Int(-3),
///     Object::Float(1.0),
///     Object::Float(f64::NAN),
///     Object::List(vec![Object::Int(1), Object::from("a")]),
///     Object::from(NdArray::from_bytes(&[1, 0, 2, 0], "<i2".parse()?, vec![2])?),
/// ];
/// let json = serde_json::to_string(&items)?;
/// assert_eq!(
///     json,
///     r#"["café",{"bytes":"AP8="},null,true,-3,1.0,{"float":"NaN"},[1,"a"],{"array":{"dtype":"<i2","shape":[2],"data":[1,2]}}]"#
/// );
/// let back: Vec<Object> = serde_json::from_str(&json)?;
/// assert_eq!(back[..6], items[..6]);
/// assert!(matches!(back[6], Object::Float(x) if x.is_nan()));
/// assert_eq!(back[7..], items[7..]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
impl Serialize for Object {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Object::None => s.serialize_unit(),
            Object::Bool(b) => s.serialize_bool(*b),
            Object::Int(i) => s.serialize_i64(*i),
            Object::Float(x) if x.is_finite() => s.serialize_f64(*x),
            Object::Float(x) => tagged(s, "float", non_finite_name(*x)),
            Object::Str(t) => s.serialize_str(t.as_str()),
            Object::Bytes(b) => tagged(s, "bytes", &BASE64.encode(b.as_slice())),
            Object::Array(a) => tagged(s, "array", &ArrayForm(a)),
            Object::List(items) => items.serialize(s),
            Object::BigInt(n) => tagged(s, "int", &n.to_decimal().map_err(S::Error::custom)?),
            Object::Dict(pairs) => tagged(s, "dict", pairs),
        }
    }
}

/// An [`ObjectArray`] as JSON: a one-dimensional array is the JSON array of its items
/// (each in the form of [`Object`]'s `Serialize`); any other shape is
/// `{"shape": [2, 3], "items": [...]}`, the items flat in C order. Both forms are read.
///
/// ```
/// use zarrcodecs_core::{Object, ObjectArray};
/// let a = ObjectArray::new(vec![Object::from("a"), Object::None, Object::Int(1), Object::Float(2.5)], vec![2, 2])?;
/// let json = serde_json::to_string(&a)?;
/// assert_eq!(json, r#"{"shape":[2,2],"items":["a",null,1,2.5]}"#);
/// assert_eq!(serde_json::from_str::<ObjectArray>(&json)?, a);
/// let one_d: ObjectArray = serde_json::from_str(r#"["x", {"bytes": "eQ=="}]"#)?;
/// assert_eq!(one_d.shape(), &[2]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
impl Serialize for ObjectArray {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if self.shape().len() == 1 {
            return self.items().serialize(s);
        }
        let mut m = s.serialize_map(Some(2))?;
        m.serialize_entry("shape", self.shape())?;
        m.serialize_entry("items", self.items())?;
        m.end()
    }
}

fn tagged<S: Serializer, T: Serialize + ?Sized>(s: S, tag: &str, payload: &T) -> Result<S::Ok, S::Error> {
    let mut m = s.serialize_map(Some(1))?;
    m.serialize_entry(tag, payload)?;
    m.end()
}

fn non_finite_name(x: f64) -> &'static str {
    if x.is_nan() {
        "NaN"
    } else if x > 0.0 {
        "Infinity"
    } else {
        "-Infinity"
    }
}

/// Whether arrays of `dtype` list their values (`data`) rather than raw bytes.
fn has_values(dtype: DType) -> bool {
    match dtype.kind() {
        DTypeKind::Bool
        | DTypeKind::Int
        | DTypeKind::UInt
        | DTypeKind::Datetime { .. }
        | DTypeKind::Timedelta { .. } => true,
        DTypeKind::Float => matches!(dtype.itemsize(), 4 | 8),
        _ => false,
    }
}

struct ArrayForm<'a>(&'a NdArray);

impl Serialize for ArrayForm<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let a = self.0;
        let dtype = a.dtype();
        let mut m = s.serialize_map(Some(3))?;
        m.serialize_entry("dtype", &dtype.to_string())?;
        m.serialize_entry("shape", a.shape())?;
        if has_values(dtype) {
            m.serialize_entry("data", &Values(a))?;
        } else {
            m.serialize_entry("bytes", &BASE64.encode(a.as_bytes()))?;
        }
        m.end()
    }
}

struct Values<'a>(&'a NdArray);

impl Serialize for Values<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let a = self.0;
        let dtype = a.dtype();
        let size = dtype.itemsize();
        let big = dtype.byte_order() == ByteOrder::Big;
        let mut seq = s.serialize_seq(Some(a.len()))?;
        for c in a.as_bytes().chunks_exact(size.max(1)) {
            let mut w = [0u8; 8];
            w[..size].copy_from_slice(c);
            let raw = if big { u64::from_be_bytes(w) >> (64 - 8 * size) } else { u64::from_le_bytes(w) };
            let shift = 64 - 8 * size;
            match (dtype.kind(), size) {
                (DTypeKind::Bool, _) => seq.serialize_element(&(raw != 0))?,
                (DTypeKind::UInt, _) => seq.serialize_element(&raw)?,
                (DTypeKind::Float, 4) => {
                    #[allow(clippy::cast_possible_truncation)]
                    let x = f64::from(f32::from_bits(raw as u32));
                    seq.serialize_element(&Leaf(x))?;
                }
                (DTypeKind::Float, 8) => seq.serialize_element(&Leaf(f64::from_bits(raw)))?,
                // Signed: sign-extend the item's bits.
                (DTypeKind::Int | DTypeKind::Datetime { .. } | DTypeKind::Timedelta { .. }, _) => {
                    seq.serialize_element(&(((raw << shift) as i64) >> shift))?;
                }
                _ => return Err(S::Error::custom(format!("arrays of dtype {dtype} have no value list"))),
            }
        }
        seq.end()
    }
}

/// A float leaf of an array: a number, or the name of a non-finite value.
struct Leaf(f64);

impl Serialize for Leaf {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if self.0.is_finite() {
            s.serialize_f64(self.0)
        } else {
            s.serialize_str(non_finite_name(self.0))
        }
    }
}

const EXPECTED_ITEM: &str = "an object item: a string, null, a boolean, a number, a list, or a JSON object with \
                             one key: {\"bytes\": \"<base64>\"}, {\"float\": \"NaN\" | \"Infinity\" | \"-Infinity\"}, \
                             {\"int\": \"<digits>\"}, {\"dict\": [[key, value], ...]} \
                             or {\"array\": {\"dtype\", \"shape\", \"data\"}}";

impl<'de> Deserialize<'de> for Object {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(ObjectVisitor)
    }
}

struct ObjectVisitor;

impl<'de> Visitor<'de> for ObjectVisitor {
    type Value = Object;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(EXPECTED_ITEM)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Object, E> {
        Ok(Object::None)
    }

    fn visit_none<E: de::Error>(self) -> Result<Object, E> {
        Ok(Object::None)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Object, D::Error> {
        Object::deserialize(d)
    }

    fn visit_bool<E: de::Error>(self, b: bool) -> Result<Object, E> {
        Ok(Object::Bool(b))
    }

    fn visit_i64<E: de::Error>(self, i: i64) -> Result<Object, E> {
        Ok(Object::Int(i))
    }

    fn visit_u64<E: de::Error>(self, u: u64) -> Result<Object, E> {
        Ok(Object::from(BigInt::from(u)))
    }

    fn visit_f64<E: de::Error>(self, x: f64) -> Result<Object, E> {
        Ok(Object::Float(x))
    }

    fn visit_str<E: de::Error>(self, s: &str) -> Result<Object, E> {
        Ok(Object::from(s))
    }

    fn visit_string<E: de::Error>(self, s: String) -> Result<Object, E> {
        Ok(Object::from(s))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Object, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<Object>()? {
            items.push(item);
        }
        Ok(Object::List(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Object, A::Error> {
        let Some(tag) = map.next_key::<String>()? else {
            return Err(de::Error::custom(format!("an empty JSON object is not an item; expected {EXPECTED_ITEM}")));
        };
        let item = match tag.as_str() {
            "bytes" => {
                let text = map.next_value::<String>()?;
                BASE64
                    .decode(text.as_bytes())
                    .map(Object::from)
                    .map_err(|e| de::Error::custom(format!("invalid base64 in \"bytes\": {e}")))?
            }
            "float" => Object::Float(map.next_value::<FloatLeaf>()?.0),
            "array" => Object::from(map.next_value::<ArrayIn>()?.0),
            "int" => {
                let text = map.next_value::<String>()?;
                BigInt::from_decimal(&text)
                    .map(Object::from)
                    .map_err(|e| de::Error::custom(format!("invalid \"int\" {text:?}: {e}")))?
            }
            "dict" => Object::Dict(map.next_value::<Vec<(Object, Object)>>()?),
            other => {
                return Err(de::Error::custom(format!(
                    "unknown tag {other:?} in a JSON object item; expected {EXPECTED_ITEM}"
                )))
            }
        };
        if let Some(extra) = map.next_key::<String>()? {
            return Err(de::Error::custom(format!(
                "a tagged item has exactly one key: {tag:?}, then {extra:?}; expected {EXPECTED_ITEM}"
            )));
        }
        Ok(item)
    }
}

/// A float: a number, or `"NaN"`, `"Infinity"`, `"-Infinity"`.
struct FloatLeaf(f64);

impl<'de> Deserialize<'de> for FloatLeaf {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match d.deserialize_any(LeafVisitor)? {
            LeafIn::Float(x) => Ok(FloatLeaf(x)),
            LeafIn::Bool(_) => {
                Err(de::Error::custom("expected a number, \"NaN\", \"Infinity\" or \"-Infinity\", got a boolean"))
            }
            leaf => Ok(FloatLeaf(leaf.as_f64())),
        }
    }
}

/// One value of an array's `data`.
enum LeafIn {
    Bool(bool),
    Int(i64),
    UInt(u64),
    Float(f64),
}

impl LeafIn {
    /// The number as a float (integers above 2^53 round to the nearest).
    fn as_f64(&self) -> f64 {
        match *self {
            LeafIn::Bool(b) => f64::from(u8::from(b)),
            LeafIn::Int(i) => i as f64,
            LeafIn::UInt(u) => u as f64,
            LeafIn::Float(x) => x,
        }
    }
}

impl<'de> Deserialize<'de> for LeafIn {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(LeafVisitor)
    }
}

struct LeafVisitor;

impl Visitor<'_> for LeafVisitor {
    type Value = LeafIn;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a boolean, a number, \"NaN\", \"Infinity\" or \"-Infinity\"")
    }

    fn visit_bool<E: de::Error>(self, b: bool) -> Result<LeafIn, E> {
        Ok(LeafIn::Bool(b))
    }

    fn visit_i64<E: de::Error>(self, i: i64) -> Result<LeafIn, E> {
        Ok(LeafIn::Int(i))
    }

    fn visit_u64<E: de::Error>(self, u: u64) -> Result<LeafIn, E> {
        Ok(i64::try_from(u).map_or(LeafIn::UInt(u), LeafIn::Int))
    }

    fn visit_f64<E: de::Error>(self, x: f64) -> Result<LeafIn, E> {
        Ok(LeafIn::Float(x))
    }

    fn visit_str<E: de::Error>(self, s: &str) -> Result<LeafIn, E> {
        match s {
            "NaN" => Ok(LeafIn::Float(f64::NAN)),
            "Infinity" => Ok(LeafIn::Float(f64::INFINITY)),
            "-Infinity" => Ok(LeafIn::Float(f64::NEG_INFINITY)),
            _ => Err(E::custom(format!("expected a number, \"NaN\", \"Infinity\" or \"-Infinity\", got {s:?}"))),
        }
    }
}

/// The payload of `{"array": ...}`.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct ArrayFields {
    dtype: String,
    shape: Vec<usize>,
    #[serde(default)]
    data: Option<Vec<LeafIn>>,
    #[serde(default)]
    bytes: Option<String>,
}

struct ArrayIn(NdArray);

impl<'de> Deserialize<'de> for ArrayIn {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let f = ArrayFields::deserialize(d)?;
        array_from_fields(f).map(ArrayIn).map_err(de::Error::custom)
    }
}

fn array_from_fields(f: ArrayFields) -> Result<NdArray, String> {
    let dtype: DType = f.dtype.parse().map_err(|e| format!("array dtype {:?}: {e}", f.dtype))?;
    if dtype.is_object() {
        return Err("an array item cannot be of dtype |O (use a list)".into());
    }
    let count = f.shape.iter().try_fold(1usize, |a, &d| a.checked_mul(d));
    let count = count.ok_or_else(|| format!("array shape {:?} is too large", f.shape))?;
    let bytes = match (has_values(dtype), f.data, f.bytes) {
        (true, Some(data), None) => {
            if data.len() != count {
                return Err(format!("array of shape {:?} needs {count} values, \"data\" has {}", f.shape, data.len()));
            }
            let mut out = Vec::with_capacity(count.saturating_mul(dtype.itemsize()));
            for (i, leaf) in data.iter().enumerate() {
                put_leaf(leaf, dtype, &mut out).map_err(|e| format!("array value {i}: {e}"))?;
            }
            out
        }
        (false, None, Some(text)) => {
            BASE64.decode(text.as_bytes()).map_err(|e| format!("invalid base64 in the array's \"bytes\": {e}"))?
        }
        (true, _, _) => return Err(format!("an array of dtype {dtype} lists its values in \"data\" (not \"bytes\")")),
        (false, _, _) => {
            return Err(format!("an array of dtype {dtype} holds its raw bytes in base64 in \"bytes\" (not \"data\")"))
        }
    };
    NdArray::from_bytes(&bytes, dtype, f.shape).map_err(|e| format!("array: {e}"))
}

fn put_leaf(v: &LeafIn, dtype: DType, out: &mut Vec<u8>) -> Result<(), String> {
    let size = dtype.itemsize();
    let put = |bits: u64, out: &mut Vec<u8>| {
        if dtype.byte_order() == ByteOrder::Big {
            out.extend_from_slice(&bits.to_be_bytes()[8 - size..]);
        } else {
            out.extend_from_slice(&bits.to_le_bytes()[..size]);
        }
    };
    let range = |x: &dyn fmt::Display| format!("{x} is out of range for dtype {dtype}");
    match (dtype.kind(), v) {
        (DTypeKind::Bool, LeafIn::Bool(b)) => out.push(u8::from(*b)),
        (DTypeKind::Int | DTypeKind::Datetime { .. } | DTypeKind::Timedelta { .. }, LeafIn::Int(i)) => {
            let bits = 8 * size;
            if bits < 64 && (*i < -(1i64 << (bits - 1)) || *i >= 1i64 << (bits - 1)) {
                return Err(range(i));
            }
            put(*i as u64, out);
        }
        (DTypeKind::UInt, LeafIn::Int(i)) if *i >= 0 => {
            let u = i.unsigned_abs();
            if size < 8 && u >> (8 * size) != 0 {
                return Err(range(i));
            }
            put(u, out);
        }
        (DTypeKind::UInt, LeafIn::UInt(u)) if size == 8 => put(*u, out),
        (
            DTypeKind::Int | DTypeKind::UInt | DTypeKind::Datetime { .. } | DTypeKind::Timedelta { .. },
            LeafIn::UInt(u),
        ) => return Err(range(u)),
        (DTypeKind::UInt, LeafIn::Int(i)) => return Err(range(i)),
        (DTypeKind::Float, LeafIn::Bool(_)) => return Err(format!("expected a number for dtype {dtype}")),
        (DTypeKind::Float, leaf) if size == 8 => put(leaf.as_f64().to_bits(), out),
        (DTypeKind::Float, leaf) => {
            // f4: the nearest f32, as numpy rounds.
            let x = leaf.as_f64();
            #[allow(clippy::cast_possible_truncation)]
            let y = x as f32;
            if x.is_finite() && y.is_infinite() {
                return Err(range(&x));
            }
            put(u64::from(y.to_bits()), out);
        }
        (DTypeKind::Bool, _) => return Err(format!("expected true or false for dtype {dtype}")),
        _ => return Err(format!("expected an integer for dtype {dtype}")),
    }
    Ok(())
}

impl<'de> Deserialize<'de> for ObjectArray {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(ObjectArrayVisitor)
    }
}

struct ObjectArrayVisitor;

impl<'de> Visitor<'de> for ObjectArrayVisitor {
    type Value = ObjectArray;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object array: a JSON array of items, or {\"shape\": [...], \"items\": [...]}")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<ObjectArray, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<Object>()? {
            items.push(item);
        }
        Ok(ObjectArray::from_items(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<ObjectArray, A::Error> {
        let (mut shape, mut items) = (None::<Vec<usize>>, None::<Vec<Object>>);
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "shape" if shape.is_none() => shape = Some(map.next_value()?),
                "items" if items.is_none() => items = Some(map.next_value()?),
                "shape" | "items" => {
                    return Err(de::Error::custom(format!("duplicate key {key:?} in an object array")))
                }
                other => {
                    return Err(de::Error::custom(format!(
                        "unknown key {other:?} in an object array; expected \"shape\" and \"items\""
                    )))
                }
            }
        }
        let shape = shape.ok_or_else(|| de::Error::missing_field("shape"))?;
        let items = items.ok_or_else(|| de::Error::missing_field("items"))?;
        let n = items.len();
        ObjectArray::new(items, shape.clone())
            .map_err(|_| de::Error::custom(format!("shape {shape:?} does not hold the {n} items")))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic)]
mod tests {
    use super::*;

    fn arr(bytes: &[u8], dtype: &str, shape: &[usize]) -> Object {
        Object::from(NdArray::from_bytes(bytes, dtype.parse().unwrap(), shape.to_vec()).unwrap())
    }

    fn same(a: &Object, b: &Object) -> bool {
        match (a, b) {
            (Object::Float(x), Object::Float(y)) => x.to_bits() == y.to_bits() || (x.is_nan() && y.is_nan()),
            (Object::List(x), Object::List(y)) => x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same(a, b)),
            (Object::Dict(x), Object::Dict(y)) => {
                x.len() == y.len() && x.iter().zip(y).all(|((ka, va), (kb, vb))| same(ka, kb) && same(va, vb))
            }
            _ => a == b,
        }
    }

    fn every_variant() -> Vec<Object> {
        let f8: Vec<u8> = [1.5f64, -0.0, f64::NAN, f64::INFINITY, f64::NEG_INFINITY, 5e-324]
            .iter()
            .flat_map(|x| x.to_be_bytes())
            .collect();
        let f4: Vec<u8> = [0.1f32, f32::MAX, f32::NEG_INFINITY].iter().flat_map(|x| x.to_le_bytes()).collect();
        vec![
            Object::None,
            Object::Bool(false),
            Object::Bool(true),
            Object::Int(0),
            Object::Int(i64::MAX),
            Object::Int(i64::MIN),
            Object::Float(0.0),
            Object::Float(-0.0),
            Object::Float(1.0),
            Object::Float(1e16),
            Object::Float(5e-324),
            Object::Float(f64::MAX),
            Object::Float(f64::NAN),
            Object::Float(f64::INFINITY),
            Object::Float(f64::NEG_INFINITY),
            Object::from(""),
            Object::from("caf\u{e9} \u{1F600} \0 \"\\"),
            Object::from("NaN"),
            Object::from(&b""[..]),
            Object::from((0..=255u8).collect::<Vec<_>>()),
            Object::List(vec![]),
            Object::List(vec![Object::Int(1), Object::List(vec![Object::None, Object::Float(2.5)]), Object::from("x")]),
            arr(&[1, 0, 1], "|b1", &[3]),
            arr(&[0x80, 0x7f], "|i1", &[2]),
            arr(&[0xff, 0xff, 0, 1], "<u2", &[2]),
            arr(&(-2i32).to_be_bytes(), ">i4", &[1]),
            arr(&u64::MAX.to_le_bytes(), "<u8", &[1]),
            arr(&i64::MIN.to_le_bytes(), "<M8[ns]", &[1]),
            arr(&7i64.to_be_bytes(), ">m8[10s]", &[]),
            arr(&f8, ">f8", &[2, 3]),
            arr(&f4, "<f4", &[3]),
            arr(&[], "<i4", &[2, 0, 3]),
            arr(&[0, 0x3c], "<f2", &[1]),
            arr(&[0, 0, 0x80, 0x3f, 0, 0, 0, 0x40], "<c8", &[1]),
            arr(b"ab\0", "|S3", &[1]),
            arr(&[0xe9, 0, 0, 0], "<U1", &[1]),
            arr(&[1, 2, 3, 4], "|V2", &[2]),
            Object::List(vec![arr(&[5], "|u1", &[1])]),
            Object::BigInt(BigInt::from(u64::MAX)),
            Object::BigInt(BigInt::from_decimal("-123456789012345678901234567890").unwrap()),
            Object::Dict(vec![]),
            Object::Dict(vec![
                (Object::from("z"), Object::Int(1)),
                (Object::from("a"), Object::Dict(vec![(Object::Int(2), Object::Float(f64::NAN))])),
                (Object::None, Object::List(vec![Object::from(&b"k"[..])])),
            ]),
        ]
    }

    #[test]
    fn every_variant_round_trips() {
        let items = every_variant();
        let text = serde_json::to_string(&items).unwrap();
        let back: Vec<Object> = serde_json::from_str(&text).unwrap();
        assert_eq!(back.len(), items.len());
        for (a, b) in items.iter().zip(&back) {
            assert!(same(a, b), "{a:?} came back as {b:?} (from {text})");
        }
        // The NaNs inside the f8 array keep their place; the quiet NaN comes back.
        let Object::Array(a) = &back[29] else { panic!() };
        assert!(f64::from_be_bytes(a.as_bytes()[16..24].try_into().unwrap()).is_nan());
        // Through serde_json::Value too (what the CLI and the tests do).
        let value = serde_json::to_value(&items).unwrap();
        let again: Vec<Object> = serde_json::from_value(value).unwrap();
        assert!(items.iter().zip(&again).all(|(a, b)| same(a, b)));
    }

    #[test]
    fn the_documented_forms() {
        let json = |o: &Object| serde_json::to_string(o).unwrap();
        assert_eq!(json(&Object::Float(-0.0)), "-0.0");
        assert_eq!(json(&Object::Float(2.0)), "2.0");
        assert_eq!(json(&Object::Float(f64::NEG_INFINITY)), r#"{"float":"-Infinity"}"#);
        assert_eq!(json(&Object::from(&b"\x00\xff"[..])), r#"{"bytes":"AP8="}"#);
        assert_eq!(
            json(&arr(&[0, 0, 0x80, 0x3f, 0, 0, 0, 0x40], "<c8", &[1])),
            r#"{"array":{"dtype":"<c8","shape":[1],"bytes":"AACAPwAAAEA="}}"#
        );
        assert_eq!(
            json(&arr(&[0, 0, 0xc0, 0x7f, 0, 0, 0x80, 0xbf], "<f4", &[2])),
            r#"{"array":{"dtype":"<f4","shape":[2],"data":["NaN",-1.0]}}"#
        );
        let read = |s: &str| serde_json::from_str::<Object>(s).unwrap();
        assert_eq!(read("3"), Object::Int(3));
        assert_eq!(read("18446744073709551615"), Object::BigInt(BigInt::from(u64::MAX)));
        assert_eq!(read(r#"{"int": "-5"}"#), Object::Int(-5));
        assert_eq!(json(&Object::BigInt(BigInt::from(u64::MAX))), r#"{"int":"18446744073709551615"}"#);
        let dict = Object::Dict(vec![(Object::from("b"), Object::Int(1)), (Object::from("a"), Object::None)]);
        assert_eq!(json(&dict), r#"{"dict":[["b",1],["a",null]]}"#);
        assert_eq!(read(r#"{"dict": [["b", 1], ["a", null]]}"#), dict);
        assert_eq!(read("3.0"), Object::Float(3.0));
        assert_eq!(read("1e2"), Object::Float(100.0));
        assert_eq!(read(r#"{"float": 3}"#), Object::Float(3.0));
        assert_eq!(
            read(r#"{"array": {"dtype": "<f8", "shape": [1], "data": [3]}}"#),
            arr(&3f64.to_le_bytes(), "<f8", &[1])
        );
        assert_eq!(read(r#"{"float": "Infinity"}"#), Object::Float(f64::INFINITY));
        assert_eq!(
            read(r#"{"array": {"shape": [2], "data": [1, 2], "dtype": "<i2"}}"#),
            arr(&[1, 0, 2, 0], "<i2", &[2])
        );
        // A 2-d object array and its shape.
        let a = ObjectArray::new(vec![Object::Int(1), Object::None], vec![2, 1]).unwrap();
        let text = serde_json::to_string(&a).unwrap();
        assert_eq!(text, r#"{"shape":[2,1],"items":[1,null]}"#);
        assert_eq!(serde_json::from_str::<ObjectArray>(&text).unwrap(), a);
        let zero_d = ObjectArray::new(vec![Object::from("only")], vec![]).unwrap();
        let text = serde_json::to_string(&zero_d).unwrap();
        assert_eq!(text, r#"{"shape":[],"items":["only"]}"#);
        assert_eq!(serde_json::from_str::<ObjectArray>(&text).unwrap(), zero_d);
        let one_d = ObjectArray::from_items(vec![Object::from("a")]);
        assert_eq!(serde_json::to_string(&one_d).unwrap(), r#"["a"]"#);
        assert_eq!(serde_json::from_str::<ObjectArray>(r#"{"items": ["a"], "shape": [1]}"#).unwrap(), one_d);
    }

    #[test]
    fn malformed_input_is_a_clear_error() {
        for (text, needle) in [
            ("", "EOF"),
            ("[1,", "EOF"),
            (r#"{"int": "12x"}"#, "invalid \"int\" \"12x\""),
            (r#"{"int": 12}"#, "invalid type"),
            (r#"{"dict": [[1]]}"#, "invalid length 1"),
            (r#"{"dict": [[1, 2, 3]]}"#, "trailing"),
            ("{}", "empty JSON object"),
            (r#"{"other": 1}"#, "unknown tag \"other\""),
            (r#"{"dict": {}}"#, "invalid type: map"),
            (r#"{"bytes": "AP8=", "float": "NaN"}"#, "exactly one key"),
            (r#"{"bytes": "!!"}"#, "base64"),
            (r#"{"bytes": 3}"#, "invalid type"),
            (r#"{"float": "nan"}"#, "\"nan\""),
            (r#"{"float": true}"#, "boolean"),
            (r#"{"float": null}"#, "invalid type"),
            (r#"{"array": [1, 2]}"#, "invalid type"),
            (r#"{"array": {"dtype": "<i4", "shape": [2], "data": [1]}}"#, "needs 2 values"),
            (r#"{"array": {"dtype": "<i4", "shape": [1], "data": [1.5]}}"#, "expected an integer"),
            (r#"{"array": {"dtype": "|u1", "shape": [1], "data": [300]}}"#, "300 is out of range"),
            (r#"{"array": {"dtype": "|i1", "shape": [1], "data": [-129]}}"#, "out of range"),
            (r#"{"array": {"dtype": "<u4", "shape": [1], "data": [-1]}}"#, "out of range"),
            (r#"{"array": {"dtype": "<i8", "shape": [1], "data": [18446744073709551615]}}"#, "out of range"),
            (r#"{"array": {"dtype": "<f8", "shape": [1], "data": [true]}}"#, "expected a number"),
            (r#"{"array": {"dtype": "<f4", "shape": [1], "data": [1e300]}}"#, "out of range"),
            (r#"{"array": {"dtype": "<f8", "shape": [1], "data": ["x"]}}"#, "got \"x\""),
            (r#"{"array": {"dtype": "|b1", "shape": [1], "data": [1]}}"#, "true or false"),
            (r#"{"array": {"dtype": "<q9", "shape": [1], "data": [1]}}"#, "dtype \"<q9\""),
            (r#"{"array": {"dtype": "|O", "shape": [1], "data": [1]}}"#, "|O"),
            (r#"{"array": {"dtype": "<i4", "shape": [1], "bytes": "AQAAAA=="}}"#, "in \"data\""),
            (r#"{"array": {"dtype": "<c8", "shape": [1], "data": [1]}}"#, "in \"bytes\""),
            (r#"{"array": {"dtype": "<c8", "shape": [1], "bytes": "AA=="}}"#, "array:"),
            (r#"{"array": {"dtype": "<i4", "shape": [1]}}"#, "in \"data\""),
            (r#"{"array": {"dtype": "<i4", "shape": [4294967296, 4294967296, 4294967296], "data": []}}"#, "too large"),
            (r#"{"array": {"dtype": "<i4", "shape": [1], "data": [1], "order": "C"}}"#, "unknown field"),
        ] {
            let err = serde_json::from_str::<Object>(text).unwrap_err().to_string();
            assert!(err.contains(needle), "{text}: {err}");
        }
        for (text, needle) in [
            ("3", "an object array"),
            (r#"{"shape": [3], "items": [1]}"#, "does not hold the 1 items"),
            (r#"{"items": [1]}"#, "missing field `shape`"),
            (r#"{"shape": [1]}"#, "missing field `items`"),
            (r#"{"shape": [1], "items": [1], "dtype": "|O"}"#, "unknown key \"dtype\""),
            (r#"{"shape": [1], "shape": [1], "items": [1]}"#, "duplicate key"),
            (r#"[1, {"x": 1}]"#, "unknown tag"),
        ] {
            let err = serde_json::from_str::<ObjectArray>(text).unwrap_err().to_string();
            assert!(err.contains(needle), "{text}: {err}");
        }
        // Deep nesting is an error (serde_json's recursion limit), not a stack overflow.
        let deep = "[".repeat(100_000);
        assert!(serde_json::from_str::<Object>(&deep).is_err());
    }
}
