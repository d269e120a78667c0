//! Rule files as written: serde mirrors of the TOML (`deny_unknown_fields`).
//!
//! Each `[[rule]]` is deserialised on its own (the file is cut at `[[rule]]`
//! lines), so one broken rule does not hide the errors of the others: every
//! error of a pack is reported at once.

use crate::diagnostic::Severity;
use schemars::JsonSchema;
use serde::Deserialize;
use toml::Spanned;

/// One string or a list of strings.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

impl OneOrMany {
    pub fn to_vec(&self) -> Vec<String> {
        match self {
            OneOrMany::One(s) => vec![s.clone()],
            OneOrMany::Many(v) => v.clone(),
        }
    }
}

/// A word of `applies_to` (schema only: the loader reads a string and
/// refuses any other word, located).
#[derive(JsonSchema)]
#[allow(dead_code)]
pub enum KindWordSchema {
    #[serde(rename = "决算")]
    Final,
    #[serde(rename = "预算")]
    Budget,
    #[serde(rename = "部门")]
    Department,
    #[serde(rename = "单位")]
    Unit,
    #[serde(rename = "公开说明")]
    Disclosure,
    #[serde(rename = "三公经费说明")]
    SanGong,
    #[serde(rename = "绩效自评")]
    SelfEvaluation,
    #[serde(rename = "本级财政报告")]
    Government,
    #[serde(rename = "表格")]
    Tables,
    #[serde(rename = "章节")]
    Chapter,
    #[serde(rename = "未识别")]
    Unknown,
}

/// The fixed headings of a rule's documentation.
#[derive(Debug, Clone, Deserialize, Default, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DocsSpec {
    /// What it checks.
    pub what: String,
    /// Why it matters.
    pub why: String,
    /// A bad example (a report snippet that the rule flags).
    pub bad: String,
    /// A good example.
    pub good: String,
    /// Sources in the catalogue (RULES.md ids).
    #[serde(default)]
    pub catalogue: Vec<String>,
}

/// A rule test case: a report snippet, the findings it must produce and the
/// ones it must not.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TestSpec {
    /// Inline report text.
    pub text: Option<String>,
    /// Or a file, relative to the pack directory (`fixtures/…` is searched
    /// beside the pack too).
    pub file: Option<String>,
    /// Findings of this rule that must appear, each given by the exact text
    /// its primary label covers.
    #[serde(default)]
    pub expect: Vec<String>,
    /// Texts that must not be flagged; with `expect` empty, `clean = true`
    /// asserts the rule finds nothing at all.
    #[serde(default)]
    pub clean: bool,
    /// A name for the case in `gouji test` output.
    #[serde(default)]
    pub name: Option<String>,
    /// How many findings of this rule the case must produce (when the
    /// number matters: one finding for many matches, one per item).
    #[serde(default)]
    pub count: Option<usize>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
/// One `[[rule]]` table: the common keys and the keys of its kind.
pub struct RuleSpec {
    /// The rule's id, unique among the loaded rules; findings and
    /// `gouji explain` name the rule by it.
    #[schemars(with = "String")]
    pub id: Spanned<String>,
    /// What the rule checks; the kind decides which other keys it reads.
    #[schemars(with = "String")]
    pub kind: Spanned<String>,
    /// How serious its findings are.
    #[schemars(with = "Severity")]
    pub severity: Spanned<Severity>,
    /// The finding's message; `{name}` placeholders are filled in by the kind.
    #[schemars(with = "String")]
    pub message: Spanned<String>,
    /// A hint shown with each finding.
    pub help: Option<String>,
    /// The rule's documentation (`gouji explain`, the README rule table).
    pub docs: Option<DocsSpec>,
    /// Sections the rule applies to, by heading text (substring) or path
    /// (`部门决算情况/基本支出`).
    #[schemars(with = "Option<OneOrMany>")]
    pub scope: Option<Spanned<OneOrMany>>,
    /// Report kinds the rule runs on: stage ("决算", "预算"), scope
    /// ("部门", "单位") and document form ("公开说明", "三公经费说明",
    /// "绩效自评", "本级财政报告", "表格", "章节", "未识别"). Words of one
    /// sort are alternatives; the sorts must all hold. Any other word is a
    /// load error.
    #[schemars(with = "Option<Vec<KindWordSchema>>")]
    pub applies_to: Option<Vec<Spanned<String>>>,
    /// `false`: the rule runs only when gouji.toml's `select` names its id
    /// exactly. For checks that only some local templates require.
    pub enabled: Option<bool>,

