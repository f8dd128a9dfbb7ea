#![no_main]
//! Any bytes as a codec configuration, a pipeline or a .zarray.
libfuzzer_sys::fuzz_target!(|data: &[u8]| zarrcodecs_fuzz::config(data));
