//! hover
