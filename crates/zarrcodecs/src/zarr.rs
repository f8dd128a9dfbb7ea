//! Zarr v2 array metadata (`.zarray`): what a [`Pipeline`](crate::Pipeline) needs to
//! turn stored chunks into arrays of the array's dtype and chunk shape.
//!
//! Three kinds of arrays:
//! - numeric and string dtypes (`<f8`, `|S6`, `<U3`, `|V4`, ...): chunks are bytes
//!   ([`ZarrPipeline::decode_chunk`](crate::ZarrPipeline::decode_chunk));
//! - structured dtypes (`[["a", "<i4"], ["b", "<f8", [2]]]`): chunks are the bytes
//!   of `|V<n>` items, `n` the sum of the fields' sizes; [`ZarrArray::fields`] lists
//!   the fields;
//! - object arrays (`|O`, e.g. strings as xarray writes them, with zarr's
//!   `object_codec` as the first filter): chunks are [`ObjectArray`]s
//!   ([`ZarrPipeline::decode_object_chunk`](crate::ZarrPipeline::decode_object_chunk)).

use serde_json::Value;

use crate::{BigInt, ByteOrder, DType, DTypeKind, Error, NdArray, Object, ObjectArray, Result};

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
    /// (missing chunks then decode to zeros). Always `None` for an object array: see
    /// [`ZarrArray::object_fill_value`].
    pub fill_value: Option<Vec<u8>>,
    /// An object array's fill value, the item a missing chunk is full of, as zarr
    /// 2.18 reads it: `"fill_value": null` is [`Object::None`], `0` is
    /// [`Object::Int`], `""` is an empty [`Object::Str`] (also booleans, other
    /// numbers and strings). `None` for every other dtype.
    pub object_fill_value: Option<Object>,
    /// The fields of a structured dtype, in order (empty for other dtypes). The
    /// array's [`dtype`](ZarrArray::dtype) is then `|V<n>`, `n` the item size.
    pub fields: Vec<Field>,
    /// The filter configurations, in encoding order.
    pub filters: Vec<Value>,
    /// The compressor configuration, if any.
    pub compressor: Option<Value>,
    /// `"."` (the default) or `"/"`: what joins chunk indices in chunk keys.
    pub dimension_separator: String,
}

/// One field of a structured dtype, as `.zarray` lists it: `[name, type]` or
/// `[name, type, shape]` (numpy's `dtype.descr`; unnamed `|V<n>` fields are padding).
#[derive(Clone, Debug, PartialEq)]
pub struct Field {
    /// The field's name (empty for padding).
    pub name: String,
    /// The type of one element: a numpy dtype, or `|V<n>` for a nested structure
    /// (whose fields are [`Field::fields`]).
    pub dtype: DType,
    /// The sub-array shape (`[2]` for `["b", "<f8", [2]]`); empty for a scalar field.
    pub shape: Vec<usize>,
    /// The byte offset of the field in an item.
    pub offset: usize,
    /// The fields of a nested structure (empty otherwise).
    pub fields: Vec<Field>,
}

impl Field {
    /// Bytes the field takes in an item: its dtype's size times its shape.
    pub fn nbytes(&self) -> usize {
        self.dtype.nbytes(&self.shape).unwrap_or(usize::MAX)
    }

    /// The field as numpy writes it in `dtype.descr`, e.g. `["b", "<f8", [2]]`.
    pub fn to_json(&self) -> Value {
        let ty = if self.fields.is_empty() {
            Value::String(self.dtype.to_string())
        } else {
            Value::Array(self.fields.iter().map(Field::to_json).collect())
        };
        let mut out = vec![Value::String(self.name.clone()), ty];
        if !self.shape.is_empty() {
            out.push(self.shape.iter().map(|&d| Value::from(d)).collect());
        }
        Value::Array(out)
    }
}

/// How deep structured dtypes may nest.
const MAX_FIELD_DEPTH: usize = 32;

