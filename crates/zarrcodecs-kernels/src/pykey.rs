//! Python's view of dict keys, shared by the object codecs that write dicts (json,
//! msgpack): which [`Object`]s are hashable, which are equal (so that an
//! [`Object::Dict`] holding one key twice, which no Python dict can, is refused: `1`,
//! `1.0` and `True` are one key), and how `sorted(d.items())` orders them (json's
//! `sort_keys`). Errors name the calling codec.

use std::borrow::Cow;
use std::cmp::Ordering;
use std::collections::HashSet;

use zarrcodecs_core::{BigInt, Error, Object, Result};

/// Python's type name of an item, for messages.
pub fn type_name(o: &Object) -> &'static str {
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

    fn negative(&self) -> bool {
        match self {
            Exact::Small(i) => *i < 0,
            Exact::Big(b) => b.last().is_some_and(|&x| x & 0x80 != 0),
        }
    }

    fn cmp(&self, other: &Exact<'_>) -> Ordering {
        match (self, other) {
            (Exact::Small(a), Exact::Small(b)) => a.cmp(b),
            // A big value is beyond every `i128`.
            (Exact::Big(_), Exact::Small(_)) => {
                if self.negative() {
                    Ordering::Less
                } else {
                    Ordering::Greater
                }
            }
            (Exact::Small(_), Exact::Big(_)) => other.cmp(self).reverse(),
            (Exact::Big(a), Exact::Big(b)) => match (self.negative(), other.negative()) {
                (true, false) => Ordering::Less,
                (false, true) => Ordering::Greater,
                // Same sign, shortest forms: the longer is the larger in magnitude;
                // of equal length, two's complement compares as unsigned from the top.
                (neg, _) => match a.len().cmp(&b.len()) {
                    Ordering::Equal => a.iter().rev().cmp(b.iter().rev()),
                    o if neg => o.reverse(),
                    o => o,
                },
            },
        }
    }
}

/// A number key: exact integers (and integral floats) or another float.
#[derive(Clone, Debug)]
enum Number<'a> {
    Int(Exact<'a>),
    Float(f64),
}

fn number(o: &Object) -> Option<Number<'_>> {
    Some(match o {
        Object::Bool(b) => Number::Int(Exact::Small(i128::from(*b))),
        Object::Int(i) => Number::Int(Exact::Small(i128::from(*i))),
        Object::BigInt(n) => Number::Int(Exact::of_big(n)),
        Object::Float(f) => Number::Float(*f),
        _ => return None,
    })
}

/// Python's comparison of two numbers (`None` if either is NaN).
fn cmp_numbers(a: &Number<'_>, b: &Number<'_>) -> Option<Ordering> {
    match (a, b) {
        (Number::Int(x), Number::Int(y)) => Some(x.cmp(y)),
        (Number::Float(x), Number::Float(y)) => x.partial_cmp(y),
        (Number::Int(x), Number::Float(f)) => {
            if f.is_nan() {
                None
            } else if f.is_infinite() {
                Some(if *f > 0.0 { Ordering::Less } else { Ordering::Greater })
            } else {
                // x <= floor(f) < f, or x > floor(f) and so x >= f only if f is integral.
                let fl = f.floor();
                match x.cmp(&Exact::of_integral(fl)) {
                    Ordering::Equal if fl < *f => Some(Ordering::Less),
                    o => Some(o),
                }
            }
        }
        (Number::Float(_), Number::Int(_)) => cmp_numbers(b, a).map(Ordering::reverse),
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

fn unhashable(codec: &str, o: &Object) -> Error {
    Error::unsupported_input(
        codec,
        format_args!("a dict key of type {} (unhashable type: '{}')", type_name(o), type_name(o)),
    )
}

fn canon<'a>(codec: &str, o: &'a Object) -> Result<Option<Canon<'a>>> {
    Ok(Some(match o {
        Object::None => Canon::None,
        Object::Str(s) => Canon::Str(s),
        Object::Bytes(b) => Canon::Bytes(b),
        Object::Float(f) if f.is_nan() => return Ok(None),
        Object::Float(f) if f.is_finite() && f.fract() == 0.0 => Canon::Int(Exact::of_integral(*f)),
        Object::Float(f) => Canon::Float(f.to_bits()),
        Object::Bool(_) | Object::Int(_) | Object::BigInt(_) => match number(o) {
            Some(Number::Int(x)) => Canon::Int(x),
            _ => return Err(unhashable(codec, o)),
        },
        Object::List(_) | Object::Dict(_) | Object::Array(_) => return Err(unhashable(codec, o)),
    }))
}

