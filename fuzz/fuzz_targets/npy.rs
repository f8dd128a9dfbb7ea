#![no_main]
//! Any bytes as a .npy file.
libfuzzer_sys::fuzz_target!(|data: &[u8]| zarrcodecs_fuzz::npy_file(data));
