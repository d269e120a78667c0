//! Facts in prose: amounts, percentages, shares, change clauses and counts,
//! with their labels and links.
//!
//! Runs on a paragraph's normalised text (see `text.rs`: ASCII punctuation,
//! no line breaks, no spaces between CJK and numbers), so the patterns below
//! need only one spelling of each form. Every span is mapped back to the
//! original bytes.

use super::parallel;
use super::text::{is_cjk, Normalized};
use super::{Change, Direction, Fact, FactKind, Links, Number, Role, Unit};
use crate::quantity::Quantity;
use crate::source::Span;
use regex::Regex;
use std::sync::LazyLock;

// Digits are written `[0-9０-９]` here and in the other built-in patterns,
// not `\d`: Unicode's digit class (the digits of every script) made a
// pattern up to ten times slower to build, and a short check waits for
// every pattern it uses to be built.
static NUMBER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?x)
        (?P<num>-?(?:[0-9０-９]{1,3}(?:,[0-9０-９]{3})+|[0-9０-９]+)(?:\.[0-9０-９]+)?)
        (?P<unit>万元|亿元|萬元|元|万|%|个|辆|人次|人|批次|台\(套\)|台套|台|套|项|家|批|场|期|户|所|团组|次)?",
    )
    .unwrap()
});

static BASE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?x)
        (?:(?:较|比|与|同|对比)
           (?P<base>上年度?(?:决算数?|预算数?|支出数?|同期数?)?|上一年度?|去年(?:同期)?
             |[0-9０-９]{4}年度?(?:决算数?|预算数?|支出数?)?|年初预算数?|全年预算数?|调整后?预算数?|年度预算数?|预算数?)
           (?:相比|相较|比较)?
        )
        |(?P<tongbi>同比)",
    )
    .unwrap()
});

static DIRECTION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?P<dir>增加|增长|上升|提高|增幅|减少|下降|降低|减幅|基本持平|持平|无增减|无变化)了?(?:为)?")
        .unwrap()
});

static SHARE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"占(?:比为?|(?P<den>[^,;:。!?%0-9０-９]{1,30}?))?的?(?P<num>[0-9０-９]+(?:\.[0-9０-９]+)?)(?P<pct>%)?"#)
        .unwrap()
});

static COMPLETION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"完成(?P<base>年初预算|全年预算|调整后?预算|年度预算|预算)数?的?(?P<num>[0-9０-９]+(?:\.[0-9０-９]+)?)%",
    )
    .unwrap()
});

static LIST: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"其中[:,]?").unwrap());

/// `财政拨款支出预算中，…`: a sentence that breaks down one item.
static SUBLIST: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^([^,;:。0-9０-９]{2,24}?)中[,:]").unwrap());

/// Leading words that are not part of an item's label.
static LABEL_PREFIX: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"(?x)^(?:
            \([0-9０-９]+\)|\([一二三四五六七八九十]+\)|[一二三四五六七八九十]+、|[0-9０-９]+[.、]|[①-⑳]
            |-+|[●•·]|\(含
            |截至[0-9０-９]{4}年[0-9０-９]{1,2}月[0-9０-９]{1,2}日|截至[0-9０-９]{4}年底|截至年底
            |[0-9０-９]{4}年度?|本年度|本年|当年|全年
            |其中|此外|另外|另|同时|上述|以上|总的来看
            |本单位|我单位|本部门|我部门|本中心|我中心|本局|我局|本委|我委|本办|我办|单位
            |共有|共计|合计为
        )[:,]?"#,
    )
    .unwrap()
});

static LABEL_SUFFIX: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?:共计|总额为|为|是|达到|达|约|对|共|有)$").unwrap());

fn direction_of(word: &str) -> Direction {
    if word.starts_with("增") || word.starts_with("上升") || word.starts_with("提高") {
        Direction::Increase
    } else if word.starts_with("减") || word.starts_with("下降") || word.starts_with("降低") {
        Direction::Decrease
    } else {
        Direction::Unchanged
    }
}

/// Strip numbering, years and subjects like 本单位 from a label candidate.
pub fn clean_label(raw: &str) -> String {
    let mut s = raw.trim_matches(|c: char| ",;:、 ".contains(c));
    loop {
        let before = s.len();
        // 全年 is a period word, except in 全年预算 (the adjusted budget, as
        // against 年初预算): there it says which budget.
        let keeps_budget =
            |m: &regex::Match| m.as_str() == "全年" && s[m.end()..].starts_with("预算");
        if let Some(m) = LABEL_PREFIX.find(s).filter(|m| !keeps_budget(m)) {
            if m.end() < s.len() {
                s = &s[m.end()..];
            } else if m.end() == s.len() {
                s = "";
            }
        }
        if let Some(m) = LABEL_SUFFIX.find(s) {
            s = &s[..m.start()];
        }
        s = s.trim_matches(|c: char| ",;:、 ".contains(c));
        if s.len() == before {
            break;
        }
    }
    s.to_owned()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TokKind {
    Base,
    Direction,
    Share,
    Completion,
    Number,
    List,
}

#[derive(Debug, Clone)]
struct Tok {
    kind: TokKind,
    start: usize,
    end: usize,
    caps: Vec<Option<(usize, usize)>>,
}

fn tokens(text: &str) -> Vec<Tok> {
    let mut toks: Vec<Tok> = Vec::new();
    let mut add = |kind: TokKind, re: &Regex, names: &[&str]| {
        for c in re.captures_iter(text) {
            let m = c.get(0).unwrap();
            toks.push(Tok {
                kind,
                start: m.start(),
                end: m.end(),
                caps: names
                    .iter()
                    .map(|n| c.name(n).map(|g| (g.start(), g.end())))
                    .collect(),
            });
        }
    };
    add(TokKind::Share, &SHARE, &["den", "num", "pct"]);
    add(TokKind::Completion, &COMPLETION, &["base", "num"]);
    add(TokKind::Base, &BASE, &["base", "tongbi"]);
    add(TokKind::Direction, &DIRECTION, &["dir"]);
    add(TokKind::List, &LIST, &[]);
    add(TokKind::Number, &NUMBER, &["num", "unit"]);
    // Earlier first; at one position the longer (and the listed-first kind) wins.
    toks.sort_by(|a, b| a.start.cmp(&b.start).then(b.end.cmp(&a.end)));
    let mut out: Vec<Tok> = Vec::new();
    for t in toks {
        if out.last().is_some_and(|l| t.start < l.end) {
            continue;
        }
        out.push(t);
    }
    out
}

fn char_before(text: &str, pos: usize) -> Option<char> {
    text[..pos].chars().next_back()
}
fn char_after(text: &str, pos: usize) -> Option<char> {
    text[pos..].chars().next()
}

/// Is the number at `start..end` (digits only) a figure, not a year, date,
/// phone number, code or section number?
fn is_figure(text: &str, start: usize, num_end: usize, has_unit: bool) -> bool {
    let before = char_before(text, start);
    if before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-' || c == '_') {
        return false;
    }
    let after = char_after(text, num_end);
    if !has_unit {
        return false;
    }
    if after.is_some_and(|c| c == '-') {
        return false;
    }
    // `(2)` list numbers: a bare number in parentheses.
    if before == Some('(') && after == Some(')') {
        return false;
    }
    true
}

