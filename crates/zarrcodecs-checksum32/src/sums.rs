//! The checksum functions themselves. CRC32 and CRC32C come from `crc32fast` and
//! `crc-fast` (both pick a hardware kernel at run time: carry-less multiplication,
//! PCLMULQDQ / VPCLMULQDQ on x86_64, PMULL on aarch64, with a table fallback);
//! Adler-32, Fletcher-32 and lookup3 are our own.

/// CRC-32 (ISO-HDLC, zlib's `crc32`) of `data`.
pub fn crc32(data: &[u8]) -> u32 {
    crc32fast::hash(data)
}

/// CRC-32C (Castagnoli, iSCSI) of `data`, as the `crc32c` Python package computes it.
pub fn crc32c(data: &[u8]) -> u32 {
    crc32c_update(0, data)
}

/// Continues a CRC-32C `crc` (of the data so far; 0 for none) over `data`.
pub fn crc32c_update(crc: u32, data: &[u8]) -> u32 {
    let mut digest = crc_fast::Digest::new_with_init_state(crc_fast::CrcAlgorithm::Crc32Iscsi, u64::from(!crc));
    digest.update(data);
    // A CRC-32's digest fits in 32 bits.
    u32::try_from(digest.finalize()).unwrap_or(0)
}

/// Adler-32 of `data`, as zlib's `adler32` computes it (starting value 1).
pub fn adler32(data: &[u8]) -> u32 {
    adler32_update(1, data)
}

/// Continues an Adler-32 checksum `adler` over `data`.
///
/// This is `simd-adler32`, which picks an AVX2, SSSE3 or SSE2 kernel (NEON on
/// aarch64) at run time, with a scalar fallback: measured 2-3x our own safe lane sums.
pub fn adler32_update(adler: u32, data: &[u8]) -> u32 {
    let mut hasher = simd_adler32::Adler32::from_checksum(adler);
    hasher.write(data);
    hasher.finish()
}

/// Fletcher-32's modulus: HDF5's end-around-carry folds keep each sum congruent to
/// its true value modulo 65535.
const FLETCHER_MOD: u64 = 65535;
/// Lanes of the vectorisable Fletcher-32 loop (16-bit words per chunk).
const LANES: usize = 32;
/// Chunks of [`LANES`] words summed between two reductions. Lane `i`'s weighted sum
/// `p[i]` reaches at most 65535 * K * (K - 1) / 2, which fits in u32 for K <= 362.
const FLETCHER_CHUNKS: usize = 256;
/// Bytes summed between two reductions (16 KiB).
const FLETCHER_BLOCK: usize = FLETCHER_CHUNKS * LANES * 2;

/// Fletcher-32 as HDF5 (`H5_checksum_fletcher32`) and numcodecs compute it: 16-bit
/// big-endian words, sums reduced by end-around carry after every block of 360 words,
/// a trailing odd byte taken as the high byte of a last word.
pub fn fletcher32(data: &[u8]) -> u32 {
    let mut state = Fletcher32State::default();
    state.update(data);
    state.finish()
}

/// Fletcher-32 ([`fletcher32`]) computed over consecutive pieces of data.
///
/// Each of HDF5's folds `(x & 0xffff) + (x >> 16)` keeps `x` modulo 65535 and keeps it
/// non-zero if it was, and its last two folds leave it at most 0xffff. So each half of
/// HDF5's result is 0 when its exact (unreduced) sum is 0, that is when every word is
/// 0, and otherwise the exact sum modulo 65535 written in 1..=0xffff. This state keeps
/// the sums modulo 65535, reduced once per 16 KiB instead of folded every 720 bytes,
/// and whether any word was non-zero: the same bits.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Fletcher32State {
    /// The sum of the words, modulo 65535.
    sum1: u64,
    /// The sum of the running sums, modulo 65535.
    sum2: u64,
    /// Whether any word so far was non-zero.
    nonzero: bool,
    /// The high byte of a word whose low byte is still to come.
    odd: Option<u8>,
}

impl Fletcher32State {
    /// Adds one word (below 2^16).
    fn word(&mut self, w: u64) {
        self.nonzero |= w != 0;
        self.sum1 = (self.sum1 + w) % FLETCHER_MOD;
        self.sum2 = (self.sum2 + self.sum1) % FLETCHER_MOD;
    }

