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

const ADLER_MOD: u64 = 65521;
/// Lanes of the vectorisable Fletcher-32 loop.
const LANES: usize = 32;
const LANES_U32: u32 = 32;
/// Lanes of the vectorisable Adler-32 loop (32 vectorise better than 16 here).
const ADLER_LANES: usize = 32;
/// Bytes summed between two reductions modulo 65521: zlib's NMAX (5552, the most
/// bytes before `b` may overflow 32 bits) rounded down to a multiple of [`ADLER_LANES`].
const ADLER_BLOCK: usize = 5536;

/// Continues an Adler-32 checksum `adler` over `data`.
pub fn adler32_update(adler: u32, data: &[u8]) -> u32 {
    let mut a = u64::from(adler & 0xffff);
    let mut b = u64::from(adler >> 16);
    for block in data.chunks(ADLER_BLOCK) {
        // Per-lane sums: `s[i]` is the sum of the bytes in lane i, `p[i]` the sum of
        // each byte times the number of chunks after its own. Both fit in u32 for a
        // block of 5536 bytes (at most 255 * 173 * 172 / 2), and the loop vectorises.
        let mut s = [0u32; ADLER_LANES];
        let mut p = [0u32; ADLER_LANES];
        let chunks = block.chunks_exact(ADLER_LANES);
        let tail = chunks.remainder();
        let full = (block.len() - tail.len()) as u64;
        for chunk in chunks {
            // Cannot overflow (see above); wrapping keeps overflow checks, which would
            // stop the vectorisation, out of debug builds.
            for i in 0..ADLER_LANES {
                p[i] = p[i].wrapping_add(s[i]);
                s[i] = s[i].wrapping_add(u32::from(chunk[i]));
            }
        }
        // The byte at chunk k, lane i (position j = 32k + i) is weighted by
        // full - j = 32 * (chunks after k) + (32 - i) in `b`.
        let mut sum = 0u64;
        let mut weighted = 0u64;
        for i in 0..ADLER_LANES {
            sum += u64::from(s[i]);
            weighted += ADLER_LANES as u64 * u64::from(p[i]) + (ADLER_LANES - i) as u64 * u64::from(s[i]);
        }
        b += full * a + weighted;
        a += sum;
        for &byte in tail {
            a += u64::from(byte);
            b += a;
        }
        a %= ADLER_MOD;
        b %= ADLER_MOD;
    }
    // Both are below 65521 after the reductions.
    u32::try_from((b << 16) | a).unwrap_or(0)
}

/// Fletcher-32 as HDF5 (`H5_checksum_fletcher32`) and numcodecs compute it: 16-bit
/// big-endian words, sums reduced by end-around carry after every block of 360 words,
/// a trailing odd byte taken as the high byte of a last word.
pub fn fletcher32(data: &[u8]) -> u32 {
    let mut sum1: u32 = 0;
    let mut sum2: u32 = 0;
    let words = &data[..data.len() & !1];
    // 360 words = 720 bytes: the sums cannot overflow 32 bits within a block.
    for block in words.chunks(720) {
        let (sum, weighted) = word_block_sums(block);
        let n = u32::try_from(block.len() / 2).unwrap_or(0);
        // Exactly the sequential `sum1 += w; sum2 += sum1;` over the block.
        sum2 = sum2.wrapping_add(n.wrapping_mul(sum1)).wrapping_add(weighted);
        sum1 = sum1.wrapping_add(sum);
        sum1 = (sum1 & 0xffff) + (sum1 >> 16);
        sum2 = (sum2 & 0xffff) + (sum2 >> 16);
    }
    if let Some(&last) = data.get(data.len() & !1).filter(|_| data.len() % 2 == 1) {
        sum1 = sum1.wrapping_add(u32::from(last) << 8);
        sum2 = sum2.wrapping_add(sum1);
        sum1 = (sum1 & 0xffff) + (sum1 >> 16);
        sum2 = (sum2 & 0xffff) + (sum2 >> 16);
    }
    sum1 = (sum1 & 0xffff) + (sum1 >> 16);
    sum2 = (sum2 & 0xffff) + (sum2 >> 16);
    (sum2 << 16) | sum1
}

/// For at most 360 big-endian 16-bit words: their sum, and the sum of each word times
/// (number of words - its index).
fn word_block_sums(block: &[u8]) -> (u32, u32) {
    let mut s = [0u32; LANES];
    let mut p = [0u32; LANES];
    let chunks = block.chunks_exact(2 * LANES);
    let tail = chunks.remainder();
    for chunk in chunks {
        // At most 11 chunks of words below 2^16: no overflow (wrapping only keeps
        // overflow checks out of the vectorised loop).
        for i in 0..LANES {
            p[i] = p[i].wrapping_add(s[i]);
            s[i] = s[i].wrapping_add(u32::from(u16::from_be_bytes([chunk[2 * i], chunk[2 * i + 1]])));
        }
    }
    let mut sum = 0u32;
    let mut weighted = 0u32;
    // Lane i's own weight is 32 - i.
    let mut weight = LANES_U32;
    for i in 0..LANES {
        sum += s[i];
        weighted += LANES_U32 * p[i] + weight * s[i];
        weight -= 1;
    }
    // The tail words come after `full` words: continue sequentially.
    let mut s1 = sum;
    let mut s2 = weighted;
    for w in tail.chunks_exact(2) {
        s1 += u32::from(u16::from_be_bytes([w[0], w[1]]));
        s2 += s1;
    }
    (s1, s2)
}

/// Bob Jenkins' lookup3 `hashlittle` of `data` with seed `initval`, as HDF5
/// (`H5_checksum_lookup3`) and numcodecs' `jenkins_lookup3` compute it.
pub fn jenkins_lookup3(data: &[u8], initval: u32) -> u32 {
    // The length enters as a 32-bit value, as in C's `(uint32_t)length`.
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
    // The last 1 to 12 bytes, zero-padded, as little-endian words.
    let mut last = [0u8; 12];
    last[..rest.len()].copy_from_slice(rest);
    a = a.wrapping_add(le32(&last[0..4]));
    b = b.wrapping_add(le32(&last[4..8]));
    c = c.wrapping_add(le32(&last[8..12]));
    final_mix(a, b, c)
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

    /// zlib's definition, byte by byte.
    fn adler32_reference(data: &[u8]) -> u32 {
        let (mut a, mut b) = (1u32, 0u32);
        for &x in data {
            a = (a + u32::from(x)) % 65521;
            b = (b + a) % 65521;
        }
        (b << 16) | a
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
}
