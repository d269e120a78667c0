//! Row expressions of `table-row` rules, evaluated by Rhai on the quantity
//! type: `指标得分 == 指标权重 * 得分系数 / 100`.
//!
//! Column names are written as in the header without their unit; before
//! compiling, every run of non-ASCII text becomes a lookup in the row's map. `==`
//! between quantities means "the intervals agree"; a comparison that touches
//! an undefined quantity (a division by a range containing zero) is recorded,
//! and the row is reported as not checked rather than passed or failed.
//!
//! Script rules register the same quantity type and operators on their own
//! engines ([`register_quantity`] with `record: false`); only this module's
//! private engine records comparisons, so scripts never touch the list.

use crate::quantity::{Agreement, Quantity};
use rhai::{Dynamic, Engine, EvalAltResult, Scope, AST, INT};
use rust_decimal::Decimal;
use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::LazyLock;

thread_local! {
    /// Comparisons evaluated in the current row: (agreement, left, right).
    /// Filled only by the `==`/`!=` of [`ENGINE`].
    static COMPARISONS: RefCell<Vec<(Agreement, Quantity, Quantity)>> = const { RefCell::new(Vec::new()) };
}

/// The engine for row expressions: arithmetic on quantities, nothing else.
static ENGINE: LazyLock<Engine> = LazyLock::new(|| {
    let mut e = Engine::new_raw();
    use rhai::packages::Package;
    rhai::packages::ArithmeticPackage::new().register_into_engine(&mut e);
    rhai::packages::LogicPackage::new().register_into_engine(&mut e);
    e.set_max_operations(10_000);
    e.set_max_expr_depths(32, 32);
    e.set_max_string_size(1_000);
    register_quantity(&mut e, true);
    e
});

/// Register the quantity type and its operators on an engine. With `record`,
/// every `==`/`!=` between quantities is pushed to the thread's comparison
/// list (for [`RowExpr::eval`]); other engines pass `false`.
pub fn register_quantity(e: &mut Engine, record: bool) {
    e.register_type_with_name::<Quantity>("Quantity");
    fn q_int(i: INT) -> Quantity {
        Quantity::exact(Decimal::from(i))
    }
    fn q_dec(d: Decimal) -> Quantity {
        Quantity::exact(d)
    }
    e.register_fn("+", |a: Quantity, b: Quantity| a.add(&b));
    e.register_fn("-", |a: Quantity, b: Quantity| a.sub(&b));
    e.register_fn("*", |a: Quantity, b: Quantity| a.mul(&b));
    e.register_fn("/", |a: Quantity, b: Quantity| a.div(&b));
    e.register_fn("-", |a: Quantity| a.neg());
    for (name, f) in [
        ("+", Quantity::add as fn(&Quantity, &Quantity) -> Quantity),
        ("-", Quantity::sub),
        ("*", Quantity::mul),
        ("/", Quantity::div),
    ] {
        e.register_fn(name, move |a: Quantity, b: INT| f(&a, &q_int(b)));
        e.register_fn(name, move |a: INT, b: Quantity| f(&q_int(a), &b));
        e.register_fn(name, move |a: Quantity, b: Decimal| f(&a, &q_dec(b)));
        e.register_fn(name, move |a: Decimal, b: Quantity| f(&q_dec(a), &b));
    }
    e.register_fn("min", |a: Quantity, b: Quantity| a.min(&b));
    e.register_fn("max", |a: Quantity, b: Quantity| a.max(&b));
    e.register_fn("min", |a: Quantity, b: INT| a.min(&q_int(b)));
    e.register_fn("max", |a: Quantity, b: INT| a.max(&q_int(b)));
    e.register_fn("abs", |a: Quantity| a.abs());
    e.register_fn("exact", q_int);
    e.register_fn("exact", q_dec);
    e.register_fn("to_string", |a: &mut Quantity| a.to_string());
    fn agree(a: Quantity, b: Quantity) -> bool {
        a.agrees(&b) != Agreement::Inconsistent
    }
    fn agree_recorded(a: Quantity, b: Quantity) -> bool {
        let ag = a.agrees(&b);
        COMPARISONS.with(|c| c.borrow_mut().push((ag, a, b)));
        ag != Agreement::Inconsistent
    }
    let cmp: fn(Quantity, Quantity) -> bool = if record { agree_recorded } else { agree };
    e.register_fn("==", cmp);
    e.register_fn("==", move |a: Quantity, b: INT| cmp(a, q_int(b)));
    e.register_fn("==", move |a: Quantity, b: Decimal| cmp(a, q_dec(b)));
    e.register_fn("!=", move |a: Quantity, b: Quantity| !cmp(a, b));
    // `<=` means "possibly ≤" (no error unless certainly greater).
    e.register_fn("<=", |a: Quantity, b: Quantity| !a.certainly_gt(&b));
    e.register_fn("<=", |a: Quantity, b: INT| !a.certainly_gt(&q_int(b)));
    e.register_fn(">=", |a: Quantity, b: Quantity| !a.certainly_lt(&b));
    e.register_fn(">=", |a: Quantity, b: INT| !a.certainly_lt(&q_int(b)));
    e.register_fn("<", |a: Quantity, b: Quantity| {
        !(a.certainly_gt(&b)
            || a.agrees(&b) == Agreement::Consistent && a.is_point() && b.is_point())
    });
    e.register_fn(">", |a: Quantity, b: Quantity| {
        !(a.certainly_lt(&b)
            || a.agrees(&b) == Agreement::Consistent && a.is_point() && b.is_point())
    });
}

