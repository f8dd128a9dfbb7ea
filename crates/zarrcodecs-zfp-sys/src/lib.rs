#![doc = include_str!("../README.md")]
#![no_std]
// The C names, as zfp's documentation and zfp.h spell them.
#![allow(non_camel_case_types, non_upper_case_globals)]

use core::ffi::{c_int, c_uint, c_void};
use core::marker::{PhantomData, PhantomPinned};

/// zfp's compressed stream (`zfp_stream` in `zfp.h`): its compression parameters and
/// the [`bitstream`] it reads and writes.
///
/// Opaque here: only used through pointers from [`zfp_stream_open`]; its parameters
/// are set and read with zfp's functions.
#[repr(C)]
pub struct zfp_stream {
    _opaque: [u8; 0],
    _not_send_sync_unpin: PhantomData<(*mut u8, PhantomPinned)>,
}

/// zfp's bit stream over a caller's buffer (`bitstream` in `zfp/bitstream.h`, opaque
/// there too), from [`stream_open`].
#[repr(C)]
pub struct bitstream {
    _opaque: [u8; 0],
    _not_send_sync_unpin: PhantomData<(*mut u8, PhantomPinned)>,
}

/// zfp's scalar type (`zfp_type`, a C enum): one of [`zfp_type_none`],
/// [`zfp_type_int32`], [`zfp_type_int64`], [`zfp_type_float`], [`zfp_type_double`].
///
/// A C enum's integer type is the compiler's: `unsigned int` for GCC and Clang (the
/// values are non-negative), `int` for MSVC. Constants rather than a Rust `enum`, so a
/// value zfp writes into a [`zfp_field`] can never be an invalid Rust value.
#[cfg(not(target_env = "msvc"))]
pub type zfp_type = c_uint;
/// zfp's scalar type (`zfp_type`, a C enum): one of [`zfp_type_none`],
/// [`zfp_type_int32`], [`zfp_type_int64`], [`zfp_type_float`], [`zfp_type_double`].
///
/// A C enum's integer type is the compiler's: `unsigned int` for GCC and Clang (the
/// values are non-negative), `int` for MSVC. Constants rather than a Rust `enum`, so a
/// value zfp writes into a [`zfp_field`] can never be an invalid Rust value.
#[cfg(target_env = "msvc")]
pub type zfp_type = c_int;

/// `zfp_type_none`: unspecified scalar type.
pub const zfp_type_none: zfp_type = 0;
/// `zfp_type_int32`: 32-bit signed integer.
pub const zfp_type_int32: zfp_type = 1;
/// `zfp_type_int64`: 64-bit signed integer.
pub const zfp_type_int64: zfp_type = 2;
/// `zfp_type_float`: single precision floating point.
pub const zfp_type_float: zfp_type = 3;
/// `zfp_type_double`: double precision floating point.
pub const zfp_type_double: zfp_type = 4;

/// zfp's Boolean type (`typedef int zfp_bool`): zero is false.
pub type zfp_bool = c_int;

/// `ZFP_HEADER_FULL`: the header mask that embeds everything: the magic (`zfp`, codec
/// version), the field metadata (type and sizes) and the compression mode.
pub const ZFP_HEADER_FULL: c_uint = 0x7;

/// zfp's uncompressed array (`zfp_field` in `zfp.h`): scalar type, sizes, strides and
/// data pointer. zfp allocates it ([`zfp_field_alloc`], [`zfp_field_1d`], ...) and frees
/// it ([`zfp_field_free`]); it never owns the array it points to.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct zfp_field {
    /// Scalar type (`type` in C, a Rust keyword).
    pub type_: zfp_type,
    /// Number of scalars along x, the fastest-varying (contiguous) dimension.
    pub nx: usize,
    /// Number of scalars along y (zero for unused dimensions).
    pub ny: usize,
    /// Number of scalars along z (zero for unused dimensions).
    pub nz: usize,
    /// Number of scalars along w (zero for unused dimensions).
    pub nw: usize,
    /// Stride along x in scalars (zero: contiguous array `a[nw][nz][ny][nx]`).
    pub sx: isize,
    /// Stride along y in scalars (zero: contiguous).
    pub sy: isize,
    /// Stride along z in scalars (zero: contiguous).
    pub sz: isize,
    /// Stride along w in scalars (zero: contiguous).
    pub sw: isize,
    /// Pointer to the array's first scalar.
    pub data: *mut c_void,
}

