//! The standard 决算/预算 tables: which table a title names ([`StandardTable`]),
//! the fixed column set of each (its schema), and the header words of the
//! label and code columns.
//!
//! The schema fixes the columns so that an empty table still has them; the
//! printed header only locates them on the page.

use crate::document::text::fold;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
pub enum StandardTable {
    /// T1 收入支出决算总表 (two-sided 收入 | 支出)
    IncomeExpenditureTotal,
    /// T2 收入决算表
    Income,
    /// T3 支出决算表
    Expenditure,
    /// T4 财政拨款收入支出决算总表 (two-sided)
    FiscalIncomeExpenditureTotal,
    /// T5 一般公共预算财政拨款支出决算表
    GeneralPublicExpenditure,
    /// T6 一般公共预算财政拨款基本支出决算表 (two-sided by 经济分类)
    GeneralPublicBasicExpenditure,
    /// T7 财政拨款"三公"经费支出决算表
    ThreeCosts,
    /// T8 政府性基金预算财政拨款收入支出决算表
    GovFund,
    /// T9 国有资本经营预算财政拨款收入支出决算表
    StateCapital,
    /// 部门财务收支预算总表 (two-sided)
    BudgetFinanceTotal,
    /// 部门收入预算总表
    BudgetIncome,
    /// 部门支出预算总表
    BudgetExpenditure,
    /// 部门财政拨款收支预算总表 (two-sided)
    BudgetFiscalTotal,
    /// 部门一般公共预算支出功能分类预算表
    BudgetGeneralPublicFunctional,
    /// 部门政府性基金预算支出功能分类预算表
    BudgetGovFundFunctional,
    /// 部门国有资本经营预算支出功能分类预算表
    BudgetStateCapitalFunctional,
    /// 部门一般公共预算基本支出部门预算经济分类预算表
    BudgetBasicEconomic,
    /// 部门"三公"经费和机关运行经费预算表
    BudgetThreeCosts,
}

