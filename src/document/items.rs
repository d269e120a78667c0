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

/// The endings of a unit's name (局, 办公室, …), in the order they are
/// tried where several end at one place.
#[rustfmt::skip]
const NAME_ENDS: [&str; 18] = [
    "局", "办公室", "委员会", "办事处", "部", "中心", "院", "所", "站", "队", "府", "委", "厅",
    "会", "处", "馆", "校", "室",
];

/// The report unit's full name: the most frequent of the names that the
/// report gives in its set phrases (`预算主管部门：`, `编制部门：`,
/// `…（部门）主要职能`, `第一部分 …概况`, `…本级`).
///
/// A name is 4 to 40 characters of Han script or brackets, then one of
/// [`NAME_ENDS`], the shortest that fits: what the regex
/// `[\p{Han}()]{4,40}?(?:局|办公室|…)` finds. It is found by hand
/// from the phrases' literals, because that regex (a counted repetition of
/// the Han class) took 0.75 ms to build, four times over, on every run.
pub fn unit_name(norm: &str, title: Option<&str>) -> Option<String> {
    let mut counts: HashMap<String, usize> = HashMap::new();
    let mut order: Vec<String> = Vec::new();
    // The title names the unit before the year (a 府 is not a unit here).
    let title = title.map(fold).unwrap_or_default();
    let ends = &NAME_ENDS[..];
    let not_fu: Vec<&str> = ends.iter().copied().filter(|e| *e != "府").collect();
    if let Some(name) = name_at(&title, 0, &not_fu, starts_with_year) {
        order.push(name.to_owned());
        counts.insert(name.to_owned(), 1);
    }
    let introduced = ["预算主管部门:", "编制部门:", "编制单位:", "单位名称:"];
    let names = names_after(norm, &introduced, ends, |_| true)
        .chain(names_after(norm, &["第一部分"], ends, |rest| {
            rest.starts_with("概况") || rest.starts_with("基本情况")
        }))
        .chain(names_before(norm, &["(部门)", "(单位)"], ends))
        .chain(names_before(norm, &["(本级)"], ends));
    for n in names {
        let n = n.to_owned();
        if !order.contains(&n) {
            order.push(n.clone());
        }
        *counts.entry(n).or_default() += 1;
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

/// `[0-9０-９]{4}年` at the start of `s`.
fn starts_with_year(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .by_ref()
        .take(4)
        .filter(|c| c.is_ascii_digit() || ('０'..='９').contains(c))
        .count()
        == 4
        && chars.next() == Some('年')
}

/// Han characters and brackets: what a unit's name is made of.
static RUN: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^[\p{Han}()]*").unwrap());

/// The end of the run of Han characters and brackets that starts at `from`,
/// looked for no further than a name reaches (43 characters).
fn han_run_end(s: &str, from: usize) -> usize {
    let mut cap = (from + 43 * 4).min(s.len());
    while !s.is_char_boundary(cap) {
        cap -= 1;
    }
    from + RUN.find(&s[from..cap]).map_or(0, |m| m.end())
}

/// The name starting at `from`: 4 to 40 characters of the run there, then
/// the first of `ends` that follows, then text for which `then` holds; the
/// shortest such name.
fn name_at<'a>(
    s: &'a str,
    from: usize,
    ends: &[&str],
    then: impl Fn(&str) -> bool,
) -> Option<&'a str> {
    let run = &s[from..han_run_end(s, from)];
    let mut at = run.char_indices().map(|(i, _)| i).chain([run.len()]);
    for b in at.by_ref().skip(4).take(37) {
        for e in ends {
            let end = b + e.len();
            if run[b..].starts_with(e) && then(&s[from + end..]) {
                return Some(&s[from..from + end]);
            }
        }
    }
    None
}

