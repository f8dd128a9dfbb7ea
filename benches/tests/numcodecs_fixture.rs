//! numcodecs' own fixture corpus (`tests/numcodecs-fixture/fixture/`, vendored from
//! numcodecs with its licence; see the README there): every file of it decodes here to
//! what numcodecs stored.
//!
//! The corpus walks as numcodecs' `check_backwards_compatibility`
//! (`numcodecs/tests/common.py`) walks it: each directory holding `array.NN.npy` (a codec
//! id, or a codec id and a prefix such as `delta/int32`) has, per configuration, a
//! `codec.JJ/` with `config.json` and `encoded.NN.dat`, array `NN` encoded with that
//! configuration. For every `encoded.NN.dat` this test builds the codec from
//! `config.json` through the registry ([`zarrcodecs::get_codec`]), decodes the file, and
//! compares as numcodecs does:
//!
//! - numeric arrays: the decoded bytes equal the array's bytes in its memory order
//!   (numcodecs views the decoded buffer as the array's dtype and reshapes it to the
//!   array's shape in the array's order, then compares the values and
//!   `arr.tobytes(order='A')` with the decoded bytes); the decoded dtype and shape are
//!   not compared, as numcodecs does not compare them;
//! - object arrays: the decoded items, flat in memory order, equal the array's items,
//!   flat in memory order (numcodecs' `assert_array_items_equal`), NaN equal to NaN, a
//!   dict equal to a dict with the same items in any order and a numpy array item equal
//!   to one with the same shape and values whatever its dtype (as Python's `==` and
//!   numpy's `assert_array_equal` compare them); other items must have the same type
//!   and value (stricter than Python's `==`, for which `1 == 1.0`). The arrays are
//!   pickled in the corpus, so `expected.py` wrote their items as JSON in
//!   `expected/<dir>/array.NN.json`;
//! - lossy codecs, which numcodecs compares to a precision (astype/f, fixedscaleoffset,
//!   quantize): the decoded bytes equal what numcodecs 0.15.2 decodes, which
//!   `expected.py` stored in `expected/<dir>/codec.JJ/decoded.NN.npy`.
//!
//! Like `check_backwards_compatibility`, it only decodes: it does not re-encode and
//! compare bytes (numcodecs does not either). It also decodes the directories numcodecs'
//! current tests no longer visit (`json2/codec.02` and `codec.03`, id `json`, the legacy
//! JSON codec), and an `encoded.NN.dat` without its `array.NN.npy` is a failure.
//!
//! The test collects every failure (directory, file, error or first difference) and
//! fails once at the end with all of them. It has no list of known failures; the files
//! numcodecs 0.15.2 cannot decode itself (`expected/numcodecs-cannot-decode.json`, which
//! `expected.py` writes from numcodecs' own errors) may be refused with a typed error
//! instead, but where they decode they must give the stored array too.

#![allow(clippy::panic, clippy::expect_used)]

use std::cmp::Ordering;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde_json::Value;
use zarrcodecs::{get_codec, npy, ArrayView, Data, DataRef, ObjectArray};

/// The vendored corpus and the expected values `expected.py` wrote.
const ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/numcodecs-fixture");

/// What a decode must give.
enum Expected {
    /// Numeric data: the bytes, in memory order.
    Bytes(Vec<u8>),
    /// Objects, in the JSON form (zarrcodecs-core `serde`), flat in memory order.
    Objects(Vec<Value>),
}

/// The sorted entries of `dir` whose file names satisfy `keep`.
fn entries(dir: &Path, keep: impl Fn(&str) -> bool) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("directory entry").path())
        .filter(|p| p.file_name().and_then(|n| n.to_str()).is_some_and(&keep))
        .collect();
    out.sort();
    out
}

/// Every directory under `dir` (and `dir` itself) that holds `array.*.npy` files.
fn array_dirs(dir: &Path, out: &mut Vec<PathBuf>) {
    if !entries(dir, |n| n.starts_with("array.") && n.ends_with(".npy")).is_empty() {
        out.push(dir.to_path_buf());
    }
    for sub in entries(dir, |_| true) {
        if sub.is_dir() && !sub.file_name().is_some_and(|n| n.to_string_lossy().starts_with("codec.")) {
            array_dirs(&sub, out);
        }
    }
}

