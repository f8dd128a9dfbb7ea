//! numpy dtypes, parsed from and printed as numpy's type strings (`<f8`, `|S10`, ...).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::{Error, Result};

/// Byte order of a dtype, the first character of numpy's type string.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ByteOrder {
    /// `<`: little-endian.
    Little,
    /// `>`: big-endian.
    Big,
    /// `|`: not applicable (single bytes, byte strings, objects, void).
    NotApplicable,
}

impl ByteOrder {
    /// The byte order of the machine this code runs on (numpy's `=`).
    pub const NATIVE: ByteOrder = if cfg!(target_endian = "little") { ByteOrder::Little } else { ByteOrder::Big };

    /// The character numpy prints for this byte order.
    pub fn as_char(self) -> char {
        match self {
            ByteOrder::Little => '<',
            ByteOrder::Big => '>',
            ByteOrder::NotApplicable => '|',
        }
    }

    /// Whether data in this byte order must be byte-swapped to be read on this machine.
    pub fn is_swapped(self) -> bool {
        self != ByteOrder::NotApplicable && self != ByteOrder::NATIVE
    }
}

/// The unit of a `datetime64` / `timedelta64` dtype, e.g. `ns` in `<M8[ns]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TimeUnit {
    /// No unit (`<M8`): numpy's generic unit.
    Generic,
    /// `Y`: years.
    Year,
    /// `M`: months.
    Month,
    /// `W`: weeks.
    Week,
    /// `D`: days.
    Day,
    /// `h`: hours.
    Hour,
    /// `m`: minutes.
    Minute,
    /// `s`: seconds.
    Second,
    /// `ms`: milliseconds.
    Millisecond,
    /// `us`: microseconds.
    Microsecond,
    /// `ns`: nanoseconds.
    Nanosecond,
    /// `ps`: picoseconds.
    Picosecond,
    /// `fs`: femtoseconds.
    Femtosecond,
    /// `as`: attoseconds.
    Attosecond,
}

const TIME_UNITS: [(TimeUnit, &str); 13] = [
    (TimeUnit::Year, "Y"),
    (TimeUnit::Month, "M"),
    (TimeUnit::Week, "W"),
    (TimeUnit::Day, "D"),
    (TimeUnit::Hour, "h"),
    (TimeUnit::Minute, "m"),
    (TimeUnit::Second, "s"),
    (TimeUnit::Millisecond, "ms"),
    (TimeUnit::Microsecond, "us"),
    (TimeUnit::Nanosecond, "ns"),
    (TimeUnit::Picosecond, "ps"),
    (TimeUnit::Femtosecond, "fs"),
    (TimeUnit::Attosecond, "as"),
];

impl TimeUnit {
    fn as_str(self) -> &'static str {
        TIME_UNITS.iter().find(|(u, _)| *u == self).map_or("", |(_, s)| s)
    }
}

/// The kind of a dtype: numpy's kind character.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DTypeKind {
    /// `b`: boolean.
    Bool,
    /// `i`: signed integer.
    Int,
    /// `u`: unsigned integer.
    UInt,
    /// `f`: IEEE floating point (`f2` is half precision).
    Float,
    /// `c`: complex (two floats).
    Complex,
    /// `S`: fixed-width byte string, NUL padded.
    Bytes,
    /// `U`: fixed-width UCS-4 string; the item size is 4 bytes per character.
    Unicode,
    /// `M`: `datetime64` with a unit and a multiplier (e.g. `[10ms]`).
    Datetime {
        /// The unit.
        unit: TimeUnit,
        /// The multiplier in front of the unit (1 when absent).
        multiplier: u32,
    },
    /// `m`: `timedelta64` with a unit and a multiplier.
    Timedelta {
        /// The unit.
        unit: TimeUnit,
        /// The multiplier in front of the unit (1 when absent).
        multiplier: u32,
    },
    /// `O`: Python objects (strings, bytes, arrays, ...), handled by the object codecs.
    Object,
    /// `V`: raw bytes of a fixed size.
    Void,
}

