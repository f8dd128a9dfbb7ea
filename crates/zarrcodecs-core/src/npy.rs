//! Reading and writing numpy's `.npy` files (format versions 1.0, 2.0 and 3.0).
//!
//! Only plain dtypes are supported (no structured dtypes, no object arrays, which
//! `.npy` stores as pickles). The bytes are kept in memory order, as numcodecs sees
//! them; `fortran_order` is reported alongside.

use crate::{DType, Error, NdArray, Result};

const MAGIC: &[u8; 6] = b"\x93NUMPY";

/// Whether `bytes` starts with the `.npy` magic string.
pub fn is_npy(bytes: &[u8]) -> bool {
    bytes.starts_with(MAGIC)
}

/// An array read from a `.npy` file.
#[derive(Clone, Debug, PartialEq)]
pub struct Npy {
    /// The data, in the file's memory order.
    pub array: NdArray,
    /// Whether the data is in Fortran (column-major) order.
    pub fortran_order: bool,
}

fn npy_err(reason: impl Into<String>) -> Error {
    Error::Npy { reason: reason.into() }
}

/// Parses a `.npy` file.
///
/// ```
/// use zarrcodecs_core::{npy, NdArray};
/// let a = NdArray::from_bytes(&[1, 2, 3], "|u1".parse()?, vec![3])?;
/// let file = npy::write(&a, false);
/// assert_eq!(npy::read(&file)?.array, a);
/// # Ok::<(), zarrcodecs_core::Error>(())
/// ```
///
/// # Errors
/// [`Error::Npy`] for a bad magic, version or header, a structured or object dtype,
/// or a data size that does not match the header.
pub fn read(bytes: &[u8]) -> Result<Npy> {
    if !is_npy(bytes) {
        return Err(npy_err("missing \\x93NUMPY magic"));
    }
    let (major, minor) = match bytes.get(6..8) {
        Some(&[a, b]) => (a, b),
        _ => return Err(npy_err("truncated preamble")),
    };
    let (header_len, start) = match major {
        1 => (bytes.get(8..10).map(|b| u16::from_le_bytes([b[0], b[1]]) as usize), 10usize),
        2 | 3 => (bytes.get(8..12).map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize), 12),
        _ => return Err(npy_err(format!("unsupported format version {major}.{minor}"))),
    };
    let header_len = header_len.ok_or_else(|| npy_err("truncated preamble"))?;
    let end = start.checked_add(header_len).ok_or_else(|| npy_err("header length overflows"))?;
    let header = bytes.get(start..end).ok_or_else(|| npy_err("truncated header"))?;
    let header = std::str::from_utf8(header).map_err(|_| npy_err("header is not text"))?;
    let value = literal::parse(header).map_err(|e| npy_err(format!("bad header: {e}")))?;
    let literal::Value::Dict(entries) = value else {
        return Err(npy_err("header is not a dict"));
    };
    let get = |key: &str| entries.iter().find(|(k, _)| k == key).map(|(_, v)| v);
    let descr = match get("descr") {
        Some(literal::Value::Str(s)) => s.clone(),
        Some(_) => return Err(npy_err("structured dtypes are not supported")),
        None => return Err(npy_err("header has no 'descr'")),
    };
    let fortran_order = match get("fortran_order") {
        Some(literal::Value::Bool(b)) => *b,
        _ => return Err(npy_err("header has no boolean 'fortran_order'")),
    };
    let shape = match get("shape") {
        Some(literal::Value::Tuple(items)) => items
            .iter()
            .map(|v| match v {
                literal::Value::Int(n) => Ok(*n),
                _ => Err(npy_err("shape holds a non-integer")),
            })
            .collect::<Result<Vec<usize>>>()?,
        _ => return Err(npy_err("header has no tuple 'shape'")),
    };
    let dtype: DType = descr.parse()?;
    if dtype.is_object() {
        return Err(npy_err("object arrays in .npy files are pickles, which are not read"));
    }
    let data = &bytes[end..];
    let nbytes = dtype.nbytes(&shape).ok_or_else(|| npy_err("shape overflows"))?;
    if data.len() != nbytes {
        return Err(npy_err(format!("header says {nbytes} data bytes, file has {}", data.len())));
    }
    Ok(Npy { array: NdArray::from_bytes(data, dtype, shape)?, fortran_order })
}

