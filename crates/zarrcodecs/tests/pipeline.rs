//! `ZarrPipeline` built from zarr v2 `.zarray` documents: chunk encode/decode, fill values,
//! orders and the errors.

#![cfg(all(feature = "zlib", feature = "checksum32"))]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use serde_json::{json, Value};
use zarrcodecs::zarr::{c_to_fortran, fortran_to_c};
use zarrcodecs::{Error, NdArray, Order, Pipeline, ZarrPipeline};

fn zarray(dtype: &str, fill: Value, order: &str) -> Value {
    json!({"zarr_format": 2, "shape": [5, 7], "chunks": [2, 3], "dtype": dtype,
           "compressor": {"id": "zlib", "level": 1}, "filters": [{"id": "crc32"}],
           "fill_value": fill, "order": order, "dimension_separator": "/"})
}

#[test]
fn chunks_round_trip_with_dtype_shape_and_order() {
    let p = ZarrPipeline::from_zarray(&zarray("<i2", json!(-3), "F")).unwrap();
    assert_eq!(p.order(), Order::F);
    let meta = p.array();
    assert_eq!((meta.chunk_grid(), meta.chunk_key(&[2, 1]), meta.chunk_nbytes()), (vec![3, 3], "2/1".into(), 12));
    assert_eq!(p.pipeline().codecs().len(), 2);
    let bytes: Vec<u8> = (0..12).collect();
    let stored = p.encode_chunk(&bytes).unwrap();
    let chunk = p.decode_chunk(Some(stored.as_bytes())).unwrap();
    assert_eq!((chunk.dtype().to_string(), chunk.shape(), chunk.as_bytes()), ("<i2".into(), &[2, 3][..], &bytes[..]));
    let mut out = [0u8; 12];
    p.decode_chunk_into(Some(stored.as_bytes()), &mut out).unwrap();
    assert_eq!(out, bytes[..]);
    // The fill value, for a missing chunk.
    let fill = p.decode_chunk(None).unwrap();
    assert_eq!(fill.as_slice::<i16>().unwrap(), &[-3; 6]);
    p.decode_chunk_into(None, &mut out).unwrap();
    assert_eq!(out, fill.as_bytes());
    // Orders: F bytes of [[0, 1, 2], [3, 4, 5]] and back.
    let f = NdArray::from_bytes(&[0, 3, 1, 4, 2, 5], "|u1".parse().unwrap(), vec![2, 3]).unwrap();
    let c = fortran_to_c(&f).unwrap();
    assert_eq!(c.as_bytes(), &[0, 1, 2, 3, 4, 5]);
    assert_eq!(c_to_fortran(&c).unwrap(), f);
}

#[test]
fn null_fill_value_is_zeros() {
    let p = ZarrPipeline::from_zarray(&zarray("<f4", Value::Null, "C")).unwrap();
    assert!(p.decode_chunk(None).unwrap().as_bytes().iter().all(|&b| b == 0));
}

#[test]
fn wrong_chunk_sizes_are_typed_errors() {
    let p = ZarrPipeline::from_zarray(&zarray("<f8", json!(0.0), "C")).unwrap();
    // An edge chunk stored trimmed (zarr v2 stores them whole).
    let short = Pipeline::from_json(&json!([{"id": "crc32"}, {"id": "zlib", "level": 1}]))
        .unwrap()
        .encode(vec![0u8; 40].as_slice().into())
        .unwrap();
    let short = short.as_bytes().unwrap();
    let err = p.decode_chunk(Some(short)).unwrap_err();
    assert!(matches!(err, Error::ChunkSize { expected: 48, actual: 40, .. }), "{err}");
    let mut out = vec![0u8; 48];
    let err = p.decode_chunk_into(Some(short), &mut out).unwrap_err();
    assert!(matches!(err, Error::ChunkSize { expected: 48, .. }), "{err}");
    let err = p.decode_chunk_into(None, &mut out[..47]).unwrap_err();
    assert!(matches!(err, Error::ChunkSize { expected: 48, actual: 47, .. }), "{err}");
    assert!(matches!(p.encode_chunk(&[0; 8]), Err(Error::ChunkSize { .. })));
}

