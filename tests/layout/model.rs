//! The standard tables of each form with consistent figures: every identity
//! the form defines holds (类 = Σ 款 = Σ 项, 合计 = Σ 类, a row's total = Σ its
//! parts, the 收支总表's totals = Σ their numbered items, two-sided 总计
//! equal). Figures are whole hundredths of 万元 (`i64`), so the sums are
//! exact in 万元 and in 元.

use super::rng::Rng;
use gouji::document::table::StandardTable;

/// The three forms of report (DOMAIN.md, FORMS.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    /// 部门决算: nine tables.
    Final,
    /// 部门预算: nine tables.
    Dept,
    /// 单位预算: the same nine, titled for the unit.
    Unit,
}

impl Form {
    pub const ALL: [Form; 3] = [Form::Final, Form::Dept, Form::Unit];

    pub fn tables(self) -> &'static [StandardTable] {
        use StandardTable::*;
        match self {
            Form::Final => &[
                IncomeExpenditureTotal,
                Income,
                Expenditure,
                FiscalIncomeExpenditureTotal,
                GeneralPublicExpenditure,
                GeneralPublicBasicExpenditure,
                ThreeCosts,
                GovFund,
                StateCapital,
            ],
            Form::Dept | Form::Unit => &[
                BudgetFinanceTotal,
                BudgetIncome,
                BudgetExpenditure,
                BudgetFiscalTotal,
                BudgetGeneralPublicFunctional,
                BudgetGovFundFunctional,
                BudgetStateCapitalFunctional,
                BudgetBasicEconomic,
                BudgetThreeCosts,
            ],
        }
    }

    /// The title as the form prints it (year, unit or department).
    pub fn title(self, kind: StandardTable, rng: &mut Rng) -> String {
        let name = kind.name();
        match self {
            Form::Final => {
                let pre = ["", "2024年度", "2024年度部门", "表一 "];
                format!("{}{name}", rng.pick(&pre))
            }
            Form::Dept => format!("2024年{name}"),
            Form::Unit => {
                let rest = name.trim_start_matches("部门");
                if kind == StandardTable::BudgetThreeCosts {
                    format!("2025年单位{rest}")
                } else {
                    format!("2025年预算单位{rest}")
                }
            }
        }
    }
}

/// A value column: its header path as the parser names it (the schema's
/// path) and the header pieces printed top to leaf.
#[derive(Debug, Clone)]
pub struct Col {
    pub path: &'static str,
    pub head: Vec<&'static str>,
}

/// One row of a side: code (digits), label, and per column the figure
/// (`None`: the form leaves the cell empty).
#[derive(Debug, Clone)]
pub struct GRow {
    pub code: Option<String>,
    pub label: String,
    pub cells: Vec<Option<i64>>,
}

#[derive(Debug, Clone)]
pub struct Side {
    /// The side's name as the parser names it (`收入`, `人员经费` …).
    pub name: Option<&'static str>,
    /// The side's name printed above its columns (None: not printed).
    pub banner: Option<&'static str>,
    pub code_head: Option<&'static str>,
    /// None: no label column (the 三公 tables).
    pub label_head: Option<&'static str>,
    pub cols: Vec<Col>,
    pub rows: Vec<GRow>,
}

#[derive(Debug, Clone)]
pub struct GTable {
    pub form: Form,
    pub title: String,
    pub sides: Vec<Side>,
    /// Codes of the coded tables printed split in 类/款/项 columns
    /// (`201   03   01`), as the 预算 forms do.
    pub split_codes: bool,
}

/// A node of a classification: code, name.
type Node = (&'static str, &'static str);
/// A 类 with its 款, each with its 项.
type Class = (Node, &'static [(Node, &'static [Node])]);