/// The fields of the structured dtype `list` and their total size.
fn parse_fields(list: &[Value], depth: usize) -> Result<(Vec<Field>, usize)> {
    if depth > MAX_FIELD_DEPTH {
        return Err(bad(format_args!("the structured dtype nests deeper than {MAX_FIELD_DEPTH} levels")));
    }
    if list.is_empty() {
        return Err(bad("a structured dtype needs at least one field"));
    }
    let mut fields = Vec::with_capacity(list.len());
    let mut offset = 0usize;
    for entry in list {
        let parts = entry.as_array().filter(|p| p.len() == 2 || p.len() == 3).ok_or_else(|| {
            bad(format_args!("structured dtype field {entry} is not [name, type] or [name, type, shape]"))
        })?;
        let name = parts[0]
            .as_str()
            .ok_or_else(|| bad(format_args!("structured dtype field {entry}: the name is not a string")))?
            .to_string();
        let (dtype, nested) = match &parts[1] {
            Value::String(s) => (s.parse::<DType>().map_err(bad)?, Vec::new()),
            Value::Array(inner) => {
                let (nested, size) = parse_fields(inner, depth + 1)?;
                (DType::new(DTypeKind::Void, ByteOrder::NotApplicable, size)?, nested)
            }
            other => return Err(bad(format_args!("structured dtype field {name:?}: type {other} is not a dtype"))),
        };
        if dtype.is_object() {
            return Err(bad(format_args!(
                "structured dtype field {name:?} holds objects (|O): not supported (zarr 2.18 stores them as pickles)"
            )));
        }
        let shape = match parts.get(2) {
            None => Vec::new(),
            Some(Value::Array(dims)) => dims
                .iter()
                .map(|d| d.as_u64().and_then(|d| usize::try_from(d).ok()))
                .collect::<Option<Vec<_>>>()
                .ok_or_else(|| bad(format_args!("structured dtype field {name:?}: bad shape {}", parts[2])))?,
            // numpy writes a 1-d sub-array shape as a list, but accepts a bare integer.
            Some(Value::Number(n)) => vec![n
                .as_u64()
                .and_then(|d| usize::try_from(d).ok())
                .ok_or_else(|| bad(format_args!("structured dtype field {name:?}: bad shape {n}")))?],
            Some(other) => return Err(bad(format_args!("structured dtype field {name:?}: bad shape {other}"))),
        };
        let field = Field { name, dtype, shape, offset, fields: nested };
        let size = field.dtype.nbytes(&field.shape).ok_or_else(|| bad("the structured dtype's size overflows"))?;
        offset = offset.checked_add(size).ok_or_else(|| bad("the structured dtype's size overflows"))?;
        fields.push(field);
    }
    Ok((fields, offset))
}

/// An object array's fill value as zarr 2.18 reads it (`np.array(v, dtype=object)[()]`).
fn object_fill(v: &Value) -> Result<Object> {
    Ok(match v {
        Value::Null => Object::None,
        Value::Bool(b) => Object::Bool(*b),
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                Object::Int(i)
            } else if let Some(u) = n.as_u64() {
                Object::from(BigInt::from(u))
            } else {
                Object::Float(n.as_f64().ok_or_else(|| bad(format_args!("fill_value {n} is not a number")))?)
            }
        }
        Value::String(s) => Object::from(s.as_str()),
        other => {
            return Err(bad(format_args!(
                "fill_value {other} of an object array: only null, booleans, numbers and strings are supported"
            )))
        }
    })
}

fn bad(reason: impl std::fmt::Display) -> Error {
    Error::InvalidZarray { reason: reason.to_string() }
}

