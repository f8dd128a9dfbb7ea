//! Object arrays (`|O`) through `ZarrPipeline`: the layout zarr 2.18 gives F-order
//! chunks for each kind of object codec, missing chunks, and the errors. The bytes
//! below are zarr 2.18's (`xtask/python/zarr_arrays.py` checks many more against
//! zarr itself, in `tests/zarr_v2.rs`).

#![cfg(all(feature = "vlen", feature = "json", feature = "pickle", feature = "categorize", feature = "zlib"))]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use serde_json::{json, Value};
use zarrcodecs::{Error, Object, ObjectArray, ZarrPipeline};

fn zarray(filters: Value, order: &str, chunks: &[usize], fill: Value) -> ZarrPipeline {
    ZarrPipeline::from_zarray(&json!({"zarr_format": 2, "shape": [3, 4], "chunks": chunks, "dtype": "|O",
        "compressor": null, "filters": filters, "fill_value": fill, "order": order}))
    .unwrap()
}

/// `[["00", "01", "02"], ["10", "11", "12"]]`, the first chunk of zarr_arrays.py's
/// exploration array.
fn chunk() -> ObjectArray {
    let items = ["00", "01", "02", "10", "11", "12"].map(Object::from).to_vec();
    ObjectArray::new(items, vec![2, 3]).unwrap()
}

fn vlen(items: &[&str]) -> Vec<u8> {
    let mut out = u32::try_from(items.len()).unwrap().to_le_bytes().to_vec();
    for s in items {
        out.extend(u32::try_from(s.len()).unwrap().to_le_bytes());
        out.extend(s.as_bytes());
    }
    out
}

#[test]
fn vlen_chunks_in_f_order_hold_their_items_in_f_order() {
    let c = zarray(json!([{"id": "vlen-utf8"}]), "C", &[2, 3], Value::Null);
    let f = zarray(json!([{"id": "vlen-utf8"}]), "F", &[2, 3], Value::Null);
    let c_bytes = c.encode_object_chunk(&chunk()).unwrap();
    let f_bytes = f.encode_object_chunk(&chunk()).unwrap();
    assert_eq!(c_bytes.as_bytes(), vlen(&["00", "01", "02", "10", "11", "12"]));
    assert_eq!(f_bytes.as_bytes(), vlen(&["00", "10", "01", "11", "02", "12"]));
    // Both read back the chunk, in C order.
    assert_eq!(c.decode_object_chunk(Some(c_bytes.as_bytes())).unwrap(), chunk());
    assert_eq!(f.decode_object_chunk(Some(f_bytes.as_bytes())).unwrap(), chunk());
}

#[test]
fn categorize_in_f_order_writes_codes_in_f_order() {
    let filters = json!([{"id": "categorize", "labels": ["00", "01", "11"], "dtype": "|O", "astype": "|u1"}]);
    let f = zarray(filters, "F", &[2, 3], json!(0));
    let items = ["00", "01", "11", "11", "00", "01"].map(Object::from).to_vec();
    let chunk = ObjectArray::new(items, vec![2, 3]).unwrap();
    let encoded = f.encode_object_chunk(&chunk).unwrap();
    assert_eq!(encoded.as_bytes(), [1, 3, 2, 1, 3, 2]);
    assert_eq!(f.decode_object_chunk(Some(encoded.as_bytes())).unwrap(), chunk);
}

