//! numpy's `astype` between the numeric dtypes, bit for bit, and the element
//! arithmetic the filters (`delta`, `fixedscaleoffset`, `quantize`) share.
//!
//! Everything here reproduces numpy 2.4 on x86_64 (the platform numcodecs' wheels
//! target), including what C leaves undefined:
//!
//! - integer to integer wraps around (two's complement truncation);
//! - integer to float rounds to nearest, ties to even;
//! - float to float rounds to nearest even, overflowing to infinity, with subnormals;
//!   conversions to and from `f2` follow numpy's own `npy_half` code, which keeps
//!   NaN payloads (`f4`/`f8` NaNs are quieted by the hardware as in numpy);
//! - float to integer truncates toward zero. Out of range values, NaN and infinities
//!   give what numpy's compiled loops give on x86_64: `i4` and `i8` get the "integer
//!   indefinite" value (`i32::MIN`, `i64::MIN`); `i1`, `u1`, `i2`, `u2` go through
//!   `i4` and are truncated; `u8` is `i8` below 2⁶³ and `(x - 2⁶³) as i8 ^ 2⁶³` above;
//!   `u4` from `f4`/`f8` depends on the element's position: numpy's loop converts
//!   groups of four with `x < 2³¹ ? x as i4 : (x - 2³¹) as i4 ^ 2³¹` and the last
//!   `n % 4` elements with `x as i8` truncated to 32 bits ([`cast_slice`] does the
//!   same over the whole array).

use std::borrow::Cow;

use zarrcodecs_core::{ByteOrder, DType, DTypeKind, Error, Result};

/// A numeric dtype without its byte order: what the casting kernels dispatch on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum NumType {
    /// `i1`
    I1,
    /// `u1`
    U1,
    /// `i2`
    I2,
    /// `u2`
    U2,
    /// `i4`
    I4,
    /// `u4`
    U4,
    /// `i8`
    I8,
    /// `u8`
    U8,
    /// `f2` (IEEE half precision)
    F2,
    /// `f4`
    F4,
    /// `f8`
    F8,
}

impl NumType {
    /// Every type, in numpy's order.
    pub const ALL: [NumType; 11] = [
        NumType::I1,
        NumType::U1,
        NumType::I2,
        NumType::U2,
        NumType::I4,
        NumType::U4,
        NumType::I8,
        NumType::U8,
        NumType::F2,
        NumType::F4,
        NumType::F8,
    ];

    /// The type of an integer or float dtype; `None` for any other dtype.
    pub fn of(dtype: DType) -> Option<NumType> {
        Some(match (dtype.kind(), dtype.itemsize()) {
            (DTypeKind::Int, 1) => NumType::I1,
            (DTypeKind::UInt, 1) => NumType::U1,
            (DTypeKind::Int, 2) => NumType::I2,
            (DTypeKind::UInt, 2) => NumType::U2,
            (DTypeKind::Int, 4) => NumType::I4,
            (DTypeKind::UInt, 4) => NumType::U4,
            (DTypeKind::Int, 8) => NumType::I8,
            (DTypeKind::UInt, 8) => NumType::U8,
            (DTypeKind::Float, 2) => NumType::F2,
            (DTypeKind::Float, 4) => NumType::F4,
            (DTypeKind::Float, 8) => NumType::F8,
            _ => return None,
        })
    }

    /// Bytes per element.
    pub fn itemsize(self) -> usize {
        match self {
            NumType::I1 | NumType::U1 => 1,
            NumType::I2 | NumType::U2 | NumType::F2 => 2,
            NumType::I4 | NumType::U4 | NumType::F4 => 4,
            NumType::I8 | NumType::U8 | NumType::F8 => 8,
        }
    }

    /// Whether this is `f2`, `f4` or `f8`.
    pub fn is_float(self) -> bool {
        matches!(self, NumType::F2 | NumType::F4 | NumType::F8)
    }

    /// Whether this is a signed integer type.
    pub fn is_signed_int(self) -> bool {
        matches!(self, NumType::I1 | NumType::I2 | NumType::I4 | NumType::I8)
    }

    /// The dtype of this type in the machine's byte order.
    pub fn native_dtype(self) -> DType {
        let kind = if self.is_float() {
            DTypeKind::Float
        } else if self.is_signed_int() {
            DTypeKind::Int
        } else {
            DTypeKind::UInt
        };
        // Every (kind, size) of a NumType is valid for DType::new.
        DType::new(kind, ByteOrder::NATIVE, self.itemsize()).unwrap_or(DType::U1)
    }

    /// numpy's `np.promote_types(self, other)`: the loop type of a binary ufunc on
    /// these two types (`u8` with a signed integer gives `f8`, as in numpy).
    pub fn promote(self, other: NumType) -> NumType {
        use NumType::*;
        if self == other {
            return self;
        }
        let (a, b) = (self, other);
        match (a.is_float(), b.is_float()) {
            (true, true) => {
                if a.itemsize() >= b.itemsize() {
                    a
                } else {
                    b
                }
            }
            (true, false) | (false, true) => {
                let (f, i) = if a.is_float() { (a, b) } else { (b, a) };
                // The smallest float that holds every value of the integer type.
                let need = match i {
                    I1 | U1 => F2,
                    I2 | U2 => F4,
                    _ => F8,
                };
                if f.itemsize() >= need.itemsize() {
                    f
                } else {
                    need
                }
            }
            (false, false) => {
                let (sa, sb) = (a.is_signed_int(), b.is_signed_int());
                if sa == sb {
                    if a.itemsize() >= b.itemsize() {
                        a
                    } else {
                        b
                    }
                } else {
                    let (s, u) = if sa { (a, b) } else { (b, a) };
                    if s.itemsize() > u.itemsize() {
                        s
                    } else {
                        match u.itemsize() {
                            1 => I2,
                            2 => I4,
                            4 => I8,
                            _ => F8,
                        }
                    }
                }
            }
        }
    }
}

/// A numeric element type: `i8` ... `u64`, [`f16`](struct@f16), `f32`, `f64`.
pub trait Element: bytemuck::Pod + Default + Send + Sync + std::fmt::Debug + 'static {
    /// The numpy type.
    const TYPE: NumType;
    /// The value with its bytes reversed.
    #[must_use]
    fn swap(self) -> Self;
    /// The value, exactly.
    fn scalar(self) -> Scalar;
}

/// One element's exact value: what Python's `int(x)` / `float(x)` would see.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Scalar {
    /// An integer element.
    Int(i128),
    /// A float element.
    Float(f64),
}

impl Scalar {
    /// Whether numpy's `arr[i] = x` (assignment of one numpy scalar into an array of
    /// `to`) succeeds: for a signed integer target numpy 2 goes through Python's
    /// `int(x)`, which raises for NaN (`ValueError`), infinities and values whose
    /// truncation is out of range (`OverflowError`). Unsigned and float targets take
    /// any value (as the cast would).
    pub fn fits_assignment(self, to: NumType) -> bool {
        if !to.is_signed_int() {
            return true;
        }
        let bits = to.itemsize() * 8;
        let half = 1i128 << (bits - 1);
        match self {
            Scalar::Int(v) => (-half..half).contains(&v),
            Scalar::Float(f) => {
                #[allow(clippy::cast_precision_loss)]
                let h = half as f64;
                f.is_finite() && f.trunc() >= -h && f.trunc() < h
            }
        }
    }
}

