#![no_main]
//! The checksum32 decoders on any bytes (see `numcodecs_fuzz::decode`).
libfuzzer_sys::fuzz_target!(|data: &[u8]| numcodecs_fuzz::decode("checksum32", data));
