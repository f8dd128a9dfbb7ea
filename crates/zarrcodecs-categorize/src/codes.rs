//! The encoded dtype (`astype`): writing and reading codes.

use zarrcodecs_core::{AlignedBuf, ByteOrder, DType, DTypeKind, Error, NdArray, Result, TimeUnit};

/// What `astype` is, checked once.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct CodeType {
    dtype: DType,
    kind: Kind,
    big: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    U1,
    U2,
    U4,
    U8,
    I1,
    I2,
    I4,
    I8,
    /// `|b1`: a code is `True` when it is not 0, and `True` reads as code 1.
    Bool,
    F2,
    F4,
    F8,
    /// `c8`: the code is the real part, the imaginary part is 0.
    C8,
    C16,
    /// `m8[unit]` (generic too): codes are the int64 counts.
    Timedelta,
    /// `M8[unit]`: codes are written as int64 counts, but numpy never finds a
    /// datetime equal to an integer, so every code decodes to `""`. A generic `M8`
    /// cannot hold integers at all: encoding with any label raises in numcodecs.
    Datetime {
        generic: bool,
    },
}

impl CodeType {
    /// Checks that `astype` is a bool, integer, float, complex or `m8`/`M8` dtype.
    pub(crate) fn new(dtype: DType) -> Result<Self> {
        let kind = match (dtype.kind(), dtype.itemsize()) {
            (DTypeKind::UInt, 1) => Kind::U1,
            (DTypeKind::UInt, 2) => Kind::U2,
            (DTypeKind::UInt, 4) => Kind::U4,
            (DTypeKind::UInt, 8) => Kind::U8,
            (DTypeKind::Int, 1) => Kind::I1,
            (DTypeKind::Int, 2) => Kind::I2,
            (DTypeKind::Int, 4) => Kind::I4,
            (DTypeKind::Int, 8) => Kind::I8,
            (DTypeKind::Bool, _) => Kind::Bool,
            (DTypeKind::Float, 2) => Kind::F2,
            (DTypeKind::Float, 4) => Kind::F4,
            (DTypeKind::Float, 8) => Kind::F8,
            (DTypeKind::Complex, 8) => Kind::C8,
            (DTypeKind::Complex, 16) => Kind::C16,
            (
                DTypeKind::Timedelta { unit: TimeUnit::Generic, .. }
                | DTypeKind::Datetime { unit: TimeUnit::Generic, .. },
                _,
            ) if dtype.byte_order() != ByteOrder::NATIVE => {
                return Err(Error::invalid_config(
                    "categorize",
                    format_args!(
                        "astype {dtype} is not supported: numpy 2.4 handles a generic (unit-less) datetime64 or \
                         timedelta64 of non-native byte order inconsistently (zeros_like makes it native, a view \
                         reads it as native); give a unit or the native byte order"
                    ),
                ))
            }
            (DTypeKind::Timedelta { .. }, _) => Kind::Timedelta,
            (DTypeKind::Datetime { unit, .. }, _) => Kind::Datetime { generic: unit == TimeUnit::Generic },
            (DTypeKind::Object, _) => {
                return Err(Error::invalid_config("categorize", "encoding as an object array is not supported"))
            }
            _ => {
                return Err(Error::invalid_config(
                    "categorize",
                    format_args!(
                        "astype {dtype} is not supported: use a bool, integer, float (f2, f4, f8), complex (c8, \
                         c16), timedelta64 or datetime64 dtype (string and void astypes are not supported)"
                    ),
                ))
            }
        };
        Ok(CodeType { dtype, kind, big: dtype.byte_order() == ByteOrder::Big })
    }

