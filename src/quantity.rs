//! Rounding-aware numbers.
//!
//! A published figure written with `d` decimals stands for every true value
//! that rounds to it: the closed interval `[v − ½·10^−d, v + ½·10^−d]`. An
//! exact figure (a weight in a scoring table, a constant) is a point.
//! Arithmetic propagates intervals; two quantities agree when their intervals
//! overlap. A division whose divisor interval contains zero is *undefined*:
//! a growth rate on a zero base is reported as such, never as a number.
//!
//! This is the XBRL Calculations 1.1 principle, extended from sums to rates,
//! shares and scores. No rule compares money with a fixed tolerance.

use rust_decimal::Decimal;
use serde::Serialize;
use std::fmt;

/// An interval of possible true values, or undefined.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Quantity {
    lo: Decimal,
    hi: Decimal,
    undefined: bool,
}

/// The answer to "do these two agree?"
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Agreement {
    Consistent,
    Inconsistent,
    /// One side could not be computed (division by an interval containing zero).
    Undefined,
}

impl Agreement {
    pub fn as_str(self) -> &'static str {
        match self {
            Agreement::Consistent => "consistent",
            Agreement::Inconsistent => "inconsistent",
            Agreement::Undefined => "undefined",
        }
    }
}

/// Half a unit in the last place of a figure written with `decimals` decimals.
pub fn half_ulp(decimals: u32) -> Decimal {
    Decimal::new(5, decimals.min(27) + 1)
}

impl Quantity {
    /// A figure as written: `value` with `decimals` digits after the point.
    /// A figure at the edge of `Decimal`'s range (no report prints one, but
    /// a broken file may) is undefined rather than a panic.
    pub fn stated(value: Decimal, decimals: u32) -> Quantity {
        let h = half_ulp(decimals);
        match (value.checked_sub(h), value.checked_add(h)) {
            (Some(lo), Some(hi)) => Quantity {
                lo,
                hi,
                undefined: false,
            },
            _ => Quantity::undefined(),
        }
    }

    /// A figure as written, taking the number of decimals from its scale
    /// (`Decimal::from_str("6.10")` has scale 2).
    pub fn from_written(value: Decimal) -> Quantity {
        Quantity::stated(value, value.scale())
    }

    /// A figure that may have been truncated rather than rounded:
    /// `[v, v + 10^−d)` for a non-negative figure, closed here.
    pub fn truncated(value: Decimal, decimals: u32) -> Quantity {
        let ulp = Decimal::new(1, decimals.min(28));
        let other = if value.is_sign_negative() {
            value.checked_sub(ulp)
        } else {
            value.checked_add(ulp)
        };
        match other {
            Some(o) => Quantity::range(value, o),
            None => Quantity::undefined(),
        }
    }

    /// An exact value: a point interval.
    pub fn exact(value: Decimal) -> Quantity {
        Quantity {
            lo: value,
            hi: value,
            undefined: false,
        }
    }

    pub fn zero() -> Quantity {
        Quantity::exact(Decimal::ZERO)
    }

    pub fn range(a: Decimal, b: Decimal) -> Quantity {
        Quantity {
            lo: a.min(b),
            hi: a.max(b),
            undefined: false,
        }
    }

    pub fn undefined() -> Quantity {
        Quantity {
            lo: Decimal::ZERO,
            hi: Decimal::ZERO,
            undefined: true,
        }
    }

    pub fn is_undefined(&self) -> bool {
        self.undefined
    }
    pub fn lo(&self) -> Decimal {
        self.lo
    }
    pub fn hi(&self) -> Decimal {
        self.hi
    }
    pub fn is_point(&self) -> bool {
        !self.undefined && self.lo == self.hi
    }
    /// The midpoint, the best single value to show.
    pub fn mid(&self) -> Decimal {
        // Halve first: `lo + hi` may overflow at the edge of the range. Even
        // the halves, rounded up, can pass `Decimal::MAX` when both ends sit
        // at it; then the two ends are one value for any purpose here.
        (self.lo / Decimal::TWO)
            .checked_add(self.hi / Decimal::TWO)
            .unwrap_or(self.hi)
            .normalize()
    }
    /// Does the interval contain zero?
    pub fn contains_zero(&self) -> bool {
        !self.undefined && self.lo <= Decimal::ZERO && Decimal::ZERO <= self.hi
    }
    pub fn contains(&self, v: Decimal) -> bool {
        !self.undefined && self.lo <= v && v <= self.hi
    }

