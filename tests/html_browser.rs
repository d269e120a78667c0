//! The HTML report in a real browser: Debian's chromium, headless. The test
//! writes the page (and the JSON output of the same run), lets chromium load
//! it and dump the DOM after the inline script ran, and checks from that DOM:
//! the script ran to its end (the `#gouji-ready` marker), the counts, every
//! finding's every label highlighted on exactly the text the JSON output
//! gives, links both ways, no image or foreign script; from chromium's log,
//! that the page logged no console message (script errors and
//! Content-Security-Policy violations are console messages); from its net
//! log, that the page made no network request. A control page that does
//! make a request and throws shows the checks can fail. A screenshot is
//! written to `$CARGO_TARGET_TMPDIR/html-browser/`.
//!
//! Without a browser the tests say so and pass, except under CI (`CI` set),
//! where .ci/run installs chromium and its absence is a failure.

mod common;

use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

const SAMPLE: &str = "fixtures/jiangjin_egov_2024_final.txt";
const CORPUS_REPORT: &str = "../shared/corpus/pt_ghzyj_2024_final_dept.layout.txt";

fn browser() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("GOUJI_CHROMIUM") {
        return Some(PathBuf::from(p));
    }
    for name in ["chromium", "chromium-browser"] {
        let ok = Command::new(name)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success());
        if ok {
            return Some(PathBuf::from(name));
        }
    }
    None
}

/// The browser, or None after saying why the test is skipped (a failure
/// under CI, which must have one).
fn browser_or_skip() -> Option<PathBuf> {
    let b = browser();
    if b.is_none() {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must have chromium: .ci/run installs it (apt-get install chromium fonts-noto-cjk)"
        );
        eprintln!(
            "skipped: no chromium found (apt-get install chromium fonts-noto-cjk, or set GOUJI_CHROMIUM)"
        );
    }
    b
}

