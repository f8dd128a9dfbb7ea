#![no_main]
//! Zarr v2 chunks through a .zarray pipeline.
libfuzzer_sys::fuzz_target!(|data: &[u8]| zarrcodecs_fuzz::pipeline(data));