    /// Continues over `data`.
    pub(crate) fn update(&mut self, mut data: &[u8]) {
        if let Some(high) = self.odd {
            let Some((&low, rest)) = data.split_first() else { return };
            self.odd = None;
            self.word(u64::from(u16::from_be_bytes([high, low])));
            data = rest;
        }
        let (words, odd) = data.split_at(data.len() & !1);
        // In the AVX2 build when the CPU has it: the lanes of `word_block_sums` are
        // twice as wide there; integer sums, so the same result either way.
        zarrcodecs_kernels::cpu::with_best_cpu(|| {
            for block in words.chunks(FLETCHER_BLOCK) {
                let (sum, weighted) = word_block_sums(block);
                self.nonzero |= sum != 0;
                let n = (block.len() / 2) as u64;
                // Exactly the sequential `sum1 += w; sum2 += sum1;` over the block,
                // modulo 65535 (every term is below 2^50: no overflow).
                self.sum2 = (self.sum2 + n * self.sum1 + weighted) % FLETCHER_MOD;
                self.sum1 = (self.sum1 + sum) % FLETCHER_MOD;
            }
        });
        self.odd = odd.first().copied();
    }

    /// The checksum of all the data, a last odd byte taken as a word's high byte.
    pub(crate) fn finish(mut self) -> u32 {
        if let Some(high) = self.odd.take() {
            self.word(u64::from(high) << 8);
        }
        if !self.nonzero {
            return 0;
        }
        // A non-zero sum that is 0 modulo 65535 folds to 0xffff.
        let half = |x: u64| if x == 0 { 0xffff } else { (x & 0xffff) as u32 };
        (half(self.sum2) << 16) | half(self.sum1)
    }
}

/// For at most [`FLETCHER_BLOCK`] bytes of big-endian 16-bit words: their sum, and the
/// sum of each word times (number of words - its index), both exact. Inlined, so that
/// the caller's AVX2 copy gets an AVX2 copy of it.
#[inline(always)]
fn word_block_sums(block: &[u8]) -> (u64, u64) {
    let mut s = [0u32; LANES];
    let mut p = [0u32; LANES];
    let chunks = block.chunks_exact(2 * LANES);
    let tail = chunks.remainder();
    for chunk in chunks {
        // At most 256 chunks of words below 2^16: no overflow (see FLETCHER_CHUNKS;
        // wrapping only keeps overflow checks out of the vectorised loop).
        for i in 0..LANES {
            p[i] = p[i].wrapping_add(s[i]);
            s[i] = s[i].wrapping_add(u32::from(u16::from_be_bytes([chunk[2 * i], chunk[2 * i + 1]])));
        }
    }
    let mut sum = 0u64;
    let mut weighted = 0u64;
    // Lane i's own weight is 32 - i.
    for (i, (&si, &pi)) in s.iter().zip(&p).enumerate() {
        sum += u64::from(si);
        weighted += LANES as u64 * u64::from(pi) + (LANES - i) as u64 * u64::from(si);
    }
    // The tail words come after the full chunks: continue sequentially.
    for w in tail.chunks_exact(2) {
        sum += u64::from(u16::from_be_bytes([w[0], w[1]]));
        weighted += sum;
    }
    (sum, weighted)
}

/// Bob Jenkins' lookup3 `hashlittle` of `data` with seed `initval`, as HDF5
/// (`H5_checksum_lookup3`) and numcodecs' `jenkins_lookup3` compute it.
pub fn jenkins_lookup3(data: &[u8], initval: u32) -> u32 {
    let mut state = Lookup3State::new(data.len(), initval);
    state.update(data);
    state.finish()
}

/// lookup3 `hashlittle` ([`jenkins_lookup3`]) computed over consecutive pieces of data
/// whose total length is known from the start (it seeds the hash).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Lookup3State {
    a: u32,
    b: u32,
    c: u32,
    /// The last 1 to 12 bytes seen (none before any data): every 12-byte block but the
    /// last goes through `mix`, the last (a whole block included) through `final_mix`.
    pending: [u8; 12],
    pending_len: usize,
}

impl Lookup3State {
    /// The state before any of `len` bytes, seeded with `initval`.
    pub(crate) fn new(len: usize, initval: u32) -> Self {
        // The length enters as a 32-bit value, as in C's `(uint32_t)length`.
        let len32 = (len as u64 & 0xffff_ffff) as u32;
        let init = 0xdead_beef_u32.wrapping_add(len32).wrapping_add(initval);
        Lookup3State { a: init, b: init, c: init, pending: [0; 12], pending_len: 0 }
    }

