#![no_main]
//! The lz4 decoders on any bytes (see `zarrcodecs_fuzz::decode`).
libfuzzer_sys::fuzz_target!(|data: &[u8]| zarrcodecs_fuzz::decode("lz4", data));
