//! Script failures as located, classified [`ScriptError`]s: every Rhai error
//! is mapped to a kind, a bilingual message and the position in the main
//! script where it happened (so the diagnostic points at the rule author's
//! line, not into Rhai or an imported module).

use std::fmt;

use rhai::{EvalAltResult, ParseError, Position};

use super::{API_ERROR, MAX_NATIVE_STACK, TOKEN_BUDGET, TOKEN_DEADLINE, TOKEN_STACK};

/// Classification of a script failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScriptErrorKind {
    Syntax,
    /// A call the sandbox does not allow (`eval`), found when compiling.
    Forbidden,
    TooManyOperations,
    OperationBudget,
    Timeout,
    StackOverflow,
    DataTooLarge,
    TooManyVariables,
    TooManyModules,
    FunctionNotFound,
    VariableNotFound,
    ModuleNotFound,
    ImportDenied,
    Thrown,
    /// A gouji API function was called wrongly (a `()` where a node belongs,
    /// an unknown key in a `report` map, an invalid regex …).
    ApiMisuse,
    TypeMismatch,
    Arithmetic,
    IndexOutOfBounds,
    Runtime,
}

/// A located script error. `line`/`column` are 1-based (column counts chars, as Rhai
/// does); `byte_offset` is the 0-based byte offset into the script text (for miette),
/// available when the script text is known (always after [`compile`]; after [`run`]
/// call [`ScriptError::locate_in`] with the script text).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct ScriptError {
    pub kind: ScriptErrorKind,
    pub message: String,
    /// Source name the position refers to.
    pub source_name: Option<String>,
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub byte_offset: Option<usize>,
}

impl fmt::Display for ScriptError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(s) = &self.source_name {
            write!(f, "{s}")?;
        }
        match (self.line, self.column) {
            (Some(l), Some(c)) => write!(f, ":{l}:{c}")?,
            (Some(l), None) => write!(f, ":{l}")?,
            _ => (),
        }
        if self.source_name.is_some() || self.line.is_some() {
            f.write_str(": ")?;
        }
        f.write_str(&self.message)
    }
}

impl ScriptError {
    /// Fill `byte_offset` from `line`/`column` using the script text.
    pub fn locate_in(&mut self, script: &str) -> &mut Self {
        self.byte_offset = match (self.line, self.column) {
            (Some(l), c) => byte_offset(script, l, c.unwrap_or(1)),
            _ => None,
        };
        self
    }
}

/// Convert a Rhai position (1-based line, 1-based column counted in `char`s) into a
/// byte offset into `script`. Lines are split on `'\n'` (a `'\r'` counts as a column,
/// exactly as in Rhai's tokenizer). Positions past the end clamp to the end of the
/// line / text.
pub fn byte_offset(script: &str, line: usize, column: usize) -> Option<usize> {
    if line == 0 {
        return None;
    }
    let mut start = 0usize;
    for _ in 1..line {
        match script[start..].find('\n') {
            Some(i) => start += i + 1,
            None => return Some(script.len()),
        }
    }
    let line_text = &script[start..];
    let line_text = &line_text[..line_text.find('\n').unwrap_or(line_text.len())];
    let col = column.max(1) - 1;
    let within = line_text
        .char_indices()
        .nth(col)
        .map_or(line_text.len(), |(i, _)| i);
    Some(start + within)
}

pub(super) fn located(
    kind: ScriptErrorKind,
    message: String,
    source: Option<&str>,
    pos: Position,
) -> ScriptError {
    ScriptError {
        kind,
        message,
        source_name: source.map(str::to_string),
        line: pos.line(),
        column: pos.position(),
        byte_offset: None,
    }
}

