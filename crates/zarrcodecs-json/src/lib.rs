#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]

mod fast;
mod parse;

mod write;

use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use zarrcodecs_core::{
    AlignedBuf, ArrayView, BigInt, ByteOrder, Codec, DType, DTypeKind, Data, DataRef, DecodeOptions, Error, NdArray,
    Object, ObjectArray, Result, StaticCodec,
};

use parse::Value;
use write::Layout;
use zarrcodecs_kernels::pynum::{self as cast, Num};

pub(crate) const JSON_ID: &str = "json2";

/// Writes item `i` of the array being encoded at list nesting `level`.
type Leaf<'a> = dyn FnMut(&mut Vec<u8>, usize, usize) -> Result<()> + 'a;

/// Deepest nesting of lists accepted when decoding or encoding (Python's recursion
/// limit is about 1000).
pub(crate) const MAX_DEPTH: usize = 512;

/// Python's `indent`: a number of spaces or a string.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Indent {
    /// Python's `True` (one space) or `False` (no indent, but newlines): numcodecs'
    /// own tests wrote `indent: true`.
    Flag(bool),
    /// That many spaces (none if negative).
    Spaces(i64),
    /// This string.
    Text(String),
}

fn utf8() -> String {
    "utf-8".into()
}

fn yes() -> bool {
    true
}

/// The configuration of [`Json`]: numcodecs' `get_config()` keys. `skipkeys` and
/// `sort_keys` matter for dict items; `check_circular` is kept for the round trip (an
/// [`Object`] tree cannot hold a cycle).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JsonConfig {
    /// The text encoding of the bytes: UTF-8, ASCII or Latin-1 (any of Python's
    /// spellings of them).
    #[serde(default = "utf8")]
    pub encoding: String,
    /// Python's `skipkeys`: leave out dict items whose key is not a `str`, `int`,
    /// `float`, `bool` or `None` (else such a key is an error).
    #[serde(default)]
    pub skipkeys: bool,
    /// Escape every non-ASCII character as `\uXXXX`.
    #[serde(default = "yes")]
    pub ensure_ascii: bool,
    /// Python's `check_circular`.
    #[serde(default = "yes")]
    pub check_circular: bool,
    /// Write `NaN`, `Infinity`, `-Infinity`; when false such values cannot be encoded.
    #[serde(default = "yes")]
    pub allow_nan: bool,
    /// Pretty-print with this indent (`None`: one line).
    #[serde(default)]
    pub indent: Option<Indent>,
    /// The item and key separators; `None` means `(",", ":")` without indent and
    /// `(", ", ": ")` with one (numcodecs' `get_config()` always writes them out).
    #[serde(default)]
    pub separators: Option<(String, String)>,
    /// Python's `sort_keys`: write dict items sorted by key, as `sorted(d.items())`
    /// (keys that do not compare with `<`, such as `str` and `int` together, are then an
    /// error); else in the dict's order.
    #[serde(default = "yes")]
    pub sort_keys: bool,
    /// Refuse control characters inside strings when decoding.
    #[serde(default = "yes")]
    pub strict: bool,
}

impl Default for JsonConfig {
    fn default() -> Self {
        JsonConfig {
            encoding: utf8(),
            skipkeys: false,
            ensure_ascii: true,
            check_circular: true,
            allow_nan: true,
            indent: None,
            separators: None,
            sort_keys: true,
            strict: true,
        }
    }
}

/// The text encodings supported for the `encoding` option.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum TextEncoding {
    Utf8,
    Ascii,
    Latin1,
}

impl TextEncoding {
    /// Python's codec lookup: case-insensitive, `-` and spaces as `_`, then the aliases.
    fn parse(name: &str) -> Option<Self> {
        let norm: String =
            name.trim().chars().map(|c| if c == '-' || c == ' ' { '_' } else { c.to_ascii_lowercase() }).collect();
        match norm.as_str() {
            "utf_8" | "utf8" | "u8" | "utf" | "cp65001" => Some(TextEncoding::Utf8),
            "ascii" | "us_ascii" | "646" | "us" | "ansi_x3.4_1968" | "iso646_us" | "cp367" => Some(TextEncoding::Ascii),
            "latin_1" | "latin1" | "latin" | "l1" | "iso_8859_1" | "iso8859_1" | "8859" | "cp819" | "iso_ir_100" => {
                Some(TextEncoding::Latin1)
            }
            _ => None,
        }
    }
}

