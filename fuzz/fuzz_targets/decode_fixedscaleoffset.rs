#![no_main]
//! The fixedscaleoffset decoders on any bytes (see `numcodecs_fuzz::decode`).
libfuzzer_sys::fuzz_target!(|data: &[u8]| numcodecs_fuzz::decode("fixedscaleoffset", data));
