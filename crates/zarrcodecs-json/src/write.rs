//! Python's `json.JSONEncoder` output for the values numcodecs' JSON codec meets:
//! `repr(float)`, `int` (any size), `str` escaping (with and without `ensure_ascii`),
//! lists and dicts with `indent` and `separators`, dict keys as `sort_keys` and
//! `skipkeys` have them.

use std::io::Write as _;

use zarrcodecs_core::{BigInt, BigIntError, Error, Object, Result, MAX_DECIMAL_DIGITS};

use zarrcodecs_kernels::pykey;

use crate::JSON_ID;

/// How lists and dicts are laid out: Python's `indent` (already a string), item and
/// key separators, and the encoder's options.
#[derive(Debug, Clone)]
pub(crate) struct Layout<'a> {
    pub(crate) indent: Option<&'a str>,
    pub(crate) item_sep: &'a str,
    pub(crate) key_sep: &'a str,
    pub(crate) ensure_ascii: bool,
    pub(crate) allow_nan: bool,
    pub(crate) sort_keys: bool,
    pub(crate) skipkeys: bool,
}

impl Layout<'_> {
    /// Opens a non-empty list at nesting `level` (the list's own level, 0 at the top).
    pub(crate) fn open(&self, out: &mut Vec<u8>, level: usize) {
        out.push(b'[');
        self.newline(out, level + 1);
    }

    /// Between two items of a list at `level`.
    pub(crate) fn sep(&self, out: &mut Vec<u8>, level: usize) {
        out.extend_from_slice(self.item_sep.as_bytes());
        self.newline(out, level + 1);
    }

    /// Closes a non-empty list at `level`.
    pub(crate) fn close(&self, out: &mut Vec<u8>, level: usize) {
        self.newline(out, level);
        out.push(b']');
    }

    fn newline(&self, out: &mut Vec<u8>, level: usize) {
        if let Some(indent) = self.indent {
            out.push(b'\n');
            for _ in 0..level {
                out.extend_from_slice(indent.as_bytes());
            }
        }
    }

    /// A float as `float.__repr__`, `NaN`, `Infinity`, `-Infinity`.
    pub(crate) fn float(&self, out: &mut Vec<u8>, f: f64) -> Result<()> {
        if !f.is_finite() {
            if !self.allow_nan {
                return Err(Error::unsupported_input(JSON_ID, "Out of range float values are not JSON compliant"));
            }
            out.extend_from_slice(if f.is_nan() {
                b"NaN"
            } else if f > 0.0 {
                b"Infinity"
            } else {
                b"-Infinity"
            });
            return Ok(());
        }
        py_float_repr(out, f);
        Ok(())
    }

    /// A string, escaped as Python's encoder does.
    pub(crate) fn string(&self, out: &mut Vec<u8>, s: &str) {
        out.push(b'"');
        let bytes = s.as_bytes();
        let mut start = 0;
        if self.ensure_ascii {
            for (i, c) in s.char_indices() {
                let cp = c as u32;
                if (0x20..0x7f).contains(&cp) && c != '"' && c != '\\' {
                    continue;
                }
                out.extend_from_slice(&bytes[start..i]);
                start = i + c.len_utf8();
                escape(out, c);
            }
        } else {
            for (i, &b) in bytes.iter().enumerate() {
                if b >= 0x20 && b != b'"' && b != b'\\' {
                    continue;
                }
                out.extend_from_slice(&bytes[start..i]);
                start = i + 1;
                escape(out, char::from(b));
            }
        }
        out.extend_from_slice(&bytes[start..]);
        out.push(b'"');
    }

    /// An item of an object array.
    pub(crate) fn object(&self, out: &mut Vec<u8>, o: &Object, level: usize) -> Result<()> {
        match o {
            Object::None => out.extend_from_slice(b"null"),
            Object::Bool(true) => out.extend_from_slice(b"true"),
            Object::Bool(false) => out.extend_from_slice(b"false"),
            Object::Int(i) => int(out, i128::from(*i)),
            Object::BigInt(n) => big_int(out, n)?,
            Object::Float(f) => self.float(out, *f)?,
            Object::Str(s) => self.string(out, s),
            Object::List(items) if items.is_empty() => out.extend_from_slice(b"[]"),
            Object::List(items) => {
                if level > crate::MAX_DEPTH {
                    return Err(Error::unsupported_input(JSON_ID, "lists nested too deeply"));
                }
                self.open(out, level);
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        self.sep(out, level);
                    }
                    self.object(out, item, level + 1)?;
                }
                self.close(out, level);
            }
            Object::Bytes(_) => {
                return Err(Error::unsupported_input(JSON_ID, "Object of type bytes is not JSON serializable"))
            }
            Object::Array(_) => {
                return Err(Error::unsupported_input(JSON_ID, "Object of type ndarray is not JSON serializable"))
            }
            Object::Dict(pairs) if pairs.is_empty() => out.extend_from_slice(b"{}"),
            Object::Dict(pairs) => {
                if level > crate::MAX_DEPTH {
                    return Err(Error::unsupported_input(JSON_ID, "dicts nested too deeply"));
                }
                self.dict(out, pairs, level)?;
            }
        }
        Ok(())
    }

    /// A non-empty dict at `level`, as `json.JSONEncoder` writes it: keys sorted
    /// (`sort_keys`, as `sorted(d.items())`) or in the dict's order; `str` keys as they
    /// are, `int`, `float`, `bool` and `None` keys as their JSON text, others skipped
    /// (`skipkeys`) or refused.
    fn dict(&self, out: &mut Vec<u8>, pairs: &[(Object, Object)], level: usize) -> Result<()> {
        pykey::check_keys(JSON_ID, pairs)?;
        let order = if self.sort_keys { pykey::sorted_order(JSON_ID, pairs)? } else { (0..pairs.len()).collect() };
        out.push(b'{');
        self.newline(out, level + 1);
        let mut first = true;
        let mut text = Vec::new();
        for i in order {
            let (key, value) = &pairs[i];
            text.clear();
            let key: &str = match key {
                Object::Str(s) => s,
                Object::Float(f) => {
                    self.float(&mut text, *f)?;
                    std::str::from_utf8(&text).unwrap_or_default()
                }
                Object::Bool(true) => "true",
                Object::Bool(false) => "false",
                Object::None => "null",
                Object::Int(i) => {
                    int(&mut text, i128::from(*i));
                    std::str::from_utf8(&text).unwrap_or_default()
                }
                Object::BigInt(n) => {
                    big_int(&mut text, n)?;
                    std::str::from_utf8(&text).unwrap_or_default()
                }
                _ if self.skipkeys => continue,
                _ => {
                    return Err(Error::unsupported_input(
                        JSON_ID,
                        format_args!("keys must be str, int, float, bool or None, not {}", pykey::type_name(key)),
                    ))
                }
            };
            if !first {
                self.sep(out, level);
            }
            first = false;
            self.string(out, key);
            out.extend_from_slice(self.key_sep.as_bytes());
            self.object(out, value, level + 1)?;
        }
        self.newline(out, level);
        out.push(b'}');
        Ok(())
    }
}