    /// Two quantities agree when their intervals overlap.
    pub fn agrees(&self, other: &Quantity) -> Agreement {
        if self.undefined || other.undefined {
            Agreement::Undefined
        } else if self.lo <= other.hi && other.lo <= self.hi {
            Agreement::Consistent
        } else {
            Agreement::Inconsistent
        }
    }

    /// Certainly less than / greater than: every value of one side is below
    /// every value of the other.
    pub fn certainly_lt(&self, other: &Quantity) -> bool {
        !self.undefined && !other.undefined && self.hi < other.lo
    }
    pub fn certainly_gt(&self, other: &Quantity) -> bool {
        other.certainly_lt(self)
    }

    pub fn add(&self, o: &Quantity) -> Quantity {
        self.combine(o, |a, b| {
            Some((a.lo.checked_add(b.lo)?, a.hi.checked_add(b.hi)?))
        })
    }

    pub fn sub(&self, o: &Quantity) -> Quantity {
        self.combine(o, |a, b| {
            Some((a.lo.checked_sub(b.hi)?, a.hi.checked_sub(b.lo)?))
        })
    }

    pub fn mul(&self, o: &Quantity) -> Quantity {
        self.combine(o, |a, b| {
            let p = [
                a.lo.checked_mul(b.lo)?,
                a.lo.checked_mul(b.hi)?,
                a.hi.checked_mul(b.lo)?,
                a.hi.checked_mul(b.hi)?,
            ];
            Some(min_max(&p))
        })
    }

    /// Undefined when the divisor's interval contains zero.
    pub fn div(&self, o: &Quantity) -> Quantity {
        if o.contains_zero() {
            return Quantity::undefined();
        }
        self.combine(o, |a, b| {
            let q = [
                a.lo.checked_div(b.lo)?,
                a.lo.checked_div(b.hi)?,
                a.hi.checked_div(b.lo)?,
                a.hi.checked_div(b.hi)?,
            ];
            let (lo, hi) = min_max(&q);
            // Decimal division rounds to 28 digits; widen by that much so a
            // true value is never excluded by the rounding of the bound itself.
            let eps = Decimal::new(1, 20);
            Some((lo.checked_sub(eps)?, hi.checked_add(eps)?))
        })
    }

    pub fn neg(&self) -> Quantity {
        Quantity {
            lo: -self.hi,
            hi: -self.lo,
            undefined: self.undefined,
        }
    }

    pub fn min(&self, o: &Quantity) -> Quantity {
        self.combine(o, |a, b| Some((a.lo.min(b.lo), a.hi.min(b.hi))))
    }
    pub fn max(&self, o: &Quantity) -> Quantity {
        self.combine(o, |a, b| Some((a.lo.max(b.lo), a.hi.max(b.hi))))
    }
    pub fn abs(&self) -> Quantity {
        if self.undefined {
            return *self;
        }
        if self.lo >= Decimal::ZERO {
            *self
        } else if self.hi <= Decimal::ZERO {
            self.neg()
        } else {
            Quantity::range(Decimal::ZERO, self.hi.max(-self.lo))
        }
    }

