//! Python `int`s that do not fit in 64 bits.
//!
//! Python ints have no size limit, and the object codecs carry them: JSON as decimal
//! digits, pickle as two's-complement bytes (`LONG1`/`LONG4`), msgpack up to
//! `2**64 - 1`. [`BigInt`] holds such a value as pickle does, in its shortest
//! two's-complement little-endian form, and converts to and from decimal text.
//!
//! Decimal conversion is quadratic in the number of digits, so it is bounded as
//! CPython bounds it: [`MAX_DECIMAL_DIGITS`] (CPython's default
//! `sys.get_int_max_str_digits()`), beyond which `int(text)` and `str(n)` raise
//! `ValueError`, and `json.loads`/`json.dumps` with them.

use std::fmt;

/// The most decimal digits [`BigInt::from_decimal`] reads and
/// [`BigInt::to_decimal`] writes: 4300, CPython's default int/str conversion limit.
pub const MAX_DECIMAL_DIGITS: usize = 4300;

/// A Python `int` held as its two's-complement bytes, little-endian, in as few bytes
/// as hold its sign (pickle's `LONG1`/`LONG4` payload).
///
/// Codecs put an int that fits in `i64` in [`Object::Int`](crate::Object::Int) and only
/// a larger one in [`Object::BigInt`](crate::Object::BigInt); `Object::from(big_int)`
/// makes that choice.
///
/// ```
/// use zarrcodecs_core::BigInt;
/// let n = BigInt::from_decimal("-18446744073709551617")?; // -(2**64 + 1)
/// assert_eq!(n.as_le_bytes(), &[0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe]);
/// assert_eq!(n.to_decimal()?, "-18446744073709551617");
/// assert_eq!(BigInt::from_le_bytes(&[0x80, 0x00]).to_i64(), Some(128));
/// assert_eq!(BigInt::from(u64::MAX).to_u64(), Some(u64::MAX));
/// assert!(BigInt::from_decimal("12a").is_err());
/// # Ok::<(), zarrcodecs_core::BigIntError>(())
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct BigInt(Box<[u8]>);

/// Why decimal text could not become a [`BigInt`], or a [`BigInt`] decimal text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BigIntError {
    /// The text is not an optional `-` or `+` followed by ASCII digits.
    Malformed,
    /// More digits than [`MAX_DECIMAL_DIGITS`] (CPython refuses the same).
    TooManyDigits {
        /// How many digits the text has, or (for [`BigInt::to_decimal`]) at least
        /// how many the value needs.
        digits: usize,
    },
}

impl fmt::Display for BigIntError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BigIntError::Malformed => f.write_str("not an integer: expected an optional sign and decimal digits"),
            BigIntError::TooManyDigits { digits } => write!(
                f,
                "an integer of {digits} decimal digits exceeds the limit of {MAX_DECIMAL_DIGITS} that CPython also \
                 applies to int/str conversion"
            ),
        }
    }
}

impl std::error::Error for BigIntError {}

const BASE: u64 = 1_000_000_000;

impl BigInt {
    /// The value of `bytes`, two's complement, little-endian (any length; redundant
    /// sign bytes are dropped). Empty bytes are zero.
    pub fn from_le_bytes(bytes: &[u8]) -> Self {
        BigInt(trim(bytes).into())
    }

    /// The shortest two's-complement little-endian bytes of the value: what pickle's
    /// `LONG1`/`LONG4` opcodes carry. Zero is empty.
    pub fn as_le_bytes(&self) -> &[u8] {
        &self.0
    }

    /// Whether the value is below zero.
    pub fn is_negative(&self) -> bool {
        self.0.last().is_some_and(|&b| b & 0x80 != 0)
    }

    /// The value, if it fits in an `i64`.
    pub fn to_i64(&self) -> Option<i64> {
        if self.0.len() > 8 {
            return None;
        }
        let fill = if self.is_negative() { 0xff } else { 0 };
        let mut w = [fill; 8];
        w[..self.0.len()].copy_from_slice(&self.0);
        Some(i64::from_le_bytes(w))
    }

    /// The value, if it fits in an `i128`.
    pub fn to_i128(&self) -> Option<i128> {
        if self.0.len() > 16 {
            return None;
        }
        let fill = if self.is_negative() { 0xff } else { 0 };
        let mut w = [fill; 16];
        w[..self.0.len()].copy_from_slice(&self.0);
        Some(i128::from_le_bytes(w))
    }

    /// The value, if it fits in a `u64`.
    pub fn to_u64(&self) -> Option<u64> {
        if self.is_negative() {
            return None;
        }
        let b = match self.0.len() {
            0..=8 => &self.0[..],
            9 if self.0[8] == 0 => &self.0[..8],
            _ => return None,
        };
        let mut w = [0u8; 8];
        w[..b.len()].copy_from_slice(b);
        Some(u64::from_le_bytes(w))
    }