/// numcodecs' `JSON` (id `json2`): the array's items as a JSON list (nested by the
/// shape, as `ndarray.tolist()`), followed by the dtype string and the shape, written
/// as Python's `json.JSONEncoder` writes them. Takes object arrays (`str`, `int` of
/// any size, `float`, `bool`, `None`, lists, dicts) and numeric arrays (booleans,
/// integers, floats, `U` strings); decodes to the dtype and shape of the trailer, JSON
/// objects to [`Object::Dict`] with `str` keys in the document's order.
#[derive(Clone, Debug, PartialEq)]
pub struct Json {
    config: JsonConfig,
    encoding: TextEncoding,
    indent: Option<String>,
    separators: (String, String),
    /// The `json` format: no shape in the trailer.
    legacy: bool,
}

impl Default for Json {
    /// The codec with numcodecs' defaults.
    fn default() -> Self {
        // The default configuration is valid.
        Self::from_config(JsonConfig::default()).unwrap_or_else(|_| unreachable!())
    }
}

impl Json {
    /// The codec with these options (numcodecs' `JSON(**config)`); [`Json::default`]
    /// has numcodecs' defaults.
    ///
    /// # Errors
    /// [`Error::InvalidConfig`] for an unsupported encoding, indent or separators.
    pub fn new(config: JsonConfig) -> Result<Self> {
        Self::from_config(config)
    }

