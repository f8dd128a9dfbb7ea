//! The byte transpose: `shuffle` writes byte `b` of element `i` to `out[b * count + i]`,
//! `unshuffle` undoes it. Blocked (64 elements at a time): each block is read once and
//! each byte plane is written contiguously. Element sizes 2 and 4 are `u16`/`u32` shifts
//! and truncations, 8 and 16 two or four `u32` lanes: loops the compiler vectorises
//! with packs and unpacks (SSE2 included). Other sizes go 8 elements by 8 bytes at a
//! time through 8x8 byte transposes on `u64` words. The loops run in a copy compiled
//! for AVX2 when the CPU has it (`zarrcodecs_kernels::cpu::with_best_cpu`): unshuffling
//! 8 MiB of 8-byte elements took 1.11 ms built for SSE2, 0.57 ms so (4-byte: 0.93 and
//! 0.36 ms); shuffling 4-byte elements 0.80 and 0.65 ms; 8-byte shuffles stay at about
//! 1 ms either way.

use zarrcodecs_kernels::cpu::with_best_cpu;

/// Elements per block: 64 elements of at most 16 bytes stay in L1.
const BLOCK: usize = 64;

/// `dst[b * count + i] = src[i * n + b]` for `count = src.len() / n` (`src.len()` is a
/// multiple of `n`, `dst.len() == src.len()`).
pub(crate) fn shuffle(src: &[u8], dst: &mut [u8], n: usize) {
    debug_assert_eq!(src.len(), dst.len());
    with_best_cpu(
        #[inline(always)]
        || match n {
            2 => shuffle_word::<u16>(src, dst),
            4 => shuffle_word::<u32>(src, dst),
            8 => shuffle_lanes::<2>(src, dst),
            16 => shuffle_lanes::<4>(src, dst),
            _ => shuffle_generic(src, dst, n),
        },
    );
}

/// The inverse of [`shuffle`]: `dst[i * n + b] = src[b * count + i]`.
pub(crate) fn unshuffle(src: &[u8], dst: &mut [u8], n: usize) {
    debug_assert_eq!(src.len(), dst.len());
    with_best_cpu(
        #[inline(always)]
        || match n {
            2 => unshuffle_word::<u16>(src, dst),
            4 => unshuffle_word::<u32>(src, dst),
            8 => unshuffle_lanes::<2>(src, dst),
            16 => unshuffle_lanes::<4>(src, dst),
            _ => unshuffle_generic(src, dst, n),
        },
    );
}

/// An element of 2 or 4 bytes as an unsigned integer, so that byte `b` of every
/// element is a shift and a truncation: loops the compiler vectorises with packs and
/// unpacks (SSE2 included).
trait Word: Copy {
    const N: usize;
    fn load(bytes: &[u8]) -> Self;
    fn store(self, bytes: &mut [u8]);
    fn byte(self, b: usize) -> u8;
    fn from_byte(v: u8, b: usize) -> Self;
    fn or(self, other: Self) -> Self;
    const ZERO: Self;
}

macro_rules! word {
    ($t:ty, $n:expr) => {
        impl Word for $t {
            const N: usize = $n;
            const ZERO: Self = 0;
            #[inline(always)]
            fn load(bytes: &[u8]) -> Self {
                let mut a = [0u8; $n];
                a.copy_from_slice(bytes);
                <$t>::from_le_bytes(a)
            }
            #[inline(always)]
            fn store(self, bytes: &mut [u8]) {
                bytes.copy_from_slice(&self.to_le_bytes());
            }
            #[inline(always)]
            #[allow(clippy::cast_possible_truncation)]
            fn byte(self, b: usize) -> u8 {
                (self >> (8 * b)) as u8
            }
            #[inline(always)]
            fn from_byte(v: u8, b: usize) -> Self {
                <$t>::from(v) << (8 * b)
            }
            #[inline(always)]
            fn or(self, other: Self) -> Self {
                self | other
            }
        }
    };
}

word!(u16, 2);
word!(u32, 4);