const HEX: &[u8; 16] = b"0123456789abcdef";

fn u_escape(out: &mut Vec<u8>, u: u32) {
    out.extend_from_slice(&[
        b'\\',
        b'u',
        HEX[(u >> 12) as usize & 15],
        HEX[(u >> 8) as usize & 15],
        HEX[(u >> 4) as usize & 15],
        HEX[u as usize & 15],
    ]);
}

fn escape(out: &mut Vec<u8>, c: char) {
    match c {
        '"' => out.extend_from_slice(b"\\\""),
        '\\' => out.extend_from_slice(b"\\\\"),
        '\n' => out.extend_from_slice(b"\\n"),
        '\r' => out.extend_from_slice(b"\\r"),
        '\t' => out.extend_from_slice(b"\\t"),
        '\u{8}' => out.extend_from_slice(b"\\b"),
        '\u{c}' => out.extend_from_slice(b"\\f"),
        c if (c as u32) < 0x1_0000 => u_escape(out, c as u32),
        c => {
            let v = c as u32 - 0x1_0000;
            u_escape(out, 0xd800 | (v >> 10));
            u_escape(out, 0xdc00 | (v & 0x3ff));
        }
    }
}

/// A Python int beyond 64 bits in decimal (`int.__repr__`, which refuses more than
/// 4300 digits, as [`BigInt::to_decimal`] does).
pub(crate) fn big_int(out: &mut Vec<u8>, n: &BigInt) -> Result<()> {
    let text = n.to_decimal().map_err(|e| {
        let digits = match e {
            BigIntError::TooManyDigits { digits } => digits,
            BigIntError::Malformed => MAX_DECIMAL_DIGITS + 1,
        };
        Error::unsupported_input(
            JSON_ID,
            format_args!(
                "an int of {digits} or more decimal digits: Python refuses to write more than {MAX_DECIMAL_DIGITS} \
                 (int/str conversion limit)"
            ),
        )
    })?;
    out.extend_from_slice(text.as_bytes());
    Ok(())
}