    /// Mixes in the 12 pending bytes (more data follows them).
    fn mix_pending(&mut self) {
        (self.a, self.b, self.c) = absorb(self.a, self.b, self.c, &self.pending);
        self.pending_len = 0;
    }

    /// Continues over `data`.
    pub(crate) fn update(&mut self, mut data: &[u8]) {
        if data.is_empty() {
            return;
        }
        // Top up the pending block; if more data follows it, mix it in.
        let k = (12 - self.pending_len).min(data.len());
        self.pending[self.pending_len..self.pending_len + k].copy_from_slice(&data[..k]);
        self.pending_len += k;
        data = &data[k..];
        if data.is_empty() {
            return;
        }
        self.mix_pending();
        // All whole blocks but the last, then keep 1 to 12 bytes pending.
        let (body, rest) = data.split_at((data.len() - 1) / 12 * 12);
        let (mut a, mut b, mut c) = (self.a, self.b, self.c);
        for block in body.chunks_exact(12) {
            (a, b, c) = absorb(a, b, c, block);
        }
        (self.a, self.b, self.c) = (a, b, c);
        self.pending[..rest.len()].copy_from_slice(rest);
        self.pending_len = rest.len();
    }

    /// The hash of all the data.
    pub(crate) fn finish(self) -> u32 {
        if self.pending_len == 0 {
            // No data at all.
            return self.c;
        }
        // The last 1 to 12 bytes, zero-padded, as little-endian words.
        let mut last = [0u8; 12];
        last[..self.pending_len].copy_from_slice(&self.pending[..self.pending_len]);
        let a = self.a.wrapping_add(le32(&last[0..4]));
        let b = self.b.wrapping_add(le32(&last[4..8]));
        let c = self.c.wrapping_add(le32(&last[8..12]));
        final_mix(a, b, c)
    }
}

/// Adds a 12-byte block to the state as three little-endian words, then mixes.
fn absorb(a: u32, b: u32, c: u32, block: &[u8]) -> (u32, u32, u32) {
    mix(a.wrapping_add(le32(&block[0..4])), b.wrapping_add(le32(&block[4..8])), c.wrapping_add(le32(&block[8..12])))
}

fn le32(b: &[u8]) -> u32 {
    u32::from_le_bytes([b[0], b[1], b[2], b[3]])
}

fn mix(mut a: u32, mut b: u32, mut c: u32) -> (u32, u32, u32) {
    a = a.wrapping_sub(c);
    a ^= c.rotate_left(4);
    c = c.wrapping_add(b);
    b = b.wrapping_sub(a);
    b ^= a.rotate_left(6);
    a = a.wrapping_add(c);
    c = c.wrapping_sub(b);
    c ^= b.rotate_left(8);
    b = b.wrapping_add(a);
    a = a.wrapping_sub(c);
    a ^= c.rotate_left(16);
    c = c.wrapping_add(b);
    b = b.wrapping_sub(a);
    b ^= a.rotate_left(19);
    a = a.wrapping_add(c);
    c = c.wrapping_sub(b);
    c ^= b.rotate_left(4);
    b = b.wrapping_add(a);
    (a, b, c)
}

fn final_mix(mut a: u32, mut b: u32, mut c: u32) -> u32 {
    c ^= b;
    c = c.wrapping_sub(b.rotate_left(14));
    a ^= c;
    a = a.wrapping_sub(c.rotate_left(11));
    b ^= a;
    b = b.wrapping_sub(a.rotate_left(25));
    c ^= b;
    c = c.wrapping_sub(b.rotate_left(16));
    a ^= c;
    a = a.wrapping_sub(c.rotate_left(4));
    b ^= a;
    b = b.wrapping_sub(a.rotate_left(14));
    c ^= b;
    c = c.wrapping_sub(b.rotate_left(24));
    c
}

#[cfg(test)]
mod tests {
    use super::*;
    use zarrcodecs_core::testing::Rng;

    /// zlib's definition, byte by byte, from `start`.
    fn adler32_reference_from(start: u32, data: &[u8]) -> u32 {
        let (mut a, mut b) = (start & 0xffff, start >> 16);
        for &x in data {
            a = (a + u32::from(x)) % 65521;
            b = (b + a) % 65521;
        }
        (b << 16) | a
    }

    /// zlib's definition, byte by byte.
    fn adler32_reference(data: &[u8]) -> u32 {
        adler32_reference_from(1, data)
    }

