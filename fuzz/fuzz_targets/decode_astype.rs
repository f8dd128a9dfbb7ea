#![no_main]
//! The astype decoders on any bytes (see `zarrcodecs_fuzz::decode`).
libfuzzer_sys::fuzz_target!(|data: &[u8]| zarrcodecs_fuzz::decode("astype", data));
