//! Numbers as written: value, decimals and unit.

use crate::quantity::{half_ulp, Quantity};
use rust_decimal::Decimal;
use serde::{Serialize, Serializer};
use std::str::FromStr;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Unit {
    Yuan,
    WanYuan,
    YiYuan,
    Percent,
    /// 个, 辆, 人, 批次, 台（套）…
    Count(String),
    /// A bare number (a table cell, a score).
    None,
}

impl Unit {
    pub fn as_str(&self) -> &str {
        match self {
            Unit::Yuan => "元",
            Unit::WanYuan => "万元",
            Unit::YiYuan => "亿元",
            Unit::Percent => "%",
            Unit::Count(s) => s,
            Unit::None => "",
        }
    }
    pub fn is_money(&self) -> bool {
        matches!(self, Unit::Yuan | Unit::WanYuan | Unit::YiYuan)
    }
    /// Factor to 万元.
    pub fn wan_factor(&self) -> Option<Decimal> {
        match self {
            Unit::Yuan => Some(Decimal::new(1, 4)),
            Unit::WanYuan => Some(Decimal::ONE),
            Unit::YiYuan => Some(Decimal::from(10000)),
            _ => None,
        }
    }
    pub fn from_written(s: &str) -> Unit {
        match s {
            "元" => Unit::Yuan,
            "万元" | "万" | "萬元" => Unit::WanYuan,
            "亿元" | "億元" => Unit::YiYuan,
            "%" | "％" => Unit::Percent,
            "" => Unit::None,
            other => Unit::Count(other.to_owned()),
        }
    }
}

impl Serialize for Unit {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Number {
    /// Decimal as written (sign included, thousands separators removed).
    #[serde(serialize_with = "ser_decimal")]
    pub value: Decimal,
    /// Digits after the decimal point as written.
    pub decimals: u32,
    pub unit: Unit,
    /// The figure as written, normalised (`1,234.56万元`).
    pub written: String,
}

fn ser_decimal<S: Serializer>(d: &Decimal, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&d.to_string())
}

/// No amount in any public budget has more integer digits: 10¹⁶ 元 is a
/// thousand times a national budget. Longer digit strings are codes or
/// debris, and keeping them out keeps every sum, product and scaling of
/// figures far inside `Decimal`'s range (about 7.9·10²⁸).
const MAX_INT_DIGITS: usize = 16;
/// Reports print at most four decimals (a rate, a per-capita figure); ten
/// leaves room and keeps a rounding interval's bounds exact.
const MAX_DECIMALS: usize = 10;

impl Number {
    /// Parse digits as written (`1,234.56`, `-16.77`, `100`). A string with
    /// more digits than any figure has is not a number.
    pub fn parse(digits: &str, unit: Unit, written: &str) -> Option<Number> {
        let clean: String = digits.chars().filter(|&c| c != ',').collect();
        let (int, frac) = clean.split_once('.').unwrap_or((&clean, ""));
        let int_digits = int.chars().filter(char::is_ascii_digit).count();
        if int_digits > MAX_INT_DIGITS || frac.len() > MAX_DECIMALS {
            return None;
        }
        let value = Decimal::from_str(&clean).ok()?;
        let decimals = clean
            .split_once('.')
            .map(|(_, f)| f.len() as u32)
            .unwrap_or(0);
        Some(Number {
            value,
            decimals,
            unit,
            written: written.to_owned(),
        })
    }

    /// Written at the same precision in the same unit, yet not equal. One
    /// figure restated and rounded alike prints the same digits, so
    /// `308.97` and `308.98` are two figures although their intervals touch.
    pub fn differs_at_same_precision(&self, other: &Number) -> bool {
        self.unit == other.unit && self.decimals == other.decimals && self.value != other.value
    }

    /// The figure as an interval. A written zero (`0万元`, `0.00`, `0辆`) is
    /// exact: in these reports it states that there was none, not a value
    /// that rounds to zero.
    pub fn quantity(&self) -> Quantity {
        if self.value.is_zero() {
            return Quantity::zero();
        }
        Quantity::stated(self.value, self.decimals)
    }

    /// The value in 万元 for money, its rounding interval scaled with it.
    pub fn quantity_wan(&self) -> Option<Quantity> {
        let f = self.unit.wan_factor()?;
        if self.value.is_zero() {
            return Some(Quantity::zero());
        }
        let h = half_ulp(self.decimals) * f;
        let v = self.value * f;
        Some(Quantity::range(v - h, v + h))
    }