/// `NN` of `encoded.NN.dat`.
fn index(name: &str) -> Option<&str> {
    name.strip_prefix("encoded.")?.strip_suffix(".dat")
}

/// The expected value of `encoded.NN.dat` in `codec_dir` under `dir` (`rel` from the
/// corpus root).
fn expected(dir: &Path, rel: &str, codec_dir: &str, nn: &str) -> Result<Expected, String> {
    let exp = Path::new(ROOT).join("expected").join(rel);
    let objects = exp.join(format!("array.{nn}.json"));
    if objects.exists() {
        let text = std::fs::read(&objects).map_err(|e| format!("{}: {e}", objects.display()))?;
        // The JSON form read into objects and written back: the form codecs' output is
        // compared in.
        let array: ObjectArray = serde_json::from_slice(&text).map_err(|e| format!("{}: {e}", objects.display()))?;
        let items = array.items().iter().map(serde_json::to_value).collect::<Result<_, _>>();
        return items.map(Expected::Objects).map_err(|e| format!("{}: {e}", objects.display()));
    }
    let lossy = exp.join(codec_dir).join(format!("decoded.{nn}.npy"));
    let file = if lossy.exists() { lossy } else { dir.join(format!("array.{nn}.npy")) };
    let bytes = std::fs::read(&file).map_err(|e| format!("{}: {e}", file.display()))?;
    let read = npy::read(&bytes).map_err(|e| format!("{}: {e}", file.display()))?;
    Ok(Expected::Bytes(read.array.as_bytes().to_vec()))
}

/// Why `decoded` is not `expected`, if it is not.
fn mismatch(expected: &Expected, decoded: &Data) -> Option<String> {
    match (expected, decoded) {
        (Expected::Bytes(want), Data::Array(a)) => {
            let got = a.as_bytes();
            if got.len() != want.len() {
                return Some(format!(
                    "{} decoded bytes ({} {:?}), expected {}",
                    got.len(),
                    a.dtype(),
                    a.shape(),
                    want.len()
                ));
            }
            let at = got.iter().zip(want).position(|(g, w)| g != w)?;
            Some(format!("first differing byte at {at}: {:#04x}, expected {:#04x}", got[at], want[at]))
        }
        (Expected::Objects(want), Data::Object(o)) => {
            if o.items().len() != want.len() {
                return Some(format!("{} decoded items, expected {}", o.items().len(), want.len()));
            }
            for (k, (item, w)) in o.items().iter().zip(want).enumerate() {
                match serde_json::to_value(item) {
                    Ok(got) if same_item(&got, w) => {}
                    Ok(got) => {
                        return Some(format!("first differing item at {k}: {}, expected {}", short(&got), short(w)))
                    }
                    Err(e) => return Some(format!("item {k} has no JSON form: {e}")),
                }
            }
            None
        }
        (Expected::Bytes(want), Data::Object(o)) => {
            Some(format!("decoded {} objects, expected {} bytes of numeric data", o.items().len(), want.len()))
        }
        (Expected::Objects(want), Data::Array(a)) => {
            Some(format!("decoded numeric data ({} {:?}), expected {} objects", a.dtype(), a.shape(), want.len()))
        }
    }
}