impl ZarrArray {
    /// Parses a `.zarray` document.
    ///
    /// The dtype is a numpy type string (`"<f8"`, `"|O"`, ...) or a structured dtype
    /// (a list of fields, see [`ZarrArray::fields`]). Fill values are read as zarr
    /// 2.18 writes them: numbers; `"NaN"`, `"Infinity"`, `"-Infinity"` for floats;
    /// `[re, im]` for complex; base64 of the item bytes for `S`, `V` and structured
    /// dtypes (zarr also reads an integer for `S`, as its decimal digits); a string
    /// (or an integer, as its digits) for `U`; an integer for datetimes; any of
    /// null, a boolean, a number or a string for `|O`.
    ///
    /// # Errors
    /// [`Error::InvalidZarray`] for a document that is not zarr format 2, misses a
    /// field, has a dtype this crate does not know (or a structured dtype holding
    /// objects), or a fill value that does not fit the dtype.
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
        let (dtype, fields) = match obj.get("dtype") {
            Some(Value::String(s)) => (s.parse::<DType>().map_err(bad)?, Vec::new()),
            Some(Value::Array(list)) => {
                let (fields, size) = parse_fields(list, 0)?;
                (DType::new(DTypeKind::Void, ByteOrder::NotApplicable, size)?, fields)
            }
            other => return Err(bad(format_args!("dtype is {other:?}, not a type string or a list of fields"))),
        };
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
        let (fill_value, object_fill_value) = match obj.get("fill_value") {
            fill if dtype.is_object() => {
                let fill = fill.unwrap_or(&Value::Null);
                let vlen_bytes =
                    filters.first().and_then(|f| f.get("id")).and_then(Value::as_str) == Some("vlen-bytes");
                let item = match fill {
                    // zarr-python 3 writes a bytes fill value of a vlen-bytes array as
                    // base64 (and reads it so); zarr 2.18 could write no bytes fill at all.
                    Value::String(s) if vlen_bytes => {
                        base64_decode(s).map_or_else(|| Object::from(s.as_str()), Object::from)
                    }
                    other => object_fill(other)?,
                };
                (None, Some(item))
            }
            None | Some(Value::Null) => (None, None),
            Some(v) => (Some(fill_bytes(dtype, v)?), None),
        };
        dtype.nbytes(&chunks).ok_or_else(|| bad("the chunk size overflows"))?;
        Ok(ZarrArray {
            shape,
            chunks,
            dtype,
            order,
            fill_value,
            object_fill_value,
            fields,
            filters,
            compressor,
            dimension_separator,
        })
    }

    /// Whether this is an object array (dtype `|O`): its chunks go through
    /// [`ZarrPipeline::decode_object_chunk`](crate::ZarrPipeline::decode_object_chunk)
    /// and [`ZarrPipeline::encode_object_chunk`](crate::ZarrPipeline::encode_object_chunk).
    pub fn is_object(&self) -> bool {
        self.dtype.is_object()
    }

    /// The fields of a structured dtype, in order; empty for other dtypes.
    ///
    /// ```
    /// use zarrcodecs::{serde_json::json, ZarrArray};
    /// let doc = json!({"zarr_format": 2, "shape": [4], "chunks": [2], "order": "C",
    ///                  "dtype": [["a", "<i4"], ["b", "<f8", [2]]], "fill_value": null,
    ///                  "filters": null, "compressor": null});
    /// let array = ZarrArray::from_json(&doc)?;
    /// assert_eq!(array.dtype.to_string(), "|V20");
    /// let b = &array.fields()[1];
    /// assert_eq!((b.name.as_str(), b.dtype.to_string(), b.shape.as_slice(), b.offset), ("b", "<f8".into(), &[2][..], 4));
    /// # Ok::<(), zarrcodecs::Error>(())
    /// ```
    pub fn fields(&self) -> &[Field] {
        &self.fields
    }

    /// Items in one chunk: the product of the chunk shape.
    pub fn chunk_len(&self) -> usize {
        self.chunks.iter().try_fold(1usize, |a, &d| a.checked_mul(d)).unwrap_or(usize::MAX)
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

    /// An object array's chunk full of its fill value ([`ZarrArray::object_fill_value`]),
    /// what zarr 2.18 reads for a chunk that is not stored.
    ///
    /// # Errors
    /// [`Error::UnsupportedDType`] if the array is not an object array.
    pub fn fill_object_chunk(&self) -> Result<ObjectArray> {
        let item = self.object_fill_value.as_ref().ok_or_else(|| Error::UnsupportedDType {
            codec: "ZarrArray::fill_object_chunk".into(),
            dtype: self.dtype,
            reason: "only object arrays (|O) have object chunks: use ZarrArray::fill_chunk".into(),
        })?;
        let n = self.chunk_len();
        let mut items = Vec::new();
        items.try_reserve_exact(n).map_err(|_| Error::Allocation { size: n.saturating_mul(size_of::<Object>()) })?;
        items.resize(n, item.clone());
        ObjectArray::new(items, self.chunks.clone())
    }

    /// A chunk filled with the fill value (zeros for a `null` fill value).
    ///
    /// # Errors
    /// [`Error::Allocation`]; [`Error::UnsupportedDType`] for an object array (see
    /// [`ZarrArray::fill_object_chunk`]).
    pub fn fill_chunk(&self) -> Result<NdArray> {
        if self.is_object() {
            return Err(Error::UnsupportedDType {
                codec: "ZarrArray::fill_chunk".into(),
                dtype: self.dtype,
                reason: "an object array's chunks are object arrays: use ZarrArray::fill_object_chunk".into(),
            });
        }
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
/// for complex; base64 for `S` and `V` (or an integer's digits for `S`); a string
/// (or an integer's digits) for `U`; an integer for datetimes.
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
            let mut b = match v {
                Value::String(s) => base64_decode(s).ok_or_else(misfit)?,
                // zarr reads a fill value that is not base64 as is: an integer gives
                // its digits (`np.array(0, dtype="S6")` is b"0").
                Value::Number(n) if dtype.kind() == DTypeKind::Bytes && (n.is_i64() || n.is_u64()) => {
                    n.to_string().into_bytes()
                }
                _ => return Err(misfit()),
            };
            if b.len() > size {
                return Err(misfit());
            }
            b.resize(size, 0);
            return Ok(b);
        }
        DTypeKind::Unicode => {
            let digits;
            let s = match v {
                Value::String(s) => s.as_str(),
                // zarr keeps the value as it is and numpy writes an integer's digits.
                Value::Number(n) if n.is_i64() || n.is_u64() => {
                    digits = n.to_string();
                    &digits
                }
                _ => return Err(misfit()),
            };
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
            ("dtype", json!([])),
            ("dtype", json!([["a"]])),
            ("dtype", json!([[1, "<i4"]])),
            ("dtype", json!([["a", "<i4", [-1]]])),
            ("dtype", json!([["a", "|O"]])),
            ("dtype", json!([["a", "<x4"]])),
            ("dtype", json!([["a", 3]])),
            ("dtype", json!([["a", "<f8", [1u64 << 40, 1u64 << 40]]])),
            ("order", json!("K")),
            ("chunks", json!([2, 2])),
            ("fill_value", json!("x")),
        ] {
            let mut doc = base.clone();
            doc[key] = v;
            assert!(matches!(ZarrArray::from_json(&doc), Err(Error::InvalidZarray { .. })), "{key}");
        }
    }

    fn doc(dtype: Value, fill: Value) -> Value {
        json!({"zarr_format": 2, "shape": [4], "chunks": [3], "dtype": dtype, "compressor": null,
               "fill_value": fill, "filters": null, "order": "C"})
    }

    #[test]
    fn structured_dtypes() {
        let a =
            ZarrArray::from_json(&doc(json!([["a", "<i4"], ["b", "<f8", [2]]]), json!("AwAAAAAAAAAAAPg/AAAAAAAABEA=")))
                .unwrap();
        assert_eq!(a.dtype.to_string(), "|V20");
        assert_eq!(a.chunk_nbytes(), 60);
        let names: Vec<(&str, usize, usize)> =
            a.fields().iter().map(|f| (f.name.as_str(), f.offset, f.nbytes())).collect();
        assert_eq!(names, [("a", 0, 4), ("b", 4, 16)]);
        let mut item = 3i32.to_le_bytes().to_vec();
        item.extend(1.5f64.to_le_bytes());
        item.extend(2.5f64.to_le_bytes());
        assert_eq!(a.fill_value.as_deref(), Some(&item[..]));
        assert_eq!(a.fill_chunk().unwrap().as_bytes(), item.repeat(3));
        // Nested, with numpy's padding fields; to_json gives the descr back.
        let descr = json!([["x", "<i2"], ["", "|V2"], ["y", [["p", "|u1"], ["q", ">f4", [2, 2]]]], ["", "|V3"]]);
        let a = ZarrArray::from_json(&doc(descr.clone(), Value::Null)).unwrap();
        assert_eq!(a.dtype.itemsize(), 24);
        let y = &a.fields()[2];
        assert_eq!((y.dtype.to_string().as_str(), y.offset, y.fields[1].offset), ("|V17", 4, 1));
        assert_eq!(Value::Array(a.fields().iter().map(Field::to_json).collect()), descr);
        // A bare integer sub-array shape, as numpy also accepts.
        assert_eq!(ZarrArray::from_json(&doc(json!([["a", "<i2", 3]]), Value::Null)).unwrap().dtype.itemsize(), 6);
        // Too deep.
        let mut deep = json!("<i4");
        for _ in 0..40 {
            deep = json!([["a", deep]]);
        }
        assert!(ZarrArray::from_json(&doc(deep, Value::Null)).is_err());
    }

    #[test]
    fn object_fill_values() {
        let fill = |v: Value| ZarrArray::from_json(&doc(json!("|O"), v)).unwrap().object_fill_value.unwrap();
        assert_eq!(fill(Value::Null), Object::None);
        assert_eq!(fill(json!(0)), Object::Int(0));
        assert_eq!(fill(json!("")), Object::from(""));
        assert_eq!(fill(json!(true)), Object::Bool(true));
        assert_eq!(fill(json!(1.5)), Object::Float(1.5));
        assert_eq!(fill(json!(u64::MAX)), Object::BigInt(BigInt::from(u64::MAX)));
        let a = ZarrArray::from_json(&doc(json!("|O"), json!(""))).unwrap();
        assert!(a.is_object() && a.fill_value.is_none());
        assert_eq!(a.fill_object_chunk().unwrap().items(), [Object::from(""), Object::from(""), Object::from("")]);
        assert!(matches!(a.fill_chunk(), Err(Error::UnsupportedDType { .. })));
        // A missing fill_value is null.
        let mut d = doc(json!("|O"), Value::Null);
        d.as_object_mut().unwrap().remove("fill_value");
        assert_eq!(ZarrArray::from_json(&d).unwrap().object_fill_value, Some(Object::None));
        // vlen-bytes: a string is base64 bytes, as zarr-python 3 writes and reads it.
        let mut d = doc(json!("|O"), json!("eno="));
        d["filters"] = json!([{"id": "vlen-bytes"}]);
        assert_eq!(ZarrArray::from_json(&d).unwrap().object_fill_value, Some(Object::from(&b"zz"[..])));
        d["fill_value"] = json!("");
        assert_eq!(ZarrArray::from_json(&d).unwrap().object_fill_value, Some(Object::from(&b""[..])));
        d["fill_value"] = json!("not base64!");
        assert_eq!(ZarrArray::from_json(&d).unwrap().object_fill_value, Some(Object::from("not base64!")));
        for v in [json!([1]), json!({"a": 1})] {
            assert!(ZarrArray::from_json(&doc(json!("|O"), v)).is_err());
        }
        let numeric = ZarrArray::from_json(&doc(json!("<i4"), json!(0))).unwrap();
        assert!(numeric.object_fill_value.is_none() && numeric.fill_object_chunk().is_err());
    }

    #[test]
    fn string_fill_values_zarr_reads_leniently() {
        // zarr 2.18 reads an integer fill value of an S or U array as its digits.
        assert_eq!(item("|S3", json!(0)), *b"0\0\0");
        assert_eq!(item("<U2", json!(12)), [49, 0, 0, 0, 50, 0, 0, 0]);
        assert_eq!(item(">U1", json!("\u{e9}")), [0, 0, 0, 0xe9]);
        assert_eq!(item("|S2", json!("")), [0, 0]);
        assert!(fill_bytes("|S2".parse().unwrap(), &json!(1.5)).is_err());
        assert!(fill_bytes("|V2".parse().unwrap(), &json!(0)).is_err());
        assert!(fill_bytes("<U1".parse().unwrap(), &json!("ab")).is_err());
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
