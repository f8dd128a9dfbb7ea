//! Run-time CPU dispatch for element kernels: the only `unsafe` code in this crate.
//!
//! Code built for the baseline x86-64 target (SSE2) ran the numeric filters slower than
//! numpy, which picks AVX2/AVX-512 loops at run time (measured with `cargo xtask bench`
//! and `perf`; see `docs/architecture.md`, "Kernels"). A library cannot set
//! `-C target-cpu`, so [`with_best_cpu`] runs a closure in a copy compiled for AVX2 +
//! FMA when the CPU has them, and the same safe, portable kernel gets wide vectors.

#![allow(unsafe_code)]

/// Runs `f`, compiled for AVX2, FMA, BMI1/2, LZCNT and POPCNT (x86-64-v3) if the CPU
/// has them, else as built. Returns what `f` returns.
///
/// Put a kernel's loop in `f` and mark the functions it calls `#[inline(always)]` (or
/// `#[inline]` for small ones): code inlined into the dispatched copy is compiled for
/// the wider vectors; code behind a call that is not inlined runs as built. The result
/// must not depend on which copy ran: use it for operations whose results are exactly
/// defined (integer arithmetic, IEEE-754 `+ - * /`, conversions), never for
/// `mul_add`-style fused operations that the compiler would not otherwise emit.
///
/// ```
/// let src = [1.5f64, -2.25, 3.0];
/// let doubled: Vec<f64> = zarrcodecs_kernels::cpu::with_best_cpu(|| src.iter().map(|x| x * 2.0).collect());
/// assert_eq!(doubled, [3.0, -4.5, 6.0]);
/// ```
#[inline]
pub fn with_best_cpu<R>(f: impl FnOnce() -> R) -> R {
    #[cfg(target_arch = "x86_64")]
    {
        #[target_feature(enable = "avx2,fma,bmi1,bmi2,lzcnt,popcnt")]
        fn v3<R>(f: impl FnOnce() -> R) -> R {
            f()
        }
        if has_v3() {
            // SAFETY: `v3` only requires the CPU features that `has_v3` has just checked
            // are present; it calls `f` and nothing else.
            return unsafe { v3(f) };
        }
    }
    f()
}

/// Whether [`with_best_cpu`] runs its closure in the x86-64-v3 copy on this CPU. A
/// kernel may pick an instruction that is fast there and a library call on the
/// baseline (e.g. `f64::round_ties_even`) on this, as long as both give the same values.
#[inline]
pub fn has_best_cpu() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        has_v3()
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        false
    }
}

#[cfg(target_arch = "x86_64")]
fn has_v3() -> bool {
    use std::sync::OnceLock;
    static HAS: OnceLock<bool> = OnceLock::new();
    *HAS.get_or_init(|| {
        std::arch::is_x86_feature_detected!("avx2")
            && std::arch::is_x86_feature_detected!("fma")
            && std::arch::is_x86_feature_detected!("bmi1")
            && std::arch::is_x86_feature_detected!("bmi2")
            && std::arch::is_x86_feature_detected!("lzcnt")
            && std::arch::is_x86_feature_detected!("popcnt")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[allow(clippy::cast_possible_truncation)] // the values are small
    fn dispatched_code_gives_the_same_results() {
        let src: Vec<f64> = (0..1000).map(|i| f64::from(i) * 0.37 - 100.0).collect();
        let plain: Vec<i32> = src.iter().map(|x| x.round_ties_even() as i32).collect();
        let fast: Vec<i32> = with_best_cpu(|| src.iter().map(|x| x.round_ties_even() as i32).collect());
        assert_eq!(plain, fast);
    }
}
