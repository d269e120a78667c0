//! Tables laid out in columns of spaces (`pdftotext -layout`). Placeholder
//! until the layout parser lands: finds nothing.

use super::Table;
use crate::source::Span;

pub struct LayoutTable {
    pub span: Span,
}

pub fn find_layout_tables(_text: &str) -> Vec<LayoutTable> {
    Vec::new()
}

pub fn into_table(_t: LayoutTable) -> Table {
    unreachable!("no layout tables are produced yet")
}
