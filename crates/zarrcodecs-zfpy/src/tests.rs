#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::cast_possible_truncation)]

use super::*;
use serde_json::json;
use zarrcodecs_core::testing::{self, Rng};
use zarrcodecs_core::{CodecExt, DynCodec};

fn array<T: bytemuck::Pod>(values: &[T], dtype: &str, shape: &[usize]) -> NdArray {
    NdArray::from_bytes(bytemuck::cast_slice(values), dtype.parse().unwrap(), shape.to_vec()).unwrap()
}

fn codec(config: Value) -> Zfpy {
    Zfpy::from_json(&config).unwrap()
}

#[test]
fn configs() {
    assert_eq!(
        Zfpy::default().get_config().unwrap(),
        json!({"id": "zfpy", "mode": 4, "compression_kwargs": {"tolerance": -1}, "tolerance": -1, "rate": -1, "precision": -1})
    );
    assert_eq!(Zfpy::from_json(&json!({"id": "zfpy"})).unwrap(), Zfpy::default());
    for (given, printed) in [
        (
            json!({"id": "zfpy", "mode": 2, "rate": 8}),
            json!({"id": "zfpy", "mode": 2, "compression_kwargs": {"rate": 8}, "tolerance": -1, "rate": 8, "precision": -1}),
        ),
        (
            json!({"id": "zfpy", "mode": 3, "precision": 10, "tolerance": 0.5}),
            json!({"id": "zfpy", "mode": 3, "compression_kwargs": {"precision": 10}, "tolerance": 0.5, "rate": -1, "precision": 10}),
        ),
        (
            json!({"id": "zfpy", "mode": 4, "tolerance": 0.01, "compression_kwargs": {"rate": 3}}),
            json!({"id": "zfpy", "mode": 4, "compression_kwargs": {"tolerance": 0.01}, "tolerance": 0.01, "rate": -1, "precision": -1}),
        ),
        (
            json!({"id": "zfpy", "mode": 4, "tolerance": -1.0, "rate": 2.5}),
            json!({"id": "zfpy", "mode": 4, "compression_kwargs": {"tolerance": -1.0}, "tolerance": -1.0, "rate": 2.5, "precision": -1}),
        ),
    ] {
        let c = codec(given);
        assert_eq!(c.get_config().unwrap(), printed);
        testing::assert_config_round_trip(&c);
    }
    assert_eq!(codec(json!({"id": "zfpy", "mode": 4, "tolerance": 0})).zfp_mode().unwrap(), zfp::Mode::Accuracy(0.0));
    assert_eq!(codec(json!({"id": "zfpy", "mode": 2, "rate": 4.5})).zfp_mode().unwrap(), zfp::Mode::Rate(4.5));
    assert_eq!(codec(json!({"id": "zfpy", "mode": 3, "precision": 0})).zfp_mode().unwrap(), zfp::Mode::Precision(0));
    for reversible in [
        json!({"id": "zfpy", "mode": 2}),
        json!({"id": "zfpy", "mode": 3, "tolerance": 1}),
        json!({"id": "zfpy", "mode": 4, "rate": 8, "precision": 5}),
    ] {
        assert_eq!(codec(reversible).zfp_mode().unwrap(), zfp::Mode::Reversible);
    }
    // numcodecs builds these and cannot encode with them: so do we. They decode, and
    // get_config writes them back as numcodecs' does (no compression_kwargs for the
    // modes it does not encode with).
    let data = NdArray::from_bytes(&[0u8; 32], "<f8".parse().unwrap(), vec![4]).unwrap();
    let stream = Zfpy::default().encode(DataRef::from(&data)).unwrap();
    for config in [
        json!({"id": "zfpy", "mode": 5}),
        json!({"id": "zfpy", "mode": 1}),
        json!({"id": "zfpy", "mode": 0}),
        json!({"id": "zfpy", "mode": 2, "rate": 16_777_216}),
        json!({"id": "zfpy", "mode": 2, "rate": 1e300}),
        json!({"id": "zfpy", "mode": 3, "precision": 2_147_483_648_i64}),
    ] {
        let c = codec(config.clone());
        let written = c.get_config().unwrap();
        assert_eq!(written["mode"], config["mode"]);
        if config["mode"].as_i64().unwrap() < 2 || config["mode"].as_i64().unwrap() > 4 {
            assert_eq!(
                written,
                json!({"id": "zfpy", "mode": config["mode"], "tolerance": -1, "rate": -1, "precision": -1})
            );
        }
        let r = c.encode(DataRef::from(&data));
        assert!(matches!(r, Err(Error::InvalidConfig { .. })), "{config}: {r:?}");
        assert_eq!(c.decode(stream.view()).unwrap().as_bytes().unwrap(), data.as_bytes());
    }
    let bad = [
        json!({"id": "zfpy", "mode": "4"}),
        json!({"id": "zfpy", "mode": 4.0}),
        json!({"id": "zfpy", "tolerance": "0.1"}),
        json!({"id": "zfpy", "tolerance": null}),
        json!({"id": "zfpy", "precision": 1.5}),
        json!({"id": "zfpy", "compression_kwargs": 3}),
        json!({"id": "zfpy", "level": 3}),
        json!({"id": "zlib", "level": 3}),
    ];
    testing::assert_configs_rejected::<Zfpy>(&bad);
}