fn work_dir(name: &str) -> PathBuf {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("html-browser")
        .join(name);
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// Run gouji; the HTML and the JSON of the same run.
fn gouji_html(dir: &Path, args: &[&str]) -> (PathBuf, Value) {
    let (h, j) = (dir.join("report.html"), dir.join("report.json"));
    let mut all: Vec<&str> = vec!["check"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--output-html", s(&h), "--output-json", s(&j)]);
    let o = Command::new(env!("CARGO_BIN_EXE_gouji"))
        .args(&all)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert!(
        o.status.code().is_some_and(|c| c < 2),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let json = serde_json::from_str(&std::fs::read_to_string(&j).unwrap()).unwrap();
    (h, json)
}

/// What chromium saw of a page.
struct Loaded {
    dom: String,
    /// Console messages (script errors, CSP violations, console.log).
    console: Vec<String>,
    /// URLs the page asked the network for.
    requests: Vec<String>,
}

fn chromium(browser: &Path, dir: &Path, page: &Path, extra: &[&str]) -> std::process::Output {
    let profile = dir.join(format!("profile-{}", extra.len()));
    let url = format!("file://{}", page.canonicalize().unwrap().display());
    Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--window-size=1024,1600",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(extra)
        .arg(url)
        .output()
        .expect("run chromium")
}

/// Load a page headless: the DOM after its script ran, its console and its
/// network requests.
fn load(browser: &Path, dir: &Path, page: &Path) -> Loaded {
    let netlog = dir.join("netlog.json");
    let o = chromium(
        browser,
        dir,
        page,
        &[
            "--enable-logging=stderr",
            "--v=0",
            &format!("--log-net-log={}", netlog.display()),
            "--dump-dom",
        ],
    );
    assert!(o.status.success(), "chromium failed: {o:?}");
    let stderr = String::from_utf8_lossy(&o.stderr);
    let console = stderr
        .lines()
        .filter(|l| l.contains(":CONSOLE") || l.contains("Uncaught"))
        .map(str::to_owned)
        .collect();
    Loaded {
        dom: String::from_utf8(o.stdout).unwrap(),
        console,
        requests: page_requests(&netlog),
    }
}

/// Requests in a chromium net log made on behalf of a `file://` page (the
/// browser's own background requests have another initiator).
fn page_requests(netlog: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(netlog).expect("chromium wrote its net log");
    let v: Value = serde_json::from_str(&text)
        .or_else(|_| serde_json::from_str(&format!("{text}]}}")))
        .expect("net log is JSON");
    let mut out: Vec<String> = v["events"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|e| {
            let p = &e["params"];
            let url = p["url"].as_str()?;
            let from_page = p["initiator"] == "null"
                || p["network_isolation_key"]
                    .as_str()
                    .is_some_and(|k| k.starts_with("file://"));
            from_page.then(|| url.to_owned())
        })
        .collect();
    out.sort();
    out.dedup();
    out
}

// ---- reading the dumped DOM -------------------------------------------------

/// Text as the DOM holds it (the serializer's entities decoded).
fn decode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let Some(end) = rest.find(';').filter(|&e| e <= 10) else {
            out.push('&');
            rest = &rest[1..];
            continue;
        };
        let ent = &rest[1..end];
        let c = match ent {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "nbsp" => Some('\u{a0}'),
            _ if ent.starts_with("#x") => u32::from_str_radix(&ent[2..], 16)
                .ok()
                .and_then(char::from_u32),
            _ if ent.starts_with('#') => ent[1..].parse().ok().and_then(char::from_u32),
            _ => None,
        };
        match c {
            Some(c) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

struct Dom<'a> {
    vdom: tl::VDom<'a>,
}

impl<'a> Dom<'a> {
    fn parse(html: &'a str) -> Dom<'a> {
        Dom {
            vdom: tl::parse(html, tl::ParserOptions::default()).expect("DOM parses"),
        }
    }
    fn tags(&self) -> impl Iterator<Item = &tl::HTMLTag<'a>> {
        self.vdom.nodes().iter().filter_map(|n| n.as_tag())
    }
    fn named(&self, name: &'static str) -> impl Iterator<Item = &tl::HTMLTag<'a>> {
        self.tags()
            .filter(move |t| t.name().as_utf8_str().eq_ignore_ascii_case(name))
    }
    fn text(&self, t: &tl::HTMLTag) -> String {
        decode(&t.inner_text(self.vdom.parser()))
    }
    /// Descendants of `t` with this tag name, in document order.
    fn within(&self, t: &tl::HTMLTag<'a>, name: &str) -> Vec<&tl::HTMLTag<'a>> {
        let p = self.vdom.parser();
        t.query_selector(p, name)
            .into_iter()
            .flatten()
            .filter_map(|h| h.get(p).and_then(|n| n.as_tag()))
            .collect()
    }
}

fn attr(t: &tl::HTMLTag, name: &str) -> Option<String> {
    t.attributes()
        .get(name)
        .flatten()
        .map(|b| decode(&b.as_utf8_str()))
}

fn has_class(t: &tl::HTMLTag, class: &str) -> bool {
    attr(t, "class").is_some_and(|c| c.split_whitespace().any(|x| x == class))
}

/// A label's text as the page shows it: line ends and form feeds are never
/// inside a highlight (a label across lines is one highlight per line; a
/// form feed is a page-break element).
fn shown(text: &str) -> String {
    text.chars()
        .filter(|c| !matches!(c, '\r' | '\n' | '\u{c}'))
        .collect()
}

fn category(d: &Value) -> usize {
    match (d["outcome"].as_str(), d["severity"].as_str()) {
        (Some("not-checked"), _) => 3,
        (Some("tool-error"), _) => 4,
        (_, Some("error")) => 0,
        (_, Some("warning")) => 1,
        _ => 2,
    }
}

/// Everything the page must show of the JSON output, checked in the DOM.
fn check_page(loaded: &Loaded, json: &Value) {
    assert!(
        loaded.console.is_empty(),
        "console messages (script error or CSP violation): {:#?}",
        loaded.console
    );
    assert!(
        loaded.requests.is_empty(),
        "network requests: {:?}",
        loaded.requests
    );
    let dom = Dom::parse(&loaded.dom);
    // The script ran to its end.
    let ready = dom
        .tags()
        .find(|t| attr(t, "id").as_deref() == Some("gouji-ready"))
        .expect("#gouji-ready: the inline script did not run to its end");
    let diags = json["diagnostics"].as_array().unwrap();
    assert_eq!(attr(ready, "data-findings"), Some(diags.len().to_string()));
    assert_eq!(attr(ready, "data-shown"), Some(diags.len().to_string()));
    assert_eq!(
        attr(ready, "data-overflow").as_deref(),
        Some("0"),
        "wider than 1024 px"
    );

    // Nothing that could fetch: no image, no frame, one script (the page's),
    // links within the page only.
    for tag in ["img", "iframe", "object", "embed", "link", "video", "audio"] {
        assert_eq!(dom.named(tag).count(), 0, "<{tag}> in the page");
    }
    assert_eq!(dom.named("script").count(), 1);
    for t in dom.tags() {
        assert!(attr(t, "src").is_none(), "src attribute");
        if let Some(h) = attr(t, "href") {
            assert!(h.starts_with('#'), "link out of the page: {h}");
        }
    }

    // Counts.
    let sum = &json["summary"];
    for (cat, key) in [
        ("error", "errors"),
        ("warning", "warnings"),
        ("info", "infos"),
        ("not-checked", "not_checked"),
    ] {
        let cell = dom
            .named("td")
            .find(|t| attr(t, "data-total").as_deref() == Some(cat))
            .unwrap();
        assert_eq!(dom.text(cell), sum[key].to_string(), "{cat}");
    }

    // Findings, in the page's order (category, then as in the output).
    let mut order: Vec<&Value> = diags.iter().collect();
    order.sort_by_key(|d| category(d));
    let articles: Vec<&tl::HTMLTag> = dom
        .named("article")
        .filter(|t| has_class(t, "finding"))
        .collect();
    assert_eq!(articles.len(), diags.len());
    // Highlights in the document text, per "N.L" key.
    let mut in_text: BTreeMap<String, String> = BTreeMap::new();
    for m in dom.named("mark") {
        if let Some(keys) = attr(m, "data-r") {
            for k in keys.split_whitespace() {
                in_text
                    .entry(k.to_owned())
                    .or_default()
                    .push_str(&dom.text(m));
            }
        }
    }
    let ids: Vec<String> = dom.tags().filter_map(|t| attr(t, "id")).collect();
    let mut highlights = 0;
    for (i, (a, d)) in articles.iter().zip(&order).enumerate() {
        let n = i + 1;
        assert_eq!(attr(a, "data-n"), Some(n.to_string()));
        assert_eq!(attr(a, "data-rule").as_deref(), d["code"].as_str());
        let msg = dom
            .within(a, "p")
            .into_iter()
            .find(|p| has_class(p, "msg"))
            .unwrap();
        assert_eq!(dom.text(msg), d["message"].as_str().unwrap());
        let labels = d["labels"].as_array().unwrap();
        let marks = dom.within(a, "mark");
        for (j, l) in labels.iter().enumerate() {
            let want = shown(l["text"].as_str().unwrap());
            let mine: Vec<&&tl::HTMLTag> = marks
                .iter()
                .filter(|m| {
                    attr(m, "data-l")
                        .is_some_and(|k| k.split_whitespace().any(|x| x == j.to_string()))
                })
                .collect();
            assert!(!mine.is_empty(), "#{n} label {j} not highlighted");
            let got: String = mine.iter().map(|m| dom.text(m)).collect();
            assert_eq!(got, want, "#{n} {} label {j}", d["code"]);
            if j == 0 {
                assert!(
                    mine.iter().all(|m| has_class(m, "p")),
                    "#{n}: primary style"
                );
            }
            assert_eq!(
                in_text.get(&format!("{n}.{j}")),
                Some(&want),
                "#{n} label {j} in the document text"
            );
            highlights += 1;
        }
        // Links both ways.
        if !labels.is_empty() {
            let back = dom
                .named("a")
                .find(|t| attr(t, "id") == Some(format!("d-{n}")))
                .unwrap_or_else(|| panic!("#{n}: no mark in the text"));
            assert_eq!(attr(back, "href"), Some(format!("#f-{n}")));
            assert!(dom
                .within(a, "a")
                .iter()
                .any(|l| attr(l, "href") == Some(format!("#d-{n}"))));
        }
        assert!(ids.contains(&format!("f-{n}")));
    }
    // Every label of the JSON output was found.
    let labels: usize = diags
        .iter()
        .map(|d| d["labels"].as_array().unwrap().len())
        .sum();
    assert_eq!(highlights, labels);
}

#[test]
fn seed_page_in_chromium() {
    let Some(b) = browser_or_skip() else { return };
    let dir = work_dir("seed");
    let (page, json) = gouji_html(&dir, &[SAMPLE]);
    check_page(&load(&b, &dir, &page), &json);
}

#[test]
fn corpus_page_in_chromium_with_a_screenshot() {
    let Some(b) = browser_or_skip() else { return };
    if !common::corpus_present() {
        return;
    }
    let dir = work_dir("corpus");
    let (page, json) = gouji_html(&dir, &[CORPUS_REPORT, "--coverage"]);
    assert!(json["summary"]["errors"].as_u64().unwrap() > 0);
    check_page(&load(&b, &dir, &page), &json);
    let png = dir.join("corpus-1024.png");
    let o = chromium(
        &b,
        &dir,
        &page,
        &[&format!("--screenshot={}", png.display())],
    );
    assert!(o.status.success(), "{o:?}");
    let bytes = std::fs::read(&png).unwrap();
    assert!(bytes.starts_with(b"\x89PNG"), "a PNG");
    eprintln!("screenshot: {}", png.display());
}

/// Markup in the report's prose and in a rule's message is text in the
/// browser's DOM: no script ran, no image was made.
#[test]
fn escaped_markup_stays_text_in_chromium() {
    let Some(b) = browser_or_skip() else { return };
    let dir = work_dir("escape");
    let text = common::sample_text().replacen(
        "一、单位基本情况",
        "一、单位基本情况\n说明<script>alert(1)</script>，另见\"><img src=x onerror=alert(1)>。",
        1,
    );
    let report = dir.join("escape.txt");
    std::fs::write(&report, text).unwrap();
    let (page, json) = gouji_html(
        &dir,
        &[
            s(&report),
            "--no-default-rules",
            "--rules",
            "tests/data/html-escape-pack",
        ],
    );
    assert_eq!(json["summary"]["errors"], 2);
    let loaded = load(&b, &dir, &page);
    check_page(&loaded, &json);
    let dom = Dom::parse(&loaded.dom);
    let msgs: Vec<String> = dom
        .named("article")
        .filter(|a| attr(a, "data-rule").as_deref() == Some("html-escape"))
        .flat_map(|a| dom.within(a, "p"))
        .filter(|p| has_class(p, "msg"))
        .map(|p| dom.text(p))
        .collect();
    assert_eq!(msgs.len(), 2);
    for m in &msgs {
        assert!(
            m.starts_with("<script>alert(1)</script> \"><img src=x onerror=alert(1)> 原文："),
            "{m}"
        );
    }
    // The report's own line, as text in the document view.
    assert!(dom
        .named("div")
        .any(|d| dom.text(d)
            == "说明<script>alert(1)</script>，另见\"><img src=x onerror=alert(1)>。"));
}

/// The checks can fail: a page that fetches and throws is caught by both.
#[test]
fn control_page_with_a_request_and_an_error_is_caught() {
    let Some(b) = browser_or_skip() else { return };
    let dir = work_dir("control");
    let page = dir.join("control.html");
    // No CSP here, so the image request reaches the network layer (port 9,
    // discard: nothing answers); then a script error.
    std::fs::write(
        &page,
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"></head><body>\
         <img src=\"http://127.0.0.1:9/x.png\"><script>undefinedFunction();</script></body></html>",
    )
    .unwrap();
    let loaded = load(&b, &dir, &page);
    assert_eq!(loaded.requests, ["http://127.0.0.1:9/x.png"]);
    assert!(
        loaded
            .console
            .iter()
            .any(|l| l.contains("undefinedFunction")),
        "{:?}",
        loaded.console
    );
    // With gouji's Content-Security-Policy the request is blocked, and the
    // browser says so on the console.
    let csp = format!(
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><meta http-equiv=\"Content-Security-Policy\" content=\"{}\"></head>\
         <body><img src=\"http://127.0.0.1:9/x.png\"></body></html>",
        gouji::render::html::CSP
    );
    std::fs::write(&page, csp).unwrap();
    let loaded = load(&b, &dir, &page);
    assert!(loaded.requests.is_empty(), "{:?}", loaded.requests);
    assert!(
        loaded
            .console
            .iter()
            .any(|l| l.contains("Content Security Policy")),
        "{:?}",
        loaded.console
    );
}
