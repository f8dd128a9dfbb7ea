//! What the fuzz targets share: the codecs of each target (from `targets.json`) and
//! the checks run on every input.
//!
//! A decoder must never panic, abort, read out of bounds, loop forever or allocate more
//! than its input and [`LIMIT`] allow. `cargo xtask fuzz` runs libFuzzer with
//! `-malloc_limit_mb` and `-timeout` set, so an oversized allocation or a hang is a
//! crash like any other. Beyond "no crash", every input that decodes must decode the
//! same through `decode_into` and `decode_borrowed`, and a buffer of the wrong size must be refused.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde_json::Value;
use zarrcodecs::{
    get_codec, npy, Codec, CodecExt, Data, DataRef, DecodeOptions, NdArray, Object, Pipeline, ZarrPipeline,
};

/// The decoded-size limit every fuzzed decode gets: 64 MiB. libFuzzer's malloc limit is
/// set well above it and far below what a lying header asks for.
pub const LIMIT: usize = 64 << 20;

/// The options every fuzzed decode passes: the decoded-size limit [`LIMIT`].
fn options() -> DecodeOptions {
    DecodeOptions::default().with_decoded_size_limit(LIMIT)
}

/// The target table: target name -> configurations (or `.zarray` documents).
pub fn table() -> &'static BTreeMap<String, Vec<Value>> {
    static TABLE: OnceLock<BTreeMap<String, Vec<Value>>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let doc: BTreeMap<String, Value> = serde_json::from_str(include_str!("../targets.json")).unwrap();
        doc.into_iter()
            .filter(|(name, _)| !name.starts_with('_'))
            .map(|(name, v)| (name, v.as_array().unwrap().clone()))
            .collect()
    })
}

fn codecs(target: &str) -> &'static [Box<dyn Codec>] {
    static CODECS: OnceLock<BTreeMap<String, Vec<Box<dyn Codec>>>> = OnceLock::new();
    let all = CODECS.get_or_init(|| {
        table()
            .iter()
            .filter(|(name, _)| name.as_str() != "pipeline")
            .map(|(name, configs)| {
                let codecs = configs.iter().map(|c| get_codec(c).unwrap_or_else(|e| panic!("{c}: {e}"))).collect();
                (name.clone(), codecs)
            })
            .collect()
    });
    all.get(target).unwrap_or_else(|| panic!("no target {target:?} in targets.json"))
}

/// Decodes `data[1..]` with the codec of `target` that `data[0]` picks.
pub fn decode(target: &str, data: &[u8]) {
    let codecs = codecs(target);
    let Some((&pick, encoded)) = data.split_first() else { return };
    let codec = &codecs[usize::from(pick) % codecs.len()];
    let decoded = codec.decode_with(DataRef::from(encoded), &options());
    check_decode_borrowed(codec.as_ref(), encoded, decoded.as_ref().ok());
    let Ok(decoded) = decoded else { return };
    if let Data::Array(a) = &decoded {
        check_decode_into(codec.as_ref(), encoded, a);
    }
    // Whatever decoded must encode again without a panic (it may be refused: e.g. a
    // filter's output that its encoder's dtype rules reject).
    let _ = codec.encode(decoded.view());
}

/// `decode_borrowed` succeeds exactly when `decode` does (`decoded`), with the same
/// data.
fn check_decode_borrowed(codec: &dyn Codec, encoded: &[u8], decoded: Option<&Data>) {
    let borrowed = codec.decode_borrowed_with(DataRef::from(encoded), &options());
    match (borrowed, decoded) {
        (Ok(b), Some(d)) => assert!(
            same(&b.view(), &d.view()),
            "{}: decode_borrowed differs from decode: {b:?} against {d:?}",
            codec.codec_id()
        ),
        (Err(_), None) => {}
        (b, d) => panic!("{}: decode_borrowed gives {b:?} where decode gives {d:?}", codec.codec_id()),
    }
}

/// Whether two decoded results hold the same data, floats compared bit for bit: a NaN
/// item of an object array is the same as itself, which `==` on `f64` denies (a
/// msgpack float item the fuzzer found).
fn same(a: &DataRef<'_>, b: &DataRef<'_>) -> bool {
    match (a, b) {
        (DataRef::Object(x), DataRef::Object(y)) => {
            x.shape() == y.shape() && x.items().iter().zip(y.items()).all(|(a, b)| same_object(a, b))
        }
        _ => a == b,
    }
}

fn same_object(a: &Object, b: &Object) -> bool {
    match (a, b) {
        (Object::Float(x), Object::Float(y)) => x.to_bits() == y.to_bits(),
        (Object::List(x), Object::List(y)) => x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same_object(a, b)),
        (Object::Dict(x), Object::Dict(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|((ka, va), (kb, vb))| same_object(ka, kb) && same_object(va, vb))
        }
        _ => a == b,
    }
}

