//! The msgpack subset numcodecs' codec meets, written exactly as msgpack-python 1.x's
//! `Packer` writes it (smallest integer and length forms; `str8` only with
//! `use_bin_type`; maps in the dict's order), and read as its `unpackb` reads it
//! (map keys only `str` or `bytes`, as its default `strict_map_key=True`; a repeated
//! key keeps its first position and takes the last value, as a `dict` does), with
//! every length checked against the input before anything is allocated.

// Narrowing casts follow the range checks that choose each msgpack form.
#![allow(clippy::cast_possible_truncation)]

use std::collections::HashMap;

use zarrcodecs_core::{Error, Object, PyStr, Result};

use zarrcodecs_kernels::pykey;

use crate::{MAX_DEPTH, MSGPACK_ID};

/// A decoded msgpack value.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Value {
    Nil,
    Bool(bool),
    Int(i128),
    Float(f64),
    Str(PyStr),
    Bytes(Vec<u8>),
    List(Vec<Value>),
    /// A map: its keys (`Str` or `Bytes`, unique) in the order of their first
    /// appearance.
    Map(Vec<(Value, Value)>),
}

fn too_long(what: &str, n: usize) -> Error {
    Error::unsupported_input(MSGPACK_ID, format_args!("{what} of {n} items/bytes is too long for msgpack"))
}

/// msgpack-python's `Packer(use_bin_type=..., use_single_float=...)`.
#[derive(Debug)]
pub(crate) struct Packer {
    pub(crate) out: Vec<u8>,
    pub(crate) use_bin_type: bool,
    pub(crate) use_single_float: bool,
}

impl Packer {
    pub(crate) fn array_header(&mut self, n: usize) -> Result<()> {
        if n < 16 {
            self.out.push(0x90 | n as u8);
        } else if let Ok(n) = u16::try_from(n) {
            self.out.push(0xdc);
            self.out.extend_from_slice(&n.to_be_bytes());
        } else if let Ok(n) = u32::try_from(n) {
            self.out.push(0xdd);
            self.out.extend_from_slice(&n.to_be_bytes());
        } else {
            return Err(too_long("an array", n));
        }
        Ok(())
    }

    fn map_header(&mut self, n: usize) -> Result<()> {
        if n < 16 {
            self.out.push(0x80 | n as u8);
        } else if let Ok(n) = u16::try_from(n) {
            self.out.push(0xde);
            self.out.extend_from_slice(&n.to_be_bytes());
        } else if let Ok(n) = u32::try_from(n) {
            self.out.push(0xdf);
            self.out.extend_from_slice(&n.to_be_bytes());
        } else {
            return Err(too_long("a dict", n));
        }
        Ok(())
    }

    pub(crate) fn bool(&mut self, b: bool) {
        self.out.push(if b { 0xc3 } else { 0xc2 });
    }

    pub(crate) fn int(&mut self, i: i128) -> Result<()> {
        let o = &mut self.out;
        if (0..128).contains(&i) {
            o.push(i as u8);
        } else if (-32..0).contains(&i) {
            o.push(i as i8 as u8);
        } else if i > 0 {
            if let Ok(v) = u8::try_from(i) {
                o.extend_from_slice(&[0xcc, v]);
            } else if let Ok(v) = u16::try_from(i) {
                o.push(0xcd);
                o.extend_from_slice(&v.to_be_bytes());
            } else if let Ok(v) = u32::try_from(i) {
                o.push(0xce);
                o.extend_from_slice(&v.to_be_bytes());
            } else if let Ok(v) = u64::try_from(i) {
                o.push(0xcf);
                o.extend_from_slice(&v.to_be_bytes());
            } else {
                return Err(Error::unsupported_input(MSGPACK_ID, "Integer value out of range"));
            }
        } else if let Ok(v) = i8::try_from(i) {
            o.extend_from_slice(&[0xd0, v as u8]);
        } else if let Ok(v) = i16::try_from(i) {
            o.push(0xd1);
            o.extend_from_slice(&v.to_be_bytes());
        } else if let Ok(v) = i32::try_from(i) {
            o.push(0xd2);
            o.extend_from_slice(&v.to_be_bytes());
        } else if let Ok(v) = i64::try_from(i) {
            o.push(0xd3);
            o.extend_from_slice(&v.to_be_bytes());
        } else {
            return Err(Error::unsupported_input(MSGPACK_ID, "Integer value out of range"));
        }
        Ok(())
    }