    fn layout(&self) -> Layout<'_> {
        Layout {
            indent: self.indent.as_deref(),
            item_sep: &self.separators.0,
            key_sep: &self.separators.1,
            ensure_ascii: self.config.ensure_ascii,
            allow_nan: self.config.allow_nan,
            sort_keys: self.config.sort_keys,
            skipkeys: self.config.skipkeys,
        }
    }

    /// Writes the array's items nested by `shape` at list `level`.
    fn nested(
        &self,
        out: &mut Vec<u8>,
        shape: &[usize],
        level: usize,
        next: &mut usize,
        leaf: &mut Leaf<'_>,
    ) -> Result<()> {
        let Some((&n, rest)) = shape.split_first() else {
            leaf(out, *next, level)?;
            *next += 1;
            return Ok(());
        };
        let l = self.layout();
        if n == 0 {
            out.extend_from_slice(b"[]");
            return Ok(());
        }
        l.open(out, level);
        for i in 0..n {
            if i > 0 {
                l.sep(out, level);
            }
            self.nested(out, rest, level + 1, next, leaf)?;
        }
        l.close(out, level);
        Ok(())
    }

    /// The whole document: `[items..., dtype, shape]`.
    fn document(&self, dtype: DType, shape: &[usize], leaf: &mut Leaf<'_>) -> Result<Vec<u8>> {
        let l = self.layout();
        let mut out = Vec::new();
        if self.legacy && shape.is_empty() {
            return Err(Error::unsupported_input(
                "json",
                "the legacy json codec cannot encode 0-dimensional arrays (its tolist() is not a list)",
            ));
        }
        l.open(&mut out, 0);
        let mut next = 0;
        // `np.atleast_1d(buf).tolist()`: a 0-d array is a list of its one item.
        let top: &[usize] = if shape.is_empty() { &[1] } else { shape };
        for i in 0..top[0] {
            self.nested(&mut out, &top[1..], 1, &mut next, leaf)?;
            let _ = i;
            l.sep(&mut out, 0);
        }
        l.string(&mut out, &dtype.to_string());
        if self.legacy {
            l.close(&mut out, 0);
            return Ok(out);
        }
        l.sep(&mut out, 0);
        if shape.is_empty() {
            out.extend_from_slice(b"[]");
        } else {
            l.open(&mut out, 1);
            for (i, &d) in shape.iter().enumerate() {
                if i > 0 {
                    l.sep(&mut out, 1);
                }
                write::int(&mut out, d as i128);
            }
            l.close(&mut out, 1);
        }
        l.close(&mut out, 0);
        Ok(out)
    }

    fn encode_numeric(&self, a: &ArrayView<'_>) -> Result<Vec<u8>> {
        let dtype = a.dtype();
        let size = dtype.itemsize();
        let bytes = a.as_bytes();
        let l = self.layout();
        let unsupported = || Error::UnsupportedDType {
            codec: JSON_ID.into(),
            dtype,
            reason: "json2 writes booleans, integers, floats, `U` strings and object arrays (numcodecs cannot \
                     serialise the other dtypes' items)"
                .into(),
        };
        match dtype.kind() {
            DTypeKind::Bool | DTypeKind::Int | DTypeKind::UInt | DTypeKind::Float => {
                self.document(dtype, a.shape(), &mut |out, i, _| {
                    match cast::read_num(dtype, &bytes[i * size..(i + 1) * size]) {
                        Some(Num::Bool(b)) => out.extend_from_slice(if b { b"true" } else { b"false" }),
                        Some(Num::Int(v)) => write::int(out, v),
                        Some(Num::Float(f)) => l.float(out, f)?,
                        None => return Err(unsupported()),
                    }
                    Ok(())
                })
            }
            DTypeKind::Unicode if size > 0 => self.document(dtype, a.shape(), &mut |out, i, _| {
                let s = ucs4(&bytes[i * size..(i + 1) * size], dtype.byte_order())?;
                l.string(out, &s);
                Ok(())
            }),
            _ => Err(unsupported()),
        }
    }

    fn encode_objects(&self, o: &ObjectArray) -> Result<Vec<u8>> {
        let l = self.layout();
        let items = o.items();
        self.document(DType::OBJECT, o.shape(), &mut |out, i, level| l.object(out, &items[i], level))
    }

    /// The text of the encoded bytes.
    fn text<'a>(&self, bytes: &'a [u8]) -> Result<Cow<'a, str>> {
        match self.encoding {
            TextEncoding::Utf8 => std::str::from_utf8(bytes)
                .map(Cow::Borrowed)
                .map_err(|e| Error::corrupt(JSON_ID, format_args!("invalid UTF-8: {e}"))),
            TextEncoding::Ascii => match bytes.iter().position(|&b| b >= 0x80) {
                Some(p) => Err(Error::corrupt(JSON_ID, format_args!("byte {:#x} at {p} is not ASCII", bytes[p]))),
                // ASCII is UTF-8.
                None => Ok(Cow::Borrowed(std::str::from_utf8(bytes).unwrap_or(""))),
            },
            TextEncoding::Latin1 if bytes.is_ascii() => Ok(Cow::Borrowed(std::str::from_utf8(bytes).unwrap_or(""))),
            TextEncoding::Latin1 => Ok(Cow::Owned(bytes.iter().map(|&b| char::from(b)).collect())),
        }
    }

    /// The encoded bytes of the text (UTF-8 as written).
    fn transcode(&self, text: Vec<u8>) -> Result<Vec<u8>> {
        if self.encoding == TextEncoding::Utf8 || text.is_ascii() {
            return Ok(text);
        }
        let max = if self.encoding == TextEncoding::Ascii { 0x7f } else { 0xff };
        String::from_utf8_lossy(&text)
            .chars()
            .map(|c| {
                u8::try_from(u32::from(c)).ok().filter(|&b| u32::from(b) <= max).ok_or_else(|| {
                    Error::unsupported_input(
                        JSON_ID,
                        format_args!("{c:?} cannot be encoded in {}", self.config.encoding),
                    )
                })
            })
            .collect()
    }

    /// Decodes a parsed document. `limit` is the decoded-size limit (numeric arrays:
    /// their bytes; object arrays: one [`Object`] per item).
    fn decode_value(&self, doc: Value, input_len: usize, limit: usize) -> Result<Data> {
        let Value::List(mut items) = doc else {
            return Err(Error::corrupt(JSON_ID, "the document is not a list of items, dtype and shape"));
        };
        if items.len() < 2 - usize::from(self.legacy) {
            return Err(Error::corrupt(JSON_ID, "the list has no dtype and shape trailer"));
        }
        let shape = if self.legacy { None } else { Some(items.pop()) };
        let dtype: DType = match items.pop() {
            Some(Value::Str(s)) => s.parse().map_err(|e| Error::corrupt(JSON_ID, format_args!("trailer: {e}")))?,
            _ => return Err(Error::corrupt(JSON_ID, "the dtype in the trailer is not a string")),
        };
        let shape = match shape {
            // `np.array(items, dtype)` finds the shape in the nesting.
            None => discover_shape(&items, dtype.is_object()),
            Some(Some(Value::List(dims))) => dims.iter().map(dim).collect::<Result<Vec<_>>>()?,
            Some(Some(Value::Int(d))) => vec![dim(&Value::Int(d))?],
            _ => return Err(Error::corrupt(JSON_ID, "the shape in the trailer is not a list of integers")),
        };
        let n = shape.iter().try_fold(1usize, |a, &d| a.checked_mul(d));
        let per_item = if dtype.is_object() { std::mem::size_of::<Object>() } else { dtype.itemsize() };
        let size = n.and_then(|n| n.checked_mul(per_item)).unwrap_or(usize::MAX);
        if size > limit {
            return Err(Error::DecodedSizeLimit { codec: JSON_ID.into(), size: size as u64, limit: limit as u64 });
        }
        let n = n.unwrap_or(usize::MAX);
        // A 0-d array is the first item (numcodecs: `dec[...] = items[0]`).
        let top = if shape.is_empty() {
            items.truncate(1);
            vec![1]
        } else {
            shape.clone()
        };
        let mut leaves: Vec<Value> = Vec::new();
        // Each leaf took at least one byte of the input: a shape claiming more is found
        // out by `flatten` without reserving for it.
        leaves.try_reserve_exact(n.min(input_len)).map_err(|_| Error::Allocation { size })?;
        flatten(Value::List(items), &top, &mut leaves)?;
        if dtype.is_object() {
            let objects = leaves.into_iter().map(to_object).collect::<Result<Vec<_>>>()?;
            return Ok(ObjectArray::new(objects, shape)?.into());
        }
        let mut buf = AlignedBuf::zeroed(size)?;
        let isz = dtype.itemsize();
        for (v, out) in leaves.into_iter().zip(buf.as_mut_slice().chunks_exact_mut(isz.max(1))) {
            store(dtype, v, out)?;
        }
        Ok(NdArray::new(buf, dtype, shape)?.into())
    }
}