#[test]
fn reversible_round_trips_sample_arrays_exactly() {
    let codecs = [Zfpy::default(), codec(json!({"id": "zfpy", "mode": 2, "rate": -1}))];
    let mut checked = 0;
    for a in testing::sample_arrays() {
        let supported = zfp_type(a.dtype()).is_some() && !a.is_empty() && (1..=4).contains(&a.shape().len());
        if !supported {
            let r = Zfpy::default().encode(DataRef::from(&a));
            assert!(matches!(r, Err(Error::UnsupportedDType { .. } | Error::UnsupportedInput { .. })), "{r:?}");
            continue;
        }
        for c in &codecs {
            let e = c.encode(DataRef::from(&a)).unwrap().into_array().unwrap();
            assert_eq!(e.dtype(), DType::U1);
            assert_eq!(decoded_dtype_and_shape(e.as_bytes()).unwrap(), (a.dtype(), a.shape().to_vec()));
            let d = c.decode(DataRef::from(&e)).unwrap().into_array().unwrap();
            // Random bit patterns include NaNs: compare bytes.
            assert_eq!(d.as_bytes(), a.as_bytes(), "{} {:?}", a.dtype(), a.shape());
            assert_eq!((d.dtype(), d.shape()), (a.dtype(), a.shape()));
            let mut out = NdArray::zeros(a.dtype(), a.shape().to_vec()).unwrap();
            c.decode_into(DataRef::from(&e), &mut out.view_mut()).unwrap();
            assert_eq!(out.as_bytes(), a.as_bytes());
            let mut small = vec![0u8; a.as_bytes().len() - 1];
            let r = c.decode_into(DataRef::from(&e), &mut ArrayViewMut::from_bytes(&mut small));
            assert!(matches!(r, Err(Error::OutputSizeMismatch { .. })), "{r:?}");
            checked += 1;
        }
    }
    // The native-order i4, i8, f4, f8: 5 non-empty shapes each.
    assert_eq!(checked, 4 * 5 * codecs.len());
}

