#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::cast_possible_truncation)]

use super::*;
use serde_json::json;
use zarrcodecs_core::testing::{self, Rng};
use zarrcodecs_core::{CodecExt, DynCodec};

fn array<T: Pod>(values: &[T], dtype: &str) -> NdArray {
    NdArray::from_bytes(bytemuck::cast_slice(values), dtype.parse().unwrap(), vec![values.len()]).unwrap()
}

fn walk(n: usize, seed: u64) -> Vec<f64> {
    let mut rng = Rng::new(seed);
    let mut x = 0.0;
    (0..n)
        .map(|_| {
            x += (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64 - 0.5;
            x
        })
        .collect()
}

#[test]
fn configs() {
    let default = Pcodec::default();
    assert_eq!(
        default.get_config().unwrap(),
        json!({"id": "pcodec", "level": 8, "mode_spec": "auto", "delta_spec": "auto",
               "paging_spec": "equal_pages_up_to", "delta_encoding_order": null, "equal_pages_up_to": 262144})
    );
    assert_eq!(Pcodec::from_json(&json!({"id": "pcodec"})).unwrap(), default);
    testing::assert_config_round_trip(&default);
    for c in [
        json!({"id": "pcodec", "level": 0, "mode_spec": "classic", "delta_spec": "none", "paging_spec": "equal_pages_up_to", "delta_encoding_order": null, "equal_pages_up_to": 1}),
        json!({"id": "pcodec", "level": 12, "mode_spec": "auto", "delta_spec": "try_consecutive", "paging_spec": "equal_pages_up_to", "delta_encoding_order": 7, "equal_pages_up_to": 100}),
        json!({"id": "pcodec", "level": 3, "mode_spec": "auto", "delta_spec": "try_lookback", "paging_spec": "equal_pages_up_to", "delta_encoding_order": null, "equal_pages_up_to": 262144}),
        json!({"id": "pcodec", "level": 3, "mode_spec": "auto", "delta_spec": "auto", "paging_spec": "equal_pages_up_to", "delta_encoding_order": 2, "equal_pages_up_to": 262144}),
    ] {
        let codec = Pcodec::from_json(&c).unwrap();
        assert_eq!(codec.get_config().unwrap(), c);
        testing::assert_config_round_trip(&codec);
    }
    // numcodecs' backwards compatibility: "auto" with an order is try_consecutive.
    let auto2 = Pcodec::from_json(&json!({"id": "pcodec", "delta_encoding_order": 2})).unwrap();
    assert_eq!(auto2.delta_spec().unwrap(), DeltaSpec::TryConsecutive(2));
    // numcodecs 0.15.2 builds these (its __init__ only stores them) and refuses them
    // when it encodes: so do we, and they decode, and get_config writes them back.
    let stream = Pcodec::default().encode(DataRef::from(&array(&[1u32, 2, 3], "<u4"))).unwrap();
    for (config, says) in [
        (json!({"id": "pcodec", "level": 13}), "level must be 0 to 12, got 13"),
        (json!({"id": "pcodec", "level": -1}), "got -1"),
        (json!({"id": "pcodec", "mode_spec": "try_float_mult"}), "mode_spec \"try_float_mult\""),
        (json!({"id": "pcodec", "mode_spec": null}), "mode_spec null"),
        (json!({"id": "pcodec", "delta_spec": "lookback"}), "delta_spec \"lookback\""),
        (json!({"id": "pcodec", "delta_spec": "no_op"}), "newer numcodecs' name"),
        (json!({"id": "pcodec", "delta_spec": 3}), "delta_spec 3"),
        (json!({"id": "pcodec", "paging_spec": "exact"}), "paging_spec \"exact\""),
        (json!({"id": "pcodec", "delta_encoding_order": 8}), "0 to 7, got 8"),
        (json!({"id": "pcodec", "delta_encoding_order": -1}), "got -1"),
        (json!({"id": "pcodec", "delta_spec": "try_consecutive"}), "needs a delta_encoding_order"),
        (json!({"id": "pcodec", "delta_spec": "none", "delta_encoding_order": 1}), "can only be set"),
        (json!({"id": "pcodec", "delta_spec": "no_op", "delta_encoding_order": 1}), "can only be set"),
        (json!({"id": "pcodec", "delta_spec": "try_lookback", "delta_encoding_order": 0}), "can only be set"),
        (json!({"id": "pcodec", "equal_pages_up_to": 0}), "at least 1, got 0"),
        (json!({"id": "pcodec", "equal_pages_up_to": -5}), "got -5"),
        // numcodecs' order: mode_spec first.
        (json!({"id": "pcodec", "mode_spec": "x", "delta_spec": "no_op", "level": 13}), "mode_spec"),
    ] {
        let codec = Pcodec::from_json(&config).unwrap_or_else(|e| panic!("{config}: {e}"));
        let written = codec.get_config().unwrap();
        for (k, v) in config.as_object().unwrap() {
            assert_eq!(&written[k], v, "{config}: get_config writes {k} back");
        }
        testing::assert_config_round_trip(&codec);
        match codec.encode(DataRef::from(&array(&[1u32, 2, 3], "<u4"))) {
            Err(Error::InvalidConfig { reason, .. }) => assert!(reason.contains(says), "{config}: {reason}"),
            other => panic!("{config}: {other:?}"),
        }
        assert_eq!(
            codec.decode(stream.view()).unwrap().as_bytes().unwrap(),
            bytemuck::cast_slice::<u32, u8>(&[1, 2, 3])
        );
    }
    // What numcodecs' __init__ itself refuses (unknown keyword arguments), and JSON
    // types that are not integers where integers are expected (numcodecs stores those
    // too, and its encode fails on them).
    let bad = [
        json!({"id": "pcodec", "level": 1.5}),
        json!({"id": "pcodec", "level": "8"}),
        json!({"id": "pcodec", "equal_pages_up_to": "5"}),
        json!({"id": "pcodec", "max_page_n": 5}),
        json!({"id": "zstd", "level": 1}),
    ];
    testing::assert_configs_rejected::<Pcodec>(&bad);
}

#[test]
fn round_trips_every_dtype_pco_takes() {
    let codecs = [
        Pcodec::default(),
        Pcodec::from_json(&json!({"id": "pcodec", "level": 0, "mode_spec": "classic", "delta_spec": "none"})).unwrap(),
        Pcodec::from_json(&json!({"id": "pcodec", "delta_spec": "try_lookback", "equal_pages_up_to": 1000})).unwrap(),
    ];
    let mut checked = 0;
    for a in testing::sample_arrays() {
        let Some(_) = number_type_byte(a.dtype()) else {
            assert!(matches!(Pcodec::default().encode(DataRef::from(&a)), Err(Error::UnsupportedDType { .. })));
            continue;
        };
        for codec in &codecs {
            if a.len() == 1 && codec.delta_spec().unwrap() == DeltaSpec::TryLookback {
                let r = codec.encode(DataRef::from(&a));
                assert!(matches!(r, Err(Error::UnsupportedInput { .. })), "{r:?}");
                checked += 1;
                continue;
            }
            let e = codec.encode(DataRef::from(&a)).unwrap().into_array().unwrap();
            assert_eq!(e.dtype(), DType::U1);
            let d = codec
                .decode(DataRef::from(&e))
                .unwrap_or_else(|err| panic!("{} {:?} {:?}: {err}", a.dtype(), a.shape(), codec.get_config()))
                .into_array()
                .unwrap();
            assert_eq!(d.as_bytes(), a.as_bytes(), "{} {:?}", a.dtype(), a.shape());
            if !a.is_empty() {
                // The decoded array is 1-D in the stored dtype, as in numcodecs.
                assert_eq!((d.dtype(), d.shape()), (a.dtype(), &[a.len()][..]));
                let mut small = vec![0u8; a.as_bytes().len() - a.dtype().itemsize()];
                let r = codec.decode_into(DataRef::from(&e), &mut ArrayViewMut::from_bytes(&mut small));
                assert!(matches!(r, Err(Error::OutputSizeMismatch { .. })), "{r:?}");
                let mut big = vec![0u64; a.as_bytes().len() / 8 + 2];
                let big =
                    &mut bytemuck::cast_slice_mut::<u64, u8>(&mut big)[..a.as_bytes().len() + a.dtype().itemsize()];
                let r = codec.decode_into(DataRef::from(&e), &mut ArrayViewMut::from_bytes(big));
                assert!(matches!(r, Err(Error::OutputSizeMismatch { .. })), "{r:?}");
            }
            let mut out = NdArray::zeros(a.dtype(), a.shape().to_vec()).unwrap();
            codec.decode_into(DataRef::from(&e), &mut out.view_mut()).unwrap();
            assert_eq!(out.as_bytes(), a.as_bytes());
            checked += 1;
        }
    }
    assert_eq!(checked, 9 * 7 * codecs.len());
}

#[test]
fn decode_into_unaligned_and_odd_buffers() {
    let values = walk(1000, 3);
    let e = Pcodec::default().encode(DataRef::from(&array(&values, "<f8"))).unwrap().into_array().unwrap();
    let mut storage = vec![0u64; 1001];
    let bytes = &mut bytemuck::cast_slice_mut::<u64, u8>(&mut storage)[1..8001];
    Pcodec::default().decode_into(DataRef::from(&e), &mut ArrayViewMut::from_bytes(bytes)).unwrap();
    assert_eq!(&bytes[..], bytemuck::cast_slice::<f64, u8>(&values));
    let mut odd = vec![0u8; 7999];
    let r = Pcodec::default().decode_into(DataRef::from(&e), &mut ArrayViewMut::from_bytes(&mut odd));
    assert!(matches!(r, Err(Error::OutputSizeMismatch { .. })), "{r:?}");
}

#[test]
fn refuses_what_numcodecs_refuses() {
    for dt in [">f8", ">i4", ">u2", "|u1", "|i1", "|b1", "<c8", "<M8[ns]", "|S4"] {
        let dtype: DType = dt.parse().unwrap();
        let a = NdArray::zeros(dtype, vec![3]).unwrap();
        assert!(matches!(Pcodec::default().encode(DataRef::from(&a)), Err(Error::UnsupportedDType { .. })), "{dt}");
    }
    let objects = zarrcodecs_core::ObjectArray::from_items(vec![zarrcodecs_core::Object::None]);
    assert!(matches!(Pcodec::default().encode(DataRef::from(&objects)), Err(Error::UnsupportedInput { .. })));
    // Pages of more than 2^24 numbers are pco's limit: a typed error, not a panic.
    let big = Pcodec::from_json(&json!({"id": "pcodec", "level": 0, "equal_pages_up_to": 1u64 << 25})).unwrap();
    let a = NdArray::zeros("<u2".parse().unwrap(), vec![(1 << 24) + 1]).unwrap();
    assert!(matches!(big.encode(DataRef::from(&a)), Err(Error::UnsupportedInput { .. })));
}

#[test]
fn lookback_pages_of_one_number_are_refused() {
    // numcodecs writes these, and then cannot decode them (pco 0.4.8's bug).
    let undecodable = testing::hex("70636f2102400301000000200300000000000000000000");
    assert!(matches!(Pcodec::default().decode_bytes(&undecodable), Err(Error::Corrupt { .. })));
    for (pages, n) in [(262_144, 1), (1, 5), (2, 3), (2, 9)] {
        let c = Pcodec::from_json(&json!({"id": "pcodec", "delta_spec": "try_lookback", "equal_pages_up_to": pages}))
            .unwrap();
        let values: Vec<u32> = (0..n).collect();
        let r = c.encode(DataRef::from(&array(&values, "<u4")));
        assert!(matches!(r, Err(Error::UnsupportedInput { .. })), "{pages} {n}: {r:?}");
    }
    for (pages, n) in [(262_144, 2), (2, 4), (10, 12), (1, 0)] {
        let c = Pcodec::from_json(&json!({"id": "pcodec", "delta_spec": "try_lookback", "equal_pages_up_to": pages}))
            .unwrap();
        let values: Vec<u32> = (0..n).collect();
        let e = c.encode(DataRef::from(&array(&values, "<u4"))).unwrap();
        assert_eq!(c.decode(e.view()).unwrap().as_bytes().unwrap(), bytemuck::cast_slice::<u32, u8>(&values));
    }
}

#[test]
fn empty_stream() {
    // What numcodecs writes for an empty array (its decode returns None).
    let empty = testing::hex("70636f2102000300");
    let e = Pcodec::default().encode(DataRef::from(&array::<f64>(&[], "<f8"))).unwrap();
    assert_eq!(e.as_bytes().unwrap(), &empty[..]);
    let d = Pcodec::default().decode_bytes(&empty).unwrap();
    assert!(d.is_empty());
    Pcodec::default().decode_bytes_into(&empty, &mut []).unwrap();
    let r = Pcodec::default().decode_bytes_into(&empty, &mut [0; 8]);
    assert!(matches!(r, Err(Error::OutputSizeMismatch { .. })), "{r:?}");
}

#[test]
fn decoded_size_limit() {
    let values: Vec<i32> = (0..100_000).collect();
    let a = array(&values, "<i4");
    let paged = Pcodec::from_json(&json!({"id": "pcodec", "equal_pages_up_to": 10_000})).unwrap();
    let e = paged.encode(DataRef::from(&a)).unwrap().into_array().unwrap();
    assert!(e.as_bytes().len() < 10_000);
    let c = Pcodec::default();
    for limit in [0, 1000, 399_999] {
        let options = DecodeOptions::default().with_decoded_size_limit(limit);
        let r = c.decode_with(DataRef::from(&e), &options);
        assert!(matches!(r, Err(Error::DecodedSizeLimit { .. })), "{limit}: {r:?}");
    }
    let exact = DecodeOptions::default().with_decoded_size_limit(400_000);
    assert_eq!(c.decode_with(DataRef::from(&e), &exact).unwrap().as_bytes().unwrap(), a.as_bytes());
    assert_eq!(c.decode(DataRef::from(&e)).unwrap().as_bytes().unwrap(), a.as_bytes());
    // A header whose count hint lies (claims 2^40 numbers) is not trusted.
    let small = Pcodec::default().encode(DataRef::from(&array(&[1i32, 2, 3], "<i4"))).unwrap();
    let small = small.as_bytes().unwrap();
    // Swap the header for pco's own header with a huge count hint.
    let header = {
        let mut h = Vec::new();
        pco::standalone::FileCompressor::default().with_n_hint(1 << 40).write_header(&mut h).unwrap();
        h
    };
    let original_header_len = {
        let mut h = Vec::new();
        pco::standalone::FileCompressor::default().with_n_hint(3).write_header(&mut h).unwrap();
        h.len()
    };
    let mut forged = header.clone();
    forged.extend_from_slice(&small[original_header_len..]);
    let d = Pcodec::default().decode_bytes(&forged).unwrap();
    assert_eq!(d.as_slice::<i32>().unwrap(), &[1, 2, 3]);
    assert!(d.as_bytes().len() == 12);
}

#[test]
fn corrupt_and_truncated_inputs_are_errors() {
    let mut rng = Rng::new(5);
    let ints: Vec<i64> = (0..2000).map(|_| (rng.next_u64() % 1000) as i64 - 500).collect();
    let floats = walk(2000, 9);
    let halves: Vec<f16> = floats.iter().map(|&x| f16::from_f64(x)).collect();
    let inputs = [array(&ints, "<i8"), array(&floats, "<f8"), array(&halves, "<f2")];
    let configs = [
        json!({"id": "pcodec"}),
        json!({"id": "pcodec", "level": 0, "equal_pages_up_to": 700}),
        json!({"id": "pcodec", "delta_spec": "try_lookback"}),
        json!({"id": "pcodec", "mode_spec": "classic", "delta_encoding_order": 3}),
    ];
    for a in &inputs {
        for config in &configs {
            let c = Pcodec::from_json(config).unwrap();
            let e = c.encode(DataRef::from(a)).unwrap().into_array().unwrap();
            testing::assert_rejects_truncation(&c, e.as_bytes());
            // Every byte flipped in turn (all 8 bits for the headers), through both
            // decode paths: an error or some numbers, never a panic.
            let bytes = e.as_bytes();
            let mut out = NdArray::zeros(a.dtype(), a.shape().to_vec()).unwrap();
            for i in 0..bytes.len() {
                let bits: &[u8] = if i < 64 { &[0, 1, 2, 3, 4, 5, 6, 7] } else { &[(i % 8) as u8] };
                for &bit in bits {
                    let mut bad = bytes.to_vec();
                    bad[i] ^= 1 << bit;
                    let _ = c.decode_bytes(&bad);
                    let _ = c.decode(DataRef::from(&bad[..])).map(|_| ());
                    let _ = c.decode_into(DataRef::from(&bad[..]), &mut out.view_mut());
                }
            }
        }
    }
    for bad in [&b""[..], b"pco", b"pco!", b"abcd\x02\x00\x03\x00", b"pco!\xff\x00\x03\x00", b"pco!\x02\x00\x03\x01"] {
        let r = Pcodec::default().decode_bytes(bad);
        assert!(matches!(r, Err(Error::Corrupt { .. })), "{bad:?}: {r:?}");
    }
}

#[test]
fn random_garbage_never_panics() {
    let mut rng = Rng::new(11);
    let prefix = testing::hex("70636f21028302");
    for i in 0..20_000usize {
        let n = (rng.next_u64() % 200) as usize;
        let mut bad = if i % 2 == 0 { prefix.clone() } else { Vec::new() };
        bad.extend(rng.bytes(n));
        let _ = Pcodec::default().decode_bytes(&bad);
    }
}

#[test]
fn new_takes_the_options() {
    assert_eq!(Pcodec::new(PcodecConfig::default()).unwrap(), Pcodec::default());
    let c = Pcodec::new(PcodecConfig { level: 3, ..PcodecConfig::default() }).unwrap();
    assert_eq!(c.get_config().unwrap()["level"], 3);
    // Built, as numcodecs does; refused when encoding.
    let c = Pcodec::new(PcodecConfig { level: 13, ..PcodecConfig::default() }).unwrap();
    assert!(matches!(c.encode(DataRef::from(&array(&[1u16], "<u2"))), Err(Error::InvalidConfig { .. })));
}
