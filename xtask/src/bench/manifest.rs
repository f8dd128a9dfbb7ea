//! What the benches hand to `cargo xtask bench`, as data: the case manifest
//! (`manifest.json`, written by `bench-export`, read by xtask and by
//! `xtask/python/bench.py`) and the allocation counts (`allocations.json`, written by
//! the pipeline bench, read by xtask).
//!
//! One source file, compiled into both sides so the writer and the reader cannot drift:
//! xtask's `bench` module declares it as its `manifest` submodule, and the benches
//! library includes it as `zarrcodecs_benches::manifest` with
//! `#[path = "../../xtask/src/bench/manifest.rs"]`. That is lighter than the other ways
//! of sharing it: xtask depending on `zarrcodecs-benches` would build every codec (and
//! its C libraries) into `cargo xtask`, and a crate of its own would be a new workspace
//! member for four structs. It needs only `serde` (derive) and `serde_json`, which both
//! crates have, and must stay that way.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The codec groups of the speed targets the report checks, by numcodecs id.
/// `benches/tests/codec_list.rs` checks that every id is a registered codec and that
/// every registered codec is in exactly one group or in [`targets::NO_TARGET`], so a
/// new codec is classified, never silently left out of the report's targets.
pub mod targets {
    /// "At least as fast as numcodecs, 1.5x at 64 KiB".
    pub const COMPRESSORS: &[&str] = &["zlib", "gzip", "zstd", "lz4", "bz2", "lzma", "blosc"];
    /// Filters and checksums: "at least 3x numcodecs".
    pub const FILTERS: &[&str] = &["crc32", "crc32c", "adler32", "fletcher32", "jenkins_lookup3", "base64"];
    /// Memory-bound filters: "at least 50% of memcpy at 8 MiB".
    pub const MEMORY_BOUND: &[&str] = &["delta", "shuffle", "astype", "packbits"];
    /// Variable-length codecs: "at least 3x numcodecs".
    pub const VLEN: &[&str] = &["vlen-utf8", "vlen-bytes", "vlen-array"];
    /// Codecs the report compares with numcodecs without a target of their own.
    pub const NO_TARGET: &[&str] = &[
        "json2",
        "json",
        "msgpack2",
        "msgpack",
        "pickle",
        "categorize",
        "quantize",
        "bitround",
        "fixedscaleoffset",
        "pcodec",
        "zfpy",
    ];
    /// Every group, [`NO_TARGET`] last.
    pub const ALL: &[&[&str]] = &[COMPRESSORS, FILTERS, MEMORY_BOUND, VLEN, NO_TARGET];
}

/// The environment variable that tells the pipeline bench where to write its
/// [`Allocations`] (`cargo xtask bench` sets it; by default the bench writes
/// `<target dir>/bench/allocations.json`).
pub const ALLOCATIONS_ENV: &str = "ZARRCODECS_BENCH_ALLOCATIONS";

/// `manifest.json`: every case the benches measure, and every bench id they report.
///
/// bench.py reads `cases` and `loops` (each case's `label`, `config`, `exact` and
/// `items`) and `loop_inputs`: keep those names.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    /// The chunk sizes every case is measured at.
    pub sizes: Vec<Size>,
    /// Every codec configuration, in the order of `CASES`.
    pub cases: Vec<CaseEntry>,
    /// Every chain of codecs, in the order of `PIPELINES`.
    pub pipelines: Vec<PipelineEntry>,
    /// The cases of the encode/decode loop (`LOOP_CASES`, the `codec_loop` bench), in
    /// the same form as [`Manifest::cases`]; each `label` is the bench group,
    /// `loop/<case label>`, whose functions are `decode/<kind>` and `decode_into/<kind>`.
    /// bench.py times the same loop and reports it under the `decode` id.
    #[serde(default)]
    pub loops: Vec<CaseEntry>,
    /// How many chunks the loop takes in turn (`LOOP_INPUTS`): the input rotated left
    /// by `i * (items / loop_inputs)` items for each `i`.
    #[serde(default)]
    pub loop_inputs: u64,
    /// Every benchmark the criterion suite reports (with no filter).
    pub bench_ids: Vec<BenchId>,
}

/// A chunk size.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Size {
    /// Bytes.
    pub size: u64,
    /// Its name in bench ids (`64KiB`).
    pub label: String,
}

/// One codec configuration.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CaseEntry {
    /// The bench group name, e.g. `zstd/level=3`.
    pub label: String,
    /// The configuration as numcodecs' `get_codec` takes it (JSON with `"id"`).
    pub config: Value,
    /// Whether decoding gives back the input exactly (false for lossy codecs).
    pub exact: bool,
    /// Every (data kind, size) it is measured on.
    pub items: Vec<Item>,
}

impl CaseEntry {
    /// The codec id of the configuration (`?` if it has none).
    pub fn codec_id(&self) -> &str {
        self.config.get("id").and_then(Value::as_str).unwrap_or("?")
    }
}

/// One input of a case.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Item {
    /// The data kind's name (`f8_walk`).
    pub kind: String,
    /// Bytes of decoded data.
    pub size: u64,
    /// The size's name in bench ids (`64KiB`).
    pub size_label: String,
    /// Bytes once encoded with the case's configuration.
    pub encoded_len: u64,
    /// The input's file, beside the manifest (`.npy`, or `.json` for object arrays).
    pub file: String,
}

/// One chain of codecs.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PipelineEntry {
    /// Its name in bench ids.
    pub name: String,
    /// The pipeline as a JSON list of configurations.
    pub config: Value,
    /// The data kinds it is measured on, at every size.
    pub kinds: Vec<String>,
}

/// A criterion benchmark id in its three parts, as the benches make them:
/// `benchmark_group(group)` and `BenchmarkId::new(function, value)`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct BenchId {
    /// The group, e.g. `zstd/level=3` or `pipeline/zstd1+zlib1+gzip1`.
    pub group: String,
    /// The function, e.g. `decode/f8_walk`.
    pub function: String,
    /// The parameter, e.g. `64KiB`.
    pub value: String,
}

impl BenchId {
    /// The id from its parts.
    pub fn new(group: impl Into<String>, function: impl Into<String>, value: impl Into<String>) -> Self {
        BenchId { group: group.into(), function: function.into(), value: value.into() }
    }

    /// The full id criterion prints and filters on: `group/function/value`.
    pub fn full(&self) -> String {
        format!("{}/{}/{}", self.group, self.function, self.value)
    }
}

/// `allocations.json`: heap allocations per chunk, counted by the pipeline bench's
/// global allocator (one call after a warm-up).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Allocations {
    /// The pipelines first, then each codec configuration on its first data kind.
    pub entries: Vec<AllocationEntry>,
}

/// The allocations of one (pipeline or codec, data kind, size).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AllocationEntry {
    /// What ran: `pipeline <name>`, or a codec configuration as written in `CASES`.
    pub what: String,
    /// The data kind's name.
    pub kind: String,
    /// The size's name (`64KiB`).
    pub size_label: String,
    /// One encode; `None` where not counted (pipelines).
    pub encode: Option<AllocationCount>,
    /// One decode.
    pub decode: AllocationCount,
    /// One `decode_into` a preallocated buffer; `None` for a codec that decodes to
    /// objects (it has no `decode_into`).
    pub decode_into: Option<AllocationCount>,
}

/// Allocation calls (alloc, alloc_zeroed and realloc) and bytes requested.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AllocationCount {
    /// Calls.
    pub calls: u64,
    /// Bytes requested, over all calls.
    pub bytes: u64,
}