pub(super) fn parse_error(source_name: &str, script: &str, e: &ParseError) -> ScriptError {
    let msg = e.err_type().to_string();
    let (kind, message) = match e.err_type() {
        rhai::ParseErrorType::BadInput(rhai::LexError::ImproperSymbol(w, _)) if w == "eval" => (
            ScriptErrorKind::Forbidden,
            "eval is not allowed in gouji scripts / 规则脚本中不允许使用 eval".to_owned(),
        ),
        _ => (
            ScriptErrorKind::Syntax,
            format!("syntax error: {msg} / 语法错误：{msg}"),
        ),
    };
    let mut err = located(kind, message, Some(source_name), e.position());
    err.locate_in(script);
    err
}

/// `err`'s Display text without Rhai's trailing " (line L, position C)".
fn plain(err: &EvalAltResult) -> String {
    let text = err.to_string();
    let pos = err.position();
    if pos.is_none() {
        return text;
    }
    let suffix = format!(" ({pos})");
    text.strip_suffix(&suffix)
        .map_or(text.clone(), str::to_string)
}

/// Describe the root cause of a (non-wrapper) Rhai error in English / Chinese.
fn describe(err: &EvalAltResult, limits_ops: u64) -> (ScriptErrorKind, String) {
    use EvalAltResult as E;
    use ScriptErrorKind as K;
    match err {
        E::ErrorTooManyOperations(_) => (
            K::TooManyOperations,
            format!(
                "script exceeded the operation limit ({limits_ops}); possible infinite loop / \
                 脚本运算次数超过上限（{limits_ops}），可能存在死循环"
            ),
        ),
        E::ErrorTerminated(tok, _) if tok.to_string() == TOKEN_BUDGET => (
            K::OperationBudget,
            "script exceeded the operation budget given by the host; possible infinite loop / \
             脚本运算次数超过宿主设定的预算，可能存在死循环"
                .into(),
        ),
        E::ErrorTerminated(tok, _) if tok.to_string() == TOKEN_STACK => (
            K::StackOverflow,
            format!(
                "script nested too deeply: more than {} KiB of native stack / \
                 脚本嵌套过深，超过栈空间上限（{} KiB）",
                MAX_NATIVE_STACK >> 10,
                MAX_NATIVE_STACK >> 10
            ),
        ),
        E::ErrorTerminated(tok, _) if tok.to_string() == TOKEN_DEADLINE => (
            K::Timeout,
            "script exceeded its wall-clock time limit / 脚本运行超时".into(),
        ),
        E::ErrorTerminated(tok, _) => (
            K::Runtime,
            format!("script terminated: {tok} / 脚本被终止：{tok}"),
        ),
        E::ErrorStackOverflow(_) => (
            K::StackOverflow,
            "function calls nested too deeply (stack overflow / runaway recursion) / \
             函数调用层数过深（栈溢出或无限递归）"
                .into(),
        ),
        E::ErrorDataTooLarge(what, _) => (
            K::DataTooLarge,
            format!("{what} exceeds the sandbox size limit / 数据大小超过沙箱上限：{what}"),
        ),
        E::ErrorTooManyVariables(_) => (
            K::TooManyVariables,
            "too many variables / 变量数量超过上限".into(),
        ),
        E::ErrorTooManyModules(_) => (
            K::TooManyModules,
            "too many imported modules / 导入模块数量超过上限".into(),
        ),
        E::ErrorFunctionNotFound(sig, _) => (
            K::FunctionNotFound,
            format!("function not found: {sig} / 函数未定义：{sig}"),
        ),
        E::ErrorVariableNotFound(name, _) => (
            K::VariableNotFound,
            format!("variable not found: {name} / 变量未定义：{name}"),
        ),
        E::ErrorModuleNotFound(name, _) => (
            K::ModuleNotFound,
            format!("module not found: '{name}' / 找不到模块：'{name}'"),
        ),
        E::ErrorRuntime(v, _) => {
            let v = v.to_string();
            if let Some(why) = v.strip_prefix(API_ERROR) {
                (
                    K::ApiMisuse,
                    format!("API misuse: {why} / 接口使用错误：{why}"),
                )
            } else if let Some(why) = v.strip_prefix("import failed: ") {
                (
                    K::ImportDenied,
                    format!("imported module failed: {why} / 导入的模块出错：{why}"),
                )
            } else if let Some(why) = v.strip_prefix("import denied: ") {
                (
                    K::ImportDenied,
                    format!("import denied: {why} / 禁止导入：{why}"),
                )
            } else {
                (
                    K::Thrown,
                    format!("script threw an error: {v} / 脚本抛出错误：{v}"),
                )
            }
        }
        E::ErrorParsing(p, _) => (K::Syntax, format!("syntax error: {p} / 语法错误：{p}")),
        E::ErrorMismatchDataType(..) | E::ErrorMismatchOutputType(..) => (
            K::TypeMismatch,
            format!("type mismatch: {t} / 类型不匹配：{t}", t = plain(err)),
        ),
        E::ErrorArithmetic(m, _) => (
            K::Arithmetic,
            format!("arithmetic error: {m} / 算术错误：{m}"),
        ),
        E::ErrorArrayBounds(..) | E::ErrorStringBounds(..) | E::ErrorBitFieldBounds(..) => (
            K::IndexOutOfBounds,
            format!("index out of bounds: {t} / 下标越界：{t}", t = plain(err)),
        ),
        other => (
            K::Runtime,
            format!("runtime error: {t} / 运行时错误：{t}", t = plain(other)),
        ),
    }
}

