//! Encode and decode of every codec configuration in `zarrcodecs_benches::CASES`, on
//! every data kind it takes, at 64 KiB and 8 MiB; at 8 MiB also `decode_into` a
//! preallocated buffer, and a memcpy of the same size as the physical limit; for
//! codecs whose decode can borrow its output from its input (the checksums),
//! `decode_borrowed` at every size.
//!
//! Bench ids: `<codec label>/<encode|decode|decode_into|decode_borrowed>/<data kind>/<size>`, e.g.
//! `zstd/level=3/decode/f8_walk/64KiB`, and `memcpy/copy_from_slice/<size>`.
//! Throughput is always the decoded (uncompressed) size.

#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;

use criterion::measurement::WallTime;
use criterion::{criterion_group, criterion_main, BenchmarkGroup, BenchmarkId, Criterion};
use zarrcodecs::{Data, NdArray};
use zarrcodecs_benches::{configure, same_data, DataKind, CASES, LARGE, SIZES};

fn codecs(c: &mut Criterion) {
    for case in CASES {
        let codec = case.codec().expect(case.config);
        let mut group = c.benchmark_group(case.label().unwrap());
        for &(size, size_label) in SIZES {
            configure(&mut group, size);
            for &kind in case.kinds {
                let input = kind.generate_data(size).unwrap();
                let encoded = codec.encode(input.view()).unwrap();
                let encoded_len = encoded.as_bytes().map_or(0, <[u8]>::len);
                let decoded = codec.decode(encoded.view()).unwrap();
                assert!(!case.exact() || same_data(&input, &decoded), "{} {kind}: round trip", case.config);
                eprintln!(
                    "{} {kind} {size_label}: {encoded_len} bytes encoded, ratio {:.2}",
                    case.config,
                    size as f64 / encoded_len.max(1) as f64
                );

                group.bench_function(BenchmarkId::new(format!("encode/{kind}"), size_label), |b| {
                    b.iter(|| codec.encode(black_box(&input).view()).unwrap());
                });
                group.bench_function(BenchmarkId::new(format!("decode/{kind}"), size_label), |b| {
                    b.iter(|| codec.decode(black_box(&encoded).view()).unwrap());
                });
                // Codecs whose decode can return a part of its input (the checksums),
                // as numcodecs' decode returns a view: that too.
                if codec.decode_borrowed(encoded.view()).unwrap().is_borrowed() {
                    group.bench_function(BenchmarkId::new(format!("decode_borrowed/{kind}"), size_label), |b| {
                        b.iter(|| codec.decode_borrowed(black_box(&encoded).view()).unwrap());
                    });
                }
                if let (true, Data::Array(decoded)) = (size >= LARGE, &decoded) {
                    bench_decode_into(&mut group, codec.as_ref(), kind, decoded, &encoded, size_label);
                }
            }
        }
        group.finish();
    }
}

/// Decoding straight into a buffer allocated (and faulted in) once: what a reader that
/// reuses its chunk buffer gets, against `decode`'s fresh allocation per chunk.
/// `decoded` is what `decode` gave.
fn bench_decode_into(
    group: &mut BenchmarkGroup<'_, WallTime>,
    codec: &dyn zarrcodecs::Codec,
    kind: DataKind,
    decoded: &NdArray,
    encoded: &zarrcodecs::Data,
    size_label: &str,
) {
    let mut out = NdArray::zeros(decoded.dtype(), decoded.shape().to_vec()).unwrap();
    {
        let mut view = out.view_mut();
        codec.decode_into(encoded.view(), &mut view).unwrap();
        group.bench_function(BenchmarkId::new(format!("decode_into/{kind}"), size_label), |b| {
            b.iter(|| codec.decode_into(black_box(encoded).view(), &mut view).unwrap());
        });
    }
    assert_eq!(out.as_bytes(), decoded.as_bytes(), "{} {kind}: decode_into", codec.codec_id());
}

/// `copy_from_slice` between two buffers of the chunk size: no codec decodes faster
/// than this into memory it does not already own.
fn memcpy(c: &mut Criterion) {
    let mut group = c.benchmark_group("memcpy");
    for &(size, size_label) in SIZES {
        configure(&mut group, size);
        let src = DataKind::F8Walk.generate(size).unwrap();
        let src = src.as_bytes();
        // Copied once untimed, so the check below holds when a filter skips the bench.
        let mut dst = src.to_vec();
        group.bench_function(BenchmarkId::new("copy_from_slice", size_label), |b| {
            b.iter(|| dst.copy_from_slice(black_box(src)));
        });
        assert_eq!(dst, src);
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().without_plots();
    targets = memcpy, codecs
}
criterion_main!(benches);
