//! What the benchmarks of `zarrcodecs-benches` run on: deterministic generators of
//! realistic data and the tables of codec configurations to measure.
//!
//! To benchmark a new codec (or another configuration of one), add a line to [`CASES`];
//! for a new chain of codecs, a line to [`PIPELINES`]. The bench targets
//! (`benches/codecs.rs`, `benches/pipeline.rs`) iterate over these tables.

use std::fmt;

use serde_json::Value;
use zarrcodecs::{get_codec, Codec, Pipeline, Result};
use zarrcodecs_core::testing::Rng;
use zarrcodecs_core::{DType, Data, NdArray, Object, ObjectArray};

// The types of what the benches hand to `cargo xtask bench` (the case manifest and the
// allocation counts): one source file that xtask compiles too, so that writer and reader
// agree without xtask building every codec (see the file's header).
#[path = "../../xtask/src/bench/manifest.rs"]
pub mod manifest;

/// The chunk sizes every case is measured at, in bytes, with their label in bench ids.
pub const SIZES: &[(usize, &str)] = &[(64 << 10, "64KiB"), (8 << 20, "8MiB")];

/// The size at or above which a chunk is "large": criterion takes fewer, flat samples
/// and the `decode_into` and `memcpy` comparisons run.
pub const LARGE: usize = 8 << 20;

/// A kind of input data.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DataKind {
    /// `<f8`: a random walk (a sensor reading, a price): smooth, but with
    /// full-entropy low mantissa bits, so it compresses poorly.
    F8Walk,
    /// `<i4`: linear ramps of random start, slope and length (indices, counters,
    /// timestamps): very compressible.
    I4Ramp,
    /// `<f4`: 99% zeros, the rest random values at random places (masks, sparse fields).
    F4Sparse,
    /// `|u1`: ASCII text of pseudo-words drawn from a skewed vocabulary.
    Text,
    /// `|b1`: random booleans, about one in four true (masks).
    Bool,
    /// `|O`: short strings (one to three pseudo-words, some with non-ASCII letters),
    /// as object codecs see a column of names or labels. The size is the total UTF-8 length.
    Strings,
    /// `|O`: short `bytes` objects of random content and length (0 to 24 bytes).
    Bytes,
    /// `|O`: `<i4` arrays of 0 to 64 items of a random walk (ragged rows, as
    /// vlen-array takes). The size is the total of their bytes.
    Ragged,
    /// `<U8`: one of the 16 [`CATEGORIES`] nine times in ten, else an unknown word (a
    /// column of category names, as `categorize` takes).
    Categories,
}

/// The labels of the [`DataKind::Categories`] data (and of its categorize bench).
pub const CATEGORIES: [&str; 16] = [
    "red", "orange", "yellow", "green", "blue", "indigo", "violet", "black", "white", "grey", "brown", "pink", "cyan",
    "magenta", "olive", "maroon",
];

/// Every numeric data kind byte compressors are measured on.
pub const ALL_KINDS: &[DataKind] = &[DataKind::F8Walk, DataKind::I4Ramp, DataKind::F4Sparse, DataKind::Text];

/// Every data kind, numeric and object.
pub const EVERY_KIND: &[DataKind] = &[
    DataKind::F8Walk,
    DataKind::I4Ramp,
    DataKind::F4Sparse,
    DataKind::Text,
    DataKind::Bool,
    DataKind::Strings,
    DataKind::Bytes,
    DataKind::Ragged,
    DataKind::Categories,
];

