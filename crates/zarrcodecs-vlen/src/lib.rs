#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]

mod cast;

use serde::{Deserialize, Serialize};
use zarrcodecs_core::{
    AlignedBuf, ByteOrder, Codec, DType, DTypeKind, Data, DataRef, DecodeOptions, Error, NdArray, Object, ObjectArray,
    PyBytes, PyStr, Result, StaticCodec,
};

/// Bytes of the item count and of each item's length.
const HEADER: usize = 4;

/// The configuration of [`VLenUtf8`] and [`VLenBytes`]: numcodecs' `{}` (no options).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VLenConfig {}

/// The configuration of [`VLenArray`]: numcodecs' `{"dtype": "<i2"}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VLenArrayConfig {
    /// The dtype of every item (numpy's `dtype.str`; any spelling numpy accepts on input).
    pub dtype: String,
}

/// numcodecs' `VLenUTF8` (id `vlen-utf8`): an array of `str` (any shape, flattened in
/// C order) as a u32 LE count, then per item its UTF-8 length (u32 LE) and bytes.
/// `None`, `0`, `0.0` and `False` encode as the empty string, as numcodecs does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct VLenUtf8;

/// numcodecs' `VLenBytes` (id `vlen-bytes`): as [`VLenUtf8`] for `bytes` items.
/// `None`, `0`, `0.0` and `False` encode as the empty byte string.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct VLenBytes;

/// numcodecs' `VLenArray` (id `vlen-array`): items are one-dimensional numeric arrays,
/// converted to the configured dtype, stored as their raw bytes; `None` is the empty
/// array. Decoding gives [`Object::Array`] items of that dtype.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct VLenArray {
    dtype: DType,
}

impl Default for VLenUtf8 {
    fn default() -> Self {
        Self::new()
    }
}

impl Default for VLenBytes {
    fn default() -> Self {
        Self::new()
    }
}

impl VLenUtf8 {
    /// The codec (it has no options).
    pub fn new() -> Self {
        VLenUtf8
    }
}

impl VLenBytes {
    /// The codec (it has no options).
    pub fn new() -> Self {
        VLenBytes
    }
}

impl VLenArray {
    /// The codec for items of `dtype`.
    ///
    /// # Errors
    /// [`Error::InvalidConfig`] for dtypes numcodecs cannot store this way (object,
    /// strings, void).
    pub fn new(dtype: DType) -> Result<Self> {
        match dtype.kind() {
            DTypeKind::Bool
            | DTypeKind::Int
            | DTypeKind::UInt
            | DTypeKind::Float
            | DTypeKind::Complex
            | DTypeKind::Datetime { .. }
            | DTypeKind::Timedelta { .. } => Ok(VLenArray { dtype }),
            _ => Err(Error::invalid_config(
                Self::CODEC_ID,
                format_args!("dtype {dtype} is not a numeric dtype; vlen-array stores numeric arrays"),
            )),
        }
    }

    /// The dtype of the items.
    pub fn dtype(&self) -> DType {
        self.dtype
    }
}

/// Whether numcodecs treats `o` as a missing value (`o is None or o == 0`).
fn is_missing(o: &Object) -> bool {
    match o {
        Object::None => true,
        Object::Int(i) => *i == 0,
        Object::Float(f) => *f == 0.0,
        Object::Bool(b) => !*b,
        _ => false,
    }
}

fn type_name(o: &Object) -> &'static str {
    match o {
        Object::None => "None",
        Object::Bool(_) => "bool",
        Object::Int(_) => "int",
        Object::Float(_) => "float",
        Object::Str(_) => "str",
        Object::Bytes(_) => "bytes",
        Object::Array(_) => "ndarray",
        Object::List(_) => "list",
        Object::BigInt(_) => "int",
        Object::Dict(_) => "dict",
    }
}

fn u32_len(codec: &str, n: usize, what: &str) -> Result<[u8; 4]> {
    u32::try_from(n)
        .map(u32::to_le_bytes)
        .map_err(|_| Error::unsupported_input(codec, format_args!("{what} {n} does not fit the format's 32 bits")))
}

