//! Python numbers in numpy arrays: reading one element of a numeric dtype as a Python
//! number ([`read_num`]) and storing a Python number into one ([`write_num`]) with
//! numpy's conversion rules (range checks where numpy raises, float32 and float16
//! rounding to nearest even). The object codecs (vlen-array, json2, msgpack2) convert
//! between object items and numeric arrays with it.

// Every narrowing cast here is range-checked first (integers) or is the intended
// rounding (float32, float16).
#![allow(clippy::cast_possible_truncation)]

use zarrcodecs_core::{AlignedBuf, ByteOrder, DType, DTypeKind, Error, NdArray, Result};

/// A Python number.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Num {
    /// `bool` (numpy `|b1`).
    Bool(bool),
    /// `int`, wide enough for every `u8`/`i8` value.
    Int(i128),
    /// `float`.
    Float(f64),
}

fn order_bytes<const N: usize>(mut b: [u8; N], order: ByteOrder) -> [u8; N] {
    if order == ByteOrder::Big {
        b.reverse();
    }
    b
}

/// A half-precision float's value.
fn f16_to_f64(bits: u16) -> f64 {
    let sign = if bits & 0x8000 != 0 { -1.0 } else { 1.0 };
    let exp = i32::from((bits >> 10) & 0x1f);
    let frac = f64::from(bits & 0x3ff);
    sign * match exp {
        0 => frac * 2f64.powi(-24),
        31 if frac == 0.0 => f64::INFINITY,
        31 => f64::NAN,
        e => (1.0 + frac / 1024.0) * 2f64.powi(e - 15),
    }
}

/// The nearest half-precision float (ties to even), as numpy's `npy_double_to_half`.
fn f64_to_f16(x: f64) -> u16 {
    let bits = x.to_bits();
    let sign = ((bits >> 48) & 0x8000) as u16;
    let a = x.abs();
    if a.is_nan() {
        return sign | 0x7c00 | (((bits >> 42) & 0x3ff) as u16).max(0x200);
    }
    if a >= 65520.0 {
        return sign | 0x7c00;
    }
    if a < 2f64.powi(-14) {
        // Subnormal (or zero): a multiple of 2^-24; 1024 is the smallest normal.
        return sign | (a * 2f64.powi(24)).round_ties_even() as u16;
    }
    let e = ((bits >> 52) & 0x7ff) as i32 - 1023;
    let mut m = (a * 2f64.powi(10 - e)).round_ties_even() as u32;
    let mut e = e;
    if m == 2048 {
        m = 1024;
        e += 1;
    }
    sign | (((e + 15) as u16) << 10) | (m - 1024) as u16
}

/// Element `i` of a numeric array as a Python number (`None` for dtypes that are not
/// booleans, integers or real floats).
pub fn read_num(dtype: DType, bytes: &[u8]) -> Option<Num> {
    let o = dtype.byte_order();
    let n = |b: &[u8]| -> [u8; 8] {
        let mut a = [0u8; 8];
        a[..b.len()].copy_from_slice(b);
        a
    };
    let a = n(bytes);
    Some(match (dtype.kind(), bytes.len()) {
        (DTypeKind::Bool, 1) => Num::Bool(bytes[0] != 0),
        (DTypeKind::Int, 1) => Num::Int(i128::from(bytes[0] as i8)),
        (DTypeKind::UInt, 1) => Num::Int(i128::from(bytes[0])),
        (DTypeKind::Int, 2) => Num::Int(i128::from(i16::from_le_bytes(order_bytes([a[0], a[1]], o)))),
        (DTypeKind::UInt, 2) => Num::Int(i128::from(u16::from_le_bytes(order_bytes([a[0], a[1]], o)))),
        (DTypeKind::Int, 4) => Num::Int(i128::from(i32::from_le_bytes(order_bytes([a[0], a[1], a[2], a[3]], o)))),
        (DTypeKind::UInt, 4) => Num::Int(i128::from(u32::from_le_bytes(order_bytes([a[0], a[1], a[2], a[3]], o)))),
        (DTypeKind::Int, 8) => Num::Int(i128::from(i64::from_le_bytes(order_bytes(a, o)))),
        (DTypeKind::UInt, 8) => Num::Int(i128::from(u64::from_le_bytes(order_bytes(a, o)))),
        (DTypeKind::Float, 2) => Num::Float(f16_to_f64(u16::from_le_bytes(order_bytes([a[0], a[1]], o)))),
        (DTypeKind::Float, 4) => Num::Float(f64::from(f32::from_le_bytes(order_bytes([a[0], a[1], a[2], a[3]], o)))),
        (DTypeKind::Float, 8) => Num::Float(f64::from_le_bytes(order_bytes(a, o))),
        _ => return None,
    })
}

fn put<const N: usize>(out: &mut [u8], le: [u8; N], order: ByteOrder) {
    out.copy_from_slice(&order_bytes(le, order));
}