/// The names right after each occurrence of one of `literals`, in order, as
/// a regex `(?:literals)name` finds them one after another.
fn names_after<'a>(
    s: &'a str,
    literals: &'a [&'a str],
    ends: &'a [&'a str],
    then: impl Fn(&str) -> bool + 'a,
) -> impl Iterator<Item = &'a str> + 'a {
    let mut literal_at: Vec<(usize, usize)> = literals
        .iter()
        .flat_map(|l| s.match_indices(l).map(|(p, m)| (p, p + m.len())))
        .collect();
    literal_at.sort_unstable();
    // Where the last match ended: a scan goes on from there.
    let mut done = 0;
    literal_at.into_iter().filter_map(move |(lit_start, from)| {
        if lit_start < done {
            return None;
        }
        let name = name_at(s, from, ends, &then)?;
        done = from + name.len();
        Some(name)
    })
}

/// The names right before each occurrence of one of `literals`, as a regex
/// `name(?:literals)` finds them in a scan of the whole text. The literals
/// are made of Han characters and brackets, as names are, so a match (a
/// name may even hold an earlier literal) lies in one run of them: each run
/// that holds a literal is scanned once, from its start, one match after
/// another.
fn names_before<'a>(s: &'a str, literals: &[&str], ends: &[&str]) -> Vec<&'a str> {
    let mut literal_at: Vec<usize> = literals
        .iter()
        .flat_map(|l| s.match_indices(l).map(|(p, _)| p))
        .collect();
    literal_at.sort_unstable();
    let followed = |rest: &str| literals.iter().any(|l| rest.starts_with(l));
    let in_run = |c: char| {
        RUN.find(c.encode_utf8(&mut [0; 4]))
            .is_some_and(|m| !m.is_empty())
    };
    let mut out = Vec::new();
    // Where the last scanned run ended.
    let mut scanned_to = 0;
    for lit_start in literal_at {
        if lit_start < scanned_to {
            continue;
        }
        let run_start = s[scanned_to..lit_start]
            .char_indices()
            .rev()
            .take_while(|&(_, c)| in_run(c))
            .last()
            .map_or(lit_start, |(i, _)| scanned_to + i);
        let run_end = lit_start + RUN.find(&s[lit_start..]).map_or(0, |m| m.end());
        let mut pos = run_start;
        while pos < run_end {
            let found = s[pos..run_end]
                .char_indices()
                .map(|(i, _)| pos + i)
                .find_map(|i| name_at(s, i, ends, followed).map(|n| (i, n)));
            let Some((i, name)) = found else { break };
            let end = i + name.len();
            let literal = literals.iter().find(|l| s[end..].starts_with(**l));
            out.push(name);
            pos = end + literal.map_or(0, |l| l.len());
        }
        scanned_to = run_end.max(lit_start + 1);
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

    /// The regexes the hand-written search stands for, with the names they
    /// find in a scan of the whole text.
    fn regex_names(pattern: &str, text: &str) -> Vec<String> {
        let name = r"([\p{Han}()]{4,40}?(?:局|办公室|委员会|办事处|部|中心|院|所|站|队|府|委|厅|会|处|馆|校|室))";
        let re = Regex::new(&pattern.replace("{name}", name)).unwrap();
        re.captures_iter(text).map(|c| c[1].to_owned()).collect()
    }

    fn hand_names(which: usize, text: &str) -> Vec<String> {
        let ends = &NAME_ENDS[..];
        let found: Vec<&str> = match which {
            0 => names_after(
                text,
                &["预算主管部门:", "编制部门:", "编制单位:", "单位名称:"],
                ends,
                |_| true,
            )
            .collect(),
            1 => names_after(text, &["第一部分"], ends, |r| {
                r.starts_with("概况") || r.starts_with("基本情况")
            })
            .collect(),
            2 => names_before(text, &["(部门)", "(单位)"], ends),
            _ => names_before(text, &["(本级)"], ends),
        };
        found.into_iter().map(str::to_owned).collect()
    }

    const PATTERNS: [&str; 4] = [
        r"(?:预算主管部门|编制部门|编制单位|单位名称):{name}",
        r"第一部分{name}(?:概况|基本情况)",
        r"{name}\((?:部门|单位)\)",
        r"{name}\(本级\)",
    ];

    /// The hand-written search finds what the regexes find in a scan of
    /// the whole text: on set cases (one name, two, a name at the start,
    /// a Han run longer than a name, names joined by the literal itself)
    /// and on random text made of the pieces names and phrases are made of.
    #[test]
    fn names_agree_with_the_regexes() {
        let long = "甲".repeat(60);
        let set = [
            "概况:上海市普陀区示例局(部门)主要职能".to_owned(),
            "示例局(部门)与示例办公室(单位),另见上海市示例委员会(部门)。".to_owned(),
            format!("{long}上海市普陀区示例局(部门)"),
            format!("编制部门:{long}局"),
            "上海市示例局(部门)上海市示例局(部门)".to_owned(),
            "第一部分上海市示例局概况第一部分上海市示例中心基本情况".to_owned(),
            "编制单位:上海市示例办公室\n预算主管部门:上海市示例局本级".to_owned(),
            "没有单位名称".to_owned(),
            // A run longer than a name: a match may hold an earlier literal.
            format!(",甲乙丙丁局(部门){}办公室(部门)", "乙".repeat(33)),
        ];
        let pieces = [
            "甲",
            "乙",
            "上海市",
            "示例",
            "㐀",
            "局",
            "部",
            "室",
            "办公室",
            "委员会",
            "中心",
            "会",
            "处",
            "府",
            "(",
            ")",
            "(部门)",
            "(单位)",
            "(本级)",
            "编制部门:",
            "单位名称:",
            "第一部分",
            "概况",
            "基本情况",
            "2024年",
            ",",
            "。",
            "a",
            "\n",
        ];
        // A small xorshift: the same strings on every run.
        let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = move |n: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % n as u64) as usize
        };
        // Texts with separators, and long runs without any (names and
        // literals run together, as no report writes them).
        let han_only: Vec<&str> = pieces
            .iter()
            .copied()
            .filter(|p| !p.contains([',', '。', 'a', '\n', ':']) && !p.contains("2024"))
            .collect();
        let random: Vec<String> = (0..4000)
            .map(|n| {
                if n % 4 == 3 {
                    let len = 20 + next(60);
                    (0..len).map(|_| han_only[next(han_only.len())]).collect()
                } else {
                    let len = next(40);
                    (0..len).map(|_| pieces[next(pieces.len())]).collect()
                }
            })
            .collect();
        let mut named = 0;
        for text in set.into_iter().chain(random) {
            for (which, pattern) in PATTERNS.iter().enumerate() {
                let want = regex_names(pattern, &text);
                named += want.len();
                assert_eq!(hand_names(which, &text), want, "{pattern} in {text}");
            }
        }
        // The random text does name units, or the test would show nothing.
        assert!(named > 1000, "only {named} names");
    }

    /// The title's name comes before the year: `^{name}[0-9０-９]{4}年`,
    /// without 府.
    #[test]
    fn name_in_a_title() {
        let ends: Vec<&str> = NAME_ENDS.iter().copied().filter(|e| *e != "府").collect();
        fn title<'a>(t: &'a str, ends: &[&str]) -> Option<&'a str> {
            name_at(t, 0, ends, starts_with_year)
        }
        let title = |t: &'static str| title(t, &ends);
        assert_eq!(
            title("上海市普陀区示例局2024年部门决算"),
            Some("上海市普陀区示例局")
        );
        assert_eq!(
            title("上海市示例办公室２０２４年部门预算"),
            Some("上海市示例办公室")
        );
        assert_eq!(title("上海市示例局202年部门决算"), None);
        assert_eq!(
            title("示例局2024年"),
            None,
            "three characters before the ending"
        );
        assert_eq!(
            title("上海市人民政府2024年"),
            None,
            "府 is not an ending here"
        );
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
