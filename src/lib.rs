//! gouji (勾稽): a rule-engine audit linter for Chinese public-sector budget
//! and final-account disclosures.
//!
//! report file ──decode──▶ `SourceFile` ──parse──▶ `Document` ──check(RuleSet)──▶
//! `Vec<Diagnostic>` ──render──▶ human | json | sarif …
//!
//! The library never prints and never exits; `main.rs` does.

// `LoadError` carries its rule file's text so miette can underline it; it is
// returned once per load, so its size does not matter.
#![allow(clippy::result_large_err)]

pub mod diagnostic;
pub mod document;
pub mod quantity;
pub mod source;
pub mod rule;
pub mod check;
pub mod config;
pub mod dump;
pub mod render;
pub mod testing;
pub mod docs;
pub mod baseline;
pub mod fsutil;
pub mod lsp;