    /// Why numcodecs raises on every encode with `labels` labels, if it does: a generic
    /// `M8` cannot take an integer code (numpy converts the code before assigning it,
    /// so even a label that matches nothing raises).
    pub(crate) fn encode_refusal(&self, labels: usize) -> Option<&'static str> {
        (self.kind == Kind::Datetime { generic: true } && labels > 0)
            .then_some("numpy cannot convert an integer code to a datetime64 without a unit (generic M8)")
    }

    /// The largest code an integer dtype holds (`None` for floats and bools).
    pub(crate) fn max_code(&self) -> Option<u64> {
        Some(match self.kind {
            Kind::U1 => u64::from(u8::MAX),
            Kind::U2 => u64::from(u16::MAX),
            Kind::U4 => u64::from(u32::MAX),
            Kind::U8 => u64::MAX,
            Kind::I1 => 127,
            Kind::I2 => 32_767,
            Kind::I4 => 2_147_483_647,
            Kind::I8 | Kind::Timedelta | Kind::Datetime { .. } => i64::MAX as u64,
            Kind::Bool | Kind::F2 | Kind::F4 | Kind::F8 | Kind::C8 | Kind::C16 => return None,
        })
    }

    /// A flat array of `n` codes (the constructor checked that they fit).
    #[allow(clippy::cast_possible_truncation, clippy::cast_precision_loss)]
    pub(crate) fn write(&self, n: usize, codes: impl Iterator<Item = u64>) -> Result<NdArray> {
        let size = self.dtype.itemsize();
        let mut out = AlignedBuf::zeroed(n.checked_mul(size).ok_or(Error::Allocation { size: usize::MAX })?)?;
        let dst = out.as_mut_slice();
        macro_rules! fill {
            ($conv:expr) => {{
                for (d, c) in dst.chunks_exact_mut(size).zip(codes) {
                    let v = $conv(c);
                    d.copy_from_slice(&if self.big { v.to_be_bytes() } else { v.to_le_bytes() });
                }
            }};
        }
        match self.kind {
            Kind::U1 | Kind::I1 => {
                for (d, c) in dst.iter_mut().zip(codes) {
                    *d = c as u8;
                }
            }
            Kind::U2 | Kind::I2 => fill!(|c: u64| c as u16),
            Kind::U4 | Kind::I4 => fill!(|c: u64| c as u32),
            Kind::U8 | Kind::I8 | Kind::Timedelta | Kind::Datetime { .. } => fill!(|c: u64| c),
            Kind::Bool => {
                for (d, c) in dst.iter_mut().zip(codes) {
                    *d = u8::from(c != 0);
                }
            }
            // numpy converts the Python int to a double, then to half (one rounding,
            // to nearest even; beyond 65519 it overflows to infinity with a warning).
            Kind::F2 => fill!(half_of),
            Kind::F4 => fill!(|c: u64| c as f32),
            Kind::F8 => fill!(|c: u64| c as f64),
            // The real part; the imaginary part stays 0 (the buffer is zeroed).
            Kind::C8 => {
                for (d, c) in dst.chunks_exact_mut(size).zip(codes) {
                    let v = c as f32;
                    d[..4].copy_from_slice(&if self.big { v.to_be_bytes() } else { v.to_le_bytes() });
                }
            }
            Kind::C16 => {
                for (d, c) in dst.chunks_exact_mut(size).zip(codes) {
                    let v = c as f64;
                    d[..8].copy_from_slice(&if self.big { v.to_be_bytes() } else { v.to_le_bytes() });
                }
            }
        }
        NdArray::new(out, self.dtype, vec![n])
    }

    /// The first `n` codes in `bytes`, for `labels` labels: `Some(code)` for a whole
    /// number from 0 up, `None` for a negative or fractional value or NaN (they name
    /// no label). numcodecs decodes with `dec[enc == (i + 1)] = label` for each label
    /// in turn, and numpy converts `i + 1` to `astype` first: with `f2`, `f4` or `c8`
    /// codes, several labels' codes can round to the same value, and the last wins.
    pub(crate) fn read<'a>(&self, bytes: &'a [u8], n: usize, labels: usize) -> impl Iterator<Item = Option<u64>> + 'a {
        let (kind, big, size) = (self.kind, self.big, self.dtype.itemsize());
        let labels = u64::try_from(labels).unwrap_or(u64::MAX);
        bytes.chunks_exact(size).take(n).map(move |c| read_one(kind, big, c, labels))
    }
}

#[inline]
#[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss, clippy::cast_precision_loss)]
fn read_one(kind: Kind, big: bool, c: &[u8], labels: u64) -> Option<u64> {
    macro_rules! get {
        ($t:ty, $n:expr) => {{
            let mut a = [0u8; $n];
            a.copy_from_slice(c);
            if big {
                <$t>::from_be_bytes(a)
            } else {
                <$t>::from_le_bytes(a)
            }
        }};
    }
    let float = |v: f64| (v >= 0.0 && v.fract() == 0.0 && v < 18_446_744_073_709_551_616.0).then_some(v as u64);
    match kind {
        Kind::U1 => Some(u64::from(c[0])),
        Kind::I1 => u64::try_from(c[0] as i8).ok(),
        Kind::U2 => Some(u64::from(get!(u16, 2))),
        Kind::I2 => u64::try_from(get!(i16, 2)).ok(),
        Kind::U4 => Some(u64::from(get!(u32, 4))),
        Kind::I4 => u64::try_from(get!(i32, 4)).ok(),
        Kind::U8 => Some(get!(u64, 8)),
        Kind::I8 | Kind::Timedelta => u64::try_from(get!(i64, 8)).ok(),
        Kind::Datetime { .. } => None,
        Kind::Bool => Some(u64::from(c[0] != 0)),
        Kind::F2 => rounded(half_value(get!(u16, 2)), 11, 65504.0, labels),
        Kind::F4 => rounded(f64::from(get!(f32, 4)), 24, f64::from(f32::MAX), labels),
        Kind::F8 => float(get!(f64, 8)),
        Kind::C8 => {
            // Equal to a code only with an imaginary part of 0 (or -0).
            (f32_of(&c[4..], big) == 0.0).then(|| read_one(Kind::F4, big, &c[..4], labels)).flatten()
        }
        Kind::C16 => (f64_of(&c[8..], big) == 0.0).then(|| float(f64_of(&c[..8], big))).flatten(),
    }
}