#[inline(always)]
fn shuffle_word<W: Word>(src: &[u8], dst: &mut [u8]) {
    let n = W::N;
    let count = src.len() / n;
    let blocks = count / BLOCK;
    let mut words = [W::ZERO; BLOCK];
    for blk in 0..blocks {
        let start = blk * BLOCK;
        for (w, c) in words.iter_mut().zip(src[start * n..(start + BLOCK) * n].chunks_exact(n)) {
            *w = W::load(c);
        }
        for (b, plane) in dst.chunks_exact_mut(count).enumerate() {
            for (d, w) in plane[start..start + BLOCK].iter_mut().zip(&words) {
                *d = w.byte(b);
            }
        }
    }
    for i in blocks * BLOCK..count {
        for b in 0..n {
            dst[b * count + i] = src[i * n + b];
        }
    }
}

#[inline(always)]
fn unshuffle_word<W: Word>(src: &[u8], dst: &mut [u8]) {
    let n = W::N;
    let count = src.len() / n;
    let blocks = count / BLOCK;
    let mut words = [W::ZERO; BLOCK];
    for blk in 0..blocks {
        let start = blk * BLOCK;
        words.fill(W::ZERO);
        for (b, plane) in src.chunks_exact(count).enumerate() {
            for (w, &v) in words.iter_mut().zip(&plane[start..start + BLOCK]) {
                *w = w.or(W::from_byte(v, b));
            }
        }
        for (w, c) in words.iter().zip(dst[start * n..(start + BLOCK) * n].chunks_exact_mut(n)) {
            w.store(c);
        }
    }
    for i in blocks * BLOCK..count {
        for b in 0..n {
            dst[i * n + b] = src[b * count + i];
        }
    }
}

/// Elements of `4 * L` bytes as `L` lanes of `u32`: each lane gives four planes as
/// [`shuffle_word`] does, so 8- and 16-byte elements vectorise like 4-byte ones.
#[inline(always)]
fn shuffle_lanes<const L: usize>(src: &[u8], dst: &mut [u8]) {
    let n = 4 * L;
    let count = src.len() / n;
    let blocks = count / BLOCK;
    let mut lanes = [[0u32; BLOCK]; L];
    for blk in 0..blocks {
        let start = blk * BLOCK;
        for (k, c) in src[start * n..(start + BLOCK) * n].chunks_exact(n).enumerate() {
            for (j, lane) in lanes.iter_mut().enumerate() {
                lane[k] = u32::load(&c[4 * j..4 * j + 4]);
            }
        }
        for (b, plane) in dst.chunks_exact_mut(count).enumerate() {
            let lane = &lanes[b / 4];
            for (d, w) in plane[start..start + BLOCK].iter_mut().zip(lane) {
                *d = w.byte(b % 4);
            }
        }
    }
    for i in blocks * BLOCK..count {
        for b in 0..n {
            dst[b * count + i] = src[i * n + b];
        }
    }
}

/// The inverse of [`shuffle_lanes`].
#[inline(always)]
fn unshuffle_lanes<const L: usize>(src: &[u8], dst: &mut [u8]) {
    let n = 4 * L;
    let count = src.len() / n;
    let blocks = count / BLOCK;
    let mut lanes = [[0u32; BLOCK]; L];
    for blk in 0..blocks {
        let start = blk * BLOCK;
        for lane in &mut lanes {
            lane.fill(0);
        }
        for (b, plane) in src.chunks_exact(count).enumerate() {
            let lane = &mut lanes[b / 4];
            for (w, &v) in lane.iter_mut().zip(&plane[start..start + BLOCK]) {
                *w |= u32::from_byte(v, b % 4);
            }
        }
        for (k, c) in dst[start * n..(start + BLOCK) * n].chunks_exact_mut(n).enumerate() {
            for (j, lane) in lanes.iter().enumerate() {
                lane[k].store(&mut c[4 * j..4 * j + 4]);
            }
        }
    }
    for i in blocks * BLOCK..count {
        for b in 0..n {
            dst[i * n + b] = src[b * count + i];
        }
    }
}

