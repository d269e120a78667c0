//! Things the prose states that rules compare with the tables: the
//! 功能分类 items it names, the unit's own name, and what a title says once
//! its numbering, unit name and year are removed (for the table of
//! contents). Parsed here, in the document layer, so that every rule kind
//! reads them the same way.

use super::text::{fold, Normalized};
use super::Document;
use crate::source::Span;
use regex::Regex;
use std::collections::HashMap;
use std::sync::LazyLock;

/// The 功能分类 items the prose names (`…（类）…（款）…（项）`, or
/// `"类-款-项"科目`), from paragraphs and headings, each once, in order.
pub fn prose_items(doc: &Document, text: &str) -> Vec<ProseItem> {
    let mut out = Vec::new();
    let mut take = |n: &Normalized| {
        for it in find_items(&n.text) {
            // `…（类）754.75万元，占7.74%；`: only the amount right after it.
            let limit = (it.names.len() == 1)
                .then(|| n.text[it.end..].find([';', '。', ',']))
                .flatten()
                .map(|p| n.original_offset(it.end + p));
            out.push(ProseItem {
                start: n.original_offset(it.start),
                end: n.original(it.start, it.end).end,
                limit,
                names: it
                    .names
                    .iter()
                    .map(|(s, (a, b))| (s.clone(), n.original(*a, *b)))
                    .collect(),
            });
        }
    };
    for p in &doc.paragraphs {
        take(&p.norm);
    }
    for h in &doc.headings {
        take(&Normalized::from_pieces(text, &[h.span]));
    }
    out.sort_by_key(|i| (i.start, std::cmp::Reverse(i.end)));
    // The same item read from a heading and from a paragraph: once.
    let mut kept: Vec<ProseItem> = Vec::new();
    for it in out {
        if kept.last().is_none_or(|k| it.start >= k.end) {
            kept.push(it);
        }
    }
    kept
}

/// An item found in normalised text: its names with their byte ranges
/// there.
struct Item {
    start: usize,
    end: usize,
    names: Vec<(String, (usize, usize))>,
}

/// A 功能分类 item named in the prose, located in the original text.
#[derive(Debug, Clone)]
pub struct ProseItem {
    pub start: u32,
    pub end: u32,
    /// Where its amounts end, for a 类 named on its own.
    pub limit: Option<u32>,
    /// The 类, 款, 项 names as written (folded) and where each is.
    pub names: Vec<(String, Span)>,
}

impl ProseItem {
    /// `类-款-项`.
    pub fn path(&self) -> String {
        self.names
            .iter()
            .map(|n| n.0.as_str())
            .collect::<Vec<_>>()
            .join("-")
    }
}

/// `社会保障和就业支出（类）行政事业单位养老支出（款）行政单位离退休（项）`
/// and `"一般公共服务支出-政府办公厅(室)及相关机构事务-行政运行"科目`.
fn find_items(norm: &str) -> Vec<Item> {
    static LEVELS: LazyLock<Regex> = LazyLock::new(|| {
        let name = r"((?:[^。;,:\x22()]|\([^类款项()]{1,3}\))+?)";
        Regex::new(&format!(r"{name}\(类\){name}\(款\){name}\(项\)")).unwrap()
    });
    static DASHED: LazyLock<Regex> = LazyLock::new(|| {
        let name = r"((?:[^。;,:\x22\-()]|\([^()]{1,3}\))+?)";
        Regex::new(&format!(r#""{name}-{name}-{name}"科目"#)).unwrap()
    });
    static CLASS: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"((?:[^。;,:\x22()]|\([^类款项()]{1,3}\))+?)\(类\)").unwrap());
    let mut out = Vec::new();
    for re in [&*LEVELS, &*DASHED, &*CLASS] {
        for c in re.captures_iter(norm) {
            // A 类 on its own is an item when its amount follows.
            if std::ptr::eq(re, &*CLASS)
                && !norm[c.get(0).unwrap().end()..].starts_with(|ch: char| ch.is_ascii_digit())
            {
                continue;
            }
            let names: Vec<(String, (usize, usize))> = (1..=3)
                .filter_map(|i| c.get(i))
                .map(|m| {
                    // A list number or quote before the 类 name is not part of it.
                    let s = m.as_str();
                    let trimmed = s
                        .trim_start_matches(|ch: char| {
                            ch.is_ascii_digit() || "、.)(\"".contains(ch)
                        })
                        .trim_start_matches("其中")
                        .to_owned();
                    let off = s.len() - trimmed.len();
                    (trimmed, (m.start() + off, m.end()))
                })
                .collect();
            if names.iter().any(|n| n.0.is_empty()) {
                continue;
            }
            let m = c.get(0).unwrap();
            out.push(Item {
                start: m.start(),
                end: m.end(),
                names,
            });
        }
    }
    out.sort_by_key(|i| i.start);
    out
}

