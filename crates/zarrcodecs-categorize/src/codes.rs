//! The encoded dtype (`astype`): writing and reading codes.

use zarrcodecs_core::{AlignedBuf, ByteOrder, DType, DTypeKind, Error, NdArray, Result};

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
    F4,
    F8,
}

impl CodeType {
    /// Checks that `astype` is an integer or `f4`/`f8` dtype.
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
            (DTypeKind::Float, 4) => Kind::F4,
            (DTypeKind::Float, 8) => Kind::F8,
            (DTypeKind::Object, _) => {
                return Err(Error::invalid_config("categorize", "encoding as an object array is not supported"))
            }
            _ => {
                return Err(Error::invalid_config(
                    "categorize",
                    format_args!("astype {dtype} is not supported: use an integer dtype, <f4 or <f8"),
                ))
            }
        };
        Ok(CodeType { dtype, kind, big: dtype.byte_order() == ByteOrder::Big })
    }

    /// The largest code an integer dtype holds (`None` for floats).
    pub(crate) fn max_code(&self) -> Option<u64> {
        Some(match self.kind {
            Kind::U1 => u64::from(u8::MAX),
            Kind::U2 => u64::from(u16::MAX),
            Kind::U4 => u64::from(u32::MAX),
            Kind::U8 => u64::MAX,
            Kind::I1 => 127,
            Kind::I2 => 32_767,
            Kind::I4 => 2_147_483_647,
            Kind::I8 => i64::MAX as u64,
            Kind::F4 | Kind::F8 => return None,
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
            Kind::U8 | Kind::I8 => fill!(|c: u64| c),
            Kind::F4 => fill!(|c: u64| c as f32),
            Kind::F8 => fill!(|c: u64| c as f64),
        }
        NdArray::new(out, self.dtype, vec![n])
    }

    /// The first `n` codes in `bytes`: `Some(code)` for a whole number from 0 up,
    /// `None` for a negative or fractional value or NaN (they name no label).
    pub(crate) fn read<'a>(&self, bytes: &'a [u8], n: usize) -> impl Iterator<Item = Option<u64>> + 'a {
        let (kind, big, size) = (self.kind, self.big, self.dtype.itemsize());
        bytes.chunks_exact(size).take(n).map(move |c| read_one(kind, big, c))
    }
}

#[inline]
#[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss, clippy::cast_precision_loss)]
fn read_one(kind: Kind, big: bool, c: &[u8]) -> Option<u64> {
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
        Kind::I8 => u64::try_from(get!(i64, 8)).ok(),
        Kind::F4 => float(f64::from(get!(f32, 4))),
        Kind::F8 => float(get!(f64, 8)),
    }
}