/// Two items in the JSON form, equal as numcodecs' test compares them: dicts in any
/// order, numpy arrays by shape and values (not dtype), everything else exactly
/// (`{"float": "NaN"}` equals itself, so NaN equals NaN).
fn same_item(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Array(x), Value::Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same_item(x, y)),
        (Value::Object(x), Value::Object(y)) => {
            if let (Some(Value::Array(x)), Some(Value::Array(y))) = (x.get("dict"), y.get("dict")) {
                let key_value = |p: &Value| p.as_array().filter(|p| p.len() == 2).map(|p| (p[0].clone(), p[1].clone()));
                let x: Option<Vec<_>> = x.iter().map(key_value).collect();
                let y: Option<Vec<_>> = y.iter().map(key_value).collect();
                let (Some(x), Some(y)) = (x, y) else { return false };
                return x.len() == y.len()
                    && x.iter().all(|(k, v)| y.iter().any(|(k2, v2)| same_item(k, k2) && same_item(v, v2)));
            }
            if let (Some(Value::Object(x)), Some(Value::Object(y))) = (x.get("array"), y.get("array")) {
                let values = |a: &serde_json::Map<String, Value>| (a.get("shape").cloned(), a.get("data").cloned());
                let (xs, xd) = values(x);
                let (ys, yd) = values(y);
                // Arrays of dtypes without values (`bytes`) compare whole, dtype included.
                return if xd.is_some() && yd.is_some() { xs == ys && same_values(xd, yd) } else { x == y };
            }
            a == b
        }
        _ => a == b,
    }
}

/// Two `data` lists equal as numbers (`5` from an `|i1` array equals `5` from an `<i8`).
fn same_values(a: Option<Value>, b: Option<Value>) -> bool {
    let (Some(Value::Array(a)), Some(Value::Array(b))) = (a, b) else { return false };
    a.len() == b.len()
        && a.iter().zip(&b).all(|(x, y)| match (x, y) {
            (Value::Number(x), Value::Number(y)) => match (x.as_i64(), y.as_i64(), x.as_u64(), y.as_u64()) {
                (Some(x), Some(y), ..) => x == y,
                (_, _, Some(x), Some(y)) => x == y,
                _ => x.as_f64().zip(y.as_f64()).is_some_and(|(x, y)| x.partial_cmp(&y) == Some(Ordering::Equal)),
            },
            _ => x == y,
        })
}

/// `v` as JSON, cut to 200 characters.
fn short(v: &Value) -> String {
    let s = v.to_string();
    match s.char_indices().nth(200) {
        Some((i, _)) => format!("{}...", &s[..i]),
        None => s,
    }
}

/// Why a file did not decode to what numcodecs stored.
enum Failure {
    /// The codec refused the config or the bytes with a typed error.
    Refused(String),
    /// It decoded, to something else.
    Differs(String),
}

/// Decodes `encoded.NN.dat` of one codec directory.
fn check(dir: &Path, rel: &str, codec_dir: &Path, nn: &str) -> Result<(), Failure> {
    let config_path = codec_dir.join("config.json");
    let config: Value = serde_json::from_slice(
        &std::fs::read(&config_path).map_err(|e| Failure::Differs(format!("config.json: {e}")))?,
    )
    .map_err(|e| Failure::Differs(format!("config.json: {e}")))?;
    let codec = get_codec(&config).map_err(|e| Failure::Refused(format!("config {config}: {e}")))?;
    let encoded =
        std::fs::read(codec_dir.join(format!("encoded.{nn}.dat"))).map_err(|e| Failure::Differs(e.to_string()))?;
    let codec_name = codec_dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let want = expected(dir, rel, &codec_name, nn).map_err(Failure::Differs)?;
    let decoded = codec
        .decode(DataRef::Array(ArrayView::from_bytes(&encoded)))
        .map_err(|e| Failure::Refused(format!("decode error: {e}")))?;
    match mismatch(&want, &decoded) {
        Some(why) => Err(Failure::Differs(why)),
        None => Ok(()),
    }
}