/// The report unit's full name: the most frequent of the names that the
/// report gives in its set phrases (`预算主管部门：`, `编制部门：`,
/// `…（部门）主要职能`, `第一部分 …概况`, `…本级`).
pub fn unit_name(norm: &str, title: Option<&str>) -> Option<String> {
    // The literals that end the anchors starting with the name (the other
    // two start with a literal, which the regex engine finds fast itself).
    const ANCHOR_SUFFIXES: [&[&str]; 4] = [&[], &[], &["(部门)", "(单位)"], &["(本级)"]];
    static ANCHORS: LazyLock<Vec<Regex>> = LazyLock::new(|| {
        let name = r"([\p{Han}()]{4,40}?(?:局|办公室|委员会|办事处|部|中心|院|所|站|队|府|委|厅|会|处|馆|校|室))";
        [
            format!(r"(?:预算主管部门|编制部门|编制单位|单位名称):{name}"),
            format!(r"第一部分{name}(?:概况|基本情况)"),
            format!(r"{name}\((?:部门|单位)\)"),
            format!(r"{name}\(本级\)"),
        ]
        .iter()
        .map(|p| Regex::new(p).unwrap())
        .collect()
    });
    static TITLE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"^([\p{Han}()]{4,40}?(?:局|办公室|委员会|办事处|部|中心|院|所|站|队|委|厅|会|处|馆|校|室))[0-9０-９]{4}年").unwrap()
    });
    let mut counts: HashMap<String, usize> = HashMap::new();
    let mut order: Vec<String> = Vec::new();
    // The title names the unit before the year.
    let title = title.map(fold).unwrap_or_default();
    if let Some(c) = TITLE.captures(&title) {
        order.push(c[1].to_owned());
        counts.insert(c[1].to_owned(), 1);
    }
    for (re, after) in ANCHORS.iter().zip(ANCHOR_SUFFIXES) {
        let names: Vec<String> = if after.is_empty() {
            re.captures_iter(norm).map(|c| c[1].to_owned()).collect()
        } else {
            names_before(re, norm, after)
        };
        for n in names {
            if !order.contains(&n) {
                order.push(n.clone());
            }
            *counts.entry(n).or_default() += 1;
        }
    }
    // The most frequent; the first on ties.
    let n = order.len();
    order
        .into_iter()
        .enumerate()
        .max_by_key(|(i, name)| (counts[name], n - i))
        .map(|(_, name)| name)
        .filter(|name| name.chars().count() >= 5)
}

/// The names an anchor `{name}<literal>` captures, found from the literals:
/// the name is at most 41 characters, so the regex runs on that window before
/// each literal only, and a match counts when it ends with the literal. A
/// scan of the whole text with a leading `[\p{Han}()]{4,40}?` was 0.5 ms of
/// every report.
fn names_before(re: &Regex, norm: &str, literals: &[&str]) -> Vec<String> {
    let mut ends: Vec<usize> = literals
        .iter()
        .flat_map(|l| norm.match_indices(l).map(|(p, m)| p + m.len()))
        .collect();
    ends.sort_unstable();
    let mut out = Vec::new();
    for end in ends {
        let lit_start = literals
            .iter()
            .find(|l| norm[..end].ends_with(**l))
            .map_or(end, |l| end - l.len());
        let start = norm[..lit_start]
            .char_indices()
            .rev()
            .nth(40)
            .map_or(0, |(i, _)| i);
        let window = &norm[start..end];
        out.extend(
            re.captures_iter(window)
                .filter(|c| c.get(0).is_some_and(|m| m.end() == window.len()))
                .map(|c| c[1].to_owned()),
        );
    }
    out
}

