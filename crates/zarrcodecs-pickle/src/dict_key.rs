//! Python's dict-key identity for the objects an [`Object`] holds: which keys are the
//! same key (`hash(a) == hash(b) and a == b`), and which cannot be keys at all.
//!
//! Numbers compare by value across types: `1`, `1.0` and `True` are one key, as are
//! `0`, `-0.0` and `False`, and `2**64` and `2.0**64`. `str` and `bytes` compare by
//! content and never equal each other. NaN is never equal to anything, so every NaN
//! key is a key of its own (Python would also merge one NaN *object* used twice; a
//! pickle can only do that through the memo, which CPython's pickler never writes for
//! floats). Lists, dicts and arrays are unhashable.

use std::borrow::Cow;
use std::collections::hash_map::Entry;
use std::collections::HashMap;

use zarrcodecs_core::{BigInt, Error, Object, Result};

use crate::CODEC_ID;

/// A key's identity: equal identities are equal Python keys.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum KeyId<'a> {
    None,
    /// An integral number that fits in an `i64` (ints, bools, integral floats).
    Int(i64),
    /// An integral number beyond `i64`, as its shortest two's-complement bytes.
    Big(Cow<'a, [u8]>),
    /// A float with a fraction, as its bits.
    Float(u64),
    Str(&'a str),
    Bytes(&'a [u8]),
}

/// The Python type name of an unhashable key.
fn unhashable(o: &Object) -> Option<&'static str> {
    match o {
        Object::List(_) => Some("list"),
        Object::Dict(_) => Some("dict"),
        Object::Array(_) => Some("numpy.ndarray"),
        _ => None,
    }
}

/// A key's identity; `None` for NaN (a key of its own), an error for an unhashable key.
fn key_id(o: &Object) -> Result<Option<KeyId<'_>>> {
    if let Some(kind) = unhashable(o) {
        return Err(unhashable_error(kind));
    }
    Ok(Some(match o {
        Object::Bool(b) => KeyId::Int(i64::from(*b)),
        Object::Int(i) => KeyId::Int(*i),
        Object::BigInt(n) => match n.to_i64() {
            Some(i) => KeyId::Int(i),
            None => KeyId::Big(Cow::Borrowed(n.as_le_bytes())),
        },
        Object::Float(f) => return Ok(float_id(*f)),
        Object::Str(s) => KeyId::Str(s),
        Object::Bytes(b) => KeyId::Bytes(b),
        _ => KeyId::None,
    }))
}

fn unhashable_error(kind: &str) -> Error {
    Error::unsupported_input(
        CODEC_ID,
        format_args!("a dict key of unhashable type {kind:?} (Python dict keys cannot be lists, dicts or arrays)"),
    )
}

/// A float's identity: integral values as the int they equal.
#[allow(clippy::cast_possible_truncation, clippy::float_cmp)] // checked integral and in range
fn float_id(f: f64) -> Option<KeyId<'static>> {
    if f.is_nan() {
        return None;
    }
    if f.is_infinite() || f.fract() != 0.0 {
        return Some(KeyId::Float(f.to_bits()));
    }
    // -2**63 <= f < 2**63: exactly an i64.
    if (-9_223_372_036_854_775_808.0..9_223_372_036_854_775_808.0).contains(&f) {
        return Some(KeyId::Int(f as i64));
    }
    // |f| >= 2**63: the 53-bit mantissa shifted left by at least 11 bits.
    let bits = f.to_bits();
    let exponent = ((bits >> 52) & 0x7ff) as usize - 1075;
    let mantissa = u128::from((bits & ((1 << 52) - 1)) | (1 << 52)) << (exponent % 8);
    let mut magnitude = vec![0u8; exponent / 8];
    magnitude.extend_from_slice(&mantissa.to_le_bytes());
    // A zero sign byte: the magnitude reads as non-negative.
    magnitude.push(0);
    let mut n = BigInt::from_le_bytes(&magnitude);
    if f < 0.0 {
        n = crate::int_text::negate(&n);
    }
    Some(KeyId::Big(Cow::Owned(n.as_le_bytes().to_vec())))
}

/// Checks that every key of a dict can be a Python dict key.
pub(crate) fn check_keys(pairs: &[(Object, Object)]) -> Result<()> {
    match pairs.iter().find_map(|(k, _)| unhashable(k)) {
        Some(kind) => Err(unhashable_error(kind)),
        None => Ok(()),
    }
}

