//! One codec instance shared by several threads: every catalogue configuration
//! (tests/common) encodes and decodes different data on 4 threads at once, and every
//! result equals what the same instance gives on one thread. Blosc also runs with its
//! own internal threads on, from several threads.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::sync::{Arc, Barrier};

use common::{generate, Rng, CATALOGUE};
use zarrcodecs::{get_codec, Codec, Data, NdArray, StaticCodec};

const THREADS: usize = 4;
const ROUNDS: usize = 6;

/// Encodes and decodes `inputs` on `THREADS` threads at once through `codec`, checking
/// each result against `expected` (the same calls made on one thread beforehand).
/// Without `deterministic`, encodings may differ between calls (blosc with internal
/// threads): they must then decode to the same data.
fn hammer(
    codec: &Arc<dyn Codec>,
    inputs: &Arc<Vec<Data>>,
    expected: &Arc<Vec<(Data, Data)>>,
    deterministic: bool,
    what: &str,
) {
    let barrier = Arc::new(Barrier::new(THREADS));
    let handles: Vec<_> = (0..THREADS)
        .map(|t| {
            let (codec, inputs, expected, barrier) = (codec.clone(), inputs.clone(), expected.clone(), barrier.clone());
            let what = what.to_string();
            std::thread::spawn(move || {
                barrier.wait();
                for round in 0..ROUNDS {
                    // Each thread walks the inputs in its own order.
                    let i = (t * 7 + round * 3) % inputs.len();
                    let encoded = codec.encode(inputs[i].view()).unwrap();
                    if deterministic {
                        assert_eq!(encoded, expected[i].0, "{what}: thread {t} encodes input {i} differently");
                    }
                    let decoded = codec.decode(encoded.view()).unwrap();
                    assert_eq!(decoded, expected[i].1, "{what}: thread {t} decodes input {i} differently");
                    if let Data::Array(d) = &decoded {
                        let mut out = NdArray::zeros(d.dtype(), d.shape().to_vec()).unwrap();
                        codec.decode_into(encoded.view(), &mut out.view_mut()).unwrap();
                        assert_eq!(out.as_bytes(), d.as_bytes(), "{what}: thread {t}: decode_into");
                    }
                }
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap_or_else(|_| panic!("{what}: a thread panicked"));
    }
}

fn run(codec: Arc<dyn Codec>, inputs: Vec<Data>, deterministic: bool, what: &str) {
    let expected: Vec<(Data, Data)> = inputs
        .iter()
        .map(|input| {
            let encoded = codec.encode(input.view()).unwrap();
            let decoded = codec.decode(encoded.view()).unwrap();
            (encoded, decoded)
        })
        .collect();
    hammer(&codec, &Arc::new(inputs), &Arc::new(expected), deterministic, what);
}

#[test]
fn one_instance_serves_many_threads() {
    for (k, entry) in CATALOGUE.iter().enumerate() {
        let codec: Arc<dyn Codec> = get_codec(&serde_json::from_str(entry.config).unwrap()).unwrap().into();
        let mut rng = Rng::new(k as u64);
        let inputs = (0..5).map(|i| generate(entry.input, 200 + 3000 * i, &mut rng)).collect();
        run(codec, inputs, true, entry.config);
    }
}

#[test]
fn blosc_with_internal_threads_from_many_threads() {
    use zarrcodecs::blosc::Blosc;
    for config in [
        r#"{"id": "blosc", "cname": "lz4", "clevel": 5, "shuffle": 1, "blocksize": 0}"#,
        r#"{"id": "blosc", "cname": "zstd", "clevel": 3, "shuffle": 2, "blocksize": 4096}"#,
    ] {
        let mut codec = Blosc::from_json(&serde_json::from_str(config).unwrap()).unwrap();
        codec.set_nthreads(4);
        let codec: Arc<dyn Codec> = Arc::new(codec);
        // Large enough for C-Blosc to split into blocks and use its threads.
        let inputs = (0..4u64)
            .map(|i| {
                let values: Vec<u8> =
                    (0..(1usize << 20)).flat_map(|j| ((j as u64 * (i + 3)) % 1000).to_le_bytes()).collect();
                Data::Array(NdArray::from_bytes(&values, "<u8".parse().unwrap(), vec![1 << 20]).unwrap())
            })
            .collect();
        // C-Blosc's threads write the compressed blocks in the order they finish:
        // valid chunks whose bytes vary from call to call (numcodecs' too, with threads).
        run(codec, inputs, false, config);
    }
    // And through the one-threaded default, from several threads, on the same data.
    let codec: Arc<dyn Codec> = Arc::new(Blosc::default());
    let data = vec![7u8; 100_000];
    let input = Data::Array(NdArray::from_bytes(&data, "|u1".parse().unwrap(), vec![100_000]).unwrap());
    run(codec, vec![input], true, "blosc default");
}