/// A numpy dtype: kind, byte order and item size.
///
/// Parses every type string numcodecs users meet and prints numpy's canonical
/// `dtype.str` form:
///
/// ```
/// use zarrcodecs_core::{DType, DTypeKind, ByteOrder};
///
/// let dt: DType = "<f8".parse()?;
/// assert_eq!((dt.kind(), dt.byte_order(), dt.itemsize()), (DTypeKind::Float, ByteOrder::Little, 8));
/// assert_eq!("<U7".parse::<DType>()?.itemsize(), 28);
/// assert_eq!("u1".parse::<DType>()?.to_string(), "|u1");
/// assert_eq!("float32".parse::<DType>()?.to_string(), "<f4");
/// assert_eq!(">M8[ns]".parse::<DType>()?.to_string(), ">M8[ns]");
/// # Ok::<(), zarrcodecs_core::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct DType {
    kind: DTypeKind,
    order: ByteOrder,
    itemsize: usize,
}

/// Item size numpy reports for object arrays (a pointer).
const OBJECT_ITEMSIZE: usize = 8;

impl DType {
    /// `|u1`, the dtype of raw bytes (what compressors produce).
    pub const U1: DType = DType { kind: DTypeKind::UInt, order: ByteOrder::NotApplicable, itemsize: 1 };
    /// `|O`, the dtype of object arrays.
    pub const OBJECT: DType =
        DType { kind: DTypeKind::Object, order: ByteOrder::NotApplicable, itemsize: OBJECT_ITEMSIZE };

    /// Builds a dtype, checking that the item size is valid for the kind, and
    /// normalising the byte order as numpy does (`|` for single bytes, strings,
    /// objects and void; native for `|` on a multi-byte number).
    ///
    /// # Errors
    /// [`Error::InvalidDType`] if the size is not one numpy has for this kind.
    pub fn new(kind: DTypeKind, order: ByteOrder, itemsize: usize) -> Result<Self> {
        let bad = |reason: &str| Error::InvalidDType {
            text: format!("{}{}", kind_char(kind), itemsize),
            reason: reason.to_string(),
        };
        let ok = match kind {
            DTypeKind::Bool => itemsize == 1,
            DTypeKind::Int | DTypeKind::UInt => matches!(itemsize, 1 | 2 | 4 | 8),
            DTypeKind::Float => matches!(itemsize, 2 | 4 | 8),
            DTypeKind::Complex => matches!(itemsize, 8 | 16),
            DTypeKind::Datetime { .. } | DTypeKind::Timedelta { .. } => itemsize == 8,
            DTypeKind::Unicode => itemsize.is_multiple_of(4),
            DTypeKind::Bytes | DTypeKind::Void => true,
            DTypeKind::Object => itemsize == OBJECT_ITEMSIZE,
        };
        if !ok {
            return Err(bad("item size not supported for this kind"));
        }
        let order = match kind {
            DTypeKind::Bytes | DTypeKind::Void | DTypeKind::Object | DTypeKind::Bool => ByteOrder::NotApplicable,
            DTypeKind::Int | DTypeKind::UInt if itemsize == 1 => ByteOrder::NotApplicable,
            _ if order == ByteOrder::NotApplicable => ByteOrder::NATIVE,
            _ => order,
        };
        Ok(DType { kind, order, itemsize })
    }

    /// The kind.
    pub fn kind(&self) -> DTypeKind {
        self.kind
    }

    /// The byte order.
    pub fn byte_order(&self) -> ByteOrder {
        self.order
    }

    /// Size of one item in bytes (4 per character for `U`).
    pub fn itemsize(&self) -> usize {
        self.itemsize
    }

    /// Whether this is the object dtype `|O`.
    pub fn is_object(&self) -> bool {
        self.kind == DTypeKind::Object
    }

    /// The same dtype in another byte order (no change for dtypes without one).
    #[must_use]
    pub fn with_byte_order(self, order: ByteOrder) -> Self {
        if self.order == ByteOrder::NotApplicable {
            self
        } else {
            DType { order: if order == ByteOrder::NotApplicable { ByteOrder::NATIVE } else { order }, ..self }
        }
    }

    /// Bytes needed for an array of this dtype and shape, or `None` on overflow.
    pub fn nbytes(&self, shape: &[usize]) -> Option<usize> {
        shape.iter().try_fold(self.itemsize, |acc, &d| acc.checked_mul(d))
    }
}