/// Working state while reading one paragraph.
struct Reader<'a> {
    norm: &'a Normalized,
    text: &'a str,
    section: usize,
    paragraph: usize,
    first_id: usize,
    facts: Vec<Fact>,
    /// The last item amount of the paragraph (for changes and shares).
    last_value: Option<usize>,
    /// The last item figure of the sentence (any unit), for count pairs.
    last_in_sentence: Option<usize>,
    open_change: Option<usize>,
    pending_base: Option<(String, Span)>,
    /// Where the comparison phrase ended (normalised offset).
    base_end: usize,
    /// Subject written before the comparison (`收支较上年…`).
    subject: Option<String>,
    /// The compared-with amount just read (`较上年的2190万元`), for the
    /// change that follows.
    pending_prior: Option<usize>,
    /// The open `其中` lists, outermost first; a nested list sits on top.
    lists: Vec<ListFrame>,
    /// Parenthesis depth at the current position of the sentence.
    paren: usize,
    /// The values of the paragraph's last parallel run (`收入、支出总计分别为
    /// A、B`), which a later `分别减少C、D` pairs with by position.
    parallel_values: Vec<usize>,
    /// The changes of the sentence's last parallel run, which a rate run
    /// (`分别下降E%、F%`) completes.
    parallel_changes: Vec<usize>,
}

/// An open `其中` list.
#[derive(Debug, Clone)]
struct ListFrame {
    /// The total the list breaks down (fact id).
    head: usize,
    /// Items linked in the sentence being read.
    in_sentence: usize,
    /// Items linked in the last sentence that was read.
    last_sentence: usize,
    /// Opened inside parentheses (`（其中：…）`) at this depth: it closes
    /// with them.
    paren: Option<usize>,
}

impl ListFrame {
    fn new(head: usize, paren: Option<usize>) -> ListFrame {
        ListFrame {
            head,
            in_sentence: 0,
            last_sentence: 0,
            paren,
        }
    }
}

impl<'a> Reader<'a> {
    fn local(&self, id: usize) -> usize {
        id - self.first_id
    }
    fn span(&self, s: usize, e: usize) -> Span {
        self.norm.original(s, e)
    }

    fn push(&mut self, f: Fact) -> usize {
        let id = self.first_id + self.facts.len();
        self.facts.push(Fact { id, ..f });
        id
    }

    fn new_fact(
        &self,
        kind: FactKind,
        role: Role,
        label: String,
        number: Option<Number>,
        span: Span,
        sentence: usize,
    ) -> Fact {
        Fact {
            id: 0,
            kind,
            role,
            label,
            key: String::new(),
            number,
            span,
            section: self.section,
            paragraph: Some(self.paragraph),
            sentence: Some(sentence),
            links: Links::default(),
            change: None,
            share_base: None,
            cell: None,
        }
    }

    fn label_of(&self, id: Option<usize>) -> String {
        id.map(|i| self.facts[self.local(i)].label.clone())
            .unwrap_or_default()
    }

    /// The amount a change or share qualifies: the subject's latest amount
    /// if a subject was written, else the last item amount.
    fn target(&self) -> Option<usize> {
        if let Some(subj) = self.subject.as_deref().filter(|s| !s.is_empty()) {
            let found = self.facts.iter().rev().find(|f| {
                f.role == Role::Value
                    && f.kind == FactKind::Amount
                    && (f.label.contains(subj) || subj.contains(f.label.as_str()))
                    && !f.label.is_empty()
            });
            if let Some(f) = found {
                return Some(f.id);
            }
        }
        self.last_value
    }

    /// `总预算T，其中：基本B，项目P，同比增加D`: a change read after the
    /// last item of a list, with no subject written, may be the list head's
    /// as well as the item's. The head, when the text leaves that open: the
    /// head has no change of its own and no other item of the list has one.
    fn alt_target(&self, of: usize) -> Option<usize> {
        let item = self.facts.get(of.checked_sub(self.first_id)?)?;
        let head = item.links.total?;
        let h = self.facts.get(head.checked_sub(self.first_id)?)?;
        let others_changed = h
            .links
            .items
            .iter()
            .filter(|&&i| i != of)
            .any(|&i| !self.facts[self.local(i)].links.changes.is_empty());
        (h.links.items.last() == Some(&of) && h.links.changes.is_empty() && !others_changed)
            .then_some(head)
    }

    /// Does `item` fit in the list of `head`: the items so far plus it not
    /// certainly more than the head (rounding allowed for)?
    fn fits(&self, head: usize, item: &Fact) -> bool {
        let q = |f: &Fact| f.quantity_wan().or_else(|| f.quantity());
        let h = &self.facts[self.local(head)];
        let (Some(hq), Some(iq)) = (q(h), q(item)) else {
            return true;
        };
        let mut parts: Vec<Quantity> = h
            .links
            .items
            .iter()
            .filter_map(|&i| q(&self.facts[self.local(i)]))
            .collect();
        parts.push(iq);
        !Quantity::sum(&parts).certainly_gt(&hq)
    }

    /// The list an amount joins as an item, if any. An amount that cannot
    /// be an item of the innermost list (the items would exceed its head)
    /// goes to the list around it; one that opens a list of its own
    /// (`…；单位B 200元，其中：…`) and does not fit is the head of a new
    /// list, not an item. Otherwise it joins the innermost list, where a
    /// sum that is too large is the report's error.
    fn list_for(&mut self, item: &Fact, opens_list: bool) -> Option<usize> {
        let unit = &item.number.as_ref()?.unit;
        while let Some(frame) = self.lists.last() {
            let head = &self.facts[self.local(frame.head)];
            let same = head
                .number
                .as_ref()
                .is_some_and(|tn| same_family(&tn.unit, unit));
            if !same {
                return None;
            }
            if !self.fits(frame.head, item) && (opens_list || self.lists.len() > 1) {
                self.lists.pop();
                continue;
            }
            let frame = self.lists.last_mut()?;
            frame.in_sentence += 1;
            return Some(frame.head);
        }
        None
    }

    /// Parentheses and semicolons between tokens: a nested list opened in
    /// parentheses closes with them; one opened after a comma closes at the
    /// next `；` (its parent's separator).
    fn scan_gap(&mut self, gap: &str) {
        for c in gap.chars() {
            match c {
                '(' => self.paren += 1,
                ')' => {
                    self.paren = self.paren.saturating_sub(1);
                    let depth = self.paren;
                    while self.lists.len() > 1
                        && self
                            .lists
                            .last()
                            .is_some_and(|f| f.paren.is_some_and(|p| p > depth))
                    {
                        self.lists.pop();
                    }
                }
                ';' => {
                    while self.lists.len() > 1
                        && self.lists.last().is_some_and(|f| f.paren.is_none())
                    {
                        self.lists.pop();
                    }
                }
                _ => {}
            }
        }
    }