/// Writes `n` into `out` (one item of `dtype`) as numpy converts a Python number:
/// floats truncate towards zero into integers, integers out of range are refused
/// (numpy's `OverflowError`), as are non-finite floats into integers.
///
/// # Errors
/// [`Error::UnsupportedInput`] naming `codec` for a value numpy refuses to convert;
/// [`Error::UnsupportedDType`] for a dtype that holds no numbers.
pub fn write_num(codec: &str, dtype: DType, n: Num, out: &mut [u8]) -> Result<()> {
    let o = dtype.byte_order();
    let overflow = || Error::unsupported_input(codec, format_args!("{n:?} is out of bounds for {dtype}"));
    match dtype.kind() {
        DTypeKind::Bool => {
            out[0] = u8::from(match n {
                Num::Bool(b) => b,
                Num::Int(i) => i != 0,
                Num::Float(f) => f != 0.0,
            });
        }
        DTypeKind::Int | DTypeKind::UInt => {
            let i = match n {
                Num::Bool(b) => i128::from(b),
                Num::Int(i) => i,
                Num::Float(f) if f.is_finite() && f.abs() < 1.8e19 => f.trunc() as i128,
                Num::Float(_) => return Err(overflow()),
            };
            let signed = dtype.kind() == DTypeKind::Int;
            let bits = 8 * dtype.itemsize() as u32;
            let (lo, hi) =
                if signed { (-(1i128 << (bits - 1)), (1i128 << (bits - 1)) - 1) } else { (0, (1i128 << bits) - 1) };
            if i < lo || i > hi {
                return Err(overflow());
            }
            let le = (i as u64).to_le_bytes();
            match dtype.itemsize() {
                1 => out[0] = le[0],
                2 => put(out, [le[0], le[1]], o),
                4 => put(out, [le[0], le[1], le[2], le[3]], o),
                _ => put(out, le, o),
            }
        }
        DTypeKind::Float => {
            let f = match n {
                Num::Bool(b) => f64::from(u8::from(b)),
                Num::Int(i) if dtype.itemsize() == 4 => f64::from(i as f32),
                Num::Int(i) => i as f64,
                Num::Float(f) => f,
            };
            if dtype.itemsize() == 2 {
                put(out, f64_to_f16(f).to_le_bytes(), o);
            } else if dtype.itemsize() == 4 {
                put(out, (f as f32).to_le_bytes(), o);
            } else {
                put(out, f.to_le_bytes(), o);
            }
        }
        _ => {
            return Err(Error::UnsupportedDType {
                codec: codec.into(),
                dtype,
                reason: "converting numbers is supported for booleans, integers and floats only".into(),
            })
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn half_precision() {
        for (f, h) in [
            (0.0, 0x0000u16),
            (-0.0, 0x8000),
            (1.0, 0x3c00),
            (0.1, 0x2e66),
            (65504.0, 0x7bff),
            (65519.0, 0x7bff),
            (65520.0, 0x7c00),
            (f64::INFINITY, 0x7c00),
            (2f64.powi(-24), 0x0001),
            (2f64.powi(-25), 0x0000),
            (3.0 * 2f64.powi(-25), 0x0002),
            (2f64.powi(-14), 0x0400),
            (1.0 + 2f64.powi(-11), 0x3c00),
            (1.0 + 3.0 * 2f64.powi(-11), 0x3c02),
        ] {
            assert_eq!(f64_to_f16(f), h, "{f}");
            if h & 0x7c00 != 0x7c00 {
                assert_eq!(f64_to_f16(f16_to_f64(h)), h);
            }
        }
        assert_eq!(f64_to_f16(f64::NAN) & 0x7e00, 0x7e00);
    }
}

/// A Python scalar as a decoder reads it from a document: `None`, `bool`, an `int`
/// that fits in 64 bits, or `float`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Scalar {
    /// `None` (JSON `null`, msgpack `nil`).
    None,
    /// `bool`.
    Bool(bool),
    /// `int`.
    Int(i64),
    /// `float`.
    Float(f64),
}

/// The bytes of a numeric array built from Python scalars one by one, as numpy's item
/// assignment converts them ([`write_num`]; `None` is NaN in a float array and `False`
/// in a bool array). For decoders' fast paths: a value numpy would refuse gives
/// `None`, and the caller decodes again with its general path for the error.
///
/// ```
/// use zarrcodecs_kernels::pynum::{NumWriter, Scalar};
/// let mut w = NumWriter::new("<i2".parse()?, 3).unwrap();
/// for v in [Scalar::Int(1), Scalar::Float(-2.7), Scalar::Bool(true)] {
///     w.put(v).unwrap();
/// }
/// assert_eq!(w.put(Scalar::Int(40_000)), None); // out of range for int16
/// assert_eq!(w.finish(vec![3]).unwrap().as_slice::<i16>()?, &[1, -2, 1]);
/// # Ok::<(), zarrcodecs_core::Error>(())
/// ```
#[derive(Debug)]
pub struct NumWriter {
    dtype: DType,
    kind: DTypeKind,
    size: usize,
    big: bool,
    lo: i64,
    hi: i64,
    out: Vec<u8>,
}

impl NumWriter {
    /// A writer for about `n` items of `dtype`; `None` unless `dtype` is a bool, an
    /// integer or a float of 1 to 8 bytes, or if the memory cannot be had.
    pub fn new(dtype: DType, n: usize) -> Option<Self> {
        let kind = dtype.kind();
        let size = dtype.itemsize();
        if !matches!(kind, DTypeKind::Bool | DTypeKind::Int | DTypeKind::UInt | DTypeKind::Float)
            || !matches!(size, 1 | 2 | 4 | 8)
        {
            return None;
        }
        let bits = 8 * size as u32;
        let (lo, hi) = match kind {
            DTypeKind::Int => (i64::MIN >> (64 - bits), i64::MAX >> (64 - bits)),
            _ if bits == 64 => (0, i64::MAX),
            _ => (0, (1i64 << bits) - 1),
        };
        let mut out = Vec::new();
        out.try_reserve_exact(n.checked_mul(size)?).ok()?;
        Some(NumWriter { dtype, kind, size, big: dtype.byte_order() == ByteOrder::Big, lo, hi, out })
    }

    /// Bytes written so far.
    pub fn len(&self) -> usize {
        self.out.len()
    }

    /// Whether nothing has been written.
    pub fn is_empty(&self) -> bool {
        self.out.is_empty()
    }

    /// Appends the low `size` bytes of `v` in the dtype's byte order.
    #[inline]
    fn bits(&mut self, v: u64) {
        let b = if self.big { v.swap_bytes() >> (64 - 8 * self.size) } else { v }.to_le_bytes();
        match self.size {
            1 => self.out.push(b[0]),
            2 => self.out.extend_from_slice(&b[..2]),
            4 => self.out.extend_from_slice(&b[..4]),
            _ => self.out.extend_from_slice(&b),
        }
    }

    /// Appends `v`; `None` (and nothing written) if numpy would refuse it.
    #[inline]
    #[allow(clippy::cast_sign_loss)] // integers are range-checked; the bits are what is stored
    pub fn put(&mut self, v: Scalar) -> Option<()> {
        match (self.kind, v) {
            (DTypeKind::Int | DTypeKind::UInt, Scalar::Int(i)) => {
                if i < self.lo || i > self.hi {
                    return None;
                }
                self.bits(i as u64);
            }
            (DTypeKind::Float, Scalar::Float(f)) if self.size == 8 => self.bits(f.to_bits()),
            (DTypeKind::Float, Scalar::Float(f)) if self.size == 4 => self.bits(u64::from((f as f32).to_bits())),
            _ => {
                let num = match v {
                    Scalar::Bool(b) => Num::Bool(b),
                    Scalar::Int(i) => Num::Int(i128::from(i)),
                    Scalar::Float(f) => Num::Float(f),
                    Scalar::None if self.kind == DTypeKind::Float => Num::Float(f64::NAN),
                    Scalar::None if self.kind == DTypeKind::Bool => Num::Bool(false),
                    Scalar::None => return None,
                };
                let mut b = [0u8; 8];
                write_num("", self.dtype, num, &mut b[..self.size]).ok()?;
                self.out.extend_from_slice(&b[..self.size]);
            }
        }
        Some(())
    }

    /// The array of `shape`; `None` if the shape does not hold the items written.
    pub fn finish(self, shape: Vec<usize>) -> Option<NdArray> {
        NdArray::new(AlignedBuf::from_slice(&self.out).ok()?, self.dtype, shape).ok()
    }
}

/// Appends `s` as one item of the unicode dtype `dtype` (`<U*` / `>U*`) as numpy's item
/// assignment stores a `str`: UCS-4 code points in the dtype's byte order, cut to its
/// width and zero-padded. `None`, with nothing written, if `out` would grow past
/// `limit` bytes (a huge width is refused before anything is allocated).
///
/// ```
/// let mut out = Vec::new();
/// zarrcodecs_kernels::pynum::push_unicode(&mut out, "<U2".parse()?, "héllo", 1 << 20).unwrap();
/// zarrcodecs_kernels::pynum::push_unicode(&mut out, "<U2".parse()?, "", 1 << 20).unwrap();
/// assert_eq!(out, [b'h', 0, 0, 0, 0xe9, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
/// assert!(zarrcodecs_kernels::pynum::push_unicode(&mut out, "<U2".parse()?, "x", 20).is_none());
/// # Ok::<(), zarrcodecs_core::Error>(())
/// ```
pub fn push_unicode(out: &mut Vec<u8>, dtype: DType, s: &str, limit: usize) -> Option<()> {
    let size = dtype.itemsize();
    let start = out.len();
    if start.checked_add(size)? > limit {
        return None;
    }
    let big = dtype.byte_order() == ByteOrder::Big;
    for c in s.chars().take(size / 4) {
        let c = u32::from(c);
        out.extend_from_slice(&if big { c.to_be_bytes() } else { c.to_le_bytes() });
    }
    out.resize(start + size, 0);
    Some(())
}
