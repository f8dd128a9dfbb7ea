#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]

mod fast;
mod pack;

use serde::{Deserialize, Serialize};
use zarrcodecs_core::{
    AlignedBuf, ArrayView, BigInt, ByteOrder, Codec, DType, DTypeKind, Data, DataRef, DecodeOptions, Error, NdArray,
    Object, ObjectArray, Result, StaticCodec,
};

use pack::{Packer, Value};
use zarrcodecs_kernels::pynum::{self as cast, Num};

pub(crate) const MSGPACK_ID: &str = "msgpack2";

/// Deepest nesting of arrays accepted when decoding or encoding.
pub(crate) const MAX_DEPTH: usize = 512;

fn no() -> bool {
    false
}

fn yes() -> bool {
    true
}

/// The configuration of [`MsgPack`]: numcodecs' `get_config()` keys.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MsgPackConfig {
    /// Decode msgpack strings as bytes instead of `str`.
    #[serde(default = "no")]
    pub raw: bool,
    /// Write floats as msgpack float32 (a finite value too large for it is an error).
    #[serde(default = "no")]
    pub use_single_float: bool,
    /// Write bytes as msgpack `bin` and allow `str8`; when false bytes are written as
    /// strings (the msgpack 1.0 format).
    #[serde(default = "yes")]
    pub use_bin_type: bool,
}

impl Default for MsgPackConfig {
    fn default() -> Self {
        MsgPackConfig { raw: false, use_single_float: false, use_bin_type: true }
    }
}

/// numcodecs' `MsgPack` (id `msgpack2`): `msgpack.packb(a.tolist() + [a.dtype.str,
/// a.shape])` as msgpack-python 1.x writes it, byte for byte. Takes object arrays
/// (`str`, `bytes`, `int` from `-2**63` to `2**64 - 1`, `float`, `bool`, `None`,
/// lists, dicts with keys of any hashable item) and numeric arrays (booleans,
/// integers, floats, `U` strings) of one or more dimensions; decodes to the dtype and
/// shape of the trailer, maps to [`Object::Dict`] (keys `str` or `bytes` only, as
/// numcodecs' `unpackb` allows) in the data's order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MsgPack {
    config: MsgPackConfig,
    /// The `msgpack` format: no shape in the trailer.
    legacy: bool,
}

impl Default for MsgPack {
    fn default() -> Self {
        Self::new(MsgPackConfig::default())
    }
}

impl MsgPack {
    /// The codec with this configuration.
    pub fn new(config: MsgPackConfig) -> Self {
        MsgPack { config, legacy: false }
    }

    fn packer(&self) -> Packer {
        Packer {
            out: Vec::new(),
            use_bin_type: self.config.use_bin_type,
            use_single_float: self.config.use_single_float,
        }
    }

    /// Writes `[items nested by shape..., dtype, shape]`.
    fn document(
        &self,
        dtype: DType,
        shape: &[usize],
        leaf: &mut dyn FnMut(&mut Packer, usize) -> Result<()>,
    ) -> Result<Vec<u8>> {
        let Some((&n, rest)) = shape.split_first() else {
            return Err(Error::unsupported_input(
                MSGPACK_ID,
                "numcodecs' msgpack2 cannot encode 0-dimensional arrays (its tolist() is not a list)",
            ));
        };
        let mut p = self.packer();
        let trailer = if self.legacy { 1 } else { 2 };
        p.array_header(n.checked_add(trailer).ok_or_else(|| Error::unsupported_input(MSGPACK_ID, "too many items"))?)?;
        let mut next = 0;
        for _ in 0..n {
            nested(&mut p, rest, &mut next, leaf)?;
        }
        p.str(&dtype.to_string())?;
        if self.legacy {
            return Ok(p.out);
        }
        p.array_header(shape.len())?;
        for &d in shape {
            p.int(d as i128)?;
        }
        Ok(p.out)
    }