/// Map an evaluation error to a [`ScriptError`].
///
/// The reported position is the innermost one that lies in the main script: errors
/// inside script functions defined in the same script point at the failing statement
/// inside the function; errors inside imported modules point at the `import`/call
/// site, with the module's own position included in the message.
pub(super) fn eval_error(
    err: &EvalAltResult,
    main_source: Option<&str>,
    max_ops: u64,
) -> ScriptError {
    use EvalAltResult as E;
    let mut pos = err.position();
    let mut cur = err;
    let mut context: Vec<String> = Vec::new();
    let same = |s: &str| s.is_empty() || Some(s) == main_source;
    loop {
        match cur {
            E::ErrorInFunctionCall(name, src, inner, p) => {
                if same(src) {
                    if !p.is_none() && pos.is_none() {
                        pos = *p;
                    }
                    context.push(format!("in function '{name}'"));
                    if !inner.position().is_none() {
                        pos = inner.position();
                    }
                } else {
                    let ip = inner.position();
                    context.push(format!("in function '{name}' of module '{src}' at {ip}"));
                }
                cur = inner;
            }
            E::ErrorInModule(name, inner, p) => {
                if !p.is_none() {
                    pos = *p;
                }
                let ip = inner.position();
                if ip.is_none() {
                    context.push(format!("in module '{name}'"));
                } else {
                    context.push(format!("in module '{name}' at {ip}"));
                }
                // Everything below lives in another file: keep the import-site position.
                let mut c = inner.as_ref();
                while let E::ErrorInFunctionCall(.., i, _) | E::ErrorInModule(_, i, _) = c {
                    c = i;
                }
                cur = c;
                break;
            }
            _ => break,
        }
    }
    let (kind, mut message) = describe(cur, max_ops);
    if !context.is_empty() {
        message.push_str(" [");
        message.push_str(&context.join("; "));
        message.push(']');
    }
    located(kind, message, main_source, pos)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn byte_offset_helper() {
        let s = "ab\r\n中文x\n";
        assert_eq!(byte_offset(s, 1, 1), Some(0));
        assert_eq!(byte_offset(s, 2, 1), Some(4));
        assert_eq!(byte_offset(s, 2, 3), Some(4 + 6));
        assert_eq!(byte_offset(s, 2, 99), Some(4 + 7));
        assert_eq!(byte_offset(s, 9, 1), Some(s.len()));
        assert_eq!(byte_offset(s, 0, 1), None);
    }
}