fn kind_char(kind: DTypeKind) -> char {
    match kind {
        DTypeKind::Bool => 'b',
        DTypeKind::Int => 'i',
        DTypeKind::UInt => 'u',
        DTypeKind::Float => 'f',
        DTypeKind::Complex => 'c',
        DTypeKind::Bytes => 'S',
        DTypeKind::Unicode => 'U',
        DTypeKind::Datetime { .. } => 'M',
        DTypeKind::Timedelta { .. } => 'm',
        DTypeKind::Object => 'O',
        DTypeKind::Void => 'V',
    }
}

impl fmt::Display for DType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let c = kind_char(self.kind);
        write!(f, "{}{}", self.order.as_char(), c)?;
        match self.kind {
            DTypeKind::Object => Ok(()),
            DTypeKind::Unicode => write!(f, "{}", self.itemsize / 4),
            DTypeKind::Datetime { unit, multiplier } | DTypeKind::Timedelta { unit, multiplier } => {
                write!(f, "8")?;
                match (unit, multiplier) {
                    (TimeUnit::Generic, _) => Ok(()),
                    (u, 1) => write!(f, "[{}]", u.as_str()),
                    (u, m) => write!(f, "[{m}{}]", u.as_str()),
                }
            }
            _ => write!(f, "{}", self.itemsize),
        }
    }
}

/// numpy's names for the common dtypes (`np.dtype("float64")`).
const NAMES: &[(&str, &str)] = &[
    ("bool", "|b1"),
    ("int8", "|i1"),
    ("int16", "=i2"),
    ("int32", "=i4"),
    ("int64", "=i8"),
    ("uint8", "|u1"),
    ("uint16", "=u2"),
    ("uint32", "=u4"),
    ("uint64", "=u8"),
    ("float16", "=f2"),
    ("float32", "=f4"),
    ("float64", "=f8"),
    ("complex64", "=c8"),
    ("complex128", "=c16"),
    ("object", "|O"),
];

impl FromStr for DType {
    type Err = Error;

    fn from_str(text: &str) -> Result<Self> {
        let err = |reason: &str| Error::InvalidDType { text: text.to_string(), reason: reason.to_string() };
        if let Some((_, s)) = NAMES.iter().find(|(n, _)| *n == text) {
            return s.parse();
        }
        let (order, rest) = match text.chars().next() {
            Some('<') => (ByteOrder::Little, &text[1..]),
            Some('>') => (ByteOrder::Big, &text[1..]),
            Some('|') => (ByteOrder::NotApplicable, &text[1..]),
            Some('=') => (ByteOrder::NATIVE, &text[1..]),
            Some(_) => (ByteOrder::NATIVE, text),
            None => return Err(err("empty string")),
        };
        let mut chars = rest.chars();
        let kc = chars.next().ok_or_else(|| err("missing kind character"))?;
        let tail = chars.as_str();
        let (size_text, unit_text) = match tail.find('[') {
            Some(i) => {
                let unit = tail[i + 1..].strip_suffix(']').ok_or_else(|| err("unterminated unit"))?;
                (&tail[..i], Some(unit))
            }
            None => (tail, None),
        };
        let size = if size_text.is_empty() {
            None
        } else if size_text.bytes().all(|b| b.is_ascii_digit()) {
            Some(size_text.parse::<usize>().map_err(|_| err("item size too large"))?)
        } else {
            return Err(err("item size is not a number"));
        };
        if unit_text.is_some() && !matches!(kc, 'M' | 'm') {
            return Err(err("only datetime64 (M) and timedelta64 (m) take a unit"));
        }
        let kind = match kc {
            'b' | '?' => DTypeKind::Bool,
            'i' => DTypeKind::Int,
            'u' => DTypeKind::UInt,
            'f' => DTypeKind::Float,
            'c' => DTypeKind::Complex,
            'S' | 'a' => DTypeKind::Bytes,
            'U' => DTypeKind::Unicode,
            'O' => DTypeKind::Object,
            'V' => DTypeKind::Void,
            'M' | 'm' => {
                let (unit, multiplier) = match unit_text {
                    None => (TimeUnit::Generic, 1),
                    Some(u) => parse_time_unit(u).ok_or_else(|| err("unknown datetime unit"))?,
                };
                if kc == 'M' {
                    DTypeKind::Datetime { unit, multiplier }
                } else {
                    DTypeKind::Timedelta { unit, multiplier }
                }
            }
            _ => return Err(err("unknown kind character")),
        };
        let itemsize = match (kind, size) {
            (DTypeKind::Unicode, Some(n)) => n.checked_mul(4).ok_or_else(|| err("item size too large"))?,
            (DTypeKind::Bool, None) => 1,
            (DTypeKind::Object, None) => OBJECT_ITEMSIZE,
            (DTypeKind::Datetime { .. } | DTypeKind::Timedelta { .. }, None) => 8,
            (DTypeKind::Bytes | DTypeKind::Unicode | DTypeKind::Void, None) => 0,
            (_, None) => return Err(err("missing item size")),
            (_, Some(n)) => n,
        };
        DType::new(kind, order, itemsize).map_err(|_| err("item size not supported for this kind"))
    }
}

