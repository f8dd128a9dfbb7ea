//! Decoding without the [`Value`] tree, for the documents numcodecs writes.
//!
//! Building a tree of every item and converting it afterwards cost an allocation per
//! string and several moves per item. Here the trailer (dtype and shape) is read first:
//! a scan back from the end finds the comma in front of the dtype string, and the
//! trailer from there is parsed with the ordinary parser. Knowing the dtype and the
//! shape, the items are then parsed from the start straight into the output: strings
//! without escapes are copied from the input into a [`PyStr`], numbers into the typed
//! buffer.
//!
//! Every function here returns `None` when anything is unusual (an error, a big
//! integer, a 0-d shape, a dtype it does not handle, ...); the caller then decodes the
//! document again with the general path, which gives the result or the error. The fast
//! path only returns `Some` once the items it parsed end exactly at the comma in front
//! of the trailer: the document then parses, from the left, exactly as the general
//! parser parses it, with the same values.

// Item sizes are 1 to 8 bytes; `f as f32` is numpy's rounding to float32.
#![allow(clippy::cast_possible_truncation, clippy::cast_precision_loss)]

use zarrcodecs_core::{AlignedBuf, DType, DTypeKind, Data, NdArray, Object, ObjectArray, PyStr};
use zarrcodecs_kernels::pynum::{push_unicode, NumWriter, Scalar};

use crate::parse::{hex4, short_escape, Parser, Value};
use crate::to_object;

fn is_ws(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r')
}

/// The position of the comma in front of the trailer's dtype string, if the document
/// ends as numcodecs writes it: `, "dtype", [dims]]` (or `, "dtype"]` for `legacy`).
fn trailer_comma(s: &[u8], legacy: bool) -> Option<usize> {
    let mut i = s.len();
    let back_ws = |i: &mut usize| {
        while *i > 0 && is_ws(s[*i - 1]) {
            *i -= 1;
        }
    };
    let expect = |i: &mut usize, c: u8| -> Option<()> {
        back_ws(i);
        *i = i.checked_sub(1)?;
        (s[*i] == c).then_some(())
    };
    expect(&mut i, b']')?;
    if !legacy {
        expect(&mut i, b']')?;
        while i > 0 && matches!(s[i - 1], b'0'..=b'9' | b',' | b' ' | b'\t' | b'\n' | b'\r') {
            i -= 1;
        }
        expect(&mut i, b'[')?;
        expect(&mut i, b',')?;
    }
    expect(&mut i, b'"')?;
    while i > 0 && s[i - 1] != b'"' {
        if s[i - 1] == b'\\' {
            return None;
        }
        i -= 1;
    }
    i = i.checked_sub(1)?;
    expect(&mut i, b',')?;
    Some(i)
}