unsafe extern "C" {
    /// Allocates a bit stream over `bytes` bytes at `buffer`, which zfp reads and writes
    /// in whole 64-bit words and does not own; null if allocation fails.
    ///
    /// zfp's bit reader does not check the end of the buffer.
    pub fn stream_open(buffer: *mut c_void, bytes: usize) -> *mut bitstream;

    /// Frees a bit stream from [`stream_open`] (not its buffer).
    pub fn stream_close(stream: *mut bitstream);

    /// Allocates a compressed stream over `stream` (may be null) with zfp's default
    /// parameters (lossless expert mode, serial execution); null if allocation fails.
    pub fn zfp_stream_open(stream: *mut bitstream) -> *mut zfp_stream;

    /// Frees a compressed stream from [`zfp_stream_open`] (not its bit stream).
    pub fn zfp_stream_close(stream: *mut zfp_stream);

    /// Reads the stream's expert-mode parameters: minimum and maximum bits per block
    /// of 4^d values, maximum precision (bit planes) and minimum base-2 exponent.
    pub fn zfp_stream_params(
        stream: *const zfp_stream,
        minbits: *mut c_uint,
        maxbits: *mut c_uint,
        maxprec: *mut c_uint,
        minexp: *mut c_int,
    );

    /// A conservative upper bound on the bytes of compressed storage for `field` with
    /// the stream's current parameters (the header included); zero if the parameters or
    /// the field are invalid.
    pub fn zfp_stream_maximum_size(stream: *const zfp_stream, field: *const zfp_field) -> usize;

    /// Rewinds the stream's bit stream to its beginning, for compressing or
    /// decompressing.
    pub fn zfp_stream_rewind(stream: *mut zfp_stream);

    /// Sets reversible (lossless) mode.
    pub fn zfp_stream_set_reversible(stream: *mut zfp_stream);

    /// Sets fixed-rate mode: `rate` compressed bits per value, for scalars of type
    /// `type_` (or [`zfp_type_none`]: no minimum for the type's exponent bits) in
    /// `dims` dimensions, blocks word-aligned if `align` is true; returns the rate set.
    pub fn zfp_stream_set_rate(
        stream: *mut zfp_stream,
        rate: f64,
        type_: zfp_type,
        dims: c_uint,
        align: zfp_bool,
    ) -> f64;

    /// Sets fixed-precision mode: `precision` uncompressed bit planes per value;
    /// returns the precision set.
    pub fn zfp_stream_set_precision(stream: *mut zfp_stream, precision: c_uint) -> c_uint;

    /// Sets fixed-accuracy mode: absolute error at most `tolerance`; returns the
    /// tolerance set (a power of two at most `tolerance`).
    pub fn zfp_stream_set_accuracy(stream: *mut zfp_stream, tolerance: f64) -> f64;

    /// Allocates an empty field (type [`zfp_type_none`], no sizes, no data); null if
    /// allocation fails.
    pub fn zfp_field_alloc() -> *mut zfp_field;

    /// Allocates a field for a contiguous 1-D array `pointer[nx]` of `type_`; null if
    /// allocation fails.
    pub fn zfp_field_1d(pointer: *mut c_void, type_: zfp_type, nx: usize) -> *mut zfp_field;

    /// Allocates a field for a contiguous 2-D array `pointer[ny][nx]` of `type_`; null
    /// if allocation fails.
    pub fn zfp_field_2d(pointer: *mut c_void, type_: zfp_type, nx: usize, ny: usize) -> *mut zfp_field;

    /// Allocates a field for a contiguous 3-D array `pointer[nz][ny][nx]` of `type_`;
    /// null if allocation fails.
    pub fn zfp_field_3d(pointer: *mut c_void, type_: zfp_type, nx: usize, ny: usize, nz: usize) -> *mut zfp_field;

    /// Allocates a field for a contiguous 4-D array `pointer[nw][nz][ny][nx]` of
    /// `type_`; null if allocation fails.
    pub fn zfp_field_4d(
        pointer: *mut c_void,
        type_: zfp_type,
        nx: usize,
        ny: usize,
        nz: usize,
        nw: usize,
    ) -> *mut zfp_field;

    /// Frees a field (not the array it points to).
    pub fn zfp_field_free(field: *mut zfp_field);

    /// Sets the field's data pointer.
    pub fn zfp_field_set_pointer(field: *mut zfp_field, pointer: *mut c_void);

    /// The number of blocks of 4^d values the field's sizes make (partial blocks
    /// included).
    pub fn zfp_field_blocks(field: *const zfp_field) -> usize;

    /// Compresses the whole field into the stream; returns the stream's byte size so
    /// far (header included), zero on failure.
    pub fn zfp_compress(stream: *mut zfp_stream, field: *const zfp_field) -> usize;

    /// Decompresses the whole field from the stream into the field's array; returns the
    /// bytes of the stream consumed so far (header included), zero on failure.
    pub fn zfp_decompress(stream: *mut zfp_stream, field: *mut zfp_field) -> usize;

    /// Writes the parts of the header that `mask` selects ([`ZFP_HEADER_FULL`]: all);
    /// returns the bits written, zero on failure (e.g. sizes the header cannot hold).
    pub fn zfp_write_header(stream: *mut zfp_stream, field: *const zfp_field, mask: c_uint) -> usize;

    /// Reads the parts of the header that `mask` selects, setting the stream's
    /// parameters and the field's type and sizes; returns the bits read, zero if the
    /// header is invalid.
    pub fn zfp_read_header(stream: *mut zfp_stream, field: *mut zfp_field, mask: c_uint) -> usize;
}

