//! The shipped pack, embedded in the binary.

/// Changes whenever a file of `rules/` is added, removed or resized (see
/// build.rs), so the embedded pack below is rebuilt.
pub const SHIPPED_STAMP: &str = env!("GOUJI_RULES_STAMP");

/// The shipped pack, embedded in the binary.
pub static SHIPPED: include_dir::Dir<'static> =
    include_dir::include_dir!("$CARGO_MANIFEST_DIR/rules");