fn parse_time_unit(text: &str) -> Option<(TimeUnit, u32)> {
    let digits = text.bytes().take_while(u8::is_ascii_digit).count();
    let multiplier = if digits == 0 { 1 } else { text[..digits].parse().ok()? };
    let unit = TIME_UNITS.iter().find(|(_, s)| *s == &text[digits..])?.0;
    (multiplier > 0).then_some((unit, multiplier))
}

impl Serialize for DType {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for DType {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
#[allow(clippy::cast_possible_truncation)]
mod tests {
    use super::*;

    #[test]
    fn canonical_strings_round_trip() {
        for s in [
            "<f8", ">i2", "|b1", "<f2", "|S10", "<U7", ">U1", "<M8[ns]", ">m8[10s]", "<M8", "<c16", "<c8", "|O", "|V8",
            "|u1", "|i1", "<u8", ">f4", "|S0", "<M8[D]",
        ] {
            let d: DType = s.parse().unwrap();
            assert_eq!(d.to_string(), s, "{s}");
        }
    }

    #[test]
    fn normalises_like_numpy() {
        let native = if cfg!(target_endian = "little") { "<" } else { ">" };
        for (input, want) in [
            ("<u1", "|u1".to_string()),
            (">b1", "|b1".to_string()),
            ("<S5", "|S5".to_string()),
            ("=f8", format!("{native}f8")),
            ("f8", format!("{native}f8")),
            ("|f4", format!("{native}f4")),
            ("u2", format!("{native}u2")),
            ("float64", format!("{native}f8")),
            ("uint8", "|u1".to_string()),
            ("bool", "|b1".to_string()),
            ("O", "|O".to_string()),
            ("|O8", "|O".to_string()),
            ("U3", format!("{native}U3")),
        ] {
            assert_eq!(input.parse::<DType>().unwrap().to_string(), want, "{input}");
        }
    }

    #[test]
    fn item_sizes() {
        assert_eq!("<U7".parse::<DType>().unwrap().itemsize(), 28);
        assert_eq!("|S10".parse::<DType>().unwrap().itemsize(), 10);
        assert_eq!("<c16".parse::<DType>().unwrap().itemsize(), 16);
        assert_eq!("<M8[ns]".parse::<DType>().unwrap().itemsize(), 8);
    }

    #[test]
    fn rejects_garbage() {
        for s in [
            "",
            "<",
            "<x8",
            "<f3",
            "<i16",
            "<fx",
            "<U7[ns]",
            "<M8[ns",
            "<M8[parsec]",
            "<c4",
            "|b2",
            "<M8[0s]",
            "<i99999999999999999999999",
        ] {
            assert!(matches!(s.parse::<DType>(), Err(Error::InvalidDType { .. })), "{s}");
        }
    }

    #[test]
    fn nbytes_overflow_is_none() {
        let d: DType = "<f8".parse().unwrap();
        assert_eq!(d.nbytes(&[2, 3]), Some(48));
        assert_eq!(d.nbytes(&[usize::MAX, 2]), None);
    }
}
