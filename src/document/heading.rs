//! Heading numbers: `第一部分`, `一、`, `（一）`/`(一)`, `1.`/`1、`/`1．`,
//! `（1）`/`(1)`, `①`, and the section tree they imply.

use serde::Serialize;

/// The numeral system of a heading number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Numeral {
    /// 一 二 三 …
    Chinese,
    /// 1 2 3 …
    Arabic,
    /// ① ② ③ …
    Circled,
}

/// How the number is set off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Delimiter {
    /// 第一部分
    Part,
    /// 一、 or 1、
    Comma,
    /// 1. or 1．
    Dot,
    /// （一） or (1)
    Paren,
    /// ①
    Bare,
    /// An unnumbered title line centred on its own (`名词解释`,
    /// `科技创新专项经费情况说明`): a level of its own, compatible with nothing.
    Title,
}

/// A heading number as written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Numbering {
    pub numeral: Numeral,
    pub delimiter: Delimiter,
    pub value: u32,
    /// Byte length of the marker in the (original) line, including a trailing
    /// space if any.
    #[serde(skip)]
    pub len: usize,
}

impl Numbering {
    /// A short name of the style, e.g. `一、` or `(1)`.
    pub fn style_name(&self) -> &'static str {
        match (self.numeral, self.delimiter) {
            (_, Delimiter::Part) => "第一部分",
            (_, Delimiter::Title) => "标题",
            (Numeral::Chinese, Delimiter::Comma) => "一、",
            (Numeral::Arabic, Delimiter::Comma) => "1、",
            (_, Delimiter::Dot) => "1.",
            (Numeral::Chinese, Delimiter::Paren) => "（一）",
            (Numeral::Arabic, Delimiter::Paren) => "（1）",
            (Numeral::Circled, _) => "①",
            (Numeral::Chinese, Delimiter::Bare) => "一",
            (Numeral::Arabic, Delimiter::Bare) => "1",
        }
    }

    /// Two styles may stand at one level of a mixed document when they share
    /// the delimiter (`一、` and `2、`; `（一）` and `（2）`), or are `1.` and `1、`.
    pub fn compatible(&self, other: &Numbering) -> bool {
        let comma_or_dot = |d| matches!(d, Delimiter::Comma | Delimiter::Dot);
        if self.delimiter == Delimiter::Title || other.delimiter == Delimiter::Title {
            return false;
        }
        self.delimiter == other.delimiter
            || (self.numeral == Numeral::Arabic
                && other.numeral == Numeral::Arabic
                && comma_or_dot(self.delimiter)
                && comma_or_dot(other.delimiter))
    }

    pub fn same_style(&self, other: &Numbering) -> bool {
        self.numeral == other.numeral && self.delimiter == other.delimiter
    }
}

/// Value of a Chinese numeral up to 99 (一 … 九十九), also 〇/零 forms.
pub fn chinese_value(s: &str) -> Option<u32> {
    let digit = |c: char| -> Option<u32> {
        Some(match c {
            '〇' | '零' => 0,
            '一' => 1,
            '二' | '两' => 2,
            '三' => 3,
            '四' => 4,
            '五' => 5,
            '六' => 6,
            '七' => 7,
            '八' => 8,
            '九' => 9,
            _ => return None,
        })
    };
    let chars: Vec<char> = s.chars().collect();
    match chars.as_slice() {
        [] => None,
        [a] if *a == '十' => Some(10),
        [a] => digit(*a).filter(|&v| v > 0),
        ['十', b] => digit(*b).map(|v| 10 + v),
        [a, '十'] => digit(*a).map(|v| v * 10),
        [a, '十', b] => Some(digit(*a)? * 10 + digit(*b)?),
        _ => None,
    }
}

const CN_NUM: &str = "〇零一二两三四五六七八九十";

fn take_while_str(s: &str, f: impl Fn(char) -> bool) -> &str {
    let end = s
        .char_indices()
        .find(|&(_, c)| !f(c))
        .map(|(i, _)| i)
        .unwrap_or(s.len());
    &s[..end]
}

fn is_fw_digit(c: char) -> bool {
    c.is_ascii_digit() || ('０'..='９').contains(&c)
}

