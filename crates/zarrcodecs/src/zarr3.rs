//! Zarr v3 array metadata (`zarr.json`) whose codecs numcodecs covers: `bytes` (or a
//! numcodecs array-to-bytes codec such as `numcodecs.pcodec`), `numcodecs.*` codecs, and
//! the v3 codecs that zarr-python runs through numcodecs (`blosc`, `gzip`, `zstd`,
//! `crc32c`),
//! plus `transpose` to Fortran order.
//!
//! zarr-python 3 writes `{"name": "numcodecs.<id>", "configuration": {..}}` for every
//! numcodecs codec it is given. [`ZarrV3Array::from_json`] turns such a document into
//! the chunk model of a zarr v2 array ([`ZarrArray`]: dtype with the `bytes` codec's
//! byte order, chunk shape, order, fill value, and the codec chain), so that
//! [`ZarrPipeline::from_zarr_json`] decodes and encodes its chunks exactly as the v2
//! pipeline does. Sharding, variable-length strings and data types numpy does not
//! share are refused with [`Error::InvalidZarray`].

use serde_json::{Map, Value};

use crate::zarr::{fill_bytes, Order, ZarrArray};
use crate::{ByteOrder, DType, DTypeKind, Error, Result, ZarrPipeline};

/// How a zarr v3 array names its chunks in the store.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ChunkKeyEncoding {
    /// `{"name": "default"}`: `c` then the indices, joined by the separator
    /// (`c/1/0`; `c` alone for a 0-d array).
    Default {
        /// `/` (the default) or `.`.
        separator: char,
    },
    /// `{"name": "v2"}`: the indices joined by the separator, as zarr v2 does
    /// (`1.0`; `0` for a 0-d array).
    V2 {
        /// `.` (the default) or `/`.
        separator: char,
    },
}

/// A zarr v3 array's metadata, as far as its chunks need it.
#[derive(Clone, Debug, PartialEq)]
pub struct ZarrV3Array {
    /// The chunk model: shape, chunk shape, dtype (in the byte order of the `bytes`
    /// codec), order (`F` under a reversing `transpose`), fill value, and the codec chain
    /// as numcodecs configurations in `filters` then `compressor`.
    pub array: ZarrArray,
    /// How chunk keys are formed.
    pub chunk_key_encoding: ChunkKeyEncoding,
}

fn bad(reason: impl std::fmt::Display) -> Error {
    Error::InvalidZarray { reason: format!("zarr.json: {reason}") }
}