/// 功能分类: 类 → 款 → 项 (codes and names of the national classification).
const FUNCTIONAL: &[Class] = &[
    (
        ("201", "一般公共服务支出"),
        &[
            (
                ("20101", "人大事务"),
                &[("2010101", "行政运行"), ("2010102", "一般行政管理事务")],
            ),
            (
                ("20103", "政府办公厅（室）及相关机构事务"),
                &[
                    ("2010301", "行政运行"),
                    ("2010302", "一般行政管理事务"),
                    ("2010350", "事业运行"),
                    ("2010399", "其他政府办公厅（室）及相关机构事务支出"),
                ],
            ),
        ],
    ),
    (
        ("208", "社会保障和就业支出"),
        &[(
            ("20805", "行政事业单位养老支出"),
            &[
                ("2080501", "行政单位离退休"),
                ("2080505", "机关事业单位基本养老保险缴费支出"),
                ("2080506", "机关事业单位职业年金缴费支出"),
            ],
        )],
    ),
    (
        ("210", "卫生健康支出"),
        &[(
            ("21011", "行政事业单位医疗"),
            &[("2101101", "行政单位医疗"), ("2101102", "事业单位医疗")],
        )],
    ),
    (
        ("212", "城乡社区支出"),
        &[(
            ("21201", "城乡社区管理事务"),
            &[("2120101", "行政运行"), ("2120104", "城管执法")],
        )],
    ),
    (
        ("221", "住房保障支出"),
        &[(
            ("22102", "住房改革支出"),
            &[("2210201", "住房公积金"), ("2210203", "购房补贴")],
        )],
    ),
];

/// 政府性基金 / 国有资本经营 预算支出 classes.
const FUND: &[Class] = &[
    (
        ("212", "城乡社区支出"),
        &[(
            ("21208", "国有土地使用权出让收入安排的支出"),
            &[
                ("2120801", "征地和拆迁补偿支出"),
                ("2120803", "城市建设支出"),
            ],
        )],
    ),
    (
        ("223", "国有资本经营预算支出"),
        &[(
            ("22301", "解决历史遗留问题及改革成本支出"),
            &[("2230105", "国有企业退休人员社会化管理补助支出")],
        )],
    ),
    (
        ("229", "其他支出"),
        &[(
            ("22960", "彩票公益金安排的支出"),
            &[("2296002", "用于社会福利的彩票公益金支出")],
        )],
    ),
];

/// 经济分类 (基本支出): 类 → 款; `true`: 人员经费 (301, 303), else 公用经费.
const ECONOMIC: &[(Node, bool, &[Node])] = &[
    (
        ("301", "工资福利支出"),
        true,
        &[
            ("30101", "基本工资"),
            ("30102", "津贴补贴"),
            ("30103", "奖金"),
            ("30108", "机关事业单位基本养老保险缴费"),
            ("30113", "住房公积金"),
        ],
    ),
    (
        ("302", "商品和服务支出"),
        false,
        &[
            ("30201", "办公费"),
            ("30205", "水费"),
            ("30211", "差旅费"),
            ("30217", "公务接待费"),
            ("30228", "工会经费"),
        ],
    ),
    (
        ("303", "对个人和家庭的补助"),
        true,
        &[("30302", "退休费"), ("30305", "生活补助")],
    ),
    (("310", "资本性支出"), false, &[("31002", "办公设备购置")]),
];

/// A random non-empty ordered subset of `items` (at most `max`).
fn subset<T: Copy>(rng: &mut Rng, items: &[T], max: usize) -> Vec<T> {
    loop {
        let v: Vec<T> = items.iter().copied().filter(|_| rng.chance(60)).collect();
        if !v.is_empty() {
            return v.into_iter().take(max).collect();
        }
    }
}

/// A figure in hundredths of 万元: mostly thousands of 元 to millions.
fn amount(rng: &mut Rng) -> i64 {
    match rng.below(10) {
        0 => rng.below(100) as i64,
        1..=5 => 100 + rng.below(99_900) as i64,
        _ => 100_000 + rng.below(9_900_000) as i64,
    }
}

/// Either an amount or (often) zero.
fn maybe(rng: &mut Rng, pct: u32) -> i64 {
    if rng.chance(pct) {
        amount(rng)
    } else {
        0
    }
}

