//! Reading whole zarr arrays, or regions of them, from a store: many chunks decoded at
//! once (on rayon's thread pool, with the `parallel` feature) straight into one
//! output array.
//!
//! ```
//! use zarrcodecs::read::{ArrayReader, DirectoryStore};
//! use zarrcodecs::serde_json::json;
//! use zarrcodecs::ZarrPipeline;
//!
//! // A 1-d array of 10 little-endian u16 in chunks of 4, zstd-compressed, on disk.
//! let dir = std::env::temp_dir().join(format!("zarrcodecs-read-doc-{}", std::process::id()));
//! std::fs::create_dir_all(&dir).unwrap();
//! let zarray = json!({
//!     "zarr_format": 2, "shape": [10], "chunks": [4], "dtype": "<u2",
//!     "compressor": {"id": "zstd", "level": 1}, "fill_value": 7, "order": "C", "filters": null
//! });
//! std::fs::write(dir.join(".zarray"), zarray.to_string()).unwrap();
//! let pipeline = ZarrPipeline::from_zarray(&zarray)?;
//! for (key, values) in [("0", [0u16, 1, 2, 3]), ("2", [8, 9, 0, 0])] {
//!     let chunk: Vec<u8> = values.iter().flat_map(|v| v.to_le_bytes()).collect();
//!     std::fs::write(dir.join(key), pipeline.encode_chunk(&chunk)?.as_bytes()).unwrap();
//! }
//!
//! // Chunk "1" is missing: it reads as the fill value.
//! let store = DirectoryStore::new(&dir);
//! let reader = ArrayReader::new(&pipeline, &store);
//! let array = reader.read()?;
//! let items: Vec<u16> = array.as_bytes().chunks(2).map(|b| u16::from_le_bytes([b[0], b[1]])).collect();
//! assert_eq!(items, [0, 1, 2, 3, 7, 7, 7, 7, 8, 9]);
//! // A region: items 3 to 8.
//! let region = reader.read_region(&[3], &[6])?;
//! assert_eq!(region.as_bytes()[..4], [3, 0, 7, 0]);
//! # std::fs::remove_dir_all(&dir).unwrap();
//! # Ok::<(), zarrcodecs::Error>(())
//! ```

use std::fmt;
use std::io::{ErrorKind, Read};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use zarrcodecs_kernels::grid::{blocks_mut, BlockMut};

use crate::{Error, NdArray, Order, Result, ZarrPipeline};

/// Where an array's chunks are stored, by key (`"0.3"`, `"0/3"`, `"c/0/3"`).
///
/// Implement it for a store of your own; [`DirectoryStore`] reads a directory store
/// as zarr-python writes it. `Sync`, because chunks are read from several threads.
pub trait ChunkStore: Sync {
    /// Reads the chunk stored under `key` into `buf`, replacing what `buf` held (its
    /// capacity is reused from chunk to chunk). `Ok(false)` if no chunk is stored
    /// there: zarr reads a missing chunk as the fill value.
    ///
    /// # Errors
    /// Whatever reading the store reports (for a directory, [`Error::Io`]).
    fn read_chunk(&self, key: &str, buf: &mut Vec<u8>) -> Result<bool>;
}

/// A zarr directory store: each chunk is a file under the array's directory, named by
/// its key (with `/` in the key as subdirectories).
#[derive(Clone, Debug)]
pub struct DirectoryStore {
    root: PathBuf,
}

impl DirectoryStore {
    /// The store of the array whose directory (holding `.zarray` or `zarr.json`) is
    /// `root`.
    pub fn new(root: impl Into<PathBuf>) -> Self {
        DirectoryStore { root: root.into() }
    }

    /// The array's directory.
    pub fn root(&self) -> &Path {
        &self.root
    }
}

impl ChunkStore for DirectoryStore {
    fn read_chunk(&self, key: &str, buf: &mut Vec<u8>) -> Result<bool> {
        let path = self.root.join(key);
        let io = |source| Error::Io { path: path.display().to_string(), source };
        let mut file = match std::fs::File::open(&path) {
            Ok(file) => file,
            Err(e) if e.kind() == ErrorKind::NotFound => return Ok(false),
            Err(e) => return Err(io(e)),
        };
        buf.clear();
        let len = file.metadata().map_err(io)?.len();
        buf.try_reserve(usize::try_from(len).unwrap_or(usize::MAX))
            .map_err(|_| Error::Allocation { size: usize::try_from(len).unwrap_or(usize::MAX) })?;
        file.read_to_end(buf).map_err(io)?;
        Ok(true)
    }
}

