//! Python's view of dict keys for packing: which [`Object`]s are hashable and which
//! are equal, so that a [`Object::Dict`] holding one key twice (`1`, `1.0` and `True`
//! are one key), which no Python dict can, is refused. (The same rules as the JSON
//! codec's, which also sorts keys.)

use std::borrow::Cow;
use std::collections::HashSet;

use zarrcodecs_core::{BigInt, Error, Object, Result};

use crate::MSGPACK_ID;

/// Python's type name of an item, for messages.
pub(crate) fn type_name(o: &Object) -> &'static str {
    match o {
        Object::None => "NoneType",
        Object::Bool(_) => "bool",
        Object::Int(_) | Object::BigInt(_) => "int",
        Object::Float(_) => "float",
        Object::Str(_) => "str",
        Object::Bytes(_) => "bytes",
        Object::Array(_) => "numpy.ndarray",
        Object::List(_) => "list",
        Object::Dict(_) => "dict",
    }
}

/// An exact integer: in an `i128`, or the shortest two's-complement bytes beyond.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum Exact<'a> {
    Small(i128),
    Big(Cow<'a, [u8]>),
}

impl Exact<'_> {
    fn of_big(n: &BigInt) -> Exact<'_> {
        match n.to_i128() {
            Some(i) => Exact::Small(i),
            None => Exact::Big(Cow::Borrowed(n.as_le_bytes())),
        }
    }

    /// The value of an integral finite float.
    #[allow(clippy::cast_possible_truncation)] // |f| < 2^127 is exact in an i128
    fn of_integral(f: f64) -> Exact<'static> {
        if f.abs() < 1.7e38 {
            return Exact::Small(f as i128);
        }
        // f = m * 2^e with m < 2^53 and e >= 0 here.
        let bits = f.to_bits();
        let m = (bits & ((1 << 52) - 1)) | (1 << 52);
        let e = ((bits >> 52) & 0x7ff) as usize - 1075;
        let mut mag = vec![0u8; e / 8];
        let wide = u128::from(m) << (e % 8);
        mag.extend_from_slice(&wide.to_le_bytes()[..9]);
        mag.push(0);
        if f < 0.0 {
            // Two's complement: invert and add one.
            let mut carry = true;
            for b in &mut mag {
                let (v, c) = (!*b).overflowing_add(u8::from(carry));
                *b = v;
                carry = c;
            }
        }
        let n = BigInt::from_le_bytes(&mag);
        match n.to_i128() {
            Some(i) => Exact::Small(i),
            None => Exact::Big(Cow::Owned(n.as_le_bytes().to_vec())),
        }
    }
}

/// The identity of a hashable key under Python's `==` (NaN has none: it equals nothing).
#[derive(Debug, PartialEq, Eq, Hash)]
enum Canon<'a> {
    None,
    Int(Exact<'a>),
    Float(u64),
    Str(&'a str),
    Bytes(&'a [u8]),
}

fn unhashable(o: &Object) -> Error {
    Error::unsupported_input(
        MSGPACK_ID,
        format_args!("a dict key of type {} (unhashable type: '{}')", type_name(o), type_name(o)),
    )
}

fn canon(o: &Object) -> Result<Option<Canon<'_>>> {
    Ok(Some(match o {
        Object::None => Canon::None,
        Object::Str(s) => Canon::Str(s),
        Object::Bytes(b) => Canon::Bytes(b),
        Object::Float(f) if f.is_nan() => return Ok(None),
        Object::Float(f) if f.is_finite() && f.fract() == 0.0 => Canon::Int(Exact::of_integral(*f)),
        Object::Float(f) => Canon::Float(f.to_bits()),
        Object::Bool(b) => Canon::Int(Exact::Small(i128::from(*b))),
        Object::Int(i) => Canon::Int(Exact::Small(i128::from(*i))),
        Object::BigInt(n) => Canon::Int(Exact::of_big(n)),
        Object::List(_) | Object::Dict(_) | Object::Array(_) => return Err(unhashable(o)),
    }))
}

/// Refuses unhashable keys and keys that Python finds equal (`1`, `1.0` and `True`
/// are one key): a Python dict cannot hold either.
pub(crate) fn check_keys(pairs: &[(Object, Object)]) -> Result<()> {
    let twice = |k: &Object| {
        Error::unsupported_input(
            MSGPACK_ID,
            format_args!("the dict holds the key {k:?} twice (as Python compares keys); a Python dict cannot"),
        )
    };
    if pairs.len() < 16 {
        // Small dicts (the common case): no hash set.
        let mut seen: Vec<Canon<'_>> = Vec::with_capacity(pairs.len());
        for (k, _) in pairs {
            if let Some(c) = canon(k)? {
                if seen.contains(&c) {
                    return Err(twice(k));
                }
                seen.push(c);
            }
        }
        return Ok(());
    }
    let mut seen = HashSet::with_capacity(pairs.len());
    for (k, _) in pairs {
        if let Some(c) = canon(k)? {
            if !seen.insert(c) {
                return Err(twice(k));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_keys_are_found() {
        let two64 = Object::from(BigInt::from(i128::from(u64::MAX) + 1));
        assert!(check_keys(&[(two64, Object::None), (Object::Float(1.8446744073709552e19), Object::None)]).is_err());
        assert!(check_keys(&[(Object::Bool(true), Object::None), (Object::Float(1.0), Object::None)]).is_err());
        assert!(check_keys(&[(Object::Int(0), Object::None), (Object::Float(-0.0), Object::None)]).is_err());
        assert!(check_keys(&[(Object::Float(f64::NAN), Object::None), (Object::Float(f64::NAN), Object::None)]).is_ok());
        assert!(check_keys(&[(Object::from("a"), Object::None), (Object::from(&b"a"[..]), Object::None)]).is_ok());
        assert!(check_keys(&[(Object::Float(1e300), Object::None), (Object::Float(-1e300), Object::None)]).is_ok());
        assert!(check_keys(&[(Object::Dict(vec![]), Object::None)]).is_err());
    }
}