impl ZarrV3Array {
    /// Parses a `zarr.json` document of a zarr v3 array.
    ///
    /// ```
    /// use zarrcodecs::zarr3::ZarrV3Array;
    /// let doc = serde_json::json!({
    ///     "zarr_format": 3, "node_type": "array", "shape": [4, 5], "data_type": "int32",
    ///     "chunk_grid": {"name": "regular", "configuration": {"chunk_shape": [2, 3]}},
    ///     "chunk_key_encoding": {"name": "default", "configuration": {"separator": "/"}},
    ///     "fill_value": 7,
    ///     "codecs": [
    ///         {"name": "numcodecs.delta", "configuration": {"dtype": "<i4"}},
    ///         {"name": "bytes", "configuration": {"endian": "little"}},
    ///         {"name": "numcodecs.zlib", "configuration": {"level": 1}}
    ///     ]
    /// });
    /// let a = ZarrV3Array::from_json(&doc)?;
    /// assert_eq!(a.array.dtype.to_string(), "<i4");
    /// assert_eq!(a.array.filters, vec![serde_json::json!({"id": "delta", "dtype": "<i4"})]);
    /// assert_eq!(a.array.compressor, Some(serde_json::json!({"id": "zlib", "level": 1})));
    /// assert_eq!(a.chunk_key(&[1, 0]), "c/1/0");
    /// # Ok::<(), zarrcodecs::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidZarray`] for a document that is not a zarr v3 array, misses a
    /// field, uses a chunk grid other than `regular`, a data type numpy does not share,
    /// sharding or another codec outside numcodecs, a `transpose` other than the
    /// identity or the reversal, numcodecs array-to-array codecs before a big-endian
    /// `bytes` codec (not supported yet), or a fill value that does not fit the data
    /// type.
    pub fn from_json(doc: &Value) -> Result<Self> {
        let obj = doc.as_object().ok_or_else(|| bad("the document is not a JSON object"))?;
        match obj.get("zarr_format") {
            Some(v) if v.as_u64() == Some(3) => {}
            Some(v) => return Err(bad(format_args!("zarr_format is {v}, not 3"))),
            None => return Err(bad("no zarr_format")),
        }
        match obj.get("node_type").and_then(Value::as_str) {
            Some("array") => {}
            other => return Err(bad(format_args!("node_type is {other:?}, not \"array\""))),
        }
        if let Some(t) = obj.get("storage_transformers").and_then(Value::as_array).filter(|t| !t.is_empty()) {
            return Err(bad(format_args!("storage transformers are not supported: {}", Value::from(t.clone()))));
        }
        let shape = dims(obj.get("shape"), "shape")?;
        let grid = obj.get("chunk_grid").ok_or_else(|| bad("no chunk_grid"))?;
        if grid.get("name").and_then(Value::as_str) != Some("regular") {
            return Err(bad(format_args!("chunk_grid {grid} is not a regular grid")));
        }
        let chunks = dims(grid.get("configuration").and_then(|c| c.get("chunk_shape")), "chunk_shape")?;
        if chunks.len() != shape.len() {
            return Err(bad(format_args!("shape {shape:?} and chunk_shape {chunks:?} differ in length")));
        }
        let chunk_key_encoding = key_encoding(obj.get("chunk_key_encoding"))?;
        let (kind, size) = data_type(obj.get("data_type").ok_or_else(|| bad("no data_type"))?)?;
        let codecs = obj.get("codecs").and_then(Value::as_array).ok_or_else(|| bad("codecs is not a list"))?;
        let chain = chain(codecs, shape.len())?;
        let byte_order = match chain.endian {
            Some(ByteOrder::Big) if size > 1 => '>',
            _ if size == 1 || kind.starts_with('V') => '|',
            _ => '<',
        };
        let dtype: DType = format!("{byte_order}{kind}")
            .parse()
            .map_err(|e| bad(format_args!("data type {kind} with byte order {byte_order}: {e}")))?;
        let fill_value = match obj.get("fill_value") {
            None => return Err(bad("no fill_value")),
            Some(Value::Null) => None,
            Some(v) => Some(fill(dtype, v)?),
        };
        dtype.nbytes(&chunks).ok_or_else(|| bad("the chunk size overflows"))?;
        let mut configs = chain.configs;
        let compressor = configs.pop();
        let array = ZarrArray {
            shape,
            chunks,
            dtype,
            order: chain.order,
            fill_value,
            object_fill_value: None,
            fields: Vec::new(),
            filters: configs,
            compressor,
            dimension_separator: match chunk_key_encoding {
                ChunkKeyEncoding::Default { separator } | ChunkKeyEncoding::V2 { separator } => separator.to_string(),
            },
        };
        Ok(ZarrV3Array { array, chunk_key_encoding })
    }

    /// The store key of the chunk at `index`, relative to the array (`c/1/0`, or `1.0`
    /// under the `v2` key encoding).
    pub fn chunk_key(&self, index: &[usize]) -> String {
        let joined = |sep: char| index.iter().map(ToString::to_string).collect::<Vec<_>>().join(&sep.to_string());
        match self.chunk_key_encoding {
            ChunkKeyEncoding::Default { .. } if index.is_empty() => "c".to_string(),
            ChunkKeyEncoding::Default { separator } => format!("c{separator}{}", joined(separator)),
            ChunkKeyEncoding::V2 { .. } if index.is_empty() => "0".to_string(),
            ChunkKeyEncoding::V2 { separator } => joined(separator),
        }
    }
}

impl ZarrPipeline {
    /// The chunk pipeline of a zarr v3 array from its `zarr.json`: see [`ZarrV3Array`].
    /// [`ZarrPipeline::array`] then describes the chunks; chunk keys come from
    /// [`ZarrV3Array::chunk_key`].
    ///
    /// # Errors
    /// As [`ZarrV3Array::from_json`]; as [`get_codec`](crate::get_codec) for each codec.
    pub fn from_zarr_json(doc: &Value) -> Result<Self> {
        Self::from_zarr_array(ZarrV3Array::from_json(doc)?.array)
    }
}