impl Parser<'_> {
    #[inline]
    fn peek(&self) -> Option<u8> {
        self.s.get(self.pos).copied()
    }

    #[inline]
    fn eat(&mut self, c: u8) -> Option<()> {
        (self.peek()? == c).then(|| self.pos += 1)
    }

    #[inline]
    fn word(&mut self, w: &[u8]) -> bool {
        let hit = self.s[self.pos..].starts_with(w);
        if hit {
            self.pos += w.len();
        }
        hit
    }

    /// A number, as the general parser reads it; `None` for integers beyond 64 bits.
    #[inline]
    fn fast_number(&mut self) -> Option<Scalar> {
        let s = self.s;
        let start = self.pos;
        let mut i = start;
        let neg = s[i] == b'-';
        i += usize::from(neg);
        let d0 = i;
        // The value of up to 19 digits (more are left to `parse`).
        let mut v = 0u64;
        match s.get(i) {
            Some(b'0') => i += 1,
            Some(b'1'..=b'9') => {
                while let Some(&c) = s.get(i) {
                    let d = c.wrapping_sub(b'0');
                    if d > 9 {
                        break;
                    }
                    v = v.wrapping_mul(10).wrapping_add(u64::from(d));
                    i += 1;
                }
            }
            _ => return None,
        }
        let int_end = i;
        let mut float = false;
        if s.get(i) == Some(&b'.') && s.get(i + 1).is_some_and(u8::is_ascii_digit) {
            i += 1;
            while s.get(i).is_some_and(u8::is_ascii_digit) {
                i += 1;
            }
            float = true;
        }
        if let Some(b'e' | b'E') = s.get(i) {
            let mut j = i + 1;
            if let Some(b'+' | b'-') = s.get(j) {
                j += 1;
            }
            let ds = j;
            while s.get(j).is_some_and(u8::is_ascii_digit) {
                j += 1;
            }
            if j > ds {
                i = j;
                float = true;
            }
        }
        self.pos = i;
        if float {
            // Rust's parse is correctly rounded, as Python's `float()`; the general
            // parser uses the same.
            return self.t.get(start..i)?.parse().ok().map(Scalar::Float);
        }
        if int_end - d0 > 18 {
            return self.t.get(start..int_end)?.parse().ok().map(Scalar::Int);
        }
        // At most 18 digits: below 10^18, no overflow.
        let v = v as i64;
        Some(Scalar::Int(if neg { -v } else { v }))
    }

    #[inline]
    fn scalar(&mut self) -> Option<Scalar> {
        Some(match self.peek()? {
            b'-' | b'0'..=b'9' if !self.s[self.pos..].starts_with(b"-Infinity") => return self.fast_number(),
            b'-' if self.word(b"-Infinity") => Scalar::Float(f64::NEG_INFINITY),
            b'n' if self.word(b"null") => Scalar::None,
            b't' if self.word(b"true") => Scalar::Bool(true),
            b'f' if self.word(b"false") => Scalar::Bool(false),
            b'N' if self.word(b"NaN") => Scalar::Float(f64::NAN),
            b'I' if self.word(b"Infinity") => Scalar::Float(f64::INFINITY),
            _ => return None,
        })
    }

    /// Skips bytes that end nothing in a string: not `"`, not `\`, not a control
    /// character when strict.
    #[inline]
    fn plain(&self, mut i: usize) -> usize {
        let s = self.s;
        if self.strict {
            // Eight bytes at a time: the lowest byte flagged is the first that is `"`,
            // `\` or below 0x20 (the flags above it may be spurious).
            const ONES: u64 = 0x0101_0101_0101_0101;
            const HIGH: u64 = 0x8080_8080_8080_8080;
            while let Some(w) = s.get(i..).and_then(|r| r.first_chunk::<8>()) {
                let w = u64::from_le_bytes(*w);
                let q = w ^ (ONES * u64::from(b'"'));
                let b = w ^ (ONES * u64::from(b'\\'));
                let m =
                    ((q.wrapping_sub(ONES) & !q) | (b.wrapping_sub(ONES) & !b) | (w.wrapping_sub(ONES * 0x20) & !w))
                        & HIGH;
                if m != 0 {
                    return i + (m.trailing_zeros() / 8) as usize;
                }
                i += 8;
            }
            while let Some(&b) = s.get(i) {
                if b == b'"' || b == b'\\' || b < 0x20 {
                    break;
                }
                i += 1;
            }
        } else {
            while let Some(&b) = s.get(i) {
                if b == b'"' || b == b'\\' {
                    break;
                }
                i += 1;
            }
        }
        i
    }

    /// A string (at its opening quote) as the general parser reads it.
    #[inline]
    fn pystr(&mut self, scratch: &mut String) -> Option<PyStr> {
        let s = self.s;
        let start = self.pos + 1;
        let mut i = self.plain(start);
        if *s.get(i)? == b'"' {
            self.pos = i + 1;
            return Some(PyStr::new(self.t.get(start..i)?));
        }
        scratch.clear();
        scratch.push_str(self.t.get(start..i)?);
        loop {
            match *s.get(i)? {
                b'"' => {
                    self.pos = i + 1;
                    return Some(PyStr::new(scratch));
                }
                b'\\' => {}
                _ => return None,
            }
            let e = *s.get(i + 1)?;
            i += 2;
            let c = match e {
                b'u' => {
                    let mut u = hex4(s.get(i..)?)?;
                    i += 4;
                    if (0xd800..0xdc00).contains(&u) {
                        // Only a pair makes a character; the general path reports the rest.
                        if s.get(i..i + 2)? != b"\\u" {
                            return None;
                        }
                        let lo = hex4(s.get(i + 2..)?)?;
                        if !(0xdc00..0xe000).contains(&lo) {
                            return None;
                        }
                        i += 6;
                        u = 0x1_0000 + ((u - 0xd800) << 10) + (lo - 0xdc00);
                    }
                    char::from_u32(u)?
                }
                _ => short_escape(e)?,
            };
            scratch.push(c);
            let run = i;
            i = self.plain(i);
            scratch.push_str(self.t.get(run..i)?);
        }
    }

    /// An item of an object array at list nesting `depth`.
    #[inline]
    fn object(&mut self, depth: usize, scratch: &mut String) -> Option<Object> {
        Some(match self.peek()? {
            b'"' => Object::Str(self.pystr(scratch)?),
            b'[' | b'{' => to_object(self.value(depth).ok()?).ok()?,
            _ => match self.scalar()? {
                Scalar::None => Object::None,
                Scalar::Bool(b) => Object::Bool(b),
                Scalar::Int(i) => Object::Int(i),
                Scalar::Float(f) => Object::Float(f),
            },
        })
    }

    /// A list nested as `shape` (or a leaf if `shape` is empty) at `depth`.
    fn nested(
        &mut self,
        shape: &[usize],
        depth: usize,
        leaf: &mut impl FnMut(&mut Self, usize) -> Option<()>,
    ) -> Option<()> {
        let Some((&n, rest)) = shape.split_first() else {
            return leaf(self, depth);
        };
        self.eat(b'[')?;
        self.ws();
        for k in 0..n {
            if k > 0 {
                self.eat(b',')?;
                self.ws();
            }
            self.nested(rest, depth + 1, leaf)?;
            self.ws();
        }
        self.eat(b']')
    }

    /// The document's items, from its start to the comma at `end`: at most `shape[0]`
    /// items, nested as the rest of `shape`. Returns how many there were.
    fn items(
        &mut self,
        end: usize,
        shape: &[usize],
        leaf: &mut impl FnMut(&mut Self, usize) -> Option<()>,
    ) -> Option<usize> {
        let (limit, rest) = (shape[0], &shape[1..]);
        self.pos = 0;
        self.ws();
        self.eat(b'[')?;
        let mut count = 0;
        loop {
            if count == limit {
                return None;
            }
            self.ws();
            if rest.is_empty() {
                leaf(self, 1)?;
            } else {
                self.nested(rest, 1, leaf)?;
            }
            count += 1;
            self.ws();
            if self.pos == end {
                return Some(count);
            }
            if self.pos > end {
                return None;
            }
            self.eat(b',')?;
        }
    }
}

