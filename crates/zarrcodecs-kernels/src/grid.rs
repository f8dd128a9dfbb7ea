//! Disjoint N-dimensional blocks of one C-order buffer, each writable on its own (and
//! from its own thread): the N-dimensional [`chunks_mut`](slice::chunks_mut), for
//! placing decoded chunks into one array in parallel.
//!
//! ```
//! use zarrcodecs_kernels::grid::blocks_mut;
//!
//! // A 3 x 4 array of u8, cut after row 2 and after column 1: four blocks.
//! let mut out = [0u8; 12];
//! let mut blocks = blocks_mut(&mut out, &[3, 4], 1, &[vec![0, 2, 3], vec![0, 1, 4]])?;
//! assert_eq!(blocks.len(), 4);
//! for (n, block) in blocks.iter_mut().enumerate() {
//!     block.fill(&[n as u8 + 1])?;
//! }
//! drop(blocks);
//! assert_eq!(out, [1, 2, 2, 2, 1, 2, 2, 2, 3, 4, 4, 4]);
//! # Ok::<(), zarrcodecs_core::Error>(())
//! ```
#![allow(unsafe_code)] // the raw-pointer writes of `BlockMut`; each says why it is sound

use std::marker::PhantomData;

use zarrcodecs_core::{Error, Result};

fn region(reason: impl std::fmt::Display) -> Error {
    Error::Region { reason: reason.to_string() }
}

/// One block of a buffer cut by [`blocks_mut`]: a box of whole items, which only this
/// value writes. It is [`Send`], so blocks can be filled from different threads.
#[derive(Debug)]
pub struct BlockMut<'a> {
    /// The start of the whole buffer.
    base: *mut u8,
    /// The shape of the whole buffer, in items.
    array: Vec<usize>,
    /// The block's position in the grid of blocks.
    index: Vec<usize>,
    /// The block's first item, per axis.
    start: Vec<usize>,
    /// The block's extent, per axis.
    shape: Vec<usize>,
    itemsize: usize,
    _buffer: PhantomData<&'a mut [u8]>,
}

// SAFETY: a `BlockMut` is a unique borrow of its own items of the buffer (blocks of
// one cut never overlap, see `blocks_mut`), like a `&mut [u8]`, which is `Send`.
unsafe impl Send for BlockMut<'_> {}

/// Cuts `out`, a C-order array of `shape` with items of `itemsize` bytes, into blocks:
/// along each axis `d`, `cuts[d]` lists the boundaries, from 0 to `shape[d]`, strictly
/// increasing. Every item of `out` is in exactly one block; blocks come in C order of
/// their grid index. An empty `out` gives no blocks.
///
/// # Errors
/// [`Error::Region`] if `out` does not hold the shape's bytes or a cut list is not as
/// described.
pub fn blocks_mut<'a>(
    out: &'a mut [u8],
    shape: &[usize],
    itemsize: usize,
    cuts: &[Vec<usize>],
) -> Result<Vec<BlockMut<'a>>> {
    let nbytes = shape.iter().try_fold(itemsize, |a, &d| a.checked_mul(d));
    if nbytes != Some(out.len()) {
        return Err(region(format_args!(
            "a buffer of {} bytes does not hold shape {shape:?} of {itemsize}-byte items",
            out.len()
        )));
    }
    if cuts.len() != shape.len() {
        return Err(region(format_args!("{} cut lists for {} axes", cuts.len(), shape.len())));
    }
    for (d, (c, &n)) in cuts.iter().zip(shape).enumerate() {
        let ordered = c.windows(2).all(|w| w[0] < w[1]);
        if c.first() != Some(&0) || c.last() != Some(&n) || !ordered {
            return Err(region(format_args!(
                "the cuts of axis {d}, {c:?}, do not go from 0 to {n} in increasing steps"
            )));
        }
    }
    if out.is_empty() {
        return Ok(Vec::new());
    }
    let base = out.as_mut_ptr();
    // Non-empty, so every axis is at least 1 and each block at least one item: there
    // are no more blocks than items.
    let grid: Vec<usize> = cuts.iter().map(|c| c.len() - 1).collect();
    let mut blocks = Vec::with_capacity(grid.iter().product());
    let mut index = vec![0usize; grid.len()];
    loop {
        let start = index.iter().zip(cuts).map(|(&i, c)| c[i]).collect();
        let extent = index.iter().zip(cuts).map(|(&i, c)| c[i + 1] - c[i]).collect();
        blocks.push(BlockMut {
            base,
            array: shape.to_vec(),
            index: index.clone(),
            start,
            shape: extent,
            itemsize,
            _buffer: PhantomData,
        });
        if !next_index(&mut index, &grid) {
            return Ok(blocks);
        }
    }
}

