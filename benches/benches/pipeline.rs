//! Chains of codecs (`zarrcodecs_benches::PIPELINES`): encode, decode and decode_into of
//! one chunk, and how many heap allocations one chunk decode makes, counted by a
//! global allocator once before measuring: printed, and written as JSON
//! (`zarrcodecs_benches::manifest::Allocations`) to the file named by
//! `$ZARRCODECS_BENCH_ALLOCATIONS` (`cargo xtask bench` sets it), by default
//! `<target dir>/bench/allocations.json`.
//!
//! Bench ids: `pipeline/<name>/<encode|decode|decode_into>/<data kind>/<size>`.

#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use zarrcodecs::{Data, DataRef, NdArray};
use zarrcodecs_benches::manifest::{AllocationCount, AllocationEntry, Allocations, ALLOCATIONS_ENV};
use zarrcodecs_benches::{configure, CASES, PIPELINES, SIZES};

/// The system allocator, counting allocation calls and bytes requested.
struct Counting;

static ALLOCS: AtomicUsize = AtomicUsize::new(0);
static BYTES: AtomicUsize = AtomicUsize::new(0);

fn count(size: usize) {
    ALLOCS.fetch_add(1, Relaxed);
    BYTES.fetch_add(size, Relaxed);
}

// SAFETY: every method passes its arguments unchanged to `System` and returns what it
// returns, so `System`'s guarantees are ours; the counting touches no allocated memory.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count(layout.size());
        // SAFETY: forwarded as is: our caller upholds `GlobalAlloc::alloc`'s contract.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        count(layout.size());
        // SAFETY: forwarded as is: our caller upholds `GlobalAlloc::alloc_zeroed`'s contract.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count(new_size);
        // SAFETY: forwarded as is: `ptr` came from `System` through this allocator and
        // our caller upholds `GlobalAlloc::realloc`'s contract.
        unsafe { System.realloc(ptr, layout, new_size) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded as is: `ptr` came from `System` through this allocator and
        // our caller upholds `GlobalAlloc::dealloc`'s contract.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Allocation calls (allocs and reallocs) and bytes requested while `f` runs, after
/// one untimed call to warm up pools and caches.
fn allocations<R>(mut f: impl FnMut() -> R) -> AllocationCount {
    drop(f());
    let (a0, b0) = (ALLOCS.load(Relaxed), BYTES.load(Relaxed));
    drop(black_box(f()));
    AllocationCount { calls: (ALLOCS.load(Relaxed) - a0) as u64, bytes: (BYTES.load(Relaxed) - b0) as u64 }
}

/// `calls (bytes bytes)`, as printed.
fn show(c: Option<AllocationCount>) -> String {
    c.map_or_else(|| "- (objects)".to_string(), |c| format!("{} ({} bytes)", c.calls, c.bytes))
}

/// Where the counts go: `$ZARRCODECS_BENCH_ALLOCATIONS`, else
/// `<target dir>/bench/allocations.json`, the target dir being `$CARGO_TARGET_DIR` or
/// the one this bench was built in (`<target>/release/deps/pipeline-<hash>`).
fn allocations_path() -> PathBuf {
    if let Some(path) = std::env::var_os(ALLOCATIONS_ENV) {
        return PathBuf::from(path);
    }
    let target = std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from).or_else(|| {
        let exe = std::env::current_exe().ok()?;
        exe.ancestors().nth(3).map(PathBuf::from)
    });
    target.unwrap_or_else(|| PathBuf::from("target")).join("bench").join("allocations.json")
}

/// Writes the counts as JSON; a failure is reported, not fatal (the timings still hold).
fn write_allocations(allocations: &Allocations) {
    let path = allocations_path();
    let written = serde_json::to_string_pretty(allocations).map_err(|e| e.to_string()).and_then(|text| {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
        }
        std::fs::write(&path, text + "\n").map_err(|e| e.to_string())
    });
    match written {
        Ok(()) => eprintln!("allocations per chunk: written to {}", path.display()),
        Err(e) => eprintln!("allocations per chunk: cannot write {}: {e}", path.display()),
    }
}