/// `decode` takes its output from the thread's cache of freed buffers without
/// zero-filling it: zfp must write every value, edge blocks included, so that no stale
/// byte shows. Each decode gets a cached buffer of its size filled with 0xff first.
#[test]
fn decode_writes_every_value_over_stale_memory() {
    let mut rng = Rng::new(7);
    for shape in [vec![4097], vec![67, 71], vec![13, 17, 23], vec![5, 6, 7, 31]] {
        let n: usize = shape.iter().product();
        let values: Vec<f64> = (0..n).map(|_| (rng.next_u64() >> 11) as f64 / 1e10).collect();
        let a = array(&values, "<f8", &shape);
        let encoded = Zfpy::default().encode(DataRef::from(&a)).unwrap();
        AlignedBuf::clear_thread_cache();
        drop(AlignedBuf::from_slice(&vec![0xff; n * 8]).unwrap());
        let d = Zfpy::default().decode(encoded.view()).unwrap().into_array().unwrap();
        assert_eq!(d.as_bytes(), a.as_bytes(), "{shape:?}");
    }
}

/// `encode` writes into a buffer of `zfp_stream_maximum_size` bytes from the thread's
/// cache without zero-filling it: zfp's bit stream only writes, so the bytes it returns
/// must be the same over stale memory (0xff here) as over fresh, zeroed memory.
#[test]
fn encode_is_the_same_over_stale_memory() {
    let mut rng = Rng::new(11);
    let modes = [
        json!({"id": "zfpy", "mode": 4, "tolerance": -1, "rate": -1, "precision": -1}),
        json!({"id": "zfpy", "mode": 4, "tolerance": 1e-3, "rate": -1, "precision": -1}),
        json!({"id": "zfpy", "mode": 2, "tolerance": -1, "rate": 12.5, "precision": -1}),
        json!({"id": "zfpy", "mode": 3, "tolerance": -1, "rate": -1, "precision": 19}),
    ];
    // Large enough that every mode's maximum size is a buffer the cache keeps.
    for shape in [vec![70_001], vec![267, 271], vec![33, 37, 59], vec![9, 10, 11, 71]] {
        let n: usize = shape.iter().product();
        let values: Vec<f64> = (0..n).map(|_| (rng.next_u64() >> 11) as f64 / 1e10).collect();
        let a = array(&values, "<f8", &shape);
        for config in &modes {
            let c = codec(config.clone());
            // Stale buffers from 3.5 times the input's size (zfp's maximum counts the
            // padding of edge blocks) down by factors of 1.6: the cache hands out one
            // of a request's size to twice it, so one of these fits zfp's maximum size
            // in every mode.
            let sizes: Vec<usize> = (0..8).map(|k| n * 28 * 5_usize.pow(k) / 8_usize.pow(k)).collect();
            testing::assert_same_over_stale_memory(&format!("{config} {shape:?}"), &sizes, || {
                c.encode(DataRef::from(&a)).unwrap()
            });
        }
    }
}

#[test]
fn fixed_accuracy_honours_its_tolerance() {
    let mut rng = Rng::new(1);
    let shapes: [&[usize]; 6] = [&[1], &[100], &[7, 9], &[5, 6, 7], &[3, 4, 5, 6], &[2000]];
    for round in 0..60 {
        let shape = shapes[round % shapes.len()];
        let n: usize = shape.iter().product();
        let scale: f64 = [1e-3, 1.0, 1e3, 1e8][round % 4];
        let tolerance = [1e-6, 1e-3, 0.1, 1e-9, 5.0][round % 5] * scale.max(1.0);
        let mut x = 0.0;
        let values: Vec<f64> = (0..n)
            .map(|i| {
                x += (rng.unit_f64() - 0.5) * scale;
                if round % 3 == 0 {
                    rng.unit_f64() * scale
                } else if i % 17 == 0 {
                    -x
                } else {
                    x
                }
            })
            .collect();
        let c = codec(json!({"id": "zfpy", "mode": 4, "tolerance": tolerance}));
        let d = testing::round_trip(&c, DataRef::from(&array(&values, "<f8", shape))).into_array().unwrap();
        for (a, b) in values.iter().zip(d.as_slice::<f64>().unwrap()) {
            assert!((a - b).abs() <= tolerance, "round {round}: |{a} - {b}| > {tolerance}");
        }
        // float32 cannot hold a bound finer than its own resolution at these magnitudes.
        let max_abs = values.iter().fold(0.0f64, |m, v| m.max(v.abs()));
        if tolerance < max_abs * f64::from(f32::EPSILON) * 8.0 {
            continue;
        }
        let singles: Vec<f32> = values.iter().map(|&v| v as f32).collect();
        let d = testing::round_trip(&c, DataRef::from(&array(&singles, "<f4", shape))).into_array().unwrap();
        for (a, b) in singles.iter().zip(d.as_slice::<f32>().unwrap()) {
            assert!(f64::from((a - b).abs()) <= tolerance, "round {round} f4: |{a} - {b}| > {tolerance}");
        }
    }
}

