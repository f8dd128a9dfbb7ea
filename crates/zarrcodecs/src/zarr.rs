//! Zarr v2 array metadata (`.zarray`): what a [`Pipeline`](crate::Pipeline) needs to
//! turn stored chunks into arrays of the array's dtype and chunk shape.

use serde_json::Value;

use crate::{ByteOrder, DType, DTypeKind, Error, NdArray, Result};

/// The memory layout of a chunk, as `.zarray`'s `order` says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Order {
    /// Row-major (numpy's default).
    C,
    /// Column-major (Fortran): the first axis varies fastest.
    F,
}

/// The fields of a zarr v2 `.zarray` document.
#[derive(Clone, Debug, PartialEq)]
pub struct ZarrArray {
    /// The array's shape.
    pub shape: Vec<usize>,
    /// The chunk shape: every stored chunk, edge chunks included, has this shape.
    pub chunks: Vec<usize>,
    /// The dtype of the array's items.
    pub dtype: DType,
    /// The memory order of each chunk.
    pub order: Order,
    /// The fill value as the bytes of one item, or `None` for `"fill_value": null`
    /// (missing chunks then decode to zeros).
    pub fill_value: Option<Vec<u8>>,
    /// The filter configurations, in encoding order.
    pub filters: Vec<Value>,
    /// The compressor configuration, if any.
    pub compressor: Option<Value>,
    /// `"."` (the default) or `"/"`: what joins chunk indices in chunk keys.
    pub dimension_separator: String,
}

fn bad(reason: impl std::fmt::Display) -> Error {
    Error::InvalidZarray { reason: reason.to_string() }
}

impl ZarrArray {
    /// Parses a `.zarray` document.
    ///
    /// # Errors
    /// [`Error::InvalidZarray`] for a document that is not zarr format 2, misses a
    /// field, has a structured or object dtype, or a fill value that does not fit the
    /// dtype.
    pub fn from_json(doc: &Value) -> Result<Self> {
        let obj = doc.as_object().ok_or_else(|| bad("the document is not a JSON object"))?;
        match obj.get("zarr_format") {
            Some(v) if v.as_u64() == Some(2) => {}
            Some(v) => return Err(bad(format_args!("zarr_format is {v}, only 2 is supported"))),
            None => return Err(bad("no zarr_format")),
        }
        let dims = |key: &str| -> Result<Vec<usize>> {
            let arr = obj.get(key).and_then(Value::as_array).ok_or_else(|| bad(format_args!("{key} is not a list")))?;
            arr.iter()
                .map(|d| {
                    d.as_u64()
                        .and_then(|d| usize::try_from(d).ok())
                        .ok_or_else(|| bad(format_args!("{key} holds {d}, not a non-negative integer")))
                })
                .collect()
        };
        let shape = dims("shape")?;
        let chunks = dims("chunks")?;
        if chunks.len() != shape.len() {
            return Err(bad(format_args!("shape {shape:?} and chunks {chunks:?} differ in length")));
        }
        let dtype = match obj.get("dtype") {
            Some(Value::String(s)) => s.parse::<DType>().map_err(bad)?,
            Some(Value::Array(_)) => return Err(bad("structured dtypes are not supported")),
            other => return Err(bad(format_args!("dtype is {other:?}, not a type string"))),
        };
        if dtype.is_object() {
            return Err(bad("object arrays (dtype |O) are not supported yet"));
        }
        if dtype.itemsize() == 0 {
            return Err(bad(format_args!("dtype {dtype} has item size 0")));
        }
        let order = match obj.get("order").and_then(Value::as_str) {
            Some("C") | None => Order::C,
            Some("F") => Order::F,
            Some(o) => return Err(bad(format_args!("order is {o:?}, not \"C\" or \"F\""))),
        };
        let filters = match obj.get("filters") {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(items)) => items.clone(),
            Some(v) => return Err(bad(format_args!("filters is {v}, not a list or null"))),
        };
        let compressor = match obj.get("compressor") {
            None | Some(Value::Null) => None,
            Some(v @ Value::Object(_)) => Some(v.clone()),
            Some(v) => return Err(bad(format_args!("compressor is {v}, not an object or null"))),
        };
        let dimension_separator = match obj.get("dimension_separator") {
            None | Some(Value::Null) => ".".to_string(),
            Some(Value::String(s)) if s == "." || s == "/" => s.clone(),
            Some(v) => return Err(bad(format_args!("dimension_separator is {v}, not \".\" or \"/\""))),
        };
        let fill_value = match obj.get("fill_value") {
            None | Some(Value::Null) => None,
            Some(v) => Some(fill_bytes(dtype, v)?),
        };
        dtype.nbytes(&chunks).ok_or_else(|| bad("the chunk size overflows"))?;
        Ok(ZarrArray { shape, chunks, dtype, order, fill_value, filters, compressor, dimension_separator })
    }

    /// Bytes in one stored chunk: chunk shape times item size.
    pub fn chunk_nbytes(&self) -> usize {
        self.dtype.nbytes(&self.chunks).unwrap_or(usize::MAX)
    }

    /// How many chunks there are along each axis.
    pub fn chunk_grid(&self) -> Vec<usize> {
        self.shape.iter().zip(&self.chunks).map(|(&s, &c)| if c == 0 { 0 } else { s.div_ceil(c) }).collect()
    }

    /// The store key of the chunk at `index` (e.g. `"1.0"`, `"1/0"`; `"0"` for 0-d).
    pub fn chunk_key(&self, index: &[usize]) -> String {
        if index.is_empty() {
            return "0".into();
        }
        index.iter().map(ToString::to_string).collect::<Vec<_>>().join(&self.dimension_separator)
    }

    /// A chunk filled with the fill value (zeros for a `null` fill value).
    ///
    /// # Errors
    /// [`Error::Allocation`].
    pub fn fill_chunk(&self) -> Result<NdArray> {
        let mut a = NdArray::zeros(self.dtype, self.chunks.clone())?;
        if let Some(item) = &self.fill_value {
            if item.iter().any(|&b| b != 0) {
                for dst in a.as_bytes_mut().chunks_exact_mut(item.len()) {
                    dst.copy_from_slice(item);
                }
            }
        }
        Ok(a)
    }
}