fn digit_value(s: &str) -> Option<u32> {
    let mut v: u32 = 0;
    for c in s.chars() {
        let d = if c.is_ascii_digit() {
            c as u32 - '0' as u32
        } else {
            c as u32 - '０' as u32
        };
        v = v.checked_mul(10)?.checked_add(d)?;
    }
    Some(v)
}

/// Recognise a heading number at the start of `line` (leading white space
/// already removed). Returns the numbering and the rest of the line.
pub fn parse_numbering(line: &str) -> Option<Numbering> {
    let mut len;
    let numbering;
    if let Some(rest) = line.strip_prefix('第') {
        let num = take_while_str(rest, |c| CN_NUM.contains(c));
        let after = &rest[num.len()..];
        let value = chinese_value(num)?;
        let tail = ["部分", "章", "篇"]
            .iter()
            .find(|t| after.starts_with(**t))?;
        len = '第'.len_utf8() + num.len() + tail.len();
        numbering = Numbering {
            numeral: Numeral::Chinese,
            delimiter: Delimiter::Part,
            value,
            len,
        };
    } else if let Some(rest) = line.strip_prefix('（').or_else(|| line.strip_prefix('(')) {
        let open = line.len() - rest.len();
        let (numeral, num) = {
            let cn = take_while_str(rest, |c| CN_NUM.contains(c));
            if !cn.is_empty() {
                (Numeral::Chinese, cn)
            } else {
                (Numeral::Arabic, take_while_str(rest, is_fw_digit))
            }
        };
        if num.is_empty() || num.chars().count() > 3 {
            return None;
        }
        let after = &rest[num.len()..];
        let close = if after.starts_with('）') {
            '）'.len_utf8()
        } else if after.starts_with(')') {
            1
        } else {
            return None;
        };
        let value = match numeral {
            Numeral::Chinese => chinese_value(num)?,
            _ => digit_value(num)?,
        };
        len = open + num.len() + close;
        // `(一)、` occurs.
        if line[len..].starts_with('、') {
            len += '、'.len_utf8();
        }
        numbering = Numbering {
            numeral,
            delimiter: Delimiter::Paren,
            value,
            len,
        };
    } else if let Some(c) = line.chars().next().filter(|c| ('①'..='⑳').contains(c)) {
        len = c.len_utf8();
        numbering = Numbering {
            numeral: Numeral::Circled,
            delimiter: Delimiter::Bare,
            value: c as u32 - '①' as u32 + 1,
            len,
        };
    } else {
        let cn = take_while_str(line, |c| CN_NUM.contains(c));
        if !cn.is_empty() {
            let after = &line[cn.len()..];
            if !after.starts_with('、') {
                return None;
            }
            len = cn.len() + '、'.len_utf8();
            numbering = Numbering {
                numeral: Numeral::Chinese,
                delimiter: Delimiter::Comma,
                value: chinese_value(cn)?,
                len,
            };
        } else {
            let num = take_while_str(line, is_fw_digit);
            if num.is_empty() || num.chars().count() > 2 {
                return None;
            }
            let after = &line[num.len()..];
            let (delimiter, dlen) = if after.starts_with('、') {
                (Delimiter::Comma, '、'.len_utf8())
            } else if after.starts_with('．') {
                (Delimiter::Dot, '．'.len_utf8())
            } else if let Some(rest) = after.strip_prefix('.') {
                // `1.5万元` is a number, not a heading.
                if rest.starts_with(|c: char| c.is_ascii_digit() || is_fw_digit(c)) {
                    return None;
                }
                (Delimiter::Dot, 1)
            } else {
                return None;
            };
            len = num.len() + dlen;
            numbering = Numbering {
                numeral: Numeral::Arabic,
                delimiter,
                value: digit_value(num)?,
                len,
            };
        }
    }
    if numbering.value == 0 {
        return None;
    }
    // Swallow the white space after the marker.
    let rest = &line[len..];
    let ws = take_while_str(rest, |c| c == ' ' || c == '\u{3000}' || c == '\t');
    Some(Numbering {
        len: len + ws.len(),
        ..numbering
    })
}