fn dims(v: Option<&Value>, key: &str) -> Result<Vec<usize>> {
    let arr = v.and_then(Value::as_array).ok_or_else(|| bad(format_args!("{key} is not a list")))?;
    arr.iter()
        .map(|d| {
            d.as_u64()
                .and_then(|d| usize::try_from(d).ok())
                .ok_or_else(|| bad(format_args!("{key} holds {d}, not a non-negative integer")))
        })
        .collect()
}

fn key_encoding(v: Option<&Value>) -> Result<ChunkKeyEncoding> {
    let Some(v) = v else { return Err(bad("no chunk_key_encoding")) };
    let separator = |default: char| -> Result<char> {
        match v.get("configuration").and_then(|c| c.get("separator")) {
            None => Ok(default),
            Some(Value::String(s)) if s == "/" => Ok('/'),
            Some(Value::String(s)) if s == "." => Ok('.'),
            Some(s) => Err(bad(format_args!("chunk key separator {s} is not \"/\" or \".\""))),
        }
    };
    match v.get("name").and_then(Value::as_str) {
        Some("default") => Ok(ChunkKeyEncoding::Default { separator: separator('/')? }),
        Some("v2") => Ok(ChunkKeyEncoding::V2 { separator: separator('.')? }),
        _ => Err(bad(format_args!("chunk_key_encoding {v} is not \"default\" or \"v2\""))),
    }
}

/// The numpy kind and size of a v3 data type (`"int32"` -> `("i4", 4)`).
fn data_type(v: &Value) -> Result<(String, usize)> {
    let simple = |name: &str| -> Option<(&'static str, usize)> {
        Some(match name {
            "bool" => ("b1", 1),
            "int8" => ("i1", 1),
            "int16" => ("i2", 2),
            "int32" => ("i4", 4),
            "int64" => ("i8", 8),
            "uint8" => ("u1", 1),
            "uint16" => ("u2", 2),
            "uint32" => ("u4", 4),
            "uint64" => ("u8", 8),
            "float16" => ("f2", 2),
            "float32" => ("f4", 4),
            "float64" => ("f8", 8),
            "complex64" => ("c8", 8),
            "complex128" => ("c16", 16),
            _ => return None,
        })
    };
    match v {
        Value::String(name) => {
            if let Some((kind, size)) = simple(name) {
                return Ok((kind.to_string(), size));
            }
            // Raw bits: r8, r16, ... (a multiple of 8).
            if let Some(bits) = name.strip_prefix('r').and_then(|b| b.parse::<usize>().ok()) {
                if bits > 0 && bits % 8 == 0 {
                    return Ok((format!("V{}", bits / 8), bits / 8));
                }
            }
            Err(bad(format_args!(
                "data_type {name:?} is not supported (variable-length strings and bytes are not yet)"
            )))
        }
        Value::Object(o) => {
            let name = o.get("name").and_then(Value::as_str).unwrap_or("");
            let config = o.get("configuration").and_then(Value::as_object);
            if let Some((kind, size)) = simple(name) {
                return Ok((kind.to_string(), size));
            }
            let letter = match name {
                "numpy.datetime64" => "M8",
                "numpy.timedelta64" => "m8",
                _ => return Err(bad(format_args!("data_type {v} is not supported"))),
            };
            let unit = config.and_then(|c| c.get("unit")).and_then(Value::as_str).ok_or_else(|| bad("no unit"))?;
            let scale = config.and_then(|c| c.get("scale_factor")).and_then(Value::as_u64).unwrap_or(1);
            let kind = if scale == 1 { format!("{letter}[{unit}]") } else { format!("{letter}[{scale}{unit}]") };
            Ok((kind, 8))
        }
        _ => Err(bad(format_args!("data_type {v} is not a name or an object"))),
    }
}

/// What the codec list comes to.
struct Chain {
    /// The numcodecs configurations, in encoding order.
    configs: Vec<Value>,
    /// The `bytes` codec's byte order (`None` when it names none or there is no `bytes`).
    endian: Option<ByteOrder>,
    order: Order,
}

