//! The `gouji` binary: arguments → library → output → exit code.

use clap::{Parser, Subcommand, ValueEnum};
use gouji::baseline::{self, Baseline};
use gouji::check;
use gouji::config::Config;
use gouji::diagnostic::Severity;
use gouji::error::LoadError;
use gouji::fsutil;
use gouji::render::{github, html, human, json, junit, sarif};
use gouji::rule::{self, RuleSet};
use gouji::source::Encoding;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

// Counts each thread's heap use, for the per-file memory budget
// (`max_memory_mb`); otherwise the system allocator.
#[global_allocator]
static ALLOCATOR: gouji_meter::Meter = gouji_meter::Meter;

#[derive(Parser)]
#[command(
    name = "gouji",
    version,
    about = "勾稽 — audit linter for 决算/预算公开说明"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
enum Format {
    Human,
    Json,
}

/// Output formats of `check`.
#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
enum CheckFormat {
    Human,
    Json,
    Sarif,
    /// GitHub Actions workflow commands (annotations).
    Github,
    Junit,
    /// A self-contained HTML page for reviewers (give a file with -o).
    Html,
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
enum FailOn {
    Error,
    Warning,
    Info,
    Never,
}

/// `--encoding`: the command-line names of [`Encoding`] (the library type
/// stays free of clap).
#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
enum EncodingArg {
    #[value(name = "utf-8", alias = "utf8")]
    Utf8,
    #[value(name = "utf-16le", alias = "utf16le")]
    Utf16Le,
    #[value(name = "utf-16be", alias = "utf16be")]
    Utf16Be,
    #[value(name = "gb18030", alias = "gbk")]
    Gb18030,
}

impl From<EncodingArg> for Encoding {
    fn from(e: EncodingArg) -> Encoding {
        match e {
            EncodingArg::Utf8 => Encoding::Utf8,
            EncodingArg::Utf16Le => Encoding::Utf16Le,
            EncodingArg::Utf16Be => Encoding::Utf16Be,
            EncodingArg::Gb18030 => Encoding::Gb18030,
        }
    }
}

#[derive(clap::Args)]
struct RuleArgs {
    /// Add a rule pack directory (repeatable).
    #[arg(long = "rules", value_name = "DIR")]
    rules: Vec<PathBuf>,
    /// Leave the shipped rule pack out.
    #[arg(long)]
    no_default_rules: bool,
    /// Use this gouji.toml instead of searching the current directory and its parents.
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
}

// Parsed once per run: the size of the `check` variant does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Subcommand)]
enum Command {
    /// Check reports (files, or directories walked for *.txt, *.pdf,
    /// *.docx, *.xlsx, *.xls, *.ods).
    ///
    /// Exit status: 0 no finding at or above --fail-on; 1 findings at or
    /// above it; 2 a tool, input, rule-pack, config or baseline error.
    Check {
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Output on stdout (or in the -o file).
        #[arg(long, value_enum, default_value = "human")]
        format: CheckFormat,
        /// Write the --format output to FILE (atomically) instead of stdout.
        #[arg(short = 'o', long, value_name = "FILE")]
        output: Option<PathBuf>,
        /// Also write SARIF 2.1.0 to FILE (atomically).
        #[arg(long, value_name = "FILE")]
        output_sarif: Option<PathBuf>,
        /// Also write JSON to FILE (atomically).
        #[arg(long, value_name = "FILE")]
        output_json: Option<PathBuf>,
        /// Also write JUnit XML to FILE (atomically).
        #[arg(long, value_name = "FILE")]
        output_junit: Option<PathBuf>,
        /// Also write the HTML report page to FILE (atomically).
        #[arg(long, value_name = "FILE")]
        output_html: Option<PathBuf>,
        /// Report only findings not recorded in this baseline file; list
        /// its entries that no longer occur (gouji::baseline-stale).
        #[arg(long, value_name = "FILE")]
        baseline: Option<PathBuf>,
        /// Record the current findings in FILE (keeping the reasons of
        /// entries that still occur), then report against it.
        #[arg(long, value_name = "FILE")]
        write_baseline: Option<PathBuf>,
        /// Exit 1 when a finding at or above this severity is reported.
        #[arg(long, value_enum, default_value = "error")]
        fail_on: FailOn,
        /// Force the input encoding instead of detecting it.
        #[arg(long, value_enum)]
        encoding: Option<EncodingArg>,
        /// Report which figures took part in a completed check.
        #[arg(long)]
        coverage: bool,
        /// Check all the given files (and folders) as ONE report, in the
        /// order given: a 说明 in .docx and its tables in .xlsx.
        #[arg(long)]
        join: bool,
        /// Report kind, instead of what title and structure say: 决算, 预算,
        /// 部门, 单位, or a document form: 公开说明, 三公经费说明, 绩效自评,
        /// 本级财政报告, 表格, 章节, 未识别 (repeatable or a comma list:
        /// --kind 决算,公开说明).
        #[arg(long, value_name = "KIND", value_delimiter = ',', value_parser = gouji::document::kind::KIND_WORDS)]
        kind: Vec<String>,
        /// Terminal width for human output.
        #[arg(long, default_value_t = 100)]
        width: usize,
        /// Colour: auto (terminal and no NO_COLOR), always, never.
        #[arg(long, default_value = "auto")]
        color: String,
        #[command(flatten)]
        rules: RuleArgs,
    },
    /// Print the document model of a report (for rule authors).
    Dump {
        path: PathBuf,
        #[arg(long, value_enum, default_value = "json")]
        format: Format,
        #[arg(long, value_enum)]
        encoding: Option<EncodingArg>,
    },
    /// List the loaded rules.
    Rules {
        #[arg(long, value_enum, default_value = "human")]
        format: Format,
        /// Print the JSON Schema of rule files (for editors' TOML tooling)
        /// instead of the rules.
        #[arg(long, conflicts_with = "format")]
        schema: bool,
        #[command(flatten)]
        rules: RuleArgs,
    },
    /// Print a rule's documentation.
    Explain {
        id: String,
        #[command(flatten)]
        rules: RuleArgs,
    },
    /// Run the test cases of a rule pack (the shipped pack when none is given).
    Test { pack: Option<PathBuf> },
    /// Run the language server on stdin/stdout (see docs/editors.md).
    Lsp {
        /// Re-check a document once it has been quiet this long after a change
        #[arg(long, value_name = "MS", default_value_t = gouji::lsp::DEBOUNCE.as_millis() as u64)]
        debounce_ms: u64,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let code = match cli.command {
        Command::Check {
            paths,
            format,
            output,
            output_sarif,
            output_json,
            output_junit,
            output_html,
            baseline,
            write_baseline,
            fail_on,
            encoding,
            coverage,
            join,
            kind,
            width,
            color,
            rules,
        } => cmd_check(
            CheckArgs {
                paths,
                format,
                output,
                output_sarif,
                output_json,
                output_junit,
                output_html,
                baseline,
                write_baseline,
                fail_on,
                encoding: encoding.map(Encoding::from),
                coverage,
                join,
                kind,
                width,
                color,
            },
            rules,
        ),
        Command::Dump {
            path,
            format: _,
            encoding,
        } => cmd_dump(path, encoding.map(Encoding::from)),
        Command::Rules { schema: true, .. } => {
            print!("{}", gouji::rule::schema::rules_schema_json());
            0
        }
        Command::Rules { format, rules, .. } => cmd_rules(format, rules),
        Command::Explain { id, rules } => cmd_explain(&id, rules),
        Command::Test { pack } => cmd_test(pack),
        Command::Lsp { debounce_ms } => {
            gouji::lsp::run_stdio(std::time::Duration::from_millis(debounce_ms))
        }
    };
    ExitCode::from(code as u8)
}

/// A progress bar on stderr for a batch of files, only when stderr is a
/// terminal (never in pipes, CI logs or editors) and there is more than one file.
#[derive(Default)]
struct BatchBar(std::sync::OnceLock<indicatif::ProgressBar>);

impl BatchBar {
    fn update(&self, p: check::Progress) {
        match p {
            check::Progress::Start(n) if n > 1 && std::io::stderr().is_terminal() => {
                let bar = indicatif::ProgressBar::new(n as u64);
                if let Ok(style) = indicatif::ProgressStyle::with_template(
                    "{bar:40} {pos}/{len} 份报告，已用 {elapsed}，剩余 {eta}",
                ) {
                    bar.set_style(style);
                }
                let _ = self.0.set(bar);
            }
            check::Progress::Start(_) => {}
            check::Progress::Done => {
                if let Some(bar) = self.0.get() {
                    bar.inc(1);
                }
            }
        }
    }