    /// The straightforward port of lookup3's `hashlittle` this crate used before the
    /// streaming state: 12-byte blocks while more than 12 bytes are left, then the
    /// zero-padded tail.
    fn jenkins_lookup3_reference(data: &[u8], initval: u32) -> u32 {
        let len32 = (data.len() as u64 & 0xffff_ffff) as u32;
        let init = 0xdead_beef_u32.wrapping_add(len32).wrapping_add(initval);
        let (mut a, mut b, mut c) = (init, init, init);
        if data.is_empty() {
            return c;
        }
        let mut rest = data;
        while rest.len() > 12 {
            a = a.wrapping_add(le32(&rest[0..4]));
            b = b.wrapping_add(le32(&rest[4..8]));
            c = c.wrapping_add(le32(&rest[8..12]));
            (a, b, c) = mix(a, b, c);
            rest = &rest[12..];
        }
        let mut last = [0u8; 12];
        last[..rest.len()].copy_from_slice(rest);
        a = a.wrapping_add(le32(&last[0..4]));
        b = b.wrapping_add(le32(&last[4..8]));
        c = c.wrapping_add(le32(&last[8..12]));
        final_mix(a, b, c)
    }

    /// `H5_checksum_fletcher32`, word by word.
    fn fletcher32_reference(data: &[u8]) -> u32 {
        let (mut sum1, mut sum2) = (0u32, 0u32);
        let mut words = data.chunks_exact(2);
        let mut left = data.len() / 2;
        while left > 0 {
            let n = left.min(360);
            left -= n;
            for w in words.by_ref().take(n) {
                sum1 += (u32::from(w[0]) << 8) | u32::from(w[1]);
                sum2 += sum1;
            }
            sum1 = (sum1 & 0xffff) + (sum1 >> 16);
            sum2 = (sum2 & 0xffff) + (sum2 >> 16);
        }
        if data.len() % 2 == 1 {
            sum1 += u32::from(data[data.len() - 1]) << 8;
            sum2 += sum1;
            sum1 = (sum1 & 0xffff) + (sum1 >> 16);
            sum2 = (sum2 & 0xffff) + (sum2 >> 16);
        }
        sum1 = (sum1 & 0xffff) + (sum1 >> 16);
        sum2 = (sum2 & 0xffff) + (sum2 >> 16);
        (sum2 << 16) | sum1
    }

    fn inputs() -> Vec<Vec<u8>> {
        let mut rng = Rng::new(3);
        let mut out = Vec::new();
        for n in [0, 1, 2, 3, 15, 16, 17, 31, 32, 33, 359, 719, 720, 721, 1440, 5535, 5536, 5537, 5552, 11072, 70_001] {
            out.push(rng.bytes(n));
            out.push(vec![0xff; n]);
            out.push(vec![0; n]);
        }
        out
    }

    #[test]
    fn adler32_matches_the_definition() {
        for d in inputs() {
            assert_eq!(adler32(&d), adler32_reference(&d), "{} bytes", d.len());
        }
        assert_eq!(adler32(b"hello world!"), 0x1e89_047e);
        // Continuing over pieces gives the checksum of the whole.
        let d = Rng::new(9).bytes(20_000);
        assert_eq!(adler32_update(adler32(&d[..7777]), &d[7777..]), adler32(&d));
    }

    #[test]
    fn fletcher32_matches_hdf5() {
        for d in inputs() {
            assert_eq!(fletcher32(&d), fletcher32_reference(&d), "{} bytes", d.len());
        }
        assert_eq!(fletcher32(&[0xff; 720]), 0xffff_ffff);
        assert_eq!(fletcher32(&[]), 0);
    }

    #[test]
    fn lookup3_known_values() {
        // From lookup3.c's driver5 and numcodecs.
        assert_eq!(jenkins_lookup3(b"", 0), 0xdead_beef);
        assert_eq!(jenkins_lookup3(b"", 0xdead_beef), 0xbd5b_7dde);
        assert_eq!(jenkins_lookup3(b"Four score and seven years ago", 0), 0x1777_0551);
        assert_eq!(jenkins_lookup3(b"Four score and seven years ago", 1), 0xcd62_8161);
        assert_eq!(jenkins_lookup3(b"hello world!", 0), 0x4b89_46db);
    }

    #[test]
    fn crcs_known_values() {
        assert_eq!(crc32(b"123456789"), 0xcbf4_3926);
        assert_eq!(crc32c(b"123456789"), 0xe306_9283);
        assert_eq!(crc32c(b""), 0);
        let d = Rng::new(4).bytes(100_000);
        assert_eq!(crc32c_update(crc32c(&d[..33_333]), &d[33_333..]), crc32c(&d));
        assert_eq!(crc32c_update(0, &d), crc32c(&d));
    }