/// A coded tree's rows (parents first, then their children), each leaf's
/// cells from `leaf`, every parent the sum of its children.
fn coded_rows(
    rng: &mut Rng,
    tree: &'static [Class],
    ncols: usize,
    mut leaf: impl FnMut(&mut Rng) -> Vec<i64>,
) -> (Vec<GRow>, Vec<i64>) {
    let mut rows = Vec::new();
    let mut total = vec![0i64; ncols];
    let add = |a: &mut Vec<i64>, b: &[i64]| a.iter_mut().zip(b).for_each(|(x, y)| *x += y);
    for (class, kuans) in subset(rng, tree, 4) {
        let ci = rows.len();
        rows.push(row(Some(class.0), class.1, vec![0; ncols]));
        let mut csum = vec![0i64; ncols];
        for (kuan, xiangs) in subset(rng, kuans, 2) {
            let ki = rows.len();
            rows.push(row(Some(kuan.0), kuan.1, vec![0; ncols]));
            let mut ksum = vec![0i64; ncols];
            for x in subset(rng, xiangs, 3) {
                let v = leaf(rng);
                add(&mut ksum, &v);
                rows.push(row(Some(x.0), x.1, v));
            }
            add(&mut csum, &ksum);
            rows[ki].cells = ksum.into_iter().map(Some).collect();
        }
        add(&mut total, &csum);
        rows[ci].cells = csum.into_iter().map(Some).collect();
    }
    (rows, total)
}

fn row(code: Option<&str>, label: &str, cells: Vec<i64>) -> GRow {
    GRow {
        code: code.map(str::to_owned),
        label: label.to_owned(),
        cells: cells.into_iter().map(Some).collect(),
    }
}

fn blank_row(label: &str, ncols: usize) -> GRow {
    GRow {
        code: None,
        label: label.to_owned(),
        cells: vec![None; ncols],
    }
}

fn cols(group: Option<&'static str>, leaves: &[(&'static str, &'static str)]) -> Vec<Col> {
    leaves
        .iter()
        .map(|&(path, leaf)| Col {
            path,
            head: group.into_iter().chain([leaf]).collect(),
        })
        .collect()
}

/// A one-sided coded table: 合计 first or last, then the tree.
fn coded_table(
    rng: &mut Rng,
    tree: &'static [Class],
    code_head: &'static str,
    label_head: &'static str,
    cols: Vec<Col>,
    leaf: impl FnMut(&mut Rng) -> Vec<i64>,
) -> Vec<Side> {
    let n = cols.len();
    let (mut rows, total) = coded_rows(rng, tree, n, leaf);
    let t = row(None, "合计", total);
    if rng.chance(50) {
        rows.insert(0, t);
    } else {
        rows.push(t);
    }
    vec![Side {
        name: None,
        banner: None,
        code_head: Some(code_head),
        label_head: Some(label_head),
        cols,
        rows,
    }]
}

/// `total, parts…` with total = Σ parts, parts from `f`.
fn with_total(parts: Vec<i64>) -> Vec<i64> {
    let mut v = vec![parts.iter().sum()];
    v.extend(parts);
    v
}

/// The 类 rows of the 功能分类 as a numbered list (一、… 二、…) with their
/// amounts, for the 收支总表.
fn numbered_classes(
    rng: &mut Rng,
    ncols: usize,
    mut leaf: impl FnMut(&mut Rng) -> Vec<i64>,
) -> Vec<GRow> {
    subset(rng, FUNCTIONAL, 4)
        .into_iter()
        .enumerate()
        .map(|(i, (class, _))| {
            let v = leaf(rng);
            assert_eq!(v.len(), ncols);
            row(None, &format!("{}、{}", NUMERALS[i], class.1), v)
        })
        .collect()
}

pub const NUMERALS: [&str; 10] = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"];

