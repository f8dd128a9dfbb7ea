#![no_main]
//! The base64 decoders on any bytes (see `zarrcodecs_fuzz::decode`).
libfuzzer_sys::fuzz_target!(|data: &[u8]| zarrcodecs_fuzz::decode("base64", data));