/// What a title says once numbering, unit names, years, part numbers and
/// punctuation are removed: `第二部分 上海市…局 2024 年度部门决算表` → `部门决算表`.
pub fn toc_core(s: &str) -> String {
    static NOISE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"^(?:第[一二三四五六七八九十]+部分|[一二三四五六七八九十]+[、.]|\(?[一二三四五六七八九十0-9０-９]+\)|[0-9０-９]+[.、])*").unwrap()
    });
    static ORG: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
            r"^[\p{Han}()]*?(?:局|办公室|委员会|办事处|工作部|部|中心)(?:\(部门\)|\(单位\))?",
        )
        .unwrap()
    });
    static YEAR: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"[0-9０-９]{2,4}年度?").unwrap());
    let f = fold(s);
    let f = NOISE.replace(&f, "");
    let f = YEAR.replace_all(&f, "");
    // The template's `部门` stands for the unit's name in the body.
    let f = f.trim_start_matches("部门").trim_start_matches("单位");
    let f: String = f
        .chars()
        .filter(|c| !"\"'《》<>:;,.、…·".contains(*c))
        .collect();
    // A leading unit name, when something remains after it.
    match ORG.find(&f) {
        Some(m) if m.end() < f.len() && f[m.end()..].chars().count() >= 2 => {
            f[m.end()..].to_owned()
        }
        _ => f,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The windowed search finds what a scan of the whole text finds: one
    /// name, two, a name right at the start, a Han run longer than a name,
    /// and names joined by the literal itself.
    #[test]
    fn names_before_agrees_with_a_whole_scan() {
        let re = Regex::new(
            r"([\p{Han}()]{4,40}?(?:局|办公室|委员会|办事处|部|中心|院|所|站|队|府|委|厅|会|处|馆|校|室))\((?:部门|单位)\)",
        )
        .unwrap();
        let long = "甲".repeat(60);
        for text in [
            "概况:上海市普陀区示例局(部门)主要职能",
            "示例局(部门)与示例办公室(单位),另见上海市示例委员会(部门)。",
            &format!("{long}上海市普陀区示例局(部门)"),
            "上海市示例局(部门)上海市示例局(部门)",
            "没有单位名称",
        ] {
            let whole: Vec<String> = re.captures_iter(text).map(|c| c[1].to_owned()).collect();
            assert_eq!(
                names_before(&re, text, &["(部门)", "(单位)"]),
                whole,
                "{text}"
            );
        }
    }

    #[test]
    fn items_in_prose() {
        let n = fold(
            "1、社会保障和就业支出（类）行政事业单位养老支出（款）行政单位离退休（项）。主要用于",
        );
        let items = find_items(&n);
        assert_eq!(items.len(), 1);
        let names: Vec<&str> = items[0].names.iter().map(|n| n.0.as_str()).collect();
        assert_eq!(
            names,
            [
                "社会保障和就业支出",
                "行政事业单位养老支出",
                "行政单位离退休"
            ]
        );
        let n = fold("“一般公共服务支出-政府办公厅（室）及相关机构事务-行政运行”科目1,202.95万元");
        let items = find_items(&n);
        assert_eq!(items.len(), 1);
        assert_eq!(items[0].names[1].0, "政府办公厅(室)及相关机构事务");
    }

    #[test]
    fn toc_cores() {
        assert_eq!(
            toc_core("第二部分上海市普陀区城建和交通局2024年度部门决算表"),
            "部门决算表"
        );
        assert_eq!(toc_core("一、收入支出决算总表"), "收入支出决算总表");
    }
}