macro_rules! element_int {
    ($($t:ty => $n:ident),*) => {$(
        impl Element for $t {
            const TYPE: NumType = NumType::$n;
            #[inline(always)]
            fn swap(self) -> Self {
                self.swap_bytes()
            }
            #[allow(trivial_numeric_casts, clippy::cast_lossless)]
            fn scalar(self) -> Scalar {
                Scalar::Int(self as i128)
            }
        }
    )*};
}
element_int!(i8 => I1, u8 => U1, i16 => I2, u16 => U2, i32 => I4, u32 => U4, i64 => I8, u64 => U8);

impl Element for f16 {
    const TYPE: NumType = NumType::F2;
    #[inline(always)]
    fn swap(self) -> Self {
        f16::from_bits(self.to_bits().swap_bytes())
    }
    fn scalar(self) -> Scalar {
        Scalar::Float(self.to_f64())
    }
}
impl Element for f32 {
    const TYPE: NumType = NumType::F4;
    #[inline(always)]
    fn swap(self) -> Self {
        f32::from_bits(self.to_bits().swap_bytes())
    }
    fn scalar(self) -> Scalar {
        Scalar::Float(f64::from(self))
    }
}
impl Element for f64 {
    const TYPE: NumType = NumType::F8;
    #[inline(always)]
    fn swap(self) -> Self {
        f64::from_bits(self.to_bits().swap_bytes())
    }
    fn scalar(self) -> Scalar {
        Scalar::Float(self)
    }
}

/// Runs `$body` with `$T` bound to the element type of the [`NumType`] `$ty`:
///
/// ```
/// use zarrcodecs_kernels::{cast::{Element, NumType}, dispatch};
/// fn size<T: Element>() -> usize { std::mem::size_of::<T>() }
/// assert_eq!(dispatch!(NumType::F2, T => size::<T>()), 2);
/// ```
#[macro_export]
macro_rules! dispatch {
    ($ty:expr, $T:ident => $body:expr) => {
        match $ty {
            $crate::cast::NumType::I1 => {
                type $T = i8;
                $body
            }
            $crate::cast::NumType::U1 => {
                type $T = u8;
                $body
            }
            $crate::cast::NumType::I2 => {
                type $T = i16;
                $body
            }
            $crate::cast::NumType::U2 => {
                type $T = u16;
                $body
            }
            $crate::cast::NumType::I4 => {
                type $T = i32;
                $body
            }
            $crate::cast::NumType::U4 => {
                type $T = u32;
                $body
            }
            $crate::cast::NumType::I8 => {
                type $T = i64;
                $body
            }
            $crate::cast::NumType::U8 => {
                type $T = u64;
                $body
            }
            $crate::cast::NumType::F2 => {
                type $T = $crate::cast::f16;
                $body
            }
            $crate::cast::NumType::F4 => {
                type $T = f32;
                $body
            }
            $crate::cast::NumType::F8 => {
                type $T = f64;
                $body
            }
        }
    };
}

/// The half-precision type used for `f2` elements (the `half` crate's).
pub use half::f16;

// ---------------------------------------------------------------------------
// numpy's npy_half conversions (numpy/_core/src/npymath/halffloat.cpp).

/// `f2` to `f4` as numpy's `npy_half_to_float`: exact; NaN payloads are kept (shifted),
/// not quieted.
#[inline(always)]
pub fn f16_to_f32(h: f16) -> f32 {
    let h = u32::from(h.to_bits());
    let sign = (h & 0x8000) << 16;
    let exp = h & 0x7c00;
    let man = h & 0x03ff;
    if exp == 0x7c00 {
        f32::from_bits(sign | 0x7f80_0000 | (man << 13))
    } else if exp == 0 {
        // Zero or subnormal: man * 2^-24, exact in f32.
        #[allow(clippy::cast_precision_loss)]
        let v = man as f32 * (1.0 / 16_777_216.0);
        f32::from_bits(v.to_bits() | sign)
    } else {
        f32::from_bits(sign | ((h & 0x7fff) + 0x1_c000) << 13)
    }
}

/// `f2` to `f8` as numpy's `npy_half_to_double`: exact; NaN payloads kept.
#[inline(always)]
pub fn f16_to_f64(h: f16) -> f64 {
    let hb = h.to_bits();
    if hb & 0x7c00 == 0x7c00 {
        let h = u64::from(hb);
        f64::from_bits(((h & 0x8000) << 48) | 0x7ff0_0000_0000_0000 | ((h & 0x03ff) << 42))
    } else {
        f64::from(f16_to_f32(h))
    }
}

/// `f4` to `f2` as numpy's `npy_float_to_half`: round to nearest even, overflow to
/// infinity, subnormals; a NaN keeps the top of its payload (`0x7c00 + (sig >> 13)`,
/// at least `0x7c01`).
#[inline(always)]
pub fn f32_to_f16(x: f32) -> f16 {
    let b = x.to_bits();
    #[allow(clippy::cast_possible_truncation)]
    let sign = ((b >> 16) & 0x8000) as u16;
    let a = b & 0x7fff_ffff;
    #[allow(clippy::cast_possible_truncation)]
    let r: u16 = if a >= 0x4780_0000 {
        if a > 0x7f80_0000 {
            let r = 0x7c00 + ((a & 0x007f_ffff) >> 13) as u16;
            if r == 0x7c00 {
                0x7c01
            } else {
                r
            }
        } else {
            0x7c00
        }
    } else if a < 0x3880_0000 {
        // Below 2^-14: adding 0.5 rounds to a multiple of 2^-24 (round half even).
        let f = f32::from_bits(a) + 0.5;
        (f.to_bits() - 0x3f00_0000) as u16
    } else {
        let odd = (a >> 13) & 1;
        (a.wrapping_sub((127 - 15) << 23).wrapping_add(0xfff + odd) >> 13) as u16
    };
    f16::from_bits(sign | r)
}

/// `f8` to `f2` as numpy's `npy_double_to_half`: one correct rounding (not through
/// `f4`); NaNs as in [`f32_to_f16`] (`0x7c00 + (sig >> 42)`).
#[inline(always)]
pub fn f64_to_f16(x: f64) -> f16 {
    let b = x.to_bits();
    #[allow(clippy::cast_possible_truncation)]
    let sign = ((b >> 48) & 0x8000) as u16;
    let a = b & 0x7fff_ffff_ffff_ffff;
    #[allow(clippy::cast_possible_truncation)]
    let r: u16 = if a >= (1023 + 16) << 52 {
        if a > 0x7ff0_0000_0000_0000 {
            let r = 0x7c00 + ((a & 0x000f_ffff_ffff_ffff) >> 42) as u16;
            if r == 0x7c00 {
                0x7c01
            } else {
                r
            }
        } else {
            0x7c00
        }
    } else if a < (1023 - 14) << 52 {
        // Below 2^-14: adding 2^28 rounds to a multiple of 2^-24 (round half even).
        const MAGIC: u64 = ((1023 - 15) + (52 - 10) + 1) << 52;
        let f = f64::from_bits(a) + f64::from_bits(MAGIC);
        (f.to_bits() - MAGIC) as u16
    } else {
        let odd = (a >> 42) & 1;
        (a.wrapping_sub((1023 - 15) << 52).wrapping_add((1 << 41) - 1 + odd) >> 42) as u16
    };
    f16::from_bits(sign | r)
}

// ---------------------------------------------------------------------------
// Float to integer as x86_64's cvttsd2si (what numpy's C casts compile to).