#[cfg(test)]
mod tests {
    use super::*;
    use core::mem::offset_of;

    /// Calls `zarrcodecs_zfp_sys_<name>` of shim/layout.c (compiled with zfp by
    /// build.rs): what zfp.h says, as the C compiler sees it. `c!(usize, "sizeof_zfp_type")`.
    macro_rules! c {
        ($ty:ty, $($name:tt)*) => {{
            unsafe extern "C" {
                // SAFETY: the shim's functions take no argument, read nothing and return
                // a number fixed at compile time (a sizeof, an offsetof or a constant),
                // of the type declared here (size_t or long long).
                #[link_name = concat!("zarrcodecs_zfp_sys_", $($name)*)]
                safe fn shim() -> $ty;
            }
            shim()
        }};
    }

    /// Whether the integer type `T` is signed (as C's `(T)0 - 1 < 0`), 0 or 1.
    fn is_signed<T: TryFrom<i8>>() -> i64 {
        i64::from(T::try_from(-1i8).is_ok())
    }

    /// Whether the integer type of `value` is signed, 0 or 1.
    fn signed_like<T: TryFrom<i8>>(_: &T) -> i64 {
        is_signed::<T>()
    }

    /// The size of a `zfp_field` member, from an accessor.
    fn member_size<T>(_: fn(&zfp_field) -> &T) -> usize {
        size_of::<T>()
    }

    /// Whether a `zfp_field` member's integer type is signed, from an accessor.
    fn member_signed<T: TryFrom<i8>>(_: fn(&zfp_field) -> &T) -> i64 {
        is_signed::<T>()
    }

    /// Checks a `zfp_field` member's offset and size (and, for an integer, its
    /// signedness) against the C compiler's.
    macro_rules! assert_member {
        ($member:ident) => {
            assert_eq!(
                offset_of!(zfp_field, $member),
                c!(usize, "offsetof_zfp_field_", stringify!($member)),
                concat!("offsetof(zfp_field, ", stringify!($member), ")"),
            );
            assert_eq!(
                member_size(|f| &f.$member),
                c!(usize, "sizeof_zfp_field_", stringify!($member)),
                concat!("sizeof(zfp_field.", stringify!($member), ")"),
            );
        };
        (int $member:ident) => {
            assert_member!($member);
            assert_eq!(
                member_signed(|f| &f.$member),
                c!(i64, "zfp_field_", stringify!($member), "_is_signed"),
                concat!("signedness of zfp_field.", stringify!($member)),
            );
        };
    }

    #[test]
    fn zfp_field_matches_zfp_h() {
        assert_eq!(size_of::<zfp_field>(), c!(usize, "sizeof_zfp_field"));
        assert_eq!(align_of::<zfp_field>(), c!(usize, "alignof_zfp_field"));
        // C's `type` is our `type_`.
        assert_eq!(offset_of!(zfp_field, type_), c!(usize, "offsetof_zfp_field_type"));
        assert_eq!(member_size(|f| &f.type_), c!(usize, "sizeof_zfp_field_type"));
        assert_eq!(member_signed(|f| &f.type_), c!(i64, "zfp_field_type_is_signed"));
        assert_member!(int nx);
        assert_member!(int ny);
        assert_member!(int nz);
        assert_member!(int nw);
        assert_member!(int sx);
        assert_member!(int sy);
        assert_member!(int sz);
        assert_member!(int sw);
        assert_member!(data);
    }

