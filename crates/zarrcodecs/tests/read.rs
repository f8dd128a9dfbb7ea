//! `read::ArrayReader`: whole arrays and regions of random shapes, chunk shapes and
//! orders, against the array assembled item by item from `decode_chunk`; missing and
//! corrupt chunks, bad regions, custom keys, progress and thread counts.
//! (`tests/zarr_v2.rs` reads arrays zarr-python wrote.)

#![cfg(all(feature = "zstd", feature = "zlib", feature = "parallel"))]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use serde_json::json;
use zarrcodecs::core::testing::Rng;
use zarrcodecs::read::{ArrayReader, ChunkStore};
use zarrcodecs::{Error, Order, Result, ZarrPipeline};

/// A store in memory.
#[derive(Default)]
struct MemoryStore(BTreeMap<String, Vec<u8>>);

impl ChunkStore for MemoryStore {
    fn read_chunk(&self, key: &str, buf: &mut Vec<u8>) -> Result<bool> {
        let Some(chunk) = self.0.get(key) else { return Ok(false) };
        buf.clear();
        buf.extend_from_slice(chunk);
        Ok(true)
    }
}

/// C-order flat position of `at` in `shape`.
fn flat(at: &[usize], shape: &[usize]) -> usize {
    at.iter().zip(shape).fold(0, |a, (&i, &n)| a * n + i)
}

/// Steps a C-order odometer; false after the last position.
fn step(index: &mut [usize], bounds: &[usize]) -> bool {
    for d in (0..index.len()).rev() {
        index[d] += 1;
        if index[d] < bounds[d] {
            return true;
        }
        index[d] = 0;
    }
    false
}

/// A random array of u16 items (item = its C position + 1, so 0 marks a missing item
/// only where the fill value is 0... the fill value is 0xabcd), written chunk by chunk
/// with some chunks left out.
struct Case {
    pipeline: ZarrPipeline,
    store: MemoryStore,
    shape: Vec<usize>,
    /// The logical items, C order; fill where the chunk is missing.
    items: Vec<u16>,
}

const FILL: u16 = 0xabcd;

fn case(rng: &mut Rng) -> Case {
    let ndim = 1 + rng.below(3);
    let shape: Vec<usize> = (0..ndim).map(|_| 1 + rng.below(12)).collect();
    let chunks: Vec<usize> = shape.iter().map(|&s| 1 + rng.below(s + 2)).collect();
    let order = if rng.below(2) == 0 { "C" } else { "F" };
    let sep = if rng.below(2) == 0 { "." } else { "/" };
    let compressor =
        if rng.below(2) == 0 { json!({"id": "zstd", "level": 1}) } else { json!({"id": "zlib", "level": 1}) };
    let zarray = json!({
        "zarr_format": 2, "shape": shape, "chunks": chunks, "dtype": "<u2", "compressor": compressor,
        "fill_value": FILL, "order": order, "filters": null, "dimension_separator": sep,
    });
    let pipeline = ZarrPipeline::from_zarray(&zarray).unwrap();
    let meta = pipeline.array().clone();
    let grid = meta.chunk_grid();
    let mut items = vec![FILL; shape.iter().product()];
    let mut store = MemoryStore::default();
    let mut index = vec![0; ndim];
    loop {
        if rng.below(5) > 0 {
            // The chunk in the array's order, items past the edge 0.
            let n: usize = chunks.iter().product();
            let mut chunk = vec![0u16; n];
            let mut at = vec![0; ndim];
            loop {
                let item: Vec<usize> = (0..ndim).map(|d| index[d] * chunks[d] + at[d]).collect();
                if item.iter().zip(&shape).all(|(i, s)| i < s) {
                    let value = u16::try_from(flat(&item, &shape) + 1).unwrap();
                    let pos = if order == "C" {
                        flat(&at, &chunks)
                    } else {
                        let rev = |v: &[usize]| v.iter().rev().copied().collect::<Vec<_>>();
                        flat(&rev(&at), &rev(&chunks))
                    };
                    chunk[pos] = value;
                    items[flat(&item, &shape)] = value;
                }
                if !step(&mut at, &chunks) {
                    break;
                }
            }
            let bytes: Vec<u8> = chunk.iter().flat_map(|v| v.to_le_bytes()).collect();
            store.0.insert(meta.chunk_key(&index), pipeline.encode_chunk(&bytes).unwrap().as_bytes().to_vec());
        }
        if !step(&mut index, &grid) {
            break;
        }
    }
    Case { pipeline, store, shape, items }
}

fn as_u16(bytes: &[u8]) -> Vec<u16> {
    bytes.chunks_exact(2).map(|b| u16::from_le_bytes([b[0], b[1]])).collect()
}

/// The region's items from the case's logical items, in `order`.
fn expected(case: &Case, start: &[usize], shape: &[usize], order: Order) -> Vec<u16> {
    let n: usize = shape.iter().product();
    let mut out = Vec::with_capacity(n);
    if n == 0 {
        return out;
    }
    // Walk the region in the output's memory order.
    let axes: Vec<usize> = match order {
        Order::C => (0..shape.len()).collect(),
        Order::F => (0..shape.len()).rev().collect(),
    };
    let bounds: Vec<usize> = axes.iter().map(|&d| shape[d]).collect();
    let mut walk = vec![0; shape.len()];
    loop {
        let mut item = start.to_vec();
        for (k, &d) in axes.iter().enumerate() {
            item[d] += walk[k];
        }
        out.push(case.items[flat(&item, &case.shape)]);
        if !step(&mut walk, &bounds) {
            return out;
        }
    }
}