/// A Python dict from its `SETITEM`s in order: a repeated key keeps its first
/// position and takes the last value (what `d[k] = v` does).
pub(crate) fn dedupe(pairs: Vec<(Object, Object)>) -> Result<Vec<(Object, Object)>> {
    // For each first occurrence of a key, the index of its last value.
    let mut last: Vec<usize> = (0..pairs.len()).collect();
    let mut first = vec![true; pairs.len()];
    let mut repeated = false;
    {
        let mut seen: HashMap<KeyId<'_>, usize> = HashMap::with_capacity(pairs.len());
        for (i, (k, _)) in pairs.iter().enumerate() {
            let Some(id) = key_id(k)? else { continue };
            match seen.entry(id) {
                Entry::Occupied(e) => {
                    last[*e.get()] = i;
                    first[i] = false;
                    repeated = true;
                }
                Entry::Vacant(e) => {
                    e.insert(i);
                }
            }
        }
    }
    if !repeated {
        return Ok(pairs);
    }
    let (keys, values): (Vec<Object>, Vec<Object>) = pairs.into_iter().unzip();
    let mut values: Vec<Option<Object>> = values.into_iter().map(Some).collect();
    Ok(keys
        .into_iter()
        .enumerate()
        .filter(|&(i, _)| first[i])
        .map(|(i, k)| (k, values[last[i]].take().unwrap_or(Object::None)))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dict(pairs: &[(Object, i64)]) -> Vec<(Object, Object)> {
        pairs.iter().map(|(k, v)| (k.clone(), Object::Int(*v))).collect()
    }

    #[test]
    fn keys_merge_as_in_python() {
        // {1: 1, 1.0: 2, True: 3, "1": 4, b"1": 5} == {1: 3, "1": 4, b"1": 5}
        let d = dict(&[
            (Object::Int(1), 1),
            (Object::Float(1.0), 2),
            (Object::Bool(true), 3),
            (Object::from("1"), 4),
            (Object::Bytes(b"1".to_vec().into()), 5),
        ]);
        assert_eq!(
            dedupe(d).unwrap(),
            dict(&[(Object::Int(1), 3), (Object::from("1"), 4), (Object::Bytes(b"1".to_vec().into()), 5)])
        );
        // {0: 1, -0.0: 2, False: 3, None: 4, 0.5: 5, 0.5: 6}
        let d = dict(&[
            (Object::Int(0), 1),
            (Object::Float(-0.0), 2),
            (Object::Bool(false), 3),
            (Object::None, 4),
            (Object::Float(0.5), 5),
            (Object::Float(0.5), 6),
        ]);
        assert_eq!(dedupe(d).unwrap(), dict(&[(Object::Int(0), 3), (Object::None, 4), (Object::Float(0.5), 6)]));
        // 2**64 == 2.0**64, -2**70 == -2.0**70, -2**63 == -2.0**63; NaNs stay apart.
        let big = |v: i128| Object::from(BigInt::from(v));
        #[allow(clippy::cast_precision_loss)]
        let d = dict(&[
            (big(1 << 64), 1),
            (Object::Float((1i128 << 64) as f64), 2),
            (big(-(1 << 70)), 3),
            (Object::Float(-((1i128 << 70) as f64)), 4),
            (Object::Int(i64::MIN), 5),
            (Object::Float(-9_223_372_036_854_775_808.0), 6),
            (Object::Float(f64::NAN), 7),
            (Object::Float(f64::NAN), 8),
            (Object::Float(f64::INFINITY), 9),
            (Object::Float(f64::INFINITY), 10),
            (Object::Float(1e300), 11),
        ]);
        let r = dedupe(d).unwrap();
        let values: Vec<&Object> = r.iter().map(|(_, v)| v).collect();
        let expected = [2, 4, 6, 7, 8, 10, 11].map(Object::Int);
        assert_eq!(values, expected.iter().collect::<Vec<_>>());
        assert_eq!(r[0].0, big(1 << 64), "the first key is kept");
        assert_eq!(r[1].0, big(-(1 << 70)));
        assert_eq!(r[2].0, Object::Int(i64::MIN));
        assert!(dedupe(vec![(Object::List(vec![]), Object::None)]).is_err());
        assert!(check_keys(&[(Object::Dict(vec![]), Object::None)]).is_err());
        assert!(check_keys(&[(Object::from("a"), Object::List(vec![]))]).is_ok());
    }

    #[test]
    fn huge_floats_equal_their_ints() {
        assert_eq!(
            float_id(1e300),
            key_id(&Object::BigInt(BigInt::from_decimal(&format!("{:.0}", 1e300)).unwrap())).unwrap()
        );
        assert_eq!(
            float_id(-1e300),
            key_id(&Object::BigInt(BigInt::from_decimal(&format!("{:.0}", -1e300)).unwrap())).unwrap()
        );
        assert_eq!(
            float_id(9_223_372_036_854_775_808.0),
            Some(KeyId::Big(Cow::Owned(BigInt::from(1u64 << 63).as_le_bytes().to_vec())))
        );
    }
}