    #[test]
    fn zfp_type_matches_zfp_h() {
        assert_eq!(size_of::<zfp_type>(), c!(usize, "sizeof_zfp_type"));
        assert_eq!(align_of::<zfp_type>(), c!(usize, "alignof_zfp_type"));
        assert_eq!(is_signed::<zfp_type>(), c!(i64, "zfp_type_is_signed"));
        assert_eq!(i64::from(zfp_type_none), c!(i64, "zfp_type_none"));
        assert_eq!(i64::from(zfp_type_int32), c!(i64, "zfp_type_int32"));
        assert_eq!(i64::from(zfp_type_int64), c!(i64, "zfp_type_int64"));
        assert_eq!(i64::from(zfp_type_float), c!(i64, "zfp_type_float"));
        assert_eq!(i64::from(zfp_type_double), c!(i64, "zfp_type_double"));
    }

    #[test]
    fn zfp_bool_and_header_mask_match_zfp_h() {
        assert_eq!(size_of::<zfp_bool>(), c!(usize, "sizeof_zfp_bool"));
        assert_eq!(align_of::<zfp_bool>(), c!(usize, "alignof_zfp_bool"));
        assert_eq!(is_signed::<zfp_bool>(), c!(i64, "zfp_bool_is_signed"));
        assert_eq!(size_of_val(&ZFP_HEADER_FULL), c!(usize, "sizeof_ZFP_HEADER_FULL"));
        assert_eq!(signed_like(&ZFP_HEADER_FULL), c!(i64, "ZFP_HEADER_FULL_is_signed"));
        assert_eq!(i64::from(ZFP_HEADER_FULL), c!(i64, "ZFP_HEADER_FULL"));
    }

    #[test]
    fn vendored_zfp_is_1_0_1() {
        assert_eq!(c!(i64, "zfp_version"), 0x1010);
        assert_eq!(c!(i64, "zfp_codec"), 5);
    }

    /// The declared functions link and work: 16 doubles through reversible mode.
    #[test]
    fn reversible_round_trip() {
        let values: [f64; 16] = core::array::from_fn(|i| (i as f64 * 0.37).sin() * 1e3);
        let mut decoded = [0.0f64; 16];
        let mut words = [0u64; 64];
        // SAFETY: every pointer is live for the block: `words` (512 bytes, 8-aligned,
        // more than zfp_stream_maximum_size, checked) is only touched through `bits`,
        // `values` is only read (zfp_compress), `decoded` is 16 doubles; each object
        // zfp allocates is null-checked and freed once.
        unsafe {
            let bits = stream_open(words.as_mut_ptr().cast(), size_of_val(&words));
            assert!(!bits.is_null());
            let zfp = zfp_stream_open(bits);
            assert!(!zfp.is_null());
            let field = zfp_field_1d(values.as_ptr().cast_mut().cast(), zfp_type_double, values.len());
            assert!(!field.is_null());
            zfp_stream_set_reversible(zfp);
            assert!(zfp_stream_maximum_size(zfp, field) <= size_of_val(&words));
            assert!(zfp_write_header(zfp, field, ZFP_HEADER_FULL) > 0);
            let written = zfp_compress(zfp, field);
            assert!(written > 0);
            zfp_field_free(field);

            zfp_stream_rewind(zfp);
            let field = zfp_field_alloc();
            assert!(!field.is_null());
            assert!(zfp_read_header(zfp, field, ZFP_HEADER_FULL) > 0);
            let f = *field;
            assert_eq!((f.type_, f.nx, f.ny, f.nz, f.nw), (zfp_type_double, 16, 0, 0, 0));
            assert_eq!(zfp_field_blocks(field), 4);
            zfp_field_set_pointer(field, decoded.as_mut_ptr().cast());
            assert_eq!(zfp_decompress(zfp, field), written);
            zfp_field_free(field);
            zfp_stream_close(zfp);
            stream_close(bits);
        }
        assert_eq!(values.map(f64::to_bits), decoded.map(f64::to_bits));
    }
}