/// A compiled row expression and the columns it reads.
#[derive(Debug)]
pub struct RowExpr {
    pub source: String,
    ast: AST,
    pub columns: Vec<String>,
}

/// The result of evaluating a row.
#[derive(Debug, Clone)]
pub enum RowOutcome {
    Pass,
    /// The last comparison that failed: (left, right).
    Fail(Quantity, Quantity),
    /// A comparison touched an undefined quantity.
    Undefined,
    /// A column is missing or not a number.
    Missing(String),
    Error(String),
}

fn rewrite(src: &str) -> (String, Vec<String>) {
    let mut out = String::new();
    let mut cols = Vec::new();
    let mut run = String::new();
    let flush = |run: &mut String, out: &mut String, cols: &mut Vec<String>| {
        if !run.is_empty() {
            let name = crate::document::text::fold(run);
            out.push_str(&format!("__cols[\"{}\"]", name.replace('"', "")));
            if !cols.contains(&name) {
                cols.push(name);
            }
            run.clear();
        }
    };
    for c in src.chars() {
        // A column name: non-ASCII text, with ASCII parentheses/`%` inside it.
        if !c.is_ascii() || (!run.is_empty() && (c == '(' || c == ')' || c == '%')) {
            run.push(c);
        } else {
            flush(&mut run, &mut out, &mut cols);
            out.push(c);
        }
    }
    flush(&mut run, &mut out, &mut cols);
    (out, cols)
}

impl RowExpr {
    pub fn compile(src: &str) -> Result<RowExpr, String> {
        let (rewritten, columns) = rewrite(src);
        let ast = ENGINE
            .compile_expression(&rewritten)
            .map_err(|e| e.to_string())?;
        if columns.is_empty() {
            return Err("the expression names no column".into());
        }
        Ok(RowExpr {
            source: src.to_owned(),
            ast,
            columns,
        })
    }

    /// Evaluate against one row: `cols` maps each column name (folded, without
    /// unit) to its value.
    pub fn eval(&self, cols: &HashMap<String, Quantity>) -> RowOutcome {
        for c in &self.columns {
            if !cols.contains_key(c) {
                return RowOutcome::Missing(c.clone());
            }
        }
        COMPARISONS.with(|c| c.borrow_mut().clear());
        let mut scope = Scope::new();
        let map: rhai::Map = cols
            .iter()
            .map(|(k, v)| (k.as_str().into(), Dynamic::from(*v)))
            .collect();
        scope.push_constant("__cols", map);
        let result: Result<Dynamic, Box<EvalAltResult>> =
            ENGINE.eval_ast_with_scope(&mut scope, &self.ast);
        let comparisons = COMPARISONS.with(|c| std::mem::take(&mut *c.borrow_mut()));
        match result {
            Err(e) => RowOutcome::Error(e.to_string()),
            Ok(v) => {
                if comparisons.iter().any(|c| c.0 == Agreement::Undefined) {
                    return RowOutcome::Undefined;
                }
                match v.as_bool() {
                    Ok(true) => RowOutcome::Pass,
                    Ok(false) => {
                        match comparisons.iter().find(|c| c.0 == Agreement::Inconsistent) {
                            Some((_, a, b)) => RowOutcome::Fail(*a, *b),
                            None => RowOutcome::Fail(Quantity::undefined(), Quantity::undefined()),
                        }
                    }
                    Err(_) => RowOutcome::Error("the expression must give true or false".into()),
                }
            }
        }
    }
}
