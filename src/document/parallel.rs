//! Parallel statements (FORMS.md §3): `收入、支出总计分别为A万元、B万元`,
//! `收、支总计各是A,B万元`, `分别减少C万元、D万元，分别下降E%、F%`. The
//! figures of a run pair with the subjects by position; the facts reader
//! (`facts.rs`) binds them so, or abstains when the counts differ.

use regex::Regex;
use std::sync::LazyLock;

/// `…分别为` / `…各是` at the end of the text before a run of figures.
static MARKER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?:分别|各)(?:是|为|达到?)?:?$").unwrap());

/// Words an amount's label ends with: a part ending so is a label of its own.
const NOUNS: &[&str] = &[
    "支出", "收入", "总计", "合计", "经费", "费用", "费", "资金", "拨款", "结余", "余额", "总额",
    "数",
];

/// Words a shared suffix starts with (`一般公共预算、政府性基金预算财政拨款支出`:
/// the suffix is `财政拨款支出`).
const HEADS: &[&str] = &[
    "财政拨款",
    "总计",
    "合计",
    "支出",
    "收入",
    "经费",
    "费用",
    "资金",
];

/// The subject text before a parallel marker, if `pre` ends with one.
pub fn before_marker(pre: &str) -> Option<&str> {
    MARKER.find(pre).map(|m| &pre[..m.start()])
}

/// The labels of a parallel subject (already cleaned of years and
/// subjects), in order: `收入、支出总计` → 收入总计, 支出总计; `收、支总计` →
/// 收入总计, 支出总计; `收支总计` → 收入总计, 支出总计; `财政拨款收入、支出`
/// → 财政拨款收入, 财政拨款支出; `基本支出、项目支出` as written. `None`
/// when the subject names fewer than two things.
pub fn labels(subject: &str) -> Option<Vec<String>> {
    // `收、支总计`: 收 and 支 stand for 收入 and 支出, alone or before a total.
    let expand = |p: &str| {
        for (short, long) in [("收", "收入"), ("支", "支出")] {
            if let Some(rest) = p.strip_prefix(short) {
                if rest.is_empty() || ["总计", "合计"].contains(&rest) {
                    return format!("{long}{rest}");
                }
            }
        }
        p.to_owned()
    };
    let mut parts: Vec<String> = subject
        .split('、')
        .map(|p| expand(p.trim()))
        .filter(|p| !p.is_empty())
        .collect();
    // `基本支出和项目支出`, `收入和支出总计`: two parts joined by 和/及, each
    // ending as a label does (社会保障和就业支出 is one name).
    if parts.len() == 1 {
        for joiner in ['和', '及'] {
            let halves: Vec<String> = parts[0].split(joiner).map(str::to_owned).collect();
            if halves.len() == 2 && halves.iter().all(|h| NOUNS.iter().any(|w| h.ends_with(w))) {
                parts = halves;
                break;
            }
        }
    }
    if parts.len() == 1 {
        let rest = parts[0].strip_prefix("收支")?.to_owned();
        return Some(vec![format!("收入{rest}"), format!("支出{rest}")]);
    }
    if parts.len() < 2 {
        return None;
    }
    let stem = |p: &str| p == "收入" || p == "支出";
    // `财政拨款收入、支出`: the first part's qualifier goes to the bare stems.
    let first = parts[0].clone();
    if let Some(prefix) = ["收入", "支出"]
        .iter()
        .find_map(|w| first.strip_suffix(w).filter(|p| !p.is_empty()))
    {
        if parts[1..].iter().all(|p| stem(p)) {
            for p in &mut parts[1..] {
                *p = format!("{prefix}{p}");
            }
            return Some(parts);
        }
    }
    // `收入、支出总计`, `基本、项目支出`: the last part's suffix goes to the
    // parts that are not labels of their own (a bare stem takes it too).
    let last = parts.last()?.clone();
    let suffix = suffix_of(&last);
    let n = parts.len();
    for p in &mut parts[..n - 1] {
        let own = NOUNS.iter().any(|w| p.ends_with(w)) && !stem(p);
        if let Some(s) = suffix.filter(|_| !own) {
            if !(stem(p) && last.strip_suffix(s).is_some_and(|h| !stem(h))) {
                p.push_str(s);
            }
        }
    }
    Some(parts)
}

/// The shared suffix of a parallel subject's last part: from the first head
/// word after its first character (`支出总计` → `总计`).
fn suffix_of(last: &str) -> Option<&str> {
    let skip = last.chars().next()?.len_utf8();
    HEADS
        .iter()
        .filter_map(|h| last[skip..].find(h).map(|i| i + skip))
        .min()
        .map(|i| &last[i..])
        .filter(|s| !s.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn l(s: &str) -> Vec<String> {
        labels(s).unwrap()
    }

    #[test]
    fn subjects_distribute_their_shared_words() {
        assert_eq!(l("收入、支出总计"), ["收入总计", "支出总计"]);
        assert_eq!(l("收、支总计"), ["收入总计", "支出总计"]);
        assert_eq!(l("收支总计"), ["收入总计", "支出总计"]);
        assert_eq!(l("财政拨款收入、支出"), ["财政拨款收入", "财政拨款支出"]);
        assert_eq!(l("基本支出、项目支出"), ["基本支出", "项目支出"]);
        assert_eq!(l("基本、项目支出"), ["基本支出", "项目支出"]);
        assert_eq!(
            l("一般公共预算、政府性基金预算财政拨款支出"),
            ["一般公共预算财政拨款支出", "政府性基金预算财政拨款支出"]
        );
        assert_eq!(l("人员经费、公用经费"), ["人员经费", "公用经费"]);
        assert_eq!(
            l("因公出国(境)费、公务接待费、公务用车购置及运行维护费"),
            ["因公出国(境)费", "公务接待费", "公务用车购置及运行维护费"]
        );
        assert_eq!(l("基本支出和项目支出"), ["基本支出", "项目支出"]);
        assert_eq!(l("人员经费及公用经费"), ["人员经费", "公用经费"]);
        assert_eq!(l("收入和支出总计"), ["收入总计", "支出总计"]);
        assert_eq!(labels("社会保障和就业支出"), None);
        assert_eq!(labels("收入总计"), None);
    }

    #[test]
    fn markers() {
        assert_eq!(
            before_marker("收入、支出总计分别为"),
            Some("收入、支出总计")
        );
        assert_eq!(before_marker("收、支总计各是"), Some("收、支总计"));
        assert_eq!(before_marker("分别"), Some(""));
        assert_eq!(before_marker("收入总计为"), None);
    }
}