    pub fn sum<'a>(items: impl IntoIterator<Item = &'a Quantity>) -> Quantity {
        items
            .into_iter()
            .fold(Quantity::zero(), |acc, q| acc.add(q))
    }

    fn combine(
        &self,
        o: &Quantity,
        f: impl Fn(&Quantity, &Quantity) -> Option<(Decimal, Decimal)>,
    ) -> Quantity {
        if self.undefined || o.undefined {
            return Quantity::undefined();
        }
        match f(self, o) {
            Some((lo, hi)) => Quantity::range(lo, hi),
            None => Quantity::undefined(),
        }
    }

    /// The interval printed for people: `[3.1734, 3.1767]`, rounded outward
    /// to `decimals` places.
    pub fn display_range(&self, decimals: u32) -> String {
        if self.undefined {
            return "无定义".to_owned();
        }
        let lo = self
            .lo
            .round_dp_with_strategy(decimals, rust_decimal::RoundingStrategy::ToNegativeInfinity);
        let hi = self
            .hi
            .round_dp_with_strategy(decimals, rust_decimal::RoundingStrategy::ToPositiveInfinity);
        if lo == hi {
            format!("{}", lo.normalize())
        } else {
            format!("[{}, {}]", lo, hi)
        }
    }
}

fn min_max(v: &[Decimal]) -> (Decimal, Decimal) {
    let mut lo = v[0];
    let mut hi = v[0];
    for &x in &v[1..] {
        lo = lo.min(x);
        hi = hi.max(x);
    }
    (lo, hi)
}