    fn start_change(
        &mut self,
        direction: Direction,
        dir_span: Span,
        sentence: usize,
        span: Span,
    ) -> usize {
        let of = self.target();
        let by_subject = of.is_some() && of != self.last_value;
        let label = self
            .subject
            .clone()
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| self.label_of(of));
        let (base, base_span) = match &self.pending_base {
            Some((b, s)) => (Some(b.clone()), Some(*s)),
            None => (None, None),
        };
        let mut f = self.new_fact(FactKind::Change, Role::Value, label, None, span, sentence);
        f.change = Some(Box::new(Change {
            direction,
            direction_span: dir_span,
            rate_direction: None,
            base,
            base_span,
            delta: None,
            rate: None,
            prior: self.pending_prior.take(),
        }));
        f.links.of = of;
        f.links.alt_of = of
            .filter(|_| !by_subject && self.subject.as_deref().is_none_or(str::is_empty))
            .and_then(|o| self.alt_target(o));
        let id = self.push(f);
        if let Some(of) = of {
            let l = self.local(of);
            self.facts[l].links.changes.push(id);
        }
        self.open_change = Some(id);
        id
    }

    /// A list ends with its sentence. It goes on into the next sentence
    /// only when its items come one to a sentence (`其中：人员经费…，主要用于
    /// …。公用经费…`): the last sentence gave it exactly one item and the
    /// next opens with another item, not with a total (`合计`), the other
    /// side of the account (`收入…` after a list of `支出…`) or a comparison.
    /// `财政拨款支出预算中，…` opens a sub-list of that item. A nested list
    /// never outlives its sentence.
    fn continue_list(&mut self, stext: &str) {
        self.lists.truncate(1);
        let Some(frame) = self.lists.first_mut() else {
            return;
        };
        frame.last_sentence = std::mem::take(&mut frame.in_sentence);
        let head = frame.head;
        let one_item = frame.last_sentence == 1;
        if let Some(c) = SUBLIST.captures(stext) {
            let want = clean_label(&c[1]);
            self.lists = self
                .facts
                .iter()
                .rev()
                .find(|f| f.role == Role::Value && f.kind == FactKind::Amount && f.label == want)
                .map(|f| vec![ListFrame::new(f.id, None)])
                .unwrap_or_default();
            return;
        }
        let prefix_end = stext
            .find(|c: char| c.is_ascii_digit())
            .unwrap_or(stext.len());
        let prefix = &stext[..prefix_end];
        let opens_with_item = prefix_end < stext.len()
            && prefix.chars().count() <= 30
            && !prefix.contains([',', ';', ':'])
            && !["比", "较", "与", "同比", "增", "减", "此外", "另外", "同时"]
                .iter()
                .any(|w| prefix.contains(w));
        let label = clean_label(prefix);
        let head_label = &self.facts[self.local(head)].label;
        let other_side = |a: &str, b: &str| a.contains("收入") && b.contains("支出");
        let new_total = ["合计", "总计", "总额", "共计"]
            .iter()
            .any(|w| label.contains(w))
            || other_side(head_label, &label)
            || other_side(&label, head_label);
        if !(one_item && opens_with_item && !new_total) {
            self.lists.clear();
        }
    }

    /// A run of figures from token `i`: each a number token, the next one
    /// after `、`, `,`, `和`, `及` or `与`; with `directions`, an item may
    /// bring its own direction word after `、` (`分别增加A万元、减少B万元`).
    /// Returns (direction token, number token) pairs.
    fn figure_run(
        &self,
        toks: &[Tok],
        i: usize,
        range: (usize, usize),
        directions: bool,
    ) -> Vec<(Option<usize>, usize)> {
        let text = &self.text[range.0..range.1];
        let mut run = vec![(None, i)];
        let mut j = i + 1;
        while let Some(t) = toks.get(j) {
            let gap = &text[toks[run.last().unwrap().1].end..t.start];
            let sep = matches!(gap, "、" | "," | "和" | "及" | "与");
            if !sep {
                break;
            }
            if t.kind == TokKind::Number {
                run.push((None, j));
                j += 1;
            } else if directions
                && gap == "、"
                && t.kind == TokKind::Direction
                && toks
                    .get(j + 1)
                    .is_some_and(|n| n.kind == TokKind::Number && n.start == t.end)
            {
                run.push((Some(j), j + 1));
                j += 2;
            } else {
                break;
            }
        }
        run
    }

    /// The numbers of a run: an item without a unit takes the last item's
    /// (`各是4125.49,4143.91万元`). `None` when the last has no unit or an
    /// item's own unit is of another family.
    fn run_numbers(
        &self,
        toks: &[Tok],
        run: &[(Option<usize>, usize)],
        range: (usize, usize),
    ) -> Option<Vec<(Number, Span)>> {
        let text = self.text;
        let last = &toks[run.last()?.1];
        let (ua, ub) = last.caps[1]?;
        let last_unit = Unit::from_written(&text[range.0 + ua..range.0 + ub]);
        run.iter()
            .map(|&(_, k)| {
                let t = &toks[k];
                let (na, nb) = t.caps[0]?;
                let unit = match t.caps[1] {
                    Some((a, b)) => Unit::from_written(&text[range.0 + a..range.0 + b]),
                    None => last_unit.clone(),
                };
                if !same_family(&unit, &last_unit) {
                    return None;
                }
                let (ts, te) = (range.0 + t.start, range.0 + t.end);
                let number = Number::parse(&text[range.0 + na..range.0 + nb], unit, &text[ts..te])?;
                Some((number, self.span(ts, te)))
            })
            .collect()
    }

    /// `收入、支出总计分别为A万元、B万元`: a run of values after a parallel
    /// marker, paired with the subjects by position. When the subjects and
    /// the figures do not pair up, the figures are read without labels or
    /// links (not bound, so not checked). Returns the token index after
    /// the run, or `None` when this is not a parallel run.
    fn parallel_values_run(
        &mut self,
        toks: &[Tok],
        i: usize,
        sentence: usize,
        range: (usize, usize),
        from: usize,
    ) -> Option<usize> {
        let ts = range.0 + toks[i].start;
        let subject = parallel::before_marker(&self.text[from..ts])?;
        let run = self.figure_run(toks, i, range, false);
        if run.len() < 2 {
            return None;
        }
        let numbers = self.run_numbers(toks, &run, range)?;
        let labels = parallel::labels(&clean_label(subject)).filter(|l| l.len() == run.len());
        let bound = labels.is_some();
        let labels = labels.unwrap_or_else(|| vec![String::new(); run.len()]);
        let mut ids = Vec::new();
        for (label, (number, span)) in labels.into_iter().zip(numbers) {
            let kind = match &number.unit {
                u if u.is_money() => FactKind::Amount,
                Unit::Percent => FactKind::Percent,
                _ => FactKind::Count,
            };
            let mut f = self.new_fact(kind, Role::Value, label, Some(number), span, sentence);
            if bound {
                f.links.total = self.list_for(&f, false);
            }
            let id = self.push(f);
            if let Some(total) = self.facts[self.local(id)].links.total {
                let l = self.local(total);
                self.facts[l].links.items.push(id);
            }
            ids.push(id);
        }
        if bound {
            self.last_value = ids.last().copied();
            self.last_in_sentence = ids.last().copied();
            self.parallel_values = ids;
        }
        self.open_change = None;
        self.subject = None;
        Some(run.last()?.1 + 1)
    }

    /// `（收入、支出总计）分别减少C万元、D万元，分别下降E%、F%`: a run of
    /// changes after a parallel marker, paired by position with the named
    /// subjects' values, or with the paragraph's last parallel values; a
    /// run of rates completes the sentence's run of changes. Unpaired runs
    /// are read as changes of nothing (not checked).
    fn parallel_changes_run(
        &mut self,
        toks: &[Tok],
        i: usize,
        sentence: usize,
        range: (usize, usize),
        from: usize,
    ) -> Option<usize> {
        let text = self.text;
        let (ts, te) = (range.0 + toks[i].start, range.0 + toks[i].end);
        let subject = parallel::before_marker(&text[from..ts])?;
        toks.get(i + 1)
            .filter(|n| n.kind == TokKind::Number && n.start == toks[i].end)?;
        let run = self.figure_run(toks, i + 1, range, true);
        if run.len() < 2 {
            return None;
        }
        let numbers = self.run_numbers(toks, &run, range)?;
        let is_rate = numbers[0].0.unit == Unit::Percent;
        let norm = self.norm;
        let direction_at = |k: Option<usize>| {
            let (a, b) = k.map_or((ts, te), |k| {
                (range.0 + toks[k].start, range.0 + toks[k].end)
            });
            let word = text[a..b].trim_end_matches(['了', '为']);
            (direction_of(word), norm.original(a, b))
        };
        let n = run.len();
        let targets: Option<Vec<usize>> = if subject.is_empty() {
            (self.parallel_values.len() == n).then(|| self.parallel_values.clone())
        } else {
            parallel::labels(&clean_label(subject))
                .filter(|l| l.len() == n)
                .and_then(|ls| {
                    ls.iter()
                        .map(|l| {
                            self.facts
                                .iter()
                                .rev()
                                .find(|f| {
                                    f.role == Role::Value
                                        && f.kind != FactKind::Change
                                        && f.label == *l
                                })
                                .map(|f| f.id)
                        })
                        .collect()
                })
        };
        // A rate run that completes the changes just read.
        let completes = is_rate
            && self.parallel_changes.len() == n
            && self.parallel_changes.iter().all(|&c| {
                self.facts[self.local(c)]
                    .change
                    .as_ref()
                    .is_some_and(|ch| ch.rate.is_none())
            });
        let changes: Vec<usize> = if completes {
            self.parallel_changes.clone()
        } else {
            let mut ids = Vec::new();
            for (k, &(dir_tok, _)) in run.iter().enumerate() {
                let of = targets.as_ref().map(|t| t[k]);
                let (direction, dir_span) = direction_at(dir_tok);
                let (base, base_span) = match &self.pending_base {
                    Some((b, s)) => (Some(b.clone()), Some(*s)),
                    None => (None, None),
                };
                // The item's own figure (and its own direction word): the
                // run's other items are not part of it.
                let span = match dir_tok {
                    Some(_) => dir_span.cover(numbers[k].1),
                    None => numbers[k].1,
                };
                let mut f = self.new_fact(
                    FactKind::Change,
                    Role::Value,
                    self.label_of(of),
                    None,
                    span,
                    sentence,
                );
                f.change = Some(Box::new(Change {
                    direction,
                    direction_span: dir_span,
                    rate_direction: None,
                    base,
                    base_span,
                    delta: None,
                    rate: None,
                    prior: None,
                }));
                f.links.of = of;
                let id = self.push(f);
                if let Some(of) = of {
                    let l = self.local(of);
                    self.facts[l].links.changes.push(id);
                }
                ids.push(id);
            }
            ids
        };
        for (k, (number, span)) in numbers.into_iter().enumerate() {
            let change = changes[k];
            let (kind, role) = if is_rate {
                (FactKind::Percent, Role::Rate)
            } else if number.unit.is_money() {
                (FactKind::Amount, Role::Delta)
            } else {
                (FactKind::Count, Role::Delta)
            };
            let label = self.facts[self.local(change)].label.clone();
            let mut f = self.new_fact(kind, role, label, Some(number), span, sentence);
            f.links.of = Some(change);
            let fid = self.push(f);
            let rate_direction = completes.then(|| direction_at(run[k].0));
            let cf = &mut self.facts[change - self.first_id];
            let ch = cf.change.as_mut().unwrap();
            if is_rate {
                ch.rate = Some(fid);
                ch.rate_direction = rate_direction;
            } else {
                ch.delta = Some(fid);
            }
        }
        self.parallel_changes = changes;
        self.open_change = None;
        Some(run.last()?.1 + 1)
    }

    /// `较上年2.08减少0.03万元`: a bare number right after the comparison
    /// and right before a change in money is the prior value, in the
    /// change's unit (FORMS.md §3). Returns that unit as written.
    fn bare_prior_unit(&self, toks: &[Tok], i: usize, range: (usize, usize)) -> Option<&'a str> {
        let text = self.text;
        self.pending_base.as_ref()?;
        let t = &toks[i];
        let gap = text.get(self.base_end.min(range.0 + t.start)..range.0 + t.start)?;
        if !(gap.is_empty() || gap == "的") || t.caps[1].is_some() {
            return None;
        }
        let dir = toks
            .get(i + 1)
            .filter(|d| d.kind == TokKind::Direction && d.start == t.end)?;
        let delta = toks
            .get(i + 2)
            .filter(|n| n.kind == TokKind::Number && n.start == dir.end)?;
        let (a, b) = delta.caps[1]?;
        let unit = &text[range.0 + a..range.0 + b];
        Unit::from_written(unit).is_money().then_some(unit)
    }

    fn read_sentence(&mut self, sentence: usize, range: (usize, usize)) {
        let text = self.text;
        let stext = &text[range.0..range.1];
        let toks = tokens(stext);
        let mut clause_start = range.0;
        let mut last_end = range.0;
        self.last_in_sentence = None;
        self.open_change = None;
        self.pending_base = None;
        self.subject = None;
        self.pending_prior = None;
        self.paren = 0;
        self.parallel_changes.clear();
        self.continue_list(stext);
        let mut scanned = range.0;
        let mut i = 0;
        while i < toks.len() {
            let t = &toks[i];
            let (ts, te) = (range.0 + t.start, range.0 + t.end);
            self.scan_gap(&text[scanned.min(ts)..ts]);
            scanned = te;
            // Clause boundaries between the previous token and this one.
            if let Some(p) = text[last_end..ts].rfind([',', ';', ':', '!', '?']) {
                clause_start = last_end + p + 1;
                if text[last_end..ts].contains(';') {
                    self.open_change = None;
                }
            }
            let cap = |k: usize| {
                t.caps
                    .get(k)
                    .copied()
                    .flatten()
                    .map(|(a, b)| (range.0 + a, range.0 + b))
            };
            match t.kind {
                TokKind::List => {
                    if let Some(head) = self.last_value {
                        // The head an item of the open list: a nested list.
                        let nested = self.lists.last().is_some_and(|f| {
                            self.facts[self.local(head)].links.total == Some(f.head)
                        });
                        let paren = (nested && self.paren > 0).then_some(self.paren);
                        if !nested {
                            self.lists.clear();
                        }
                        if self.lists.last().is_none_or(|f| f.head != head) {
                            self.lists.push(ListFrame::new(head, paren));
                        }
                    }
                    clause_start = te;
                }
                TokKind::Base => {
                    self.pending_prior = None;
                    let subj = clean_label(&text[clause_start..ts]);
                    self.subject = Some(subj);
                    let (bs, be) = cap(0).or(cap(1)).unwrap_or((ts, te));
                    let base = if cap(1).is_some() {
                        "上年".to_owned()
                    } else {
                        text[bs..be].to_owned()
                    };
                    self.pending_base = Some((base, self.span(bs, be)));
                    self.base_end = te;
                    self.open_change = None;
                }
                TokKind::Direction => {
                    let from = clause_start.max(last_end).min(ts);
                    if let Some(end) = self.parallel_changes_run(&toks, i, sentence, range, from) {
                        last_end = range.0 + toks[end - 1].end;
                        i = end;
                        continue;
                    }
                    let word = &text[ts..te];
                    let direction = direction_of(word.trim_end_matches(['了', '为']));
                    let dir_span = {
                        let (ds, de) = cap(0).unwrap_or((ts, te));
                        self.span(ds, de)
                    };
                    // A number right after the word is the delta or the rate.
                    let next = toks
                        .get(i + 1)
                        .filter(|n| n.kind == TokKind::Number && n.start == t.end);
                    if let Some(n) = next {
                        let (ns, ne) = (range.0 + n.start, range.0 + n.end);
                        let digits = n.caps[0].map(|(a, b)| &stext[a..b]).unwrap_or("");
                        let unit_txt = n.caps[1].map(|(a, b)| &stext[a..b]).unwrap_or("");
                        let unit = Unit::from_written(unit_txt);
                        if let Some(number) = Number::parse(digits, unit.clone(), &text[ns..ne]) {
                            let is_rate = unit == Unit::Percent;
                            let reuse = self.open_change.filter(|&c| {
                                let ch = self.facts[self.local(c)].change.as_ref().unwrap();
                                if is_rate {
                                    ch.rate.is_none()
                                } else {
                                    ch.delta.is_none()
                                }
                            });
                            let change = match reuse {
                                Some(c) => c,
                                None => self.start_change(
                                    direction,
                                    dir_span,
                                    sentence,
                                    self.span(ts, ne),
                                ),
                            };
                            let label = self.facts[self.local(change)].label.clone();
                            let (kind, role) = if is_rate {
                                (FactKind::Percent, Role::Rate)
                            } else if unit.is_money() {
                                (FactKind::Amount, Role::Delta)
                            } else {
                                (FactKind::Count, Role::Delta)
                            };
                            let mut f = self.new_fact(
                                kind,
                                role,
                                label,
                                Some(number),
                                self.span(ns, ne),
                                sentence,
                            );
                            f.links.of = Some(change);
                            let fid = self.push(f);
                            let cl = self.local(change);
                            let cf = &mut self.facts[cl];
                            cf.span = cf.span.cover(self.norm.original(ns, ne));
                            let ch = cf.change.as_mut().unwrap();
                            if is_rate {
                                ch.rate = Some(fid);
                                if reuse.is_some() {
                                    ch.rate_direction = Some((direction, dir_span));
                                }
                            } else {
                                ch.delta = Some(fid);
                            }
                            last_end = ne;
                            i += 2;
                            continue;
                        }
                    }
                    // No number: `持平`, or `较上年增加` with a base just before.
                    let gap = text.get(self.base_end.min(ts)..ts).unwrap_or("");
                    let base_adjacent = self.pending_base.is_some()
                        && gap.chars().filter(|c| *c != ',').count() <= 2;
                    // `主要原因是与预算数持平` explains; it states no change.
                    let in_reason = text[clause_start.min(ts)..ts].contains("原因");
                    if !in_reason
                        && (direction == Direction::Unchanged && self.pending_base.is_some()
                            || base_adjacent)
                    {
                        self.start_change(direction, dir_span, sentence, dir_span);
                        self.open_change = None;
                        self.pending_base = None;
                    }
                }
                TokKind::Share => {
                    let (ns, ne) = cap(1).unwrap_or((ts, te));
                    let has_pct = cap(2).is_some();
                    let number = Number::parse(
                        &text[ns..ne],
                        if has_pct { Unit::Percent } else { Unit::None },
                        &text[ns..te],
                    );
                    if let Some(number) = number {
                        let of = self
                            .last_value
                            .filter(|&v| self.facts[self.local(v)].sentence == Some(sentence))
                            .or(self.last_value);
                        let mut f = self.new_fact(
                            FactKind::Share,
                            Role::Share,
                            self.label_of(of),
                            Some(number),
                            self.span(ns, te),
                            sentence,
                        );
                        f.links.of = of;
                        f.share_base = cap(0).map(|(a, b)| text[a..b].to_owned());
                        let id = self.push(f);
                        if let Some(of) = of {
                            let l = self.local(of);
                            if self.facts[l].links.share.is_none() {
                                self.facts[l].links.share = Some(id);
                            }
                        }
                    }
                }
                TokKind::Completion => {
                    let (ns, ne) = cap(1).unwrap_or((ts, te));
                    if let Some(number) = Number::parse(&text[ns..ne], Unit::Percent, &text[ns..te])
                    {
                        let of = self.last_value;
                        let mut f = self.new_fact(
                            FactKind::Percent,
                            Role::Completion,
                            self.label_of(of),
                            Some(number),
                            self.span(ns, te),
                            sentence,
                        );
                        f.links.of = of;
                        f.share_base = cap(0).map(|(a, b)| text[a..b].to_owned());
                        self.push(f);
                    }
                }
                TokKind::Number => {
                    let from = clause_start.max(last_end).min(ts);
                    if let Some(end) = self.parallel_values_run(&toks, i, sentence, range, from) {
                        last_end = range.0 + toks[end - 1].end;
                        i = end;
                        continue;
                    }
                    let (ns, ne) = cap(0).unwrap_or((ts, te));
                    let before_end = last_end;
                    let unit_txt = cap(1)
                        .map(|(a, b)| &text[a..b])
                        .or_else(|| self.bare_prior_unit(&toks, i, range))
                        .unwrap_or("");
                    // `万` must stand alone (`0.39万（含…`), not begin a word.
                    let unit_ok = unit_txt != "万" || !char_after(text, te).is_some_and(is_cjk);
                    // `单价100万元（含）以上设备`: a threshold, not a figure of the report.
                    let threshold = ["(含)以上", "以上", "及以上", "以下", "(含)以下"]
                        .iter()
                        .any(|w| text[te..].starts_with(w));
                    let unit_ok = unit_ok && !threshold;
                    if is_figure(text, ns, ne, !unit_txt.is_empty() && unit_ok) {
                        let unit = Unit::from_written(unit_txt);
                        if let Some(number) =
                            Number::parse(&text[ns..ne], unit.clone(), &text[ns..te])
                        {
                            let kind = match &unit {
                                u if u.is_money() => FactKind::Amount,
                                Unit::Percent => FactKind::Percent,
                                _ => FactKind::Count,
                            };
                            // `较上年的2190万元减少221万元`: the amount compared
                            // with, not the current one.
                            let after_base = text.get(self.base_end.min(ns)..ns);
                            if kind == FactKind::Amount
                                && self.open_change.is_none()
                                && self.pending_prior.is_none()
                                && after_base.is_some_and(|g| g.is_empty() || g == "的")
                            {
                                if let Some((base, _)) = self.pending_base.clone() {
                                    let of = self.target();
                                    let label = format!("{}({base})", self.label_of(of));
                                    let f = self.new_fact(
                                        kind,
                                        Role::Value,
                                        label,
                                        Some(number),
                                        self.span(ns, te),
                                        sentence,
                                    );
                                    self.pending_prior = Some(self.push(f));
                                    last_end = te;
                                    i += 1;
                                    continue;
                                }
                            }
                            let raw = &text[clause_start.max(last_end).min(ns)..ns];
                            let mut label = clean_label(raw);
                            if label.is_empty() && text[..ns].ends_with(':') {
                                label = colon_label(text, range.0.max(last_end), ns - 1);
                            }
                            if label.is_empty() && kind == FactKind::Count {
                                label = noun_after(&text[te..]);
                            }
                            if label.is_empty() {
                                label = self.label_of(self.last_in_sentence);
                            } else if let Some(prev) = self.last_in_sentence {
                                label = carry_qualifier(&self.facts[self.local(prev)].label, label);
                            }
                            let mut f = self.new_fact(
                                kind,
                                Role::Value,
                                label,
                                Some(number),
                                self.span(ns, te),
                                sentence,
                            );
                            // List membership: same family as the total; a
                            // closing `合计1170.00万` restates the total.
                            let restates =
                                matches!(f.label.as_str(), "合计" | "总计" | "小计" | "共计");
                            // `…，其中：` right after it: it heads a list.
                            let opens_list = toks.get(i + 1).is_some_and(|n| {
                                n.kind == TokKind::List
                                    && text[te..range.0 + n.start]
                                        .chars()
                                        .all(|c| matches!(c, ',' | ':' | '('))
                            });
                            if !restates {
                                f.links.total = self.list_for(&f, opens_list);
                            }
                            let id = self.push(f);
                            if let Some(total) = self.facts[self.local(id)].links.total {
                                let l = self.local(total);
                                self.facts[l].links.items.push(id);
                            }
                            if kind == FactKind::Amount {
                                self.last_value = Some(id);
                                self.open_change = None;
                                self.pending_base = None;
                                self.subject = None;
                            }
                            self.last_in_sentence = Some(id);
                            last_end = te;
                            i += 1;
                            continue;
                        }
                    }
                    // Not a figure (a year, a list number): part of the text.
                    last_end = before_end;
                    i += 1;
                    continue;
                }
            }
            last_end = te;
            i += 1;
        }
    }
}