/// `x as i32` with x86's "integer indefinite" (`i32::MIN`) for NaN and out of range
/// values, as `cvttsd2si` gives. Computed with float operations that vectorise on the
/// baseline x86_64 target (LLVM keeps float to integer conversions scalar there):
/// truncation by adding and subtracting 2^52, then the integer read from the low bits
/// of `t + 1.5 * 2^52`.
#[inline(always)]
fn cvtt32(x: f64) -> i32 {
    const TWO52: f64 = 4_503_599_627_370_496.0;
    let a = x.abs();
    let r = (a + TWO52) - TWO52;
    let r = r - if r > a { 1.0 } else { 0.0 };
    let t = r.copysign(x);
    #[allow(clippy::cast_possible_truncation, clippy::cast_possible_wrap)]
    let v = (t + 6_755_399_441_055_744.0).to_bits() as u32 as i32;
    if (x > -2_147_483_649.0) & (x < 2_147_483_648.0) {
        v
    } else {
        i32::MIN
    }
}

/// `x as i64` with x86's "integer indefinite" for NaN and out of range values.
#[inline(always)]
fn cvtt64(x: f64) -> i64 {
    #[allow(clippy::cast_possible_truncation)]
    let t = x as i64;
    if (-9_223_372_036_854_775_808.0..9_223_372_036_854_775_808.0).contains(&x) {
        t
    } else {
        i64::MIN
    }
}

/// Conversion of one float value (as an exact `f64`) to an integer type.
trait FromFloat: Sized {
    /// numpy's vectorised loop.
    fn from_float(x: f64) -> Self;
    /// numpy's scalar loop (the last `n % 4` elements): differs only for `u4`.
    fn from_float_tail(x: f64) -> Self {
        Self::from_float(x)
    }
}

macro_rules! from_float_via_i32 {
    ($($t:ty),*) => {$(
        impl FromFloat for $t {
            #[inline(always)]
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            fn from_float(x: f64) -> Self {
                cvtt32(x) as $t
            }
        }
    )*};
}
from_float_via_i32!(i8, u8, i16, u16, i32);

impl FromFloat for u32 {
    #[inline(always)]
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    fn from_float(x: f64) -> Self {
        if x >= 2_147_483_648.0 {
            (cvtt32(x - 2_147_483_648.0) as u32) ^ 0x8000_0000
        } else {
            cvtt32(x) as u32
        }
    }
    #[inline(always)]
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    fn from_float_tail(x: f64) -> Self {
        cvtt64(x) as u32
    }
}

impl FromFloat for i64 {
    #[inline(always)]
    fn from_float(x: f64) -> Self {
        cvtt64(x)
    }
}

impl FromFloat for u64 {
    #[inline(always)]
    #[allow(clippy::cast_sign_loss)]
    fn from_float(x: f64) -> Self {
        if x >= 9_223_372_036_854_775_808.0 {
            (cvtt64(x - 9_223_372_036_854_775_808.0) as u64) ^ (1 << 63)
        } else {
            cvtt64(x) as u64
        }
    }
}

/// numpy's cast of one element from `S` (implemented for every pair of [`Element`]s).
pub trait CastFrom<S>: Sized {
    /// The value numpy's cast loop gives (all but the last `n % 4` elements of an array).
    fn cast_from(s: S) -> Self;
    /// The value numpy's scalar tail loop gives (the last `n % 4` elements); the same
    /// as [`CastFrom::cast_from`] except for `f4`/`f8` to `u4`.
    #[inline(always)]
    fn cast_from_tail(s: S) -> Self {
        Self::cast_from(s)
    }
}

macro_rules! cast_as {
    ($($s:ty),* => $d:ty) => {$(
        impl CastFrom<$s> for $d {
            #[inline(always)]
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss, clippy::cast_possible_wrap,
                    clippy::cast_precision_loss, clippy::cast_lossless, trivial_numeric_casts)]
            fn cast_from(s: $s) -> Self {
                s as $d
            }
        }
    )*};
}
// Integer to integer: wrap-around. Integer to f4/f8: round to nearest even.
macro_rules! ints_as {
    ($($d:ty),*) => {$(cast_as!(i8, u8, i16, u16, i32, u32, i64, u64 => $d);)*};
}
ints_as!(i8, u8, i16, u16, i32, u32, i64, u64, f32, f64);

macro_rules! ints_to_f16 {
    ($($s:ty),*) => {$(
        impl CastFrom<$s> for f16 {
            #[inline(always)]
            #[allow(clippy::cast_precision_loss, clippy::cast_lossless)]
            fn cast_from(s: $s) -> Self {
                // Exact in f8 for every value below f2's overflow threshold.
                f64_to_f16(s as f64)
            }
        }
    )*};
}
ints_to_f16!(i8, u8, i16, u16, i32, u32, i64, u64);

macro_rules! floats_to_int {
    ($($d:ty),*) => {$(
        impl CastFrom<f64> for $d {
            #[inline(always)]
            fn cast_from(s: f64) -> Self {
                <$d as FromFloat>::from_float(s)
            }
            #[inline(always)]
            fn cast_from_tail(s: f64) -> Self {
                <$d as FromFloat>::from_float_tail(s)
            }
        }
        impl CastFrom<f32> for $d {
            #[inline(always)]
            fn cast_from(s: f32) -> Self {
                <$d as FromFloat>::from_float(f64::from(s))
            }
            #[inline(always)]
            fn cast_from_tail(s: f32) -> Self {
                <$d as FromFloat>::from_float_tail(f64::from(s))
            }
        }
        impl CastFrom<f16> for $d {
            // numpy's f2 loops are scalar everywhere.
            #[inline(always)]
            fn cast_from(s: f16) -> Self {
                <$d as FromFloat>::from_float_tail(f16_to_f64(s))
            }
        }
    )*};
}
floats_to_int!(i8, u8, i16, u16, i32, u32, i64, u64);

macro_rules! float_cast {
    ($s:ty => $d:ty, |$x:ident| $e:expr) => {
        impl CastFrom<$s> for $d {
            #[inline(always)]
            #[allow(clippy::cast_possible_truncation)]
            fn cast_from($x: $s) -> Self {
                $e
            }
        }
    };
}
float_cast!(f64 => f64, |x| x);
float_cast!(f32 => f32, |x| x);
float_cast!(f16 => f16, |x| x);
float_cast!(f64 => f32, |x| x as f32);
float_cast!(f32 => f64, |x| f64::from(x));
float_cast!(f64 => f16, |x| f64_to_f16(x));
float_cast!(f32 => f16, |x| f32_to_f16(x));
float_cast!(f16 => f32, |x| f16_to_f32(x));
float_cast!(f16 => f64, |x| f16_to_f64(x));

/// Casts a whole array as numpy's `src.astype(D)`: the element at index `i` of `n`
/// takes numpy's loop value, the last `n % 4` its tail-loop value (see the module
/// documentation). `dst` must be as long as `src` (extra elements are left alone).
#[inline]
pub fn cast_slice<S: Element, D: Element + CastFrom<S>>(src: &[S], dst: &mut [D]) {
    let n = src.len().min(dst.len());
    let bulk = n - n % 4;
    let (src, dst) = (&src[..n], &mut dst[..n]);
    for (d, s) in dst[..bulk].iter_mut().zip(&src[..bulk]) {
        *d = D::cast_from(*s);
    }
    for (d, s) in dst[bulk..].iter_mut().zip(&src[bulk..]) {
        *d = D::cast_from_tail(*s);
    }
}

/// Whether numpy's scalar tail loop (the last `n % 4` elements) casts `W` to `D`
/// differently from its vectorised loop: only float to `u4`.
#[inline(always)]
fn tail_differs<W: Element, D: Element>() -> bool {
    W::TYPE.is_float() && D::TYPE == NumType::U4
}

/// Reads one element from its bytes (any alignment), swapping them if `swap`.
#[inline(always)]
fn read_one<S: Element>(bytes: &[u8], swap: bool) -> S {
    let v = bytemuck::pod_read_unaligned::<S>(bytes);
    if swap {
        v.swap()
    } else {
        v
    }
}

