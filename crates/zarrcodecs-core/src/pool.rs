//! A small per-thread cache of large freed buffers, so that decoding chunk after chunk
//! reuses memory instead of asking the system for fresh pages each time.
//!
//! Why: a decoded chunk of a few MiB is freed as soon as the caller is done with it.
//! glibc then often gives the memory back (it trims the heap top, or unmaps the
//! block), and the next chunk's buffer arrives as fresh pages, each faulted in on first
//! write: 2048 page faults and a zero-fill, about 4.5 ms, for an 8 MiB chunk whose
//! decode takes 0.6 ms. Measured with `perf stat -e page-faults` and `strace -c` on
//! `benches/examples/decode_loop.rs` (docs/architecture.md, "Buffers are reused per
//! thread").
//!
//! Bounds: only buffers of at least [`MIN_POOLED_BYTES`] are kept (smaller ones the
//! allocator serves well), at most [`MAX_BUFFERS`] per thread and [`MAX_TOTAL_BYTES`]
//! in all per thread; a request takes a buffer of at least its size and at most twice
//! it, so a small chunk never pins a large buffer.

use std::cell::RefCell;

/// Buffers smaller than this (in bytes) are left to the allocator.
pub(crate) const MIN_POOLED_BYTES: usize = 32 << 10;
/// The most buffers one thread keeps.
pub(crate) const MAX_BUFFERS: usize = 8;
/// The most bytes one thread keeps.
pub(crate) const MAX_TOTAL_BYTES: usize = 64 << 20;

thread_local! {
    static POOL: RefCell<Vec<Vec<u64>>> = const { RefCell::new(Vec::new()) };
}

/// A kept vector whose allocation holds `nwords` words and at most twice that, if this
/// thread has one, with its (initialised, stale) words; it may be shorter than
/// `nwords` (a buffer fitted to a smaller request, or a guess cut to its output, still
/// holds all its allocation, so it is matched by that). Of those, the one kept last,
/// whose memory is the likeliest to be in cache. (Taking the oldest, the encode/decode
/// loop of `decode_loop.rs` decoded lz4's 8 MiB 5-29 % slower than into the caller's
/// buffer on an Intel Xeon, whose memory copies at 14 GB/s; taking the newest, 0-1 %.)
pub(crate) fn take(nwords: usize) -> Option<Vec<u64>> {
    if nwords.saturating_mul(8) < MIN_POOLED_BYTES {
        return None;
    }
    take_by(|pool| pool.iter().rposition(|v| v.capacity() >= nwords && v.capacity() / 2 <= nwords))
}

/// For an output whose size is only a guess of `nwords` words (a decoder that does
/// not know its decoded size): the longest kept vector of `nwords / 8` words or more
/// whose allocation is at most `2 * nwords` words, if this thread has one, as long as
/// it is (a decoder writes what it needs and grows the rest, so nothing is filled).
/// Guesses are generous (zlib guesses four times its input), so the last chunk's
/// buffer is often smaller than the guess but as large as the output; a decoder that
/// outgrows it grows (three doublings at most to reach the guess), which costs less
/// than faulting in fresh pages for all of the guess.
pub(crate) fn take_for_guess(nwords: usize) -> Option<Vec<u64>> {
    let least = (nwords / 8).max(MIN_POOLED_BYTES / 8);
    take_by(|pool| {
        let fits = pool.iter().enumerate().filter(|(_, v)| v.len() >= least && v.capacity() / 2 <= nwords);
        fits.max_by_key(|(_, v)| v.len()).map(|(i, _)| i)
    })
}

/// Takes out the kept vector at the index `pick` chooses, if it chooses one.
fn take_by(pick: impl FnOnce(&[Vec<u64>]) -> Option<usize>) -> Option<Vec<u64>> {
    POOL.try_with(|pool| {
        let mut pool = pool.try_borrow_mut().ok()?;
        let i = pick(&pool)?;
        // `remove`, not `swap_remove`: the others stay oldest first.
        Some(pool.remove(i))
    })
    .ok()
    .flatten()
}

/// Keeps `words` for a later [`take`], if it is large enough and within the bounds;
/// the oldest kept buffers go first.
///
/// Buffers are counted by their allocation (capacity), not their length: a vector cut
/// to a shorter output still holds its whole allocation, and the bounds are on memory.
pub(crate) fn give(words: Vec<u64>) {
    let bytes = words.capacity().saturating_mul(8);
    if !(MIN_POOLED_BYTES..=MAX_TOTAL_BYTES).contains(&bytes) {
        return;
    }
    let _ = POOL.try_with(move |pool| {
        if let Ok(mut pool) = pool.try_borrow_mut() {
            pool.push(words);
            while pool.len() > MAX_BUFFERS || pool.iter().map(|v| v.capacity() * 8).sum::<usize>() > MAX_TOTAL_BYTES {
                pool.remove(0);
            }
        }
    });
}

/// Drops every buffer this thread keeps.
pub(crate) fn clear() {
    let _ = POOL.try_with(|pool| {
        if let Ok(mut pool) = pool.try_borrow_mut() {
            pool.clear();
        }
    });
}

/// Bytes this thread keeps (their allocations).
pub(crate) fn kept_bytes() -> usize {
    POOL.try_with(|pool| pool.try_borrow().map_or(0, |p| p.iter().map(|v| v.capacity() * 8).sum())).unwrap_or(0)
}