/// `①财政拨款收入：53.24亿元`: the label written before the colon right in
/// front of a figure (a short phrase of its clause, no figures in it).
fn colon_label(text: &str, from: usize, colon: usize) -> String {
    let clause = &text[from.min(colon)..colon];
    let start = clause
        .rfind([',', ';', ':', '!', '?', '。'])
        .map_or(0, |p| p + 1);
    let label = clean_label(&clause[start..]);
    let short = label.chars().count() <= 20 && !label.contains(|c: char| c.is_ascii_digit());
    if short {
        label
    } else {
        String::new()
    }
}

/// `财政拨款收入总计…，支出总计…`: the second label means 财政拨款支出总计.
/// A bare `收入…`/`支出…` label takes the qualifier in front of the opposite
/// word in the previous label of the sentence.
fn carry_qualifier(prev: &str, label: String) -> String {
    for (mine, other) in [("支出", "收入"), ("收入", "支出")] {
        if label.starts_with(mine) {
            if let Some(i) = prev.find(other) {
                if i > 0 {
                    return format!("{}{}", &prev[..i], label);
                }
            }
        }
    }
    label
}

fn same_family(a: &Unit, b: &Unit) -> bool {
    (a.is_money() && b.is_money()) || a == b
}

/// The noun a count is of, written after it: `2个项目开展了…` → `项目`.
fn noun_after(rest: &str) -> String {
    let stop = ["开展", "进行", "实施", "的", "中", "及", "和"];
    let mut out = String::new();
    for (i, c) in rest.char_indices() {
        if !is_cjk(c) || stop.iter().any(|s| rest[i..].starts_with(s)) || out.chars().count() >= 6 {
            break;
        }
        out.push(c);
    }
    out
}