impl DataKind {
    /// The name used in bench ids.
    pub fn name(self) -> &'static str {
        match self {
            DataKind::F8Walk => "f8_walk",
            DataKind::I4Ramp => "i4_ramp",
            DataKind::F4Sparse => "f4_sparse",
            DataKind::Text => "text",
            DataKind::Bool => "bool",
            DataKind::Strings => "strings",
            DataKind::Bytes => "bytes",
            DataKind::Ragged => "ragged",
            DataKind::Categories => "categories",
        }
    }

    /// Whether this kind is an object array (`|O`).
    pub fn is_object(self) -> bool {
        matches!(self, DataKind::Strings | DataKind::Bytes | DataKind::Ragged)
    }

    /// The numpy dtype of the generated array.
    pub fn dtype(self) -> DType {
        let text = match self {
            DataKind::F8Walk => "<f8",
            DataKind::I4Ramp => "<i4",
            DataKind::F4Sparse => "<f4",
            DataKind::Text => return DType::U1,
            DataKind::Bool => "|b1",
            DataKind::Categories => "<U8",
            DataKind::Strings | DataKind::Bytes | DataKind::Ragged => return DType::OBJECT,
        };
        // Fixed, valid dtype strings.
        text.parse().unwrap_or(DType::U1)
    }

    /// A one-dimensional array of about `size` bytes of this kind: numeric kinds give
    /// exactly `size` bytes rounded down to whole items, object kinds items whose
    /// contents add up to at least `size` bytes. The same `(kind, size)` always gives
    /// the same data.
    ///
    /// # Errors
    /// [`zarrcodecs::Error::Allocation`] if the memory cannot be had.
    pub fn generate_data(self, size: usize) -> Result<Data> {
        let mut rng = Rng::new(self as u64);
        let mut items = vec![];
        let mut total = 0;
        match self {
            DataKind::Strings => {
                let words = vocabulary(&mut rng);
                while total < size {
                    let n = 1 + rng.below(3);
                    let item: Vec<&str> = (0..n)
                        .map(|_| {
                            let rank_limit = rng.below(words.len()) + 1;
                            words[rng.below(rank_limit)].as_str()
                        })
                        .collect();
                    let item = item.join(" ");
                    total += item.len();
                    items.push(Object::Str(item.into()));
                }
            }
            DataKind::Bytes => {
                while total < size {
                    let item: Vec<u8> = (0..rng.below(25)).map(|_| (rng.next_u64() >> 56) as u8).collect();
                    total += item.len();
                    items.push(Object::Bytes(item.into()));
                }
            }
            DataKind::Ragged => {
                let dtype: DType = "<i4".parse().unwrap_or(DType::U1);
                let mut x = 0i32;
                while total < size {
                    let n = rng.below(65);
                    let row: Vec<u8> = (0..n)
                        .flat_map(|_| {
                            x = x.wrapping_add(rng.below_i32(201) - 100);
                            x.to_le_bytes()
                        })
                        .collect();
                    total += row.len();
                    items.push(Object::Array(Box::new(NdArray::from_bytes(&row, dtype, vec![n])?)));
                }
            }
            _ => return self.generate(size).map(Data::Array),
        }
        Ok(Data::Object(ObjectArray::from_items(items)))
    }

    /// A numeric array of `size` bytes of this kind (see [`DataKind::generate_data`]).
    ///
    /// # Errors
    /// [`zarrcodecs::Error::Allocation`] if the memory cannot be had,
    /// [`zarrcodecs::Error::UnsupportedDType`] for an object kind.
    pub fn generate(self, size: usize) -> Result<NdArray> {
        let dtype = self.dtype();
        if self.is_object() {
            return Err(zarrcodecs::Error::UnsupportedDType {
                codec: "bench data".into(),
                dtype,
                reason: "object kinds are generated by generate_data".into(),
            });
        }
        let n = size / dtype.itemsize();
        let mut rng = Rng::new(self as u64);
        let mut bytes = Vec::with_capacity(n * dtype.itemsize());
        match self {
            DataKind::F8Walk => {
                let mut x = 20.0f64;
                for _ in 0..n {
                    x += rng.unit_f64() - 0.5;
                    bytes.extend_from_slice(&x.to_le_bytes());
                }
            }
            DataKind::I4Ramp => {
                let (mut value, mut step, mut left) = (0i32, 0i32, 0usize);
                for _ in 0..n {
                    if left == 0 {
                        left = 100 + rng.below(1900);
                        value = rng.below_i32(2_000_001) - 1_000_000;
                        step = rng.below_i32(7) - 3;
                    }
                    bytes.extend_from_slice(&value.to_le_bytes());
                    value = value.wrapping_add(step);
                    left -= 1;
                }
            }
            DataKind::F4Sparse => {
                for _ in 0..n {
                    let v = if rng.below(100) == 0 { rng.unit_f32() * 200.0 - 100.0 } else { 0.0 };
                    bytes.extend_from_slice(&v.to_le_bytes());
                }
            }
            DataKind::Text => bytes = text(&mut rng, n),
            DataKind::Bool => bytes = (0..n).map(|_| u8::from(rng.below(4) == 0)).collect(),
            DataKind::Categories => {
                for _ in 0..n {
                    let word = if rng.below(10) == 0 { "unknown" } else { CATEGORIES[rng.below(CATEGORIES.len())] };
                    let mut item = [0u8; 32];
                    for (slot, c) in item.chunks_exact_mut(4).zip(word.chars()) {
                        slot.copy_from_slice(&u32::from(c).to_le_bytes());
                    }
                    bytes.extend_from_slice(&item);
                }
            }
            DataKind::Strings | DataKind::Bytes | DataKind::Ragged => {}
        }
        NdArray::from_bytes(&bytes, dtype, vec![n])
    }
}