fn ucs4(bytes: &[u8], order: ByteOrder) -> Result<String> {
    let mut s = String::with_capacity(bytes.len() / 4);
    for u in bytes.chunks_exact(4) {
        let a = [u[0], u[1], u[2], u[3]];
        let v = if order == ByteOrder::Big { u32::from_be_bytes(a) } else { u32::from_le_bytes(a) };
        s.push(
            char::from_u32(v).ok_or_else(|| {
                Error::unsupported_input(JSON_ID, format_args!("{v:#x} is not a Unicode scalar value"))
            })?,
        );
    }
    let end = s.trim_end_matches('\0').len();
    s.truncate(end);
    Ok(s)
}

fn dim(v: &Value) -> Result<usize> {
    match v {
        Value::Int(d) => usize::try_from(*d)
            .map_err(|_| Error::corrupt(JSON_ID, format_args!("the trailer's shape holds {d}, not a dimension"))),
        _ => Err(Error::corrupt(JSON_ID, "the trailer's shape holds a value that is not an integer")),
    }
}

/// The shape numpy's `np.array(items, dtype)` gives nested lists: one more dimension
/// while every element at a level is a list of one common length. Object arrays keep
/// ragged lists as items; for other dtypes `flatten` then refuses them.
fn discover_shape(items: &[Value], object: bool) -> Vec<usize> {
    let mut shape = vec![items.len()];
    let mut level: Vec<&Value> = items.iter().collect();
    loop {
        let mut len = None;
        for v in &level {
            match (v, len) {
                (Value::List(l), None) => len = Some(l.len()),
                (Value::List(l), Some(n)) if l.len() == n => {}
                _ => return shape,
            }
        }
        match len {
            Some(n) if !level.is_empty() => {
                shape.push(n);
                level = level
                    .iter()
                    .flat_map(|v| match v {
                        Value::List(l) => l.iter().collect::<Vec<_>>(),
                        _ => Vec::new(),
                    })
                    .collect();
                if object && n == 0 {
                    return shape;
                }
            }
            _ => return shape,
        }
    }
}