/// Writes an array as a `.npy` file (version 1.0, or 2.0 if the header needs it).
pub fn write(array: &NdArray, fortran_order: bool) -> Vec<u8> {
    let mut out = header(array.dtype(), array.shape(), fortran_order);
    out.reserve_exact(array.as_bytes().len());
    out.extend_from_slice(array.as_bytes());
    out
}

/// The start of a `.npy` file of this dtype and shape, up to its data: what
/// [`write()`] writes before the array's bytes, for writing a large array's bytes
/// straight after it (`fortran_order`: whether they are in Fortran order).
///
/// ```
/// use zarrcodecs_core::{npy, DType, NdArray};
///
/// let dtype: DType = "<u2".parse()?;
/// let array = NdArray::zeros(dtype, vec![2, 3])?;
/// let mut file = npy::header(dtype, &[2, 3], false);
/// assert_eq!(file.len() % 64, 0);
/// file.extend_from_slice(array.as_bytes());
/// assert_eq!(file, npy::write(&array, false));
/// # Ok::<(), zarrcodecs_core::Error>(())
/// ```
pub fn header(dtype: DType, shape: &[usize], fortran_order: bool) -> Vec<u8> {
    let shape = match shape {
        [n] => format!("({n},)"),
        dims => format!("({})", dims.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")),
    };
    let mut header = format!(
        "{{'descr': '{}', 'fortran_order': {}, 'shape': {}, }}",
        dtype,
        if fortran_order { "True" } else { "False" },
        shape
    );
    // Pad with spaces and end with a newline so the data starts on a 64-byte boundary.
    let v1 = header.len() + 11 < 65536;
    let preamble = if v1 { 10 } else { 12 };
    let total = (preamble + header.len() + 1).div_ceil(64) * 64;
    header.extend(std::iter::repeat_n(' ', total - preamble - header.len() - 1));
    header.push('\n');
    let mut out = Vec::with_capacity(total);
    out.extend_from_slice(MAGIC);
    if v1 {
        out.extend_from_slice(&[1, 0]);
        out.extend_from_slice(&u16::try_from(header.len()).unwrap_or(u16::MAX).to_le_bytes());
    } else {
        out.extend_from_slice(&[2, 0]);
        out.extend_from_slice(&u32::try_from(header.len()).unwrap_or(u32::MAX).to_le_bytes());
    }
    out.extend_from_slice(header.as_bytes());
    out
}

/// A parser for the small subset of Python literals `.npy` headers use.
mod literal {
    #[derive(Debug, PartialEq)]
    pub(super) enum Value {
        Str(String),
        Int(usize),
        Bool(bool),
        Tuple(Vec<Value>),
        List(Vec<Value>),
        Dict(Vec<(String, Value)>),
    }

    struct Parser<'a> {
        s: &'a [u8],
        pos: usize,
        depth: usize,
    }

    pub(super) fn parse(text: &str) -> Result<Value, String> {
        let mut p = Parser { s: text.as_bytes(), pos: 0, depth: 0 };
        let v = p.value()?;
        p.ws();
        if p.pos != p.s.len() {
            return Err(format!("unexpected text at offset {}", p.pos));
        }
        Ok(v)
    }

    impl Parser<'_> {
        fn ws(&mut self) {
            while self.s.get(self.pos).is_some_and(u8::is_ascii_whitespace) {
                self.pos += 1;
            }
        }

        fn peek(&mut self) -> Option<u8> {
            self.ws();
            self.s.get(self.pos).copied()
        }

        fn eat(&mut self, c: u8) -> bool {
            if self.peek() == Some(c) {
                self.pos += 1;
                true
            } else {
                false
            }
        }

        fn value(&mut self) -> Result<Value, String> {
            self.depth += 1;
            if self.depth > 32 {
                return Err("nested too deeply".into());
            }
            let v = match self.peek() {
                Some(b'{') => {
                    self.pos += 1;
                    let mut items = Vec::new();
                    while !self.eat(b'}') {
                        let Value::Str(k) = self.value()? else { return Err("dict keys must be strings".into()) };
                        if !self.eat(b':') {
                            return Err("expected ':'".into());
                        }
                        items.push((k, self.value()?));
                        if !self.eat(b',') && self.peek() != Some(b'}') {
                            return Err("expected ',' or '}'".into());
                        }
                    }
                    Value::Dict(items)
                }
                Some(open @ (b'(' | b'[')) => {
                    self.pos += 1;
                    let close = if open == b'(' { b')' } else { b']' };
                    let mut items = Vec::new();
                    while !self.eat(close) {
                        items.push(self.value()?);
                        if !self.eat(b',') && self.peek() != Some(close) {
                            return Err("expected ',' or a closing bracket".into());
                        }
                    }
                    if open == b'(' {
                        Value::Tuple(items)
                    } else {
                        Value::List(items)
                    }
                }
                Some(q @ (b'\'' | b'"')) => {
                    self.pos += 1;
                    let start = self.pos;
                    while self.s.get(self.pos).is_some_and(|&c| c != q && c != b'\\') {
                        self.pos += 1;
                    }
                    if self.s.get(self.pos) != Some(&q) {
                        return Err("unterminated or escaped string".into());
                    }
                    let text = std::str::from_utf8(&self.s[start..self.pos]).map_err(|e| e.to_string())?;
                    self.pos += 1;
                    Value::Str(text.to_string())
                }
                Some(c) if c.is_ascii_digit() => {
                    let start = self.pos;
                    while self.s.get(self.pos).is_some_and(u8::is_ascii_digit) {
                        self.pos += 1;
                    }
                    let text = std::str::from_utf8(&self.s[start..self.pos]).map_err(|e| e.to_string())?;
                    // numpy writes `3L` in headers from Python 2.
                    if self.s.get(self.pos) == Some(&b'L') {
                        self.pos += 1;
                    }
                    Value::Int(text.parse().map_err(|_| "integer too large".to_string())?)
                }
                _ if self.s[self.pos..].starts_with(b"True") => {
                    self.pos += 4;
                    Value::Bool(true)
                }
                _ if self.s[self.pos..].starts_with(b"False") => {
                    self.pos += 5;
                    Value::Bool(false)
                }
                _ => return Err(format!("unexpected text at offset {}", self.pos)),
            };
            self.depth -= 1;
            Ok(v)
        }
    }
}

