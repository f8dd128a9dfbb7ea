#![no_main]
//! The json decoders on any bytes (see `numcodecs_fuzz::decode`).
libfuzzer_sys::fuzz_target!(|data: &[u8]| numcodecs_fuzz::decode("json", data));