/// Writes the vlen layout of the `n` items `items` gives, in one allocation of exactly
/// `total` bytes (the caller's sum of 4 + 4 + each item's length).
///
/// Each item comes as `(padded, len)`: its bytes are `padded[..len]`. When `padded`
/// holds at least [`PADDED`] bytes (a short [`PyBytes`]'s
/// [`as_padded_slice`](PyBytes::as_padded_slice)) and the item is no longer than
/// that, the item is written as one fixed-size block whose excess the next items
/// overwrite: variable-length copies of random lengths cost a branch mispredict each,
/// and were half of vlen-bytes' encode time.
fn write_vlen<'a>(
    codec: &str,
    n: usize,
    total: usize,
    items: impl Iterator<Item = (&'a [u8], usize)>,
) -> Result<NdArray> {
    let mut buf = AlignedBuf::zeroed(total)?;
    let out = buf.as_mut_slice();
    put::<HEADER>(out, 0, u32_len(codec, n, "item count")?);
    let mut pos = HEADER;
    for (padded, len) in items.take(n) {
        let head = u32_len(codec, len, "item length")?;
        let block = out.get_mut(pos..).and_then(<[u8]>::first_chunk_mut::<{ HEADER + PADDED }>);
        match (block, padded.first_chunk::<PADDED>()) {
            (Some(dst), Some(src)) if len <= PADDED => {
                put::<HEADER>(dst, 0, head);
                put::<PADDED>(dst, HEADER, *src);
            }
            _ => {
                let (Some(dst), Some(src)) = (out.get_mut(pos..pos + HEADER + len), padded.get(..len)) else {
                    return Err(Error::unsupported_input(codec, "the items changed while they were encoded"));
                };
                put::<HEADER>(dst, 0, head);
                copy_short(&mut dst[HEADER..], src);
            }
        }
        pos += HEADER + len;
    }
    Ok(NdArray::from_buf(buf))
}

/// See [`write_vlen`].
const PADDED: usize = PyBytes::PADDED_LEN;

/// An item's bytes for [`write_vlen`].
fn plain(b: &[u8]) -> (&[u8], usize) {
    (b, b.len())
}

/// `dst.copy_from_slice(src)` for slices of equal length, without a call to `memcpy`
/// for the short items object arrays mostly hold: two overlapping fixed-size copies.
/// (Per-item `memcpy` calls were a fifth of vlen-bytes' encode time.) The copies are
/// of fixed-size arrays: as `copy_from_slice`s, LLVM merged them back into one `memcpy`.
#[inline(always)]
fn copy_short(dst: &mut [u8], src: &[u8]) {
    let n = src.len();
    if dst.len() != n {
        return copy_long(dst, src);
    }
    match n {
        16..=32 => {
            put::<16>(dst, 0, get(src, 0));
            put::<16>(dst, n - 16, get(src, n - 16));
        }
        8..=15 => {
            put::<8>(dst, 0, get(src, 0));
            put::<8>(dst, n - 8, get(src, n - 8));
        }
        4..=7 => {
            put::<4>(dst, 0, get(src, 0));
            put::<4>(dst, n - 4, get(src, n - 4));
        }
        1..=3 => {
            dst[0] = src[0];
            dst[n / 2] = src[n / 2];
            dst[n - 1] = src[n - 1];
        }
        0 => {}
        _ => copy_long(dst, src),
    }
}

/// The `N` bytes at `at` (zeros past the end; callers stay in bounds).
#[inline(always)]
fn get<const N: usize>(src: &[u8], at: usize) -> [u8; N] {
    src.get(at..).and_then(<[u8]>::first_chunk::<N>).copied().unwrap_or([0; N])
}

/// Writes `v`'s bytes at `at` (nothing if out of bounds; callers stay in bounds).
#[inline(always)]
fn put<const N: usize>(dst: &mut [u8], at: usize, v: [u8; N]) {
    if let Some(d) = dst.get_mut(at..).and_then(<[u8]>::first_chunk_mut::<N>) {
        *d = v;
    }
}

