//! Criterion's results, looked up by bench id.
//!
//! Criterion 0.8 keeps the last result of the benchmark `group/function/value` in
//! `<criterion dir>/<group>/<function>/<value>/new/`, each part made file-name safe
//! (`?"/\*<>:|^` become `_`, cut to 64 bytes), a `_2`, `_3`… appended when two ids of
//! one run fall on the same directory; `benchmark.json` there holds the full id and
//! `estimates.json` the statistics. So each expected id is looked up where criterion
//! puts it and checked against the full id inside, rather than walking the tree.
//!
//! Before a run, [`clear`] removes the `estimates.json` of every expected id from
//! `new/` (criterion compares against `base/`, a copy, so nothing of its history is
//! lost): whatever [`results`] then finds was written by this run, and an id the run
//! did not measure is reported missing instead of showing an old figure.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::manifest::BenchId;
use super::{read_json, remove_if_present};
use crate::Result;

/// criterion's `MAX_DIRECTORY_NAME_LEN`.
const MAX_NAME_LEN: usize = 64;
/// How many `_N` variants of a directory to try: more ids than this never collide here.
const MAX_VARIANTS: usize = 100;

/// `new/benchmark.json`: what we read of it.
#[derive(Deserialize)]
struct Benchmark {
    full_id: String,
}

/// `new/estimates.json`: what we read of it.
#[derive(Deserialize)]
struct Estimates {
    median: Estimate,
}

#[derive(Deserialize)]
struct Estimate {
    /// ns per iteration.
    point_estimate: f64,
}

/// The title criterion prints for the full id `full`: cut to 100 bytes with `...`
/// (then ` #2`, ` #3`… if two titles of one run are the same).
pub(super) fn title(full: &str) -> String {
    const MAX_TITLE_LEN: usize = 100;
    if full.len() <= MAX_TITLE_LEN {
        return full.to_string();
    }
    let mut end = MAX_TITLE_LEN;
    while !full.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}...", &full[..end])
}

/// criterion's `make_filename_safe`.
fn filename_safe(part: &str) -> String {
    let mut s: String = part.chars().map(|c| if "?\"/\\*<>:|^".contains(c) { '_' } else { c }).collect();
    let mut end = s.len().min(MAX_NAME_LEN);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    s.truncate(end);
    if cfg!(windows) {
        s = s.trim_end().to_lowercase();
    }
    s
}

/// Where criterion keeps `id`'s results: the first of `<group>/<function>/<value>`,
/// `…/<value>_2`, `…/<value>_3`… whose `new/benchmark.json` names `id`; `None` if
/// there is none.
fn result_dir(criterion: &Path, id: &BenchId) -> Option<PathBuf> {
    let base = criterion.join(filename_safe(&id.group)).join(filename_safe(&id.function));
    let value = filename_safe(&id.value);
    let full = id.full();
    (1..=MAX_VARIANTS)
        .map(|n| base.join(if n == 1 { value.clone() } else { format!("{value}_{n}") }))
        .take_while(|dir| dir.is_dir())
        .find(|dir| read_json::<Benchmark>(&dir.join("new/benchmark.json")).is_ok_and(|b| b.full_id == full))
}

/// `id`'s median ns per iteration, or why there is none.
fn result(criterion: &Path, id: &BenchId) -> Result<f64> {
    let dir = result_dir(criterion, id).ok_or_else(|| {
        let dir = criterion.join(filename_safe(&id.group)).join(filename_safe(&id.function));
        format!("no result under {}", dir.join(filename_safe(&id.value)).display())
    })?;
    let estimates: Estimates = read_json(&dir.join("new/estimates.json"))?;
    let ns = estimates.median.point_estimate;
    if ns.is_finite() && ns > 0.0 {
        Ok(ns)
    } else {
        Err(format!("{}: median {ns} ns", dir.join("new/estimates.json").display()))
    }
}

/// Removes the last run's estimates of every id in `ids` (see the module's header).
pub(super) fn clear(criterion: &Path, ids: &[&BenchId]) -> Result {
    for id in ids {
        if let Some(dir) = result_dir(criterion, id) {
            remove_if_present(&dir.join("new/estimates.json"))?;
        }
    }
    Ok(())
}