/// Build the standard table `kind` of `form` with consistent figures.
pub fn build(form: Form, kind: StandardTable, rng: &mut Rng) -> GTable {
    use StandardTable::*;
    let title = form.title(kind, rng);
    let mut split_codes = false;
    let budget = form != Form::Final;
    let code_head = if budget {
        "功能分类科目编码"
    } else {
        "科目编码"
    };
    let label_head = if budget {
        "功能分类科目名称"
    } else {
        "科目名称"
    };
    let sides = match kind {
        Income => coded_table(
            rng,
            FUNCTIONAL,
            code_head,
            label_head,
            cols(
                None,
                &[
                    ("本年收入合计", "本年收入合计"),
                    ("财政拨款收入", "财政拨款收入"),
                    ("上级补助收入", "上级补助收入"),
                    ("事业收入", "事业收入"),
                    ("经营收入", "经营收入"),
                    ("附属单位上缴收入", "附属单位上缴收入"),
                    ("其他收入", "其他收入"),
                ],
            ),
            |r| {
                with_total(vec![
                    amount(r),
                    maybe(r, 15),
                    maybe(r, 15),
                    maybe(r, 10),
                    maybe(r, 10),
                    maybe(r, 25),
                ])
            },
        ),
        Expenditure => coded_table(
            rng,
            FUNCTIONAL,
            code_head,
            label_head,
            cols(
                None,
                &[
                    ("本年支出合计", "本年支出合计"),
                    ("基本支出", "基本支出"),
                    ("项目支出", "项目支出"),
                    ("上缴上级支出", "上缴上级支出"),
                    ("经营支出", "经营支出"),
                    ("对附属单位补助支出", "对附属单位补助支出"),
                ],
            ),
            |r| {
                with_total(vec![
                    maybe(r, 80),
                    maybe(r, 60),
                    maybe(r, 10),
                    maybe(r, 10),
                    maybe(r, 10),
                ])
            },
        ),
        GeneralPublicExpenditure => coded_table(
            rng,
            FUNCTIONAL,
            code_head,
            label_head,
            cols(
                None,
                &[
                    ("合计", "合计"),
                    ("基本支出", "基本支出"),
                    ("项目支出", "项目支出"),
                ],
            ),
            |r| with_total(vec![maybe(r, 80), maybe(r, 60)]),
        ),
        GovFund | StateCapital => {
            let mut c = cols(
                None,
                &[
                    ("年初结转和结余", "年初结转和结余"),
                    ("本年收入", "本年收入"),
                ],
            );
            c.extend(cols(
                Some("本年支出"),
                &[
                    ("本年支出/合计", "合计"),
                    ("本年支出/基本支出", "基本支出"),
                    ("本年支出/项目支出", "项目支出"),
                ],
            ));
            c.extend(cols(None, &[("年末结转和结余", "年末结转和结余")]));
            coded_table(rng, FUND, code_head, label_head, c, |r| {
                let (first, basic, project, last) =
                    (maybe(r, 40), maybe(r, 30), amount(r), maybe(r, 40));
                let spent = basic + project;
                let income = (spent + last - first).max(0);
                let last = first + income - spent;
                vec![first, income, spent, basic, project, last]
            })
        }
        BudgetIncome => {
            split_codes = true;
            coded_table(
                rng,
                FUNCTIONAL,
                code_head,
                label_head,
                cols(
                    Some("收入预算"),
                    &[
                        ("收入预算/合计", "合计"),
                        ("收入预算/财政拨款收入", "财政拨款收入"),
                        ("收入预算/事业收入", "事业收入"),
                        ("收入预算/事业单位经营收入", "事业单位经营收入"),
                        ("收入预算/其他收入", "其他收入"),
                    ],
                ),
                |r| with_total(vec![amount(r), maybe(r, 15), maybe(r, 10), maybe(r, 20)]),
            )
        }
        BudgetExpenditure
        | BudgetGeneralPublicFunctional
        | BudgetGovFundFunctional
        | BudgetStateCapitalFunctional => {
            split_codes = true;
            let (group, tree): (&'static str, _) = match kind {
                BudgetExpenditure => ("支出预算", FUNCTIONAL),
                BudgetGeneralPublicFunctional => ("一般公共预算支出", FUNCTIONAL),
                BudgetGovFundFunctional => ("政府性基金预算支出", FUND),
                _ => ("国有资本经营预算支出", FUND),
            };
            let paths: [&'static str; 3] = match kind {
                BudgetExpenditure => ["支出预算/合计", "支出预算/基本支出", "支出预算/项目支出"],
                BudgetGeneralPublicFunctional => [
                    "一般公共预算支出/合计",
                    "一般公共预算支出/基本支出",
                    "一般公共预算支出/项目支出",
                ],
                BudgetGovFundFunctional => [
                    "政府性基金预算支出/合计",
                    "政府性基金预算支出/基本支出",
                    "政府性基金预算支出/项目支出",
                ],
                _ => [
                    "国有资本经营预算支出/合计",
                    "国有资本经营预算支出/基本支出",
                    "国有资本经营预算支出/项目支出",
                ],
            };
            coded_table(
                rng,
                tree,
                code_head,
                label_head,
                cols(
                    Some(group),
                    &[
                        (paths[0], "合计"),
                        (paths[1], "基本支出"),
                        (paths[2], "项目支出"),
                    ],
                ),
                |r| with_total(vec![maybe(r, 70), maybe(r, 70)]),
            )
        }
        BudgetBasicEconomic => {
            split_codes = true;
            let c = cols(
                Some("一般公共预算基本支出"),
                &[
                    ("一般公共预算基本支出/合计", "合计"),
                    ("一般公共预算基本支出/人员经费", "人员经费"),
                    ("一般公共预算基本支出/公用经费", "公用经费"),
                ],
            );
            let mut rows = Vec::new();
            let mut total = vec![0i64; 3];
            for (class, personal, kuans) in subset(rng, ECONOMIC, 4) {
                let ci = rows.len();
                rows.push(row(Some(class.0), class.1, vec![]));
                let mut csum = vec![0i64; 3];
                for k in subset(rng, kuans, 4) {
                    let a = amount(rng);
                    let v = if personal {
                        vec![a, a, 0]
                    } else {
                        vec![a, 0, a]
                    };
                    csum.iter_mut().zip(&v).for_each(|(x, y)| *x += y);
                    rows.push(row(Some(k.0), k.1, v));
                }
                total.iter_mut().zip(&csum).for_each(|(x, y)| *x += y);
                rows[ci].cells = csum.into_iter().map(Some).collect();
            }
            let t = row(None, "合计", total);
            if rng.chance(50) {
                rows.insert(0, t);
            } else {
                rows.push(t);
            }
            vec![Side {
                name: None,
                banner: None,
                code_head: Some("部门预算经济分类科目"),
                label_head: Some("科目名称"),
                cols: c,
                rows,
            }]
        }
        GeneralPublicBasicExpenditure => {
            let mut sides = Vec::new();
            for (name, personal) in [("人员经费", true), ("公用经费", false)] {
                let mut rows = Vec::new();
                let mut total = 0;
                let classes: Vec<_> = ECONOMIC.iter().filter(|e| e.1 == personal).collect();
                for &&(class, _, kuans) in &classes {
                    let ci = rows.len();
                    rows.push(row(Some(class.0), class.1, vec![]));
                    let mut csum = 0;
                    for k in subset(rng, kuans, 4) {
                        let a = amount(rng);
                        csum += a;
                        rows.push(row(Some(k.0), k.1, vec![a]));
                    }
                    total += csum;
                    rows[ci].cells = vec![Some(csum)];
                }
                rows.push(row(None, &format!("{name}合计"), vec![total]));
                sides.push(Side {
                    name: Some(name),
                    banner: None,
                    code_head: Some("科目编码"),
                    label_head: Some("科目名称"),
                    cols: vec![Col {
                        path: if personal {
                            "人员经费/决算数"
                        } else {
                            "公用经费/决算数"
                        },
                        head: vec!["决算数"],
                    }],
                    rows,
                });
            }
            sides
        }
        IncomeExpenditureTotal => {
            let fiscal = amount(rng) * 10;
            let other = [maybe(rng, 15), maybe(rng, 15), maybe(rng, 20)];
            let income = fiscal + other.iter().sum::<i64>();
            let start = maybe(rng, 50);
            let end = maybe(rng, 50).min(income + start);
            let spend = income + start - end;
            let mut left = vec![
                row(None, "一、一般公共预算财政拨款收入", vec![fiscal]),
                blank_row("二、政府性基金预算财政拨款收入", 1),
                blank_row("三、国有资本经营预算财政拨款收入", 1),
                blank_row("四、上级补助收入", 1),
                row(None, "五、事业收入", vec![other[0]]),
                row(None, "六、经营收入", vec![other[1]]),
                blank_row("七、附属单位上缴收入", 1),
                row(None, "八、其他收入", vec![other[2]]),
                row(None, "本年收入合计", vec![income]),
                blank_row("使用非财政拨款结余", 1),
                row(None, "年初结转和结余", vec![start]),
            ];
            left.push(row(None, "总计", vec![income + start]));
            let mut right = split_numbered(rng, spend);
            right.push(row(None, "本年支出合计", vec![spend]));
            right.push(blank_row("结余分配", 1));
            right.push(row(None, "年末结转和结余", vec![end]));
            right.push(row(None, "总计", vec![spend + end]));
            two_sided(
                ("收入", "收入/决算数", "决算数", left),
                ("支出", right, cols(None, &[("支出/决算数", "决算数")])),
            )
        }
        FiscalIncomeExpenditureTotal => {
            let gp = amount(rng) * 10;
            let gf = maybe(rng, 20);
            let start = maybe(rng, 40);
            let income = gp + gf;
            // 年末 from the general budget only; every class spends both.
            let end = maybe(rng, 40).min(gp + start);
            let spend_gp = gp + start - end;
            let gp_parts = split(rng, spend_gp, 4);
            let gf_parts = split_n(rng, gf, gp_parts.len());
            let mut right: Vec<GRow> = FUNCTIONAL
                .iter()
                .zip(gp_parts.iter().zip(&gf_parts))
                .enumerate()
                .map(|(i, ((class, _), (&a, &b)))| GRow {
                    code: None,
                    label: format!("{}、{}", NUMERALS[i], class.1),
                    cells: vec![
                        Some(a + b),
                        Some(a),
                        if b == 0 { None } else { Some(b) },
                        None,
                    ],
                })
                .collect();
            right.push(GRow {
                code: None,
                label: "本年支出合计".into(),
                cells: vec![Some(spend_gp + gf), Some(spend_gp), Some(gf), Some(0)],
            });
            right.push(GRow {
                code: None,
                label: "年末财政拨款结转和结余".into(),
                cells: vec![Some(end), Some(end), Some(0), Some(0)],
            });
            right.push(GRow {
                code: None,
                label: "总计".into(),
                cells: vec![
                    Some(spend_gp + gf + end),
                    Some(spend_gp + end),
                    Some(gf),
                    Some(0),
                ],
            });
            let left = vec![
                row(None, "一、一般公共预算财政拨款", vec![gp]),
                row(None, "二、政府性基金预算财政拨款", vec![gf]),
                blank_row("三、国有资本经营预算财政拨款", 1),
                row(None, "本年收入合计", vec![income]),
                row(None, "年初财政拨款结转和结余", vec![start]),
                row(None, "总计", vec![income + start]),
            ];
            two_sided(
                ("收入", "收入/决算数", "决算数", left),
                (
                    "支出",
                    right,
                    cols(
                        None,
                        &[
                            ("支出/合计", "合计"),
                            ("支出/一般公共预算财政拨款", "一般公共预算财政拨款"),
                            ("支出/政府性基金预算财政拨款", "政府性基金预算财政拨款"),
                            ("支出/国有资本经营预算财政拨款", "国有资本经营预算财政拨款"),
                        ],
                    ),
                ),
            )
        }
        BudgetFinanceTotal => {
            let gp = amount(rng) * 10;
            let gf = maybe(rng, 20);
            let sc = maybe(rng, 10);
            let other = [maybe(rng, 15), maybe(rng, 10), maybe(rng, 15)];
            let fiscal = gp + gf + sc;
            let total = fiscal + other.iter().sum::<i64>();
            let left = vec![
                row(None, "一、财政拨款收入", vec![fiscal]),
                row(None, "1. 一般公共预算资金", vec![gp]),
                row(None, "2. 政府性基金", vec![gf]),
                row(None, "3. 国有资本经营预算", vec![sc]),
                row(None, "二、事业收入", vec![other[0]]),
                row(None, "三、事业单位经营收入", vec![other[1]]),
                row(None, "四、其他收入", vec![other[2]]),
                row(None, "收入总计", vec![total]),
            ];
            let mut right = split_numbered(rng, total);
            right.push(row(None, "支出总计", vec![total]));
            two_sided(
                ("本年收入", "本年收入/预算数", "预算数", left),
                (
                    "本年支出",
                    right,
                    cols(None, &[("本年支出/预算数", "预算数")]),
                ),
            )
        }
        BudgetFiscalTotal => {
            let gp = amount(rng) * 10;
            let gf = maybe(rng, 25);
            let gp_parts = split(rng, gp, 4);
            let gf_parts = split_n(rng, gf, gp_parts.len());
            let mut right: Vec<GRow> = FUNCTIONAL
                .iter()
                .zip(gp_parts.iter().zip(&gf_parts))
                .enumerate()
                .map(|(i, ((class, _), (&a, &b)))| GRow {
                    code: None,
                    label: format!("{}、{}", NUMERALS[i], class.1),
                    cells: vec![
                        Some(a + b),
                        Some(a),
                        if b == 0 { None } else { Some(b) },
                        None,
                    ],
                })
                .collect();
            right.push(GRow {
                code: None,
                label: "支出总计".into(),
                cells: vec![Some(gp + gf), Some(gp), Some(gf), None],
            });
            let left = vec![
                row(None, "一、一般公共预算资金", vec![gp]),
                row(None, "二、政府性基金", vec![gf]),
                blank_row("三、国有资本经营预算", 1),
                row(None, "收入总计", vec![gp + gf]),
            ];
            two_sided(
                ("财政拨款收入", "财政拨款收入/预算数", "预算数", left),
                (
                    "财政拨款支出",
                    right,
                    cols(
                        None,
                        &[
                            ("财政拨款支出/合计", "合计"),
                            ("财政拨款支出/一般公共预算", "一般公共预算"),
                            ("财政拨款支出/政府性基金预算", "政府性基金预算"),
                            ("财政拨款支出/国有资本经营预算", "国有资本经营预算"),
                        ],
                    ),
                ),
            )
        }
        ThreeCosts => {
            let mut v = Vec::new();
            for _ in 0..2 {
                // 预算数 then 决算数 of: 出国, 购置, 运行, 接待
                v.push([
                    maybe(rng, 30),
                    maybe(rng, 30),
                    maybe(rng, 60),
                    maybe(rng, 80),
                ]);
            }
            let cell = |k: usize, i: usize| v[k][i];
            let car = |k: usize| cell(k, 1) + cell(k, 2);
            let total = |k: usize| cell(k, 0) + car(k) + cell(k, 3);
            let mut cells = Vec::new();
            for f in [
                &total as &dyn Fn(usize) -> i64,
                &|k| cell(k, 0),
                &car,
                &|k| cell(k, 1),
                &|k| cell(k, 2),
                &|k| cell(k, 3),
            ] {
                cells.push(Some(f(0)));
                cells.push(Some(f(1)));
            }
            let g = |path: &'static str, head: Vec<&'static str>| Col { path, head };
            let cols = vec![
                g("合计/预算数", vec!["合计", "预算数"]),
                g("合计/决算数", vec!["合计", "决算数"]),
                g(
                    "因公出国（境）费/预算数",
                    vec!["因公出国（境）费", "预算数"],
                ),
                g(
                    "因公出国（境）费/决算数",
                    vec!["因公出国（境）费", "决算数"],
                ),
                g(
                    "公务用车购置及运行维护费/小计/预算数",
                    vec!["公务用车购置及运行维护费", "小计", "预算数"],
                ),
                g(
                    "公务用车购置及运行维护费/小计/决算数",
                    vec!["公务用车购置及运行维护费", "小计", "决算数"],
                ),
                g(
                    "公务用车购置及运行维护费/公务用车购置费/预算数",
                    vec!["公务用车购置及运行维护费", "公务用车购置费", "预算数"],
                ),
                g(
                    "公务用车购置及运行维护费/公务用车购置费/决算数",
                    vec!["公务用车购置及运行维护费", "公务用车购置费", "决算数"],
                ),
                g(
                    "公务用车购置及运行维护费/公务用车运行维护费/预算数",
                    vec!["公务用车购置及运行维护费", "公务用车运行维护费", "预算数"],
                ),
                g(
                    "公务用车购置及运行维护费/公务用车运行维护费/决算数",
                    vec!["公务用车购置及运行维护费", "公务用车运行维护费", "决算数"],
                ),
                g("公务接待费/预算数", vec!["公务接待费", "预算数"]),
                g("公务接待费/决算数", vec!["公务接待费", "决算数"]),
            ];
            vec![unlabelled(cols, cells)]
        }
        BudgetThreeCosts => {
            let [abroad, buy, run, recv] = [
                maybe(rng, 30),
                maybe(rng, 30),
                maybe(rng, 60),
                maybe(rng, 80),
            ];
            let car = buy + run;
            let cells = [
                abroad + car + recv,
                abroad,
                recv,
                car,
                buy,
                run,
                amount(rng),
            ]
            .into_iter()
            .map(Some)
            .collect();
            let g = |path: &'static str, head: Vec<&'static str>| Col { path, head };
            const TOP: &str = "“三公”经费预算数";
            const CAR: &str = "公务用车购置及运行费";
            let cols = vec![
                g("“三公”经费预算数/合计", vec![TOP, "合计"]),
                g(
                    "“三公”经费预算数/因公出国(境)费",
                    vec![TOP, "因公出国(境)费"],
                ),
                g("“三公”经费预算数/公务接待费", vec![TOP, "公务接待费"]),
                g(
                    "“三公”经费预算数/公务用车购置及运行费/小计",
                    vec![TOP, CAR, "小计"],
                ),
                g(
                    "“三公”经费预算数/公务用车购置及运行费/购置费",
                    vec![TOP, CAR, "购置费"],
                ),
                g(
                    "“三公”经费预算数/公务用车购置及运行费/运行费",
                    vec![TOP, CAR, "运行费"],
                ),
                g("机关运行经费预算数", vec!["机关运行经费预算数"]),
            ];
            vec![unlabelled(cols, cells)]
        }
    };
    GTable {
        form,
        title,
        sides,
        split_codes,
    }
}