impl StandardTable {
    pub fn name(&self) -> &'static str {
        use StandardTable::*;
        match self {
            IncomeExpenditureTotal => "收入支出决算总表",
            Income => "收入决算表",
            Expenditure => "支出决算表",
            FiscalIncomeExpenditureTotal => "财政拨款收入支出决算总表",
            GeneralPublicExpenditure => "一般公共预算财政拨款支出决算表",
            GeneralPublicBasicExpenditure => "一般公共预算财政拨款基本支出决算表",
            ThreeCosts => "财政拨款“三公”经费支出决算表",
            GovFund => "政府性基金预算财政拨款收入支出决算表",
            StateCapital => "国有资本经营预算财政拨款收入支出决算表",
            BudgetFinanceTotal => "部门财务收支预算总表",
            BudgetIncome => "部门收入预算总表",
            BudgetExpenditure => "部门支出预算总表",
            BudgetFiscalTotal => "部门财政拨款收支预算总表",
            BudgetGeneralPublicFunctional => "部门一般公共预算支出功能分类预算表",
            BudgetGovFundFunctional => "部门政府性基金预算支出功能分类预算表",
            BudgetStateCapitalFunctional => "部门国有资本经营预算支出功能分类预算表",
            BudgetBasicEconomic => "部门一般公共预算基本支出部门预算经济分类预算表",
            BudgetThreeCosts => "部门“三公”经费和机关运行经费预算表",
        }
    }

    /// Every standard table, in the order of the enum.
    pub const ALL: [StandardTable; 18] = {
        use StandardTable::*;
        [
            IncomeExpenditureTotal,
            Income,
            Expenditure,
            FiscalIncomeExpenditureTotal,
            GeneralPublicExpenditure,
            GeneralPublicBasicExpenditure,
            ThreeCosts,
            GovFund,
            StateCapital,
            BudgetFinanceTotal,
            BudgetIncome,
            BudgetExpenditure,
            BudgetFiscalTotal,
            BudgetGeneralPublicFunctional,
            BudgetGovFundFunctional,
            BudgetStateCapitalFunctional,
            BudgetBasicEconomic,
            BudgetThreeCosts,
        ]
    };

    /// The standard table a rule pack names: its [`name`](Self::name),
    /// compared after folding (spaces and full-width forms). Not a title
    /// (see [`from_title`](Self::from_title)): `表一：收入支出决算总表` is no
    /// name.
    pub fn from_name(name: &str) -> Option<StandardTable> {
        let want = fold(name);
        Self::ALL.into_iter().find(|k| fold(k.name()) == want)
    }

    /// Identify a table from its printed title (numbering, year, quotes and
    /// spaces tolerated).
    pub fn from_title(title: &str) -> Option<StandardTable> {
        use StandardTable::*;
        let t: String = title
            .chars()
            .filter(|c| !c.is_whitespace() && !"“”\"'‘’《》".contains(*c))
            .collect();
        let t = t
            .replace('決', "决")
            .replace('預', "预")
            .replace('撥', "拨")
            .replace('費', "费");
        if !t.ends_with('表') || t.chars().count() > 60 {
            return None;
        }
        let fin = t.contains("决算");
        let bud = t.contains("预算表") || t.contains("预算总表");
        let has = |s: &str| t.contains(s);
        if has("三公") {
            return if fin {
                Some(ThreeCosts)
            } else {
                Some(BudgetThreeCosts)
            };
        }
        if fin {
            if has("国有资本经营预算财政拨款收入支出决算") {
                return Some(StateCapital);
            }
            if has("政府性基金预算财政拨款收入支出决算") {
                return Some(GovFund);
            }
            if has("一般公共预算财政拨款基本支出决算") {
                return Some(GeneralPublicBasicExpenditure);
            }
            if has("一般公共预算财政拨款支出决算") {
                return Some(GeneralPublicExpenditure);
            }
            if has("财政拨款收入支出决算总表") {
                return Some(FiscalIncomeExpenditureTotal);
            }
            if has("收入支出决算总表") {
                return Some(IncomeExpenditureTotal);
            }
            if t.ends_with("收入决算表") {
                return Some(Income);
            }
            if t.ends_with("支出决算表") {
                return Some(Expenditure);
            }
            return None;
        }
        if bud {
            if has("国有资本经营预算支出功能分类预算表") {
                return Some(BudgetStateCapitalFunctional);
            }
            if has("政府性基金预算支出功能分类预算表") {
                return Some(BudgetGovFundFunctional);
            }
            if has("基本支出") && has("经济分类") {
                return Some(BudgetBasicEconomic);
            }
            if has("一般公共预算支出功能分类预算表") {
                return Some(BudgetGeneralPublicFunctional);
            }
            if has("财政拨款收支预算总表") || has("财政拨款收入支出预算总表")
            {
                return Some(BudgetFiscalTotal);
            }
            if has("财务收支预算总表") || has("收支预算总表") {
                return Some(BudgetFinanceTotal);
            }
            if has("收入预算总表") || t.ends_with("收入预算表") {
                return Some(BudgetIncome);
            }
            if has("支出预算总表") || t.ends_with("支出预算表") {
                return Some(BudgetExpenditure);
            }
        }
        None
    }
}

pub(super) struct SideSchema {
    pub(super) name: Option<&'static str>,
    /// (header path, key)
    pub(super) cols: &'static [(&'static str, &'static str)],
}

pub(super) struct Schema {
    pub(super) sides: Vec<SideSchema>,
    pub(super) coded: bool,
}