/// A copy of `array`, whose bytes are in Fortran order, with its bytes in C order
/// (same dtype and shape).
///
/// # Errors
/// [`Error::Allocation`].
pub fn fortran_to_c(array: &NdArray) -> Result<NdArray> {
    let shape = array.shape().to_vec();
    let size = array.dtype().itemsize();
    let mut out = NdArray::zeros(array.dtype(), shape.clone())?;
    if shape.len() < 2 || array.is_empty() {
        out.as_bytes_mut().copy_from_slice(array.as_bytes());
        return Ok(out);
    }
    // Strides (in items) of the Fortran source.
    let mut fstride = vec![1usize; shape.len()];
    for i in 1..shape.len() {
        fstride[i] = fstride[i - 1] * shape[i - 1];
    }
    let src = array.as_bytes();
    let dst = out.as_bytes_mut();
    let mut index = vec![0usize; shape.len()];
    for d in dst.chunks_exact_mut(size) {
        let off: usize = index.iter().zip(&fstride).map(|(i, s)| i * s).sum::<usize>() * size;
        d.copy_from_slice(&src[off..off + size]);
        // Advance the C-order index (last axis fastest).
        for ax in (0..shape.len()).rev() {
            index[ax] += 1;
            if index[ax] < shape[ax] {
                break;
            }
            index[ax] = 0;
        }
    }
    Ok(out)
}

/// A copy of `array`, whose bytes are in C order, with its bytes in Fortran order
/// (same dtype and shape).
///
/// # Errors
/// [`Error::Allocation`].
pub fn c_to_fortran(array: &NdArray) -> Result<NdArray> {
    // C bytes of shape s are the Fortran bytes of the reversed shape, and the other way round.
    let reversed: Vec<usize> = array.shape().iter().rev().copied().collect();
    let as_f = NdArray::from_bytes(array.as_bytes(), array.dtype(), reversed)?;
    fortran_to_c(&as_f)?.reinterpret(array.dtype(), array.shape().to_vec())
}