    // sum / equal / share / growth
    #[schemars(with = "Option<OneOrMany>")]
    pub total: Option<Spanned<OneOrMany>>,
    #[schemars(with = "Option<Vec<OneOrMany>>")]
    pub parts: Option<Vec<Spanned<OneOrMany>>>,
    /// For `sum`: parts subtracted from the sum.
    #[schemars(with = "Option<Vec<OneOrMany>>")]
    pub minus: Option<Vec<Spanned<OneOrMany>>>,
    #[schemars(with = "Option<OneOrMany>")]
    pub label: Option<Spanned<OneOrMany>>,
    #[schemars(with = "Option<Vec<OneOrMany>>")]
    pub labels: Option<Vec<Spanned<OneOrMany>>>,
    /// For `share`: a denominator label.
    #[schemars(with = "Option<OneOrMany>")]
    pub denominator: Option<Spanned<OneOrMany>>,
    /// For `share`: check that a complete list's shares add up to 100%.
    pub complete_lists: Option<bool>,
    /// For `growth`: check that the deltas of a broken-down list add up.
    pub list_deltas: Option<bool>,

    // require / forbid
    #[schemars(with = "Option<String>")]
    pub pattern: Option<Spanned<String>>,
    #[schemars(with = "Option<OneOrMany>")]
    pub heading: Option<Spanned<OneOrMany>>,
    /// `require`: only when this regex matches somewhere in the report.
    #[schemars(with = "Option<String>")]
    pub when: Option<Spanned<String>>,
    /// `forbid`: text matched by this regex around a match is allowed.
    #[schemars(with = "Option<String>")]
    pub unless: Option<Spanned<String>>,
    /// `forbid`: match the original text (`"text"`, default) or each
    /// sentence with its line breaks and spaces removed and forms folded
    /// (`"sentences"`).
    #[schemars(with = "Option<String>")]
    pub on: Option<Spanned<String>>,
    /// `forbid`: when more than this many matches are found, report one
    /// finding for all of them (a blank template is one defect, not 200).
    #[schemars(with = "Option<usize>")]
    pub collapse_over: Option<Spanned<usize>>,
    /// `forbid`: the message of that one finding (`{count}` matches, the
    /// first one `{found}`).
    pub collapse_message: Option<String>,

    // table-row
    #[schemars(with = "Option<String>")]
    pub table: Option<Spanned<String>>,
    #[schemars(with = "Option<String>")]
    pub assert: Option<Spanned<String>>,
    /// `table-row`: other headers a column of `assert` is printed under in
    /// other templates (`{ "全年（调整）预算数" = ["全年预算数", "调整后预算数"] }`),
    /// tried in order when the table has no column of the name itself.
    pub aliases: Option<std::collections::BTreeMap<String, Vec<String>>>,
    /// `table-row`: only rows where this column is non-empty / matches.
    #[schemars(with = "Option<String>")]
    pub row_filter: Option<Spanned<String>>,
    /// `table-row`: columns whose integers are exact (weights, coefficients),
    /// not rounded figures.
    pub exact: Option<Vec<String>>,

    // numbering
    pub check: Option<Vec<String>>,
    /// `budget-actual` check `reason`: a difference between the actual
    /// amount and the budget above this percent of the budget needs a
    /// reason (default 10).
    #[schemars(with = "Option<u32>")]
    pub threshold: Option<Spanned<u32>>,

    // table kinds (src/rule/kinds/table_*.rs, cross_table.rs, prose_*.rs …)
    /// Tables the rule applies to (standard names or titles), besides `table`.
    pub tables: Option<Vec<String>>,
    /// `table-columns`: per-row identities, `合计 = 基本支出 + 项目支出`.
    #[schemars(with = "Option<Vec<String>>")]
    pub identities: Option<Vec<Spanned<String>>>,
    /// `cross-table`/`prose-table`: row labels or codes, summed.
    #[schemars(with = "Option<OneOrMany>")]
    pub row: Option<Spanned<OneOrMany>>,
    /// `cross-table`/`prose-table`/`prose-items`: a column header (path or leaf).
    #[schemars(with = "Option<String>")]
    pub column: Option<Spanned<String>>,
    /// `cross-table`: the other table, its rows and column.
    #[schemars(with = "Option<String>")]
    pub other: Option<Spanned<String>>,
    #[schemars(with = "Option<OneOrMany>")]
    pub other_row: Option<Spanned<OneOrMany>>,
    #[schemars(with = "Option<String>")]
    pub other_column: Option<Spanned<String>>,
    /// `cross-table`/`prose-table`: `==` (default), `<=`, `>=`.
    #[schemars(with = "Option<String>")]
    pub relation: Option<Spanned<String>>,
    /// `table-sum`: `codes`, `numbered` or `funds`; `cross-table`: `classes`.
    #[schemars(with = "Option<String>")]
    pub by: Option<Spanned<String>>,
    /// `cross-table`/`prose-table`: several comparisons in one rule.
    pub pairs: Option<Vec<PairSpec>>,
    /// `prose-items`: labels of the item's amount in the prose.
    #[schemars(with = "Option<OneOrMany>")]
    pub figure: Option<Spanned<OneOrMany>>,
    /// `tables-present`/`empty-table`: table names.
    pub required: Option<Vec<String>>,