    /// Random bytes, all 0xff, all 0, or mostly 0 with a few random bytes (sums that
    /// stay 0 for long, or are non-zero multiples of the modulus).
    fn content(rng: &mut Rng, n: usize) -> Vec<u8> {
        match rng.below(5) {
            0 => vec![0xff; n],
            1 => vec![0; n],
            2 => {
                let mut d = vec![0u8; n];
                for _ in 0..rng.below(4) {
                    if n > 0 {
                        let i = rng.below(n);
                        d[i] = rng.bytes(1)[0];
                    }
                }
                d
            }
            3 => {
                // 0xff with some 0x00: long runs for the modular reductions.
                let mut d = vec![0xffu8; n];
                for _ in 0..rng.below(8) {
                    if n > 0 {
                        let i = rng.below(n);
                        d[i] = 0;
                    }
                }
                d
            }
            _ => rng.bytes(n),
        }
    }

    /// Every checksum, whole and fed in random pieces, against its straightforward
    /// reference, for random lengths 0..5000 and contents.
    #[test]
    fn fast_sums_match_the_references_on_random_inputs() {
        let mut rng = Rng::new(0x5eed);
        let mut cases = 0;
        for round in 0..3000 {
            let n = if round < 300 { round } else { rng.below(5000) };
            let d = content(&mut rng, n);
            let initval = u32::try_from(rng.next_u64() & 0xffff_ffff).unwrap_or(0);
            assert_eq!(adler32(&d), adler32_reference(&d), "adler32, {n} bytes");
            assert_eq!(fletcher32(&d), fletcher32_reference(&d), "fletcher32, {n} bytes");
            assert_eq!(jenkins_lookup3(&d, initval), jenkins_lookup3_reference(&d, initval), "lookup3, {n} bytes");
            // A valid Adler-32 as the start value (both halves below 65521).
            let start =
                (u32::try_from(rng.below(65521)).unwrap_or(0) << 16) | u32::try_from(rng.below(65521)).unwrap_or(0);
            assert_eq!(adler32_update(start, &d), adler32_reference_from(start, &d), "adler32 from {start:#x}");

            // The same data in up to 4 pieces of random (odd, empty) lengths.
            let mut fletcher = Fletcher32State::default();
            let mut lookup3 = Lookup3State::new(n, initval);
            let mut adler = 1;
            let mut rest = &d[..];
            for _ in 0..3 {
                let (piece, after) = rest.split_at(rng.below(rest.len() + 1));
                fletcher.update(piece);
                lookup3.update(piece);
                adler = adler32_update(adler, piece);
                rest = after;
            }
            fletcher.update(rest);
            lookup3.update(rest);
            adler = adler32_update(adler, rest);
            assert_eq!(fletcher.finish(), fletcher32_reference(&d), "fletcher32 in pieces, {n} bytes");
            assert_eq!(lookup3.finish(), jenkins_lookup3_reference(&d, initval), "lookup3 in pieces, {n} bytes");
            assert_eq!(adler, adler32_reference(&d), "adler32 in pieces, {n} bytes");
            cases += 1;
        }
        assert_eq!(cases, 3000);
    }

    /// Inputs long enough for many reduction blocks (the modular edge cases: long runs
    /// of 0xff), against the references.
    #[test]
    fn fast_sums_match_the_references_on_big_inputs() {
        let mut rng = Rng::new(17);
        for n in [16_384, 16_385, 16_386, 65_536, 1 << 20, (3 << 20) + 1] {
            for d in [vec![0xff; n], rng.bytes(n), vec![0; n]] {
                assert_eq!(adler32(&d), adler32_reference(&d), "adler32, {n} bytes");
                assert_eq!(fletcher32(&d), fletcher32_reference(&d), "fletcher32, {n} bytes");
                assert_eq!(jenkins_lookup3(&d, 7), jenkins_lookup3_reference(&d, 7), "lookup3, {n} bytes");
            }
        }
        // Fletcher-32 sums that are non-zero multiples of 65535 come out as 0xffff.
        assert_eq!(fletcher32(&[0xff, 0xff]), 0xffff_ffff);
        assert_eq!(fletcher32(&[0, 0, 0xff, 0xff]), fletcher32_reference(&[0, 0, 0xff, 0xff]));
        assert_eq!(fletcher32(&[0, 0, 0, 0, 0]), 0);
    }
}
