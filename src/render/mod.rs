//! Output formats. Each takes the checked reports and returns text; nothing
//! here decides exit codes.

pub mod github;
pub mod html;
pub mod human;
pub mod json;
pub mod junit;
pub mod sarif;
