//! Quantities in scripts: the row-expression operators plus accessors,
//! `stated`, `sum` and the comparisons with decimals.

use super::*;
use crate::quantity::{Agreement, Quantity};
use rust_decimal::Decimal;

pub(super) fn register(e: &mut Engine) {
    fn q_int(i: INT) -> Quantity {
        Quantity::exact(Decimal::from(i))
    }
    e.register_get("lo", |q: &mut Quantity| q.lo());
    e.register_get("hi", |q: &mut Quantity| q.hi());
    e.register_get("mid", |q: &mut Quantity| q.mid());
    e.register_get("is_undefined", |q: &mut Quantity| q.is_undefined());
    e.register_get("is_point", |q: &mut Quantity| q.is_point());
    e.register_fn("to_debug", |q: &mut Quantity| format!("Quantity({q})"));
    fn agrees(a: &Quantity, b: &Quantity) -> ImmutableString {
        a.agrees(b).as_str().into()
    }
    e.register_fn("agrees", |a: &mut Quantity, b: Quantity| agrees(a, &b));
    e.register_fn("agrees", |a: &mut Quantity, b: INT| agrees(a, &q_int(b)));
    e.register_fn("agrees", |a: &mut Quantity, b: Decimal| {
        agrees(a, &Quantity::exact(b))
    });
    e.register_fn("contains", |a: &mut Quantity, v: Decimal| a.contains(v));
    e.register_fn("contains", |a: &mut Quantity, v: INT| {
        a.contains(Decimal::from(v))
    });
    e.register_fn("certainly_lt", |a: &mut Quantity, b: Quantity| {
        a.certainly_lt(&b)
    });
    e.register_fn("certainly_gt", |a: &mut Quantity, b: Quantity| {
        a.certainly_gt(&b)
    });
    e.register_fn("certainly_lt", |a: &mut Quantity, b: INT| {
        a.certainly_lt(&q_int(b))
    });
    e.register_fn("certainly_gt", |a: &mut Quantity, b: INT| {
        a.certainly_gt(&q_int(b))
    });
    // The midpoint rounded to `dp` places and written with that many, as
    // the figures beside it are printed: `128.50`, not `128.5`.
    e.register_fn("show", |a: &mut Quantity, dp: INT| {
        if a.is_undefined() {
            return "无定义".to_string();
        }
        let dp = dp.clamp(0, 10) as u32;
        let mut v = a
            .mid()
            .round_dp_with_strategy(dp, rust_decimal::RoundingStrategy::MidpointAwayFromZero);
        v.rescale(dp);
        v.to_string()
    });
    e.register_fn("range", |a: &mut Quantity, dp: INT| {
        a.display_range(dp.clamp(0, 10) as u32)
    });
    // Figures as written: `stated(5.56)` is [5.555, 5.565].
    e.register_fn("stated", Quantity::from_written);
    e.register_fn("stated", |v: INT| Quantity::stated(Decimal::from(v), 0));
    e.register_fn("stated", |v: Decimal, decimals: INT| {
        Quantity::stated(v, decimals.clamp(0, 20) as u32)
    });
    e.register_fn("stated", |v: INT, decimals: INT| {
        Quantity::stated(Decimal::from(v), decimals.clamp(0, 20) as u32)
    });
    e.register_fn("undefined", Quantity::undefined);
    e.register_fn("sum", |a: Array| -> RhaiResult<Quantity> {
        let mut acc = Quantity::zero();
        for v in a {
            let q = if let Some(q) = v.clone().try_cast::<Quantity>() {
                q
            } else if let Ok(i) = v.as_int() {
                q_int(i)
            } else if let Ok(d) = v.as_decimal() {
                Quantity::exact(d)
            } else {
                return Err(api_error(format!(
                    "sum: not a quantity or number: {}",
                    v.type_name()
                )));
            };
            acc = acc.add(&q);
        }
        Ok(acc)
    });
    // Comparisons with decimals, as expr.rs has them with integers.
    e.register_fn("<=", |a: Quantity, b: Decimal| {
        !a.certainly_gt(&Quantity::exact(b))
    });
    e.register_fn(">=", |a: Quantity, b: Decimal| {
        !a.certainly_lt(&Quantity::exact(b))
    });
    // `<` / `>` mean "possibly less / greater", as between two quantities.
    fn possibly_lt(a: &Quantity, b: &Quantity) -> bool {
        !(a.certainly_gt(b) || a.agrees(b) == Agreement::Consistent && a.is_point() && b.is_point())
    }
    e.register_fn("<", |a: Quantity, b: INT| possibly_lt(&a, &q_int(b)));
    e.register_fn(">", |a: Quantity, b: INT| possibly_lt(&q_int(b), &a));
    e.register_fn("<", |a: Quantity, b: Decimal| {
        possibly_lt(&a, &Quantity::exact(b))
    });
    e.register_fn(">", |a: Quantity, b: Decimal| {
        possibly_lt(&Quantity::exact(b), &a)
    });
}
