//! The text integers of protocols 0 and 1 (`INT` and `LONG`), read as CPython's
//! `_pickle.c` reads them: C's `strtol(s, &end, 0)` first for `INT`, then Python's
//! `int(s, 0)` (`PyLong_FromString(s, NULL, 0)`), which is all `LONG` uses.
//!
//! Both take the line as a C string, so it ends at its first NUL byte; both skip
//! leading whitespace and take a sign and a base prefix (`strtol`: `0x`, and a leading
//! `0` for octal; `int(s, 0)`: `0x`, `0o`, `0b`, single `_` between digits, trailing
//! whitespace, and no leading zero on a non-zero decimal).

use zarrcodecs_core::{BigInt, BigIntError, MAX_DECIMAL_DIGITS};

/// An integer read from text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum IntText {
    /// `INT`'s `00` and `01` (any 2-character line `strtol` reads as 0 or 1):
    /// `False` and `True`.
    Bool(bool),
    /// Any other value (fitting in an `i64` or not).
    Int(BigInt),
}

/// Why a text integer was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum IntTextError {
    /// Not an integer `int(s, 0)` reads (Python raises `ValueError`).
    Invalid,
    /// More decimal digits than CPython's int/str conversion limit.
    TooManyDigits(usize),
}

/// Python's `str.isspace` on bytes, as `Py_ISSPACE` (and C's `isspace` in the C
/// locale): space, `\t`, `\n`, `\v`, `\f`, `\r`.
fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

/// The line as the C string CPython sees: up to its first NUL.
fn c_string(line: &[u8]) -> &[u8] {
    line.iter().position(|&c| c == 0).map_or(line, |n| &line[..n])
}

/// `INT`'s argument: `line` without its newline.
pub(crate) fn parse_int_line(line: &[u8]) -> Result<IntText, IntTextError> {
    // `_Unpickler_Readline`'s length counts the newline; below 2 is an error.
    if line.is_empty() {
        return Err(IntTextError::Invalid);
    }
    let s = c_string(line);
    if let Some(v) = strtol_base0(s) {
        // `len == 3 && (x == 0 || x == 1)`: two characters and the newline.
        if line.len() == 2 && (v == 0 || v == 1) {
            return Ok(IntText::Bool(v == 1));
        }
        return Ok(IntText::Int(BigInt::from(v)));
    }
    py_int_base0(s).map(IntText::Int)
}

/// `LONG`'s argument: `line` without its newline; one trailing `L` is dropped.
pub(crate) fn parse_long_line(line: &[u8]) -> Result<BigInt, IntTextError> {
    if line.is_empty() {
        return Err(IntTextError::Invalid);
    }
    let line = line.strip_suffix(b"L").unwrap_or(line);
    py_int_base0(c_string(line))
}

/// glibc's `strtol(s, &end, 0)`, accepted (as `load_int` accepts it) only when it
/// reads to the end of `s` without overflowing.
fn strtol_base0(s: &[u8]) -> Option<i64> {
    let mut i = s.iter().position(|&c| !is_space(c)).unwrap_or(s.len());
    let negative = match s.get(i) {
        Some(b'-') => {
            i += 1;
            true
        }
        Some(b'+') => {
            i += 1;
            false
        }
        _ => false,
    };
    let mut base = 10;
    if s.get(i) == Some(&b'0') {
        if matches!(s.get(i + 1), Some(b'x' | b'X')) && s.get(i + 2).is_some_and(u8::is_ascii_hexdigit) {
            base = 16;
            i += 2;
        } else {
            base = 8;
        }
    }
    let start = i;
    let mut magnitude: u64 = 0;
    let mut overflow = false;
    while let Some(d) = s.get(i).and_then(|&c| char::from(c).to_digit(base)) {
        match magnitude.checked_mul(u64::from(base)).and_then(|m| m.checked_add(u64::from(d))) {
            Some(m) => magnitude = m,
            None => overflow = true,
        }
        i += 1;
    }
    if i == start {
        // No digits: `end` is `s` itself, so only the empty string passes.
        return s.is_empty().then_some(0);
    }
    if overflow || i != s.len() {
        return None;
    }
    if negative {
        // Down to i64::MIN.
        0i64.checked_sub_unsigned(magnitude)
    } else {
        i64::try_from(magnitude).ok()
    }
}

