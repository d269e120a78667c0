//! Finding things in a document [`Table`] by the names people use: the
//! table by its standard name or title, its rows by label or code, its
//! columns by header path or leaf. The rule kinds, the rule context and the
//! script API all resolve through these.

use crate::document::text::fold;
use crate::document::{Row, RowKind, Table};
use regex::Regex;
use std::sync::LazyLock;

/// A year or table number before a title: `2024年度`, `表一：`.
static YEAR_PREFIX: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(?:\d{4}年度?|表[一二三四五六七八九十\d]+[:、]?)").unwrap());

impl Table {
    /// Is this the table a rule pack calls `name`? A standard table answers
    /// to its standard name; any table to its title (year and number
    /// prefix ignored); a non-standard table also to a part of its title.
    pub fn matches_name(&self, name: &str) -> bool {
        if self
            .standard
            .is_some_and(|k| super::StandardTable::from_name(name) == Some(k))
        {
            return true;
        }
        let Some(title) = self.title.as_deref() else {
            return false;
        };
        let want = fold(name);
        let title = fold(title);
        let title = YEAR_PREFIX.replace(&title, "");
        title == want || (self.standard.is_none() && title.contains(want.as_str()))
    }

    /// The rows that are not headers, with their indexes.
    pub fn data_rows(&self) -> impl Iterator<Item = (usize, &Row)> {
        self.rows
            .iter()
            .enumerate()
            .filter(|(_, r)| r.kind != RowKind::Header)
    }

    /// Does any data cell carry a number? (A blank template does not.)
    pub fn has_figures(&self) -> bool {
        self.data_rows()
            .any(|(_, r)| r.cells.iter().any(|c| c.number.is_some()))
    }
}
