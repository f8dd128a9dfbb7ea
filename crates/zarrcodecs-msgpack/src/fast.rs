//! Decoding without the [`Value`] tree, for the documents numcodecs writes.
//!
//! Building a tree of every item and converting it afterwards cost several moves and
//! a dispatch on the dtype per item. Here a first pass skips over the items (every
//! msgpack value says how long it is) to the trailer, which is read with the ordinary
//! reader; knowing the dtype and the shape, a second pass reads the items straight
//! into the output.
//!
//! Every function here returns `None` when anything is unusual (an error, a big
//! integer, a dtype it does not handle, ...); the caller then decodes the data again
//! with the general path, which gives the result or the error. Both passes read the
//! values as the general reader does, so when the fast path returns `Some` its result
//! is the general path's.

// Item sizes are 1 to 8 bytes; `f as f32` is numpy's rounding to float32.
#![allow(clippy::cast_possible_truncation, clippy::cast_precision_loss)]

use zarrcodecs_core::{AlignedBuf, DType, DTypeKind, Data, NdArray, Object, ObjectArray, PyBytes, PyStr};
use zarrcodecs_kernels::pynum::{push_unicode, NumWriter, Scalar};

use crate::pack::{Reader, Value};
use crate::{to_object, MAX_DEPTH};

impl Reader<'_> {
    #[inline]
    fn arr<const N: usize>(&mut self) -> Option<[u8; N]> {
        let b = self.s.get(self.pos..)?.first_chunk::<N>()?;
        self.pos += N;
        Some(*b)
    }

    #[inline]
    fn byte(&mut self) -> Option<u8> {
        let b = *self.s.get(self.pos)?;
        self.pos += 1;
        Some(b)
    }

    /// A length of `width` bytes.
    #[inline]
    fn n(&mut self, width: u8) -> Option<usize> {
        Some(match width {
            1 => usize::from(self.byte()?),
            2 => usize::from(u16::from_be_bytes(self.arr()?)),
            _ => usize::try_from(u32::from_be_bytes(self.arr()?)).ok()?,
        })
    }

    /// The item count of an array header, if the next value is an array.
    #[inline]
    fn list_header(&mut self) -> Option<usize> {
        match self.byte()? {
            t @ 0x90..=0x9f => Some(usize::from(t & 0x0f)),
            0xdc => self.n(2),
            0xdd => self.n(4),
            _ => None,
        }
    }

    #[inline]
    fn bytes(&mut self, n: usize) -> Option<&[u8]> {
        let b = self.s.get(self.pos..self.pos.checked_add(n)?)?;
        self.pos += n;
        Some(b)
    }

    /// Moves past one value at nesting `depth`.
    fn skip(&mut self, depth: usize) -> Option<()> {
        let t = self.byte()?;
        let n = match t {
            0x00..=0x7f | 0xe0..=0xff | 0xc0 | 0xc2 | 0xc3 => 0,
            0xa0..=0xbf => usize::from(t & 0x1f),
            0xcc | 0xd0 => 1,
            0xcd | 0xd1 => 2,
            0xca | 0xce | 0xd2 => 4,
            0xcb | 0xcf | 0xd3 => 8,
            0xc4 | 0xd9 => self.n(1)?,
            0xc5 | 0xda => self.n(2)?,
            0xc6 | 0xdb => self.n(4)?,
            0x90..=0x9f | 0xdc | 0xdd => {
                self.pos -= 1;
                let n = self.list_header()?;
                if depth >= MAX_DEPTH || n > self.s.len() - self.pos {
                    return None;
                }
                for _ in 0..n {
                    self.skip(depth + 1)?;
                }
                return Some(());
            }
            0x80..=0x8f | 0xde | 0xdf => {
                let n = match t {
                    0xde => self.n(2)?,
                    0xdf => self.n(4)?,
                    _ => usize::from(t & 0x0f),
                };
                if depth >= MAX_DEPTH || n > (self.s.len() - self.pos) / 2 {
                    return None;
                }
                for _ in 0..2 * n {
                    self.skip(depth + 1)?;
                }
                return Some(());
            }
            _ => return None,
        };
        self.bytes(n).map(|_| ())
    }

    /// A number, boolean or nil; `None` for anything else and for integers beyond 64
    /// bits.
    #[inline]
    fn scalar(&mut self) -> Option<Scalar> {
        let t = self.byte()?;
        Some(match t {
            0x00..=0x7f => Scalar::Int(i64::from(t)),
            0xe0..=0xff => Scalar::Int(i64::from(t as i8)),
            0xc0 => Scalar::None,
            0xc2 => Scalar::Bool(false),
            0xc3 => Scalar::Bool(true),
            0xca => Scalar::Float(f64::from(f32::from_be_bytes(self.arr()?))),
            0xcb => Scalar::Float(f64::from_be_bytes(self.arr()?)),
            0xcc => Scalar::Int(i64::from(self.byte()?)),
            0xcd => Scalar::Int(i64::from(u16::from_be_bytes(self.arr()?))),
            0xce => Scalar::Int(i64::from(u32::from_be_bytes(self.arr()?))),
            0xcf => Scalar::Int(i64::try_from(u64::from_be_bytes(self.arr()?)).ok()?),
            0xd0 => Scalar::Int(i64::from(self.byte()? as i8)),
            0xd1 => Scalar::Int(i64::from(i16::from_be_bytes(self.arr()?))),
            0xd2 => Scalar::Int(i64::from(i32::from_be_bytes(self.arr()?))),
            0xd3 => Scalar::Int(i64::from_be_bytes(self.arr()?)),
            _ => return None,
        })
    }

    /// An item of an object array at nesting `depth`, as the general path reads it.
    #[inline]
    fn object(&mut self, depth: usize) -> Option<Object> {
        let t = *self.s.get(self.pos)?;
        let n = match t {
            0xa0..=0xbf => {
                self.pos += 1;
                usize::from(t & 0x1f)
            }
            0xd9..=0xdb => {
                self.pos += 1;
                self.n(1 << (t - 0xd9))?
            }
            0x00..=0x7f => {
                self.pos += 1;
                return Some(Object::Int(i64::from(t)));
            }
            _ => return to_object(self.value(depth).ok()?).ok(),
        };
        let raw = self.raw;
        let b = self.bytes(n)?;
        Some(if raw { Object::Bytes(PyBytes::new(b)) } else { Object::Str(PyStr::from_utf8(b).ok()?) })
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
        if self.list_header()? != n {
            return None;
        }
        for _ in 0..n {
            self.nested(rest, depth + 1, leaf)?;
        }
        Some(())
    }
}