/// Refuses unhashable keys and keys that Python finds equal (`1`, `1.0` and `True`
/// are one key): a Python dict cannot hold either.
///
/// ```
/// use zarrcodecs_core::Object;
/// use zarrcodecs_kernels::pykey::check_keys;
/// let one = |k: Object| (k, Object::None);
/// assert!(check_keys("json2", &[one(Object::from("a")), one(Object::Int(1))]).is_ok());
/// assert!(check_keys("json2", &[one(Object::Int(1)), one(Object::Bool(true))]).is_err());
/// assert!(check_keys("json2", &[one(Object::List(vec![]))]).is_err());
/// ```
///
/// # Errors
/// [`Error::UnsupportedInput`] naming `codec`, for an unhashable key (a list, dict or
/// array) or a key equal to an earlier one.
pub fn check_keys(codec: &str, pairs: &[(Object, Object)]) -> Result<()> {
    let twice = |k: &Object| {
        Error::unsupported_input(
            codec,
            format_args!("the dict holds the key {k:?} twice (as Python compares keys); a Python dict cannot"),
        )
    };
    if pairs.len() < 16 {
        // Small dicts (the common case): no hash set.
        let mut seen: Vec<Canon<'_>> = Vec::with_capacity(pairs.len());
        for (k, _) in pairs {
            if let Some(c) = canon(codec, k)? {
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
        if let Some(c) = canon(codec, k)? {
            if !seen.insert(c) {
                return Err(twice(k));
            }
        }
    }
    Ok(())
}

/// What the keys of a dict are, for sorting.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Class {
    Number,
    Str,
    Bytes,
    Other,
}

fn class(o: &Object) -> Class {
    match o {
        Object::Bool(_) | Object::Int(_) | Object::BigInt(_) | Object::Float(_) => Class::Number,
        Object::Str(_) => Class::Str,
        Object::Bytes(_) => Class::Bytes,
        _ => Class::Other,
    }
}

/// Python's `a < b` for two keys of one class.
fn lt(a: &Object, b: &Object) -> bool {
    match (a, b) {
        // UTF-8 orders as code points, as Python orders `str`.
        (Object::Str(x), Object::Str(y)) => x.as_bytes() < y.as_bytes(),
        (Object::Bytes(x), Object::Bytes(y)) => x[..] < y[..],
        _ => match (number(a), number(b)) {
            (Some(x), Some(y)) => cmp_numbers(&x, &y) == Some(Ordering::Less),
            _ => false,
        },
    }
}

/// The order in which `sorted(d.items())` (CPython 3.11's list sort) puts the
/// pairs: indices into `pairs`. Keys are unique (see [`check_keys`]), so only keys are
/// compared.
///
/// # Errors
/// As Python's `TypeError`: keys of types that do not compare with `<`. Also refused:
/// NaN keys among 64 or more, whose (inconsistent) order would take CPython's whole
/// merge sort to reproduce.
pub fn sorted_order(codec: &str, pairs: &[(Object, Object)]) -> Result<Vec<usize>> {
    let mut order: Vec<usize> = (0..pairs.len()).collect();
    if pairs.len() < 2 {
        return Ok(order);
    }
    let first = &pairs[0].0;
    let c = class(first);
    if let Some((k, _)) = pairs.iter().find(|(k, _)| c == Class::Other || class(k) != c) {
        let (x, y) = if c == Class::Other { (first, &pairs[1].0) } else { (k, first) };
        return Err(Error::unsupported_input(
            codec,
            format_args!("sort_keys: '<' not supported between instances of '{}' and '{}'", type_name(x), type_name(y)),
        ));
    }
    let key = |i: usize| &pairs[i].0;
    let nan = pairs.iter().any(|(k, _)| matches!(k, Object::Float(f) if f.is_nan()));
    if !nan {
        // A total order: every correct sort gives Python's result.
        order.sort_by(|&a, &b| {
            if lt(key(a), key(b)) {
                Ordering::Less
            } else if lt(key(b), key(a)) {
                Ordering::Greater
            } else {
                Ordering::Equal
            }
        });
        return Ok(order);
    }
    if pairs.len() >= 64 {
        return Err(Error::unsupported_input(
            codec,
            "sort_keys with NaN keys among 64 or more keys: Python's order of them is not reproduced",
        ));
    }
    // Below 64 items CPython sorts by one run and a binary insertion sort.
    let n = order.len();
    let mut run = 2;
    if lt(key(order[1]), key(order[0])) {
        while run < n && lt(key(order[run]), key(order[run - 1])) {
            run += 1;
        }
        order[..run].reverse();
    } else {
        while run < n && !lt(key(order[run]), key(order[run - 1])) {
            run += 1;
        }
    }
    for start in run..n {
        let pivot = order[start];
        let (mut l, mut r) = (0, start);
        while l < r {
            let p = l + ((r - l) >> 1);
            if lt(key(pivot), key(order[p])) {
                r = p;
            } else {
                l = p + 1;
            }
        }
        order.copy_within(l..start, l + 1);
        order[l] = pivot;
    }
    Ok(order)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn big(t: &str) -> Object {
        Object::from(BigInt::from_decimal(t).unwrap_or_else(|e| panic!("{e}")))
    }

    #[test]
    fn numbers_compare_exactly() {
        let two64 = big("18446744073709551616");
        let cases = [
            (Object::Int(1), Object::Float(1.5), true),
            (Object::Float(1.5), Object::Int(2), true),
            (Object::Int(2), Object::Float(1.5), false),
            (Object::Int(-2), Object::Float(-1.5), true),
            (Object::Bool(true), Object::Float(1.000_000_1), true),
            (Object::Float(1.8446744073709552e19), two64.clone(), false),
            (two64.clone(), Object::Float(1.8446744073709552e19), false),
            (big("-1000000000000000000000000000000000000000000"), Object::Float(-1e42), false),
            (Object::Float(-1e42), big("-1000000000000000000000000000000000000000000"), true),
            (big("340282366920938463463374607431768211456"), Object::Float(f64::INFINITY), true),
            (Object::Float(1e300), big("340282366920938463463374607431768211456"), false),
            (big("-340282366920938463463374607431768211457"), big("-340282366920938463463374607431768211456"), true),
            (big("340282366920938463463374607431768211456"), big("340282366920938463463374607431768211457"), true),
            (Object::Float(f64::NAN), Object::Int(1), false),
            (Object::Int(1), Object::Float(f64::NAN), false),
        ];
        for (a, b, want) in cases {
            assert_eq!(lt(&a, &b), want, "{a:?} < {b:?}");
        }
        // 2**64 == 2.0**64, 1 == 1.0 == True, -0.0 == 0.
        assert!(check_keys("json2", &[(two64, Object::None), (Object::Float(1.8446744073709552e19), Object::None)])
            .is_err());
        assert!(check_keys("json2", &[(Object::Bool(true), Object::None), (Object::Float(1.0), Object::None)]).is_err());
        assert!(check_keys("json2", &[(Object::Int(0), Object::None), (Object::Float(-0.0), Object::None)]).is_err());
        assert!(check_keys(
            "json2",
            &[(Object::Float(f64::NAN), Object::None), (Object::Float(f64::NAN), Object::None)]
        )
        .is_ok());
        assert!(
            check_keys("json2", &[(Object::from("a"), Object::None), (Object::from(&b"a"[..]), Object::None)]).is_ok()
        );
        assert!(check_keys("json2", &[(Object::List(vec![]), Object::None)]).is_err());
    }
}