/// Moves the leaves of `v`, nested exactly as `shape`, to `out` in C order.
fn flatten(v: Value, shape: &[usize], out: &mut Vec<Value>) -> Result<()> {
    let Some((&n, rest)) = shape.split_first() else {
        out.push(v);
        return Ok(());
    };
    match v {
        Value::List(items) if items.len() == n => {
            for item in items {
                flatten(item, rest, out)?;
            }
            Ok(())
        }
        Value::List(items) => Err(Error::corrupt(
            JSON_ID,
            format_args!("a list of {} items where the trailer's shape needs {n}", items.len()),
        )),
        _ => Err(Error::corrupt(JSON_ID, format_args!("a single value where the trailer's shape needs {n} items"))),
    }
}

pub(crate) fn to_object(v: Value) -> Result<Object> {
    Ok(match v {
        Value::Null => Object::None,
        Value::Bool(b) => Object::Bool(b),
        Value::Int(i) => match i64::try_from(i) {
            Ok(i) => Object::Int(i),
            Err(_) => Object::BigInt(BigInt::from(i)),
        },
        Value::Big(n) => Object::from(n),
        Value::Float(f) => Object::Float(f),
        Value::Str(s) => Object::Str(s.into()),
        Value::List(items) => Object::List(items.into_iter().map(to_object).collect::<Result<_>>()?),
        Value::Dict(pairs) => Object::Dict(
            pairs.into_iter().map(|(k, v)| Ok((Object::Str(k.into()), to_object(v)?))).collect::<Result<_>>()?,
        ),
    })
}

/// A Python int beyond 128 bits for an item of `dtype`, as numpy converts it: `True`
/// for booleans, the nearest double for floats (`int too large to convert to float`
/// beyond its range), an overflow for integer dtypes.
fn big_num(dtype: DType, n: &BigInt) -> Result<Num> {
    let overflow = |what: &str| Error::corrupt(JSON_ID, format_args!("an integer of more than 128 bits {what}"));
    match dtype.kind() {
        DTypeKind::Bool => Ok(Num::Bool(true)),
        DTypeKind::Float => {
            // Rust's parse rounds correctly, as CPython's `PyLong_AsDouble`.
            let f: f64 = n.to_decimal().ok().and_then(|t| t.parse().ok()).unwrap_or(f64::INFINITY);
            if f.is_finite() {
                Ok(Num::Float(f))
            } else {
                Err(overflow("is too large to convert to float"))
            }
        }
        _ => Err(overflow(&format!("does not fit in an item of {dtype}"))),
    }
}

/// Stores one decoded value into an item of a numeric or `U` array, as numpy's item
/// assignment converts Python values.
fn store(dtype: DType, v: Value, out: &mut [u8]) -> Result<()> {
    let num = match v {
        Value::Bool(b) => Num::Bool(b),
        // numpy converts a Python int for a float item through a C double (so a float32
        // item is rounded twice).
        #[allow(clippy::cast_precision_loss)]
        Value::Int(i) if dtype.kind() == DTypeKind::Float => Num::Float(i as f64),
        Value::Int(i) => Num::Int(i),
        Value::Big(n) => big_num(dtype, &n)?,
        Value::Float(f) => Num::Float(f),
        Value::Null if dtype.kind() == DTypeKind::Float => Num::Float(f64::NAN),
        Value::Null if dtype.kind() == DTypeKind::Bool => Num::Bool(false),
        Value::Str(s) if dtype.kind() == DTypeKind::Unicode => {
            // numpy truncates a longer string to the item's width.
            for (c, o) in s.chars().zip(out.chunks_exact_mut(4)) {
                let b = u32::from(c);
                o.copy_from_slice(&if dtype.byte_order() == ByteOrder::Big {
                    b.to_be_bytes()
                } else {
                    b.to_le_bytes()
                });
            }
            return Ok(());
        }
        other => {
            return Err(Error::corrupt(JSON_ID, format_args!("cannot store {other:?} in an array of {dtype}")));
        }
    };
    cast::write_num(JSON_ID, dtype, num, out).map_err(|e| match e {
        Error::UnsupportedInput { reason, .. } => Error::corrupt(JSON_ID, reason),
        e => e,
    })
}

