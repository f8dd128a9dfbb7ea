//! Calls into C-Blosc 1.21 (built by `blosc-src`): the only module with `unsafe` code.
//!
//! Only the context functions are used (`blosc_compress_ctx`, `blosc_decompress_ctx`)
//! plus the stateless `blosc_getitem`, `blosc_cbuffer_validate` and the library
//! queries: no global state is touched, so every call is thread-safe and needs no
//! `blosc_init`. `blosc_set_splitmode` is never called.
//!
//! Callers hand in headers that [`crate::header::Header::parse`] has already checked
//! against the input length; these wrappers check again what C-Blosc relies on.

use std::ffi::{c_char, c_int, c_void, CStr, CString};
use std::mem::MaybeUninit;

use zarrcodecs_core::AlignedBuf;

use blosc_src as sys;

/// The compressors C-Blosc was built with, as `blosc_list_compressors` reports them.
pub(crate) fn list_compressors() -> String {
    // SAFETY: blosc_list_compressors returns a pointer to a static NUL-terminated
    // string (or a static buffer filled once), never null.
    let ptr = unsafe { sys::blosc_list_compressors() };
    if ptr.is_null() {
        return String::new();
    }
    // SAFETY: non-null, NUL-terminated and static, as above.
    unsafe { CStr::from_ptr(ptr) }.to_string_lossy().into_owned()
}

/// The version string of the linked C-Blosc, e.g. `"1.21.6"`.
pub(crate) fn version_string() -> String {
    // SAFETY: blosc_get_version_string returns a pointer to a static string constant.
    let ptr = unsafe { sys::blosc_get_version_string() };
    if ptr.is_null() {
        return String::new();
    }
    // SAFETY: non-null, NUL-terminated and static.
    unsafe { CStr::from_ptr(ptr) }.to_string_lossy().into_owned()
}

/// `blosc_compname_to_compcode`: the code of a compressor in this build, or a negative
/// value if it is unknown or not built in.
pub(crate) fn compname_to_compcode(cname: &str) -> c_int {
    let Ok(name) = CString::new(cname) else { return -1 };
    // SAFETY: `name` is a valid NUL-terminated string that outlives the call; the
    // function only reads it.
    unsafe { sys::blosc_compname_to_compcode(name.as_ptr()) }
}

/// `blosc_cbuffer_validate` on the whole of `src`: `Some(nbytes)` if C-Blosc accepts the
/// header for a buffer of exactly `src.len()` bytes.
pub(crate) fn cbuffer_validate(src: &[u8]) -> Option<usize> {
    if src.len() < 16 {
        return None;
    }
    let mut nbytes = 0usize;
    // SAFETY: `src` holds at least the 16 header bytes the function reads; `nbytes` is a
    // valid out-pointer.
    let rc = unsafe { sys::blosc_cbuffer_validate(src.as_ptr().cast::<c_void>(), src.len(), &mut nbytes) };
    (rc == 0).then_some(nbytes)
}

/// Parameters of one compression call.
pub(crate) struct CompressParams<'a> {
    pub(crate) clevel: c_int,
    pub(crate) shuffle: c_int,
    pub(crate) typesize: usize,
    pub(crate) compressor: &'a CStr,
    pub(crate) blocksize: usize,
    pub(crate) nthreads: c_int,
}

/// `blosc_compress_ctx` of `src` into a new buffer of `capacity` bytes that is not
/// zero-filled first: the chunk C-Blosc wrote, or `Err(rc)` with C-Blosc's result
/// (0 if it did not fit, negative on error). What the chunk does not use is given back.
pub(crate) fn compress_ctx_new(
    src: &[u8],
    capacity: usize,
    p: &CompressParams<'_>,
) -> zarrcodecs_core::Result<std::result::Result<AlignedBuf, c_int>> {
    let mut status = 0;
    let write = |dest: &mut [MaybeUninit<u8>]| -> zarrcodecs_core::Result<usize> {
        // SAFETY: `src` is readable for `src.len()` bytes and `dest` writable for
        // `dest.len()` bytes (possibly uninitialised: C-Blosc only writes it); C-Blosc
        // never writes past `destsize` ("compression is memory safe") and the two
        // cannot overlap (`dest` is our new allocation). The compressor name is a valid
        // NUL-terminated string. The context call uses no global state.
        let rc = unsafe {
            sys::blosc_compress_ctx(
                p.clevel,
                p.shuffle,
                p.typesize,
                src.len(),
                src.as_ptr().cast::<c_void>(),
                dest.as_mut_ptr().cast::<c_void>(),
                dest.len(),
                p.compressor.as_ptr().cast::<c_char>(),
                p.blocksize,
                p.nthreads,
            )
        };
        status = rc;
        // A failed call keeps nothing.
        Ok(usize::try_from(rc).ok().filter(|&n| n <= dest.len()).unwrap_or(0))
    };
    // SAFETY: C-Blosc writes its chunk from the start of `dest`, every byte of the
    // `rc` it returns (header, block starts, then the blocks one after another), so
    // `write` reports only written bytes (none when the call failed).
    let buf = unsafe { AlignedBuf::from_uninit_writer(capacity, write) }?;
    Ok(if status > 0 && buf.len() == usize::try_from(status).unwrap_or(0) { Ok(buf) } else { Err(status) })
}

/// `blosc_decompress_ctx` of `src` into `dest`. `src` must have passed
/// [`cbuffer_validate`] (its header's cbytes equals `src.len()`), so C-Blosc reads
/// nothing past it. Returns the decompressed size, or 0 / negative on error.
pub(crate) fn decompress_ctx(src: &[u8], dest: &mut [u8], nthreads: c_int) -> c_int {
    if cbuffer_validate(src).is_none() {
        return -1;
    }
    // SAFETY: the header was validated against `src.len()` just above, so C-Blosc's
    // reads (bounded by the header's cbytes) stay within `src`; it never writes more
    // than `dest.len()` bytes into `dest` ("decompression is memory safe").
    unsafe {
        sys::blosc_decompress_ctx(
            src.as_ptr().cast::<c_void>(),
            dest.as_mut_ptr().cast::<c_void>(),
            dest.len(),
            nthreads,
        )
    }
}

/// `blosc_getitem`: items `start..start + nitems` of the chunk `src` into `dest`.
/// The caller has validated `src` and checked that the range lies within the chunk and
/// that `dest` holds `nitems * typesize` bytes. Returns the bytes written or a negative
/// error.
pub(crate) fn getitem(src: &[u8], start: c_int, nitems: c_int, dest: &mut [u8], typesize: usize) -> c_int {
    let needed = usize::try_from(nitems).ok().and_then(|n| n.checked_mul(typesize));
    if cbuffer_validate(src).is_none() || needed != Some(dest.len()) || start < 0 {
        return -1;
    }
    // SAFETY: the header was validated against `src.len()` (C-Blosc bounds its reads by
    // the header's cbytes); `dest` holds exactly the `nitems * typesize` bytes
    // blosc_getitem writes, `typesize` being the header's (checked by the caller).
    unsafe { sys::blosc_getitem(src.as_ptr().cast::<c_void>(), start, nitems, dest.as_mut_ptr().cast::<c_void>()) }
}
