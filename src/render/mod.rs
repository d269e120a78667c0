//! Output formats. Each takes the checked reports and returns text; nothing
//! here decides exit codes.

pub mod human;
pub mod json;