impl fmt::Display for Quantity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.undefined {
            f.write_str("undefined")
        } else if self.lo == self.hi {
            write!(f, "{}", self.lo.normalize())
        } else {
            write!(f, "[{}, {}]", self.lo.normalize(), self.hi.normalize())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }
    fn w(s: &str) -> Quantity {
        Quantity::from_written(d(s))
    }

    #[test]
    fn stated_figure_is_an_interval() {
        let q = w("308.97");
        assert_eq!(q.lo(), d("308.965"));
        assert_eq!(q.hi(), d("308.975"));
        assert!(!q.is_point());
        let z = w("0");
        assert_eq!((z.lo(), z.hi()), (d("-0.5"), d("0.5")));
        assert!(Quantity::exact(d("10")).is_point());
    }

    #[test]
    fn addition_and_subtraction_widen() {
        let s = w("242.27").add(&w("66.70"));
        assert_eq!((s.lo(), s.hi()), (d("308.96"), d("308.98")));
        assert_eq!(s.agrees(&w("308.97")), Agreement::Consistent);
        assert_eq!(s.agrees(&w("309.00")), Agreement::Inconsistent);
        let diff = w("308.97").sub(&w("17.75"));
        assert_eq!((diff.lo(), diff.hi()), (d("291.21"), d("291.23")));
    }

    #[test]
    fn multiplication_handles_signs() {
        let a = Quantity::range(d("-2"), d("3"));
        let b = Quantity::range(d("-5"), d("4"));
        let p = a.mul(&b);
        assert_eq!((p.lo(), p.hi()), (d("-15"), d("12")));
        let e = Quantity::exact(d("10")).mul(&Quantity::exact(d("0.5")));
        assert_eq!(e, Quantity::exact(d("5.0")));
    }

    #[test]
    fn division_and_undefined() {
        // 住房保障支出 9.81 / 308.97 = 3.1751%: printed 3.17% is consistent.
        let share = w("9.81").div(&w("308.97")).mul(&Quantity::exact(d("100")));
        assert_eq!(share.agrees(&w("3.17")), Agreement::Consistent);
        assert_eq!(share.agrees(&w("3.19")), Agreement::Inconsistent);
        assert!(share.lo() > d("3.1733") && share.hi() < d("3.1768"));
        // A zero base: the rate is undefined, not a number.
        let rate = w("0.30").div(&w("0.00"));
        assert!(rate.is_undefined());
        assert_eq!(rate.agrees(&w("100")), Agreement::Undefined);
        // Undefined propagates.
        assert!(rate.add(&w("1")).is_undefined());
    }

    #[test]
    fn growth_rate_of_the_sample() {
        // 17.75 / (308.97 − 17.75) = 6.095% → printed 6.10%.
        let base = w("308.97").sub(&w("17.75"));
        let rate = w("17.75").div(&base).mul(&Quantity::exact(d("100")));
        assert_eq!(rate.agrees(&w("6.10")), Agreement::Consistent);
        assert_eq!(rate.agrees(&w("6.20")), Agreement::Inconsistent);
        // Decrease: 1.08 / (0.15 + 1.08) = 87.80%.
        let rate = w("1.08")
            .div(&w("0.15").add(&w("1.08")))
            .mul(&Quantity::exact(d("100")));
        assert_eq!(rate.agrees(&w("87.80")), Agreement::Consistent);
    }

    #[test]
    fn truncation_interval() {
        let t = Quantity::truncated(d("99.86"), 2);
        assert!(t.contains(d("99.868")));
        assert!(!w("99.86").contains(d("99.868")));
    }

    #[test]
    fn min_max_abs_and_ordering() {
        let a = w("5");
        let b = w("7");
        assert!(a.certainly_lt(&b));
        assert!(!a.certainly_lt(&w("5.4")));
        assert_eq!(a.min(&b), a);
        assert_eq!(Quantity::range(d("-1"), d("2")).abs().lo(), Decimal::ZERO);
        assert_eq!(Quantity::sum(&[w("1.1"), w("2.2")]).mid(), d("3.3"));
    }

    #[test]
    fn overflow_is_undefined_not_a_panic() {
        let big = Quantity::exact(Decimal::MAX);
        assert!(big.add(&big).is_undefined());
        assert!(big.mul(&big).is_undefined());
    }

    fn round(v: Decimal, dp: u32) -> Decimal {
        v.round_dp_with_strategy(dp, rust_decimal::RoundingStrategy::MidpointAwayFromZero)
    }

    proptest! {
        /// Rounding true values and recomputing never produces a disagreement:
        /// sums, differences, products, shares and growth rates.
        #[test]
        fn rounded_truth_always_agrees(
            a in 1i64..10_000_000, b in 1i64..10_000_000, dp in 0u32..3, pdp in 0u32..3
        ) {
            // True values with 4 decimals, published with `dp` decimals.
            let ta = Decimal::new(a, 4);
            let tb = Decimal::new(b, 4);
            let qa = Quantity::stated(round(ta, dp), dp);
            let qb = Quantity::stated(round(tb, dp), dp);
            let total = Quantity::stated(round(ta + tb, dp), dp);
            prop_assert_eq!(qa.add(&qb).agrees(&total), Agreement::Consistent);
            let diff = Quantity::stated(round(ta - tb, dp), dp);
            prop_assert_eq!(qa.sub(&qb).agrees(&diff), Agreement::Consistent);
            let prod = Quantity::stated(round(ta * tb, dp), dp);
            prop_assert_eq!(qa.mul(&qb).agrees(&prod), Agreement::Consistent);
            let hundred = Quantity::exact(Decimal::ONE_HUNDRED);
            let share_true = ta / (ta + tb) * Decimal::ONE_HUNDRED;
            let share = Quantity::stated(round(share_true, pdp), pdp);
            let computed = qa.div(&qa.add(&qb)).mul(&hundred);
            if !computed.is_undefined() {
                prop_assert_eq!(computed.agrees(&share), Agreement::Consistent);
            }
            // Growth: amount = base + delta, rate = delta / base.
            let rate_true = ta / tb * Decimal::ONE_HUNDRED;
            let rate = Quantity::stated(round(rate_true, pdp), pdp);
            let amount = Quantity::stated(round(ta + tb, dp), dp);
            let computed = qa.div(&amount.sub(&qa)).mul(&hundred);
            if !computed.is_undefined() {
                prop_assert_eq!(computed.agrees(&rate), Agreement::Consistent);
            }
        }
    }
    /// An interval and a point inside it: a figure with 0–4 decimals and a
    /// true value anywhere in its rounding interval (ends included).
    fn figure_and_truth() -> impl Strategy<Value = (Quantity, Decimal)> {
        (-10_000_000_000i64..10_000_000_000, 0u32..5, 0u32..=1000).prop_map(|(v, dp, t)| {
            let value = Decimal::new(v, dp);
            let q = Quantity::stated(value, dp);
            // t/1000 of the way from lo to hi.
            let truth = q.lo() + (q.hi() - q.lo()) * Decimal::new(i64::from(t), 3);
            (q, truth)
        })
    }

    proptest! {
        /// The true value of a rounded figure lies in its interval.
        #[test]
        fn truth_lies_in_the_interval(v in -10_000_000_000_000i64..10_000_000_000_000, dp in 0u32..5, shift in 0u32..3) {
            // A true value with more decimals, published rounded to `dp`.
            let truth = Decimal::new(v, dp + shift);
            let published = round(truth, dp);
            prop_assert!(Quantity::stated(published, dp).contains(truth));
        }

        /// Soundness: the exact result of an operation on any values inside
        /// the operands lies inside the result.
        #[test]
        fn operations_are_sound((a, x) in figure_and_truth(), (b, y) in figure_and_truth()) {
            prop_assert!(a.add(&b).contains(x + y));
            prop_assert!(a.sub(&b).contains(x - y));
            prop_assert!(a.mul(&b).contains(x * y));
            let q = a.div(&b);
            if y.is_zero() {
                prop_assert!(q.is_undefined(), "a divisor interval holding 0 is undefined");
            } else if !q.is_undefined() {
                prop_assert!(q.contains(x / y), "{x} / {y} not in [{}, {}]", q.lo(), q.hi());
            }
            prop_assert!(a.neg().contains(-x));
            prop_assert!(a.abs().contains(x.abs()));
            prop_assert!(a.min(&b).contains(x.min(y)));
            prop_assert!(a.max(&b).contains(x.max(y)));
        }

        /// Comparisons are symmetric: agreement both ways, `<` mirrored by
        /// `>`, and never both certainly-less and agreeing.
        #[test]
        fn comparisons_are_symmetric((a, _) in figure_and_truth(), (b, _) in figure_and_truth()) {
            prop_assert_eq!(a.agrees(&b), b.agrees(&a));
            prop_assert_eq!(a.certainly_lt(&b), b.certainly_gt(&a));
            prop_assert!(!(a.certainly_lt(&b) && a.agrees(&b) == Agreement::Consistent));
            prop_assert!(!(a.certainly_lt(&b) && b.certainly_lt(&a)));
            prop_assert_eq!(a.agrees(&a), Agreement::Consistent);
        }

        /// Figures at the edge of `Decimal`'s range never panic: an overflow
        /// makes the result undefined.
        #[test]
        fn huge_figures_never_panic(a in any::<i64>(), b in any::<i64>(), sa in 0u32..28, sb in 0u32..28) {
            let big = Decimal::MAX / Decimal::new(a.unsigned_abs().max(1) as i64 % 1000 + 1, 0);
            let qa = Quantity::stated(big, sa.min(4));
            let qb = Quantity::stated(Decimal::new(b, sb), sb.min(4));
            for q in [qa.add(&qb), qa.sub(&qb), qa.mul(&qb), qa.div(&qb), qa.mul(&qa), Quantity::sum([&qa, &qa, &qb])] {
                let _ = q.mid();
                let _ = q.display_range(2);
                let _ = q.agrees(&qa);
            }
        }
    }

    /// proptest's shrunk case: `Decimal::MAX` itself, once panicked in `add`.
    #[test]
    fn decimal_max_never_panics() {
        let qa = Quantity::stated(Decimal::MAX, 1);
        let qb = Quantity::stated(Decimal::new(0, 1), 1);
        for q in [
            qa.add(&qb),
            qa.sub(&qb),
            qa.mul(&qb),
            qa.div(&qb),
            qa.mul(&qa),
            Quantity::sum([&qa, &qa, &qb]),
        ] {
            let _ = q.mid();
            let _ = q.display_range(2);
            let _ = q.agrees(&qa);
        }
    }
}