#[test]
fn numcodecs_fixture_corpus_decodes() {
    let fixture = Path::new(ROOT).join("fixture");
    let mut dirs = Vec::new();
    array_dirs(&fixture, &mut dirs);
    // Files numcodecs 0.15.2 cannot decode either (expected.py): a typed error is
    // accepted there, a decode must still give the stored array.
    let cannot: std::collections::BTreeMap<String, String> = serde_json::from_slice(
        &std::fs::read(Path::new(ROOT).join("expected/numcodecs-cannot-decode.json"))
            .expect("expected/numcodecs-cannot-decode.json"),
    )
    .expect("numcodecs-cannot-decode.json is a JSON object");
    let mut decoded = 0usize;
    let mut refused_like_numcodecs = Vec::new();
    let mut failures = Vec::new();
    for dir in &dirs {
        let rel = dir.strip_prefix(&fixture).expect("under the corpus").to_string_lossy().replace('\\', "/");
        for codec_dir in entries(dir, |n| n.starts_with("codec.")) {
            for file in entries(&codec_dir, |n| index(n).is_some()) {
                let name = file.file_name().expect("file name").to_string_lossy().into_owned();
                let nn = index(&name).expect("encoded.NN.dat");
                let place = format!("{rel}/{}/{name}", codec_dir.file_name().expect("name").to_string_lossy());
                match (check(dir, &rel, &codec_dir, nn), cannot.get(&place)) {
                    (Ok(()), _) => decoded += 1,
                    (Err(Failure::Refused(why)), Some(theirs)) => {
                        refused_like_numcodecs.push(format!("{place}: {why} (numcodecs 0.15.2: {theirs})"));
                    }
                    (Err(Failure::Refused(why) | Failure::Differs(why)), _) => {
                        failures.push(format!("{place}: {why}"));
                    }
                }
            }
        }
    }
    // The corpus at 82c3635 has 1089 encoded files; fewer means the walk lost some.
    let total = decoded + refused_like_numcodecs.len() + failures.len();
    assert!(total >= 1089, "only {total} encoded files found under {}", fixture.display());
    if !failures.is_empty() {
        let mut report = format!("{} of {total} fixture files failed:\n", failures.len());
        for f in &failures {
            let _ = writeln!(report, "  {f}");
        }
        panic!("{report}");
    }
    eprintln!(
        "{decoded} of {total} fixture files decoded as numcodecs stored them; {} refused with a typed error, as \
         numcodecs 0.15.2 refuses them:",
        refused_like_numcodecs.len()
    );
    for r in &refused_like_numcodecs {
        eprintln!("  {r}");
    }
}

#[test]
fn items_compare_as_numcodecs_compares_them() {
    use serde_json::json;
    let array =
        |dtype: &str, shape: Value, data: Value| json!({"array": {"dtype": dtype, "shape": shape, "data": data}});
    // Dicts: the same items in any order (Python's ==), but not fewer or other items.
    assert!(same_item(&json!({"dict": [["a", "b"], ["c", 42]]}), &json!({"dict": [["c", 42], ["a", "b"]]})));
    assert!(!same_item(&json!({"dict": [["a", "b"], ["c", 42]]}), &json!({"dict": [["a", "b"]]})));
    assert!(!same_item(&json!({"dict": [["a", "b"]]}), &json!({"dict": [["a", "c"]]})));
    assert!(!same_item(&json!({"dict": [["a", "b"]]}), &json!([["a", "b"]])));
    // Arrays: shape and values, whatever the dtype (numpy's assert_array_equal).
    assert!(same_item(&array("|i1", json!([2]), json!([1, -2])), &array("<i8", json!([2]), json!([1, -2]))));
    assert!(same_item(&array("<u8", json!([1]), json!([u64::MAX])), &array("<u8", json!([1]), json!([u64::MAX]))));
    assert!(!same_item(&array("<i8", json!([2, 1]), json!([1, 2])), &array("<i8", json!([2]), json!([1, 2]))));
    assert!(!same_item(&array("<i8", json!([2]), json!([1, 3])), &array("<i8", json!([2]), json!([1, 2]))));
    // NaN equals NaN; everything else exactly, in lists too.
    assert!(same_item(&json!(["a", {"float": "NaN"}]), &json!(["a", {"float": "NaN"}])));
    assert!(!same_item(&json!(1), &json!(1.0)));
    assert!(!same_item(&json!(["a", 1]), &json!(["a", 1, 2])));
    assert!(!same_item(&json!({"bytes": "AA=="}), &json!({"bytes": "AQ=="})));
}