/// The identity, as a function item (one kernel instance for every plain cast).
#[inline(always)]
pub fn identity<T>(x: T, _hw: bool) -> T {
    x
}

/// Whether the x86-64-v3 copy of [`with_best_cpu`](crate::cpu::with_best_cpu)
/// runs: kernels may then use instructions that the baseline lacks.
#[inline]
fn v3() -> bool {
    crate::cpu::has_best_cpu()
}

/// `dst[i] = D::cast_from(f(src[i], hw))` (numpy's vectorised-loop value), in code
/// compiled for the best CPU ([`with_best_cpu`](crate::cpu::with_best_cpu)).
/// `hw` is true in the x86-64-v3 copy: a kernel may then round with
/// [`FloatArith::np_rint_hw`] (`roundpd`), which gives the same values as
/// [`FloatArith::np_rint`] but is a libm call on the baseline target.
#[inline]
pub fn map_slice<S: Element, W: Element, D: Element + CastFrom<W>>(
    src: &[S],
    dst: &mut [D],
    f: impl Fn(S, bool) -> W + Copy,
) {
    let hw = v3();
    crate::cpu::with_best_cpu(
        #[inline(always)]
        move || {
            if hw {
                for (o, x) in dst.iter_mut().zip(src) {
                    *o = D::cast_from(f(*x, true));
                }
            } else {
                for (o, x) in dst.iter_mut().zip(src) {
                    *o = D::cast_from(f(*x, false));
                }
            }
        },
    );
}

/// numpy's `f(x).astype(D)` over the elements `x` of `src` (elements of `S` in any
/// alignment, byte-swapped if `src_swap`), written into `dst` (any alignment; `D`'s
/// bytes reversed if `dst_swap`): `f` is applied to each element on its own and the
/// results are cast as one array (numpy's `n % 4` tail included). `dst` should hold as
/// many elements as `src`; extra elements on either side are left alone.
pub fn map_into<S: Element, W: Element, D: Element + CastFrom<W>>(
    src: &[u8],
    src_swap: bool,
    dst: &mut [u8],
    dst_swap: bool,
    f: impl Fn(S, bool) -> W + Copy,
) {
    let (ss, ds) = (std::mem::size_of::<S>(), std::mem::size_of::<D>());
    let n = (src.len() / ss).min(dst.len() / ds);
    let bulk = if tail_differs::<W, D>() { n - n % 4 } else { n };
    let (s_bulk, s_tail) = src[..n * ss].split_at(bulk * ss);
    let (d_bulk, d_tail) = dst[..n * ds].split_at_mut(bulk * ds);
    // The tail (float to u4 only): at most three elements, one by one.
    for (c, o) in s_tail.chunks_exact(ss).zip(d_tail.chunks_exact_mut(ds)) {
        let d = D::cast_from_tail(f(read_one::<S>(c, src_swap), false));
        store(&[d], o, dst_swap);
    }
    let x = if src_swap { None } else { bytemuck::try_cast_slice::<u8, S>(s_bulk).ok() };
    let d = if dst_swap { None } else { bytemuck::try_cast_slice_mut::<u8, D>(d_bulk).ok() };
    if let (Some(x), Some(d)) = (x, d) {
        map_slice(x, d, f);
        return;
    }
    // Unaligned or byte-swapped: block by block through aligned scratch.
    let (mut xb, mut db) = ([S::default(); BLOCK], [D::default(); BLOCK]);
    for (sc, dc) in s_bulk.chunks(BLOCK * ss).zip(d_bulk.chunks_mut(BLOCK * ds)) {
        let m = sc.len() / ss;
        load(sc, &mut xb[..m], src_swap);
        map_slice(&xb[..m], &mut db[..m], f);
        store(&db[..m], dc, dst_swap);
    }
}

/// [`map_into`] into a new array of `dst_dtype` (whose type must be `D`, in either
/// byte order) and `shape` (which must hold `src.len() / size_of::<S>()` elements).
///
/// The kernel runs in code built for the best CPU, into a zero-filled array:
/// [`NdArray::from_values`](zarrcodecs_core::NdArray::from_values) would skip the fill
/// but its loop is not inlined into the dispatched copy, so it runs as built for the
/// baseline x86-64: slower for any kernel that computes more than a cast (measured:
/// `fixedscaleoffset` `f8` to `i4` 4.3 GB/s that way, 8.4 GB/s this way).
///
/// # Errors
/// As [`NdArray::zeros`](zarrcodecs_core::NdArray::zeros).
pub fn map_new<S: Element, W: Element, D: Element + CastFrom<W>>(
    src: &[u8],
    src_swap: bool,
    dst_dtype: DType,
    shape: Vec<usize>,
    f: impl Fn(S, bool) -> W + Copy,
) -> Result<zarrcodecs_core::NdArray> {
    let x = if src_swap { None } else { bytemuck::try_cast_slice::<u8, S>(src).ok() };
    if let (Some(x), false, false) = (x, dst_dtype.byte_order().is_swapped(), tail_differs::<W, D>()) {
        // Aligned native input to native output: each value written once, in the
        // dispatched copy (needs `from_values` inlined into it: `#[inline(always)]`).
        let hw = v3();
        return crate::cpu::with_best_cpu(
            #[inline(always)]
            move || {
                if hw {
                    zarrcodecs_core::NdArray::from_values(dst_dtype, shape, x.iter().map(|&v| D::cast_from(f(v, true))))
                } else {
                    zarrcodecs_core::NdArray::from_values(
                        dst_dtype,
                        shape,
                        x.iter().map(|&v| D::cast_from(f(v, false))),
                    )
                }
            },
        );
    }
    let mut out = zarrcodecs_core::NdArray::zeros(dst_dtype, shape)?;
    map_into::<S, W, D>(src, src_swap, out.as_bytes_mut(), dst_dtype.byte_order().is_swapped(), f);
    Ok(out)
}

/// numpy's `astype` of native aligned elements into a new array of `dst_dtype`
/// (native order, type `D`), each value written once by
/// [`NdArray::from_values`](zarrcodecs_core::NdArray::from_values): a plain cast is
/// bound by memory, where skipping the zero-fill matters more than wide vectors.
#[inline]
fn cast_new_native<S: Element, D: Element + CastFrom<S>>(
    src: &[S],
    dst_dtype: DType,
    shape: Vec<usize>,
) -> Result<zarrcodecs_core::NdArray> {
    let n = src.len();
    if tail_differs::<S, D>() {
        let bulk = n - n % 4;
        let values =
            src.iter().enumerate().map(|(i, &x)| if i < bulk { D::cast_from(x) } else { D::cast_from_tail(x) });
        return zarrcodecs_core::NdArray::from_values(dst_dtype, shape, values);
    }
    crate::cpu::with_best_cpu(
        #[inline(always)]
        move || zarrcodecs_core::NdArray::from_values(dst_dtype, shape, src.iter().map(|&x| D::cast_from(x))),
    )
}

/// Where [`map_to`] and [`map_any`] put their results.
#[derive(Debug)]
pub enum Output<'a> {
    /// A new array of this shape.
    New(Vec<usize>),
    /// The caller's buffer (any alignment, as long as the input in elements).
    Into(&'a mut [u8]),
}

/// [`map_new`] (returning `Some` array) or [`map_into`] (returning `None`) after
/// `output`, for input of `src_dtype` (whose type must be `S`) and output of
/// `dst_dtype` (whose type must be `D`).
///
/// # Errors
/// As [`map_new`].
pub fn map_to<S: Element, W: Element, D: Element + CastFrom<W>>(
    src: &[u8],
    src_dtype: DType,
    dst_dtype: DType,
    output: Output<'_>,
    f: impl Fn(S, bool) -> W + Copy,
) -> Result<Option<zarrcodecs_core::NdArray>> {
    let s_swap = src_dtype.byte_order().is_swapped();
    match output {
        Output::New(shape) => map_new::<S, W, D>(src, s_swap, dst_dtype, shape, f).map(Some),
        Output::Into(dst) => {
            map_into::<S, W, D>(src, s_swap, dst, dst_dtype.byte_order().is_swapped(), f);
            Ok(None)
        }
    }
}