/// One item of `dtype` holding the `.zarray` fill value `v`, encoded as zarr 2.18
/// writes it: numbers; `"NaN"`, `"Infinity"`, `"-Infinity"` for floats; `[re, im]`
/// for complex; base64 for `S` and `V`; a string for `U`; an integer for datetimes.
pub(crate) fn fill_bytes(dtype: DType, v: &Value) -> Result<Vec<u8>> {
    let size = dtype.itemsize();
    let misfit = || bad(format_args!("fill_value {v} does not fit dtype {dtype}"));
    let mut le: Vec<u8> = match dtype.kind() {
        DTypeKind::Bool => match v {
            Value::Bool(b) => vec![u8::from(*b)],
            Value::Number(n) => vec![u8::from(n.as_f64().is_some_and(|x| x != 0.0))],
            _ => return Err(misfit()),
        },
        DTypeKind::Int | DTypeKind::Datetime { .. } | DTypeKind::Timedelta { .. } => {
            let x = v.as_i64().ok_or_else(misfit)?;
            let bytes = x.to_le_bytes();
            let bits = size * 8;
            if size < 8 && (x < -(1i64 << (bits - 1)) || x >= (1i64 << (bits - 1))) {
                return Err(misfit());
            }
            bytes.get(..size).ok_or_else(misfit)?.to_vec()
        }
        DTypeKind::UInt => {
            let x = v.as_u64().ok_or_else(misfit)?;
            if size < 8 && x >= (1u64 << (size * 8)) {
                return Err(misfit());
            }
            x.to_le_bytes().get(..size).ok_or_else(misfit)?.to_vec()
        }
        DTypeKind::Float => float_le(float_of(v).ok_or_else(misfit)?, size).ok_or_else(misfit)?,
        DTypeKind::Complex => {
            let parts = v.as_array().filter(|p| p.len() == 2).ok_or_else(misfit)?;
            let (re, im) = (float_of(&parts[0]).ok_or_else(misfit)?, float_of(&parts[1]).ok_or_else(misfit)?);
            let mut b = float_le(re, size / 2).ok_or_else(misfit)?;
            b.extend(float_le(im, size / 2).ok_or_else(misfit)?);
            // Each half is swapped on its own below.
            if dtype.byte_order() == ByteOrder::Big {
                let half = size / 2;
                b[..half].reverse();
                b[half..].reverse();
            }
            return Ok(b);
        }
        DTypeKind::Bytes | DTypeKind::Void => {
            let mut b = base64_decode(v.as_str().ok_or_else(misfit)?).ok_or_else(misfit)?;
            if b.len() > size {
                return Err(misfit());
            }
            b.resize(size, 0);
            return Ok(b);
        }
        DTypeKind::Unicode => {
            let s = v.as_str().ok_or_else(misfit)?;
            let mut b = Vec::with_capacity(size);
            for c in s.chars() {
                let u = u32::from(c);
                b.extend(if dtype.byte_order() == ByteOrder::Big { u.to_be_bytes() } else { u.to_le_bytes() });
            }
            if b.len() > size {
                return Err(misfit());
            }
            b.resize(size, 0);
            return Ok(b);
        }
        DTypeKind::Object => return Err(misfit()),
    };
    if dtype.byte_order() == ByteOrder::Big {
        le.reverse();
    }
    Ok(le)
}

fn float_of(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => match s.as_str() {
            "NaN" => Some(f64::NAN),
            "Infinity" => Some(f64::INFINITY),
            "-Infinity" => Some(f64::NEG_INFINITY),
            _ => None,
        },
        _ => None,
    }
}

#[allow(clippy::cast_possible_truncation)]
fn float_le(x: f64, size: usize) -> Option<Vec<u8>> {
    match size {
        8 => Some(x.to_le_bytes().to_vec()),
        4 => Some((x as f32).to_le_bytes().to_vec()),
        2 => Some(f16_bits(x).to_le_bytes().to_vec()),
        _ => None,
    }
}

/// IEEE half-precision bits of `x`, rounded to nearest even (numpy's conversion).
#[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
fn f16_bits(x: f64) -> u16 {
    let bits = x.to_bits();
    let sign = ((bits >> 48) & 0x8000) as u16;
    let exp = ((bits >> 52) & 0x7ff) as i32;
    let man = bits & ((1u64 << 52) - 1);
    if exp == 0x7ff {
        return sign | 0x7c00 | if man != 0 { 0x200 } else { 0 };
    }
    let e = exp - 1023 + 15;
    if e >= 0x1f {
        return sign | 0x7c00;
    }
    // The full significand with its implicit bit, and how far to shift it down.
    let full = man | (1u64 << 52);
    let (shift, base) = if e <= 0 { (42 + 1 - e, 0u16) } else { (42, (e as u16) << 10) };
    if shift > 63 {
        return sign;
    }
    let m = full >> shift;
    let rem = full & ((1u64 << shift) - 1);
    let halfway = 1u64 << (shift - 1);
    let mut h = if e <= 0 { m as u16 } else { base | ((m as u16) & 0x3ff) };
    if rem > halfway || (rem == halfway && (h & 1) == 1) {
        // Carries into the exponent (and to infinity) are the right result.
        h += 1;
    }
    sign | h
}