#[test]
fn json2_in_f_order_reads_as_zarr_2_18_does() {
    let f = zarray(json!([{"id": "json2"}]), "F", &[2, 3], Value::Null);
    let encoded = f.encode_object_chunk(&chunk()).unwrap();
    // tolist(): nested lists in logical order, whatever the memory order.
    assert_eq!(encoded.as_bytes(), br#"[["00","01","02"],["10","11","12"],"|O",[2,3]]"#);
    // zarr 2.18 lays the decoded C-ordered items out in F order: not the chunk written.
    let items = ["00", "02", "11", "01", "10", "12"].map(Object::from).to_vec();
    assert_eq!(f.decode_object_chunk(Some(encoded.as_bytes())).unwrap(), ObjectArray::new(items, vec![2, 3]).unwrap());
    // In C order it round-trips.
    let c = zarray(json!([{"id": "json2"}]), "C", &[2, 3], Value::Null);
    assert_eq!(c.decode_object_chunk(Some(encoded.as_bytes())).unwrap(), chunk());
}

#[test]
fn pickle_in_f_order() {
    let f = zarray(json!([{"id": "pickle", "protocol": 5}]), "F", &[2, 3], Value::Null);
    // A C-order pickle of the chunk decodes to the chunk.
    let c = zarray(json!([{"id": "pickle", "protocol": 5}]), "C", &[2, 3], Value::Null);
    let encoded = c.encode_object_chunk(&chunk()).unwrap();
    assert_eq!(c.decode_object_chunk(Some(encoded.as_bytes())).unwrap(), chunk());
    // And as zarr 2.18 wrote it in F order: numpy's is_fortran flag (NEWTRUE) instead of
    // NEWFALSE just before the item list, items in C order.
    let mut fortran = encoded.as_bytes().to_vec();
    let at = fortran.windows(3).position(|w| w == b"\x89]\x94").unwrap();
    fortran[at] = 0x88;
    assert_eq!(f.decode_object_chunk(Some(&fortran)).unwrap(), chunk());
    // Which is what we write for an F-order array.
    assert_eq!(f.encode_object_chunk(&chunk()).unwrap().as_bytes(), &fortran[..]);
    // One axis longer than 1: C and F orders agree, and zarr writes no flag.
    let flat = zarray(json!([{"id": "pickle", "protocol": 5}]), "F", &[1, 3], Value::Null);
    let row = ObjectArray::new(["a", "b", "c"].map(Object::from).to_vec(), vec![1, 3]).unwrap();
    let encoded = flat.encode_object_chunk(&row).unwrap();
    assert_eq!(flat.decode_object_chunk(Some(encoded.as_bytes())).unwrap(), row);
}

#[test]
fn missing_chunks_are_full_of_the_fill_value() {
    for (fill, item) in [(Value::Null, Object::None), (json!(0), Object::Int(0)), (json!(""), Object::from(""))] {
        let p = zarray(json!([{"id": "vlen-utf8"}, {"id": "zlib", "level": 1}]), "F", &[2, 3], fill);
        let got = p.decode_object_chunk(None).unwrap();
        assert_eq!(got.shape(), [2, 3]);
        assert!(got.items().iter().all(|o| *o == item), "{got:?}");
    }
}

#[test]
fn object_and_byte_methods_name_each_other() {
    let p = zarray(json!([{"id": "vlen-utf8"}]), "C", &[2, 3], Value::Null);
    for err in [p.decode_chunk(None).unwrap_err(), p.decode_chunk_into(None, &mut [0; 48]).unwrap_err()] {
        assert!(
            matches!(err, Error::UnsupportedDType { .. }) && err.to_string().contains("decode_object_chunk"),
            "{err}"
        );
    }
    let err = p.encode_chunk(&[0; 48]).unwrap_err();
    assert!(err.to_string().contains("encode_object_chunk"), "{err}");

    let numeric = ZarrPipeline::from_zarray(&json!({"zarr_format": 2, "shape": [4], "chunks": [2], "dtype": "<i4",
        "compressor": null, "filters": null, "fill_value": 0, "order": "C"}))
    .unwrap();
    let err = numeric.decode_object_chunk(None).unwrap_err();
    assert!(matches!(err, Error::UnsupportedDType { .. }) && err.to_string().contains("decode_chunk"), "{err}");
    let err = numeric.encode_object_chunk(&ObjectArray::from_items(vec![])).unwrap_err();
    assert!(err.to_string().contains("encode_chunk"), "{err}");
}

#[test]
fn bad_object_chunks_are_typed_errors() {
    let p = zarray(json!([{"id": "vlen-utf8"}, {"id": "zlib", "level": 1}]), "C", &[2, 3], Value::Null);
    // The wrong chunk shape.
    let wrong = ObjectArray::from_items(["a"; 6].map(Object::from).to_vec());
    assert!(matches!(p.encode_object_chunk(&wrong), Err(Error::ShapeMismatch { .. })));
    // A chunk of another number of items.
    let short = zarray(json!([{"id": "vlen-utf8"}]), "C", &[2, 3], Value::Null);
    let err = short.decode_object_chunk(Some(&vlen(&["a", "b"]))).unwrap_err();
    assert!(matches!(err, Error::Corrupt { .. }) && err.to_string().contains("2 items"), "{err}");
    // Corrupt bytes.
    assert!(p.decode_object_chunk(Some(b"not zlib")).is_err());
    assert!(short.decode_object_chunk(Some(&[9, 0, 0, 0, 1])).is_err());
    // No object codec: the chain gives bytes.
    let none = zarray(json!([{"id": "zlib", "level": 1}]), "C", &[2, 3], Value::Null);
    let err = none.decode_object_chunk(Some(&[0x78, 0x01, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01])).unwrap_err();
    assert!(matches!(err, Error::UnsupportedInput { .. }) && err.to_string().contains("object codec"), "{err}");
    assert!(none.encode_object_chunk(&chunk()).is_err());
}