    pub fn wan(&self) -> Option<Decimal> {
        self.unit.wan_factor().map(|f| (self.value * f).normalize())
    }
}

/// A table cell that is a number (optionally with `%` or a money unit).
/// Phone numbers and codes are not figures.
pub fn parse_cell_number(key: &str) -> Option<Number> {
    let (digits, unit) = if let Some(d) = key.strip_suffix('%') {
        (d, Unit::Percent)
    } else if let Some(d) = key.strip_suffix("万元") {
        (d, Unit::WanYuan)
    } else if let Some(d) = key.strip_suffix('元') {
        (d, Unit::Yuan)
    } else {
        (key, Unit::None)
    };
    let body = digits.strip_prefix('-').unwrap_or(digits);
    if body.is_empty()
        || !body.starts_with(|c: char| c.is_ascii_digit())
        || !body
            .chars()
            .all(|c| c.is_ascii_digit() || c == '.' || c == ',')
        || body.matches('.').count() > 1
        || body.ends_with('.')
    {
        return None;
    }
    // Eleven-digit phone numbers, long codes: not figures.
    let int_digits = body.split('.').next().unwrap_or("").replace(',', "");
    if int_digits.len() >= 10 && !body.contains('.') {
        return None;
    }
    Number::parse(digits, unit, key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_values_and_decimals() {
        let n = Number::parse("1,234.56", Unit::WanYuan, "1,234.56万元").unwrap();
        assert_eq!(n.value, Decimal::from_str("1234.56").unwrap());
        assert_eq!(n.decimals, 2);
        let n = Number::parse("-16.77", Unit::None, "-16.77").unwrap();
        assert_eq!(n.value, Decimal::from_str("-16.77").unwrap());
        let n = Number::parse("100", Unit::Percent, "100%").unwrap();
        assert_eq!(n.decimals, 0);
    }

    #[test]
    fn restatements_at_one_precision_must_be_equal() {
        let wan = |d: &str| Number::parse(d, Unit::WanYuan, d).unwrap();
        // The intervals [308.965, 308.975] and [308.975, 308.985] touch.
        assert_eq!(
            wan("308.97").quantity().agrees(&wan("308.98").quantity()),
            crate::quantity::Agreement::Consistent
        );
        assert!(wan("308.97").differs_at_same_precision(&wan("308.98")));
        assert!(!wan("308.97").differs_at_same_precision(&wan("308.97")));
        // Another precision or unit is a rounding question, not this one.
        assert!(!wan("308.97").differs_at_same_precision(&wan("308.9")));
        let yuan = Number::parse("308.98", Unit::Yuan, "308.98元").unwrap();
        assert!(!wan("308.97").differs_at_same_precision(&yuan));
    }

    #[test]
    fn digit_strings_longer_than_any_figure_are_not_numbers() {
        let max = "79228162514264337593543950335";
        assert_eq!(Number::parse(max, Unit::WanYuan, max), None);
        assert_eq!(Number::parse("0.12345678901", Unit::None, ""), None);
        // The largest accepted: sixteen integer digits, ten decimals.
        let n = Number::parse("9,999,999,999,999,999.0123456789", Unit::Yuan, "").unwrap();
        assert_eq!(n.decimals, 10);
        assert!(n.quantity_wan().is_some());
    }

    #[test]
    fn converts_to_wan_with_interval() {
        let n = Number::parse("17000", Unit::Yuan, "17000元").unwrap();
        assert_eq!(n.wan(), Some(Decimal::from_str("1.7").unwrap()));
        let q = n.quantity_wan().unwrap();
        assert_eq!(q.lo(), Decimal::from_str("1.69995").unwrap());
        let n = Number::parse("1.5", Unit::YiYuan, "1.5亿元").unwrap();
        assert_eq!(n.wan(), Some(Decimal::from(15000)));
    }

    #[test]
    fn cell_numbers() {
        assert_eq!(parse_cell_number("51.34").unwrap().decimals, 2);
        assert_eq!(parse_cell_number("100%").unwrap().unit, Unit::Percent);
        assert!(parse_cell_number("18580715819").is_none());
        assert!(parse_cell_number("105-重庆市").is_none());
        assert!(parse_cell_number("≥").is_none());
        assert!(parse_cell_number("").is_none());
        assert!(parse_cell_number("1.2.3").is_none());
        assert_eq!(
            parse_cell_number("-16.77").unwrap().value,
            Decimal::from_str("-16.77").unwrap()
        );
    }
}