/// `decode_into` agrees with `decode`, and refuses a buffer of the wrong size.
fn check_decode_into(codec: &dyn Codec, encoded: &[u8], decoded: &NdArray) {
    let mut out = NdArray::zeros(decoded.dtype(), decoded.shape().to_vec()).unwrap();
    codec
        .decode_into(DataRef::from(encoded), &mut out.view_mut())
        .unwrap_or_else(|e| panic!("{}: decode succeeds but decode_into fails: {e}", codec.codec_id()));
    assert_eq!(out.as_bytes(), decoded.as_bytes(), "{}: decode_into differs from decode", codec.codec_id());
    let wrong = decoded.as_bytes().len() + 1;
    let mut short = vec![0u8; wrong];
    assert!(
        codec.decode_bytes_into(encoded, &mut short).is_err(),
        "{}: decode_into accepts a buffer of the wrong size",
        codec.codec_id()
    );
}

/// Any bytes as a codec configuration: parsing never panics, and a codec that builds
/// encodes and decodes a small array without a panic.
pub fn config(data: &[u8]) {
    let Ok(value) = serde_json::from_slice::<Value>(data) else { return };
    let _ = ZarrPipeline::from_zarray(&value);
    let _ = ZarrPipeline::from_zarr_json(&value);
    let _ = Pipeline::from_json(&value);
    let Ok(codec) = get_codec(&value) else { return };
    if !encoder_fits(codec.as_ref()) {
        return;
    }
    let samples: [(&str, &[u8]); 4] = [
        ("|u1", b"numcodecs fuzz sample data"),
        ("<f8", &[0, 0, 0, 0, 0, 0, 0xf0, 0x3f, 0, 0, 0, 0, 0, 0, 0xf8, 0x7f]),
        ("<i4", &[1, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0x80]),
        ("|b1", &[0, 1, 1, 0, 1]),
    ];
    for (dtype, bytes) in samples {
        let dtype = dtype.parse().unwrap();
        let array = NdArray::from_bytes(bytes, dtype, vec![bytes.len() / dtype.itemsize()]).unwrap();
        if let Ok(encoded) = codec.encode(DataRef::from(&array)) {
            let _ = codec.decode_with(encoded.view(), &options());
        }
    }
}

/// Memory an encoder may take in the harness. A configuration's encoder memory is the
/// caller's choice, not hostile input (lzma preset 9 takes 674 MiB, in Python too), so
/// configurations past the harness's allocation limit are not encoded.
const ENCODER_MEMORY: u64 = 256 << 20;

fn encoder_fits(codec: &dyn Codec) -> bool {
    codec
        .downcast_ref::<zarrcodecs::lzma::Lzma>()
        .is_none_or(|lzma| lzma.encoder_memory_usage().map_or(true, |bytes| bytes <= ENCODER_MEMORY))
}

/// Any bytes as a `.npy` file: a file that reads writes back to one that reads the same.
pub fn npy_file(data: &[u8]) {
    let Ok(file) = npy::read(data) else { return };
    let again = npy::read(&npy::write(&file.array, file.fortran_order)).expect("our .npy reads back");
    assert_eq!(again.array, file.array);
    assert_eq!(again.fortran_order, file.fortran_order);
}

/// The pipeline of a `.zarray` (zarr v2) or `zarr.json` (zarr v3) document.
///
/// # Errors
/// As [`ZarrPipeline::from_zarray`] and [`ZarrPipeline::from_zarr_json`].
pub fn zarr_pipeline(doc: &Value) -> zarrcodecs::Result<ZarrPipeline> {
    if doc["zarr_format"] == 3 {
        ZarrPipeline::from_zarr_json(doc)
    } else {
        ZarrPipeline::from_zarray(doc)
    }
}

/// A zarr chunk: `data[0]` picks a `.zarray` or `zarr.json` of the pipeline target, the
/// rest is the chunk; `decode_chunk` and `decode_chunk_into` must agree, and an object
/// array's chunk that decodes must have the chunk shape.
pub fn pipeline(data: &[u8]) {
    static PIPELINES: OnceLock<Vec<ZarrPipeline>> = OnceLock::new();
    let pipelines = PIPELINES.get_or_init(|| {
        table()["pipeline"]
            .iter()
            .map(|z| zarr_pipeline(z).unwrap_or_else(|e| panic!("{z}: {e}")).with_decode_options(options()))
            .collect()
    });
    let Some((&pick, chunk)) = data.split_first() else { return };
    let p = &pipelines[usize::from(pick) % pipelines.len()];
    if p.array().is_object() {
        if let Ok(objects) = p.decode_object_chunk(Some(chunk)) {
            assert_eq!(objects.shape(), p.array().chunks.as_slice(), "an object chunk has the chunk shape");
        }
        return;
    }
    let Ok(decoded) = p.decode_chunk(Some(chunk)) else { return };
    let mut out = vec![0u8; decoded.as_bytes().len()];
    p.decode_chunk_into(Some(chunk), &mut out).expect("decode_chunk_into agrees with decode_chunk");
    assert_eq!(out, decoded.as_bytes());
}