fn unlabelled(cols: Vec<Col>, cells: Vec<Option<i64>>) -> Side {
    Side {
        name: None,
        banner: None,
        code_head: None,
        label_head: None,
        cols,
        rows: vec![GRow {
            code: None,
            label: String::new(),
            cells,
        }],
    }
}

/// `total` split into 1..=max parts (zero or more each).
fn split(rng: &mut Rng, total: i64, max: usize) -> Vec<i64> {
    let n = 1 + rng.below(max);
    split_n(rng, total, n)
}

/// `total` split into exactly `n` parts (zero or more each).
fn split_n(rng: &mut Rng, total: i64, n: usize) -> Vec<i64> {
    let mut cuts: Vec<i64> = (0..n.saturating_sub(1))
        .map(|_| rng.below(total.max(0) as usize + 1) as i64)
        .collect();
    cuts.sort_unstable();
    let mut out = Vec::new();
    let mut prev = 0;
    for c in cuts.into_iter().chain([total]) {
        out.push(c - prev);
        prev = c;
    }
    out
}

/// The expenditure side of a 收支总表: `total` over numbered 类 rows.
fn split_numbered(rng: &mut Rng, total: i64) -> Vec<GRow> {
    let mut rows = numbered_classes(rng, 1, |_| vec![0]);
    let parts = split_n(rng, total, rows.len());
    for (r, p) in rows.iter_mut().zip(parts) {
        r.cells = vec![Some(p)];
    }
    rows
}

fn two_sided(
    left: (&'static str, &'static str, &'static str, Vec<GRow>),
    right: (&'static str, Vec<GRow>, Vec<Col>),
) -> Vec<Side> {
    let (lname, lpath, lleaf, lrows) = left;
    let (rname, rrows, rcols) = right;
    vec![
        Side {
            name: Some(lname),
            banner: Some(lname),
            code_head: None,
            label_head: Some("项目"),
            cols: vec![Col {
                path: lpath,
                head: vec![lleaf],
            }],
            rows: lrows,
        },
        Side {
            name: Some(rname),
            banner: Some(rname),
            code_head: None,
            label_head: Some("项目"),
            cols: rcols,
            rows: rrows,
        },
    ]
}