/// `具体包括： 1. 负责…`: a numbered list whose item 1 is written at the end
/// of the line that introduces it. The numbering of that item, when a colon
/// is followed by a number 1 (the `2.` on the next line then continues a
/// list, not a heading sequence).
pub fn inline_list_start(text: &str) -> Option<Numbering> {
    text.char_indices()
        .filter(|&(_, c)| c == ':' || c == '：')
        .find_map(|(i, c)| {
            let rest = text[i + c.len_utf8()..].trim_start_matches([' ', '\u{3000}', '\t']);
            parse_numbering(rest).filter(|n| n.value == 1 && n.delimiter != Delimiter::Part)
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(s: &str) -> Option<(Numeral, Delimiter, u32, usize)> {
        parse_numbering(s).map(|n| (n.numeral, n.delimiter, n.value, n.len))
    }

    #[test]
    fn recognises_every_style() {
        use Delimiter::*;
        use Numeral::*;
        assert_eq!(n("第一部分 概况"), Some((Chinese, Part, 1, 13)));
        assert_eq!(n("一、单位基本情况"), Some((Chinese, Comma, 1, 6)));
        assert_eq!(n("十一、其他"), Some((Chinese, Comma, 11, 9)));
        assert_eq!(n("二十六、x"), Some((Chinese, Comma, 26, 12)));
        assert_eq!(n("（一）职能职责"), Some((Chinese, Paren, 1, 9)));
        assert_eq!(n("(一)职能"), Some((Chinese, Paren, 1, 5)));
        assert_eq!(n("(一)、职能"), Some((Chinese, Paren, 1, 8)));
        assert_eq!(n("（2） 机构设置"), Some((Arabic, Paren, 2, 8)));
        assert_eq!(n("1. 收入"), Some((Arabic, Dot, 1, 3)));
        assert_eq!(n("1.收入"), Some((Arabic, Dot, 1, 2)));
        assert_eq!(n("1、收入"), Some((Arabic, Comma, 1, 4)));
        assert_eq!(n("1．收入"), Some((Arabic, Dot, 1, 4)));
        assert_eq!(n("2、 部门决算情况"), Some((Arabic, Comma, 2, 5)));
        assert_eq!(n("①财政拨款收入"), Some((Circled, Bare, 1, 3)));
        assert_eq!(n("⑩x"), Some((Circled, Bare, 10, 3)));
    }

    #[test]
    fn rejects_numbers_that_are_not_headings() {
        assert_eq!(n("1.5万元"), None);
        assert_eq!(n("2024年度"), None);
        assert_eq!(n("308.97万元"), None);
        assert_eq!(n("一般公共服务支出"), None);
        assert_eq!(n("(2024)"), None);
        assert_eq!(n("0、x"), None);
        assert_eq!(n("第一次会议"), None);
    }

    #[test]
    fn inline_first_item_after_a_colon() {
        let n = inline_list_start("主要职能具体包括： 1. 负责全区政务服务工作。").unwrap();
        assert_eq!(
            (n.numeral, n.delimiter, n.value),
            (Numeral::Arabic, Delimiter::Dot, 1)
        );
        let n = inline_list_start("主要用于:（1）人员经费").unwrap();
        assert_eq!((n.delimiter, n.value), (Delimiter::Paren, 1));
        assert!(inline_list_start("具体包括： 2. 负责").is_none());
        assert!(inline_list_start("收入合计：1.5万元").is_none());
        assert!(inline_list_start("一、收入情况").is_none());
    }

    #[test]
    fn compatibility_of_mixed_styles() {
        let a = parse_numbering("一、a").unwrap();
        let b = parse_numbering("2、 b").unwrap();
        let c = parse_numbering("（一）c").unwrap();
        let d = parse_numbering("（2） d").unwrap();
        let e = parse_numbering("1. e").unwrap();
        assert!(a.compatible(&b));
        assert!(c.compatible(&d));
        assert!(!a.compatible(&c));
        assert!(!c.compatible(&e));
        assert_eq!(chinese_value("十五"), Some(15));
        assert_eq!(chinese_value("二十"), Some(20));
    }
}