pub(super) fn schema(kind: StandardTable) -> Schema {
    use StandardTable::*;
    let one = |cols: &'static [(&'static str, &'static str)], coded: bool| Schema {
        sides: vec![SideSchema { name: None, cols }],
        coded,
    };
    let two = |l: &'static str,
               lc: &'static [(&'static str, &'static str)],
               r: &'static str,
               rc: &'static [(&'static str, &'static str)],
               coded: bool| Schema {
        sides: vec![
            SideSchema {
                name: Some(l),
                cols: lc,
            },
            SideSchema {
                name: Some(r),
                cols: rc,
            },
        ],
        coded,
    };
    const FUND: &[(&str, &str)] = &[
        ("年初结转和结余", "年初结转和结余"),
        ("本年收入", "本年收入"),
        ("本年支出/合计", "合计"),
        ("本年支出/基本支出", "基本支出"),
        ("本年支出/项目支出", "项目支出"),
        ("年末结转和结余", "年末结转和结余"),
    ];
    match kind {
        IncomeExpenditureTotal => two(
            "收入",
            &[("收入/决算数", "决算数")],
            "支出",
            &[("支出/决算数", "决算数")],
            false,
        ),
        Income => one(
            &[
                ("本年收入合计", "本年收入合计"),
                ("财政拨款收入", "财政拨款收入"),
                ("上级补助收入", "上级补助收入"),
                ("事业收入", "事业收入"),
                ("经营收入", "经营收入"),
                ("附属单位上缴收入", "附属单位上缴收入"),
                ("其他收入", "其他收入"),
            ],
            true,
        ),
        Expenditure => one(
            &[
                ("本年支出合计", "本年支出合计"),
                ("基本支出", "基本支出"),
                ("项目支出", "项目支出"),
                ("上缴上级支出", "上缴上级支出"),
                ("经营支出", "经营支出"),
                ("对附属单位补助支出", "对附属单位补助支出"),
            ],
            true,
        ),
        FiscalIncomeExpenditureTotal => two(
            "收入",
            &[("收入/决算数", "决算数")],
            "支出",
            &[
                ("支出/合计", "合计"),
                ("支出/一般公共预算财政拨款", "一般公共预算财政拨款"),
                ("支出/政府性基金预算财政拨款", "政府性基金预算财政拨款"),
                ("支出/国有资本经营预算财政拨款", "国有资本经营预算财政拨款"),
            ],
            false,
        ),
        GeneralPublicExpenditure => one(
            &[
                ("合计", "合计"),
                ("基本支出", "基本支出"),
                ("项目支出", "项目支出"),
            ],
            true,
        ),
        GeneralPublicBasicExpenditure => two(
            "人员经费",
            &[("人员经费/决算数", "决算数")],
            "公用经费",
            &[("公用经费/决算数", "决算数")],
            true,
        ),
        ThreeCosts => one(
            &[
                ("合计/预算数", "预算数"),
                ("合计/决算数", "决算数"),
                ("因公出国（境）费/预算数", "预算数"),
                ("因公出国（境）费/决算数", "决算数"),
                ("公务用车购置及运行维护费/小计/预算数", "预算数"),
                ("公务用车购置及运行维护费/小计/决算数", "决算数"),
                ("公务用车购置及运行维护费/公务用车购置费/预算数", "预算数"),
                ("公务用车购置及运行维护费/公务用车购置费/决算数", "决算数"),
                (
                    "公务用车购置及运行维护费/公务用车运行维护费/预算数",
                    "预算数",
                ),
                (
                    "公务用车购置及运行维护费/公务用车运行维护费/决算数",
                    "决算数",
                ),
                ("公务接待费/预算数", "预算数"),
                ("公务接待费/决算数", "决算数"),
            ],
            false,
        ),
        GovFund | StateCapital => one(FUND, true),
        BudgetFinanceTotal => two(
            "本年收入",
            &[("本年收入/预算数", "预算数")],
            "本年支出",
            &[("本年支出/预算数", "预算数")],
            false,
        ),
        BudgetIncome => one(
            &[
                ("收入预算/合计", "合计"),
                ("收入预算/财政拨款收入", "财政拨款收入"),
                ("收入预算/事业收入", "事业收入"),
                ("收入预算/事业单位经营收入", "事业单位经营收入"),
                ("收入预算/其他收入", "其他收入"),
            ],
            true,
        ),
        BudgetExpenditure => one(
            &[
                ("支出预算/合计", "合计"),
                ("支出预算/基本支出", "基本支出"),
                ("支出预算/项目支出", "项目支出"),
            ],
            true,
        ),
        BudgetFiscalTotal => two(
            "财政拨款收入",
            &[("财政拨款收入/预算数", "预算数")],
            "财政拨款支出",
            &[
                ("财政拨款支出/合计", "合计"),
                ("财政拨款支出/一般公共预算", "一般公共预算"),
                ("财政拨款支出/政府性基金预算", "政府性基金预算"),
                ("财政拨款支出/国有资本经营预算", "国有资本经营预算"),
            ],
            false,
        ),
        BudgetGeneralPublicFunctional => one(
            &[
                ("一般公共预算支出/合计", "合计"),
                ("一般公共预算支出/基本支出", "基本支出"),
                ("一般公共预算支出/项目支出", "项目支出"),
            ],
            true,
        ),
        BudgetGovFundFunctional => one(
            &[
                ("政府性基金预算支出/合计", "合计"),
                ("政府性基金预算支出/基本支出", "基本支出"),
                ("政府性基金预算支出/项目支出", "项目支出"),
            ],
            true,
        ),
        BudgetStateCapitalFunctional => one(
            &[
                ("国有资本经营预算支出/合计", "合计"),
                ("国有资本经营预算支出/基本支出", "基本支出"),
                ("国有资本经营预算支出/项目支出", "项目支出"),
            ],
            true,
        ),
        BudgetBasicEconomic => one(
            &[
                ("一般公共预算基本支出/合计", "合计"),
                ("一般公共预算基本支出/人员经费", "人员经费"),
                ("一般公共预算基本支出/公用经费", "公用经费"),
            ],
            true,
        ),
        BudgetThreeCosts => one(
            &[
                ("“三公”经费预算数/合计", "合计"),
                ("“三公”经费预算数/因公出国(境)费", "因公出国(境)费"),
                ("“三公”经费预算数/公务接待费", "公务接待费"),
                ("“三公”经费预算数/公务用车购置及运行费/小计", "小计"),
                ("“三公”经费预算数/公务用车购置及运行费/购置费", "购置费"),
                ("“三公”经费预算数/公务用车购置及运行费/运行费", "运行费"),
                ("机关运行经费预算数", "机关运行经费预算数"),
            ],
            false,
        ),
    }
}

