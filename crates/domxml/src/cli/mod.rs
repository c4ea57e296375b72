//! The command-line front ends: `domxml check` and `domxml fmt`.

pub mod check;
pub mod fmt;
mod input;
mod render;