    fn encode_numeric(&self, a: &ArrayView<'_>) -> Result<Vec<u8>> {
        let dtype = a.dtype();
        let size = dtype.itemsize();
        let bytes = a.as_bytes();
        let unsupported = || Error::UnsupportedDType {
            codec: MSGPACK_ID.into(),
            dtype,
            reason: "msgpack2 writes booleans, integers, floats, `U` strings and object arrays (numcodecs cannot \
                     serialise the other dtypes' items)"
                .into(),
        };
        match dtype.kind() {
            DTypeKind::Bool | DTypeKind::Int | DTypeKind::UInt | DTypeKind::Float => self.document(
                dtype,
                a.shape(),
                &mut |p, i| match cast::read_num(dtype, &bytes[i * size..(i + 1) * size]) {
                    Some(Num::Bool(b)) => {
                        p.bool(b);
                        Ok(())
                    }
                    Some(Num::Int(v)) => p.int(v),
                    Some(Num::Float(f)) => p.float(f),
                    None => Err(unsupported()),
                },
            ),
            DTypeKind::Unicode if size > 0 => self.document(dtype, a.shape(), &mut |p, i| {
                p.str(&ucs4(&bytes[i * size..(i + 1) * size], dtype.byte_order())?)
            }),
            _ => Err(unsupported()),
        }
    }

    /// Decodes an unpacked document. `limit` is the decoded-size limit (numeric
    /// arrays: their bytes; object arrays: one [`Object`] per item).
    fn decode_value(&self, doc: Value, input_len: usize, limit: usize) -> Result<Data> {
        let Value::List(mut items) = doc else {
            return Err(Error::corrupt(MSGPACK_ID, "the data is not an array of items, dtype and shape"));
        };
        if items.len() < 2 - usize::from(self.legacy) {
            return Err(Error::corrupt(MSGPACK_ID, "the array has no dtype and shape trailer"));
        }
        let shape = if self.legacy { None } else { Some(items.pop()) };
        let dtype: DType = match items.pop() {
            Some(Value::Str(s)) => s.parse(),
            Some(Value::Bytes(b)) => String::from_utf8_lossy(&b).parse(),
            _ => return Err(Error::corrupt(MSGPACK_ID, "the dtype in the trailer is not a string")),
        }
        .map_err(|e| Error::corrupt(MSGPACK_ID, format_args!("trailer: {e}")))?;
        let shape = match shape {
            // `np.array(items, dtype)` finds the shape in the nesting.
            None => discover_shape(&items, dtype.is_object()),
            Some(Some(Value::List(dims))) => dims.iter().map(dim).collect::<Result<Vec<_>>>()?,
            Some(Some(Value::Int(d))) => vec![dim(&Value::Int(d))?],
            _ => return Err(Error::corrupt(MSGPACK_ID, "the shape in the trailer is not an array of integers")),
        };
        if shape.is_empty() {
            return Err(Error::corrupt(MSGPACK_ID, "a 0-dimensional shape (numcodecs cannot decode it either)"));
        }
        let n = shape.iter().try_fold(1usize, |a, &d| a.checked_mul(d));
        let per_item = if dtype.is_object() { std::mem::size_of::<Object>() } else { dtype.itemsize() };
        let size = n.and_then(|n| n.checked_mul(per_item)).unwrap_or(usize::MAX);
        if size > limit {
            return Err(Error::DecodedSizeLimit { codec: MSGPACK_ID.into(), size: size as u64, limit: limit as u64 });
        }
        let n = n.unwrap_or(usize::MAX);
        let mut leaves: Vec<Value> = Vec::new();
        // Each leaf took at least one byte of the input: a shape claiming more is found
        // out by `flatten` without reserving for it.
        leaves.try_reserve_exact(n.min(input_len)).map_err(|_| Error::Allocation { size })?;
        flatten(Value::List(items), &shape, &mut leaves)?;
        if dtype.is_object() {
            let objects = leaves.into_iter().map(to_object).collect::<Result<Vec<_>>>()?;
            return Ok(ObjectArray::new(objects, shape)?.into());
        }
        let mut buf = AlignedBuf::zeroed(size)?;
        for (v, out) in leaves.into_iter().zip(buf.as_mut_slice().chunks_exact_mut(dtype.itemsize().max(1))) {
            store(dtype, v, out)?;
        }
        Ok(NdArray::new(buf, dtype, shape)?.into())
    }
}