/// [`map_to`] for any numeric `dst_dtype`, without an instance per output type: when
/// `dst_dtype` is `W` in native order the results are written straight; otherwise they
/// are computed block by block and cast with [`cast_bytes`] (the same values).
///
/// # Errors
/// As [`map_new`] and [`cast_bytes`].
pub fn map_any<S: Element, W: Element + CastFrom<W>>(
    codec: &str,
    src: &[u8],
    src_dtype: DType,
    dst_dtype: DType,
    output: Output<'_>,
    f: impl Fn(S, bool) -> W + Copy,
) -> Result<Option<zarrcodecs_core::NdArray>> {
    if dst_dtype == W::TYPE.native_dtype() {
        return map_to::<S, W, W>(src, src_dtype, dst_dtype, output, f);
    }
    let (mut new, dst) = match output {
        Output::New(shape) => (Some(zarrcodecs_core::NdArray::zeros(dst_dtype, shape)?), None),
        Output::Into(dst) => (None, Some(dst)),
    };
    let dst = match (&mut new, dst) {
        (Some(a), _) => a.as_bytes_mut(),
        (None, Some(d)) => d,
        (None, None) => return Ok(None),
    };
    map_blocks::<S, W>(codec, src, src_dtype, dst, dst_dtype, |x, w| map_slice::<S, W, W>(x, w, f))?;
    Ok(new)
}

/// numpy's `src.view(src_dtype).astype(dst_dtype)` as a new array of `shape` (which
/// must hold the elements of `src`): [`cast_bytes`] without zero-filling the output.
///
/// # Errors
/// As [`cast_bytes`], plus [`Error::Allocation`].
pub fn cast_new(
    codec: &str,
    src: &[u8],
    src_dtype: DType,
    dst_dtype: DType,
    shape: Vec<usize>,
) -> Result<zarrcodecs_core::NdArray> {
    let (st, dt) = (check_numeric(codec, src_dtype)?, check_numeric(codec, dst_dtype)?);
    if !src.len().is_multiple_of(st.itemsize()) {
        return Err(Error::ShapeMismatch {
            shape: vec![src.len() / st.itemsize()],
            dtype: src_dtype,
            expected: src.len() / st.itemsize() * st.itemsize(),
            actual: src.len(),
        });
    }
    let n = src.len() / st.itemsize();
    if shape.iter().try_fold(1usize, |a, &d| a.checked_mul(d)) != Some(n) {
        return Err(Error::ShapeMismatch { shape, dtype: dst_dtype, expected: n, actual: src.len() });
    }
    let (s_swap, d_swap) = (src_dtype.byte_order().is_swapped(), dst_dtype.byte_order().is_swapped());
    // The same type in the same byte order is a copy (swapped twice if swapped).
    dispatch!(st, S => dispatch!(dt, D => {
        match bytemuck::try_cast_slice::<u8, S>(src) {
            Ok(x) if !s_swap && !d_swap => cast_new_native::<S, D>(x, dst_dtype, shape),
            _ => map_new::<S, S, D>(src, s_swap, dst_dtype, shape, identity::<S>),
        }
    }))
}

/// Elements per block of the byte-level kernels: a multiple of 4, so that numpy's
/// `n % 4` tail falls in the last block when an array is cast block by block.
pub const BLOCK: usize = 2048;

/// An aligned scratch block of [`BLOCK`] elements of up to 8 bytes: for kernels that
/// cast block by block through [`cast_bytes`] (`bytemuck::cast_slice_mut` gives typed
/// views of it).
pub type Block = [u64; BLOCK];

/// Reads elements stored in `bytes` (any alignment), swapping their bytes if `swap`,
/// into `out` (as many as both hold).
#[inline]
pub fn load<T: Element>(bytes: &[u8], out: &mut [T], swap: bool) {
    let size = std::mem::size_of::<T>();
    if let (false, Ok(src)) = (swap, bytemuck::try_cast_slice::<u8, T>(bytes)) {
        let n = src.len().min(out.len());
        out[..n].copy_from_slice(&src[..n]);
        return;
    }
    let chunks = bytes.chunks_exact(size);
    if swap {
        for (o, c) in out.iter_mut().zip(chunks) {
            *o = bytemuck::pod_read_unaligned::<T>(c).swap();
        }
    } else {
        for (o, c) in out.iter_mut().zip(chunks) {
            *o = bytemuck::pod_read_unaligned::<T>(c);
        }
    }
}

/// Writes elements into `bytes` (any alignment), swapping their bytes if `swap` (as
/// many as both hold).
#[inline]
pub fn store<T: Element>(values: &[T], bytes: &mut [u8], swap: bool) {
    if swap {
        for (c, v) in bytes.chunks_exact_mut(std::mem::size_of::<T>()).zip(values) {
            c.copy_from_slice(bytemuck::bytes_of(&v.swap()));
        }
    } else {
        let src: &[u8] = bytemuck::cast_slice(values);
        let n = src.len().min(bytes.len());
        bytes[..n].copy_from_slice(&src[..n]);
    }
}

/// `bytes` as elements of `T` in native order: borrowed when the bytes are aligned and
/// native, else an aligned copy (byte-swapped when `swap`).
///
/// # Errors
/// [`Error::Allocation`] if the copy cannot be allocated.
pub fn native<T: Element>(bytes: &[u8], swap: bool) -> Result<Cow<'_, [T]>> {
    if !swap {
        if let Ok(v) = bytemuck::try_cast_slice::<u8, T>(bytes) {
            return Ok(Cow::Borrowed(v));
        }
    }
    let n = bytes.len() / std::mem::size_of::<T>();
    let mut v = zeroed_vec::<T>(n)?;
    load(bytes, &mut v, swap);
    Ok(Cow::Owned(v))
}

/// A vector of `n` default elements, allocated fallibly.
///
/// # Errors
/// [`Error::Allocation`] if it cannot be allocated.
pub fn zeroed_vec<T: Element>(n: usize) -> Result<Vec<T>> {
    let mut v = Vec::new();
    v.try_reserve_exact(n).map_err(|_| Error::Allocation { size: n.saturating_mul(std::mem::size_of::<T>()) })?;
    v.resize(n, T::default());
    Ok(v)
}

/// Writes native elements into `bytes` as numpy's `astype(D)` of the whole array, in
/// `D`'s byte order (`swap`: the bytes are reversed). `dst` should hold `src.len()`
/// elements; extra elements on either side are left alone.
pub fn cast_into_bytes<S: Element, D: Element + CastFrom<S>>(src: &[S], dst: &mut [u8], swap: bool) {
    let size = std::mem::size_of::<D>();
    if !swap {
        if let Ok(d) = bytemuck::try_cast_slice_mut::<u8, D>(dst) {
            cast_slice(src, d);
            return;
        }
    }
    let mut buf = [D::default(); BLOCK];
    for (s, d) in src.chunks(BLOCK).zip(dst.chunks_mut(BLOCK * size)) {
        let b = &mut buf[..s.len()];
        cast_slice(s, b);
        store(b, d, swap);
    }
}