impl StaticCodec for Json {
    const CODEC_ID: &'static str = JSON_ID;
    type Config = JsonConfig;

    fn from_config(config: JsonConfig) -> Result<Self> {
        let encoding = TextEncoding::parse(&config.encoding).ok_or_else(|| {
            Error::invalid_config(
                JSON_ID,
                format_args!("encoding {:?} is not supported (UTF-8, ASCII and Latin-1 are)", config.encoding),
            )
        })?;
        let indent = match &config.indent {
            None => None,
            Some(Indent::Flag(b)) => Some(if *b { " ".into() } else { String::new() }),
            Some(Indent::Spaces(n)) => Some(" ".repeat(usize::try_from(*n).unwrap_or(0).min(1 << 16))),
            Some(Indent::Text(t)) => Some(t.clone()),
        };
        if let Some(Indent::Spaces(n)) = config.indent {
            if n > 1 << 16 {
                return Err(Error::invalid_config(JSON_ID, format_args!("indent {n} is absurdly large")));
            }
        }
        let separators = config.separators.clone().unwrap_or_else(|| {
            if indent.is_none() {
                (",".into(), ":".into())
            } else {
                (", ".into(), ": ".into())
            }
        });
        let config = JsonConfig { separators: Some(separators.clone()), ..config };
        Ok(Json { config, encoding, indent, separators, legacy: false })
    }

    fn config(&self) -> JsonConfig {
        self.config.clone()
    }
}

impl Codec for Json {
    fn encode(&self, data: DataRef<'_>) -> Result<Data> {
        let text = match data {
            DataRef::Object(o) => self.encode_objects(o)?,
            DataRef::Array(a) => self.encode_numeric(&a)?,
        };
        let bytes = self.transcode(text)?;
        Ok(NdArray::from_buf(AlignedBuf::from_slice(&bytes)?).into())
    }

    fn decode_with(&self, encoded: DataRef<'_>, options: &DecodeOptions) -> Result<Data> {
        let bytes = encoded.require_bytes(JSON_ID)?;
        let text = self.text(bytes)?;
        let limit = options.decoded_size_limit();
        if let Some(data) = fast::decode(&text, self.config.strict, self.legacy, limit) {
            return Ok(data);
        }
        let doc = parse::parse(&text, self.config.strict)?;
        self.decode_value(doc, bytes.len(), limit)
    }
}

/// numcodecs' `LegacyJSON` (id `json`, numcodecs 0.6 to 0.9; removed in 0.10): as
/// [`Json`] but the trailer holds only the dtype, and decoding finds the shape in the
/// nesting of the lists, as `np.array(items, dtype)` does. Kept to read old data.
#[derive(Clone, Debug, PartialEq)]
pub struct LegacyJson(Json);

impl Default for LegacyJson {
    fn default() -> Self {
        LegacyJson(Json { legacy: true, ..Json::default() })
    }
}

impl StaticCodec for LegacyJson {
    const CODEC_ID: &'static str = "json";
    type Config = JsonConfig;

    fn from_config(config: JsonConfig) -> Result<Self> {
        let json = Json::from_config(config).map_err(|e| match e {
            Error::InvalidConfig { reason, .. } => Error::invalid_config("json", reason),
            e => e,
        })?;
        Ok(LegacyJson(Json { legacy: true, ..json }))
    }

    fn config(&self) -> JsonConfig {
        self.0.config()
    }
}

impl Codec for LegacyJson {
    fn encode(&self, data: DataRef<'_>) -> Result<Data> {
        self.0.encode(data)
    }

    fn decode_with(&self, encoded: DataRef<'_>, options: &DecodeOptions) -> Result<Data> {
        self.0.decode_with(encoded, options)
    }
}

zarrcodecs_core::register_static_codec!(JSON2_REGISTRATION: Json);
zarrcodecs_core::register_static_codec!(JSON_REGISTRATION: LegacyJson);

#[cfg(test)]
mod tests;