    /// Parses decimal text: an optional sign, then ASCII digits (leading zeros and
    /// `_` separators between digits are taken, as Python's `int()` takes them).
    ///
    /// # Errors
    /// [`BigIntError::Malformed`], or [`BigIntError::TooManyDigits`] beyond
    /// [`MAX_DECIMAL_DIGITS`].
    #[allow(clippy::cast_possible_truncation)] // a limb is the low 32 bits, the carry the rest
    pub fn from_decimal(text: &str) -> Result<Self, BigIntError> {
        let (negative, digits) = match text.as_bytes() {
            [b'-', rest @ ..] => (true, rest),
            [b'+', rest @ ..] => (false, rest),
            rest => (false, rest),
        };
        if digits.is_empty()
            || !digits.iter().all(|&c| c.is_ascii_digit() || c == b'_')
            || digits.first() == Some(&b'_')
            || digits.last() == Some(&b'_')
            || digits.windows(2).any(|w| w == b"__")
        {
            return Err(BigIntError::Malformed);
        }
        let digits: Vec<u8> = digits.iter().copied().filter(|&c| c != b'_').collect();
        if digits.len() > MAX_DECIMAL_DIGITS {
            return Err(BigIntError::TooManyDigits { digits: digits.len() });
        }
        // Magnitude in base 2^32 limbs, least significant first.
        let mut limbs: Vec<u32> = Vec::with_capacity(digits.len() / 9 + 1);
        let head = digits.len() % 9;
        let groups = std::iter::once(&digits[..head]).filter(|g| !g.is_empty()).chain(digits[head..].chunks(9));
        for group in groups {
            let value = group.iter().fold(0u64, |acc, &c| acc * 10 + u64::from(c - b'0'));
            let scale = 10u64.pow(u32::try_from(group.len()).unwrap_or(9));
            let mut carry = value;
            for limb in &mut limbs {
                let t = u64::from(*limb) * scale + carry;
                *limb = t as u32;
                carry = t >> 32;
            }
            if carry != 0 {
                limbs.push(carry as u32);
            }
        }
        let mut bytes: Vec<u8> = limbs.iter().flat_map(|l| l.to_le_bytes()).collect();
        bytes.push(0); // a sign byte, so the magnitude reads as non-negative
        if negative {
            negate(&mut bytes);
        }
        Ok(Self::from_le_bytes(&bytes))
    }

    /// The value as decimal text, as Python's `str()` writes it.
    ///
    /// # Errors
    /// [`BigIntError::TooManyDigits`] if it has more than [`MAX_DECIMAL_DIGITS`] digits.
    #[allow(clippy::cast_possible_truncation)] // quotient limbs and remainders are below 2^32
    pub fn to_decimal(&self) -> Result<String, BigIntError> {
        let mut magnitude = self.0.to_vec();
        let negative = self.is_negative();
        if negative {
            magnitude.push(0xff);
            negate(&mut magnitude);
        }
        // Without high zero bytes (the sign byte negation leaves), so that the estimate
        // below counts only the bytes the magnitude needs.
        while magnitude.last() == Some(&0) {
            magnitude.pop();
        }
        // Every byte adds at most log10(256) < 2.41 digits: refuse early what cannot fit.
        let bits = magnitude.len() * 8;
        // log10(2) is 0.30103 (rounded down), so this never overstates the digits.
        let min_digits = bits.saturating_sub(8).saturating_mul(30_103) / 100_000;
        if min_digits > MAX_DECIMAL_DIGITS {
            return Err(BigIntError::TooManyDigits { digits: min_digits });
        }
        let mut limbs: Vec<u32> = magnitude
            .chunks(4)
            .map(|c| {
                let mut w = [0u8; 4];
                w[..c.len()].copy_from_slice(c);
                u32::from_le_bytes(w)
            })
            .collect();
        let mut groups: Vec<u32> = Vec::new();
        while limbs.iter().any(|&l| l != 0) {
            let mut rem = 0u64;
            for limb in limbs.iter_mut().rev() {
                let t = (rem << 32) | u64::from(*limb);
                *limb = (t / BASE) as u32;
                rem = t % BASE;
            }
            groups.push(rem as u32);
            while limbs.last() == Some(&0) {
                limbs.pop();
            }
        }
        let mut out = String::with_capacity(groups.len() * 9 + 1);
        if negative {
            out.push('-');
        }
        match groups.split_last() {
            None => out.push('0'),
            Some((top, rest)) => {
                out.push_str(&top.to_string());
                for g in rest.iter().rev() {
                    out.push_str(&format!("{g:09}"));
                }
            }
        }
        let digits = out.len() - usize::from(negative);
        if digits > MAX_DECIMAL_DIGITS {
            return Err(BigIntError::TooManyDigits { digits });
        }
        Ok(out)
    }
}

/// Two's-complement negation in place.
fn negate(bytes: &mut [u8]) {
    let mut carry = true;
    for b in bytes {
        let (v, c) = (!*b).overflowing_add(u8::from(carry));
        *b = v;
        carry = c;
    }
}