/// Runs `kernel` over the elements of `src` (of `src_dtype`, whose type must be `S`)
/// block by block, each block's results (of `W`) cast to `dst_dtype` into `dst` as
/// numpy's `astype` of the whole result would (blocks of [`BLOCK`] elements keep
/// numpy's `n % 4` tail in the last block). Aligned native input is read in place and
/// results of `dst_dtype` itself are written in place.
///
/// # Errors
/// As [`cast_bytes`].
pub fn map_blocks<S: Element, W: Element>(
    codec: &str,
    src: &[u8],
    src_dtype: DType,
    dst: &mut [u8],
    dst_dtype: DType,
    mut kernel: impl FnMut(&[S], &mut [W]),
) -> Result<()> {
    let (ssz, wsz, dsz) = (std::mem::size_of::<S>(), std::mem::size_of::<W>(), dst_dtype.itemsize());
    let s_swap = src_dtype.byte_order().is_swapped();
    let w_dtype = W::TYPE.native_dtype();
    let direct_out = w_dtype == dst_dtype;
    let (mut xb, mut wb): (Block, Block) = ([0; BLOCK], [0; BLOCK]);
    for (sc, dc) in src.chunks(BLOCK * ssz).zip(dst.chunks_mut(BLOCK * dsz)) {
        let m = sc.len() / ssz;
        let x: &[S] = match (s_swap, bytemuck::try_cast_slice::<u8, S>(sc)) {
            (false, Ok(x)) => x,
            _ => {
                let x = &mut bytemuck::cast_slice_mut::<u64, S>(&mut xb)[..m];
                load(sc, x, s_swap);
                x
            }
        };
        if direct_out {
            if let Ok(d) = bytemuck::try_cast_slice_mut::<u8, W>(dc) {
                kernel(x, d);
                continue;
            }
        }
        kernel(x, &mut bytemuck::cast_slice_mut::<u64, W>(&mut wb)[..m]);
        cast_bytes(codec, &bytemuck::cast_slice::<u64, u8>(&wb)[..m * wsz], w_dtype, dc, dst_dtype)?;
    }
    Ok(())
}

fn check_numeric(codec: &str, dtype: DType) -> Result<NumType> {
    NumType::of(dtype).ok_or_else(|| Error::UnsupportedDType {
        codec: codec.into(),
        dtype,
        reason: "only integer (i1..i8, u1..u8) and float (f2, f4, f8) dtypes can be cast".into(),
    })
}

/// numpy's `src.view(src_dtype).astype(dst_dtype)` over a whole array of raw bytes (any
/// alignment, either byte order), written into `dst` (any alignment).
///
/// # Errors
/// [`Error::UnsupportedDType`] for a dtype that is not an integer or float type,
/// [`Error::OutputSizeMismatch`] if the byte counts do not hold the same number of
/// elements, [`Error::ShapeMismatch`] if `src` is not a whole number of elements.
pub fn cast_bytes(codec: &str, src: &[u8], src_dtype: DType, dst: &mut [u8], dst_dtype: DType) -> Result<()> {
    let (st, dt) = (check_numeric(codec, src_dtype)?, check_numeric(codec, dst_dtype)?);
    if !src.len().is_multiple_of(st.itemsize()) {
        return Err(Error::ShapeMismatch {
            shape: vec![src.len() / st.itemsize()],
            dtype: src_dtype,
            expected: src.len() / st.itemsize() * st.itemsize(),
            actual: src.len(),
        });
    }
    let n = src.len() / st.itemsize();
    let expected = n.saturating_mul(dt.itemsize());
    if dst.len() != expected {
        return Err(Error::OutputSizeMismatch { codec: codec.into(), expected: dst.len(), actual: expected });
    }
    if st == dt && src_dtype.byte_order() == dst_dtype.byte_order() {
        dst.copy_from_slice(src);
        return Ok(());
    }
    let (s_swap, d_swap) = (src_dtype.byte_order().is_swapped(), dst_dtype.byte_order().is_swapped());
    dispatch!(st, S => dispatch!(dt, D => map_into::<S, S, D>(src, s_swap, dst, d_swap, identity::<S>)));
    Ok(())
}

/// The shape numpy's `arr.view(to)` gives an array of `shape` and item size
/// `from_itemsize`: the last axis is rescaled when the item sizes differ.
///
/// # Errors
/// [`Error::UnsupportedInput`] where numpy raises: a 0-d array, or a last axis whose
/// byte size is not a multiple of the new item size.
pub fn view_shape(codec: &str, shape: &[usize], from_itemsize: usize, to: DType) -> Result<Vec<usize>> {
    let to_size = to.itemsize();
    if from_itemsize == to_size {
        return Ok(shape.to_vec());
    }
    let Some((&last, _)) = shape.split_last() else {
        return Err(Error::unsupported_input(
            codec,
            format_args!("a 0-d array cannot be viewed as {to} (its item size differs)"),
        ));
    };
    let bytes = last.checked_mul(from_itemsize).ok_or_else(|| Error::unsupported_input(codec, "array too large"))?;
    if to_size == 0 || !bytes.is_multiple_of(to_size) {
        return Err(Error::unsupported_input(
            codec,
            format_args!(
                "the last axis holds {bytes} bytes, not a whole number of {to} items (numpy: the new item size \
                 must divide the byte size of the last axis)"
            ),
        ));
    }
    let mut out = shape.to_vec();
    if let Some(l) = out.last_mut() {
        *l = bytes / to_size;
    }
    Ok(out)
}

/// Checks the caller's buffer of a `decode_into`: its dtype must be `dtype` (or raw
/// bytes, `|u1`) and it must hold exactly `nbytes` bytes.
///
/// # Errors
/// [`Error::UnsupportedDType`] for another dtype, [`Error::OutputSizeMismatch`] for
/// another size.
pub fn check_out(codec: &str, out_dtype: DType, out_len: usize, dtype: DType, nbytes: usize) -> Result<()> {
    if out_dtype != dtype && out_dtype != DType::U1 {
        return Err(Error::UnsupportedDType {
            codec: codec.into(),
            dtype: out_dtype,
            reason: format!("this codec decodes to {dtype}: the output buffer must be {dtype} (or raw |u1 bytes)"),
        });
    }
    if out_len != nbytes {
        return Err(Error::OutputSizeMismatch { codec: codec.into(), expected: out_len, actual: nbytes });
    }
    Ok(())
}

/// Element arithmetic as numpy's ufunc loops compute it: integers wrap around, `f2`
/// computes in `f4` and rounds back (numpy's `npy_half` loops), `f4`/`f8` natively.
pub trait Arith: Element {
    /// `a + b`.
    #[must_use]
    fn np_add(self, b: Self) -> Self;
    /// `a - b`.
    #[must_use]
    fn np_sub(self, b: Self) -> Self;
    /// `a * b`.
    #[must_use]
    fn np_mul(self, b: Self) -> Self;
}

/// Float-only arithmetic: division and `np.rint` (`np.around` with 0 decimals).
pub trait FloatArith: Arith + CastFrom<f64> {
    /// `a / b`.
    #[must_use]
    fn np_div(self, b: Self) -> Self;
    /// Rounds to the nearest integer, ties to even.
    #[must_use]
    fn np_rint(self) -> Self;
    /// [`FloatArith::np_rint`] with the hardware's rounding when `hw` (the same values,
    /// NaNs quieted alike): `roundpd` in code built for x86-64-v3, but a libm call on
    /// the baseline target, so `hw` must be false there (see [`map_slice`]).
    #[must_use]
    fn np_rint_hw(self, hw: bool) -> Self;
    /// A Python float converted to this type as numpy converts a weak scalar.
    fn from_py_float(x: f64) -> Self {
        Self::cast_from(x)
    }
}

