//! The one list of rule kinds. From it come the `Kind` enum, each kind's
//! name, the "kind is one of" help, the keys each kind reads, and the
//! compile and run dispatch. A new kind is one file in `kinds/` and one
//! line here.

use super::compile::CompileCx;
use super::context::RuleContext;
use super::kinds::{self, RuleKind};
use super::spec::RuleSpec;

macro_rules! declare_kinds {
    ($($name:literal => $module:ident::$Type:ident,)*) => {
        /// A compiled rule's body: one variant per kind.
        #[derive(Debug, Clone)]
        pub enum Kind {
            $($Type(kinds::$module::$Type),)*
        }

        /// The kind names, in the order of the list.
        pub const KINDS: &[&str] = &[$($name),*];

        impl Kind {
            pub fn name(&self) -> &'static str {
                match self {
                    $(Kind::$Type(_) => $name,)*
                }
            }

            /// Compile the body of a rule of kind `name`; `None` for an
            /// unknown kind, `Some(None)` after a recorded error.
            pub fn compile(name: &str, rs: &RuleSpec, cx: &mut CompileCx) -> Option<Option<Kind>> {
                match name {
                    $($name => Some(kinds::$module::$Type::compile(rs, cx).map(Kind::$Type)),)*
                    _ => None,
                }
            }

            pub fn run(&self, cx: &mut RuleContext) {
                match self {
                    $(Kind::$Type(k) => k.run(cx),)*
                }
            }
        }

        /// The keys a kind reads besides the common ones; `None` for an
        /// unknown kind.
        pub fn keys_of(name: &str) -> Option<&'static [&'static str]> {
            match name {
                $($name => Some(<kinds::$module::$Type as RuleKind>::KEYS),)*
                _ => None,
            }
        }
    };
}

declare_kinds! {
    "sum" => sum::Sum,
    "equal" => equal::Equal,
    "growth" => growth::Growth,
    "share" => share::Share,
    "require" => require::Require,
    "forbid" => forbid::Forbid,
    "numbering" => numbering::Numbering,
    "table-row" => table_row::TableRow,
    "script" => script::Script,
    "table-sum" => table_sum::TableSum,
    "table-columns" => table_columns::TableColumns,
    "cross-table" => cross_table::CrossTable,
    "prose-table" => prose_table::ProseTable,
    "prose-items" => prose_items::ProseItems,
    "tables-present" => tables_present::TablesPresent,
    "empty-table" => empty_table::EmptyTable,
    "report-year" => report_year::ReportYear,
    "report-scope" => report_scope::ReportScope,
    "unit-name" => unit_name::UnitName,
    "toc-match" => toc_match::TocMatch,
    "brackets" => brackets::Brackets,
    "sentence-end" => sentence_end::SentenceEnd,
    "budget-actual" => budget_actual::BudgetActual,
    "year-refs" => year_refs::YearRefs,
    "renamed-subjects" => renamed_subjects::RenamedSubjects,
    "amount-count" => amount_count::AmountCount,
    "average" => average::Average,
    "repeated-passage" => repeated_passage::RepeatedPassage,
    "code-depth" => code_depth::CodeDepth,
    "negative-cells" => negative_cells::NegativeCells,
    "change-reason" => change_reason::ChangeReason,
    "item-compared" => item_compared::ItemCompared,
    "code-side" => code_side::CodeSide,
}

/// The keys every rule may have, whatever its kind.
pub const COMMON_KEYS: &[&str] = &[
    "id",
    "kind",
    "severity",
    "message",
    "help",
    "docs",
    "scope",
    "applies_to",
    "enabled",
    "tests",
];