/// The decoded array, or `None` to leave the data to the general path.
pub(crate) fn decode(data: &[u8], raw: bool, legacy: bool, limit: usize) -> Option<Data> {
    let mut r = Reader { s: data, pos: 0, raw };
    let total = r.list_header()?;
    let nitems = total.checked_sub(if legacy { 1 } else { 2 })?;
    if nitems == 0 || total > data.len() {
        return None;
    }
    let start = r.pos;
    // numpy finds more dimensions (legacy) if the first item is a list.
    let first_list = legacy && matches!(data.get(start)?, 0x90..=0x9f | 0xdc | 0xdd);
    for _ in 0..nitems {
        r.skip(1)?;
    }
    let dtype: DType = match r.value(1).ok()? {
        Value::Str(s) => s.parse().ok()?,
        Value::Bytes(b) => String::from_utf8_lossy(&b).parse().ok()?,
        _ => return None,
    };
    let shape = if legacy {
        // numpy finds more dimensions while the items are arrays of one length: guess
        // them from the first item (`nested` then checks every item).
        let mut dims = vec![nitems];
        let mut q = Reader { s: data, pos: start, raw };
        if first_list {
            while let Some(n) = q.list_header() {
                dims.push(n);
                if n == 0 || dims.len() > 64 {
                    break;
                }
            }
        }
        dims
    } else {
        match r.value(1).ok()? {
            Value::List(dims) => dims
                .iter()
                .map(|d| match d {
                    Value::Int(d) => usize::try_from(*d).ok(),
                    _ => None,
                })
                .collect::<Option<Vec<_>>>()?,
            Value::Int(d) => vec![usize::try_from(d).ok()?],
            _ => return None,
        }
    };
    if r.pos != data.len() || shape.is_empty() || shape.len() > 64 || shape[0] != nitems {
        return None;
    }
    let per_item = if dtype.is_object() { std::mem::size_of::<Object>() } else { dtype.itemsize() };
    let n = shape.iter().try_fold(1usize, |a, &d| a.checked_mul(d))?;
    if n.checked_mul(per_item)? > limit || n > data.len() {
        return None;
    }
    let rest = &shape[1..];
    r.pos = start;
    Some(if dtype.is_object() {
        let mut items: Vec<Object> = Vec::new();
        items.try_reserve_exact(n).ok()?;
        for _ in 0..nitems {
            r.nested(rest, 1, &mut |r, depth| {
                items.push(r.object(depth)?);
                Some(())
            })?;
        }
        ObjectArray::new(items, shape).ok()?.into()
    } else if dtype.kind() == DTypeKind::Unicode && dtype.itemsize() > 0 && !raw {
        // numpy truncates a longer string to the item's width, pads a shorter one.
        let size = dtype.itemsize();
        let mut out: Vec<u8> = Vec::new();
        out.try_reserve_exact(n.checked_mul(size)?).ok()?;
        for _ in 0..nitems {
            r.nested(rest, 1, &mut |r, _| {
                let t = r.byte()?;
                let n = match t {
                    0xa0..=0xbf => usize::from(t & 0x1f),
                    0xd9..=0xdb => r.n(1 << (t - 0xd9))?,
                    _ => return None,
                };
                let s = std::str::from_utf8(r.bytes(n)?).ok()?;
                // Never past the limit (a legacy document's item count is only a guess,
                // and one item of a huge `U` width is already too big).
                push_unicode(&mut out, dtype, s, limit)
            })?;
        }
        NdArray::new(AlignedBuf::from_slice(&out).ok()?, dtype, shape).ok()?.into()
    } else {
        let float = dtype.kind() == DTypeKind::Float;
        let mut out = NumWriter::new(dtype, n)?;
        for _ in 0..nitems {
            // numpy converts a Python int for a float item through a C double.
            r.nested(rest, 1, &mut |r, _| {
                out.put(match r.scalar()? {
                    Scalar::Int(i) if float => Scalar::Float(i as f64),
                    v => v,
                })
            })?;
        }
        out.finish(shape)?.into()
    })
}
