//! The catalogue the property and concurrency tests share: for every registered codec
//! id, configurations, the input each takes and how close decoding must come back.

#![allow(
    dead_code,
    unreachable_pub,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::cast_possible_truncation
)]

use zarrcodecs::{DType, Data, NdArray, Object, ObjectArray};

/// The data a configuration takes.
#[derive(Clone, Copy, Debug)]
pub enum Input {
    /// Any numeric array (compressors, checksums): random bytes of any dtype and shape.
    AnyNumeric,
    /// Arrays of one dtype, values from the given generator.
    Typed(&'static str, Values),
    /// Object arrays of strings.
    Strings,
    /// Object arrays of bytes.
    Bytes,
    /// Object arrays of mixed items (str, int, float, None, bool, lists).
    Mixed,
    /// Object arrays of numeric arrays of a dtype (vlen-array).
    Arrays(&'static str),
    /// Items drawn from these labels, as an array of this dtype (`|O` for objects,
    /// `<U5` for fixed-width strings): categorize.
    Labels(&'static [&'static str], &'static str),
}

/// How values of a typed input are drawn.
#[derive(Clone, Copy, Debug)]
pub enum Values {
    /// Any bit pattern (NaNs, infinities, subnormals, extreme integers).
    AnyBits,
    /// Finite floats in `-range..range`, or integers in it.
    Within(f64),
    /// 0 or 1 (booleans).
    Bool,
}

/// How close `decode(encode(x))` must come to `x`.
#[derive(Clone, Copy, Debug)]
pub enum Bound {
    /// The same bytes (or items).
    Exact,
    /// Every element within this absolute error.
    Abs(f64),
    /// Every element within this relative error (`|d - x| <= rel * |x|`).
    Rel(f64),
}

/// One configuration in the catalogue.
#[derive(Clone, Copy, Debug)]
pub struct Entry {
    /// The JSON configuration.
    pub config: &'static str,
    /// What it encodes.
    pub input: Input,
    /// How closely it must decode.
    pub bound: Bound,
    /// The fewest elements it encodes (zfpy refuses empty arrays, as numcodecs crashes on them).
    pub min_len: usize,
}

const fn exact(config: &'static str, input: Input) -> Entry {
    Entry { config, input, bound: Bound::Exact, min_len: 0 }
}

const fn lossy(config: &'static str, input: Input, bound: Bound) -> Entry {
    Entry { config, input, bound, min_len: 0 }
}

/// Every registered codec id has at least one entry (checked by `catalogue_is_complete`
/// in tests/properties.rs).
pub const CATALOGUE: &[Entry] = &[
    exact(r#"{"id": "zlib", "level": 1}"#, Input::AnyNumeric),
    exact(r#"{"id": "zlib", "level": 9}"#, Input::AnyNumeric),
    exact(r#"{"id": "gzip", "level": 5}"#, Input::AnyNumeric),
    exact(r#"{"id": "zstd", "level": 1, "checksum": true}"#, Input::AnyNumeric),
    exact(r#"{"id": "zstd", "level": -5, "checksum": false}"#, Input::AnyNumeric),
    exact(r#"{"id": "crc32"}"#, Input::AnyNumeric),
    exact(r#"{"id": "crc32c"}"#, Input::AnyNumeric),
    exact(r#"{"id": "adler32", "location": "end"}"#, Input::AnyNumeric),
    exact(r#"{"id": "fletcher32"}"#, Input::AnyNumeric),
    exact(r#"{"id": "jenkins_lookup3", "initval": 7, "prefix": null}"#, Input::AnyNumeric),
    exact(r#"{"id": "base64"}"#, Input::AnyNumeric),
    exact(r#"{"id": "blosc", "cname": "lz4", "clevel": 5, "shuffle": 1, "blocksize": 0}"#, Input::AnyNumeric),
    exact(r#"{"id": "blosc", "cname": "zstd", "clevel": 3, "shuffle": 2, "blocksize": 0}"#, Input::AnyNumeric),
    exact(r#"{"id": "blosc", "cname": "zlib", "clevel": 1, "shuffle": -1, "blocksize": 1024}"#, Input::AnyNumeric),
    exact(r#"{"id": "lz4", "acceleration": 3}"#, Input::AnyNumeric),
    exact(r#"{"id": "bz2", "level": 1}"#, Input::AnyNumeric),
    exact(r#"{"id": "lzma", "format": 1, "check": 4, "preset": 0, "filters": null}"#, Input::AnyNumeric),
    exact(
        r#"{"id": "lzma", "format": 3, "check": -1, "preset": null, "filters": [{"id": 33, "preset": 1}]}"#,
        Input::AnyNumeric,
    ),
    Entry {
        config: r#"{"id": "bitround", "keepbits": 10}"#,
        input: Input::Typed("<f8", Values::Within(1e6)),
        bound: Bound::Rel(1.0 / 1024.0),
        min_len: 0,
    },
    Entry {
        config: r#"{"id": "bitround", "keepbits": 3}"#,
        input: Input::Typed("<f4", Values::Within(1e3)),
        bound: Bound::Rel(1.0 / 8.0),
        min_len: 0,
    },
    exact(r#"{"id": "bitround", "keepbits": 52}"#, Input::Typed("<f8", Values::AnyBits)),
    exact(r#"{"id": "packbits"}"#, Input::Typed("|b1", Values::Bool)),
    exact(r#"{"id": "shuffle", "elementsize": 4}"#, Input::Typed("<i4", Values::AnyBits)),
    exact(r#"{"id": "shuffle", "elementsize": 8}"#, Input::Typed(">f8", Values::AnyBits)),
    exact(r#"{"id": "shuffle", "elementsize": 3}"#, Input::Typed("|S3", Values::AnyBits)),
    exact(
        r#"{"id": "categorize", "labels": ["a", "zé", "中文", ""], "dtype": "|O", "astype": "|u1"}"#,
        Input::Labels(&["a", "zé", "中文"], "|O"),
    ),
    exact(
        r#"{"id": "categorize", "labels": ["a", "zé", "中文"], "dtype": "<U3", "astype": "<u2"}"#,
        Input::Labels(&["a", "zé", "中文"], "<U3"),
    ),
    exact(r#"{"id": "pickle", "protocol": 5}"#, Input::Mixed),
    exact(r#"{"id": "pickle", "protocol": 2}"#, Input::Strings),
    exact(r#"{"id": "pickle", "protocol": 0}"#, Input::Bytes),
    // Protocols 0 to 4 load big-endian arrays in native order (as numpy does).
    exact(r#"{"id": "pickle", "protocol": 4}"#, Input::Typed("<f8", Values::AnyBits)),
    exact(r#"{"id": "pickle", "protocol": 5}"#, Input::AnyNumeric),
    // Not any bits: widening quiets a signalling NaN, as the hardware (and numpy) does.
    exact(
        r#"{"id": "astype", "encode_dtype": "<f8", "decode_dtype": "<f4"}"#,
        Input::Typed("<f4", Values::Within(3e38)),
    ),
    exact(r#"{"id": "astype", "encode_dtype": ">i8", "decode_dtype": "<i2"}"#, Input::Typed("<i2", Values::AnyBits)),
    lossy(
        r#"{"id": "astype", "encode_dtype": "<f4", "decode_dtype": "<f8"}"#,
        Input::Typed("<f8", Values::Within(1e6)),
        Bound::Rel(1e-7),
    ),
    lossy(
        r#"{"id": "astype", "encode_dtype": "<f2", "decode_dtype": "<f4"}"#,
        Input::Typed("<f4", Values::Within(1e3)),
        Bound::Rel(1e-3),
    ),
    exact(r#"{"id": "delta", "dtype": "<i4"}"#, Input::Typed("<i4", Values::AnyBits)),
    exact(r#"{"id": "delta", "dtype": "<u2", "astype": "<u2"}"#, Input::Typed("<u2", Values::AnyBits)),
    exact(r#"{"id": "delta", "dtype": ">i8", "astype": "<i8"}"#, Input::Typed(">i8", Values::AnyBits)),
    lossy(r#"{"id": "delta", "dtype": "<f8"}"#, Input::Typed("<f8", Values::Within(1e3)), Bound::Abs(1e-9)),
    lossy(
        r#"{"id": "fixedscaleoffset", "offset": 1000, "scale": 10, "dtype": "<f8", "astype": "<i4"}"#,
        Input::Typed("<f8", Values::Within(1e5)),
        Bound::Abs(0.05 + 1e-9),
    ),
    lossy(
        r#"{"id": "fixedscaleoffset", "offset": 0.5, "scale": 100, "dtype": "<f4", "astype": "<i8"}"#,
        Input::Typed("<f4", Values::Within(1e3)),
        Bound::Abs(0.005 + 1e-4),
    ),
    lossy(
        r#"{"id": "quantize", "digits": 3, "dtype": "<f8"}"#,
        Input::Typed("<f8", Values::Within(1e4)),
        Bound::Abs(1e-3),
    ),
    lossy(
        r#"{"id": "quantize", "digits": 1, "dtype": "<f4", "astype": "<f4"}"#,
        Input::Typed("<f4", Values::Within(1e3)),
        Bound::Abs(0.1),
    ),
    exact(r#"{"id": "vlen-utf8"}"#, Input::Strings),
    exact(r#"{"id": "vlen-bytes"}"#, Input::Bytes),
    exact(r#"{"id": "vlen-array", "dtype": "<i4"}"#, Input::Arrays("<i4")),
    exact(r#"{"id": "vlen-array", "dtype": ">f8"}"#, Input::Arrays(">f8")),
    exact(r#"{"id": "json2"}"#, Input::Mixed),
    exact(r#"{"id": "json2", "ensure_ascii": false, "indent": 2, "sort_keys": false}"#, Input::Strings),
    exact(r#"{"id": "json2"}"#, Input::Typed("<f8", Values::Within(1e12))),
    exact(r#"{"id": "json2"}"#, Input::Typed("<i8", Values::AnyBits)),
    exact(r#"{"id": "json"}"#, Input::Strings),
    exact(r#"{"id": "msgpack2"}"#, Input::Mixed),
    exact(r#"{"id": "msgpack2", "use_bin_type": true}"#, Input::Bytes),
    exact(r#"{"id": "msgpack2"}"#, Input::Typed("<i8", Values::AnyBits)),
    exact(r#"{"id": "msgpack"}"#, Input::Strings),
    exact(r#"{"id": "pcodec"}"#, Input::Typed("<f8", Values::AnyBits)),
    exact(
        r#"{"id": "pcodec", "level": 3, "delta_encoding_order": 1, "delta_spec": "try_consecutive"}"#,
        Input::Typed("<i4", Values::Within(1e6)),
    ),
    exact(r#"{"id": "pcodec", "mode_spec": "classic"}"#, Input::Typed("<u2", Values::AnyBits)),
    Entry { config: r#"{"id": "zfpy"}"#, input: Input::Typed("<f8", Values::AnyBits), bound: Bound::Exact, min_len: 1 },
    Entry {
        config: r#"{"id": "zfpy", "mode": 4, "tolerance": 0.001}"#,
        input: Input::Typed("<f8", Values::Within(1e3)),
        bound: Bound::Abs(0.001),
        min_len: 1,
    },
    Entry {
        config: r#"{"id": "zfpy", "mode": 4, "tolerance": 0.5}"#,
        input: Input::Typed("<f4", Values::Within(1e4)),
        bound: Bound::Abs(0.5),
        min_len: 1,
    },
    exact(r#"{"id": "zfpy"}"#, Input::Typed("<i4", Values::Within(1e8))),
];

/// The workspace's one generator (the tests draw seeds from proptest).
pub use zarrcodecs_core::testing::Rng;

/// Dtypes for [`Input::AnyNumeric`].
const ANY_DTYPES: &[&str] = &["|u1", "<i2", ">i4", "<f4", "<f8", ">f8", "<c16", "|b1", "|S3", "<U2", "<M8[ns]"];

/// An input of `len` elements for `input`, drawn from `rng`.
pub fn generate(input: Input, len: usize, rng: &mut Rng) -> Data {
    match input {
        Input::AnyNumeric => {
            let dtype: DType = ANY_DTYPES[rng.below(ANY_DTYPES.len())].parse().unwrap();
            // Sometimes two-dimensional.
            let shape = if len > 4 && rng.below(3) == 0 { vec![len / 4, 4] } else { vec![len] };
            let n: usize = shape.iter().product();
            let bytes: Vec<u8> = (0..n * dtype.itemsize())
                .map(|i| if rng.below(4) == 0 { (i / 5) as u8 } else { rng.next_u64() as u8 })
                .collect();
            Data::Array(NdArray::from_bytes(&bytes, dtype, shape).unwrap())
        }
        Input::Typed(dtype, values) => Data::Array(typed(dtype.parse().unwrap(), values, len, rng)),
        Input::Strings => {
            let items = (0..len).map(|_| Object::Str(random_string(rng).into())).collect();
            Data::Object(ObjectArray::from_items(items))
        }
        Input::Bytes => {
            let items =
                (0..len).map(|_| Object::Bytes((0..rng.below(20)).map(|_| rng.next_u64() as u8).collect())).collect();
            Data::Object(ObjectArray::from_items(items))
        }
        Input::Mixed => {
            let items = (0..len).map(|_| random_object(rng, 2)).collect();
            Data::Object(ObjectArray::from_items(items))
        }
        Input::Labels(labels, "|O") => {
            let items = (0..len).map(|_| Object::Str(labels[rng.below(labels.len())].to_string().into())).collect();
            Data::Object(ObjectArray::from_items(items))
        }
        Input::Labels(labels, dtype) => {
            let dtype: DType = dtype.parse().unwrap();
            let width = dtype.itemsize() / 4;
            let big = dtype.byte_order() == zarrcodecs::ByteOrder::Big;
            let mut bytes = Vec::with_capacity(len * dtype.itemsize());
            for _ in 0..len {
                let mut chars: Vec<u32> = labels[rng.below(labels.len())].chars().map(u32::from).collect();
                chars.resize(width, 0);
                for c in chars {
                    bytes.extend_from_slice(&if big { c.to_be_bytes() } else { c.to_le_bytes() });
                }
            }
            Data::Array(NdArray::from_bytes(&bytes, dtype, vec![len]).unwrap())
        }
        Input::Arrays(dtype) => {
            let dtype: DType = dtype.parse().unwrap();
            let items = (0..len)
                .map(|_| Object::Array(Box::new(typed(dtype, Values::Within(1000.0), rng.below(9), rng))))
                .collect();
            Data::Object(ObjectArray::from_items(items))
        }
    }
}

fn random_string(rng: &mut Rng) -> String {
    const CHARS: &[char] = &['a', 'b', 'z', ' ', '\0', 'é', 'ж', '中', '😀', '"', '\\', '\n'];
    (0..rng.below(12)).map(|_| CHARS[rng.below(CHARS.len())]).collect()
}

fn random_object(rng: &mut Rng, depth: u32) -> Object {
    match rng.below(if depth == 0 { 6 } else { 7 }) {
        0 => Object::None,
        1 => Object::Bool(rng.below(2) == 1),
        2 => Object::Int(rng.next_u64() as i64 >> rng.below(64)),
        3 => Object::Float(rng.within(1e6)),
        4 | 5 => Object::Str(random_string(rng).into()),
        _ => Object::List((0..rng.below(4)).map(|_| random_object(rng, depth - 1)).collect()),
    }
}

fn typed(dtype: DType, values: Values, len: usize, rng: &mut Rng) -> NdArray {
    use zarrcodecs::DTypeKind;
    let size = dtype.itemsize();
    let big = dtype.byte_order() == zarrcodecs::ByteOrder::Big;
    let mut bytes = Vec::with_capacity(len * size);
    for _ in 0..len {
        let mut item: Vec<u8> = match (values, dtype.kind()) {
            (Values::AnyBits, _) => (0..size).map(|_| rng.next_u64() as u8).collect(),
            (Values::Bool, _) => vec![u8::from(rng.below(2) == 1)],
            (Values::Within(r), DTypeKind::Float) => match size {
                2 => half::f16::from_f64(rng.within(r.min(60000.0))).to_le_bytes().to_vec(),
                4 => (rng.within(r) as f32).to_le_bytes().to_vec(),
                _ => rng.within(r).to_le_bytes().to_vec(),
            },
            (Values::Within(r), DTypeKind::UInt) => (rng.within(r).abs() as u64).to_le_bytes()[..size].to_vec(),
            (Values::Within(r), _) => (rng.within(r) as i64).to_le_bytes()[..size].to_vec(),
        };
        if big && !matches!(values, Values::AnyBits) {
            item.reverse();
        }
        bytes.extend_from_slice(&item);
    }
    NdArray::from_bytes(&bytes, dtype, vec![len]).unwrap()
}

/// Checks `decoded` against `input` within `bound`; the message says where it is off.
pub fn check(config: &str, bound: Bound, input: &Data, decoded: &Data) -> Result<(), String> {
    match (input, decoded) {
        (Data::Object(a), Data::Object(b)) => {
            if a.items() == b.items() {
                Ok(())
            } else {
                Err(format!("{config}: objects differ: {:?} vs {:?}", a.items(), b.items()))
            }
        }
        (Data::Array(a), Data::Array(b)) => match bound {
            Bound::Exact if a.as_bytes() == b.as_bytes() => Ok(()),
            Bound::Exact => {
                Err(format!("{config}: decoded bytes differ ({} vs {} bytes)", a.as_bytes().len(), b.as_bytes().len()))
            }
            Bound::Abs(_) | Bound::Rel(_) => {
                let (x, y) = (floats(a), floats(b));
                if x.len() != y.len() {
                    return Err(format!("{config}: {} values decoded to {}", x.len(), y.len()));
                }
                for (i, (x, y)) in x.iter().zip(&y).enumerate() {
                    let tolerance = match bound {
                        Bound::Abs(t) => t,
                        Bound::Rel(r) => r * x.abs(),
                        Bound::Exact => 0.0,
                    };
                    if !((x - y).abs() <= tolerance || (x.is_nan() && y.is_nan()) || x == y) {
                        return Err(format!("{config}: element {i}: {x} decoded to {y}, bound {bound:?}"));
                    }
                }
                Ok(())
            }
        },
        _ => Err(format!("{config}: decoded a different kind of data")),
    }
}

/// The elements of a numeric array as f64.
fn floats(a: &NdArray) -> Vec<f64> {
    use zarrcodecs::DTypeKind;
    let dtype = a.dtype();
    let size = dtype.itemsize();
    let big = dtype.byte_order() == zarrcodecs::ByteOrder::Big;
    a.as_bytes()
        .chunks_exact(size)
        .map(|c| {
            let mut b = [0u8; 8];
            if big {
                for (i, x) in c.iter().rev().enumerate() {
                    b[i] = *x;
                }
            } else {
                b[..size].copy_from_slice(c);
            }
            match (dtype.kind(), size) {
                (DTypeKind::Float, 2) => half::f16::from_le_bytes([b[0], b[1]]).to_f64(),
                (DTypeKind::Float, 4) => f64::from(f32::from_le_bytes([b[0], b[1], b[2], b[3]])),
                (DTypeKind::Float, _) => f64::from_le_bytes(b),
                (DTypeKind::Int, _) => {
                    let shift = 64 - 8 * size as u32;
                    ((i64::from_le_bytes(b) << shift) >> shift) as f64
                }
                _ => u64::from_le_bytes(b) as f64,
            }
        })
        .collect()
}