/// The decoded array, or `None` to leave the document to the general path.
pub(crate) fn decode(text: &str, strict: bool, legacy: bool, limit: usize) -> Option<Data> {
    let s = text.as_bytes();
    let end = trailer_comma(s, legacy)?;
    let mut p = Parser::new(text, strict);
    p.pos = end + 1;
    p.ws();
    let Value::Str(dtype) = p.value(1).ok()? else {
        return None;
    };
    let shape = if legacy {
        None
    } else {
        p.ws();
        p.eat(b',')?;
        p.ws();
        let Value::List(dims) = p.value(1).ok()? else {
            return None;
        };
        let dims = dims
            .iter()
            .map(|d| match d {
                Value::Int(d) => usize::try_from(*d).ok(),
                _ => None,
            })
            .collect::<Option<Vec<_>>>()?;
        // A 0-d array: the general path.
        if dims.is_empty() || dims.len() > 64 {
            return None;
        }
        Some(dims)
    };
    p.ws();
    p.eat(b']')?;
    p.ws();
    if p.pos != s.len() {
        return None;
    }
    let dtype: DType = dtype.parse().ok()?;
    let per_item = if dtype.is_object() { std::mem::size_of::<Object>() } else { dtype.itemsize() };
    // The shape; for legacy, the first dimension is the number of items found.
    let mut dims = shape.clone().unwrap_or_else(|| vec![usize::MAX]);
    // The number of items expected (json2), or a guess at it (legacy).
    let n = match &shape {
        Some(dims) => {
            let n = dims.iter().try_fold(1usize, |a, &d| a.checked_mul(d))?;
            if n.checked_mul(per_item)? > limit || n > s.len() {
                return None;
            }
            n
        }
        None => {
            // numpy finds more dimensions while the items are lists of one length:
            // guess them from the first item (`nested` then checks every item).
            p.pos = 0;
            p.ws();
            p.eat(b'[')?;
            p.ws();
            if p.peek()? == b'[' {
                let first = p.value(1).ok()?;
                let mut v = &first;
                while let Value::List(l) = v {
                    dims.push(l.len());
                    if dims.len() > 64 {
                        return None;
                    }
                    match l.first() {
                        Some(x) => v = x,
                        None => break,
                    }
                }
            }
            // Consecutive leaves have a comma between them (commas in strings make
            // this an overestimate, and the limit caps it).
            let commas = s[..end].iter().filter(|&&b| b == b',').count() + 1;
            commas.min(limit / per_item.max(1))
        }
    };
    let data: Data = if dtype.is_object() {
        let mut items: Vec<Object> = Vec::new();
        items.try_reserve_exact(n).ok()?;
        let mut scratch = String::new();
        let count = p.items(end, &dims, &mut |p, depth| {
            let o = p.object(depth, &mut scratch)?;
            if (items.len() + 1).checked_mul(per_item)? > limit {
                return None;
            }
            items.push(o);
            Some(())
        })?;
        dims[0] = count;
        if shape.is_some_and(|s| s[0] != count) || items.len().checked_mul(per_item)? > limit {
            return None;
        }
        ObjectArray::new(items, dims).ok()?.into()
    } else if dtype.kind() == DTypeKind::Unicode && dtype.itemsize() > 0 {
        // numpy truncates a longer string to the item's width, pads a shorter one.
        let size = dtype.itemsize();
        let mut out: Vec<u8> = Vec::new();
        out.try_reserve_exact(n.checked_mul(size)?).ok()?;
        let mut scratch = String::new();
        let count = p.items(end, &dims, &mut |p, _| {
            if p.peek()? != b'"' {
                return None;
            }
            let s = p.pystr(&mut scratch)?;
            // Never past the limit (a legacy document's item count is only a guess,
            // and one item of a huge `U` width is already too big).
            push_unicode(&mut out, dtype, &s, limit)
        })?;
        dims[0] = count;
        if shape.is_some_and(|s| s[0] != count) || out.len() > limit {
            return None;
        }
        NdArray::new(AlignedBuf::from_slice(&out).ok()?, dtype, dims).ok()?.into()
    } else {
        let float = dtype.kind() == DTypeKind::Float;
        let mut out = NumWriter::new(dtype, n)?;
        let count = p.items(end, &dims, &mut |p, _| {
            if out.len().checked_add(per_item)? > limit {
                return None;
            }
            // numpy converts a Python int for a float item through a C double.
            out.put(match p.scalar()? {
                Scalar::Int(i) if float => Scalar::Float(i as f64),
                v => v,
            })
        })?;
        dims[0] = count;
        if shape.is_some_and(|s| s[0] != count) || out.len() > limit {
            return None;
        }
        out.finish(dims)?.into()
    };
    Some(data)
}