fn nested(
    p: &mut Packer,
    shape: &[usize],
    next: &mut usize,
    leaf: &mut dyn FnMut(&mut Packer, usize) -> Result<()>,
) -> Result<()> {
    let Some((&n, rest)) = shape.split_first() else {
        leaf(p, *next)?;
        *next += 1;
        return Ok(());
    };
    p.array_header(n)?;
    for _ in 0..n {
        nested(p, rest, next, leaf)?;
    }
    Ok(())
}

fn ucs4(bytes: &[u8], order: ByteOrder) -> Result<String> {
    let mut s = String::with_capacity(bytes.len() / 4);
    for u in bytes.chunks_exact(4) {
        let a = [u[0], u[1], u[2], u[3]];
        let v = if order == ByteOrder::Big { u32::from_be_bytes(a) } else { u32::from_le_bytes(a) };
        s.push(char::from_u32(v).ok_or_else(|| {
            Error::unsupported_input(MSGPACK_ID, format_args!("{v:#x} is not a Unicode scalar value"))
        })?);
    }
    let end = s.trim_end_matches('\0').len();
    s.truncate(end);
    Ok(s)
}

fn dim(v: &Value) -> Result<usize> {
    match v {
        Value::Int(d) => usize::try_from(*d)
            .map_err(|_| Error::corrupt(MSGPACK_ID, format_args!("the trailer's shape holds {d}, not a dimension"))),
        _ => Err(Error::corrupt(MSGPACK_ID, "the trailer's shape holds a value that is not an integer")),
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
            MSGPACK_ID,
            format_args!("an array of {} items where the trailer's shape needs {n}", items.len()),
        )),
        _ => Err(Error::corrupt(MSGPACK_ID, format_args!("a single value where the trailer's shape needs {n} items"))),
    }
}

pub(crate) fn to_object(v: Value) -> Result<Object> {
    Ok(match v {
        Value::Nil => Object::None,
        Value::Bool(b) => Object::Bool(b),
        // At most `2**64 - 1`: beyond `i64` a BigInt.
        Value::Int(i) => match i64::try_from(i) {
            Ok(i) => Object::Int(i),
            Err(_) => Object::BigInt(BigInt::from(i)),
        },
        Value::Float(f) => Object::Float(f),
        Value::Str(s) => Object::Str(s),
        Value::Bytes(b) => Object::Bytes(b.into()),
        Value::List(items) => Object::List(items.into_iter().map(to_object).collect::<Result<_>>()?),
        Value::Map(pairs) => {
            Object::Dict(pairs.into_iter().map(|(k, v)| Ok((to_object(k)?, to_object(v)?))).collect::<Result<_>>()?)
        }
    })
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
        Value::Float(f) => Num::Float(f),
        Value::Nil if dtype.kind() == DTypeKind::Float => Num::Float(f64::NAN),
        Value::Nil if dtype.kind() == DTypeKind::Bool => Num::Bool(false),
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
            return Err(Error::corrupt(MSGPACK_ID, format_args!("cannot store {other:?} in an array of {dtype}")));
        }
    };
    cast::write_num(MSGPACK_ID, dtype, num, out).map_err(|e| match e {
        Error::UnsupportedInput { reason, .. } => Error::corrupt(MSGPACK_ID, reason),
        e => e,
    })
}

impl StaticCodec for MsgPack {
    const CODEC_ID: &'static str = MSGPACK_ID;
    type Config = MsgPackConfig;