impl fmt::Display for DataKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// ASCII text of `n` bytes: words from a vocabulary of 512 pseudo-words, the frequent
/// ones far more frequent (roughly Zipf), in sentences and lines.
fn text(rng: &mut Rng, n: usize) -> Vec<u8> {
    const LETTERS: &[u8; 26] = b"abcdefghijklmnopqrstuvwxyz";
    let vocab: Vec<Vec<u8>> = (0..512)
        .map(|_| {
            let len = 2 + rng.below(9);
            (0..len).map(|_| LETTERS[rng.below(LETTERS.len())]).collect()
        })
        .collect();
    text_from(rng, &vocab, n)
}

/// 512 pseudo-words of 2 to 10 letters, one in eight with a non-ASCII letter.
fn vocabulary(rng: &mut Rng) -> Vec<String> {
    const LETTERS: &[char] = &[
        'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm', 'n', 'o', 'p', 'q', 'r', 's', 't', 'u', 'v',
        'w', 'x', 'y', 'z',
    ];
    const ACCENTED: &[char] = &['é', 'ü', 'ñ', 'ø', 'ß', 'ç', 'λ', 'ж'];
    (0..512)
        .map(|_| {
            let len = 2 + rng.below(9);
            let mut w: String = (0..len).map(|_| LETTERS[rng.below(LETTERS.len())]).collect();
            if rng.below(8) == 0 {
                w.push(ACCENTED[rng.below(ACCENTED.len())]);
            }
            w
        })
        .collect()
}

fn text_from(rng: &mut Rng, vocab: &[Vec<u8>], n: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(n + 16);
    let (mut words_in_sentence, mut line_start) = (0usize, 0usize);
    while out.len() < n {
        let rank_limit = rng.below(vocab.len()) + 1;
        let word = &vocab[rng.below(rank_limit)];
        out.extend_from_slice(word);
        words_in_sentence += 1;
        if words_in_sentence > 4 && rng.below(10) == 0 {
            out.push(b'.');
            words_in_sentence = 0;
        }
        if out.len() - line_start > 72 {
            out.push(b'\n');
            line_start = out.len();
        } else {
            out.push(b' ');
        }
    }
    out.truncate(n);
    out
}

/// Whether `decoded` holds the same data as `input`: the same bytes for numeric
/// data (whatever the dtypes: compressors decode to `|u1`), the same items for objects.
pub fn same_data(input: &Data, decoded: &Data) -> bool {
    match (input, decoded) {
        (Data::Array(a), Data::Array(b)) => a.as_bytes() == b.as_bytes(),
        (Data::Object(a), Data::Object(b)) => a.items() == b.items(),
        _ => false,
    }
}