    pub(crate) fn float(&mut self, f: f64) -> Result<()> {
        if self.use_single_float {
            let s = f as f32;
            if s.is_infinite() && f.is_finite() {
                // CPython's PyFloat_Pack4 refuses it.
                return Err(Error::unsupported_input(MSGPACK_ID, "float too large to pack with f format"));
            }
            self.out.push(0xca);
            self.out.extend_from_slice(&s.to_be_bytes());
        } else {
            self.out.push(0xcb);
            self.out.extend_from_slice(&f.to_be_bytes());
        }
        Ok(())
    }

    /// A `str` header: fixstr, str8 (only with `use_bin_type`), str16, str32.
    fn str_header(&mut self, n: usize) -> Result<()> {
        if n < 32 {
            self.out.push(0xa0 | n as u8);
        } else if n < 256 && self.use_bin_type {
            self.out.extend_from_slice(&[0xd9, n as u8]);
        } else if let Ok(v) = u16::try_from(n) {
            self.out.push(0xda);
            self.out.extend_from_slice(&v.to_be_bytes());
        } else if let Ok(v) = u32::try_from(n) {
            self.out.push(0xdb);
            self.out.extend_from_slice(&v.to_be_bytes());
        } else {
            return Err(too_long("a string", n));
        }
        Ok(())
    }

    pub(crate) fn str(&mut self, s: &str) -> Result<()> {
        self.str_header(s.len())?;
        self.out.extend_from_slice(s.as_bytes());
        Ok(())
    }

    pub(crate) fn bytes(&mut self, b: &[u8]) -> Result<()> {
        if !self.use_bin_type {
            self.str_header(b.len())?;
        } else if let Ok(v) = u8::try_from(b.len()) {
            self.out.extend_from_slice(&[0xc4, v]);
        } else if let Ok(v) = u16::try_from(b.len()) {
            self.out.push(0xc5);
            self.out.extend_from_slice(&v.to_be_bytes());
        } else if let Ok(v) = u32::try_from(b.len()) {
            self.out.push(0xc6);
            self.out.extend_from_slice(&v.to_be_bytes());
        } else {
            return Err(too_long("a bytes object", b.len()));
        }
        self.out.extend_from_slice(b);
        Ok(())
    }

    /// An item of an object array at nesting `depth`.
    pub(crate) fn object(&mut self, o: &Object, depth: usize) -> Result<()> {
        match o {
            Object::None => self.out.push(0xc0),
            Object::Bool(b) => self.bool(*b),
            Object::Int(i) => self.int(i128::from(*i))?,
            // Beyond 128 bits it is out of range too.
            Object::BigInt(n) => self.int(n.to_i128().unwrap_or(i128::MAX))?,
            Object::Float(f) => self.float(*f)?,
            Object::Str(s) => self.str(s)?,
            Object::Bytes(b) => self.bytes(b)?,
            Object::List(items) => {
                if depth > MAX_DEPTH {
                    return Err(Error::unsupported_input(MSGPACK_ID, "lists nested too deeply"));
                }
                self.array_header(items.len())?;
                for item in items {
                    self.object(item, depth + 1)?;
                }
            }
            Object::Array(_) => {
                return Err(Error::unsupported_input(MSGPACK_ID, "can not serialize 'numpy.ndarray' object"));
            }
            Object::Dict(pairs) => {
                if depth > MAX_DEPTH {
                    return Err(Error::unsupported_input(MSGPACK_ID, "dicts nested too deeply"));
                }
                pykey::check_keys(MSGPACK_ID, pairs)?;
                self.map_header(pairs.len())?;
                for (k, v) in pairs {
                    self.object(k, depth + 1)?;
                    self.object(v, depth + 1)?;
                }
            }
        }
        Ok(())
    }
}