macro_rules! int_arith {
    ($($t:ty),*) => {$(
        impl Arith for $t {
            #[inline(always)]
            fn np_add(self, b: Self) -> Self { self.wrapping_add(b) }
            #[inline(always)]
            fn np_sub(self, b: Self) -> Self { self.wrapping_sub(b) }
            #[inline(always)]
            fn np_mul(self, b: Self) -> Self { self.wrapping_mul(b) }
        }
    )*};
}
int_arith!(i8, u8, i16, u16, i32, u32, i64, u64);

macro_rules! float_arith {
    ($($t:ty => $big:expr, $quiet:expr),*) => {$(
        impl Arith for $t {
            #[inline(always)]
            fn np_add(self, b: Self) -> Self { self + b }
            #[inline(always)]
            fn np_sub(self, b: Self) -> Self { self - b }
            #[inline(always)]
            fn np_mul(self, b: Self) -> Self { self * b }
        }
        impl FloatArith for $t {
            #[inline(always)]
            fn np_div(self, b: Self) -> Self { self / b }
            /// `rint` without a libm call (the baseline x86_64 target has no `roundsd`):
            /// adding and subtracting 2^52 (2^23) rounds half to even in the default
            /// rounding mode; larger values are integers already; the sign of zero is
            /// kept; NaNs come back quieted, as from numpy's SIMD `rint`.
            #[inline(always)]
            fn np_rint(self) -> Self {
                let big: $t = $big;
                let m = big.copysign(self);
                let r = ((self + m) - m).copysign(self);
                if self.abs() < big { r } else { self + 0.0 }
            }
            #[inline(always)]
            fn np_rint_hw(self, hw: bool) -> Self {
                if hw {
                    // A NaN comes back quieted (its quiet bit set, as x86 does),
                    // whatever the rounding instruction or libm call does with it.
                    let r = self.round_ties_even();
                    if self.is_nan() { <$t>::from_bits(self.to_bits() | $quiet) } else { r }
                } else {
                    self.np_rint()
                }
            }
        }
    )*};
}
float_arith!(f32 => 8_388_608.0, 0x0040_0000, f64 => 4_503_599_627_370_496.0, 0x0008_0000_0000_0000);

impl Arith for f16 {
    #[inline(always)]
    fn np_add(self, b: Self) -> Self {
        f32_to_f16(f16_to_f32(self) + f16_to_f32(b))
    }
    #[inline(always)]
    fn np_sub(self, b: Self) -> Self {
        f32_to_f16(f16_to_f32(self) - f16_to_f32(b))
    }
    #[inline(always)]
    fn np_mul(self, b: Self) -> Self {
        f32_to_f16(f16_to_f32(self) * f16_to_f32(b))
    }
}

impl FloatArith for f16 {
    #[inline(always)]
    fn np_div(self, b: Self) -> Self {
        f32_to_f16(f16_to_f32(self) / f16_to_f32(b))
    }
    #[inline(always)]
    fn np_rint(self) -> Self {
        f32_to_f16(f16_to_f32(self).np_rint())
    }
    #[inline(always)]
    fn np_rint_hw(self, hw: bool) -> Self {
        f32_to_f16(f16_to_f32(self).np_rint_hw(hw))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::cast_possible_truncation, clippy::cast_sign_loss)]
mod tests {
    use super::*;

    #[test]
    fn f16_conversions_round_trip_every_value() {
        for bits in 0..=u16::MAX {
            let h = f16::from_bits(bits);
            assert_eq!(f32_to_f16(f16_to_f32(h)).to_bits(), bits, "{bits:#06x}");
            assert_eq!(f64_to_f16(f16_to_f64(h)).to_bits(), bits, "{bits:#06x}");
            if !h.is_nan() {
                assert_eq!(f16_to_f32(h), h.to_f32(), "{bits:#06x}");
                assert_eq!(f16_to_f64(h), h.to_f64(), "{bits:#06x}");
            }
        }
    }

    #[test]
    fn f16_rounding_is_nearest_even() {
        // Every midpoint between adjacent f2 values rounds to the even one; a hair
        // above rounds up, a hair below down.
        for bits in 0..0x7bffu16 {
            let (lo, hi) = (f16_to_f64(f16::from_bits(bits)), f16_to_f64(f16::from_bits(bits + 1)));
            let mid = (lo + hi) / 2.0;
            let even = if bits.is_multiple_of(2) { bits } else { bits + 1 };
            assert_eq!(f64_to_f16(mid).to_bits(), even);
            assert_eq!(f32_to_f16(mid as f32).to_bits(), even);
            assert_eq!(f64_to_f16(mid + (hi - lo) * 1e-9).to_bits(), bits + 1);
            assert_eq!(f64_to_f16(mid - (hi - lo) * 1e-9).to_bits(), bits);
        }
        assert_eq!(f64_to_f16(65520.0).to_bits(), 0x7c00);
        assert_eq!(f64_to_f16(65519.99).to_bits(), 0x7bff);
        assert_eq!(f64_to_f16(1e-300).to_bits(), 0);
        assert_eq!(f64_to_f16(-1e-300).to_bits(), 0x8000);
    }

    #[test]
    fn cvtt32_is_cvttsd2si() {
        fn reference(x: f64) -> i32 {
            if x > -2_147_483_649.0 && x < 2_147_483_648.0 {
                x as i32
            } else {
                i32::MIN
            }
        }
        let mut rng = zarrcodecs_core::testing::Rng::new(0x2545_f491_4f6c_dd1d);
        let mut values = vec![0.0, -0.0, 0.5, -0.5, 1.5, 2.5, -2.5, 2_147_483_647.9, -2_147_483_648.9, 2_147_483_648.0];
        values.extend([-2_147_483_649.0, 1e300, f64::NAN, f64::INFINITY, f64::NEG_INFINITY, 4_503_599_627_370_497.0]);
        for _ in 0..200_000 {
            let r = rng.next_u64();
            values.push(f64::from_bits(r));
            values.push((r >> 11) as f64 * 2f64.powi(-((r % 40) as i32)) - 2f64.powi(41 - (r % 40) as i32));
        }
        for x in values {
            assert_eq!(cvtt32(x), reference(x), "{x}");
        }
    }

    #[test]
    fn rint_is_round_half_even() {
        for x in [0.5f64, 1.5, 2.5, -0.5, -2.5, 0.49999999999999994, 4_503_599_627_370_495.5, 1e300, -0.3, 0.0, -0.0] {
            assert_eq!(x.np_rint().to_bits(), x.round_ties_even().to_bits(), "{x}");
            let y = x as f32;
            assert_eq!(y.np_rint().to_bits(), y.round_ties_even().to_bits(), "{y}");
        }
        let mut rng = zarrcodecs_core::testing::Rng::new(0x1234_5678_9abc_def0);
        for _ in 0..100_000 {
            let r = rng.next_u64();
            let x = f64::from_bits(r);
            let y = f32::from_bits((r >> 32) as u32);
            if !x.is_nan() {
                assert_eq!(x.np_rint().to_bits(), x.round_ties_even().to_bits(), "{x}");
            }
            if !y.is_nan() {
                assert_eq!(y.np_rint().to_bits(), y.round_ties_even().to_bits(), "{y}");
            }
            let z = (x % 1e6) * 0.5;
            if !z.is_nan() {
                assert_eq!(z.np_rint().to_bits(), z.round_ties_even().to_bits(), "{z}");
            }
        }
        assert!(f64::NAN.np_rint().is_nan());
    }