#[test]
fn reversible_is_exact_and_rate_is_fixed() {
    let mut rng = Rng::new(2);
    let values: Vec<f64> = (0..4096).map(|_| f64::from_bits(rng.next_u64())).collect();
    let a = array(&values, "<f8", &[16, 16, 16]);
    let d = testing::round_trip(&Zfpy::default(), DataRef::from(&a)).into_array().unwrap();
    assert_eq!(d.as_bytes(), a.as_bytes());
    let ints: Vec<i64> = (0..1000).map(|_| rng.next_u64() as i64).collect();
    let a = array(&ints, "<i8", &[10, 100]);
    let d = testing::round_trip(&Zfpy::default(), DataRef::from(&a)).into_array().unwrap();
    assert_eq!(d.as_bytes(), a.as_bytes());
    // Fixed rate: 8 bits per value of a 2-D array of 64 x 64 (256 blocks of 16 values).
    let smooth: Vec<f32> = (0..4096).map(|i| (i as f32 * 0.01).sin()).collect();
    let e = codec(json!({"id": "zfpy", "mode": 2, "rate": 8}))
        .encode(DataRef::from(&array(&smooth, "<f4", &[64, 64])))
        .unwrap();
    let header_words = 2 * 8;
    assert_eq!(e.as_bytes().unwrap().len(), header_words + 4096);
}

#[test]
fn refuses_what_numcodecs_refuses() {
    for dt in [">f8", ">i4", "<u4", "<f2", "|u1", "<i2", "<c8", "|b1"] {
        let a = NdArray::zeros(dt.parse().unwrap(), vec![4]).unwrap();
        assert!(matches!(Zfpy::default().encode(DataRef::from(&a)), Err(Error::UnsupportedDType { .. })), "{dt}");
    }
    for shape in [vec![], vec![1, 1, 1, 1, 1], vec![0], vec![3, 0]] {
        let a = NdArray::zeros("<f8".parse().unwrap(), shape.clone()).unwrap();
        assert!(matches!(Zfpy::default().encode(DataRef::from(&a)), Err(Error::UnsupportedInput { .. })), "{shape:?}");
    }
    // Larger than zfp's header can describe (3-D: 2^16 per axis).
    let a = NdArray::zeros("<f4".parse().unwrap(), vec![1, 1, 65_537]).unwrap();
    assert!(matches!(Zfpy::default().encode(DataRef::from(&a)), Err(Error::UnsupportedInput { .. })));
    let objects = zarrcodecs_core::ObjectArray::from_items(vec![zarrcodecs_core::Object::None]);
    assert!(matches!(Zfpy::default().encode(DataRef::from(&objects)), Err(Error::UnsupportedInput { .. })));
}

#[test]
fn unaligned_input_and_output() {
    let values: Vec<f64> = (0..300).map(|i| f64::from(i) * 0.5).collect();
    let mut storage = vec![0u64; 302];
    let bytes = &mut bytemuck::cast_slice_mut::<u64, u8>(&mut storage)[3..2403];
    bytes.copy_from_slice(bytemuck::cast_slice(&values));
    let view = ArrayView::new(bytes, "<f8".parse().unwrap(), vec![300]).unwrap();
    let e = Zfpy::default().encode(DataRef::from(view)).unwrap();
    let aligned = Zfpy::default().encode(DataRef::from(&array(&values, "<f8", &[300]))).unwrap();
    assert_eq!(e.as_bytes(), aligned.as_bytes());
    let mut out = vec![0u64; 302];
    let out = &mut bytemuck::cast_slice_mut::<u64, u8>(&mut out)[5..2405];
    Zfpy::default().decode_into(e.view(), &mut ArrayViewMut::from_bytes(out)).unwrap();
    assert_eq!(&out[..], bytemuck::cast_slice::<f64, u8>(&values));
}