/// A chunk's key from its index in the chunk grid.
type KeyFn<'a> = Box<dyn Fn(&[usize]) -> String + Send + Sync + 'a>;
/// Called after each chunk with (chunks done, chunks in all).
type ProgressFn<'a> = Box<dyn Fn(usize, usize) + Send + Sync + 'a>;

/// Reads regions of one zarr array from a [`ChunkStore`], decoding the chunks a
/// region touches concurrently and placing each straight into one output buffer:
/// a whole chunk whose bytes are contiguous in the output is decoded in place, an
/// edge chunk or one cut by the region through a per-thread scratch buffer.
///
/// With the `parallel` feature (on by default) chunks are decoded on rayon's current
/// thread pool: run a read inside [`rayon::ThreadPool::install`] to choose the number
/// of threads. Scratch buffers (one chunk's encoded and decoded bytes per chunk being
/// decoded at once, so one per thread) are kept by the reader and reused by later
/// reads; drop the reader to free them.
///
/// Object arrays (`|O`) are not read this way: use
/// [`ZarrPipeline::decode_object_chunk`] per chunk.
pub struct ArrayReader<'a> {
    pipeline: &'a ZarrPipeline,
    store: &'a dyn ChunkStore,
    keys: Option<KeyFn<'a>>,
    progress: Option<ProgressFn<'a>>,
    order: Order,
    /// Free scratch buffers: a chunk's task takes one (or makes one) and puts it back,
    /// so there are as many as chunks were ever decoded at once, whatever the pool.
    scratch: Mutex<Vec<Scratch>>,
}

impl fmt::Debug for ArrayReader<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ArrayReader")
            .field("array", self.pipeline.array())
            .field("order", &self.order)
            .field("custom_keys", &self.keys.is_some())
            .field("progress", &self.progress.is_some())
            .finish_non_exhaustive()
    }
}

/// One task's buffers: the stored chunk, and a decoded chunk to copy part of.
#[derive(Default)]
struct Scratch {
    encoded: Vec<u8>,
    decoded: Vec<u8>,
}

impl<'a> ArrayReader<'a> {
    /// A reader of the array `pipeline` describes, from `store`, with zarr v2 chunk
    /// keys ([`ZarrArray::chunk_key`](crate::ZarrArray::chunk_key)), writing C order.
    pub fn new(pipeline: &'a ZarrPipeline, store: &'a dyn ChunkStore) -> Self {
        ArrayReader { pipeline, store, keys: None, progress: None, order: Order::C, scratch: Mutex::default() }
    }

    /// Chunk keys from another function of the chunk index, e.g. a zarr v3 array's
    /// [`ZarrV3Array::chunk_key`](crate::zarr3::ZarrV3Array::chunk_key).
    #[must_use]
    pub fn with_chunk_keys(mut self, keys: impl Fn(&[usize]) -> String + Send + Sync + 'a) -> Self {
        self.keys = Some(Box::new(keys));
        self
    }

    /// Calls `progress(done, total)` after each chunk of a read (from the thread that
    /// decoded it), with the number of chunks done and the number the read touches.
    #[must_use]
    pub fn with_progress(mut self, progress: impl Fn(usize, usize) + Send + Sync + 'a) -> Self {
        self.progress = Some(Box::new(progress));
        self
    }

    /// The order [`ArrayReader::read_region_into`] writes items in: C (the default,
    /// last axis fastest) or Fortran. Chunks stored in the other order are transposed
    /// as they are placed, which is slower.
    #[must_use]
    pub fn with_order(mut self, order: Order) -> Self {
        self.order = order;
        self
    }

    /// The order [`ArrayReader::read_region_into`] writes.
    pub fn order(&self) -> Order {
        self.order
    }

    /// The whole array, in C order.
    ///
    /// # Errors
    /// As [`ArrayReader::read_region_into`].
    pub fn read(&self) -> Result<NdArray> {
        let shape = self.pipeline.array().shape.clone();
        self.read_region(&vec![0; shape.len()], &shape)
    }

