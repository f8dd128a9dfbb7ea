//! Builds libzfp 1.0.1 from the vendored sources in `zfp/` (unchanged from the zfp 1.0.1
//! release) with the C compiler alone, plus the layout shim the unit tests read, into one
//! static library, `libzfp.a` (`zfp.lib` with MSVC).
//!
//! The compile settings are those of zfp's own CMake build with its defaults, the build
//! that the `zfpy==1.0.1` wheels link (`zfp/CMakeLists.txt`, `zfp/src/CMakeLists.txt`):
//!
//! - C standard: `CMAKE_C_STANDARD 99` with CMake's default extensions, i.e.
//!   `-std=gnu99`; 90 for MSVC (no flag for `cl`) and MinGW (`-std=gnu90`).
//! - Compile definitions: none on GCC and Clang. Each option below is off or at its
//!   default, and CMake only adds a definition when it is not:
//!   - `ZFP_WITH_OPENMP` off (zfpy never asks for OpenMP; zfp's OpenMP code is under
//!     `#ifdef _OPENMP`, which only `-fopenmp` defines, so it is compiled out);
//!   - `ZFP_BIT_STREAM_WORD_SIZE` 64 (no `BIT_STREAM_WORD_TYPE`);
//!   - `ZFP_ROUNDING_MODE` `ZFP_ROUND_NEVER` (no `ZFP_ROUNDING_MODE`), and
//!     `ZFP_WITH_TIGHT_ERROR` off;
//!   - `ZFP_WITH_DAZ` off, `ZFP_WITH_BIT_STREAM_STRIDED` off (no `BIT_STREAM_STRIDED`);
//!   - `ZFP_INT64`/`ZFP_UINT64` (and their suffixes) undefined: C99's `<stdint.h>`;
//!   - `ZFP_CACHE_LINE_SIZE` only for the PGI/NVHPC compilers;
//!   - `ZFP_WITH_CUDA` off; `ZFP_SHARED_LIBS`/`ZFP_SOURCE` only for a Windows DLL.
//! - MSVC only: `_CRT_SECURE_NO_WARNINGS` and `_SCL_SECURE_NO_WARNINGS` (CMake's
//!   `add_definitions` for MSVC; they only silence warnings).
//!
//! No `-march=native`, no `-ffast-math`: the lossy float paths must give the bytes the
//! wheels give. Warnings are off: this is zfp's code, compiled as zfp compiles it.

use std::env;
use std::error::Error;
use std::path::PathBuf;

fn main() -> Result<(), Box<dyn Error>> {
    let root = PathBuf::from(env::var("CARGO_MANIFEST_DIR")?);
    let zfp = root.join("zfp");
    let include = zfp.join("include");
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=zfp");
    println!("cargo:rerun-if-changed=shim");

    let mut build = cc::Build::new();
    build.include(&include);
    // libzfp's sources, as zfp/src/CMakeLists.txt lists them (`zfp_source`): zfp.c,
    // bitstream.c and one encoder and one decoder per dimensionality (1 to 4) and scalar
    // type (f: float, d: double, i: int32, l: int64). They #include the rest of src/.
    let src = zfp.join("src");
    build.file(src.join("zfp.c")).file(src.join("bitstream.c"));
    for dims in 1..=4 {
        for scalar in ["f", "d", "i", "l"] {
            for codec in ["encode", "decode"] {
                build.file(src.join(format!("{codec}{dims}{scalar}.c")));
            }
        }
    }
    // sizeof/offsetof/values from zfp.h, for the layout test of our declarations.
    build.file(root.join("shim").join("layout.c"));

    let target_os = env::var("CARGO_CFG_TARGET_OS")?;
    if build.try_get_compiler()?.is_like_msvc() {
        build.define("_CRT_SECURE_NO_WARNINGS", None).define("_SCL_SECURE_NO_WARNINGS", None);
    } else if target_os == "windows" {
        build.std("gnu90");
    } else {
        build.std("gnu99");
    }
    build.warnings(false).extra_warnings(false);
    build.try_compile("zfp")?;

    // zfp calls frexp, ldexp, floor, ... (CMake links libm when the C library lacks them).
    if env::var("CARGO_CFG_TARGET_FAMILY")?.split(',').any(|family| family == "unix") {
        println!("cargo:rustc-link-lib=m");
    }
    // DEP_ZFP_INCLUDE for crates that compile C against this zfp.
    println!("cargo:include={}", include.display());
    Ok(())
}