/// Any bytes as a small zarr v2 array (1 to 3 axes, uncompressed, `|u1`, `<u2` or
/// `<f8`, C or F chunks), its stored chunks (some missing, some of the wrong size), a
/// region and an output order: `read::ArrayReader` must place every item where reading
/// the chunks one by one puts it, or refuse a wrong-sized chunk.
pub fn read(data: &[u8]) {
    use zarrcodecs::read::{ArrayReader, ChunkStore};

    struct Store(BTreeMap<String, Vec<u8>>);
    impl ChunkStore for Store {
        fn read_chunk(&self, key: &str, buf: &mut Vec<u8>) -> zarrcodecs::Result<bool> {
            let Some(chunk) = self.0.get(key) else { return Ok(false) };
            buf.clear();
            buf.extend_from_slice(chunk);
            Ok(true)
        }
    }

    let mut bytes = data.iter().copied();
    let mut next = move || bytes.next().unwrap_or(0);
    let ndim = usize::from(next() % 3) + 1;
    let shape: Vec<usize> = (0..ndim).map(|_| usize::from(next() % 10)).collect();
    let chunks: Vec<usize> = (0..ndim).map(|_| usize::from(next() % 5) + 1).collect();
    let start: Vec<usize> = shape.iter().map(|&s| usize::from(next()) % (s + 1)).collect();
    let extent: Vec<usize> = shape.iter().zip(&start).map(|(&s, &a)| usize::from(next()) % (s - a + 1)).collect();
    let flags = next();
    let (dtype, itemsize) = [("|u1", 1), ("<u2", 2), ("<f8", 8)][usize::from(flags >> 2) % 3];
    let chunk_fortran = flags & 1 == 1;
    let out_fortran = flags & 2 == 2;
    let zarray = serde_json::json!({
        "zarr_format": 2, "shape": shape, "chunks": chunks, "dtype": dtype, "compressor": null,
        "fill_value": 7, "order": if chunk_fortran { "F" } else { "C" }, "filters": null,
    });
    let pipeline = ZarrPipeline::from_zarray(&zarray).expect("a valid .zarray");
    let meta = pipeline.array().clone();
    let chunk_nbytes = meta.chunk_nbytes();
    let grid = meta.chunk_grid();
    let mut stored = BTreeMap::new();
    let mut wrong_size = false;
    for index in odometer(&grid) {
        let kind = next() % 8;
        if kind == 0 {
            continue; // missing
        }
        let len = if kind == 1 { chunk_nbytes.saturating_sub(1) } else { chunk_nbytes };
        wrong_size |= len != chunk_nbytes;
        stored.insert(meta.chunk_key(&index), (0..len).map(|_| next()).collect::<Vec<u8>>());
    }
    let store = Store(stored);
    let order = if out_fortran { zarrcodecs::Order::F } else { zarrcodecs::Order::C };
    let reader = ArrayReader::new(&pipeline, &store).with_order(order);
    let mut out = vec![0u8; extent.iter().product::<usize>() * itemsize];
    let result = reader.read_region_into(&start, &extent, &mut out);
    let touched_wrong = |err: &zarrcodecs::Error| matches!(err, zarrcodecs::Error::Chunk { .. });
    let Ok(()) = result else {
        let err = result.unwrap_err();
        assert!(wrong_size && touched_wrong(&err), "{err}");
        return;
    };
    // The reference: item by item, in the output's order.
    let fill = meta.fill_value.clone().unwrap_or_else(|| vec![0; itemsize]);
    let axes: Vec<usize> = if out_fortran { (0..ndim).rev().collect() } else { (0..ndim).collect() };
    let walk_bounds: Vec<usize> = axes.iter().map(|&d| extent[d]).collect();
    for (k, walk) in odometer(&walk_bounds).into_iter().enumerate() {
        let mut item = start.clone();
        for (w, &d) in walk.iter().zip(&axes) {
            item[d] += w;
        }
        let index: Vec<usize> = item.iter().zip(&chunks).map(|(i, c)| i / c).collect();
        let within: Vec<usize> = item.iter().zip(&chunks).map(|(i, c)| i % c).collect();
        let pos = if chunk_fortran {
            within.iter().zip(&chunks).rev().fold(0, |a, (&i, &c)| a * c + i)
        } else {
            within.iter().zip(&chunks).fold(0, |a, (&i, &c)| a * c + i)
        };
        let want = match store.0.get(&meta.chunk_key(&index)) {
            Some(chunk) => &chunk[pos * itemsize..(pos + 1) * itemsize],
            None => &fill[..],
        };
        assert_eq!(&out[k * itemsize..(k + 1) * itemsize], want, "item {item:?}");
    }
}

/// Every index of `bounds`, in C order (none if a bound is 0; one, empty, for no axes).
fn odometer(bounds: &[usize]) -> Vec<Vec<usize>> {
    if bounds.contains(&0) {
        return Vec::new();
    }
    let mut all = vec![];
    let mut index = vec![0; bounds.len()];
    loop {
        all.push(index.clone());
        let mut d = bounds.len();
        loop {
            if d == 0 {
                return all;
            }
            d -= 1;
            index[d] += 1;
            if index[d] < bounds[d] {
                break;
            }
            index[d] = 0;
        }
    }
}
