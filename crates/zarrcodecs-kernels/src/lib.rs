#![doc = include_str!("../README.md")]
#![deny(unsafe_code)] // allowed in `cpu` and `grid` alone

pub mod cast;
pub mod cpu;
pub mod grid;
pub mod pykey;
pub mod pynum;