#[test]
fn unsupported_documents_are_clear_errors() {
    // Object fields in a structured dtype; an unknown kind; a structured fill value
    // that is not base64.
    for dtype in [json!([["a", "<i4"], ["b", "|O"]]), json!("<x4"), json!([["a", "<i4"], ["b", "<f8"]])] {
        let mut doc = zarray("<i4", json!(0), "C");
        doc["dtype"] = dtype;
        assert!(matches!(ZarrPipeline::from_zarray(&doc), Err(Error::InvalidZarray { .. })));
    }
    let mut doc = zarray("<i4", json!(0), "C");
    doc["compressor"] = json!({"id": "no-such-codec"});
    assert!(matches!(ZarrPipeline::from_zarray(&doc), Err(Error::UnknownCodec { .. })));
}

#[test]
fn no_codecs_at_all() {
    let doc = json!({"zarr_format": 2, "shape": [4], "chunks": [4], "dtype": ">u2", "compressor": null,
                     "filters": null, "fill_value": 1, "order": "C"});
    let p = ZarrPipeline::from_zarray(&doc).unwrap();
    let bytes = [0, 1, 0, 2, 0, 3, 0, 4];
    assert_eq!(p.encode_chunk(&bytes).unwrap().as_bytes(), bytes);
    assert_eq!(p.decode_chunk(Some(&bytes)).unwrap().as_bytes(), &bytes);
    assert_eq!(p.decode_chunk(None).unwrap().as_bytes(), &[0, 1, 0, 1, 0, 1, 0, 1]);
}

/// Checksums anywhere in a chain: `decode` and `decode_into` (whose stages borrow a
/// checksum's payload instead of copying it) give what decoding stage by stage gives,
/// and a corrupted checksum anywhere is caught.
#[test]
fn checksums_in_chains_decode_as_stage_by_stage() {
    let data: Vec<u8> = (0..40_000u32).flat_map(|i| (i / 7).to_le_bytes()).collect();
    let chains = [
        json!([{"id": "crc32"}, {"id": "zlib", "level": 1}]),
        json!([{"id": "zlib", "level": 1}, {"id": "crc32c"}]),
        json!([{"id": "crc32"}, {"id": "adler32", "location": "end"}, {"id": "crc32c"}]),
        json!([{"id": "zlib", "level": 1}, {"id": "crc32c"}, {"id": "fletcher32"}, {"id": "jenkins_lookup3"}]),
        json!([{"id": "fletcher32"}]),
    ];
    for spec in chains {
        let pipeline = Pipeline::from_json(&spec).unwrap();
        let encoded = pipeline.encode(zarrcodecs::DataRef::from(&data[..])).unwrap();
        let encoded = encoded.as_bytes().unwrap();
        // Stage by stage, each decode returning a new buffer.
        let mut expected = encoded.to_vec();
        for config in spec.as_array().unwrap().iter().rev() {
            let codec = zarrcodecs::get_codec(config).unwrap();
            expected = zarrcodecs::CodecExt::decode_bytes(codec.as_ref(), &expected).unwrap().as_bytes().to_vec();
        }
        assert_eq!(expected, data, "{spec}");
        let decoded = pipeline.decode(zarrcodecs::DataRef::from(encoded)).unwrap();
        assert_eq!(decoded.as_bytes().unwrap(), &data[..], "{spec}");
        let mut out = vec![0u8; data.len()];
        pipeline
            .decode_into(zarrcodecs::DataRef::from(encoded), &mut zarrcodecs::ArrayViewMut::from_bytes(&mut out))
            .unwrap();
        assert_eq!(out, data, "{spec}");
        // A flipped byte anywhere fails (a checksum or zlib's own check catches it).
        for at in [0, 3, encoded.len() / 2, encoded.len() - 1] {
            let mut bad = encoded.to_vec();
            bad[at] ^= 0x20;
            assert!(pipeline.decode(zarrcodecs::DataRef::from(&bad[..])).is_err(), "{spec} at {at}");
            let r = pipeline
                .decode_into(zarrcodecs::DataRef::from(&bad[..]), &mut zarrcodecs::ArrayViewMut::from_bytes(&mut out));
            assert!(r.is_err(), "{spec} at {at}");
        }
    }
}