/// The long-item arm of [`copy_short`], kept out of line: inlined, LLVM merged the
/// short arms' fixed-size copies into this `memcpy` call.
#[inline(never)]
fn copy_long(dst: &mut [u8], src: &[u8]) {
    dst.copy_from_slice(src);
}

/// Strings (for `U`) or byte strings (for `S`) of a numpy fixed-width array, trailing
/// NULs removed as numpy's conversion to objects does.
fn fixed_width_items(codec: &str, view: &zarrcodecs_core::ArrayView<'_>) -> Result<Vec<Object>> {
    let dtype = view.dtype();
    let size = dtype.itemsize();
    let bytes = view.as_bytes();
    match dtype.kind() {
        DTypeKind::Bytes if size > 0 => Ok(bytes
            .chunks_exact(size)
            .map(|c| {
                let end = c.iter().rposition(|&b| b != 0).map_or(0, |p| p + 1);
                Object::Bytes(PyBytes::new(&c[..end]))
            })
            .collect()),
        DTypeKind::Unicode if size > 0 => bytes
            .chunks_exact(size)
            .map(|c| {
                let mut s = String::new();
                for u in c.chunks_exact(4) {
                    let a = [u[0], u[1], u[2], u[3]];
                    let v = if dtype.byte_order() == ByteOrder::Big {
                        u32::from_be_bytes(a)
                    } else {
                        u32::from_le_bytes(a)
                    };
                    s.push(char::from_u32(v).ok_or_else(|| {
                        Error::unsupported_input(codec, format_args!("{v:#x} is not a Unicode scalar value"))
                    })?);
                }
                let trimmed = s.trim_end_matches('\0').len();
                s.truncate(trimmed);
                Ok(Object::Str(s.into()))
            })
            .collect(),
        _ => Err(Error::UnsupportedDType {
            codec: codec.into(),
            dtype,
            reason: "this object codec takes object arrays (or numpy `U`/`S` string arrays)".into(),
        }),
    }
}

/// The items to encode: an object array's, or those of a `U`/`S` numpy array.
fn input_items<'a>(codec: &str, data: &DataRef<'a>, owned: &'a mut Vec<Object>) -> Result<&'a [Object]> {
    match data {
        DataRef::Object(o) => Ok(o.items()),
        DataRef::Array(view) => {
            *owned = fixed_width_items(codec, view)?;
            Ok(owned)
        }
    }
}

/// Reads the item count and checks it against the input length (each item needs at
/// least its 4-byte length) and the limit, before anything is allocated.
fn read_count(codec: &str, input: &[u8], limit: usize) -> Result<usize> {
    let Some(head) = input.get(..HEADER) else {
        return Err(Error::corrupt(codec, "corrupt buffer, missing or truncated header"));
    };
    let n = u32::from_le_bytes([head[0], head[1], head[2], head[3]]) as usize;
    if n > (input.len() - HEADER) / HEADER {
        return Err(Error::corrupt(
            codec,
            format_args!("corrupt buffer, data seem truncated: {n} items cannot fit in {} bytes", input.len()),
        ));
    }
    let size = n.saturating_mul(std::mem::size_of::<Object>());
    if size > limit {
        return Err(Error::DecodedSizeLimit { codec: codec.into(), size: size as u64, limit: limit as u64 });
    }
    Ok(n)
}

/// Splits the input into its `n` items after checking every length (one pass, no
/// allocation), then checks the decoded size against the limit.
fn for_each_item<'a>(
    codec: &str,
    input: &'a [u8],
    limit: usize,
    mut f: impl FnMut(&'a [u8], usize) -> Result<()>,
) -> Result<usize> {
    let n = read_count(codec, input, limit)?;
    // First pass: validate the lengths and total the payload.
    let mut pos = HEADER;
    let mut payload = 0usize;
    for _ in 0..n {
        let l = item_len(codec, input, pos)?;
        pos += HEADER + l;
        payload += l;
    }
    let size = payload.saturating_add(n * std::mem::size_of::<Object>());
    if size > limit {
        return Err(Error::DecodedSizeLimit { codec: codec.into(), size: size as u64, limit: limit as u64 });
    }
    let mut pos = HEADER;
    for _ in 0..n {
        let l = item_len(codec, input, pos)?;
        f(&input[pos + HEADER..], l)?;
        pos += HEADER + l;
    }
    Ok(n)
}