    // amount-count
    /// `amount-count`: label words of the counts an amount pays for
    /// (`["接待"]` for 公务接待费).
    #[schemars(with = "Option<OneOrMany>")]
    pub counts: Option<Spanned<OneOrMany>>,
    /// `amount-count`: label words that keep a figure out
    /// (`"运行"`: 购置及运行维护费 is not the 购置 amount).
    #[schemars(with = "Option<OneOrMany>")]
    pub except: Option<Spanned<OneOrMany>>,

    /// `average`, `amount-count`: the counts' units (`["人次", "人"]`,
    /// `["辆"]`); any unit when not given.
    pub per: Option<Vec<String>>,

    // repeated-passage
    /// `repeated-passage`: the fewest characters a repeated run of lines
    /// must hold to be reported (100 unless set).
    pub min_chars: Option<usize>,

    // code-depth
    /// `code-depth`: digits of the codes every amount must reach (7 = 项
    /// of the 功能分类, 5 = 款 of the 经济分类).
    #[schemars(with = "Option<usize>")]
    pub depth: Option<Spanned<usize>>,

    // renamed-subjects
    /// `renamed-subjects`: subjects renamed in the 功能分类, each with the
    /// year from which the new name holds.
    pub renamed: Option<Vec<RenamedSpec>>,

    // code-side
    /// `code-side`: each side or column (人员经费, 公用经费) and the code
    /// prefixes of the 经济分类 classes that belong to it.
    pub classes: Option<std::collections::BTreeMap<String, Vec<String>>>,

    // item-compared
    /// `item-compared`: what each item must be compared with: `"budget"`
    /// (年初预算, 预算数) or `"prior-year"` (上年, 同比, an earlier year).
    #[schemars(with = "Option<String>")]
    pub base: Option<Spanned<String>>,

    // script
    #[schemars(with = "Option<String>")]
    pub script: Option<Spanned<String>>,
    #[schemars(with = "Option<serde_json::Map<String, serde_json::Value>>")]
    pub options: Option<toml::Table>,

    /// Test cases, run by `gouji test`.
    #[serde(default)]
    pub tests: Vec<TestSpec>,
}

/// One comparison of a `cross-table` or `prose-table` rule; keys left out
/// are taken from the rule.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PairSpec {
    pub label: Option<OneOrMany>,
    pub table: Option<String>,
    pub row: Option<OneOrMany>,
    pub column: Option<String>,
    pub other: Option<String>,
    pub other_row: Option<OneOrMany>,
    pub other_column: Option<String>,
    pub relation: Option<String>,
    /// `prose-table`: sections the prose figure must be in.
    pub scope: Option<OneOrMany>,
}

/// A subject renamed in the 功能分类 (`renamed-subjects`).
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RenamedSpec {
    /// The name no longer in use.
    pub old: String,
    /// The name that replaced it.
    pub new: String,
    /// The first report year that must use the new name.
    pub since: u32,
    /// The subject's code, for the message.
    pub code: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChunkSpec {
    #[serde(default)]
    pub rule: Vec<RuleSpec>,
}

/// The part of a rule file before its first `[[rule]]`.
#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct PackHeader {
    pub pack: Option<PackMeta>,
}

/// The optional `[pack]` table of a rule file.
#[derive(Debug, Deserialize, Default, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PackMeta {
    /// The pack's name.
    pub name: Option<String>,
    /// What the pack checks.
    pub description: Option<String>,
}

/// Cut a rule file into its header and one chunk per `[[rule]]`: (byte offset, text).
pub fn chunks(text: &str) -> (String, Vec<(usize, String)>) {
    let mut starts = Vec::new();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let t = line.trim();
        let t = t.split('#').next().unwrap_or("").trim();
        if t == "[[rule]]" {
            starts.push(offset);
        }
        offset += line.len();
    }
    let header_end = starts.first().copied().unwrap_or(text.len());
    // The header is kept at full length (padded) so spans stay file offsets.
    let header = text[..header_end].to_owned();
    let mut out = Vec::new();
    for (i, &s) in starts.iter().enumerate() {
        let e = starts.get(i + 1).copied().unwrap_or(text.len());
        out.push((s, text[s..e].to_owned()));
    }
    (header, out)
}