/// zfp's full header for a field of zfp sizes `dims` (x first), built as
/// zfp_field_metadata and zfp_write_header do (bits are written from the least
/// significant end of 64-bit little-endian words): magic "zfp" and codec 5 (32 bits),
/// metadata (52 bits), then the 12-bit mode of a real reversible stream; then 16 zero
/// bytes of "data".
fn forged_header(ztype: zfp::ZfpType, dims: &[usize]) -> Vec<u8> {
    let type_bits = match ztype {
        zfp::ZfpType::Int32 => 0,
        zfp::ZfpType::Int64 => 1,
        zfp::ZfpType::Float => 2,
        zfp::ZfpType::Double => 3,
    };
    let bits = match dims.len() {
        1 => 48,
        2 => 24,
        3 => 16,
        _ => 12,
    };
    let mut meta: u64 = 0;
    for &n in dims.iter().rev() {
        meta = (meta << bits) | (n as u64 - 1);
    }
    meta = (meta << 4) | ((dims.len() as u64 - 1) << 2) | type_bits;
    let real = Zfpy::default().encode(DataRef::from(&array(&[1.0f64], "<f8", &[1]))).unwrap();
    let word1 = u64::from_le_bytes(real.as_bytes().unwrap()[8..16].try_into().unwrap());
    let mode_bits = (word1 >> 20) & 0xfff;
    let w0 = 0x0570_667a_u64 | (meta << 32);
    let w1 = (meta >> 32) | (mode_bits << 20);
    let mut out = w0.to_le_bytes().to_vec();
    out.extend_from_slice(&w1.to_le_bytes());
    out.extend_from_slice(&[0u8; 16]);
    out
}

#[test]
fn lying_headers_are_refused_before_allocating() {
    // The forged header describes the same array as a real one: sanity check.
    let real = Zfpy::default().encode(DataRef::from(&array(&[1.0f64, 2.0, 3.0], "<f8", &[3]))).unwrap();
    let forged = forged_header(zfp::ZfpType::Double, &[3]);
    assert_eq!(&forged[..12], &real.as_bytes().unwrap()[..12]);
    // 2^32 to 2^48 doubles: over the limit; refused from the header alone.
    for dims in [
        &[1usize << 32][..],
        &[1 << 20, 1 << 20],
        &[1 << 24, 1 << 24],
        &[1 << 16, 1 << 16, 1 << 16],
        &[4096, 4096, 4096, 4096],
    ] {
        let h = forged_header(zfp::ZfpType::Double, dims);
        let (dtype, shape) = decoded_dtype_and_shape(&h).unwrap();
        assert_eq!(dtype, "<f8".parse().unwrap());
        assert_eq!(shape.iter().rev().copied().collect::<Vec<_>>(), dims);
        let r = Zfpy::default().decode_bytes(&h);
        assert!(matches!(r, Err(Error::DecodedSizeLimit { .. })), "{dims:?}: {r:?}");
    }
    // Within the limit, but the input is far too short for its blocks: corrupt, and
    // nothing the size of the claimed array is read.
    let h = forged_header(zfp::ZfpType::Float, &[1 << 20]);
    let c = Zfpy::default();
    let r = c.decode_with(DataRef::from(&h[..]), &DecodeOptions::default().with_decoded_size_limit(1 << 30));
    assert!(matches!(r, Err(Error::Corrupt { .. })), "{r:?}");
    let r = c.decode_with(DataRef::from(&real), &DecodeOptions::default().with_decoded_size_limit(10));
    assert!(matches!(r, Err(Error::DecodedSizeLimit { size: 24, limit: 10, .. })), "{r:?}");
    let r = c.decode_with(DataRef::from(&real), &DecodeOptions::default().with_decoded_size_limit(23));
    assert!(matches!(r, Err(Error::DecodedSizeLimit { .. })), "{r:?}");
    let d = c.decode_with(DataRef::from(&real), &DecodeOptions::default().with_decoded_size_limit(24)).unwrap();
    assert_eq!(d.into_array().unwrap().as_slice::<f64>().unwrap(), &[1.0, 2.0, 3.0]);
}