fn chain(codecs: &[Value], ndim: usize) -> Result<Chain> {
    let mut out = Chain { configs: Vec::new(), endian: None, order: Order::C };
    let mut seen_bytes = false;
    for codec in codecs {
        // zarr v3 also allows a bare name for a codec without configuration.
        let (name, config) = match codec {
            Value::String(name) => (name.as_str(), Map::new()),
            Value::Object(o) => (
                o.get("name").and_then(Value::as_str).ok_or_else(|| bad(format_args!("codec {codec} has no name")))?,
                match o.get("configuration") {
                    None => Map::new(),
                    Some(Value::Object(c)) => c.clone(),
                    Some(c) => {
                        return Err(bad(format_args!(
                            "codec {name:?} has configuration {c}, not an object",
                            name = o.get("name")
                        )))
                    }
                },
            ),
            _ => return Err(bad(format_args!("codec {codec} is not an object"))),
        };
        let numcodecs = |id: &str, config: Map<String, Value>| {
            let mut m = Map::new();
            m.insert("id".into(), Value::from(id));
            m.extend(config);
            Value::Object(m)
        };
        match name {
            "bytes" => {
                seen_bytes = true;
                out.endian = match config.get("endian").and_then(Value::as_str) {
                    None => None,
                    Some("little") => Some(ByteOrder::Little),
                    Some("big") => Some(ByteOrder::Big),
                    Some(e) => return Err(bad(format_args!("bytes codec endian {e:?}"))),
                };
                // Array-to-array codecs see the array in memory (native, little-endian)
                // order and the bytes codec swaps their output; the v2 chain has no such
                // step, so it would hand them big-endian items. Refused until it has one.
                if out.endian == Some(ByteOrder::Big) && !out.configs.is_empty() {
                    return Err(bad(
                        "numcodecs array-to-array codecs before a big-endian bytes codec are not supported yet",
                    ));
                }
            }
            "transpose" => {
                if seen_bytes || !out.configs.is_empty() {
                    return Err(bad("transpose after another codec is not supported"));
                }
                out.order = transpose_order(config.get("order"), ndim)?;
            }
            "gzip" | "zstd" | "crc32c" => out.configs.push(numcodecs(name, config)),
            "blosc" => out.configs.push(numcodecs("blosc", blosc_config(config)?)),
            "sharding_indexed" => return Err(bad("sharded arrays (sharding_indexed) are not supported")),
            _ => match name.strip_prefix("numcodecs.") {
                Some(id) if !id.is_empty() => out.configs.push(numcodecs(id, config)),
                _ => {
                    return Err(bad(format_args!(
                    "codec {name:?} is not supported: only bytes, transpose, blosc, gzip, zstd, crc32c and numcodecs.*"
                )))
                }
            },
        }
    }
    Ok(out)
}

/// zarr v3's `blosc` configuration as numcodecs' (zarr-python 3 runs numcodecs' Blosc
/// with it): `shuffle` is named (`noshuffle`, `shuffle`, `bitshuffle`) rather than
/// numbered, and `typesize` is the item size to shuffle with.
fn blosc_config(mut config: Map<String, Value>) -> Result<Map<String, Value>> {
    if let Some(shuffle) = config.get("shuffle") {
        let n = match shuffle.as_str() {
            Some("noshuffle") => 0,
            Some("shuffle") => 1,
            Some("bitshuffle") => 2,
            _ => return Err(bad(format_args!("blosc shuffle {shuffle} is not noshuffle, shuffle or bitshuffle"))),
        };
        config.insert("shuffle".into(), Value::from(n));
    }
    Ok(config)
}

/// `C` for the identity permutation, `F` for the reversal (which stores a chunk's
/// bytes in Fortran order); zarr-python 2-era documents write `"C"`/`"F"` themselves.
fn transpose_order(v: Option<&Value>, ndim: usize) -> Result<Order> {
    match v {
        Some(Value::String(s)) if s == "C" => Ok(Order::C),
        Some(Value::String(s)) if s == "F" => Ok(Order::F),
        Some(Value::Array(p)) => {
            let perm: Vec<u64> = p.iter().filter_map(Value::as_u64).collect();
            let n = ndim as u64;
            if perm.len() != ndim || p.len() != ndim {
                Err(bad(format_args!("transpose order {} does not permute {ndim} axes", Value::from(p.clone()))))
            } else if perm.iter().copied().eq(0..n) {
                Ok(Order::C)
            } else if perm.iter().copied().eq((0..n).rev()) {
                Ok(Order::F)
            } else {
                Err(bad(format_args!(
                    "transpose order {} is not supported (only the identity and the reversal)",
                    Value::from(p.clone())
                )))
            }
        }
        other => Err(bad(format_args!("transpose order {other:?} is not a permutation"))),
    }
}