/// `bytes` without the high bytes that only repeat the sign.
fn trim(bytes: &[u8]) -> &[u8] {
    let mut n = bytes.len();
    while n > 0 {
        let top = bytes[n - 1];
        let below_sign = if n >= 2 { bytes[n - 2] & 0x80 } else { 0 };
        let redundant = (top == 0 && below_sign == 0) || (top == 0xff && n >= 2 && below_sign != 0);
        if !redundant {
            break;
        }
        n -= 1;
    }
    &bytes[..n]
}

impl From<i64> for BigInt {
    fn from(v: i64) -> Self {
        Self::from_le_bytes(&v.to_le_bytes())
    }
}

impl From<u64> for BigInt {
    fn from(v: u64) -> Self {
        let mut b = [0u8; 9];
        b[..8].copy_from_slice(&v.to_le_bytes());
        Self::from_le_bytes(&b)
    }
}

impl From<i128> for BigInt {
    fn from(v: i128) -> Self {
        Self::from_le_bytes(&v.to_le_bytes())
    }
}

impl fmt::Debug for BigInt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.to_decimal() {
            Ok(text) => write!(f, "BigInt({text})"),
            Err(_) => write!(f, "BigInt({} bytes)", self.0.len()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimal_round_trips_across_limb_and_sign_edges() {
        let cases = [
            "0",
            "1",
            "-1",
            "127",
            "128",
            "-128",
            "-129",
            "255",
            "256",
            "9223372036854775807",
            "9223372036854775808",
            "-9223372036854775808",
            "-9223372036854775809",
            "18446744073709551615",
            "18446744073709551616",
            "-18446744073709551616",
            "340282366920938463463374607431768211456",
            "-170141183460469231731687303715884105728",
            "1000000000000000000000000000000000000000000000000000000000001",
        ];
        for text in cases {
            let n = BigInt::from_decimal(text).unwrap();
            assert_eq!(n.to_decimal().unwrap(), text, "{text}");
            if let Ok(v) = text.parse::<i128>() {
                assert_eq!(n, BigInt::from(v), "{text}");
                assert_eq!(n.to_i64(), i64::try_from(v).ok(), "{text}");
                assert_eq!(n.to_u64(), u64::try_from(v).ok(), "{text}");
                assert_eq!(n.to_i128(), Some(v), "{text}");
            }
        }
    }

    #[test]
    fn pickle_long_bytes_are_shortest_twos_complement() {
        // What CPython's pickle writes for these (encode_long).
        assert_eq!(BigInt::from(0i64).as_le_bytes(), b"");
        assert_eq!(BigInt::from(255i64).as_le_bytes(), b"\xff\x00");
        assert_eq!(BigInt::from(-256i64).as_le_bytes(), b"\x00\xff");
        assert_eq!(BigInt::from(-128i64).as_le_bytes(), b"\x80");
        assert_eq!(BigInt::from(u64::MAX).as_le_bytes(), b"\xff\xff\xff\xff\xff\xff\xff\xff\x00");
        assert_eq!(BigInt::from_le_bytes(b"\x01\x00\x00\x00").as_le_bytes(), b"\x01");
        assert_eq!(BigInt::from_le_bytes(b"\xff\xff\xff").as_le_bytes(), b"\xff");
    }

    #[test]
    fn python_int_syntax_and_limits() {
        assert_eq!(BigInt::from_decimal("+0012").unwrap().to_i64(), Some(12));
        assert_eq!(BigInt::from_decimal("1_000").unwrap().to_i64(), Some(1000));
        for bad in ["", "-", "+", "1_", "_1", "1__0", "1.0", " 1", "0x10", "١"] {
            assert_eq!(BigInt::from_decimal(bad), Err(BigIntError::Malformed), "{bad:?}");
        }
        let most = "9".repeat(MAX_DECIMAL_DIGITS);
        assert_eq!(BigInt::from_decimal(&most).unwrap().to_decimal().unwrap(), most);
        // Negative values at the limit too: -(10**4299) and -(2**14283) have 4300 digits.
        let power = format!("-1{}", "0".repeat(MAX_DECIMAL_DIGITS - 1));
        assert_eq!(BigInt::from_decimal(&power).unwrap().to_decimal().unwrap(), power);
        let mut twos = vec![0u8; 1785];
        twos.push(0xf8); // -(2**14283): 0xf8 is -8, times 256**1785 = 2**14280
        let n = BigInt::from_le_bytes(&twos);
        assert!(n.is_negative());
        assert_eq!(n.to_decimal().unwrap().len(), MAX_DECIMAL_DIGITS + 1);
        let over = "9".repeat(MAX_DECIMAL_DIGITS + 1);
        assert_eq!(BigInt::from_decimal(&over), Err(BigIntError::TooManyDigits { digits: MAX_DECIMAL_DIGITS + 1 }));
        // 10**4300 has 4301 digits: refused on the way out, as CPython's str() refuses.
        let mut big = vec![0u8; 2000];
        big.push(0x01);
        big.push(0);
        assert!(matches!(BigInt::from_le_bytes(&big).to_decimal(), Err(BigIntError::TooManyDigits { .. })));
        assert!(format!("{:?}", BigInt::from_le_bytes(&big)).contains("bytes"));
    }
}