    #[test]
    fn promotion_matches_numpy() {
        use NumType::*;
        // np.promote_types for a few pairs (numpy 2.4).
        for (a, b, r) in [
            (U1, I1, I2),
            (U2, I2, I4),
            (U4, I4, I8),
            (U8, I8, F8),
            (U1, I2, I2),
            (I1, F2, F2),
            (U2, F2, F4),
            (I4, F2, F8),
            (I4, F4, F8),
            (U2, F4, F4),
            (F2, F8, F8),
            (U8, F4, F8),
        ] {
            assert_eq!(a.promote(b), r, "{a:?} {b:?}");
            assert_eq!(b.promote(a), r, "{b:?} {a:?}");
        }
    }

    #[test]
    fn hardware_rounding_is_np_rint() {
        // What the kernels use in the dispatched copy (roundpd) against the portable
        // formula, every kind of value, NaN payloads included.
        let mut rng = zarrcodecs_core::testing::Rng::new(0x0bad_5eed_1234_5678);
        let mut xs = vec![0.5f64, -0.5, 1.5, 2.5, -2.5, 0.0, -0.0, 1e300, f64::INFINITY, f64::NEG_INFINITY];
        xs.extend([f64::NAN, f64::from_bits(0x7ff0_0000_0000_0001), f64::from_bits(0xfff4_0000_0000_0000)]);
        for _ in 0..100_000 {
            let r = rng.next_u64();
            xs.push(f64::from_bits(r));
            xs.push((r >> 11) as f64 * 2f64.powi(-((r % 60) as i32)) - 1e6);
        }
        let hw = v3();
        let (a, b): (Vec<u64>, Vec<u64>) = crate::cpu::with_best_cpu(|| {
            (
                xs.iter().map(|x| x.np_rint_hw(hw).to_bits()).collect(),
                xs.iter().map(|x| x.np_rint().to_bits()).collect(),
            )
        });
        // NaNs: np_rint's `x + 0.0` quiets them unless the compiler drops the addition
        // (which it may), so compare them with the quiet bit set.
        let quiet = |b: u64| if f64::from_bits(b).is_nan() { b | 0x0008_0000_0000_0000 } else { b };
        for ((&p, &q), x) in a.iter().zip(&b).zip(&xs) {
            assert_eq!(quiet(p), quiet(q), "{x} {:#x}: {p:#x} {q:#x}", x.to_bits());
            assert_eq!(p, quiet(p), "{x} {:#x}: {p:#x}", x.to_bits());
        }
        let ys: Vec<f32> = xs.iter().map(|&x| f32::from_bits((x.to_bits() >> 32) as u32)).collect();
        let (a, b): (Vec<u32>, Vec<u32>) = crate::cpu::with_best_cpu(|| {
            (
                ys.iter().map(|x| x.np_rint_hw(hw).to_bits()).collect(),
                ys.iter().map(|x| x.np_rint().to_bits()).collect(),
            )
        });
        let quiet = |b: u32| if f32::from_bits(b).is_nan() { b | 0x0040_0000 } else { b };
        for ((&p, &q), y) in a.iter().zip(&b).zip(&ys) {
            assert_eq!(quiet(p), quiet(q), "{y} {:#x}: {p:#x} {q:#x}", y.to_bits());
        }
        for bits in 0..=u16::MAX {
            let (h, quiet) =
                (f16::from_bits(bits), |h: f16| if h.is_nan() { h.to_bits() | 0x0200 } else { h.to_bits() });
            assert_eq!(quiet(h.np_rint_hw(hw)), quiet(h.np_rint()), "{bits:#06x}");
        }
    }

    /// The element-wise casts of whole arrays (`cast_bytes`, `cast_new`) against
    /// `cast_slice` element by element: every pair of types, both byte orders, aligned
    /// and not, lengths around numpy's `n % 4` tail and the block size.
    #[test]
    fn casts_of_byte_arrays_match_cast_slice() {
        fn check<S: Element, D: Element + CastFrom<S>>(raw: &[u8], n: usize) {
            let (ss, ds) = (std::mem::size_of::<S>(), std::mem::size_of::<D>());
            for (s_swap, d_swap) in [(false, false), (true, false), (false, true), (true, true)] {
                let mut x = vec![S::default(); n];
                load(&raw[..n * ss], &mut x, s_swap);
                let mut y = vec![D::default(); n];
                cast_slice(&x, &mut y);
                let mut want = vec![0u8; n * ds];
                store(&y, &mut want, d_swap);
                let order = |swap: bool| match (swap, ByteOrder::NATIVE) {
                    (false, native) => native,
                    (true, ByteOrder::Little) => ByteOrder::Big,
                    (true, _) => ByteOrder::Little,
                };
                let sd = DType::new(S::TYPE.native_dtype().kind(), order(s_swap), ss).unwrap();
                let dd = DType::new(D::TYPE.native_dtype().kind(), order(d_swap), ds).unwrap();
                // `raw` is aligned; offset by one byte it is not.
                let mut shifted = vec![0u8; n * ss + 1];
                shifted[1..].copy_from_slice(&raw[..n * ss]);
                for src in [&raw[..n * ss], &shifted[1..]] {
                    let mut got = vec![0u8; n * ds + 1];
                    cast_bytes("t", src, sd, &mut got[1..], dd).unwrap();
                    assert_eq!(&got[1..], &want[..], "{sd} -> {dd}, n = {n}");
                    let a = cast_new("t", src, sd, dd, vec![n]).unwrap();
                    assert_eq!(a.as_bytes(), &want[..], "{sd} -> {dd}, n = {n}");
                    let mut aligned = vec![0u64; (n * ds).div_ceil(8)];
                    let got = &mut bytemuck::cast_slice_mut::<u64, u8>(&mut aligned)[..n * ds];
                    cast_bytes("t", src, sd, got, dd).unwrap();
                    assert_eq!(got, &want[..], "{sd} -> {dd}, n = {n}");
                }
            }
        }
        let mut rng = zarrcodecs_core::testing::Rng::new(0x5eed);
        let mut words = vec![0u64; 2 * BLOCK + 8];
        for (i, w) in words.iter_mut().enumerate() {
            let r = rng.next_u64();
            // Raw bits, and floats of every magnitude (u4's tail rule needs large ones).
            *w = match i % 3 {
                0 => r,
                1 => ((r >> 11) as f64 * 2f64.powi(-((r % 50) as i32)) - 1e9).to_bits(),
                _ => (((r >> 40) as f32) * 300.0 - 2.5e9).to_bits().into(),
            };
        }
        let raw = bytemuck::cast_slice::<u64, u8>(&words);
        for n in [0, 1, 2, 3, 5, 6, 7, 9, 2 * BLOCK + 3] {
            for st in NumType::ALL {
                for dt in NumType::ALL {
                    dispatch!(st, S => dispatch!(dt, D => check::<S, D>(raw, n)));
                }
            }
        }
    }

    #[test]
    fn float_to_int_edge_values() {
        // Values numpy 2.4.6 gave on x86_64 (see the crate's fixtures for all pairs).
        assert_eq!(<i8 as CastFrom<f64>>::cast_from(300.0), 44);
        assert_eq!(<u8 as CastFrom<f64>>::cast_from(-300.0), 212);
        assert_eq!(<i32 as CastFrom<f64>>::cast_from(f64::NAN), i32::MIN);
        assert_eq!(<u64 as CastFrom<f64>>::cast_from(f64::NAN), 1 << 63);
        assert_eq!(<u64 as CastFrom<f64>>::cast_from(f64::INFINITY), 0);
        assert_eq!(<u64 as CastFrom<f64>>::cast_from(1e19), 10_000_000_000_000_000_000);
        let mut out = [0u32; 6];
        cast_slice(&[-5e9f64; 6], &mut out);
        assert_eq!(out, [2_147_483_648, 2_147_483_648, 2_147_483_648, 2_147_483_648, 3_589_934_592, 3_589_934_592]);
    }
}