/// Python's `int(s, 0)` (`PyLong_FromString(s, NULL, 0)`).
fn py_int_base0(s: &[u8]) -> Result<BigInt, IntTextError> {
    let bad = Err(IntTextError::Invalid);
    let mut i = s.iter().position(|&c| !is_space(c)).unwrap_or(s.len());
    let negative = match s.get(i) {
        Some(b'-') => {
            i += 1;
            true
        }
        Some(b'+') => {
            i += 1;
            false
        }
        _ => false,
    };
    let (base, error_if_nonzero) = match (s.get(i), s.get(i + 1)) {
        (Some(b'0'), Some(b'x' | b'X')) => (16, false),
        (Some(b'0'), Some(b'o' | b'O')) => (8, false),
        (Some(b'0'), Some(b'b' | b'B')) => (2, false),
        // An "old" C-style octal literal, invalid unless it is zero.
        (Some(b'0'), _) => (10, true),
        _ => (10, false),
    };
    if base != 10 {
        i += 2;
        // One underscore is allowed after the prefix.
        if s.get(i) == Some(&b'_') {
            i += 1;
        }
    }
    if s.get(i) == Some(&b'_') {
        return bad;
    }
    // The digits, with single underscores between them.
    let mut digits = Vec::new();
    let mut prev_underscore = false;
    while let Some(&c) = s.get(i) {
        if c == b'_' {
            if prev_underscore {
                return bad;
            }
            prev_underscore = true;
        } else if let Some(d) = char::from(c).to_digit(base) {
            digits.push(u8::try_from(d).unwrap_or(0));
            prev_underscore = false;
        } else {
            break;
        }
        i += 1;
    }
    if prev_underscore || digits.is_empty() {
        return bad;
    }
    if !s[i..].iter().all(|&c| is_space(c)) {
        return bad;
    }
    let magnitude = if base == 10 {
        if digits.len() > MAX_DECIMAL_DIGITS {
            return Err(IntTextError::TooManyDigits(digits.len()));
        }
        let text: String = digits.iter().map(|&d| char::from(b'0' + d)).collect();
        BigInt::from_decimal(&text).map_err(|e| match e {
            BigIntError::TooManyDigits { digits } => IntTextError::TooManyDigits(digits),
            BigIntError::Malformed => IntTextError::Invalid,
        })?
    } else {
        from_power_of_two_digits(&digits, base.trailing_zeros())
    };
    if error_if_nonzero && !magnitude.as_le_bytes().is_empty() {
        return bad;
    }
    Ok(if negative { negate(&magnitude) } else { magnitude })
}

/// The non-negative value of base-`2**bits` digits, most significant first.
fn from_power_of_two_digits(digits: &[u8], bits: u32) -> BigInt {
    let mut bytes = Vec::with_capacity(digits.len() * bits as usize / 8 + 2);
    let (mut acc, mut nacc) = (0u32, 0u32);
    for &d in digits.iter().rev() {
        acc |= u32::from(d) << nacc;
        nacc += bits;
        while nacc >= 8 {
            bytes.push(acc.to_le_bytes()[0]);
            acc >>= 8;
            nacc -= 8;
        }
    }
    bytes.push(acc.to_le_bytes()[0]);
    // A zero sign byte: the magnitude reads as non-negative.
    bytes.push(0);
    BigInt::from_le_bytes(&bytes)
}