/// Why a prose figure is not bound with confidence, for the coverage report
/// (a figure no rule checked): the delta or rate of a change written after
/// a list's last item, which may be the item's or the list head's.
pub fn binding_doubt(facts: &[Fact], f: &Fact) -> Option<&'static str> {
    let change = facts.get(f.links.of?)?;
    (change.kind == FactKind::Change && change.links.alt_of.is_some())
        .then_some("变动写在列举之后，可能属于末项或其合计，未能确定")
}

/// Read the facts of one paragraph; returns them with ids from `first_id`.
pub fn read_paragraph(
    norm: &Normalized,
    sentences: &[(usize, (usize, usize))],
    section: usize,
    paragraph: usize,
    first_id: usize,
) -> Vec<Fact> {
    let mut r = Reader {
        norm,
        text: &norm.text,
        section,
        paragraph,
        first_id,
        facts: Vec::new(),
        last_value: None,
        last_in_sentence: None,
        open_change: None,
        pending_base: None,
        base_end: 0,
        subject: None,
        pending_prior: None,
        lists: Vec::new(),
        paren: 0,
        parallel_values: Vec::new(),
        parallel_changes: Vec::new(),
    };
    for &(sid, range) in sentences {
        r.read_sentence(sid, range);
    }
    // A change read after what was then the list's last item: the list went
    // on, or another item took a change, so it is the item's after all.
    for i in 0..r.facts.len() {
        let (Some(of), Some(alt)) = (r.facts[i].links.of, r.facts[i].links.alt_of) else {
            continue;
        };
        if r.alt_target(of) != Some(alt) {
            r.facts[i].links.alt_of = None;
        }
    }
    r.facts
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::text::{lines, Normalized};

    fn read(text: &str) -> (Normalized, Vec<Fact>) {
        let pieces: Vec<Span> = lines(text).iter().map(|l| l.span).collect();
        let norm = Normalized::from_pieces(text, &pieces);
        let mut sents = Vec::new();
        let mut start = 0;
        for (i, c) in norm.text.char_indices() {
            if c == '。' {
                sents.push((sents.len(), (start, i + c.len_utf8())));
                start = i + c.len_utf8();
            }
        }
        if start < norm.text.len() {
            sents.push((sents.len(), (start, norm.text.len())));
        }
        let facts = read_paragraph(&norm, &sents, 0, 0, 0);
        (norm, facts)
    }

    /// (label, text) of each fact of a role, in order.
    fn of_role(text: &str, facts: &[Fact], role: Role) -> Vec<(String, String)> {
        facts
            .iter()
            .filter(|f| f.role == role && f.kind != FactKind::Change)
            .map(|f| (f.label.clone(), text[f.span.range()].to_owned()))
            .collect()
    }

    fn pairs(v: &[(&str, &str)]) -> Vec<(String, String)> {
        v.iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    }

    #[test]
    fn parallel_values_changes_and_rates_pair_by_position() {
        let text = "2024年度收入、支出总计分别为4125.49万元、4143.91万元。与上年相比，收入、支出总计分别减少1267.86万元、2570.97万元，分别下降23.51%、38.28%。";
        let (_, facts) = read(text);
        assert_eq!(
            of_role(text, &facts, Role::Value)
                .into_iter()
                .filter(|(_, t)| t.ends_with("万元"))
                .collect::<Vec<_>>(),
            pairs(&[("收入总计", "4125.49万元"), ("支出总计", "4143.91万元")])
        );
        // Each change: its value, its delta and its rate, by position.
        let changes: Vec<&Fact> = facts
            .iter()
            .filter(|f| f.kind == FactKind::Change)
            .collect();
        assert_eq!(changes.len(), 2);
        for (c, (label, delta, rate)) in changes.iter().zip([
            ("收入总计", "1267.86万元", "23.51%"),
            ("支出总计", "2570.97万元", "38.28%"),
        ]) {
            let ch = c.change.as_ref().unwrap();
            assert_eq!(facts[c.links.of.unwrap()].label, label);
            assert_eq!(ch.direction, Direction::Decrease);
            assert_eq!(ch.base.as_deref(), Some("上年"));
            assert_eq!(&text[facts[ch.delta.unwrap()].span.range()], delta);
            assert_eq!(&text[facts[ch.rate.unwrap()].span.range()], rate);
            assert_eq!(ch.rate_direction.unwrap().0, Direction::Decrease);
            // The change's span is its own figure, not the whole run.
            assert_eq!(&text[c.span.range()], delta);
        }
    }

    #[test]
    fn parallel_runs_with_one_unit_and_abbreviated_subjects() {
        // FORMS.md §3: `收、支总计各是A,B万元…各减少C,D万元,各下降E%、F%`.
        let text = "收、支总计各是4125.49,4143.91万元，比上年各减少1267.86,2570.97万元,各下降23.51%、38.28%。";
        let (_, facts) = read(text);
        assert_eq!(
            of_role(text, &facts, Role::Value)
                .into_iter()
                .filter(|(l, _)| l.ends_with("总计"))
                .collect::<Vec<_>>(),
            pairs(&[("收入总计", "4125.49"), ("支出总计", "4143.91万元")])
        );
        let amount = facts.iter().find(|f| f.label == "收入总计").unwrap();
        assert_eq!(amount.number.as_ref().unwrap().unit, Unit::WanYuan);
        assert_eq!(
            of_role(text, &facts, Role::Delta),
            pairs(&[("收入总计", "1267.86"), ("支出总计", "2570.97万元")])
        );
        assert_eq!(
            of_role(text, &facts, Role::Rate),
            pairs(&[("收入总计", "23.51%"), ("支出总计", "38.28%")])
        );
    }

    #[test]
    fn parallel_changes_with_their_own_directions() {
        let text = "基本支出、项目支出分别为300万元、100万元，较上年分别增加30万元、减少20万元。";
        let (_, facts) = read(text);
        let changes: Vec<(String, Direction)> = facts
            .iter()
            .filter(|f| f.kind == FactKind::Change)
            .map(|f| (f.label.clone(), f.change.as_ref().unwrap().direction))
            .collect();
        assert_eq!(
            changes,
            [
                ("基本支出".to_owned(), Direction::Increase),
                ("项目支出".to_owned(), Direction::Decrease)
            ]
        );
    }

    #[test]
    fn parallel_runs_that_do_not_pair_up_are_not_bound() {
        // Two subjects, three figures: nothing is guessed.
        let text = "收入、支出总计分别为100万元、200万元、300万元，分别增长10%、20%。";
        let (_, facts) = read(text);
        assert!(facts
            .iter()
            .filter(|f| f.role == Role::Value && f.kind == FactKind::Amount)
            .all(|f| f.label.is_empty() && f.links.changes.is_empty()));
        assert!(facts
            .iter()
            .filter(|f| f.kind == FactKind::Change)
            .all(|f| f.links.of.is_none()));
    }

    #[test]
    fn a_bare_prior_value_takes_the_unit_of_its_change() {
        let text = "公务接待费较上年2.08减少0.03万元,减少了1.44%。";
        let (_, facts) = read(text);
        let change = facts.iter().find(|f| f.kind == FactKind::Change).unwrap();
        let prior = &facts[change.change.as_ref().unwrap().prior.unwrap()];
        assert_eq!(&text[prior.span.range()], "2.08");
        assert_eq!(prior.number.as_ref().unwrap().unit, Unit::WanYuan);
        // A bare number not followed by a change in money is no figure.
        let (_, facts) = read("较上年2.08倍。");
        assert!(facts.is_empty());
    }

    #[test]
    fn labels_are_cleaned() {
        assert_eq!(clean_label("2024年度本年收入合计"), "收入合计");
        assert_eq!(clean_label("其中:财政拨款收入"), "财政拨款收入");
        // 全年 is a period, but 全年预算 is the adjusted budget.
        assert_eq!(clean_label("全年支出"), "支出");
        assert_eq!(clean_label("全年预算"), "全年预算");
        assert_eq!(clean_label("2024年全年预算数"), "全年预算数");
        assert_eq!(clean_label("(1)一般公共服务支出"), "一般公共服务支出");
        assert_eq!(
            clean_label("本单位2024年度一般公共预算财政拨款支出"),
            "一般公共预算财政拨款支出"
        );
        assert_eq!(clean_label("\"三公\"经费支出共计"), "\"三公\"经费支出");
        assert_eq!(clean_label("公务车保有量为"), "公务车保有量");
        assert_eq!(clean_label("年初结转和结余"), "年初结转和结余");
        // Bullets (`——` folds to `--`) and an aside's `（含`.
        assert_eq!(clean_label("--一般公共服务支出"), "一般公共服务支出");
        assert_eq!(clean_label("●教育支出"), "教育支出");
        assert_eq!(clean_label("(含外宾接待支出"), "外宾接待支出");
    }

    #[test]
    fn a_label_before_a_colon() {
        let (_, facts) = read("本年收入包括：①财政拨款收入：53.24亿元；②事业收入：147.1亿元。");
        let labels: Vec<&str> = facts.iter().map(|f| f.label.as_str()).collect();
        assert_eq!(labels, ["财政拨款收入", "事业收入"]);
        // Not a label: a long clause, or one with figures in it.
        let (_, facts) = read("按照2024年的规定：100万元。");
        assert_eq!(facts[0].label, "");
        let (_, facts) = read("根据预算安排的有关要求和本单位的实际情况经研究决定如下：100万元。");
        assert_eq!(facts[0].label, "");
    }

    #[test]
    fn amount_share_and_change() {
        let text = "（1） 一般公共服务支出257.56万元，占比83.36%。较年初预算数增加12.79万元，增长5.23%，主要原因是追加项目。";
        let (_, facts) = read(text);
        let amount = &facts[0];
        assert_eq!(amount.kind, FactKind::Amount);
        assert_eq!(amount.label, "一般公共服务支出");
        assert_eq!(&text[amount.span.range()], "257.56万元");
        let share = &facts[amount.links.share.unwrap()];
        assert_eq!(&text[share.span.range()], "83.36%");
        assert_eq!(amount.links.changes.len(), 1);
        let change = &facts[amount.links.changes[0]];
        let ch = change.change.as_ref().unwrap();
        assert_eq!(ch.direction, Direction::Increase);
        assert_eq!(ch.base.as_deref(), Some("年初预算数"));
        assert_eq!(&text[facts[ch.delta.unwrap()].span.range()], "12.79万元");
        assert_eq!(&text[facts[ch.rate.unwrap()].span.range()], "5.23%");
        assert_eq!(ch.rate_direction.unwrap().0, Direction::Increase);
    }

    #[test]
    fn decrease_and_unchanged() {
        let (_, facts) = read("卫生健康支出11.95万元，占3.87%，较年初预算数减少0.05万元，下降0.42%。住房保障支出9.81万元，占3.17%，较年初预算数无增减。");
        let changes: Vec<&Fact> = facts
            .iter()
            .filter(|f| f.kind == FactKind::Change)
            .collect();
        assert_eq!(changes.len(), 2);
        assert_eq!(
            changes[0].change.as_ref().unwrap().direction,
            Direction::Decrease
        );
        assert_eq!(
            changes[1].change.as_ref().unwrap().direction,
            Direction::Unchanged
        );
        assert_eq!(facts[changes[1].links.of.unwrap()].label, "住房保障支出");
    }

    #[test]
    fn list_items_link_to_total_across_sentences() {
        let (_, facts) = read("基本支出242.27万元。其中：人员经费211.73万元，主要用于工资，较上年决算数增加10.96万元，增长5.46%。公用经费30.54万元，较上年决算数减少3.19万元，下降9.46%。");
        let total = &facts[0];
        let items: Vec<&str> = total
            .links
            .items
            .iter()
            .map(|&i| facts[i].label.as_str())
            .collect();
        assert_eq!(items, vec!["人员经费", "公用经费"]);
        let ry = facts
            .iter()
            .find(|f| f.label == "人员经费" && f.role == Role::Value)
            .unwrap();
        assert_eq!(ry.links.changes.len(), 1);
    }

    #[test]
    fn years_dates_phones_are_not_figures() {
        let (_, facts) = read(
            "截至2024年12月31日，本单位共有车辆0辆。联系电话：023-81222208。2024年培训大幅减少。",
        );
        assert_eq!(facts.len(), 1);
        assert_eq!(facts[0].label, "车辆");
        assert_eq!(facts[0].kind, FactKind::Count);
    }

    #[test]
    fn subject_before_comparison() {
        let (_, facts) = read(
            "2024年度收入总计308.97万元，支出总计308.97万元。收支较上年增加17.75万元，增长6.10%。",
        );
        let change = facts.iter().find(|f| f.kind == FactKind::Change).unwrap();
        assert_eq!(change.label, "收支");
        assert_eq!(facts[change.links.of.unwrap()].label, "支出总计");
    }

    #[test]
    fn counts_take_the_noun_after() {
        let (_, facts) = read("根据要求，我中心对2个项目开展了绩效自评。");
        assert_eq!(facts[0].label, "项目");
        assert_eq!(facts[0].kind, FactKind::Count);
    }

    #[test]
    fn share_with_named_base() {
        let (_, facts) = read("项目支出66.70万元，占本年支出合计的21.59%。");
        let share = facts.iter().find(|f| f.kind == FactKind::Share).unwrap();
        assert_eq!(share.share_base.as_deref(), Some("本年支出合计"));
        assert_eq!(share.label, "项目支出");
    }

    fn items_of(facts: &[Fact], id: usize) -> Vec<&str> {
        facts[id]
            .links
            .items
            .iter()
            .map(|&i| facts[i].label.as_str())
            .collect()
    }

    #[test]
    fn a_list_ends_with_its_sentence() {
        let (_, facts) = read("收入预算1,250.00万元，其中：财政拨款收入1,200.00万元；事业收入50.00万元；其他收入0万元。支出预算1,250.00万元，主要用于保障运转。");
        assert_eq!(
            items_of(&facts, 0),
            vec!["财政拨款收入", "事业收入", "其他收入"]
        );
        let spending = facts.iter().find(|f| f.label == "支出预算").unwrap();
        assert_eq!(spending.links.total, None);
    }

    #[test]
    fn a_one_item_list_stops_at_a_total_or_the_other_side() {
        let (_, facts) =
            read("收入预算100万元，其中：财政拨款收入100万元。支出预算100万元，主要用于运转。");
        assert_eq!(items_of(&facts, 0), vec!["财政拨款收入"]);
        let (_, facts) = read("支出100万元，其中：基本支出60万元，主要用于工资。合计100万元。");
        assert_eq!(items_of(&facts, 0), vec!["基本支出"]);
    }

    #[test]
    fn a_wrapped_list_is_one_list() {
        let (_, facts) = read(
            "收入预算1,250.00 万元，其\n中：财政拨款收入 1,200.00 万\n元；事业收入 50.00\n 万元。",
        );
        assert_eq!(items_of(&facts, 0), vec!["财政拨款收入", "事业收入"]);
    }

    #[test]
    fn nested_lists_close_at_their_parenthesis_or_semicolon() {
        for text in [
            "支出1250万元，其中：基本支出1000万元（其中：人员经费800万元，公用经费200万元），项目支出250万元。",
            "支出1250万元，其中：基本支出1000万元，其中：人员经费800万元，公用经费200万元；项目支出250万元。",
            "支出1250万元，其中：基本支出1000万元，其中：人员经费800万元、公用经费200万元，项目支出250万元。",
        ] {
            let (_, facts) = read(text);
            assert_eq!(items_of(&facts, 0), vec!["基本支出", "项目支出"], "{text}");
            assert_eq!(items_of(&facts, 1), vec!["人员经费", "公用经费"], "{text}");
        }
    }

    #[test]
    fn an_amount_opening_its_own_list_is_a_new_head() {
        let (_, facts) = read("A项目经费100元，其中：基本支出0元，项目支出100元；B项目经费200元，其中：基本支出0元，项目支出200元。");
        assert_eq!(items_of(&facts, 0), vec!["基本支出", "项目支出"]);
        let b = facts.iter().position(|f| f.label == "B项目经费").unwrap();
        assert_eq!(facts[b].links.total, None);
        assert_eq!(items_of(&facts, b), vec!["基本支出", "项目支出"]);
    }

    #[test]
    fn the_prior_amount_of_a_change() {
        let text = "支出预算2,190万元，较上年的2,411万元减少221万元，下降9.17%。";
        let (_, facts) = read(text);
        let change = facts.iter().find(|f| f.kind == FactKind::Change).unwrap();
        assert_eq!(
            &text[facts[change.links.of.unwrap()].span.range()],
            "2,190万元"
        );
        let prior = change.change.as_ref().unwrap().prior.unwrap();
        assert_eq!(&text[facts[prior].span.range()], "2,411万元");
        assert_eq!(facts[prior].label, "支出预算(上年)");
    }

    #[test]
    fn a_change_after_a_lists_last_item_may_be_the_heads() {
        let (_, facts) = read(
            "总预算500万元，其中：基本支出300万元，项目支出200万元，同比增加100万元，增长25%。",
        );
        let change = facts.iter().find(|f| f.kind == FactKind::Change).unwrap();
        assert_eq!(facts[change.links.of.unwrap()].label, "项目支出");
        assert_eq!(facts[change.links.alt_of.unwrap()].label, "总预算");
        // After the first item, with more items to come: the item's.
        let (_, facts) = read("收入9101.68万元，其中：财政拨款收入9101.68万元，比2024年预算减少2389.52万元；事业收入0万元；其他收入0万元。");
        let change = facts.iter().find(|f| f.kind == FactKind::Change).unwrap();
        assert_eq!(change.links.alt_of, None);
    }
}