/// One codec configuration and the data kinds it is measured on.
#[derive(Clone, Copy, Debug)]
pub struct Case {
    /// The configuration, as numcodecs' `get_codec` takes it (JSON with `"id"`).
    pub config: &'static str,
    /// The data it takes: [`ALL_KINDS`] for byte compressors, the matching dtype for
    /// filters.
    pub kinds: &'static [DataKind],
}

/// Every codec configuration measured by the `codecs` bench. One line per
/// configuration: add one for each new codec.
pub const CASES: &[Case] = &[
    Case { config: r#"{"id": "zlib", "level": 1}"#, kinds: ALL_KINDS },
    Case { config: r#"{"id": "gzip", "level": 1}"#, kinds: ALL_KINDS },
    Case { config: r#"{"id": "zstd", "level": 1, "checksum": false}"#, kinds: ALL_KINDS },
    Case { config: r#"{"id": "zstd", "level": 3}"#, kinds: ALL_KINDS },
    Case { config: r#"{"id": "lz4", "acceleration": 1}"#, kinds: ALL_KINDS },
    Case { config: r#"{"id": "bz2", "level": 1}"#, kinds: ALL_KINDS },
    Case { config: r#"{"id": "lzma", "format": 1, "check": -1, "preset": 1, "filters": null}"#, kinds: ALL_KINDS },
    // Checksums and base64 run at the same speed on any bytes: one data kind is enough.
    Case { config: r#"{"id": "crc32"}"#, kinds: &[DataKind::F8Walk] },
    Case { config: r#"{"id": "crc32c"}"#, kinds: &[DataKind::F8Walk] },
    Case { config: r#"{"id": "adler32"}"#, kinds: &[DataKind::F8Walk] },
    Case { config: r#"{"id": "fletcher32"}"#, kinds: &[DataKind::F8Walk] },
    Case { config: r#"{"id": "jenkins_lookup3", "initval": 0, "prefix": null}"#, kinds: &[DataKind::F8Walk] },
    Case { config: r#"{"id": "base64"}"#, kinds: &[DataKind::F8Walk] },
    Case { config: r#"{"id": "blosc", "cname": "lz4", "clevel": 5, "shuffle": 1, "blocksize": 0}"#, kinds: ALL_KINDS },
    Case { config: r#"{"id": "blosc", "cname": "zstd", "clevel": 5, "shuffle": 2, "blocksize": 0}"#, kinds: ALL_KINDS },
    // Filters, on the dtype their configuration names.
    Case { config: r#"{"id": "astype", "encode_dtype": "<f4", "decode_dtype": "<f8"}"#, kinds: &[DataKind::F8Walk] },
    Case { config: r#"{"id": "astype", "encode_dtype": "<i2", "decode_dtype": "<i4"}"#, kinds: &[DataKind::I4Ramp] },
    Case { config: r#"{"id": "delta", "dtype": "<i4", "astype": "<i4"}"#, kinds: &[DataKind::I4Ramp] },
    Case { config: r#"{"id": "delta", "dtype": "<f8", "astype": "<f8"}"#, kinds: &[DataKind::F8Walk] },
    Case {
        config: r#"{"id": "fixedscaleoffset", "scale": 1000, "offset": 0, "dtype": "<f8", "astype": "<i4"}"#,
        kinds: &[DataKind::F8Walk],
    },
    Case { config: r#"{"id": "quantize", "digits": 3, "dtype": "<f8", "astype": "<f8"}"#, kinds: &[DataKind::F8Walk] },
    Case {
        config: r#"{"id": "quantize", "digits": 2, "dtype": "<f4", "astype": "<f4"}"#,
        kinds: &[DataKind::F4Sparse],
    },
    Case { config: r#"{"id": "shuffle", "elementsize": 8}"#, kinds: &[DataKind::F8Walk] },
    Case { config: r#"{"id": "shuffle", "elementsize": 4}"#, kinds: &[DataKind::I4Ramp, DataKind::F4Sparse] },
    Case { config: r#"{"id": "bitround", "keepbits": 10}"#, kinds: &[DataKind::F8Walk, DataKind::F4Sparse] },
    Case { config: r#"{"id": "packbits"}"#, kinds: &[DataKind::Bool] },
    // Scientific compressors.
    Case {
        config: r#"{"id": "pcodec", "level": 8, "mode_spec": "auto", "delta_spec": "auto", "paging_spec": "equal_pages_up_to", "delta_encoding_order": null, "equal_pages_up_to": 262144}"#,
        kinds: &[DataKind::F8Walk, DataKind::I4Ramp, DataKind::F4Sparse],
    },
    Case {
        config: r#"{"id": "zfpy", "mode": 4, "tolerance": -1, "rate": -1, "precision": -1}"#,
        kinds: &[DataKind::F8Walk, DataKind::I4Ramp, DataKind::F4Sparse],
    },
    Case {
        config: r#"{"id": "zfpy", "mode": 4, "tolerance": 0.001, "rate": -1, "precision": -1}"#,
        kinds: &[DataKind::F8Walk, DataKind::F4Sparse],
    },
    // Object codecs.
    Case { config: r#"{"id": "vlen-utf8"}"#, kinds: &[DataKind::Strings] },
    Case { config: r#"{"id": "vlen-bytes"}"#, kinds: &[DataKind::Bytes] },
    Case { config: r#"{"id": "vlen-array", "dtype": "<i4"}"#, kinds: &[DataKind::Ragged] },
    Case {
        config: r#"{"id": "json2", "encoding": "utf-8", "skipkeys": false, "ensure_ascii": true, "check_circular": true, "allow_nan": true, "indent": null, "separators": [",", ":"], "sort_keys": true, "strict": true}"#,
        kinds: &[DataKind::Strings, DataKind::I4Ramp],
    },
    Case {
        config: r#"{"id": "json", "encoding": "utf-8", "skipkeys": false, "ensure_ascii": true, "check_circular": true, "allow_nan": true, "indent": null, "separators": [",", ":"], "sort_keys": true, "strict": true}"#,
        kinds: &[DataKind::Strings],
    },
    Case {
        config: r#"{"id": "msgpack2", "raw": false, "use_single_float": false, "use_bin_type": true}"#,
        kinds: &[DataKind::Strings, DataKind::I4Ramp],
    },
    Case { config: r#"{"id": "msgpack", "encoding": "utf-8"}"#, kinds: &[DataKind::Strings] },
    Case {
        config: r#"{"id": "pickle", "protocol": 5}"#,
        kinds: &[DataKind::Strings, DataKind::Bytes, DataKind::F8Walk],
    },
    Case {
        config: r#"{"id": "categorize", "labels": ["red", "orange", "yellow", "green", "blue", "indigo", "violet", "black", "white", "grey", "brown", "pink", "cyan", "magenta", "olive", "maroon"], "dtype": "<U8", "astype": "|u1"}"#,
        kinds: &[DataKind::Categories],
    },
];

impl Case {
    /// The parsed configuration.
    ///
    /// # Errors
    /// [`zarrcodecs::Error::InvalidConfig`] if the table holds invalid JSON.
    pub fn config_json(&self) -> Result<Value> {
        serde_json::from_str(self.config)
            .map_err(|e| zarrcodecs::Error::invalid_config_from(self.config, "the bench table holds invalid JSON", e))
    }

    /// The codec.
    ///
    /// # Errors
    /// As [`get_codec`].
    pub fn codec(&self) -> Result<Box<dyn Codec>> {
        get_codec(&self.config_json()?)
    }

    /// Whether decoding gives back the input exactly (false for lossy filters and
    /// compressors, and for categorize, whose unknown values decode to the empty
    /// string: the round-trip checks then only ask that decoding succeeds).
    pub fn exact(&self) -> bool {
        const LOSSY: &[&str] = &["quantize", "bitround", "fixedscaleoffset", "astype", "zfpy", "categorize"];
        let id = self.config_json().ok().and_then(|c| c["id"].as_str().map(str::to_owned)).unwrap_or_default();
        !LOSSY.contains(&id.as_str())
    }

    /// The bench group name: the id, then the other keys of the configuration in
    /// sorted order, e.g. `zstd/checksum=false,level=1` (`zstd` alone if there are none).
    ///
    /// # Errors
    /// As [`Case::config_json`].
    pub fn label(&self) -> Result<String> {
        let config = self.config_json()?;
        let Some(map) = config.as_object() else { return Ok(self.config.to_string()) };
        let id = map.get("id").and_then(Value::as_str).unwrap_or("?");
        let params: Vec<String> = map.iter().filter(|(k, _)| *k != "id").map(|(k, v)| format!("{k}={v}")).collect();
        Ok(if params.is_empty() { id.to_string() } else { format!("{id}/{}", params.join(",")) })
    }
}

/// The codec configurations of the `codec_loop` bench: decode (a new buffer per chunk)
/// against `decode_into` (one buffer reused) in a loop that encodes a chunk, then
/// decodes it, chunk after chunk, as an application does. Criterion's own loop decodes
/// the same input again and again with nothing in between, which hides what allocating
/// (and faulting in) a fresh buffer per chunk costs. Each is also a line of [`CASES`].
pub const LOOP_CASES: &[Case] = &[
    Case { config: r#"{"id": "lz4", "acceleration": 1}"#, kinds: &[DataKind::F8Walk] },
    Case { config: r#"{"id": "zstd", "level": 3}"#, kinds: &[DataKind::F8Walk] },
    Case {
        config: r#"{"id": "blosc", "cname": "lz4", "clevel": 5, "shuffle": 1, "blocksize": 0}"#,
        kinds: &[DataKind::F8Walk],
    },
    Case { config: r#"{"id": "zlib", "level": 1}"#, kinds: &[DataKind::F8Walk] },
    Case { config: r#"{"id": "crc32c"}"#, kinds: &[DataKind::F8Walk] },
];

/// How many chunks the `codec_loop` bench (and bench.py's loop) takes in turn, so that
/// no two consecutive iterations encode the same buffer (see [`loop_inputs`]).
pub const LOOP_INPUTS: usize = 4;

/// The bench group of a [`LOOP_CASES`] line: `loop/<case label>`, e.g. `loop/zstd/level=3`.
///
/// # Errors
/// As [`Case::label`].
pub fn loop_group(case: &Case) -> Result<String> {
    Ok(format!("loop/{}", case.label()?))
}

/// The [`LOOP_INPUTS`] chunks of the encode/decode loop: `input` rotated left by
/// `i * (items / LOOP_INPUTS)` items for each `i` (the first is `input` itself), the
/// same data in another order, so each compresses about as well. bench.py makes the
/// same chunks with `np.roll(array, -shift)`.
///
/// # Errors
/// [`zarrcodecs::Error::Allocation`] if the memory cannot be had.
pub fn loop_inputs(input: &NdArray) -> Result<Vec<NdArray>> {
    let itemsize = input.dtype().itemsize().max(1);
    let items = input.as_bytes().len() / itemsize;
    (0..LOOP_INPUTS)
        .map(|i| {
            let mut chunk = input.clone();
            chunk.as_bytes_mut().rotate_left(i * (items / LOOP_INPUTS) * itemsize);
            Ok(chunk)
        })
        .collect()
}

/// A chain of codecs measured by the `pipeline` bench.
#[derive(Clone, Copy, Debug)]
pub struct PipelineCase {
    /// The name in bench ids.
    pub name: &'static str,
    /// The pipeline, as [`Pipeline::from_json`] takes it.
    pub config: &'static str,
    /// The data it is measured on.
    pub kinds: &'static [DataKind],
}

/// Every pipeline measured by the `pipeline` bench.
pub const PIPELINES: &[PipelineCase] = &[PipelineCase {
    name: "zstd1+zlib1+gzip1",
    config: r#"[{"id": "zstd", "level": 1}, {"id": "zlib", "level": 1}, {"id": "gzip", "level": 1}]"#,
    kinds: &[DataKind::F8Walk],
}];

impl PipelineCase {
    /// The pipeline.
    ///
    /// # Errors
    /// As [`Pipeline::from_json`].
    pub fn pipeline(&self) -> Result<Pipeline> {
        let json: Value = serde_json::from_str(self.config)
            .map_err(|e| zarrcodecs::Error::invalid_config_from(self.name, "the bench table holds invalid JSON", e))?;
        Pipeline::from_json(&json)
    }
}

/// Sets a bench group's throughput to `size` bytes and its sampling: few, flat samples
/// for large chunks (one 8 MiB zlib encode takes ~0.1 s), the default auto sampling
/// with fewer samples for small ones, so the whole suite runs in a few minutes.
pub fn configure(group: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>, size: usize) {
    use criterion::{SamplingMode, Throughput};
    use std::time::Duration;
    group.throughput(Throughput::Bytes(size as u64));
    if size >= LARGE {
        group
            .sampling_mode(SamplingMode::Flat)
            .sample_size(10)
            .warm_up_time(Duration::from_secs(1))
            .measurement_time(Duration::from_secs(2));
    } else {
        group
            .sampling_mode(SamplingMode::Auto)
            .sample_size(30)
            .warm_up_time(Duration::from_millis(500))
            .measurement_time(Duration::from_millis(1500));
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use zarrcodecs::DataRef;

    use super::*;

    #[test]
    fn data_is_deterministic_and_sized() {
        for &kind in ALL_KINDS.iter().chain(&[DataKind::Bool, DataKind::Categories]) {
            let a = kind.generate(4096).unwrap();
            assert_eq!(a.as_bytes().len(), 4096, "{kind}");
            assert_eq!(a.dtype(), kind.dtype());
            assert_eq!(a, kind.generate(4096).unwrap(), "{kind}");
        }
        for kind in [DataKind::Strings, DataKind::Bytes] {
            let Data::Object(o) = kind.generate_data(4096).unwrap() else { panic!("{kind}: not objects") };
            let total: usize = o
                .items()
                .iter()
                .map(|i| match i {
                    Object::Str(s) => s.len(),
                    Object::Bytes(b) => b.len(),
                    other => panic!("{kind}: {other:?}"),
                })
                .sum();
            assert!((4096..4096 + 40).contains(&total), "{kind}: {total} bytes");
            assert_eq!(Data::Object(o), kind.generate_data(4096).unwrap());
            assert!(kind.generate(4096).is_err());
        }
        let strings = DataKind::Strings.generate_data(100_000).unwrap();
        let Data::Object(o) = strings else { panic!() };
        assert!(o.items().iter().any(|i| matches!(i, Object::Str(s) if !s.is_ascii())));
        let bools = DataKind::Bool.generate(100_000).unwrap();
        let ones = bools.as_bytes().iter().filter(|b| **b == 1).count();
        assert!((23_000..27_000).contains(&ones) && bools.as_bytes().iter().all(|b| *b <= 1), "{ones}");
    }

    #[test]
    fn sparse_is_sparse_and_text_is_text() {
        let sparse = DataKind::F4Sparse.generate(400_000).unwrap();
        let zeros = sparse.as_slice::<f32>().unwrap().iter().filter(|v| **v == 0.0).count();
        assert!((98_500..99_500).contains(&zeros), "{zeros}");
        let text = DataKind::Text.generate(10_000).unwrap();
        assert!(text.as_bytes().iter().all(|b| b.is_ascii_lowercase() || b" .\n".contains(b)));
    }

    #[test]
    fn every_case_round_trips() {
        for case in CASES {
            let codec = case.codec().unwrap();
            for &kind in case.kinds {
                let input = kind.generate_data(10_000).unwrap();
                let encoded = codec.encode(input.view()).unwrap();
                let decoded = codec.decode(encoded.view()).unwrap();
                assert!(!case.exact() || same_data(&input, &decoded), "{} {kind}", case.config);
                if let Data::Array(input) = &input {
                    let mut out = NdArray::zeros(decoded.dtype(), decoded.shape().to_vec()).unwrap();
                    codec.decode_into(encoded.view(), &mut out.view_mut()).unwrap();
                    assert_eq!(Some(out.as_bytes()), decoded.as_bytes(), "{} {kind}: decode_into", case.config);
                    assert!(!case.exact() || out.as_bytes() == input.as_bytes());
                }
            }
        }
        for p in PIPELINES {
            let pipeline = p.pipeline().unwrap();
            let input = DataKind::F8Walk.generate(10_000).unwrap();
            let encoded = pipeline.encode(DataRef::from(&input)).unwrap();
            assert_eq!(pipeline.decode(encoded.view()).unwrap().as_bytes(), Some(input.as_bytes()));
        }
    }

    #[test]
    fn every_registered_codec_is_benchmarked() {
        let ids: Vec<String> =
            CASES.iter().map(|c| c.config_json().unwrap()["id"].as_str().unwrap().to_string()).collect();
        for id in zarrcodecs::registered_ids() {
            assert!(ids.contains(&id), "no line in CASES for the codec {id:?}");
        }
    }

    #[test]
    fn every_registered_codec_is_fuzzed() {
        let table: Value = serde_json::from_str(include_str!("../../fuzz/targets.json")).unwrap();
        let mut fuzzed = std::collections::BTreeSet::new();
        for (target, configs) in table.as_object().unwrap() {
            if target.starts_with('_') || target == "pipeline" {
                continue;
            }
            let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("../fuzz/fuzz_targets/decode_{target}.rs"));
            assert!(path.exists(), "fuzz/targets.json has {target:?} but there is no {}", path.display());
            for c in configs.as_array().unwrap() {
                get_codec(c).unwrap_or_else(|e| panic!("fuzz/targets.json: {c}: {e}"));
                fuzzed.insert(c["id"].as_str().unwrap().to_string());
            }
        }
        for id in zarrcodecs::registered_ids() {
            assert!(fuzzed.contains(&id), "no fuzz target decodes the codec {id:?}: add it to fuzz/targets.json");
        }
    }

    #[test]
    fn the_categorize_case_uses_the_categories() {
        let case = CASES.iter().find(|c| c.config.contains("categorize")).unwrap();
        assert_eq!(case.config_json().unwrap()["labels"], serde_json::json!(CATEGORIES));
        let codec = case.codec().unwrap();
        let input = DataKind::Categories.generate(32 * 1000).unwrap();
        let codes = codec.encode(DataRef::from(&input)).unwrap();
        let unknown = codes.as_bytes().unwrap().iter().filter(|c| **c == 0).count();
        assert!((50..150).contains(&unknown), "{unknown} unknown of 1000");
    }

    #[test]
    fn loop_cases_are_cases_and_their_inputs_rotate() {
        for case in LOOP_CASES {
            assert!(CASES.iter().any(|c| c.config == case.config), "{}: not in CASES", case.config);
        }
        assert_eq!(loop_group(&LOOP_CASES[1]).unwrap(), "loop/zstd/level=3");
        let input = DataKind::F8Walk.generate(8 * 100).unwrap();
        let inputs = loop_inputs(&input).unwrap();
        assert_eq!(inputs.len(), LOOP_INPUTS);
        assert_eq!(inputs[0], input);
        let values = input.as_slice::<f64>().unwrap();
        for (i, chunk) in inputs.iter().enumerate() {
            assert_eq!((chunk.dtype(), chunk.shape()), (input.dtype(), input.shape()));
            // np.roll(array, -shift): item j of chunk i is item (j + shift) % n of the input.
            let shift = i * (100 / LOOP_INPUTS);
            let got = chunk.as_slice::<f64>().unwrap();
            assert!((0..100).all(|j| got[j].to_bits() == values[(j + shift) % 100].to_bits()), "chunk {i}");
        }
    }

    #[test]
    fn labels() {
        assert_eq!(CASES[2].label().unwrap(), "zstd/checksum=false,level=1");
        assert_eq!(CASES[3].label().unwrap(), "zstd/level=3");
    }
}