    fn finish(&self) {
        if let Some(bar) = self.0.get() {
            bar.finish_and_clear();
        }
    }
}

fn print_load_errors(errors: &[LoadError]) {
    let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let mut out = gouji::render::human::render_load_errors(errors, color);
    out.push_str(&format!(
        "gouji: {} error(s) in rule packs or config; no report was checked\n",
        errors.len()
    ));
    eprint!("{out}");
}

/// Load config and rule packs; every error at once.
fn load(args: &RuleArgs) -> Result<(Config, RuleSet), Vec<LoadError>> {
    let config = load_config(args)?;
    let rules = rule::load_for(&config, &args.rules, args.no_default_rules)?;
    Ok((config, rules))
}

/// The config given, or found (gouji.toml upwards from here), or the default.
fn load_config(args: &RuleArgs) -> Result<Config, Vec<LoadError>> {
    Ok(match &args.config {
        Some(p) => Config::load(p).map_err(|e| vec![e])?,
        None => match std::env::current_dir()
            .ok()
            .and_then(|d| Config::discover(&d))
        {
            Some(p) => Config::load(&p).map_err(|e| vec![e])?,
            None => Config::default(),
        },
    })
}

struct CheckArgs {
    paths: Vec<PathBuf>,
    format: CheckFormat,
    output: Option<PathBuf>,
    output_sarif: Option<PathBuf>,
    output_json: Option<PathBuf>,
    output_junit: Option<PathBuf>,
    output_html: Option<PathBuf>,
    baseline: Option<PathBuf>,
    write_baseline: Option<PathBuf>,
    fail_on: FailOn,
    encoding: Option<Encoding>,
    coverage: bool,
    join: bool,
    kind: Vec<String>,
    width: usize,
    color: String,
}

fn cmd_check(a: CheckArgs, args: RuleArgs) -> i32 {
    let mut config = match load_config(&args) {
        Ok(c) => c,
        Err(errors) => {
            print_load_errors(&errors);
            return 2;
        }
    };
    if !a.kind.is_empty() {
        config.kinds = a.kind.clone();
        config.kinds_from = "--kind";
    }
    let load_rules = || rule::load_for(&config, &args.rules, args.no_default_rules);
    let bar = BatchBar::default();
    let checked = if a.join {
        load_rules().map(|rules| {
            let reports = check::check_joined(&a.paths, &rules, &config, a.encoding);
            (rules, reports)
        })
    } else {
        // The pack compiles while the first file is read and parsed.
        check::check_paths_loading(&a.paths, load_rules, &config, a.encoding, &|p| {
            bar.update(p)
        })
    };
    bar.finish();
    let (rules, mut reports) = match checked {
        Ok(x) => x,
        Err(errors) => {
            print_load_errors(&errors);
            return 2;
        }
    };
    let old_baseline = match &a.baseline {
        Some(p) => match Baseline::load(p) {
            Ok(b) => Some(b),
            Err(e) => {
                print_load_errors(&[e]);
                return 2;
            }
        },
        None => None,
    };
    let threshold = match a.fail_on {
        FailOn::Error => Some(Severity::Error),
        FailOn::Warning => Some(Severity::Warning),
        FailOn::Info => Some(Severity::Info),
        FailOn::Never => None,
    };

    let mut active = old_baseline;
    if let Some(path) = &a.write_baseline {
        // Reasons are kept from the file being replaced and from --baseline.
        let replaced = Baseline::load(path).ok();
        let previous: Vec<&Baseline> = replaced.iter().chain(active.iter()).collect();
        let text = baseline::record(&reports, &config, &previous);
        if let Err(e) = fsutil::write_atomic(path, text.as_bytes()) {
            eprintln!("gouji: cannot write baseline {}: {e}", path.display());
            return 2;
        }
        match Baseline::parse(&path.display().to_string(), &text) {
            Ok(b) => {
                eprintln!(
                    "gouji: wrote {} finding(s) to baseline {}",
                    b.entries.len(),
                    path.display()
                );
                active = Some(b);
            }
            Err(e) => {
                print_load_errors(&[e]);
                return 2;
            }
        }
    }
    let applied = baseline::apply(&mut reports, &config, active.as_ref());
    if applied.suppressed + applied.baselined > 0 {
        eprintln!(
            "gouji: {} known finding(s) not reported ({} by suppressions in gouji.toml, {} by the baseline)",
            applied.suppressed + applied.baselined,
            applied.suppressed,
            applied.baselined
        );
    }
    let write = |path: &PathBuf, text: String| match fsutil::write_atomic(path, text.as_bytes()) {
        Ok(()) => true,
        Err(e) => {
            eprintln!("gouji: cannot write {}: {e}", path.display());
            false
        }
    };
    if let Some(p) = &a.output_sarif {
        if !write(p, sarif::render(&reports, &rules)) {
            return 2;
        }
    }
    if let Some(p) = &a.output_json {
        if !write(p, json::render_with(&reports, a.coverage, Some(&applied))) {
            return 2;
        }
    }
    if let Some(p) = &a.output_junit {
        if !write(p, junit::render(&reports, threshold)) {
            return 2;
        }
    }
    // HTML (issue 16): the reviewers' page, with what the baseline hid.
    let html_page = || {
        html::render(
            &reports,
            &html::HtmlOptions {
                fail_on: threshold,
                applied: Some(&applied),
                coverage: a.coverage,
            },
        )
    };
    if let Some(p) = &a.output_html {
        if !write(p, html_page()) {
            return 2;
        }
    }

    let text = match a.format {
        CheckFormat::Json => json::render_with(&reports, a.coverage, Some(&applied)),
        CheckFormat::Sarif => sarif::render(&reports, &rules),
        CheckFormat::Github => github::render(&reports),
        CheckFormat::Junit => junit::render(&reports, threshold),
        CheckFormat::Html => html_page(),
        CheckFormat::Human => {
            let color = match a.color.as_str() {
                "always" => true,
                "never" => false,
                _ => {
                    a.output.is_none()
                        && std::io::stdout().is_terminal()
                        && std::env::var_os("NO_COLOR").is_none()
                }
            };
            human::render(
                &reports,
                human::HumanOptions {
                    color,
                    width: a.width,
                },
                a.coverage,
            )
        }
    };
    if let Some(p) = &a.output {
        if !write(p, text) {
            return 2;
        }
    } else {
        let mut stdout = std::io::stdout().lock();
        if stdout.write_all(text.as_bytes()).is_err() {
            return 2;
        }
    }
    let code = check::exit_code(&reports, threshold);
    // The process ends here: freeing the compiled pack (a script engine per
    // script) and every report one by one took ~7% of a one-page check.
    std::mem::forget(rules);
    std::mem::forget(reports);
    code
}

fn cmd_dump(path: PathBuf, encoding: Option<Encoding>) -> i32 {
    match check::read_source(&path, encoding, &gouji::config::Limits::default()) {
        Err(r) => {
            eprintln!("gouji: {}", r.diagnostics[0].message);
            2
        }
        Ok(src) => {
            let doc = gouji::document::parse_source(&src);
            let v = gouji::dump::dump(&src, &doc);
            println!("{}", serde_json::to_string_pretty(&v).unwrap_or_default());
            0
        }
    }
}

fn cmd_rules(format: Format, args: RuleArgs) -> i32 {
    let (_, rules) = match load(&args) {
        Ok(x) => x,
        Err(e) => {
            print_load_errors(&e);
            return 2;
        }
    };
    if format == Format::Json {
        let v: Vec<serde_json::Value> = rules
            .rules
            .iter()
            .map(|r| serde_json::json!({"id": r.id, "kind": r.kind.name(), "severity": r.severity, "file": r.origin.file, "what": r.docs.as_ref().map(|d| &d.what)}))
            .collect();
        println!("{}", serde_json::to_string_pretty(&v).unwrap_or_default());
    } else {
        for r in &rules.rules {
            println!(
                "{:<32} {:<10} {:<8} {}",
                r.id,
                r.kind.name(),
                r.severity.as_str(),
                r.origin.file
            );
        }
    }
    0
}

fn cmd_explain(id: &str, args: RuleArgs) -> i32 {
    let (_, rules) = match load(&args) {
        Ok(x) => x,
        Err(e) => {
            print_load_errors(&e);
            return 2;
        }
    };
    match rules.get(id) {
        None => {
            eprintln!("gouji: no rule with id `{id}` (see `gouji rules`)");
            2
        }
        Some(r) => {
            print!("{}", gouji::docs::explain(r));
            0
        }
    }
}

fn cmd_test(pack: Option<PathBuf>) -> i32 {
    let files = match &pack {
        Some(dir) => match rule::pack_files(dir) {
            Ok(f) => f,
            Err(e) => {
                print_load_errors(&[e]);
                return 2;
            }
        },
        None => rule::shipped_files(),
    };
    let rules = match rule::compile(&files) {
        Ok(r) => r,
        Err(e) => {
            print_load_errors(&e);
            return 2;
        }
    };
    let reports = gouji::testing::run_all(&rules);
    let (text, failed) = gouji::testing::render(&reports);
    print!("{text}");
    if failed > 0 {
        1
    } else {
        0
    }
}