#[cfg(test)]
#[allow(clippy::cast_possible_truncation)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_shapes_and_orders() {
        for shape in [vec![], vec![0], vec![3], vec![2, 3], vec![1, 2, 1]] {
            let dt: DType = ">i2".parse().unwrap();
            let n = dt.nbytes(&shape).unwrap();
            let bytes: Vec<u8> = (0..n).map(|i| i as u8).collect();
            let a = NdArray::from_bytes(&bytes, dt, shape).unwrap();
            for fortran in [false, true] {
                let file = write(&a, fortran);
                assert_eq!((file.len() - n) % 64, 0);
                let back = read(&file).unwrap();
                assert_eq!(back.array, a);
                assert_eq!(back.fortran_order, fortran);
            }
        }
    }

    #[test]
    fn reads_numpy_header_text() {
        let mut f = b"\x93NUMPY\x01\x00".to_vec();
        let h = "{'descr': '<u2', 'fortran_order': False, 'shape': (2, 1), }          \n";
        f.extend_from_slice(&(h.len() as u16).to_le_bytes());
        f.extend_from_slice(h.as_bytes());
        f.extend_from_slice(&[1, 0, 2, 0]);
        let n = read(&f).unwrap();
        assert_eq!(n.array.shape(), &[2, 1]);
        assert_eq!(n.array.dtype().to_string(), "<u2");
    }

    #[test]
    fn rejects_bad_files() {
        let good = write(&NdArray::from_bytes(&[1, 2, 3, 4], "<u2".parse().unwrap(), vec![2]).unwrap(), false);
        assert!(read(&good[..good.len() - 1]).is_err());
        assert!(read(&good[..20]).is_err());
        assert!(read(b"\x93NUMPY").is_err());
        assert!(read(b"not npy").is_err());
        let mut bad_version = good.clone();
        bad_version[6] = 9;
        assert!(read(&bad_version).is_err());
        let mut longer = good;
        longer.push(0);
        assert!(read(&longer).is_err());
        let mut f = b"\x93NUMPY\x01\x00".to_vec();
        let h = "{'descr': [('a', '<u2')], 'fortran_order': False, 'shape': (1,), }\n";
        f.extend_from_slice(&(h.len() as u16).to_le_bytes());
        f.extend_from_slice(h.as_bytes());
        assert!(matches!(read(&f), Err(Error::Npy { .. })));
    }
}