    /// The box of `shape` items starting at `start` (per axis), in C order.
    ///
    /// # Errors
    /// As [`ArrayReader::read_region_into`]; [`Error::Allocation`].
    pub fn read_region(&self, start: &[usize], shape: &[usize]) -> Result<NdArray> {
        self.require_bytes_array()?;
        self.check_region(start, shape)?;
        let mut array = NdArray::zeros(self.pipeline.array().dtype, shape.to_vec())?;
        self.place_region(start, shape, array.as_bytes_mut(), Order::C)?;
        Ok(array)
    }

    /// Reads the box of `shape` items starting at `start` into `out`, which holds
    /// exactly its bytes, in [`ArrayReader::order`]. Missing chunks give the fill
    /// value. Stops at the first chunk that fails; `out` is then partly written.
    ///
    /// # Errors
    /// [`Error::Region`] if the box does not fit in the array or `out` has the wrong
    /// size; [`Error::UnsupportedDType`] for an object array; [`Error::Chunk`] naming
    /// the chunk, with the store's or the codecs' error as its source.
    pub fn read_region_into(&self, start: &[usize], shape: &[usize], out: &mut [u8]) -> Result<()> {
        self.read_region_ordered(start, shape, out, self.order)
    }

    /// [`Error::UnsupportedDType`] for an object array.
    fn require_bytes_array(&self) -> Result<()> {
        let meta = self.pipeline.array();
        if meta.is_object() {
            return Err(Error::UnsupportedDType {
                codec: "ArrayReader".into(),
                dtype: meta.dtype,
                reason: "object arrays are read chunk by chunk with ZarrPipeline::decode_object_chunk".into(),
            });
        }
        Ok(())
    }

    /// [`Error::Region`] unless the box of `shape` at `start` lies in the array.
    fn check_region(&self, start: &[usize], shape: &[usize]) -> Result<()> {
        let meta = self.pipeline.array();
        let n = meta.shape.len();
        if start.len() != n || shape.len() != n {
            return Err(Error::Region {
                reason: format!("start {start:?} and shape {shape:?} for an array of {n} axes"),
            });
        }
        if (0..n).any(|d| start[d].checked_add(shape[d]).is_none_or(|end| end > meta.shape[d])) {
            return Err(Error::Region {
                reason: format!("{shape:?} items from {start:?} do not fit in the array's shape {:?}", meta.shape),
            });
        }
        if (0..n).any(|d| meta.chunks[d] == 0 && shape[d] > 0) {
            return Err(Error::Region { reason: format!("the chunk shape {:?} has an empty axis", meta.chunks) });
        }
        Ok(())
    }

    fn read_region_ordered(&self, start: &[usize], shape: &[usize], out: &mut [u8], order: Order) -> Result<()> {
        self.require_bytes_array()?;
        self.check_region(start, shape)?;
        self.place_region(start, shape, out, order)
    }

    /// [`ArrayReader::read_region_ordered`] once the array and region are checked.
    fn place_region(&self, start: &[usize], shape: &[usize], out: &mut [u8], order: Order) -> Result<()> {
        let meta = self.pipeline.array();
        let n = meta.shape.len();
        // Where chunk boundaries cut the region, per axis, in region coordinates.
        let cuts: Vec<Vec<usize>> = (0..n)
            .map(|d| {
                let (lo, hi, c) = (start[d], start[d] + shape[d], meta.chunks[d]);
                let mut cut = vec![0];
                if hi > lo {
                    cut.extend((lo / c + 1..hi.div_ceil(c)).map(|k| k * c - lo));
                    cut.push(hi - lo);
                }
                cut
            })
            .collect();
        // The output's axes: logical for C, reversed for Fortran (a Fortran array is
        // the C array of the reversed shape).
        let fortran = order == Order::F;
        let flip = |v: &[usize]| -> Vec<usize> {
            if fortran {
                v.iter().rev().copied().collect()
            } else {
                v.to_vec()
            }
        };
        let out_cuts: Vec<Vec<usize>> = if fortran { cuts.into_iter().rev().collect() } else { cuts };
        let itemsize = meta.dtype.itemsize();
        let blocks = blocks_mut(out, &flip(shape), itemsize, &out_cuts)?;
        let plan = Plan {
            start: flip(start),
            chunks: flip(&meta.chunks),
            chunk_transposed: meta.order != order,
            fortran,
            fill: meta.fill_value.clone().unwrap_or_else(|| vec![0; itemsize]),
            total: blocks.len(),
            done: AtomicUsize::new(0),
        };
        self.for_each_block(blocks, |block| self.read_block(&plan, block))
    }