/// `-n`.
pub(crate) fn negate(n: &BigInt) -> BigInt {
    let mut bytes = n.as_le_bytes().to_vec();
    // One more byte of sign, so that -(-2**(8k-1)) fits.
    bytes.push(if n.is_negative() { 0xff } else { 0 });
    let mut carry = true;
    for b in &mut bytes {
        let (v, c) = (!*b).overflowing_add(u8::from(carry));
        *b = v;
        carry = c;
    }
    BigInt::from_le_bytes(&bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn int(line: &str) -> Result<IntText, IntTextError> {
        parse_int_line(line.as_bytes())
    }

    fn long(line: &str) -> Result<String, IntTextError> {
        parse_long_line(line.as_bytes()).map(|n| n.to_decimal().unwrap())
    }

    fn value(v: i64) -> Result<IntText, IntTextError> {
        Ok(IntText::Int(BigInt::from(v)))
    }

    /// Each answer is what CPython 3.11's `pickle.loads(b"I" + line + b"\n.")` gives.
    #[test]
    fn int_lines_as_cpython_reads_them() {
        assert_eq!(int("00"), Ok(IntText::Bool(false)));
        assert_eq!(int("01"), Ok(IntText::Bool(true)));
        assert_eq!(int(" 1"), Ok(IntText::Bool(true)));
        assert_eq!(int("-0"), Ok(IntText::Bool(false)));
        assert_eq!(int("1\0"), Ok(IntText::Bool(true)));
        assert_eq!(int("0"), value(0));
        assert_eq!(int("1"), value(1));
        assert_eq!(int("001"), value(1));
        assert_eq!(int("010"), value(8));
        assert_eq!(int("0x1f"), value(31));
        assert_eq!(int("-0X10"), value(-16));
        assert_eq!(int("1_000"), value(1000));
        assert_eq!(int("0o17"), value(15));
        assert_eq!(int("0b101"), value(5));
        assert_eq!(int("12 "), value(12));
        assert_eq!(int("\t-7"), value(-7));
        assert_eq!(int("1\0zz"), value(1));
        assert_eq!(int("\0"), value(0));
        assert_eq!(int("-9223372036854775808"), value(i64::MIN));
        assert_eq!(int("9223372036854775807"), value(i64::MAX));
        assert_eq!(int("9223372036854775808"), Ok(IntText::Int(BigInt::from(1u64 << 63))));
        assert_eq!(int("-18446744073709551616"), Ok(IntText::Int(BigInt::from(-(1i128 << 64)))));
        for bad in ["", " ", "08", "0x", "1__0", "_1", "1_", "12a", "1.5", "--1", "0x_", "0b2", "1 2"] {
            assert_eq!(int(bad), Err(IntTextError::Invalid), "{bad:?}");
        }
    }

    /// Each answer is what CPython 3.11's `pickle.loads(b"L" + line + b"\n.")` gives.
    #[test]
    fn long_lines_as_cpython_reads_them() {
        assert_eq!(long("18446744073709551616L").unwrap(), "18446744073709551616");
        assert_eq!(long("-1180591620717411303424L").unwrap(), "-1180591620717411303424");
        assert_eq!(long("12").unwrap(), "12");
        assert_eq!(long("12 L").unwrap(), "12");
        assert_eq!(long("0x_ffL").unwrap(), "255");
        assert_eq!(long("-0o777").unwrap(), "-511");
        assert_eq!(long("0B1_0").unwrap(), "2");
        assert_eq!(long("00L").unwrap(), "0");
        assert_eq!(long("0_0").unwrap(), "0");
        assert_eq!(
            long(&format!("0x1{}", "0".repeat(40))).unwrap(),
            "1461501637330902918203684832716283019655932542976"
        );
        assert_eq!(long(&format!("-0x{}", "f".repeat(16))).unwrap(), "-18446744073709551615");
        for bad in ["", "L", "LL", "010", "12LL", "1L2", "0x", "1__2", " _1", "0o8", "+-1"] {
            assert_eq!(long(bad), Err(IntTextError::Invalid), "{bad:?}");
        }
        assert_eq!(long(&"9".repeat(4300)).map(|s| s.len()), Ok(4300));
        assert_eq!(long(&"9".repeat(4301)), Err(IntTextError::TooManyDigits(4301)));
        // Power-of-two bases have no digit limit.
        assert!(parse_long_line(format!("0x{}", "f".repeat(10_000)).as_bytes()).is_ok());
    }

    #[test]
    fn negation() {
        for v in [0i128, 1, -1, 127, 128, -128, -129, 255, 256, i128::from(i64::MIN), 1 << 100, -(1 << 100)] {
            assert_eq!(negate(&BigInt::from(v)), BigInt::from(-v), "{v}");
        }
    }
}