/// Steps a C-order odometer over `0..bounds`; false after the last position.
fn next_index(index: &mut [usize], bounds: &[usize]) -> bool {
    for d in (0..index.len()).rev() {
        index[d] += 1;
        if index[d] < bounds[d] {
            return true;
        }
        index[d] = 0;
    }
    false
}

impl BlockMut<'_> {
    /// The block's position in the grid of blocks.
    pub fn index(&self) -> &[usize] {
        &self.index
    }

    /// The block's first item in the buffer, per axis.
    pub fn start(&self) -> &[usize] {
        &self.start
    }

    /// The block's extent, per axis.
    pub fn shape(&self) -> &[usize] {
        &self.shape
    }

    /// The block's bytes, if they are one contiguous run of the buffer (a block that
    /// spans whole rows: full extent on every axis after the first one longer than 1).
    pub fn as_contiguous_mut(&mut self) -> Option<&mut [u8]> {
        let first = self.shape.iter().position(|&n| n > 1).unwrap_or(self.shape.len());
        let whole = ((first + 1)..self.shape.len()).all(|d| self.shape[d] == self.array[d] && self.start[d] == 0);
        if !whole {
            return None;
        }
        let len = self.shape.iter().product::<usize>() * self.itemsize;
        let offset = self.byte_offset(&vec![0; self.shape.len()]);
        // SAFETY: the block's items are exactly `offset..offset + len` of the buffer
        // (every axis after `first` is whole and every axis before has extent 1), which
        // only this block writes, and `&mut self` makes this the only live slice of it.
        Some(unsafe { std::slice::from_raw_parts_mut(self.base.add(offset), len) })
    }

    /// Sets every item of the block to `item`.
    ///
    /// # Errors
    /// [`Error::Region`] if `item` is not one item long.
    pub fn fill(&mut self, item: &[u8]) -> Result<()> {
        if item.len() != self.itemsize {
            return Err(region(format_args!("a fill item of {} bytes for {}-byte items", item.len(), self.itemsize)));
        }
        let zero = item.iter().all(|&b| b == 0);
        self.for_each_run(self.shape.len(), |run| {
            if zero {
                run.fill(0);
            } else {
                for dst in run.chunks_exact_mut(item.len()) {
                    dst.copy_from_slice(item);
                }
            }
        });
        Ok(())
    }

    /// Copies into the block the box of the same shape at `src_start` of `src`, an
    /// array of `src_shape` whose items (of the block's size) are in C order, or in
    /// Fortran order if `src_fortran`.
    ///
    /// # Errors
    /// [`Error::Region`] if `src` does not hold `src_shape`, or the box does not fit in
    /// it.
    pub fn copy_from(&mut self, src: &[u8], src_shape: &[usize], src_start: &[usize], src_fortran: bool) -> Result<()> {
        let n = self.shape.len();
        let nbytes = src_shape.iter().try_fold(self.itemsize, |a, &d| a.checked_mul(d));
        if nbytes != Some(src.len()) || src_shape.len() != n || src_start.len() != n {
            return Err(region(format_args!(
                "a source of {} bytes and shape {src_shape:?} for a block of {n} axes and {}-byte items",
                src.len(),
                self.itemsize
            )));
        }
        if (0..n).any(|d| src_start[d].checked_add(self.shape[d]).is_none_or(|end| end > src_shape[d])) {
            return Err(region(format_args!(
                "a block of shape {:?} at {src_start:?} does not fit in a source of shape {src_shape:?}",
                self.shape
            )));
        }
        // Source strides, in items.
        let mut strides = vec![0usize; n];
        let mut step = 1;
        let axes: Vec<usize> = if src_fortran { (0..n).collect() } else { (0..n).rev().collect() };
        for d in axes {
            strides[d] = step;
            step *= src_shape[d];
        }
        let size = self.itemsize;
        let origin: usize = (0..n).map(|d| src_start[d] * strides[d]).sum();
        let shape = self.shape.clone();
        if src_fortran && n > 1 {
            // Transposing: item by item along the last axis, whose source stride is
            // not 1.
            let last = n - 1;
            let mut outer = vec![0usize; last];
            self.for_each_run(last, |run| {
                let mut at = origin + (0..last).map(|d| outer[d] * strides[d]).sum::<usize>();
                for dst in run.chunks_exact_mut(size) {
                    dst.copy_from_slice(&src[at * size..(at + 1) * size]);
                    at += strides[last];
                }
                next_index(&mut outer, &shape[..last]);
            });
            return Ok(());
        }
        // Runs: the trailing axes that are whole in both the block's buffer and the
        // source (so contiguous in both), and the axis before them.
        let mut keep = n;
        while keep > 0 {
            keep -= 1;
            if !(shape[keep] == self.array[keep] && shape[keep] == src_shape[keep]) {
                break;
            }
        }
        let mut outer = vec![0usize; keep];
        self.for_each_run(keep, |run| {
            let at = origin + (0..keep).map(|d| outer[d] * strides[d]).sum::<usize>();
            run.copy_from_slice(&src[at * size..at * size + run.len()]);
            next_index(&mut outer, &shape[..keep]);
        });
        Ok(())
    }

    /// Byte offset in the buffer of the item at `at` within the block.
    fn byte_offset(&self, at: &[usize]) -> usize {
        let offset = (0..self.array.len()).fold(0, |offset, d| offset * self.array[d] + self.start[d] + at[d]);
        offset * self.itemsize
    }

    /// Calls `f` with each run of the block, in C order: the block's items at one index
    /// of its first `outer` axes (all of the later axes). For `outer` = the number of
    /// axes, runs are single items, merged with any whole trailing axes as the buffer
    /// allows (so `fill` and `copy_from` pass the longest runs they can).
    fn for_each_run(&mut self, outer: usize, mut f: impl FnMut(&mut [u8])) {
        let n = self.shape.len();
        if self.shape.contains(&0) {
            return;
        }
        // Extend the run backwards over axes whole in the buffer.
        let mut outer = outer.min(n);
        if outer == n && n > 0 {
            outer = n - 1;
            while outer > 0 && self.shape[outer] == self.array[outer] {
                outer -= 1;
            }
        }
        let run_items: usize = self.shape[outer.min(n)..].iter().product();
        let len = run_items * self.itemsize;
        let mut index = vec![0usize; n];
        loop {
            let offset = self.byte_offset(&index);
            // SAFETY: the run is the block's items at `index[..outer]` over every later
            // axis, which lie at `offset..offset + len` of the buffer because each later
            // axis of the run either is the last run axis or is whole in the buffer (the
            // callers pass `outer` so); they are this block's alone, and `&mut self`
            // makes the slice the only live one.
            f(unsafe { std::slice::from_raw_parts_mut(self.base.add(offset), len) });
            if !next_index(&mut index[..outer], &self.shape[..outer]) {
                return;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::cast_possible_truncation)]
    use super::*;

    /// The array 0, 1, 2, ... of `shape`, as u16 bytes.
    fn iota(shape: &[usize]) -> Vec<u8> {
        let n: usize = shape.iter().product();
        (0..n as u16).flat_map(u16::to_le_bytes).collect()
    }

    fn items(bytes: &[u8]) -> Vec<u16> {
        bytes.chunks_exact(2).map(|c| u16::from_le_bytes([c[0], c[1]])).collect()
    }

    /// C-order index to flat position.
    fn flat(at: &[usize], shape: &[usize]) -> usize {
        at.iter().zip(shape).fold(0, |a, (&i, &n)| a * n + i)
    }

    #[test]
    fn cuts_are_checked() {
        let mut out = vec![0u8; 12];
        assert!(blocks_mut(&mut out, &[3, 4], 1, &[vec![0, 3], vec![0, 4]]).is_ok());
        for cuts in [
            vec![vec![0, 3]],
            vec![vec![1, 3], vec![0, 4]],
            vec![vec![0, 2, 2, 3], vec![0, 4]],
            vec![vec![0, 3], vec![0, 5]],
        ] {
            assert!(matches!(blocks_mut(&mut out, &[3, 4], 1, &cuts), Err(Error::Region { .. })), "{cuts:?}");
        }
        assert!(blocks_mut(&mut out, &[3, 5], 1, &[vec![0, 3], vec![0, 5]]).is_err());
        assert!(blocks_mut(&mut out, &[usize::MAX, 2], 1, &[vec![0, 3], vec![0, 2]]).is_err());
        assert!(blocks_mut(&mut [], &[0, 4], 2, &[vec![0], vec![0, 4]]).unwrap().is_empty());
        let mut scalar = [0u8; 2];
        let mut one = blocks_mut(&mut scalar, &[], 2, &[]).unwrap();
        assert_eq!(one.len(), 1);
        one[0].fill(&[7, 1]).unwrap();
        drop(one);
        assert_eq!(scalar, [7, 1]);
    }

    /// Every way of cutting a 3-d array, each block filled from a C or F source
    /// bigger than it: the result is the source's items where they belong.
    #[test]
    fn copies_place_every_item() {
        let shape = [4, 3, 5];
        for cuts in [
            vec![vec![0, 4], vec![0, 3], vec![0, 5]],
            vec![vec![0, 1, 4], vec![0, 3], vec![0, 5]],
            vec![vec![0, 2, 4], vec![0, 1, 3], vec![0, 5]],
            vec![vec![0, 4], vec![0, 3], vec![0, 2, 3, 5]],
            vec![vec![0, 1, 2, 3, 4], vec![0, 1, 2, 3], vec![0, 1, 2, 3, 4, 5]],
        ] {
            for fortran in [false, true] {
                // The source: a 6 x 6 x 6 array whose item at (i, j, k) is its C position.
                let src_shape = [6, 6, 6];
                let c = iota(&src_shape);
                let src = if fortran {
                    // Same logical items, stored in Fortran order.
                    let mut f = vec![0u8; c.len()];
                    for i in 0..6 {
                        for j in 0..6 {
                            for k in 0..6 {
                                let (from, to) = (flat(&[i, j, k], &src_shape), flat(&[k, j, i], &src_shape));
                                f[to * 2..to * 2 + 2].copy_from_slice(&c[from * 2..from * 2 + 2]);
                            }
                        }
                    }
                    f
                } else {
                    c
                };
                let mut out = vec![0u8; 4 * 3 * 5 * 2];
                for mut block in blocks_mut(&mut out, &shape, 2, &cuts).unwrap() {
                    let at: Vec<usize> = block.start().iter().map(|s| s + 1).collect();
                    block.copy_from(&src, &src_shape, &at, fortran).unwrap();
                }
                let got = items(&out);
                for i in 0..4 {
                    for j in 0..3 {
                        for k in 0..5 {
                            let want = flat(&[i + 1, j + 1, k + 1], &src_shape) as u16;
                            assert_eq!(
                                got[flat(&[i, j, k], &shape)],
                                want,
                                "{cuts:?} fortran={fortran} at {i},{j},{k}"
                            );
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn contiguous_blocks_and_bad_copies() {
        let mut out = vec![0u8; 4 * 3 * 2];
        let mut blocks = blocks_mut(&mut out, &[4, 3], 2, &[vec![0, 1, 4], vec![0, 3]]).unwrap();
        assert_eq!(blocks[0].as_contiguous_mut().map(|s| s.len()), Some(6));
        assert_eq!(blocks[1].as_contiguous_mut().map(|s| s.len()), Some(18));
        blocks[1].as_contiguous_mut().unwrap().fill(9);
        assert!(blocks[0].copy_from(&[0; 6], &[1, 3], &[0, 1], false).is_err(), "out of the source");
        assert!(blocks[0].copy_from(&[0; 5], &[1, 3], &[0, 0], false).is_err(), "source too short");
        assert!(blocks[0].fill(&[1]).is_err(), "item too short");
        drop(blocks);
        assert_eq!(&out[..6], &[0; 6]);
        assert!(out[6..].iter().all(|&b| b == 9));
        let mut out = vec![0u8; 4 * 3];
        let mut blocks = blocks_mut(&mut out, &[4, 3], 1, &[vec![0, 4], vec![0, 1, 3]]).unwrap();
        assert!(blocks[0].as_contiguous_mut().is_none());
    }
}