pub(crate) struct Reader<'a> {
    pub(crate) s: &'a [u8],
    pub(crate) pos: usize,
    pub(crate) raw: bool,
}

fn truncated() -> Error {
    Error::corrupt(MSGPACK_ID, "Unpack failed: incomplete input")
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8]> {
        if n > self.s.len() - self.pos {
            return Err(truncated());
        }
        let b = &self.s[self.pos..self.pos + n];
        self.pos += n;
        Ok(b)
    }

    fn be<const N: usize>(&mut self) -> Result<[u8; N]> {
        let mut a = [0u8; N];
        a.copy_from_slice(self.take(N)?);
        Ok(a)
    }

    fn len(&mut self, width: usize) -> Result<usize> {
        Ok(match width {
            1 => usize::from(self.be::<1>()?[0]),
            2 => usize::from(u16::from_be_bytes(self.be()?)),
            _ => u32::from_be_bytes(self.be()?) as usize,
        })
    }

    fn str(&mut self, n: usize) -> Result<Value> {
        let b = self.take(n)?;
        if self.raw {
            return Ok(Value::Bytes(b.to_vec()));
        }
        std::str::from_utf8(b)
            .map(|s| Value::Str(PyStr::new(s)))
            .map_err(|e| Error::corrupt(MSGPACK_ID, format_args!("invalid UTF-8 in a string: {e}")))
    }

    fn list(&mut self, n: usize, depth: usize) -> Result<Value> {
        if depth >= MAX_DEPTH {
            return Err(Error::unsupported_input(MSGPACK_ID, "arrays nested too deeply"));
        }
        // Every item takes at least one byte: a longer claim is a lie, refused before
        // anything is allocated.
        if n > self.s.len() - self.pos {
            return Err(truncated());
        }
        // Nested arrays may each claim the rest of the input: start small, grow with
        // the items actually read.
        let mut items = Vec::with_capacity(n.min(256));
        for _ in 0..n {
            items.push(self.value(depth + 1)?);
        }
        Ok(Value::List(items))
    }

    /// A map of `n` pairs, into a dict as `unpackb(strict_map_key=True)` builds it.
    fn map(&mut self, n: usize, depth: usize) -> Result<Value> {
        if depth >= MAX_DEPTH {
            return Err(Error::unsupported_input(MSGPACK_ID, "maps nested too deeply"));
        }
        // Every pair takes at least two bytes.
        if n > (self.s.len() - self.pos) / 2 {
            return Err(truncated());
        }
        let mut pairs: Vec<(Value, Value)> = Vec::with_capacity(n.min(256));
        // Where each key is in `pairs`, once there are enough of them to look up.
        let mut index: HashMap<(bool, Vec<u8>), usize> = HashMap::new();
        for _ in 0..n {
            let key = self.value(depth + 1)?;
            let id = match &key {
                Value::Str(s) => (true, s.as_bytes()),
                Value::Bytes(b) => (false, &b[..]),
                other => {
                    let t = match other {
                        Value::Nil => "NoneType",
                        Value::Bool(_) => "bool",
                        Value::Int(_) => "int",
                        Value::Float(_) => "float",
                        Value::List(_) => "list",
                        _ => "dict",
                    };
                    return Err(Error::corrupt(
                        MSGPACK_ID,
                        format_args!("{t} is not allowed for map key when strict_map_key=True (numcodecs' setting)"),
                    ));
                }
            };
            let value = self.value(depth + 1)?;
            // `d[key] = value`: a repeated key keeps its place, with the new value.
            let seen = if pairs.len() < 16 {
                pairs.iter().position(|(k, _)| match k {
                    Value::Str(s) => id == (true, s.as_bytes()),
                    Value::Bytes(b) => id == (false, &b[..]),
                    _ => false,
                })
            } else {
                if index.is_empty() {
                    for (i, (k, _)) in pairs.iter().enumerate() {
                        match k {
                            Value::Str(s) => index.insert((true, s.as_bytes().to_vec()), i),
                            Value::Bytes(b) => index.insert((false, b.clone()), i),
                            _ => None,
                        };
                    }
                }
                index.get(&(id.0, id.1.to_vec())).copied()
            };
            match seen {
                Some(i) => pairs[i].1 = value,
                None => {
                    if !index.is_empty() {
                        index.insert((id.0, id.1.to_vec()), pairs.len());
                    }
                    pairs.push((key, value));
                }
            }
        }
        Ok(Value::Map(pairs))
    }

    pub(crate) fn value(&mut self, depth: usize) -> Result<Value> {
        let t = self.be::<1>()?[0];
        Ok(match t {
            0x00..=0x7f => Value::Int(i128::from(t)),
            0xe0..=0xff => Value::Int(i128::from(t as i8)),
            0x90..=0x9f => return self.list(usize::from(t & 0x0f), depth),
            0xa0..=0xbf => return self.str(usize::from(t & 0x1f)),
            0xc0 => Value::Nil,
            0xc2 => Value::Bool(false),
            0xc3 => Value::Bool(true),
            0xc4..=0xc6 => {
                let n = self.len(1 << (t - 0xc4))?;
                Value::Bytes(self.take(n)?.to_vec())
            }
            0xca => Value::Float(f64::from(f32::from_be_bytes(self.be()?))),
            0xcb => Value::Float(f64::from_be_bytes(self.be()?)),
            0xcc => Value::Int(i128::from(self.be::<1>()?[0])),
            0xcd => Value::Int(i128::from(u16::from_be_bytes(self.be()?))),
            0xce => Value::Int(i128::from(u32::from_be_bytes(self.be()?))),
            0xcf => Value::Int(i128::from(u64::from_be_bytes(self.be()?))),
            0xd0 => Value::Int(i128::from(self.be::<1>()?[0] as i8)),
            0xd1 => Value::Int(i128::from(i16::from_be_bytes(self.be()?))),
            0xd2 => Value::Int(i128::from(i32::from_be_bytes(self.be()?))),
            0xd3 => Value::Int(i128::from(i64::from_be_bytes(self.be()?))),
            0xd9..=0xdb => {
                let n = self.len(1 << (t - 0xd9))?;
                return self.str(n);
            }
            0xdc => {
                let n = self.len(2)?;
                return self.list(n, depth);
            }
            0xdd => {
                let n = self.len(4)?;
                return self.list(n, depth);
            }
            0x80..=0x8f => return self.map(usize::from(t & 0x0f), depth),
            0xde => {
                let n = self.len(2)?;
                return self.map(n, depth);
            }
            0xdf => {
                let n = self.len(4)?;
                return self.map(n, depth);
            }
            0xc7..=0xc9 | 0xd4..=0xd8 => {
                return Err(Error::unsupported_input(MSGPACK_ID, "msgpack extension types are not supported"))
            }
            _ => return Err(Error::corrupt(MSGPACK_ID, format_args!("invalid type byte {t:#04x}"))),
        })
    }
}

/// `msgpack.unpackb(data, raw=raw)`: one value, nothing after it.
pub(crate) fn unpack(data: &[u8], raw: bool) -> Result<Value> {
    let mut r = Reader { s: data, pos: 0, raw };
    let v = r.value(0)?;
    if r.pos != data.len() {
        return Err(Error::corrupt(MSGPACK_ID, "unpack(b) received extra data"));
    }
    Ok(v)
}
