//! Chains of codecs (`zarrcodecs_benches::PIPELINES`): encode, decode and decode_into of
//! one chunk, and how many heap allocations one chunk decode makes, counted by a
//! global allocator and printed once before measuring.
//!
//! Bench ids: `pipeline/<name>/<encode|decode|decode_into>/<data kind>/<size>`.

#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use zarrcodecs::{Data, DataRef, NdArray};
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
fn allocations<R>(mut f: impl FnMut() -> R) -> (usize, usize) {
    drop(f());
    let (a0, b0) = (ALLOCS.load(Relaxed), BYTES.load(Relaxed));
    drop(black_box(f()));
    (ALLOCS.load(Relaxed) - a0, BYTES.load(Relaxed) - b0)
}

fn report_allocations() {
    for p in PIPELINES {
        let pipeline = p.pipeline().unwrap();
        for &kind in p.kinds {
            for &(size, size_label) in SIZES {
                let input = kind.generate(size).unwrap();
                let encoded = pipeline.encode(DataRef::from(&input)).unwrap();
                let mut out = NdArray::zeros(input.dtype(), input.shape().to_vec()).unwrap();
                let mut view = out.view_mut();
                let (da, db) = allocations(|| pipeline.decode(encoded.as_ref()).unwrap());
                let (ia, ib) = allocations(|| pipeline.decode_into(encoded.as_ref(), &mut view).unwrap());
                eprintln!(
                    "allocations per chunk, pipeline {} {kind} {size_label}: decode {da} ({db} bytes), \
                     decode_into {ia} ({ib} bytes)",
                    p.name
                );
            }
        }
    }
    // The single codecs, for comparison, on the first data kind each takes.
    for case in CASES {
        let codec = case.codec().unwrap();
        let (size, size_label) = SIZES[0];
        let kind = case.kinds[0];
        let input = kind.generate_data(size).unwrap();
        let encoded = codec.encode(input.as_ref()).unwrap();
        let (ea, eb) = allocations(|| codec.encode(input.as_ref()).unwrap());
        let (da, db) = allocations(|| codec.decode(encoded.as_ref()).unwrap());
        let into = match codec.decode(encoded.as_ref()).unwrap() {
            Data::Array(d) => {
                let mut out = NdArray::zeros(d.dtype(), d.shape().to_vec()).unwrap();
                let mut view = out.view_mut();
                let (ia, ib) = allocations(|| codec.decode_into(encoded.as_ref(), &mut view).unwrap());
                format!("{ia} ({ib} bytes)")
            }
            Data::Object(_) => "- (objects)".to_string(),
        };
        eprintln!(
            "allocations per chunk, {} {kind} {size_label}: encode {ea} ({eb} bytes), decode {da} ({db} bytes), \
             decode_into {into}",
            case.config
        );
    }
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
                    b.iter(|| pipeline.decode(black_box(&encoded).as_ref()).unwrap());
                });
                {
                    let mut view = out.view_mut();
                    // Once untimed, so the check below holds when a filter skips the bench.
                    pipeline.decode_into(encoded.as_ref(), &mut view).unwrap();
                    group.bench_function(BenchmarkId::new(format!("decode_into/{kind}"), size_label), |b| {
                        b.iter(|| pipeline.decode_into(black_box(&encoded).as_ref(), &mut view).unwrap());
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
