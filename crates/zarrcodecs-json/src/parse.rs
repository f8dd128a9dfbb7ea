//! A JSON parser accepting exactly what Python's `json.JSONDecoder(strict=...)` accepts
//! (including `NaN`, `Infinity`, `-Infinity`), into a small value tree. Numbers follow
//! Python: a literal with a fraction or an exponent is a float (correctly rounded), the
//! others are integers, of any size up to CPython's 4300-digit limit. Objects become
//! dicts as `json.loads` builds them: a repeated key keeps its first position and
//! takes the last value. Strings with lone surrogates parse in Python but have no
//! [`Object`](zarrcodecs_core::Object) form: they are errors here.

use std::collections::HashMap;

use zarrcodecs_core::{BigInt, BigIntError, Error, Result};

use crate::{JSON_ID, MAX_DEPTH};

/// A parsed JSON value.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Value {
    Null,
    Bool(bool),
    Int(i128),
    /// An integer beyond 128 bits.
    Big(BigInt),
    Float(f64),
    Str(String),
    List(Vec<Value>),
    /// An object: its keys (unique) in the order of their first appearance.
    Dict(Vec<(String, Value)>),
}

pub(crate) struct Parser<'a> {
    /// The text, as bytes.
    pub(crate) s: &'a [u8],
    /// The same text (for slicing at char boundaries without checking UTF-8 again).
    pub(crate) t: &'a str,
    pub(crate) pos: usize,
    pub(crate) strict: bool,
}

fn corrupt(msg: impl std::fmt::Display, pos: usize) -> Error {
    Error::corrupt(JSON_ID, format_args!("invalid JSON: {msg} at byte {pos}"))
}

/// Parses a whole document (whitespace around it allowed, nothing else after it).
pub(crate) fn parse(text: &str, strict: bool) -> Result<Value> {
    let mut p = Parser::new(text, strict);
    p.ws();
    let v = p.value(0)?;
    p.ws();
    if p.pos != p.s.len() {
        return Err(corrupt("extra data", p.pos));
    }
    Ok(v)
}

impl<'a> Parser<'a> {
    pub(crate) fn new(text: &'a str, strict: bool) -> Self {
        Parser { s: text.as_bytes(), t: text, pos: 0, strict }
    }