/// The median ns per iteration of every id in `ids` that has a result, by full id,
/// and a line for each that has none: `<id>: <why>`.
pub(super) fn results(criterion: &Path, ids: &[&BenchId]) -> (HashMap<String, f64>, Vec<String>) {
    let mut found = HashMap::new();
    let mut missing = vec![];
    for id in ids {
        match result(criterion, id) {
            Ok(ns) => {
                found.insert(id.full(), ns);
            }
            Err(e) => missing.push(format!("{}: {e}", id.full())),
        }
    }
    (found, missing)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A scratch directory of its own under the system's temp dir, removed on drop.
    struct Scratch(PathBuf);

    impl Scratch {
        fn new(name: &str) -> Self {
            let dir = std::env::temp_dir().join(format!("xtask-{name}-{}", std::process::id()));
            let _ = std::fs::remove_dir_all(&dir);
            std::fs::create_dir_all(&dir).unwrap();
            Scratch(dir)
        }
    }

    impl Drop for Scratch {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    /// Writes criterion's two files for `full_id` under `dir/<rel>/new/`.
    fn put(dir: &Path, rel: &str, full_id: &str, estimates: &str) {
        let new = dir.join(rel).join("new");
        std::fs::create_dir_all(&new).unwrap();
        let bench = serde_json::json!({"group_id": "g", "full_id": full_id, "directory_name": rel});
        std::fs::write(new.join("benchmark.json"), bench.to_string()).unwrap();
        std::fs::write(new.join("estimates.json"), estimates).unwrap();
    }

    fn estimates(median: f64) -> String {
        serde_json::json!({
            "mean": {"point_estimate": median * 1.1, "standard_error": 1.0},
            "median": {"point_estimate": median, "standard_error": 1.0,
                       "confidence_interval": {"confidence_level": 0.95, "lower_bound": median, "upper_bound": median}},
        })
        .to_string()
    }

    #[test]
    fn names_are_made_file_safe_as_criterion_does() {
        assert_eq!(filename_safe("zstd/level=3"), "zstd_level=3");
        assert_eq!(filename_safe(r#"blosc/cname="lz4",shuffle=1"#), "blosc_cname=_lz4_,shuffle=1");
        assert_eq!(filename_safe("pipeline/zstd1+zlib1+gzip1"), "pipeline_zstd1+zlib1+gzip1");
        let long = format!("{}é", "a".repeat(63));
        assert_eq!(filename_safe(&long), "a".repeat(63), "cut at a character boundary");
    }

    #[test]
    fn titles_are_cut_as_criterion_does() {
        assert_eq!(title("zstd/level=3/decode/f8_walk/64KiB"), "zstd/level=3/decode/f8_walk/64KiB");
        let long = format!("pcodec/{}/decode/f8_walk/8MiB", "x".repeat(120));
        assert_eq!(title(&long), format!("pcodec/{}...", "x".repeat(93)));
    }

    #[test]
    fn results_are_read_by_id() {
        let scratch = Scratch::new("criterion-by-id");
        let dir = &scratch.0;
        let zstd = BenchId::new("zstd/level=3", "decode/f8_walk", "64KiB");
        put(dir, "zstd_level=3/decode_f8_walk/64KiB", &zstd.full(), &estimates(1000.0));
        // Two groups that only differ past 64 bytes: criterion gave the second `_2`.
        let long = "categorize/labels=".to_string() + &"x".repeat(60);
        let (a, b) = (
            BenchId::new(format!("{long}a"), "encode/text", "8MiB"),
            BenchId::new(format!("{long}b"), "encode/text", "8MiB"),
        );
        let rel = format!("{}/encode_text/8MiB", filename_safe(&a.group));
        put(dir, &rel, &a.full(), &estimates(10.0));
        put(dir, &format!("{rel}_2"), &b.full(), &estimates(20.0));
        // Another id's result left by some run: not ours.
        put(dir, "memcpy/copy_from_slice/64KiB", "memcpy/copy_from_slice/64KiB", &estimates(5.0));
        // Garbled estimates, and an id with no directory at all.
        let garbled = BenchId::new("lz4/acceleration=1", "encode/i4_ramp", "64KiB");
        put(dir, "lz4_acceleration=1/encode_i4_ramp/64KiB", &garbled.full(), "{\"median\": ");
        let absent = BenchId::new("bz2/level=1", "decode/text", "8MiB");

        let ids = [&zstd, &a, &b, &garbled, &absent];
        let (found, missing) = results(dir, &ids);
        assert_eq!(found.len(), 3, "{found:?}");
        assert_eq!(found[&zstd.full()], 1000.0);
        assert_eq!(found[&a.full()], 10.0);
        assert_eq!(found[&b.full()], 20.0);
        assert!(!found.contains_key("memcpy/copy_from_slice/64KiB"), "only the ids asked for");
        assert_eq!(missing.len(), 2, "{missing:?}");
        assert!(
            missing[0].starts_with("lz4/acceleration=1/encode/i4_ramp/64KiB: ")
                && missing[0].contains("estimates.json")
        );
        assert!(missing[1].starts_with("bz2/level=1/decode/text/8MiB: no result"), "{}", missing[1]);

        // `clear` leaves no result of the ids it is given, and the others alone.
        clear(dir, &[&zstd, &b, &absent]).unwrap();
        let (found, missing) = results(dir, &ids);
        assert_eq!(found.keys().collect::<Vec<_>>(), [&a.full()]);
        assert_eq!(missing.len(), 4);
        assert!(dir.join("zstd_level=3/decode_f8_walk/64KiB/new/benchmark.json").exists());
    }
}