fn item_len(codec: &str, input: &[u8], pos: usize) -> Result<usize> {
    let head =
        input.get(pos..pos + HEADER).ok_or_else(|| Error::corrupt(codec, "corrupt buffer, data seem truncated"))?;
    let l = u32::from_le_bytes([head[0], head[1], head[2], head[3]]) as usize;
    if l > input.len() - pos - HEADER {
        return Err(Error::corrupt(
            codec,
            format_args!("corrupt buffer, data seem truncated: an item of {l} bytes at offset {pos}"),
        ));
    }
    Ok(l)
}

/// Decodes the items of `input` with `f`, refusing more than `limit` bytes of
/// decoded size (the items' bytes plus one [`Object`] per item).
fn decode_items<'a>(
    codec: &str,
    input: &'a [u8],
    limit: usize,
    mut f: impl FnMut(&'a [u8], usize) -> Result<Object>,
) -> Result<Data> {
    let n = read_count(codec, input, limit)?;
    let mut items = Vec::new();
    items.try_reserve_exact(n).map_err(|_| Error::Allocation { size: n * std::mem::size_of::<Object>() })?;
    // `f` gets the input from the item on and the item's length (checked to fit).
    for_each_item(codec, input, limit, |rest, len| {
        items.push(f(rest, len)?);
        Ok(())
    })?;
    Ok(ObjectArray::from_items(items).into())
}

impl StaticCodec for VLenUtf8 {
    const CODEC_ID: &'static str = "vlen-utf8";
    type Config = VLenConfig;

    fn from_config(_: VLenConfig) -> Result<Self> {
        Ok(Self::new())
    }

    fn config(&self) -> VLenConfig {
        VLenConfig {}
    }
}

impl Codec for VLenUtf8 {
    fn encode(&self, data: DataRef<'_>) -> Result<Data> {
        let id = Self::CODEC_ID;
        let mut owned = Vec::new();
        let items = input_items(id, &data, &mut owned)?;
        let mut total = HEADER;
        for o in items {
            total += HEADER
                + match o {
                    Object::Str(s) => s.len(),
                    o if is_missing(o) => 0,
                    o => {
                        return Err(Error::unsupported_input(
                            id,
                            format_args!("expected unicode string, found {}", type_name(o)),
                        ))
                    }
                };
        }
        let out = write_vlen(
            id,
            items.len(),
            total,
            items.iter().map(|o| match o {
                Object::Str(s) => plain(s.as_bytes()),
                _ => plain(&[]),
            }),
        )?;
        Ok(out.into())
    }

    fn decode_with(&self, encoded: DataRef<'_>, options: &DecodeOptions) -> Result<Data> {
        let id = Self::CODEC_ID;
        decode_items(id, encoded.require_bytes(id)?, options.decoded_size_limit(), |rest, len| {
            PyStr::from_utf8(&rest[..len])
                .map(Object::Str)
                .map_err(|e| Error::corrupt(id, format_args!("invalid UTF-8: {e}")))
        })
    }
}

impl StaticCodec for VLenBytes {
    const CODEC_ID: &'static str = "vlen-bytes";
    type Config = VLenConfig;

    fn from_config(_: VLenConfig) -> Result<Self> {
        Ok(Self::new())
    }

    fn config(&self) -> VLenConfig {
        VLenConfig {}
    }
}