    pub(crate) fn ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.s.get(self.pos) {
            self.pos += 1;
        }
    }

    fn lit(&mut self, word: &[u8]) -> bool {
        if self.s[self.pos..].starts_with(word) {
            self.pos += word.len();
            true
        } else {
            false
        }
    }

    pub(crate) fn value(&mut self, depth: usize) -> Result<Value> {
        let Some(&c) = self.s.get(self.pos) else {
            return Err(corrupt("expecting value", self.pos));
        };
        match c {
            b'[' => {
                if depth >= MAX_DEPTH {
                    return Err(Error::unsupported_input(JSON_ID, "JSON lists nested too deeply"));
                }
                self.pos += 1;
                let mut items = Vec::new();
                self.ws();
                if self.s.get(self.pos) == Some(&b']') {
                    self.pos += 1;
                    return Ok(Value::List(items));
                }
                loop {
                    self.ws();
                    items.push(self.value(depth + 1)?);
                    self.ws();
                    match self.s.get(self.pos) {
                        Some(b',') => self.pos += 1,
                        Some(b']') => {
                            self.pos += 1;
                            return Ok(Value::List(items));
                        }
                        _ => return Err(corrupt("expecting ',' delimiter", self.pos)),
                    }
                }
            }
            b'{' => {
                if depth >= MAX_DEPTH {
                    return Err(Error::unsupported_input(JSON_ID, "JSON objects nested too deeply"));
                }
                self.dict(depth)
            }
            b'"' => self.string().map(Value::Str),
            b'n' if self.lit(b"null") => Ok(Value::Null),
            b't' if self.lit(b"true") => Ok(Value::Bool(true)),
            b'f' if self.lit(b"false") => Ok(Value::Bool(false)),
            b'N' if self.lit(b"NaN") => Ok(Value::Float(f64::NAN)),
            b'I' if self.lit(b"Infinity") => Ok(Value::Float(f64::INFINITY)),
            b'-' if self.s[self.pos..].starts_with(b"-Infinity") => {
                self.pos += 9;
                Ok(Value::Float(f64::NEG_INFINITY))
            }
            b'-' | b'0'..=b'9' => self.number(),
            _ => Err(corrupt("expecting value", self.pos)),
        }
    }

    /// An object (at its `{`), as Python's scanner reads it into a `dict`.
    fn dict(&mut self, depth: usize) -> Result<Value> {
        self.pos += 1;
        let mut pairs: Vec<(String, Value)> = Vec::new();
        // Where each key is in `pairs`, once there are enough of them to look up.
        let mut index: HashMap<String, usize> = HashMap::new();
        self.ws();
        if self.s.get(self.pos) == Some(&b'}') {
            self.pos += 1;
            return Ok(Value::Dict(pairs));
        }
        loop {
            if self.s.get(self.pos) != Some(&b'"') {
                return Err(corrupt("expecting property name enclosed in double quotes", self.pos));
            }
            let key = self.string()?;
            self.ws();
            if self.s.get(self.pos) != Some(&b':') {
                return Err(corrupt("expecting ':' delimiter", self.pos));
            }
            self.pos += 1;
            self.ws();
            let value = self.value(depth + 1)?;
            // `dict[key] = value`: a repeated key keeps its place, with the new value.
            let seen = if pairs.len() < 16 {
                pairs.iter().position(|(k, _)| *k == key)
            } else {
                if index.is_empty() {
                    index.extend(pairs.iter().enumerate().map(|(i, (k, _))| (k.clone(), i)));
                }
                index.get(&key).copied()
            };
            match seen {
                Some(i) => pairs[i].1 = value,
                None => {
                    if !index.is_empty() {
                        index.insert(key.clone(), pairs.len());
                    }
                    pairs.push((key, value));
                }
            }
            self.ws();
            match self.s.get(self.pos) {
                Some(b',') => self.pos += 1,
                Some(b'}') => {
                    self.pos += 1;
                    return Ok(Value::Dict(pairs));
                }
                _ => return Err(corrupt("expecting ',' delimiter", self.pos)),
            }
            self.ws();
        }
    }

    fn digits(&mut self) -> usize {
        let start = self.pos;
        while self.s.get(self.pos).is_some_and(u8::is_ascii_digit) {
            self.pos += 1;
        }
        self.pos - start
    }

    /// Python's `(-?(?:0|[1-9]\d*))(\.\d+)?([eE][-+]?\d+)?`.
    fn number(&mut self) -> Result<Value> {
        let start = self.pos;
        if self.s[self.pos] == b'-' {
            self.pos += 1;
        }
        match self.s.get(self.pos) {
            Some(b'0') => self.pos += 1,
            Some(b'1'..=b'9') => {
                self.digits();
            }
            _ => return Err(corrupt("expecting value", start)),
        }
        let mut float = false;
        if self.s.get(self.pos) == Some(&b'.') && self.s.get(self.pos + 1).is_some_and(u8::is_ascii_digit) {
            self.pos += 1;
            self.digits();
            float = true;
        }
        if let Some(b'e' | b'E') = self.s.get(self.pos) {
            let save = self.pos;
            self.pos += 1;
            if let Some(b'+' | b'-') = self.s.get(self.pos) {
                self.pos += 1;
            }
            if self.digits() == 0 {
                self.pos = save;
            } else {
                float = true;
            }
        }
        // The slice is ASCII digits and signs.
        let text = std::str::from_utf8(&self.s[start..self.pos]).unwrap_or("");
        if float {
            text.parse().map(Value::Float).map_err(|_| corrupt("bad number", start))
        } else {
            text.parse().map(Value::Int).or_else(|_| {
                BigInt::from_decimal(text).map(Value::Big).map_err(|e| match e {
                    BigIntError::TooManyDigits { digits } => Error::corrupt(
                        JSON_ID,
                        format_args!(
                            "an integer of {digits} digits at byte {start}: Python's json.loads refuses more than \
                             {} (int/str conversion limit)",
                            zarrcodecs_core::MAX_DECIMAL_DIGITS
                        ),
                    ),
                    BigIntError::Malformed => corrupt("bad number", start),
                })
            })
        }
    }

    fn hex4(&mut self) -> Result<u32> {
        let h = self.s.get(self.pos..).and_then(hex4).ok_or_else(|| corrupt("invalid \\uXXXX escape", self.pos))?;
        self.pos += 4;
        Ok(h)
    }

    fn string(&mut self) -> Result<String> {
        self.pos += 1;
        let mut out = String::new();
        loop {
            let start = self.pos;
            while let Some(&b) = self.s.get(self.pos) {
                if b == b'"' || b == b'\\' || (b < 0x20 && self.strict) {
                    break;
                }
                self.pos += 1;
            }
            // The input is a `str`, and we stopped at ASCII bytes: a char boundary.
            out.push_str(std::str::from_utf8(&self.s[start..self.pos]).unwrap_or(""));
            match self.s.get(self.pos) {
                None => return Err(corrupt("unterminated string", start)),
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    self.pos += 1;
                    let Some(&e) = self.s.get(self.pos) else {
                        return Err(corrupt("unterminated string", start));
                    };
                    self.pos += 1;
                    let c = match e {
                        b'u' => {
                            let mut u = self.hex4()?;
                            if (0xd800..0xdc00).contains(&u) && self.s[self.pos..].starts_with(b"\\u") {
                                let save = self.pos;
                                self.pos += 2;
                                let lo = self.hex4()?;
                                if (0xdc00..0xe000).contains(&lo) {
                                    u = 0x1_0000 + ((u - 0xd800) << 10) + (lo - 0xdc00);
                                } else {
                                    self.pos = save;
                                }
                            }
                            char::from_u32(u).ok_or_else(|| {
                                Error::unsupported_input(
                                    JSON_ID,
                                    format_args!("the string holds a lone surrogate \\u{u:04x}"),
                                )
                            })?
                        }
                        _ => short_escape(e).ok_or_else(|| corrupt("invalid \\escape", self.pos - 2))?,
                    };
                    out.push(c);
                }
                Some(_) => return Err(corrupt("invalid control character", self.pos)),
            }
        }
    }
}