#[test]
fn corrupt_and_truncated_inputs_are_errors() {
    let mut rng = Rng::new(3);
    let values: Vec<f64> = (0..2000).map(|i| (f64::from(i) * 0.013).sin() + rng.unit_f64() * 0.01).collect();
    for (config, dtype, shape) in [
        (json!({"id": "zfpy"}), "<f8", vec![2000]),
        (json!({"id": "zfpy", "mode": 4, "tolerance": 0.001}), "<f8", vec![40, 50]),
        (json!({"id": "zfpy", "mode": 2, "rate": 12}), "<f4", vec![10, 10, 20]),
        (json!({"id": "zfpy", "mode": 3, "precision": 14}), "<i4", vec![5, 5, 8, 10]),
    ] {
        let c = codec(config);
        let a = match dtype {
            "<f8" => array(&values, dtype, &shape),
            "<f4" => array(&values.iter().map(|&v| v as f32).collect::<Vec<_>>(), dtype, &shape),
            _ => array(&values.iter().map(|&v| (v * 1e6) as i32).collect::<Vec<_>>(), dtype, &shape),
        };
        let e = c.encode(DataRef::from(&a)).unwrap().into_array().unwrap();
        let bytes = e.as_bytes();
        for n in (0..bytes.len()).step_by(3) {
            let r = c.decode_bytes(&bytes[..n]);
            assert!(r.is_err(), "{n} of {}", bytes.len());
        }
        let mut out = NdArray::zeros(a.dtype(), a.shape().to_vec()).unwrap();
        for i in 0..bytes.len() {
            let bits: &[u8] = if i < 16 { &[0, 1, 2, 3, 4, 5, 6, 7] } else { &[(i % 8) as u8] };
            for &bit in bits {
                let mut bad = bytes.to_vec();
                bad[i] ^= 1 << bit;
                let _ = c.decode_bytes(&bad);
                let _ = c.decode_into(DataRef::from(&bad[..]), &mut out.view_mut());
            }
        }
    }
    for bad in [&b""[..], b"zfp", b"zfp\x05", b"zfp\x04\0\0\0\0\0\0\0\0\0\0\0\0", b"abcdefghijklmnop"] {
        let r = Zfpy::default().decode_bytes(bad);
        assert!(matches!(r, Err(Error::Corrupt { .. })), "{bad:?}: {r:?}");
    }
}

#[test]
fn random_headers_never_panic() {
    let mut rng = Rng::new(4);
    for _ in 0..20_000 {
        let n = 8 + (rng.next_u64() % 64) as usize;
        let mut bad = b"zfp\x05".to_vec();
        bad.extend(rng.bytes(n));
        let options = DecodeOptions::default().with_decoded_size_limit(1 << 24);
        let _ = Zfpy::default().decode_with(DataRef::from(&bad[..]), &options);
    }
}

