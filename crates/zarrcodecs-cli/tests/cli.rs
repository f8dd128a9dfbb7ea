//! Black-box tests of the `numcodecs` binary.

// They use every codec.
#![cfg(all(feature = "zlib", feature = "zstd"))]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};

use zarrcodecs::{npy, CodecExt, DType, NdArray};

const BIN: &str = env!("CARGO_BIN_EXE_numcodecs");
const PIPELINE: &str = r#"[{"id":"zstd","level":3},{"id":"zlib","level":1}]"#;

/// A directory under the system temp dir, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new() -> Self {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let name = format!("zarrcodecs-cli-test-{}-{}", std::process::id(), COUNTER.fetch_add(1, Ordering::Relaxed));
        let path = std::env::temp_dir().join(name);
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).unwrap();
        TempDir(path)
    }

    fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }

    fn write(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let p = self.path(name);
        std::fs::write(&p, bytes).unwrap();
        p
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Runs the binary with `args`, feeding `stdin`.
fn run(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(BIN)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut pipe = child.stdin.take().unwrap();
    // The binary may exit (on an error) before reading everything.
    let _ = pipe.write_all(stdin);
    drop(pipe);
    child.wait_with_output().unwrap()
}

fn p(path: &Path) -> &str {
    path.to_str().unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn stdout_text(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).unwrap()
}

#[track_caller]
fn ok(args: &[&str], stdin: &[u8]) -> Vec<u8> {
    let out = run(args, stdin);
    assert!(out.status.success(), "{args:?} failed: {}", stderr(&out));
    assert!(out.stderr.is_empty(), "{args:?} wrote to stderr: {}", stderr(&out));
    out.stdout
}

/// Runs a command that must fail with status 1 and one `numcodecs: error:` line; returns it.
#[track_caller]
fn fails(args: &[&str], stdin: &[u8]) -> String {
    let out = run(args, stdin);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{args:?}: status {:?}, stderr {err}", out.status);
    assert!(out.stdout.is_empty(), "{args:?} wrote to stdout");
    assert!(err.starts_with("numcodecs: error: "), "{args:?}: {err}");
    assert!(err.ends_with('\n') && err.lines().count() == 1, "{args:?}: not one line: {err:?}");
    assert!(!err.contains("panicked"), "{args:?}: {err}");
    err
}

fn dtype(s: &str) -> DType {
    s.parse().unwrap()
}

fn sample(dt: &str, shape: &[usize]) -> NdArray {
    let dt = dtype(dt);
    let n = dt.nbytes(shape).unwrap();
    let bytes: Vec<u8> = (0..n).map(|i| u8::try_from(i * 7 % 251).unwrap()).collect();
    NdArray::from_bytes(&bytes, dt, shape.to_vec()).unwrap()
}

fn shape_arg(shape: &[usize]) -> String {
    shape.iter().map(ToString::to_string).collect::<Vec<_>>().join(",")
}

#[test]
fn list_prints_the_registered_ids() {
    let text = String::from_utf8(ok(&["list"], b"")).unwrap();
    let ids: Vec<&str> = text.lines().collect();
    for id in ["gzip", "zlib", "zstd"] {
        assert!(ids.contains(&id), "{id} missing from {ids:?}");
    }
    let mut sorted = ids.clone();
    sorted.sort_unstable();
    assert_eq!(ids, sorted);
}

#[test]
fn npy_round_trips_through_a_pipeline() {
    let dir = TempDir::new();
    let cases = [
        ("<i4", vec![3, 4], false),
        ("<i4", vec![3, 4], true),
        (">f8", vec![5], false),
        (">u2", vec![2, 3, 2], true),
        ("<f4", vec![], false),
        ("|u1", vec![0], false),
    ];
    for (dt, shape, fortran) in cases {
        let array = sample(dt, &shape);
        let file = npy::write(&array, fortran);
        let input = dir.write("in.npy", &file);
        let encoded = dir.path("enc.bin");
        ok(&["encode", "-c", PIPELINE, "-i", p(&input), "-o", p(&encoded)], b"");

        // The encoded bytes are exactly zlib(zstd(data in memory order)).
        let zstd = zarrcodecs::get_codec(&serde_json::json!({"id": "zstd", "level": 3})).unwrap();
        let zlib = zarrcodecs::get_codec(&serde_json::json!({"id": "zlib", "level": 1})).unwrap();
        let want = zlib.encode_bytes(zstd.encode_bytes(array.as_bytes()).unwrap().as_bytes()).unwrap();
        assert_eq!(std::fs::read(&encoded).unwrap(), want.as_bytes(), "{dt} {shape:?}");

        let shape_text = shape_arg(&shape);
        let order = if fortran { "F" } else { "C" };
        let out = dir.path("out.npy");
        let args = ["decode", "-c", PIPELINE, "-i", p(&encoded), "-o", p(&out), "--npy", "--dtype", dt];
        let mut args = args.to_vec();
        args.extend(["--shape", &shape_text, "--order", order]);
        ok(&args, b"");
        let back = std::fs::read(&out).unwrap();
        assert_eq!(back, file, "{dt} {shape:?} fortran={fortran}");
        let read = npy::read(&back).unwrap();
        assert_eq!((read.array.dtype(), read.array.shape(), read.fortran_order), (dtype(dt), &shape[..], fortran));

        // Without overrides: the compressors' |u1 bytes.
        let raw = ok(&["decode", "-c", PIPELINE, "-i", p(&encoded), "--npy"], b"");
        let raw = npy::read(&raw).unwrap().array;
        assert_eq!((raw.dtype(), raw.shape()), (DType::U1, &[array.as_bytes().len()][..]));
        assert_eq!(raw.as_bytes(), array.as_bytes());
    }
}

#[test]
fn decode_npy_with_only_a_dtype_views_the_bytes() {
    let array = sample("<f8", &[6]);
    let encoded = ok(&["encode", "-c", r#"{"id":"zstd"}"#], &npy::write(&array, false));
    let out = ok(&["decode", "-c", r#"{"id":"zstd"}"#, "--npy", "--dtype", "<f8"], &encoded);
    assert_eq!(npy::read(&out).unwrap().array, array);
    let out = ok(&["decode", "-c", r#"{"id":"zstd"}"#, "--npy", "--dtype", "<i2"], &encoded);
    assert_eq!(npy::read(&out).unwrap().array.shape(), &[24]);
    let err = fails(&["decode", "-c", r#"{"id":"zstd"}"#, "--dtype", "|V7"], &encoded);
    assert!(err.contains("cannot view 48 bytes"), "{err}");
}

#[test]
fn encode_npy_with_overrides_reinterprets() {
    let array = sample("<i4", &[3, 4]);
    let file = npy::write(&array, false);
    // Same bytes whatever the reinterpretation: a compressor sees only bytes.
    let plain = ok(&["encode", "-c", r#"{"id":"zlib","level":1}"#], &file);
    let viewed = ok(&["encode", "-c", r#"{"id":"zlib","level":1}"#, "--dtype", "<u2", "--shape", "24"], &file);
    assert_eq!(plain, viewed);
    let err = fails(&["encode", "-c", r#"{"id":"zlib","level":1}"#, "--shape", "5"], &file);
    assert!(err.contains("shape [5] with dtype <i4 needs 20 bytes, got 48"), "{err}");
}

#[test]
fn spec_from_a_file() {
    let dir = TempDir::new();
    let spec = dir.write("spec.json", PIPELINE.as_bytes());
    let single = dir.write("single.json", br#"{"id": "gzip", "level": 9}"#);
    let data = b"hello hello hello hello".repeat(20);
    let at = format!("@{}", p(&spec));
    let encoded = ok(&["encode", "-c", &at], &data);
    assert_eq!(encoded, ok(&["encode", "-c", PIPELINE], &data));
    assert_eq!(ok(&["decode", "-c", &at], &encoded), data);
    let at = format!("@{}", p(&single));
    let encoded = ok(&["encode", "-c", &at], &data);
    assert_eq!(&encoded[..2], &[0x1f, 0x8b]);
    assert_eq!(ok(&["decode", "-c", &at], &encoded), data);

    let err = fails(&["encode", "-c", &format!("@{}", p(&dir.path("missing.json")))], &data);
    assert!(err.contains("cannot read codec spec file"), "{err}");
    let bad = dir.write("bad.json", b"{\"id\": ");
    let err = fails(&["encode", "-c", &format!("@{}", p(&bad))], &data);
    assert!(err.contains("invalid JSON in codec spec file"), "{err}");
}

#[test]
fn zarr_v3_names_and_empty_pipeline() {
    let data = b"abcdefgh".repeat(100);
    let v3 = r#"{"name": "numcodecs.zlib", "configuration": {"level": 1}}"#;
    assert_eq!(ok(&["encode", "-c", v3], &data), ok(&["encode", "-c", r#"{"id":"zlib","level":1}"#], &data));
    // An empty pipeline copies.
    assert_eq!(ok(&["encode", "-c", "[]"], &data), data);
    assert_eq!(ok(&["decode", "-c", "[]"], &data), data);
}

#[test]
fn raw_bytes_with_dtype_and_shape() {
    let dir = TempDir::new();
    let array = sample("<u2", &[4, 5]);
    let raw = dir.write("raw.bin", array.as_bytes());
    let spec = r#"{"id":"zstd","level":1,"checksum":true}"#;
    let encoded = ok(&["encode", "-c", spec, "-i", p(&raw), "--dtype", "<u2", "--shape", "4,5"], b"");
    assert_eq!(encoded, ok(&["encode", "-c", spec, "-i", p(&raw)], b""));
    let out = ok(&["decode", "-c", spec, "--npy", "--dtype", "<u2", "--shape", "(4, 5)"], &encoded);
    assert_eq!(npy::read(&out).unwrap().array, array);

    // --dtype alone: the shape is the byte count over the item size.
    ok(&["encode", "-c", spec, "-i", p(&raw), "--dtype", "<f8"], b"");
    let err = fails(&["encode", "-c", spec, "-i", p(&raw), "--dtype", "<f4", "--shape", "3"], b"");
    assert!(err.contains("needs 12 bytes, got 40"), "{err}");
    let err = fails(&["encode", "-c", spec, "--dtype", "<f8"], &[0; 12]);
    assert!(err.contains("cannot view 12 bytes"), "{err}");
    let err = fails(&["encode", "-c", spec, "--dtype", "<f9"], &[0; 16]);
    assert!(err.contains("invalid dtype \"<f9\""), "{err}");
    let err = fails(&["encode", "-c", spec, "--shape", "2,x"], &[0; 16]);
    assert!(err.contains("invalid shape"), "{err}");
    // 0-d
    let out = ok(&["decode", "-c", "[]", "--npy", "--dtype", "<i8", "--shape", ""], &[1, 0, 0, 0, 0, 0, 0, 0]);
    assert_eq!(npy::read(&out).unwrap().array.shape(), &[] as &[usize]);
    let out = ok(&["decode", "-c", "[]", "--npy", "--dtype", "<i8", "--shape", "()"], &[1, 0, 0, 0, 0, 0, 0, 0]);
    assert_eq!(npy::read(&out).unwrap().array.shape(), &[] as &[usize]);
}

#[test]
fn stdin_stdout_and_dash() {
    let dir = TempDir::new();
    let data: Vec<u8> = (0..5000u32).flat_map(|i| (i % 17).to_le_bytes()).collect();
    let spec = r#"{"id":"gzip","level":5}"#;
    let encoded = ok(&["encode", "-c", spec], &data);
    assert_eq!(ok(&["encode", "-c", spec, "-i", "-", "-o", "-"], &data), encoded);
    assert_eq!(ok(&["decode", "-c", spec], &encoded), data);
    let out = dir.path("out.bin");
    assert!(ok(&["decode", "-c", spec, "-i", "-", "-o", p(&out)], &encoded).is_empty());
    assert_eq!(std::fs::read(&out).unwrap(), data);
    // Empty input encodes to a valid stream.
    let empty = ok(&["encode", "-c", spec], b"");
    assert!(ok(&["decode", "-c", spec], &empty).is_empty());
}

#[test]
fn closed_stdout_does_not_panic() {
    let data = vec![7u8; 1 << 20];
    let encoded = ok(&["encode", "-c", r#"{"id":"zstd","level":1}"#], &data);
    let mut child = Command::new(BIN)
        .args(["decode", "-c", r#"{"id":"zstd"}"#])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let mut pipe = child.stdin.take().unwrap();
    let _ = pipe.write_all(&encoded);
    drop(pipe);
    let out = child.wait_with_output().unwrap();
    let err = stderr(&out);
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.starts_with("numcodecs: error: cannot write stdout"), "{err}");
}

#[test]
fn object_codecs_take_and_give_json() {
    // Strings, bytes, None and nested lists through each object codec and back; with
    // a compressor after the object codec, as zarr chains them.
    let items = r#"["héllo", "", {"bytes": "AAH/"}, null, 3, -1.5, {"float": "NaN"}, [1, "a", [true]]]"#;
    for (spec, text) in [
        (r#"{"id":"vlen-utf8"}"#, r#"["héllo", "", "a\u0000b", "中文😀"]"#),
        (r#"[{"id":"vlen-bytes"},{"id":"zstd","level":1}]"#, r#"[{"bytes": "AAH/"}, {"bytes": ""}]"#),
        (r#"{"id":"json2"}"#, r#"["héllo", "", null, 3, -1.5, [1, "a", [true]]]"#),
        (r#"{"id":"msgpack2"}"#, r#"["héllo", "", null, 3, -1.5, [1, "a", [true]]]"#),
        (r#"{"id":"pickle","protocol":5}"#, items),
    ] {
        let encoded = ok(&["encode", "-c", spec, "--json"], text.as_bytes());
        let decoded = ok(&["decode", "-c", spec, "--json"], &encoded);
        let (want, got): (serde_json::Value, serde_json::Value) =
            (serde_json::from_str(text).unwrap(), serde_json::from_slice(&decoded).unwrap());
        assert_eq!(got, want, "{spec}");
    }
    // vlen-array with the dtype of its rows.
    let encoded = ok(
        &["encode", "-c", r#"{"id":"vlen-array","dtype":"<i4"}"#, "--json", "--dtype", "<i4"],
        b"[[1, 2], [], [-3]]",
    );
    let decoded = ok(&["decode", "-c", r#"{"id":"vlen-array","dtype":"<i4"}"#, "--json"], &encoded);
    // Written in the self-describing form (arrays carry their dtype and shape)...
    let array =
        |shape: usize, data: &[i32]| serde_json::json!({"array": {"dtype": "<i4", "shape": [shape], "data": data}});
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(&decoded).unwrap(),
        serde_json::json!([array(2, &[1, 2]), array(0, &[]), array(1, &[-3])])
    );
    // ...which reads back without --dtype.
    assert_eq!(ok(&["encode", "-c", r#"{"id":"vlen-array","dtype":"<i4"}"#, "--json"], &decoded), encoded);
    // An n-d object array keeps its shape through decode and encode.
    let shaped = br#"{"shape":[2,2],"items":["a",null,3,[1.5]]}"#;
    let encoded = ok(&["encode", "-c", r#"{"id":"json2"}"#, "--json"], shaped);
    assert_eq!(ok(&["decode", "-c", r#"{"id":"json2"}"#, "--json"], &encoded), [&shaped[..], b"\n"].concat());
    // A pickle that would run code in Python is refused, naming the global.
    let err = fails(&["decode", "-c", r#"{"id":"pickle"}"#, "--json"], b"\x80\x04cos\nsystem\n\x8c\x02id\x85R.");
    assert!(err.contains("os") && err.contains("system"), "{err}");
    // A vlen count of 2^31 in 8 bytes: refused before allocating.
    let err = fails(&["decode", "-c", r#"{"id":"vlen-utf8"}"#, "--json"], &[0, 0, 0, 0x80, 1, 0, 0, 0]);
    assert!(err.starts_with("numcodecs: error:"), "{err}");
}

#[test]
fn max_decoded_size_applies_to_every_codec() {
    let data = vec![7u8; 100_000];
    for spec in [r#"{"id":"zstd","level":1}"#, r#"[{"id":"crc32"},{"id":"lz4"}]"#, r#"{"id":"blosc"}"#] {
        let encoded = ok(&["encode", "-c", spec], &data);
        assert_eq!(ok(&["decode", "-c", spec], &encoded), data, "{spec}");
        let err = fails(&["decode", "-c", spec, "--max-decoded-size", "1000"], &encoded);
        assert!(err.contains("exceeds the limit of 1000 bytes"), "{spec}: {err}");
    }
}

#[test]
fn json_input_goes_to_the_codec() {
    // A compressor refuses object arrays with a clear error.
    let err = fails(&["encode", "-c", r#"{"id":"zlib","level":1}"#, "--json"], br#"["a", {"bytes": "AAE="}, null]"#);
    assert!(err.contains("cannot take this input"), "{err}");
    let err = fails(&["encode", "-c", r#"{"id":"zlib","level":1}"#, "--json"], b"[1, 2");
    assert!(err.contains("invalid JSON input"), "{err}");
    let err = fails(&["encode", "-c", r#"{"id":"zlib","level":1}"#, "--json", "--shape", "2,2"], b"[1, 2, 3]");
    assert!(err.contains("does not hold the 3 JSON items"), "{err}");
    let err = fails(&["encode", "-c", r#"{"id":"zlib","level":1}"#, "--json", "--dtype", "<i4"], b"[[1, [2]]]");
    assert!(err.contains("ragged"), "{err}");
    // Numeric results cannot be written as JSON.
    let err = fails(&["decode", "-c", "[]", "--json"], b"abc");
    assert!(err.contains("numeric array (dtype |u1)"), "{err}");
}

fn info(args: &[&str], stdin: &[u8]) -> String {
    let mut all = vec!["info"];
    all.extend_from_slice(args);
    let text = String::from_utf8(ok(&all, stdin)).unwrap();
    for line in text.lines() {
        assert!(line.contains(": "), "not key: value: {line:?}");
    }
    text
}

#[track_caller]
fn assert_lines(text: &str, want: &[&str]) {
    for w in want {
        assert!(text.lines().any(|l| l == *w), "{w:?} not in\n{text}");
    }
}

#[test]
fn info_on_zstd() {
    let data = b"numcodecs ".repeat(100);
    for (checksum, flag) in [(false, "false"), (true, "true")] {
        let spec = format!(r#"{{"id":"zstd","level":3,"checksum":{checksum}}}"#);
        let encoded = ok(&["encode", "-c", &spec], &data);
        let size = encoded.len().to_string();
        let text = info(&[], &encoded);
        let want = [
            "format: zstd".to_string(),
            "frames: 1".to_string(),
            format!("compressed_size: {size}"),
            "content_size: 1000".to_string(),
            "frame[0].type: zstd".to_string(),
            format!("frame[0].compressed_size: {size}"),
            "frame[0].content_size: 1000".to_string(),
            format!("frame[0].checksum: {flag}"),
        ];
        assert_lines(&text, &want.iter().map(String::as_str).collect::<Vec<_>>());
        assert_eq!(text, info(&["-c", "zstd"], &encoded));
        assert_eq!(text, info(&["-c", &spec], &encoded));
    }
    // A skippable frame, then a frame: both listed.
    let mut two = vec![0x50, 0x2a, 0x4d, 0x18, 3, 0, 0, 0, 1, 2, 3];
    two.extend(ok(&["encode", "-c", r#"{"id":"zstd"}"#], b"abc"));
    let text = info(&[], &two);
    assert_lines(
        &text,
        &[
            "frames: 2",
            "frame[0].type: skippable",
            "frame[0].compressed_size: 11",
            "frame[1].type: zstd",
            "content_size: 3",
        ],
    );
    // Truncated.
    let err = fails(&["info", "-c", "zstd"], &two[..two.len() - 1]);
    assert!(err.contains("corrupt input for codec \"zstd\""), "{err}");
}

#[test]
fn info_on_gzip_and_zlib() {
    let data = b"0123456789".repeat(100);
    let gz = ok(&["encode", "-c", r#"{"id":"gzip","level":9}"#], &data);
    let text = info(&[], &gz);
    let crc = &gz[gz.len() - 8..gz.len() - 4];
    let crc = format!("crc32: {:#010x}", u32::from_le_bytes([crc[0], crc[1], crc[2], crc[3]]));
    assert_lines(
        &text,
        &[
            "format: gzip",
            "method: 8 (deflate)",
            "flags: 0x00 (none)",
            "header_size: 10",
            "isize: 1000",
            &crc,
            "xfl: 2 (maximum compression)",
        ],
    );
    assert!(text.lines().any(|l| l.starts_with("mtime: ")) && text.lines().any(|l| l.starts_with("os: ")), "{text}");
    assert_eq!(text, info(&["-c", r#"{"id":"gzip"}"#], &gz));

    for (level, hint) in
        [(1, "level_hint: 0 (fastest)"), (6, "level_hint: 2 (default)"), (9, "level_hint: 3 (maximum)")]
    {
        let z = ok(&["encode", "-c", &format!(r#"{{"id":"zlib","level":{level}}}"#)], &data);
        let text = info(&[], &z);
        let adler = format!("adler32: {:#010x}", u32::from_be_bytes(z[z.len() - 4..].try_into().unwrap()));
        assert_lines(
            &text,
            &[
                "format: zlib",
                "method: 8 (deflate)",
                "window_size: 32768",
                hint,
                "dictionary: false",
                "fcheck: valid",
                &adler,
            ],
        );
    }
    // A zlib header whose FCHECK is wrong is not detected, but can be named.
    let bad = [0x78u8, 0x00, 3, 0, 0, 0, 0, 1];
    fails(&["info"], &bad);
    assert_lines(&info(&["-c", "zlib"], &bad), &["fcheck: invalid"]);
    let err = fails(&["info", "-c", "gzip"], &gz[..9]);
    assert!(err.contains("truncated"), "{err}");
}

#[test]
fn info_on_npy() {
    let dir = TempDir::new();
    let f = dir.write("a.npy", &npy::write(&sample(">u2", &[2, 3]), true));
    let text = info(&["-i", p(&f)], b"");
    assert_lines(
        &text,
        &[
            "format: npy",
            "version: 1.0",
            "dtype: >u2",
            "shape: (2, 3)",
            "order: F",
            "header_size: 128",
            "data_size: 12",
        ],
    );
    let text = info(&[], &npy::write(&sample("<f8", &[5]), false));
    assert_lines(&text, &["dtype: <f8", "shape: (5,)", "order: C"]);
}

#[test]
fn info_errors() {
    let err = fails(&["info"], b"hello world");
    assert!(err.contains("unknown format"), "{err}");
    let err = fails(&["info"], b"");
    assert!(err.contains("empty"), "{err}");
    let err = fails(&["info", "-c", r#"{"id":"base64"}"#], b"hello");
    assert!(err.contains("does not know the format of codec \"base64\""), "{err}");
    let err = fails(&["info", "-c", r#"{"id":"blosc"}"#], b"hello");
    assert!(err.contains("fewer than the 16-byte blosc header"), "{err}");
    let err = fails(&["info", "-c", "{"], b"hello");
    assert!(err.contains("invalid JSON"), "{err}");
}

#[test]
fn errors_are_one_line_with_status_1() {
    let dir = TempDir::new();
    let data = b"some data".repeat(10);
    let zstd = ok(&["encode", "-c", r#"{"id":"zstd"}"#], &data);
    let zlib = ok(&["encode", "-c", r#"{"id":"zlib"}"#], &data);
    for (args, stdin, needle) in [
        (vec!["encode", "-c", r#"{"id":"nope"}"#], &data[..], "unknown codec id \"nope\""),
        (vec!["encode", "-c", r#"[{"id":"zlib"},{"id":"nope"}]"#], &data[..], "unknown codec id"),
        (vec!["encode", "-c", r#"{"id":"zlib","level":1,"wbits":15}"#], &data[..], "unknown field"),
        (vec!["encode", "-c", r#"{"id":"zlib","level":10}"#], &data[..], "level must be -1 or 0 to 9, got 10"),
        (vec!["encode", "-c", r#"{"id":"bz2","level":0}"#], &data[..], "cannot encode with level 0"),
        (vec!["encode", "-c", r#"{"id":"zlib","level":"1"}"#], &data[..], "invalid type"),
        (vec!["encode", "-c", "42"], &data[..], "a pipeline is a codec configuration or an array of them"),
        (vec!["encode", "-c", r#"{"level":1}"#], &data[..], "needs an \"id\""),
        (vec!["encode", "-c", r#"{"id": "zlib""#], &data[..], "invalid JSON in codec spec"),
        (vec!["encode", "-c", ""], &data[..], "invalid JSON in codec spec"),
        (vec!["decode", "-c", r#"{"id":"zlib"}"#], &data[..], "corrupt input for codec \"zlib\""),
        (vec!["decode", "-c", r#"{"id":"zstd"}"#], &data[..], "corrupt input for codec \"zstd\""),
        (vec!["decode", "-c", r#"{"id":"gzip"}"#], &zlib[..], "corrupt input for codec \"gzip\""),
        (vec!["decode", "-c", r#"{"id":"zlib"}"#], &zlib[..zlib.len() - 3], "zlib"),
        (vec!["decode", "-c", r#"{"id":"zstd"}"#], &zstd[..zstd.len() - 2], "zstd"),
        (vec!["decode", "-c", r#"{"id":"zlib"}"#], b"", "zlib"),
        (vec!["decode", "-c", r#"{"id":"zstd"}"#], b"", "zstd"),
        (vec!["decode", "-c", r#"{"id":"gzip"}"#], b"", "gzip"),
        (vec!["decode", "-c", PIPELINE], &zlib[..], "zstd"),
        (vec!["decode", "-c", r#"{"id":"zlib"}"#, "--npy", "--shape", "7"], &zlib[..], "needs 7 bytes, got 90"),
        (vec!["decode", "-c", r#"{"id":"zlib"}"#, "--npy", "--dtype", "bogus"], &zlib[..], "invalid dtype"),
        (vec!["decode", "-c", r#"{"id":"zlib"}"#, "--npy", "--dtype", "|O"], &zlib[..], "object"),
        (vec!["encode", "-c", r#"{"id":"zlib"}"#, "-i", p(&dir.path("missing.bin"))], b"", "cannot read"),
        (vec!["encode", "-c", r#"{"id":"zlib"}"#, "-o", p(&dir.path("no/such/dir/out"))], &data[..], "cannot write"),
        (vec!["encode", "-c", r#"{"id":"zlib"}"#], b"\x93NUMPY\x01\x00\xff", "invalid .npy data"),
    ] {
        let err = fails(&args, stdin);
        assert!(err.contains(needle), "{args:?}: {needle:?} not in {err}");
    }
}

#[test]
fn usage_errors_exit_2() {
    for args in [
        &["frobnicate"][..],
        &["encode"],
        &["encode", "-c"],
        &["decode", "-c", "{}", "--npy", "--json"],
        &["decode", "-c", "{}", "--order", "F"],
        &["decode", "-c", "{}", "--npy", "--order", "X"],
        &["list", "extra"],
        &[],
    ] {
        let out = run(args, b"");
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(!stderr(&out).contains("panicked"));
    }
    for args in [&["--help"][..], &["--version"], &["encode", "--help"], &["info", "-h"]] {
        let out = run(args, b"");
        assert!(out.status.success(), "{args:?}");
        assert!(!stdout_text(&out).is_empty());
    }
}

#[test]
fn zarray_chunks_through_the_cli() {
    let dir = TempDir::new();
    let zarray = dir.write(
        ".zarray",
        br#"{"zarr_format": 2, "shape": [5, 7], "chunks": [2, 3], "dtype": "<i4", "order": "F",
             "compressor": {"id": "zstd", "level": 1, "checksum": false}, "filters": [{"id": "zlib", "level": 1}],
             "fill_value": -1, "dimension_separator": "."}"#,
    );
    let za = p(&zarray);
    let info = stdout_text(&run(&["info", "--zarray", p(&dir.0)], b""));
    for line in ["shape: [5, 7]", "chunks: [2, 3]", "chunk_grid: [3, 3]", "dtype: <i4", "order: F", "chunk_bytes: 24"] {
        assert!(info.contains(line), "{line} not in {info}");
    }
    assert!(info.contains(r#"encode: {"id":"zlib","level":1} -> {"checksum":false,"id":"zstd","level":1}"#), "{info}");

    // A C-order .npy of the chunk shape is stored in the array's (F) order.
    let c = sample("<i4", &[2, 3]);
    let c_npy = dir.write("c.npy", &npy::write(&c, false));
    let stored = ok(&["encode", "--zarray", za, "-i", p(&c_npy)], b"");
    let back = npy::read(&ok(&["decode", "--zarray", za, "--npy"], &stored)).unwrap();
    assert!(back.fortran_order);
    assert_eq!(back.array, zarrcodecs::zarr::c_to_fortran(&c).unwrap());
    // Raw bytes out: the F-order chunk bytes.
    assert_eq!(ok(&["decode", "--zarray", za], &stored), back.array.as_bytes());

    let err = fails(&["encode", "--zarray", za], &[0; 7]);
    assert!(err.contains("chunk holds 7 bytes"), "{err}");
    let wrong = dir.write("w.npy", &npy::write(&sample("<i4", &[3, 2]), false));
    let err = fails(&["encode", "--zarray", za, "-i", p(&wrong)], b"");
    assert!(err.contains("chunks are [2, 3]"), "{err}");
    let err = fails(&["decode", "--zarray", za, "--dtype", "<f8"], &stored);
    assert!(err.contains("--zarray gives the dtype"), "{err}");
    let err = fails(&["decode", "--zarray", za, "--json"], &stored);
    assert!(err.contains("not |O"), "{err}");
    // A missing chunk: the fill value, in the array's order.
    let missing = npy::read(&ok(&["decode", "--zarray", za, "--missing", "--npy"], b"")).unwrap();
    assert_eq!(missing.array.as_bytes(), (-1i32).to_le_bytes().repeat(6));
    let err = fails(&["decode", "--missing", "-c", "[]"], b"");
    assert!(err.contains("--missing needs --zarray"), "{err}");
    // -c and --zarray exclude each other; one of them is required.
    assert_eq!(run(&["decode", "--zarray", za, "-c", "[]"], b"").status.code(), Some(2));
    assert_eq!(run(&["decode"], b"").status.code(), Some(2));
}

#[cfg(all(feature = "zstd", feature = "zlib", feature = "delta"))]
#[test]
fn zarr_v3_chunks_through_the_cli() {
    let dir = TempDir::new();
    let doc = br#"{"zarr_format": 3, "node_type": "array", "shape": [5, 7], "data_type": "int32",
        "chunk_grid": {"name": "regular", "configuration": {"chunk_shape": [2, 3]}},
        "chunk_key_encoding": {"name": "default", "configuration": {"separator": "/"}},
        "fill_value": -1, "attributes": {},
        "codecs": [{"name": "transpose", "configuration": {"order": [1, 0]}},
                   {"name": "numcodecs.delta", "configuration": {"dtype": "<i4"}},
                   {"name": "bytes", "configuration": {"endian": "little"}},
                   {"name": "zstd", "configuration": {"level": 1, "checksum": true}}]}"#;
    let zarr_json = dir.write("zarr.json", doc);
    let info = stdout_text(&run(&["info", "--zarr-json", p(&dir.0)], b""));
    for line in
        ["format: zarr v3\n", "dtype: <i4\n", "order: F\n", "last_chunk_key: c/2/2\n", "fill_value_bytes: ffffffff\n"]
    {
        assert!(info.contains(line), "{line} not in {info}");
    }
    assert!(
        info.contains(r#"codecs: {"dtype":"<i4","id":"delta"}, {"checksum":true,"id":"zstd","level":1}"#),
        "{info}"
    );
    // The CLI and the library agree, and --zarray takes a zarr.json as well.
    let c = sample("<i4", &[2, 3]);
    let c_npy = dir.write("c.npy", &npy::write(&c, false));
    let stored = ok(&["encode", "--zarr-json", p(&zarr_json), "-i", p(&c_npy)], b"");
    let pipeline = zarrcodecs::ZarrPipeline::from_zarr_json(&serde_json::from_slice(doc).unwrap()).unwrap();
    let f_order = zarrcodecs::zarr::c_to_fortran(&c).unwrap();
    assert_eq!(stored, pipeline.encode_chunk(f_order.as_bytes()).unwrap().as_bytes());
    let back = npy::read(&ok(&["decode", "--zarray", p(&zarr_json), "--npy"], &stored)).unwrap();
    assert_eq!(back.array, f_order);
    let missing = npy::read(&ok(&["decode", "--zarr-json", p(&dir.0), "--missing", "--npy"], b"")).unwrap();
    assert_eq!(missing.array.as_bytes(), (-1i32).to_le_bytes().repeat(6));
    let bad = dir.write(
        "bad.json",
        br#"{"zarr_format": 3, "node_type": "array", "shape": [1], "data_type": "int32",
        "chunk_grid": {"name": "regular", "configuration": {"chunk_shape": [1]}},
        "chunk_key_encoding": {"name": "default"}, "fill_value": 0,
        "codecs": [{"name": "sharding_indexed", "configuration": {}}]}"#,
    );
    let err = fails(&["info", "--zarr-json", p(&bad)], b"");
    assert!(err.contains("sharded arrays"), "{err}");
}

#[cfg(all(feature = "vlen", feature = "zlib"))]
#[test]
fn zarray_object_chunks_through_the_cli() {
    let dir = TempDir::new();
    let zarray = dir.write(
        ".zarray",
        br#"{"zarr_format": 2, "shape": [3, 4], "chunks": [2, 3], "dtype": "|O", "order": "F",
             "compressor": null, "filters": [{"id": "vlen-utf8"}], "fill_value": ""}"#,
    );
    let za = p(&zarray);
    let info = stdout_text(&run(&["info", "--zarray", za], b""));
    for line in ["dtype: |O\n", "object_codec: vlen-utf8\n", "fill_value: \"\"\n", "chunk_items: 6\n"] {
        assert!(info.contains(line), "{line} not in {info}");
    }
    // JSON in (shaped, or flat in C order), zarr's bytes out: F order, as zarr 2.18 writes.
    let chunk = br#"{"shape": [2, 3], "items": ["00", "01", "02", "10", "11", "12"]}"#;
    let stored = ok(&["encode", "--zarray", za], chunk);
    let mut want = 6u32.to_le_bytes().to_vec();
    for s in ["00", "10", "01", "11", "02", "12"] {
        want.extend(2u32.to_le_bytes());
        want.extend(s.as_bytes());
    }
    assert_eq!(stored, want);
    assert_eq!(ok(&["encode", "--zarray", za, "--json"], br#"["00", "01", "02", "10", "11", "12"]"#), want);
    let decoded: serde_json::Value = serde_json::from_slice(&ok(&["decode", "--zarray", za], &stored)).unwrap();
    assert_eq!(decoded, serde_json::from_slice::<serde_json::Value>(chunk).unwrap());
    let missing: serde_json::Value =
        serde_json::from_slice(&ok(&["decode", "--zarray", za, "--missing"], b"")).unwrap();
    assert_eq!(missing, serde_json::json!({"shape": [2, 3], "items": ["", "", "", "", "", ""]}));

    let err = fails(&["decode", "--zarray", za, "--npy"], &stored);
    assert!(err.contains(".npy cannot hold"), "{err}");
    let err = fails(&["encode", "--zarray", za], br#"["a", "b"]"#);
    assert!(err.contains("2 items") && err.contains("[2, 3]"), "{err}");
    let err = fails(&["encode", "--zarray", za], b"\x93NUMPY");
    assert!(err.contains("invalid JSON"), "{err}");
    let err = fails(&["decode", "--zarray", za], &[9, 0, 0, 0]);
    assert!(err.contains("vlen-utf8"), "{err}");

    // vlen-array: nested lists are arrays of the codec's dtype.
    let arrays = dir.write(
        "a.zarray",
        br#"{"zarr_format": 2, "shape": [2], "chunks": [2], "dtype": "|O", "order": "C", "compressor": null,
             "filters": [{"id": "vlen-array", "dtype": "<i2"}], "fill_value": null}"#,
    );
    let stored = ok(&["encode", "--zarray", p(&arrays)], b"[[1, -2], []]");
    assert_eq!(stored, [2, 0, 0, 0, 4, 0, 0, 0, 1, 0, 0xfe, 0xff, 0, 0, 0, 0]);
    let back: serde_json::Value = serde_json::from_slice(&ok(&["decode", "--zarray", p(&arrays)], &stored)).unwrap();
    assert_eq!(back[0], serde_json::json!({"array": {"dtype": "<i2", "shape": [2], "data": [1, -2]}}));
}

#[test]
fn zarray_structured_dtypes_through_the_cli() {
    let dir = TempDir::new();
    let zarray = dir.write(
        ".zarray",
        br#"{"zarr_format": 2, "shape": [3], "chunks": [2], "dtype": [["a", "<i4"], ["b", "<f8", [2]]],
             "order": "C", "compressor": null, "filters": null, "fill_value": "AwAAAAAAAAAAAPg/AAAAAAAABEA="}"#,
    );
    let za = p(&zarray);
    let info = stdout_text(&run(&["info", "--zarray", za], b""));
    for line in [
        "dtype: |V20\n",
        "chunk_bytes: 40\n",
        "fields: [[\"a\",\"<i4\"],[\"b\",\"<f8\",[2]]]\n",
        "field.a: <i4 shape [] offset 0 bytes 4\n",
        "field.b: <f8 shape [2] offset 4 bytes 16\n",
    ] {
        assert!(info.contains(line), "{line} not in {info}");
    }
    // Chunks are the bytes of |V20 items.
    let mut item = 3i32.to_le_bytes().to_vec();
    item.extend(1.5f64.to_le_bytes());
    item.extend(2.5f64.to_le_bytes());
    let missing = npy::read(&ok(&["decode", "--zarray", za, "--missing", "--npy"], b"")).unwrap();
    assert_eq!((missing.array.dtype().to_string(), missing.array.as_bytes()), ("|V20".into(), &item.repeat(2)[..]));
    let stored = ok(&["encode", "--zarray", za], &item.repeat(2));
    assert_eq!(ok(&["decode", "--zarray", za], &stored), item.repeat(2));
}

/// `numcodecs read` of a zarr v3 array (chunk keys `c/i/j`) and of a v2 one with a
/// missing chunk, whole and as a region, in C and F order; bad regions are one-line
/// errors.
#[cfg(feature = "zstd")]
#[test]
fn read_whole_arrays_and_regions() {
    use zarrcodecs::zarr3::ZarrV3Array;
    use zarrcodecs::ZarrPipeline;

    let dir = TempDir::new();
    // 5 x 3 u2, items 0..15, in 2 x 2 chunks.
    let zarr_json = serde_json::json!({
        "zarr_format": 3, "node_type": "array", "shape": [5, 3], "data_type": "uint16",
        "chunk_grid": {"name": "regular", "configuration": {"chunk_shape": [2, 2]}},
        "chunk_key_encoding": {"name": "default", "configuration": {"separator": "/"}},
        "fill_value": 0,
        "codecs": [{"name": "bytes", "configuration": {"endian": "little"}}, {"name": "numcodecs.zstd", "configuration": {"level": 1}}]
    });
    let array_dir = dir.path("v3");
    std::fs::create_dir_all(&array_dir).unwrap();
    std::fs::write(array_dir.join("zarr.json"), zarr_json.to_string()).unwrap();
    let meta = ZarrV3Array::from_json(&zarr_json).unwrap();
    let pipeline = ZarrPipeline::from_zarr_json(&zarr_json).unwrap();
    for i in 0..3 {
        for j in 0..2 {
            let mut chunk = Vec::new();
            for r in 0..2 {
                for c in 0..2 {
                    let (row, col) = (i * 2 + r, j * 2 + c);
                    let v = if row < 5 && col < 3 { u16::try_from(row * 3 + col).unwrap() } else { 0 };
                    chunk.extend_from_slice(&v.to_le_bytes());
                }
            }
            let key = array_dir.join(meta.chunk_key(&[i, j]));
            std::fs::create_dir_all(key.parent().unwrap()).unwrap();
            std::fs::write(key, pipeline.encode_chunk(&chunk).unwrap().as_bytes()).unwrap();
        }
    }
    let items = |npy_bytes: &[u8]| -> (Vec<usize>, bool, Vec<u16>) {
        let f = npy::read(npy_bytes).unwrap();
        let v = f.array.as_bytes().chunks(2).map(|b| u16::from_le_bytes([b[0], b[1]])).collect();
        (f.array.shape().to_vec(), f.fortran_order, v)
    };
    let whole = ok(&["read", p(&array_dir), "--progress", "never"], b"");
    assert_eq!(items(&whole), (vec![5, 3], false, (0..15).collect()));
    let region = ok(&["read", p(&array_dir), "--region", "1:4,1:", "--order", "F", "--threads", "2"], b"");
    assert_eq!(items(&region), (vec![3, 2], true, vec![4, 7, 10, 5, 8, 11]));
    let row = ok(&["read", p(&array_dir), "--region", "4,:"], b"");
    assert_eq!(items(&row), (vec![1, 3], false, vec![12, 13, 14]));
    for bad in ["0:6,:", "1", "a:b,:", "3:2,:"] {
        let err = fails(&["read", p(&array_dir), "--region", bad], b"");
        assert!(err.contains("--region"), "{bad}: {err}");
    }
    // A chunk file that is not zstd: the error names the chunk.
    std::fs::write(array_dir.join("c/1/0"), b"garbage").unwrap();
    let err = fails(&["read", p(&array_dir)], b"");
    assert!(err.contains("chunk \"c/1/0\""), "{err}");
    // A missing chunk of a v2 array reads as the fill value.
    let v2 = dir.path("v2");
    std::fs::create_dir_all(&v2).unwrap();
    let zarray = serde_json::json!({"zarr_format": 2, "shape": [4], "chunks": [2], "dtype": "<u2",
        "compressor": null, "fill_value": 9, "order": "C", "filters": null});
    std::fs::write(v2.join(".zarray"), zarray.to_string()).unwrap();
    std::fs::write(v2.join("1"), [1, 0, 2, 0]).unwrap();
    assert_eq!(items(&ok(&["read", p(&v2)], b"")), (vec![4], false, vec![9, 9, 1, 2]));
}