/// One item of `dtype` for a v3 fill value: as v2 writes it, plus the v3 forms of
/// floats as their bits (`"0x7fc00000"`) and raw bits as a list of byte values.
fn fill(dtype: DType, v: &Value) -> Result<Vec<u8>> {
    let size = dtype.itemsize();
    match (dtype.kind(), v) {
        (DTypeKind::Float, Value::String(s)) if s.starts_with("0x") => {
            let bits =
                u64::from_str_radix(&s[2..], 16).map_err(|_| bad(format_args!("fill_value {s:?} is not hex")))?;
            if s.len() != 2 + 2 * size {
                return Err(bad(format_args!("fill_value {s:?} does not have {size} bytes")));
            }
            let mut b = bits.to_le_bytes()[..size].to_vec();
            if dtype.byte_order() == ByteOrder::Big {
                b.reverse();
            }
            Ok(b)
        }
        (DTypeKind::Void, Value::Array(items)) => {
            let b: Vec<u8> = items.iter().filter_map(|x| x.as_u64().and_then(|x| u8::try_from(x).ok())).collect();
            if b.len() != size || items.len() != size {
                return Err(bad(format_args!("fill_value {v} is not {size} byte values")));
            }
            Ok(b)
        }
        _ => fill_bytes(dtype, v).map_err(|e| match e {
            Error::InvalidZarray { reason } => bad(reason),
            e => e,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn doc(data_type: Value, codecs: Value, fill: Value) -> Value {
        json!({
            "zarr_format": 3, "node_type": "array", "shape": [4, 5], "data_type": data_type,
            "chunk_grid": {"name": "regular", "configuration": {"chunk_shape": [2, 3]}},
            "chunk_key_encoding": {"name": "default", "configuration": {"separator": "/"}},
            "fill_value": fill, "codecs": codecs, "attributes": {}, "storage_transformers": []
        })
    }

    #[test]
    fn data_types_byte_orders_and_fill_values() {
        let bytes = |e: &str| json!([{"name": "bytes", "configuration": {"endian": e}}]);
        for (dt, endian, fill, dtype, item) in [
            (json!("float64"), "big", json!("NaN"), ">f8", f64::NAN.to_be_bytes().to_vec()),
            (json!("float32"), "little", json!("0x7fc00001"), "<f4", 0x7fc0_0001u32.to_le_bytes().to_vec()),
            (json!("int16"), "big", json!(-2), ">i2", (-2i16).to_be_bytes().to_vec()),
            (json!("uint8"), "little", json!(255), "|u1", vec![255]),
            (json!("bool"), "little", json!(true), "|b1", vec![1]),
            (
                json!("complex64"),
                "little",
                json!([1.0, "Infinity"]),
                "<c8",
                [1f32.to_le_bytes(), f32::INFINITY.to_le_bytes()].concat(),
            ),
            (json!("r16"), "little", json!([1, 2]), "|V2", vec![1, 2]),
            (
                json!({"name": "numpy.datetime64", "configuration": {"unit": "ns", "scale_factor": 1}}),
                "little",
                json!(-9223372036854775808i64),
                "<M8[ns]",
                i64::MIN.to_le_bytes().to_vec(),
            ),
        ] {
            let a = ZarrV3Array::from_json(&doc(dt.clone(), bytes(endian), fill)).unwrap();
            assert_eq!(a.array.dtype.to_string(), dtype, "{dt}");
            assert_eq!(a.array.fill_value.as_deref(), Some(&item[..]), "{dt}");
            assert!(a.array.filters.is_empty() && a.array.compressor.is_none());
        }
    }

    #[test]
    fn filters_before_big_endian_bytes_are_refused() {
        // The filters would see big-endian items, where zarr-python hands them native
        // ones: refused rather than decoded wrong (found by the pipeline fuzz target).
        let codecs = json!([
            {"name": "numcodecs.delta", "configuration": {"dtype": "<i4"}},
            {"name": "bytes", "configuration": {"endian": "big"}}
        ]);
        let err = ZarrV3Array::from_json(&doc(json!("int32"), codecs, json!(0))).unwrap_err();
        assert!(err.to_string().contains("before a big-endian bytes codec"), "{err}");
        // Without filters, or little-endian, or one-byte items stored either way: fine.
        let big_alone = json!([{"name": "bytes", "configuration": {"endian": "big"}}, {"name": "numcodecs.zlib"}]);
        assert!(ZarrV3Array::from_json(&doc(json!("int32"), big_alone, json!(0))).is_ok());
        let transpose = json!([{"name": "transpose", "configuration": {"order": [1, 0]}}, {"name": "bytes", "configuration": {"endian": "big"}}]);
        assert!(ZarrV3Array::from_json(&doc(json!("int32"), transpose, json!(0))).is_ok());
    }

    #[test]
    fn codecs_become_numcodecs_configs() {
        let a = ZarrV3Array::from_json(&doc(
            json!("int32"),
            json!([
                {"name": "transpose", "configuration": {"order": [1, 0]}},
                {"name": "numcodecs.delta", "configuration": {"dtype": "<i4"}},
                {"name": "bytes", "configuration": {"endian": "little"}},
                {"name": "zstd", "configuration": {"level": 3, "checksum": true}},
                "crc32c"
            ]),
            json!(0),
        ))
        .unwrap();
        assert_eq!(a.array.order, Order::F);
        assert_eq!(
            a.array.filters,
            vec![json!({"id": "delta", "dtype": "<i4"}), json!({"id": "zstd", "level": 3, "checksum": true})]
        );
        assert_eq!(a.array.compressor, Some(json!({"id": "crc32c"})));
        assert_eq!(a.chunk_key(&[1, 2]), "c/1/2");
        let p = ZarrPipeline::from_zarr_json(&doc(
            json!("float64"),
            json!([{"name": "bytes", "configuration": {"endian": "little"}}, {"name": "numcodecs.zlib", "configuration": {"level": 1}}]),
            json!(0.5),
        ))
        .unwrap();
        let chunk: Vec<u8> = (0..6).flat_map(|i| f64::from(i).to_le_bytes()).collect();
        let encoded = p.encode_chunk(&chunk).unwrap();
        assert_eq!(p.decode_chunk(Some(encoded.as_bytes())).unwrap().as_bytes(), &chunk[..]);
        assert_eq!(p.decode_chunk(None).unwrap().as_bytes(), &0.5f64.to_le_bytes().repeat(6)[..]);
    }

    #[test]
    fn key_encodings() {
        let mut d = doc(json!("uint8"), json!(["bytes"]), json!(0));
        d["chunk_key_encoding"] = json!({"name": "v2"});
        assert_eq!(ZarrV3Array::from_json(&d).unwrap().chunk_key(&[3, 4]), "3.4");
        d["chunk_key_encoding"] = json!({"name": "default", "configuration": {"separator": "."}});
        assert_eq!(ZarrV3Array::from_json(&d).unwrap().chunk_key(&[3, 4]), "c.3.4");
        d["shape"] = json!([]);
        d["chunk_grid"]["configuration"]["chunk_shape"] = json!([]);
        assert_eq!(ZarrV3Array::from_json(&d).unwrap().chunk_key(&[]), "c");
    }

    #[test]
    fn what_is_refused_says_why() {
        let ok = doc(json!("int32"), json!(["bytes"]), json!(0));
        for (patch, needle) in [
            (json!({"zarr_format": 2}), "zarr_format is 2"),
            (json!({"node_type": "group"}), "node_type"),
            (json!({"data_type": "string"}), "variable-length"),
            (json!({"data_type": "int128"}), "not supported"),
            (json!({"codecs": [{"name": "sharding_indexed", "configuration": {}}]}), "sharded"),
            (json!({"codecs": [{"name": "blosc2"}]}), "\"blosc2\" is not supported"),
            (json!({"codecs": [{"name": "transpose", "configuration": {"order": [0, 0]}}]}), "not supported"),
            (json!({"codecs": [{"name": "bytes", "configuration": {"endian": "middle"}}]}), "middle"),
            (json!({"data_type": "float32", "fill_value": "0x7f"}), "does not have 4 bytes"),
            (json!({"fill_value": 1e300}), "does not fit"),
            (json!({"chunk_grid": {"name": "rectilinear"}}), "not a regular grid"),
            (json!({"storage_transformers": [{"name": "x"}]}), "storage transformers"),
            (json!({"chunk_key_encoding": {"name": "default", "configuration": {"separator": "-"}}}), "separator"),
        ] {
            let mut d = ok.clone();
            for (k, v) in patch.as_object().unwrap() {
                d[k] = v.clone();
            }
            let err = ZarrV3Array::from_json(&d).unwrap_err().to_string();
            assert!(err.contains(needle), "{patch}: {err}");
        }
    }
}