/// The four hex digits at the start of `h` (a `\\uXXXX` escape's), if they are.
pub(crate) fn hex4(h: &[u8]) -> Option<u32> {
    let mut v = 0;
    for &b in h.get(..4)? {
        v = v << 4 | char::from(b).to_digit(16)?;
    }
    Some(v)
}

/// The character of a one-letter JSON escape (`\\n`, `\\"`, ...): `e` is the letter.
pub(crate) fn short_escape(e: u8) -> Option<char> {
    Some(match e {
        b'"' => '"',
        b'\\' => '\\',
        b'/' => '/',
        b'b' => '\u{8}',
        b'f' => '\u{c}',
        b'n' => '\n',
        b'r' => '\r',
        b't' => '\t',
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_as_python() {
        let v = parse(" [1, -0, 2.5e3, 1E2, NaN, -Infinity, null, true, \"a\\u00e9\\ud83d\\ude00\\n\"] ", true);
        let Ok(Value::List(items)) = v else { panic!("{v:?}") };
        assert_eq!(items[0], Value::Int(1));
        assert_eq!(items[1], Value::Int(0));
        assert_eq!(items[2], Value::Float(2500.0));
        assert_eq!(items[3], Value::Float(100.0));
        assert!(matches!(items[4], Value::Float(f) if f.is_nan()));
        assert_eq!(items[5], Value::Float(f64::NEG_INFINITY));
        assert_eq!(items[8], Value::Str("aé😀\n".into()));
        assert_eq!(parse("\"a\tb\"", false).ok(), Some(Value::Str("a\tb".into())));
        for bad in [
            "",
            "[",
            "[1,]",
            "[01]",
            "[1.]",
            "[.5]",
            "[1e]",
            "[+1]",
            "\"a\tb\"",
            "\"\\x\"",
            "\"\\u12\"",
            "[1] 2",
            "nul",
            "[1 2]",
            "\"abc",
            "-",
            "[-]",
        ] {
            assert!(matches!(parse(bad, true), Err(Error::Corrupt { .. })), "{bad:?}");
        }
        assert_eq!(parse(" { } ", true).ok(), Some(Value::Dict(vec![])));
        // A repeated key keeps its first place and takes the last value, as in Python.
        let v = parse(r#"{"b": 1, "a": {"x": 2}, "b": [3]}"#, true);
        assert_eq!(
            v.ok(),
            Some(Value::Dict(vec![
                ("b".into(), Value::List(vec![Value::Int(3)])),
                ("a".into(), Value::Dict(vec![("x".into(), Value::Int(2))]))
            ]))
        );
        for bad in [r#"{"a":1,}"#, r#"{1:2}"#, r#"{"a" 1}"#, r#"{"a":1"#, r#"{"a":}"#, r#"{,}"#, r#"{"a":1 "b":2}"#] {
            assert!(matches!(parse(bad, true), Err(Error::Corrupt { .. })), "{bad:?}");
        }
        assert!(matches!(parse(&"{\"a\":".repeat(100_000), true), Err(Error::UnsupportedInput { .. })));
        assert_eq!(parse("-170141183460469231731687303715884105729", true).ok(), {
            BigInt::from_decimal("-170141183460469231731687303715884105729").ok().map(Value::Big)
        });
        assert!(matches!(parse(&"5".repeat(5000), true), Err(Error::Corrupt { .. })));
        assert!(matches!(parse("\"\\ud800\"", true), Err(Error::UnsupportedInput { .. })));
        assert!(matches!(parse(&"[".repeat(100_000), true), Err(Error::UnsupportedInput { .. })));
        // "1e" is the number 1 followed by garbage, as in Python.
        assert!(parse("1e5", true).is_ok());
    }
}