/// Header words of the label/code columns.
pub(super) const LABEL_WORDS: &[&str] =
    &["项目", "科目名称", "功能分类科目名称", "经济分类科目名称"];
pub(super) const CODE_WORDS: &[&str] = &[
    "科目编码",
    "功能分类",
    "经济分类",
    "功能分类科目编码",
    "部门预算经济分类科目",
    "编码",
    "类",
    "款",
    "项",
];

#[cfg(test)]
mod tests {
    use super::StandardTable::{self, *};

    #[test]
    fn standard_table_from_name() {
        for k in StandardTable::ALL {
            assert_eq!(StandardTable::from_name(k.name()), Some(k));
        }
        assert_eq!(
            StandardTable::from_name(" 收入支出 决算总表"),
            Some(IncomeExpenditureTotal)
        );
        assert_eq!(StandardTable::from_name("表一：收入支出决算总表"), None);
        assert_eq!(StandardTable::from_name("项目支出绩效自评表"), None);
    }

    #[test]
    fn standard_table_from_title_variants() {
        assert_eq!(
            StandardTable::from_title("表一：收入支出决算总表"),
            Some(IncomeExpenditureTotal)
        );
        assert_eq!(
            StandardTable::from_title("2024年度 收入决算表"),
            Some(Income)
        );
        assert_eq!(
            StandardTable::from_title("财政拨款\"三公\"经费支出决算表"),
            Some(ThreeCosts)
        );
        assert_eq!(
            StandardTable::from_title("2024年部门“三公”经费和机关运行经费预算表"),
            Some(BudgetThreeCosts)
        );
        assert_eq!(
            StandardTable::from_title("上海市XX局2024年度部门决算表"),
            None
        );
        for k in [
            IncomeExpenditureTotal,
            GovFund,
            BudgetBasicEconomic,
            BudgetFiscalTotal,
        ] {
            assert_eq!(StandardTable::from_title(k.name()), Some(k));
        }
    }
}