/// The IEEE half (bits) nearest to `c`, ties to even, infinity from 65520 up: numpy's
/// conversion of a Python int (exact as a double here) to `f2`.
fn half_of(c: u64) -> u16 {
    if c == 0 {
        return 0;
    }
    if c >= 65_520 {
        return 0x7c00;
    }
    let mut e = 63 - c.leading_zeros(); // 0..=15
    let mut m = if e <= 10 {
        c << (10 - e)
    } else {
        let shift = e - 10;
        let (m, rem, half) = (c >> shift, c & ((1 << shift) - 1), 1u64 << (shift - 1));
        m + u64::from(rem > half || (rem == half && m & 1 == 1))
    };
    if m == 2048 {
        m = 1024;
        e += 1;
    }
    // e <= 15 and m < 2048, so this fits.
    u16::try_from(((u64::from(e) + 15) << 10) | (m & 0x3ff)).unwrap_or(0x7c00)
}

/// The value of an IEEE half given by its bits.
fn half_value(h: u16) -> f64 {
    let sign = if h & 0x8000 == 0 { 1.0 } else { -1.0 };
    let (exp, mant) = (i32::from((h >> 10) & 0x1f), f64::from(h & 0x3ff));
    sign * match exp {
        0 => mant * 2f64.powi(-24),
        31 if mant == 0.0 => f64::INFINITY,
        31 => f64::NAN,
        _ => (1024.0 + mant) * 2f64.powi(exp - 25),
    }
}

fn f32_of(b: &[u8], big: bool) -> f32 {
    let mut a = [0u8; 4];
    a.copy_from_slice(b);
    if big {
        f32::from_be_bytes(a)
    } else {
        f32::from_le_bytes(a)
    }
}

fn f64_of(b: &[u8], big: bool) -> f64 {
    let mut a = [0u8; 8];
    a.copy_from_slice(b);
    if big {
        f64::from_be_bytes(a)
    } else {
        f64::from_le_bytes(a)
    }
}

/// The code of the last label whose code `k` (1 to `labels`) numpy converts to the
/// float `v` of a type with `p` significand bits and largest finite value `max`
/// (round to nearest even, overflowing to infinity), or `v` itself when it is a whole
/// number that names no label by rounding (then the caller finds no label for it).
#[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss, clippy::cast_precision_loss)]
fn rounded(v: f64, p: i32, max: f64, labels: u64) -> Option<u64> {
    if v.is_nan() || v < 0.0 || (v.is_finite() && v.fract() != 0.0) {
        return None;
    }
    let exact = 2f64.powi(p);
    if v < exact {
        return Some(v as u64);
    }
    // The whole numbers that round to v are lo..=hi.
    let (lo, hi) = if v.is_infinite() {
        let ulp = 2f64.powi(max.log2().floor() as i32 - p + 1);
        // The halfway point to 2 ** (emax + 1) (an even significand) rounds up.
        (max + ulp / 2.0, f64::INFINITY)
    } else {
        let e = v.log2().floor() as i32;
        let ulp = 2f64.powi(e - p + 1);
        let even = (v / ulp) % 2.0 == 0.0;
        let hi = v + ulp / 2.0 - if even { 0.0 } else { 1.0 };
        let lo = if v == 2f64.powi(e) {
            // The float below is ulp / 2 away; its halfway point is a whole number
            // (a tie, which goes to v's even significand) unless ulp is 2.
            v - (ulp / 4.0).floor()
        } else {
            v - ulp / 2.0 + if even { 0.0 } else { 1.0 }
        };
        (lo, hi)
    };
    let last = (labels as f64).min(hi);
    if last >= lo {
        Some(last as u64)
    } else {
        // No label's code rounds to v: a code beyond the labels.
        Some(labels.saturating_add(1))
    }
}

#[cfg(test)]
pub(crate) fn half_of_for_tests(c: u64) -> u16 {
    half_of(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn halves() {
        // numpy: np.array([...], "f8").astype("f2").view("u2").
        let cases = [
            (1, 0x3c00),
            (2048, 0x6800),
            (2049, 0x6800),
            (2050, 0x6801),
            (2051, 0x6802),
            (4097, 0x6c00),
            (4098, 0x6c00),
            (4099, 0x6c01),
            (65504, 0x7bff),
            (65519, 0x7bff),
            (65520, 0x7c00),
            (1023, 0x63fe),
        ];
        for (c, h) in cases {
            assert_eq!(half_of(c), h, "{c}");
            if c != 2049 && c != 2051 && c != 4097 && c != 4098 && c != 4099 && c != 65519 && c != 65520 {
                assert_eq!(half_value(h), c as f64, "{c}");
            }
        }
        assert_eq!(half_value(0x0001), 2f64.powi(-24));
        assert!(half_value(0x7e00).is_nan());
        assert_eq!(half_value(0xfc00), f64::NEG_INFINITY);
    }
}