/// Transposes an 8x8 byte matrix held as 8 little-endian rows: afterwards `m[j]` byte
/// `i` is what `m[i]` byte `j` was. Three rounds of swapping bytes, then 16-bit, then
/// 32-bit units between pairs of rows.
#[inline(always)]
fn transpose8(m: &mut [u64; 8]) {
    const MASKS: [u64; 3] = [0x00FF_00FF_00FF_00FF, 0x0000_FFFF_0000_FFFF, 0x0000_0000_FFFF_FFFF];
    for (level, mask) in MASKS.iter().enumerate() {
        let step = 1 << level;
        let shift = 8 << level;
        for i in 0..8 {
            if i & step == 0 {
                let t = ((m[i] >> shift) ^ m[i + step]) & mask;
                m[i + step] ^= t;
                m[i] ^= t << shift;
            }
        }
    }
}

#[inline(always)]
fn load8(bytes: &[u8], at: usize) -> u64 {
    let mut a = [0u8; 8];
    a.copy_from_slice(&bytes[at..at + 8]);
    u64::from_le_bytes(a)
}

/// Any element size: 8 elements at a time, 8 byte planes at a time, as 8x8 byte
/// transposes of 8-byte loads (a load may run into the next element; those bytes are
/// not used). The elements whose loads would run past the end are done byte by byte.
#[inline(always)]
fn shuffle_generic(src: &[u8], dst: &mut [u8], n: usize) {
    let count = src.len() / n;
    let mut i = 0;
    // Group i..i+8 is safe when its last load, at (i + 7) * n + (n - 1) rounded down to a
    // tile start, fits: (i + 7) * n + n + 7 <= len is enough.
    while (i + 8) * n + 7 <= src.len() {
        for b0 in (0..n).step_by(8) {
            let mut m = [0u64; 8];
            for (k, row) in m.iter_mut().enumerate() {
                *row = load8(src, (i + k) * n + b0);
            }
            transpose8(&mut m);
            for (b, col) in m.iter().enumerate().take(n - b0) {
                let at = (b0 + b) * count + i;
                dst[at..at + 8].copy_from_slice(&col.to_le_bytes());
            }
        }
        i += 8;
    }
    for i in i..count {
        for b in 0..n {
            dst[b * count + i] = src[i * n + b];
        }
    }
}

/// The inverse of [`shuffle_generic`]: planes are read 8 bytes at a time, and each
/// element's tile is written as a whole 8-byte word. A word that runs past the tile's
/// last byte spills into the next element's first bytes, which are written afterwards
/// (tiles go last to first, elements in order, the next group after this one), so every
/// byte ends up right; the group runs only while its last word fits in `dst`.
#[inline(always)]
fn unshuffle_generic(src: &[u8], dst: &mut [u8], n: usize) {
    let count = src.len() / n;
    let mut i = 0;
    while i + 8 <= count && (i + 8) * n + 8 <= dst.len() {
        let last_tile = (n - 1) / 8 * 8;
        for b0 in (0..=last_tile).rev().step_by(8) {
            let w = (n - b0).min(8);
            let mut m = [0u64; 8];
            for (b, col) in m.iter_mut().enumerate().take(w) {
                *col = load8(src, (b0 + b) * count + i);
            }
            transpose8(&mut m);
            for (k, row) in m.iter().enumerate() {
                let at = (i + k) * n + b0;
                dst[at..at + 8].copy_from_slice(&row.to_le_bytes());
            }
        }
        i += 8;
    }
    for i in i..count {
        for b in 0..n {
            dst[i * n + b] = src[b * count + i];
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn naive(src: &[u8], n: usize) -> Vec<u8> {
        let count = src.len() / n;
        let mut out = vec![0; src.len()];
        for i in 0..count {
            for b in 0..n {
                out[b * count + i] = src[i * n + b];
            }
        }
        out
    }

    #[test]
    fn kernels_match_the_definition() {
        for n in 2..=20 {
            for count in [0, 1, 2, 63, 64, 65, 127, 128, 129, 1000] {
                #[allow(clippy::cast_possible_truncation)]
                let src: Vec<u8> = (0..n * count).map(|i| (i * 7 + i / 251) as u8).collect();
                let mut dst = vec![0; src.len()];
                shuffle(&src, &mut dst, n);
                assert_eq!(dst, naive(&src, n), "shuffle n={n} count={count}");
                let mut back = vec![0; src.len()];
                unshuffle(&dst, &mut back, n);
                assert_eq!(back, src, "unshuffle n={n} count={count}");
            }
        }
    }
}