    fn from_config(config: MsgPackConfig) -> Result<Self> {
        Ok(Self::new(config))
    }

    fn config(&self) -> MsgPackConfig {
        self.config
    }
}

impl Codec for MsgPack {
    fn encode(&self, data: DataRef<'_>) -> Result<Data> {
        let bytes = match data {
            DataRef::Object(o) => {
                let items = o.items();
                self.document(DType::OBJECT, o.shape(), &mut |p, i| p.object(&items[i], 1))?
            }
            DataRef::Array(a) => self.encode_numeric(&a)?,
        };
        Ok(NdArray::from_buf(AlignedBuf::from_slice(&bytes)?).into())
    }

    fn decode_with(&self, encoded: DataRef<'_>, options: &DecodeOptions) -> Result<Data> {
        let bytes = encoded.require_bytes(MSGPACK_ID)?;
        let limit = options.decoded_size_limit();
        if let Some(data) = fast::decode(bytes, self.config.raw, self.legacy, limit) {
            return Ok(data);
        }
        let doc = pack::unpack(bytes, self.config.raw)?;
        self.decode_value(doc, bytes.len(), limit)
    }
}

/// The configuration of [`LegacyMsgPack`]: `{"encoding": "utf-8"}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LegacyMsgPackConfig {
    /// The text encoding of strings: UTF-8 (any of Python's spellings of it).
    #[serde(default = "utf8")]
    pub encoding: String,
}

fn utf8() -> String {
    "utf-8".into()
}

/// numcodecs' `LegacyMsgPack` (id `msgpack`, numcodecs 0.6 to 0.9; removed in 0.10):
/// `msgpack.packb(a.tolist() + [a.dtype.str], encoding=...)` as msgpack-python before
/// 1.0 wrote it (no `bin` type, no `str8`; strings and bytes both as raw strings, read
/// back as `str`), no shape in the trailer: decoding finds the shape in the nesting,
/// as `np.array(items, dtype)` does. Kept to read old data.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LegacyMsgPack {
    inner: MsgPack,
    encoding: String,
}

impl Default for LegacyMsgPack {
    fn default() -> Self {
        LegacyMsgPack {
            inner: MsgPack {
                legacy: true,
                ..MsgPack::new(MsgPackConfig { raw: false, use_single_float: false, use_bin_type: false })
            },
            encoding: utf8(),
        }
    }
}

impl StaticCodec for LegacyMsgPack {
    const CODEC_ID: &'static str = "msgpack";
    type Config = LegacyMsgPackConfig;

    fn from_config(config: LegacyMsgPackConfig) -> Result<Self> {
        let norm: String = config
            .encoding
            .trim()
            .chars()
            .map(|c| if c == '-' || c == ' ' { '_' } else { c.to_ascii_lowercase() })
            .collect();
        if !matches!(norm.as_str(), "utf_8" | "utf8" | "u8" | "utf" | "cp65001") {
            return Err(Error::invalid_config(
                Self::CODEC_ID,
                format_args!("encoding {:?} is not supported (UTF-8 is)", config.encoding),
            ));
        }
        Ok(LegacyMsgPack { encoding: config.encoding, ..Self::default() })
    }

    fn config(&self) -> LegacyMsgPackConfig {
        LegacyMsgPackConfig { encoding: self.encoding.clone() }
    }
}

impl Codec for LegacyMsgPack {
    fn encode(&self, data: DataRef<'_>) -> Result<Data> {
        self.inner.encode(data)
    }

    fn decode_with(&self, encoded: DataRef<'_>, options: &DecodeOptions) -> Result<Data> {
        self.inner.decode_with(encoded, options)
    }
}

zarrcodecs_core::register_static_codec!(MSGPACK2_REGISTRATION: MsgPack);
zarrcodecs_core::register_static_codec!(MSGPACK_REGISTRATION: LegacyMsgPack);

#[cfg(test)]
mod tests;