impl Codec for VLenBytes {
    fn encode(&self, data: DataRef<'_>) -> Result<Data> {
        let id = Self::CODEC_ID;
        let mut owned = Vec::new();
        let items = input_items(id, &data, &mut owned)?;
        let mut total = HEADER;
        for o in items {
            total += HEADER
                + match o {
                    Object::Bytes(b) => b.len(),
                    o if is_missing(o) => 0,
                    o => {
                        return Err(Error::unsupported_input(
                            id,
                            format_args!("expected byte string, found {}", type_name(o)),
                        ))
                    }
                };
        }
        let out = write_vlen(
            id,
            items.len(),
            total,
            items.iter().map(|o| match o {
                Object::Bytes(b) => (b.as_padded_slice(), b.len()),
                _ => plain(&[]),
            }),
        )?;
        Ok(out.into())
    }

    fn decode_with(&self, encoded: DataRef<'_>, options: &DecodeOptions) -> Result<Data> {
        let id = Self::CODEC_ID;
        decode_items(id, encoded.require_bytes(id)?, options.decoded_size_limit(), |rest, len| {
            PyBytes::from_prefix(rest, len).map(Object::Bytes).ok_or_else(|| Error::corrupt(id, "data seem truncated"))
        })
    }
}

impl StaticCodec for VLenArray {
    const CODEC_ID: &'static str = "vlen-array";
    type Config = VLenArrayConfig;

    fn from_config(config: VLenArrayConfig) -> Result<Self> {
        let dtype: DType = config
            .dtype
            .parse()
            .map_err(|e| Error::invalid_config_from(Self::CODEC_ID, "its dtype is not a numpy dtype", e))?;
        Self::new(dtype)
    }

    fn config(&self) -> VLenArrayConfig {
        VLenArrayConfig { dtype: self.dtype.to_string() }
    }
}

impl Codec for VLenArray {
    fn encode(&self, data: DataRef<'_>) -> Result<Data> {
        let id = Self::CODEC_ID;
        let DataRef::Object(objects) = data else {
            return Err(Error::unsupported_input(id, "vlen-array takes an object array of numeric arrays"));
        };
        let items = objects.items();
        // Items already of the configured dtype are copied as they are; the others are
        // converted first (as numcodecs' `np.ascontiguousarray(item, dtype)`).
        let mut converted: Vec<Option<NdArray>> = Vec::new();
        converted.try_reserve_exact(items.len()).map_err(|_| Error::Allocation { size: items.len() })?;
        let mut total = HEADER;
        for o in items {
            let c = match o {
                Object::None => None,
                Object::Array(a) if a.dtype() == self.dtype && a.shape().len() <= 1 => None,
                o => Some(cast::to_array(id, o, self.dtype)?),
            };
            total += HEADER
                + match (&c, o) {
                    (Some(a), _) => a.as_bytes().len(),
                    (None, Object::Array(a)) => a.as_bytes().len(),
                    _ => 0,
                };
            converted.push(c);
        }
        let out = write_vlen(
            id,
            items.len(),
            total,
            converted.iter().zip(items).map(|c| match c {
                (Some(a), _) => plain(a.as_bytes()),
                (None, Object::Array(a)) => plain(a.as_bytes()),
                _ => plain(&[]),
            }),
        )?;
        Ok(out.into())
    }

    fn decode_with(&self, encoded: DataRef<'_>, options: &DecodeOptions) -> Result<Data> {
        let id = Self::CODEC_ID;
        let size = self.dtype.itemsize();
        decode_items(id, encoded.require_bytes(id)?, options.decoded_size_limit(), |rest, len| {
            let b = &rest[..len];
            if b.len() % size != 0 {
                return Err(Error::corrupt(
                    id,
                    format_args!("an item of {} bytes is not a whole number of {} items", b.len(), self.dtype),
                ));
            }
            Ok(Object::from(NdArray::from_bytes(b, self.dtype, vec![b.len() / size])?))
        })
    }
}

zarrcodecs_core::register_static_codec!(VLEN_UTF8_REGISTRATION: VLenUtf8);
zarrcodecs_core::register_static_codec!(VLEN_BYTES_REGISTRATION: VLenBytes);
zarrcodecs_core::register_static_codec!(VLEN_ARRAY_REGISTRATION: VLenArray);

#[cfg(test)]
mod tests;