fn base64_decode(text: &str) -> Option<Vec<u8>> {
    let val = |c: u8| -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        } as u32)
    };
    let t = text.trim_end_matches('=').as_bytes();
    let mut out = Vec::with_capacity(t.len() * 3 / 4);
    for group in t.chunks(4) {
        let mut acc = 0u32;
        for (i, &c) in group.iter().enumerate() {
            acc |= val(c)? << (18 - 6 * i);
        }
        let n = match group.len() {
            4 => 3,
            3 => 2,
            2 => 1,
            _ => return None,
        };
        out.extend_from_slice(&acc.to_be_bytes()[1..=n]);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use serde_json::json;

    fn item(dtype: &str, v: Value) -> Vec<u8> {
        fill_bytes(dtype.parse().unwrap(), &v).unwrap()
    }

    #[test]
    fn fill_values_as_zarr_writes_them() {
        assert_eq!(item("<i4", json!(-2)), (-2i32).to_le_bytes());
        assert_eq!(item(">u2", json!(258)), [1, 2]);
        assert_eq!(item("<f8", json!("NaN")), f64::NAN.to_le_bytes());
        assert_eq!(item("<f4", json!("-Infinity")), f32::NEG_INFINITY.to_le_bytes());
        assert_eq!(item(">f8", json!(1.5)), 1.5f64.to_be_bytes());
        assert_eq!(item("<f2", json!(1.0)), [0x00, 0x3c]);
        assert_eq!(item("<f2", json!(-2.5)), [0x00, 0xc1]);
        assert_eq!(item("<f2", json!(65520.0)), [0x00, 0x7c]);
        assert_eq!(item("<f2", json!(1e-7)), [0x02, 0x00]);
        assert_eq!(item("<c8", json!([1.0, "NaN"])), [1f32.to_le_bytes(), f32::NAN.to_le_bytes()].concat());
        assert_eq!(item("|b1", json!(true)), [1]);
        assert_eq!(item("|S4", json!("YWI=")), *b"ab\0\0");
        assert_eq!(item("<U2", json!("a")), [97, 0, 0, 0, 0, 0, 0, 0]);
        assert_eq!(item("<M8[ns]", json!(7)), 7i64.to_le_bytes());
        for (dtype, v) in [("|u1", json!(256)), ("|i1", json!(-129)), ("<i4", json!("x")), ("|S1", json!("YWI="))] {
            assert!(fill_bytes(dtype.parse().unwrap(), &v).is_err(), "{dtype} {v}");
        }
    }

    #[test]
    fn bad_documents() {
        let base = json!({"zarr_format": 2, "shape": [4], "chunks": [2], "dtype": "<i4", "compressor": null,
                          "fill_value": 0, "filters": null, "order": "C"});
        assert!(ZarrArray::from_json(&base).is_ok());
        for (key, v) in [
            ("zarr_format", json!(3)),
            ("dtype", json!([["a", "<i4"]])),
            ("dtype", json!("|O")),
            ("order", json!("K")),
            ("chunks", json!([2, 2])),
            ("fill_value", json!("x")),
        ] {
            let mut doc = base.clone();
            doc[key] = v;
            assert!(matches!(ZarrArray::from_json(&doc), Err(Error::InvalidZarray { .. })), "{key}");
        }
    }

    #[test]
    fn fortran_to_c_transposes() {
        // [[0, 1, 2], [3, 4, 5]] in Fortran order.
        let f = NdArray::from_bytes(&[0, 3, 1, 4, 2, 5], DType::U1, vec![2, 3]).unwrap();
        assert_eq!(fortran_to_c(&f).unwrap().as_bytes(), &[0, 1, 2, 3, 4, 5]);
        let c = NdArray::from_bytes(&(0..24).collect::<Vec<u8>>(), DType::U1, vec![2, 3, 4]).unwrap();
        assert_eq!(fortran_to_c(&c_to_fortran(&c).unwrap()).unwrap(), c);
    }
}