#[test]
fn random_arrays_regions_and_orders() {
    let mut rng = Rng::new(0x0a77a7);
    let mut reads = 0;
    for _ in 0..150 {
        let case = case(&mut rng);
        let reader = ArrayReader::new(&case.pipeline, &case.store);
        let whole = reader.read().unwrap();
        assert_eq!(as_u16(whole.as_bytes()), case.items, "{:?}", case.pipeline.array());
        for _ in 0..4 {
            let start: Vec<usize> = case.shape.iter().map(|&s| rng.below(s + 1)).collect();
            let shape: Vec<usize> = case.shape.iter().zip(&start).map(|(&s, &a)| rng.below(s - a + 1)).collect();
            for order in [Order::C, Order::F] {
                let reader = ArrayReader::new(&case.pipeline, &case.store).with_order(order);
                let mut out = vec![0u8; shape.iter().product::<usize>() * 2];
                reader.read_region_into(&start, &shape, &mut out).unwrap();
                assert_eq!(as_u16(&out), expected(&case, &start, &shape, order), "{start:?} {shape:?} {order:?}");
                reads += 1;
            }
        }
    }
    assert_eq!(reads, 1200);
}

#[test]
fn thread_counts_agree_and_progress_counts_chunks() {
    let mut rng = Rng::new(7);
    let case = loop {
        let c = case(&mut rng);
        if c.pipeline.array().chunk_grid().iter().product::<usize>() >= 6 {
            break c;
        }
    };
    let chunks: usize = case.pipeline.array().chunk_grid().iter().product();
    for threads in [1, 2, 5] {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
        let calls = AtomicUsize::new(0);
        let last = Mutex::new((0, 0));
        let reader = ArrayReader::new(&case.pipeline, &case.store).with_progress(|done, total| {
            calls.fetch_add(1, Ordering::Relaxed);
            let mut last = last.lock().unwrap();
            *last = (last.0.max(done), total);
        });
        let whole = pool.install(|| reader.read()).unwrap();
        assert_eq!(as_u16(whole.as_bytes()), case.items, "{threads} threads");
        drop(reader);
        assert_eq!(calls.load(Ordering::Relaxed), chunks);
        assert_eq!(*last.lock().unwrap(), (chunks, chunks));
    }
}

#[test]
fn errors_name_the_chunk_or_the_region() {
    let zarray = json!({
        "zarr_format": 2, "shape": [10, 10], "chunks": [4, 4], "dtype": "<f8",
        "compressor": {"id": "zlib", "level": 1}, "fill_value": 0, "order": "C", "filters": null
    });
    let pipeline = ZarrPipeline::from_zarray(&zarray).unwrap();
    let mut store = MemoryStore::default();
    store.0.insert("1.2".into(), b"not zlib".to_vec());
    let reader = ArrayReader::new(&pipeline, &store);
    match reader.read() {
        Err(Error::Chunk { key, source }) => {
            assert_eq!(key, "1.2");
            assert!(matches!(*source, Error::Corrupt { .. }), "{source}");
        }
        other => panic!("{other:?}"),
    }
    // A chunk of the wrong size.
    let mut store = MemoryStore::default();
    let short = pipeline.pipeline().encode(zarrcodecs::DataRef::from(&[0u8; 8][..])).unwrap();
    store.0.insert("0.0".into(), short.view().require_bytes("test").unwrap().to_vec());
    let err = ArrayReader::new(&pipeline, &store).read().unwrap_err();
    assert!(
        matches!(&err, Error::Chunk { key, source } if key == "0.0" && matches!(**source, Error::ChunkSize { .. }))
    );
    // Regions that do not fit, and buffers of the wrong size.
    let empty = MemoryStore::default();
    let reader = ArrayReader::new(&pipeline, &empty);
    for (start, shape) in [(vec![0], vec![1]), (vec![5, 5], vec![6, 1]), (vec![usize::MAX, 0], vec![2, 0])] {
        assert!(matches!(reader.read_region(&start, &shape), Err(Error::Region { .. })), "{start:?} {shape:?}");
    }
    let mut out = vec![0u8; 7];
    assert!(matches!(reader.read_region_into(&[0, 0], &[1, 1], &mut out), Err(Error::Region { .. })));
    // An empty region reads nothing; a missing array reads the fill value.
    assert!(reader.read_region(&[10, 3], &[0, 4]).unwrap().as_bytes().is_empty());
    assert!(reader.read().unwrap().as_bytes().iter().all(|&b| b == 0));
    // Object arrays are refused by name.
    let objects = json!({
        "zarr_format": 2, "shape": [3], "chunks": [3], "dtype": "|O", "compressor": null,
        "fill_value": null, "order": "C", "filters": [{"id": "vlen-utf8"}]
    });
    if let Ok(objects) = ZarrPipeline::from_zarray(&objects) {
        let err = ArrayReader::new(&objects, &empty).read().unwrap_err();
        assert!(matches!(err, Error::UnsupportedDType { .. }), "{err}");
    }
}

#[test]
fn custom_chunk_keys() {
    let zarray = json!({
        "zarr_format": 2, "shape": [4], "chunks": [2], "dtype": "|u1",
        "compressor": null, "fill_value": 9, "order": "C", "filters": null
    });
    let pipeline = ZarrPipeline::from_zarray(&zarray).unwrap();
    let mut store = MemoryStore::default();
    store.0.insert("c/1".into(), vec![5, 6]);
    let reader = ArrayReader::new(&pipeline, &store).with_chunk_keys(|index| format!("c/{}", index[0]));
    assert_eq!(reader.read().unwrap().as_bytes(), [9, 9, 5, 6]);
}
