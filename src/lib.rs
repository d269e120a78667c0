//! gouji (勾稽): a rule-engine audit linter for Chinese public-sector budget
//! and final-account disclosures.
//!
//! report file ──input::read──▶ `SourceFile` ──parse──▶ `Document` ──check(RuleSet)──▶
//! `Vec<Diagnostic>` ──render──▶ human | json | sarif …
//!
//! The library never prints and never exits; `main.rs` does.

// No `unsafe` anywhere: the script host reaches its run state through an
// `Rc` in a thread-local, not a raw pointer.
#![forbid(unsafe_code)]

pub mod baseline;
pub mod check;
pub mod config;
pub mod diagnostic;
pub mod docs;
pub mod document;
pub mod dump;
pub mod error;
pub mod fsutil;
pub mod input;
pub mod lsp;
pub mod quantity;
pub mod render;
pub mod rule;
pub mod source;
pub mod testing;
pub mod traditional;
