//! The command-line front ends: `domxml check`.

pub mod check;