fn report_allocations() {
    let mut entries = vec![];
    for p in PIPELINES {
        let pipeline = p.pipeline().unwrap();
        for &kind in p.kinds {
            for &(size, size_label) in SIZES {
                let input = kind.generate(size).unwrap();
                let encoded = pipeline.encode(DataRef::from(&input)).unwrap();
                let mut out = NdArray::zeros(input.dtype(), input.shape().to_vec()).unwrap();
                let mut view = out.view_mut();
                let decode = allocations(|| pipeline.decode(encoded.view()).unwrap());
                let decode_into = allocations(|| pipeline.decode_into(encoded.view(), &mut view).unwrap());
                eprintln!(
                    "allocations per chunk, pipeline {} {kind} {size_label}: decode {}, decode_into {}",
                    p.name,
                    show(Some(decode)),
                    show(Some(decode_into))
                );
                entries.push(AllocationEntry {
                    what: format!("pipeline {}", p.name),
                    kind: kind.to_string(),
                    size_label: size_label.to_string(),
                    encode: None,
                    decode,
                    decode_into: Some(decode_into),
                });
            }
        }
    }
    // The single codecs, for comparison, on the first data kind each takes.
    for case in CASES {
        let codec = case.codec().unwrap();
        let (size, size_label) = SIZES[0];
        let kind = case.kinds[0];
        let input = kind.generate_data(size).unwrap();
        let encoded = codec.encode(input.view()).unwrap();
        let encode = allocations(|| codec.encode(input.view()).unwrap());
        let decode = allocations(|| codec.decode(encoded.view()).unwrap());
        let decode_into = match codec.decode(encoded.view()).unwrap() {
            Data::Array(d) => {
                let mut out = NdArray::zeros(d.dtype(), d.shape().to_vec()).unwrap();
                let mut view = out.view_mut();
                Some(allocations(|| codec.decode_into(encoded.view(), &mut view).unwrap()))
            }
            Data::Object(_) => None,
        };
        eprintln!(
            "allocations per chunk, {} {kind} {size_label}: encode {}, decode {}, decode_into {}",
            case.config,
            show(Some(encode)),
            show(Some(decode)),
            show(decode_into)
        );
        entries.push(AllocationEntry {
            what: case.config.to_string(),
            kind: kind.to_string(),
            size_label: size_label.to_string(),
            encode: Some(encode),
            decode,
            decode_into,
        });
    }
    write_allocations(&Allocations { entries });
}

fn pipelines(c: &mut Criterion) {
    report_allocations();
    for p in PIPELINES {
        let pipeline = p.pipeline().unwrap();
        let mut group = c.benchmark_group(format!("pipeline/{}", p.name));
        for &(size, size_label) in SIZES {
            configure(&mut group, size);
            for &kind in p.kinds {
                let input = kind.generate(size).unwrap();
                let encoded = pipeline.encode(DataRef::from(&input)).unwrap();
                let mut out = NdArray::zeros(input.dtype(), input.shape().to_vec()).unwrap();
                group.bench_function(BenchmarkId::new(format!("encode/{kind}"), size_label), |b| {
                    b.iter(|| pipeline.encode(DataRef::from(black_box(&input))).unwrap());
                });
                group.bench_function(BenchmarkId::new(format!("decode/{kind}"), size_label), |b| {
                    b.iter(|| pipeline.decode(black_box(&encoded).view()).unwrap());
                });
                {
                    let mut view = out.view_mut();
                    // Once untimed, so the check below holds when a filter skips the bench.
                    pipeline.decode_into(encoded.view(), &mut view).unwrap();
                    group.bench_function(BenchmarkId::new(format!("decode_into/{kind}"), size_label), |b| {
                        b.iter(|| pipeline.decode_into(black_box(&encoded).view(), &mut view).unwrap());
                    });
                }
                assert_eq!(out.as_bytes(), input.as_bytes(), "{} {kind}: decode_into", p.name);
            }
        }
        group.finish();
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default().without_plots();
    targets = pipelines
}
criterion_main!(benches);
