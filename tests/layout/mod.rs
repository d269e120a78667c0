//! Layout variations of the standard tables (issue 12, "the heart of this
//! issue"): each standard table of each form, with consistent figures
//! ([`model`]), rendered in one of many layouts as `pdftotext -layout`
//! text ([`render`]) and wrapped in a minimal report, with the answer:
//! where every figure is and which cell it is. [`pages`] prints the same
//! case as a PDF's page model (glyph boxes, ruling lines).

// Shared by two test crates (text and pages), each using a part.
#![allow(dead_code)]

pub mod model;
#[cfg(feature = "pdf")]
pub mod pages;
#[cfg(feature = "pdf")]
pub mod pdfwrite;
pub mod render;
pub mod rng;

use gouji::diagnostic::{codes, Diagnostic};
use gouji::document::table::StandardTable;
use model::Form;
use render::{Drawn, Expected, Layout};
use rng::Rng;

/// One generated report: one standard table in one layout.
pub struct Case {
    pub seed: u64,
    pub form: Form,
    pub kind: StandardTable,
    pub features: Vec<String>,
    /// The whole report.
    pub text: String,
    /// Byte range of the table in `text`.
    pub table_range: (usize, usize),
    /// Every printed figure, spans into `text`.
    pub cells: Vec<Expected>,
    /// The table as drawn (lines counted from the table's first line).
    pub drawn: Drawn,
}

/// Every case of a run: `rounds` × every standard table of every form,
/// from the first seed `seed`.
pub fn cases(rounds: u64, seed: u64) -> impl Iterator<Item = Case> {
    (0..rounds).flat_map(move |r| {
        Form::ALL.into_iter().flat_map(move |form| {
            form.tables().iter().enumerate().map(move |(i, &kind)| {
                let s = seed
                    .wrapping_mul(1_000_003)
                    .wrapping_add(r * 1000 + form as u64 * 100 + i as u64);
                case(s, form, kind)
            })
        })
    })
}

/// The case of `seed` for table `kind` of `form`.
pub fn case(seed: u64, form: Form, kind: StandardTable) -> Case {
    let mut rng = Rng::new(seed);
    let mut table = model::build(form, kind, &mut rng);
    // A stream of its own, so that the other draws of a seed stay as they were.
    let reordered = reorder_columns(&mut table, &mut Rng::new(seed ^ 0x0c01_5eed));
    let mut layout = Layout::random(&mut rng, &table);
    let mut own = Rng::new(seed ^ 0x9a6e_5eed);
    if own.chance(50) {
        layout.page_number = Some(*own.pick(&["- 1 -", "第 1 页", "1"]));
    }
    let mut features = layout.features(&table);
    if reordered {
        features.push("columns reordered".into());
    }
    let rendered = render::render(&table, &layout, &mut rng);
    let (head, tail) = frame(form);
    let off = head.len();
    let text = format!("{head}{}{tail}", rendered.text);
    let cells = rendered
        .cells
        .into_iter()
        .map(|mut e| {
            e.start += off;
            e.end += off;
            e
        })
        .collect();
    Case {
        seed,
        form,
        kind,
        features,
        table_range: (off, off + rendered.text.len()),
        text,
        cells,
        drawn: rendered.drawn,
    }
}

/// Some reports print a side's columns in another order than the form
/// (`合计 | 公用经费 | 人员经费`). One case in five, a side whose columns
/// sit under one heading, each with a leaf header of its own, has two of
/// them swapped (header and figures alike). Returns whether it did.
fn reorder_columns(t: &mut model::GTable, rng: &mut Rng) -> bool {
    let mut done = false;
    for side in &mut t.sides {
        let n = side.cols.len();
        let group = |c: &model::Col| c.head[..c.head.len().saturating_sub(1)].to_vec();
        let one_group = side.cols.iter().all(|c| group(c) == group(&side.cols[0]));
        let leaves: Vec<_> = side.cols.iter().filter_map(|c| c.head.last()).collect();
        let distinct = (1..leaves.len()).all(|i| !leaves[..i].contains(&leaves[i]));
        if n < 2 || !one_group || !distinct || leaves.len() != n || !rng.chance(20) {
            continue;
        }
        let i = rng.below(n);
        let j = (i + 1 + rng.below(n - 1)) % n;
        side.cols.swap(i, j);
        for r in &mut side.rows {
            r.cells.swap(i, j);
        }
        done = true;
    }
    done
}

/// A minimal report around the table: cover, the part that holds the
/// tables, and a closing part without figures.
fn frame(form: Form) -> (&'static str, &'static str) {
    match form {
        Form::Final => (
            "上海市普陀区示例局\n 2024 年度部门决算\n\n第二部分 上海市普陀区示例局 2024 年度部门决算表\n",
            "\n第三部分 上海市普陀区示例局 2024 年度部门决算情况说明\n\n   一、收入支出决算总体情况说明\n\n   本部门的收支情况见上表。\n",
        ),
        Form::Dept => (
            "                     上海市普陀区2024年区级部门预算\n\n 预算主管部门：上海市普陀区示例局\n\n三、部门预算表\n",
            "\n四、其他相关情况说明\n\n   本部门的预算情况见上表。\n",
        ),
        Form::Unit => (
            "上海市普陀区2025年区级单位预算\n\n 预算单位：上海市普陀区示例所\n\n五、单位预算表\n",
            "\n六、其他相关情况说明\n\n   本单位的预算情况见上表。\n",
        ),
    }
}

pub fn env_u64(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// `a` in percent of `b` (0 when `b` is 0).
pub fn pct(a: usize, b: usize) -> f64 {
    if b == 0 {
        0.0
    } else {
        a as f64 * 100.0 / b as f64
    }
}

/// The `table-unreadable` notes among `diags`.
pub fn unreadable(diags: &[Diagnostic]) -> Vec<&Diagnostic> {
    diags
        .iter()
        .filter(|d| d.code == codes::TABLE_UNREADABLE)
        .collect()
}

/// The rates of a single-figure-change run against their floors: enough
/// changes tried, the changes judged caught on their figure, and the
/// changed tables judged at all (a gate that abstained on most of them
/// would catch every change it judged).
pub fn assert_change_rates(tried: usize, reliable: usize, caught: usize, floors: (f64, f64)) {
    let (caught_floor, reliable_floor) = floors;
    assert!(tried > 100, "only {tried} changes tried");
    assert!(
        pct(caught, reliable) >= caught_floor,
        "{caught}/{reliable} caught (floor {caught_floor}%)"
    );
    assert!(
        pct(reliable, tried) >= reliable_floor,
        "{reliable}/{tried} judged (floor {reliable_floor}%)"
    );
}
