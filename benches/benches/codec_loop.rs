//! `decode` against `decode_into` in a loop that encodes a chunk, then decodes it, chunk
//! after chunk, as an application does (`zarrcodecs_benches::LOOP_CASES`, f8 random
//! walk, 64 KiB and 8 MiB). Criterion's own loop in the `codecs` bench decodes the same
//! input again and again with nothing in between, which hides what a fresh output
//! buffer per chunk costs (allocating it, faulting its pages in): here each iteration
//! first encodes the next of `LOOP_INPUTS` chunks (untimed, so the allocator and the
//! caches see what they see in an application), then times only the decode:
//!
//! - `decode`: a new buffer per chunk, dropped after the timing (untimed);
//! - `decode_into`: into one buffer allocated before the loop and reused.
//!
//! Bench ids: `loop/<codec label>/<decode|decode_into>/<data kind>/<size>`, e.g.
//! `loop/zstd/level=3/decode/f8_walk/64KiB`. Throughput is the decoded size. The
//! example `decode_loop` runs the same comparison outside criterion.

#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use zarrcodecs::{Codec, DataRef, NdArray};
use zarrcodecs_benches::{configure, loop_group, loop_inputs, LOOP_CASES, SIZES};

fn encode_decode_loop(c: &mut Criterion) {
    for case in LOOP_CASES {
        let codec = case.codec().expect(case.config);
        let mut group = c.benchmark_group(loop_group(case).unwrap());
        for &(size, size_label) in SIZES {
            configure(&mut group, size);
            for &kind in case.kinds {
                let inputs = loop_inputs(&kind.generate(size).unwrap()).unwrap();
                let mut out = checked_out_buffer(codec.as_ref(), &inputs);
                // The next chunk to encode, carried over from one batch of iterations
                // to the next.
                let mut next = 0;
                group.bench_function(BenchmarkId::new(format!("decode/{kind}"), size_label), |b| {
                    b.iter_custom(|iters| {
                        let mut timed = Duration::ZERO;
                        for _ in 0..iters {
                            let encoded = codec.encode(DataRef::from(&inputs[next % inputs.len()])).unwrap();
                            next += 1;
                            let start = Instant::now();
                            let decoded = codec.decode(black_box(encoded.view())).unwrap();
                            timed += start.elapsed();
                            drop(black_box(decoded));
                        }
                        timed
                    });
                });
                group.bench_function(BenchmarkId::new(format!("decode_into/{kind}"), size_label), |b| {
                    b.iter_custom(|iters| {
                        let mut timed = Duration::ZERO;
                        for _ in 0..iters {
                            let encoded = codec.encode(DataRef::from(&inputs[next % inputs.len()])).unwrap();
                            next += 1;
                            let mut view = out.view_mut();
                            let start = Instant::now();
                            codec.decode_into(black_box(encoded.view()), &mut view).unwrap();
                            timed += start.elapsed();
                        }
                        timed
                    });
                });
            }
        }
        group.finish();
    }
}

/// Checks, untimed, that every chunk round-trips through `decode` and `decode_into`,
/// and returns the buffer `decode_into` writes to (allocated and faulted in here, once,
/// with the dtype and shape `decode` gives).
fn checked_out_buffer(codec: &dyn Codec, inputs: &[NdArray]) -> NdArray {
    let mut out: Option<NdArray> = None;
    for input in inputs {
        let encoded = codec.encode(DataRef::from(input)).unwrap();
        let decoded = codec.decode(encoded.view()).unwrap().into_array().expect("decodes to an array, not objects");
        assert_eq!(decoded.as_bytes(), input.as_bytes(), "{}: round trip", codec.codec_id());
        let out = out.get_or_insert_with(|| NdArray::zeros(decoded.dtype(), decoded.shape().to_vec()).unwrap());
        codec.decode_into(encoded.view(), &mut out.view_mut()).unwrap();
        assert_eq!(out.as_bytes(), input.as_bytes(), "{}: decode_into", codec.codec_id());
    }
    out.expect("LOOP_INPUTS is not 0")
}

criterion_group! {
    name = benches;
    config = Criterion::default().without_plots();
    targets = encode_decode_loop
}
criterion_main!(benches);