/// An integer in decimal.
pub(crate) fn int(out: &mut Vec<u8>, i: i128) {
    let _ = write!(out, "{i}");
}

/// A finite float as Python's `repr`: the shortest digits that round-trip, in fixed
/// notation when the decimal exponent is in [-4, 16), else `d.ddde+XX`.
pub(crate) fn py_float_repr(out: &mut Vec<u8>, f: f64) {
    // Rust's `{:e}` gives the shortest digits that round-trip, as Python's dtoa mode 0;
    // when two such strings are equally near (the exact value ends in a 5 right after
    // them) Python takes the even one, which `{:.N$e}` (exact, ties to even) gives.
    let mut buf = [0u8; 40];
    let len = format_into(&mut buf, format_args!("{f:e}"));
    let ndigits = buf[..len].iter().take_while(|&&b| b != b'e').filter(|b| b.is_ascii_digit()).count();
    let mut exact = [0u8; 40];
    let elen = format_into(&mut exact, format_args!("{f:.prec$e}", prec = ndigits.saturating_sub(1)));
    let round_trips = std::str::from_utf8(&exact[..elen]).ok().and_then(|t| t.parse::<f64>().ok()) == Some(f);
    let text = if round_trips { &exact[..elen] } else { &buf[..len] };
    let (neg, text) = match text.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, text),
    };
    let e_pos = text.iter().position(|&b| b == b'e').unwrap_or(text.len());
    let (mantissa, exp_text) = (&text[..e_pos], &text[(e_pos + 1).min(text.len())..]);
    let exp: i32 = std::str::from_utf8(exp_text).ok().and_then(|t| t.parse().ok()).unwrap_or(0);
    let mut digits = [0u8; 20];
    let mut nd = 0;
    for &b in mantissa {
        if b.is_ascii_digit() && nd < digits.len() {
            digits[nd] = b;
            nd += 1;
        }
    }
    let digits = &digits[..nd];
    if neg {
        out.push(b'-');
    }
    let decpt = exp + 1;
    if decpt > -4 && decpt <= 16 {
        if decpt <= 0 {
            out.extend_from_slice(b"0.");
            out.extend(std::iter::repeat_n(b'0', decpt.unsigned_abs() as usize));
            out.extend_from_slice(digits);
        } else {
            let d = decpt as usize;
            if d >= digits.len() {
                out.extend_from_slice(digits);
                out.extend(std::iter::repeat_n(b'0', d - digits.len()));
                out.extend_from_slice(b".0");
            } else {
                out.extend_from_slice(&digits[..d]);
                out.push(b'.');
                out.extend_from_slice(&digits[d..]);
            }
        }
    } else {
        out.push(digits[0]);
        if digits.len() > 1 {
            out.push(b'.');
            out.extend_from_slice(&digits[1..]);
        }
        let _ = write!(out, "e{}{:02}", if exp < 0 { '-' } else { '+' }, exp.unsigned_abs());
    }
}

fn format_into(buf: &mut [u8], args: std::fmt::Arguments<'_>) -> usize {
    let mut cursor = std::io::Cursor::new(buf);
    let _ = cursor.write_fmt(args);
    usize::try_from(cursor.position()).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn repr(f: f64) -> String {
        let mut v = Vec::new();
        py_float_repr(&mut v, f);
        String::from_utf8(v).unwrap_or_default()
    }

    #[test]
    fn float_repr_matches_python() {
        // Each value's repr() as Python 3.11 prints it.
        for (f, s) in [
            (0.0, "0.0"),
            (-0.0, "-0.0"),
            (1.0, "1.0"),
            (0.1, "0.1"),
            (1e16, "1e+16"),
            (1e15, "1000000000000000.0"),
            (1234567890123456.0, "1234567890123456.0"),
            (12345678901234567.0, "1.2345678901234568e+16"),
            (1e-4, "0.0001"),
            (1e-5, "1e-05"),
            (1.5e-5, "1.5e-05"),
            (5e-324, "5e-324"),
            (1.7976931348623157e308, "1.7976931348623157e+308"),
            (1e22, "1e+22"),
            (-2.5e-7, "-2.5e-07"),
            (123.456, "123.456"),
            (1e100, "1e+100"),
            (-5_779_838_740_143_418.0 / 8.0, "-722479842517927.2"),
            (0.5, "0.5"),
        ] {
            assert_eq!(repr(f), s);
        }
    }
}