    #[cfg(feature = "parallel")]
    fn for_each_block<'b>(
        &self,
        blocks: Vec<BlockMut<'b>>,
        f: impl Fn(BlockMut<'b>) -> Result<()> + Send + Sync,
    ) -> Result<()> {
        use rayon::prelude::*;
        blocks.into_par_iter().try_for_each(f)
    }

    #[cfg(not(feature = "parallel"))]
    fn for_each_block<'b>(&self, blocks: Vec<BlockMut<'b>>, f: impl Fn(BlockMut<'b>) -> Result<()>) -> Result<()> {
        blocks.into_iter().try_for_each(f)
    }

    /// Reads, decodes and places the chunk of one block.
    fn read_block(&self, plan: &Plan, mut block: BlockMut<'_>) -> Result<()> {
        let meta = self.pipeline.array();
        // The chunk's index and the block's offset in it, in output axes.
        let at: Vec<usize> = block.start().iter().zip(&plan.start).map(|(b, s)| b + s).collect();
        let index_out: Vec<usize> = at.iter().zip(&plan.chunks).map(|(a, c)| a / c).collect();
        let offset: Vec<usize> = at.iter().zip(&plan.chunks).map(|(a, c)| a % c).collect();
        let index: Vec<usize> = if plan.fortran { index_out.iter().rev().copied().collect() } else { index_out };
        let key = match &self.keys {
            Some(keys) => keys(&index),
            None => meta.chunk_key(&index),
        };
        let result = self.place_chunk(plan, &key, &offset, &mut block);
        if let Some(progress) = &self.progress {
            progress(plan.done.fetch_add(1, Ordering::Relaxed) + 1, plan.total);
        }
        result.map_err(|e| Error::Chunk { key, source: Box::new(e) })
    }

    fn place_chunk(&self, plan: &Plan, key: &str, offset: &[usize], block: &mut BlockMut<'_>) -> Result<()> {
        let mut scratch =
            self.scratch.lock().map_or_else(|p| p.into_inner().pop(), |mut free| free.pop()).unwrap_or_default();
        let result = self.place_with(plan, key, offset, block, &mut scratch);
        match self.scratch.lock() {
            Ok(mut free) => free.push(scratch),
            Err(p) => p.into_inner().push(scratch),
        }
        result
    }

    fn place_with(
        &self,
        plan: &Plan,
        key: &str,
        offset: &[usize],
        block: &mut BlockMut<'_>,
        scratch: &mut Scratch,
    ) -> Result<()> {
        if !self.store.read_chunk(key, &mut scratch.encoded)? {
            return block.fill(&plan.fill);
        }
        let whole = block.shape() == plan.chunks.as_slice() && !plan.chunk_transposed;
        if whole {
            if let Some(out) = block.as_contiguous_mut() {
                return self.pipeline.decode_chunk_into(Some(&scratch.encoded), out);
            }
        }
        let nbytes = self.pipeline.array().chunk_nbytes();
        if scratch.decoded.len() != nbytes {
            scratch.decoded.clear();
            scratch.decoded.try_reserve_exact(nbytes).map_err(|_| Error::Allocation { size: nbytes })?;
            scratch.decoded.resize(nbytes, 0);
        }
        self.pipeline.decode_chunk_into(Some(&scratch.encoded), &mut scratch.decoded)?;
        block.copy_from(&scratch.decoded, &plan.chunks, offset, plan.chunk_transposed)
    }
}

/// What every block of one read shares.
struct Plan {
    /// The region's start, in output axes.
    start: Vec<usize>,
    /// The chunk shape, in output axes.
    chunks: Vec<usize>,
    /// Whether stored chunks are in the other order than the output (so, in output
    /// axes, Fortran-ordered).
    chunk_transposed: bool,
    /// Whether output axes are the array's reversed.
    fortran: bool,
    /// One item of the fill value.
    fill: Vec<u8>,
    total: usize,
    done: AtomicUsize,
}