#[test]
fn fixed_rates_too_low_for_the_exponent_are_refused() {
    use zarrcodecs_core::{CodecExt, DataRef, NdArray};
    // {"mode": 2, "rate": 0} made zfp write past its buffer (fuzzer find).
    let f8 = NdArray::from_bytes(&[0u8; 8 * 20], "<f8".parse().unwrap(), vec![20]).unwrap();
    let f4 = NdArray::from_bytes(&[0u8; 4 * 16], "<f4".parse().unwrap(), vec![4, 4]).unwrap();
    let i4 = NdArray::from_bytes(&[0u8; 4 * 20], "<i4".parse().unwrap(), vec![20]).unwrap();
    let codec = |rate: f64| Zfpy::from_json(&serde_json::json!({"mode": 2, "rate": rate})).unwrap();
    for rate in [0.0, 1.0, 2.8] {
        assert!(matches!(codec(rate).encode(DataRef::from(&f8)), Err(Error::UnsupportedInput { .. })), "{rate}");
    }
    // 1-D doubles: 4 * 2.875 + 0.5 rounds down to 12 bits, the minimum.
    assert!(codec(2.875).encode(DataRef::from(&f8)).is_ok());
    // 2-D floats: 16 values a block, 9 bits needed.
    assert!(codec(0.5).encode(DataRef::from(&f4)).is_err());
    let ok = codec(0.6).encode(DataRef::from(&f4)).unwrap();
    assert_eq!(codec(0.6).decode_bytes(ok.as_bytes().unwrap()).unwrap().len(), 16);
    // Integers have no exponent: any rate.
    assert!(codec(0.0).encode(DataRef::from(&i4)).is_ok());
}

#[test]
fn a_header_with_fewer_bits_than_the_exponent_is_corrupt() {
    // zfp's decoder computed the block budget `maxbits - ebits` unsigned and read past
    // its buffer (a fuzzer input; its first byte picked the configuration).
    let found = &include_bytes!("../tests/data/fuzz/maxbits-below-exponent.bin")[1..];
    let codec = Zfpy::from_json(&json!({})).unwrap();
    assert!(matches!(codec.decode_bytes(found), Err(Error::Corrupt { .. })));
}

#[test]
fn typed_constructor() {
    assert_eq!(Zfpy::new(ZfpyMode::FixedAccuracy(-1.0)).unwrap().zfp_mode().unwrap(), zfp::Mode::Reversible);
    assert_eq!(Zfpy::new(ZfpyMode::FixedAccuracy(0.01)).unwrap().zfp_mode().unwrap(), zfp::Mode::Accuracy(0.01));
    assert_eq!(Zfpy::new(ZfpyMode::FixedRate(4.5)).unwrap().zfp_mode().unwrap(), zfp::Mode::Rate(4.5));
    assert_eq!(Zfpy::new(ZfpyMode::FixedPrecision(10)).unwrap().zfp_mode().unwrap(), zfp::Mode::Precision(10));
    // Python's ZFPY(mode=2, rate=8.0).get_config(): the float stays a float.
    assert_eq!(
        Zfpy::new(ZfpyMode::FixedRate(8.0)).unwrap().get_config().unwrap(),
        json!({"id": "zfpy", "mode": 2, "compression_kwargs": {"rate": 8.0}, "tolerance": -1, "rate": 8.0, "precision": -1})
    );
    assert_eq!(
        Zfpy::new(ZfpyMode::FixedPrecision(10)).unwrap(),
        codec(json!({"id": "zfpy", "mode": 3, "precision": 10}))
    );
    assert_eq!(ZfpyMode::FixedAccuracy(0.0).code(), MODE_FIXED_ACCURACY);
    for bad in [ZfpyMode::FixedAccuracy(f64::NAN), ZfpyMode::FixedRate(f64::INFINITY)] {
        assert!(matches!(Zfpy::new(bad), Err(Error::InvalidConfig { .. })), "{bad:?}");
    }
    for cannot_encode in [ZfpyMode::FixedRate(MAX_RATE), ZfpyMode::FixedPrecision(1 << 31)] {
        let c = Zfpy::new(cannot_encode).unwrap();
        assert!(matches!(c.zfp_mode(), Err(Error::InvalidConfig { .. })), "{cannot_encode:?}");
    }
}
