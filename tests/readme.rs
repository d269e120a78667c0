//! README's rule table is generated from the rules' docs; fail when stale.
//! Regenerate: `cargo run --example rules_table` and paste between the markers
//! (or run this test with GOUJI_BLESS=1).

mod common;

#[test]
fn readme_rule_table_is_current() {
    let readme = std::fs::read_to_string("README.md").unwrap();
    let (start, end) = ("<!-- rules:start -->\n", "<!-- rules:end -->");
    let a = readme.find(start).expect("start marker") + start.len();
    let b = readme.find(end).expect("end marker");
    let table = gouji::docs::rules_table(common::shipped());
    if std::env::var_os("GOUJI_BLESS").is_some() {
        let updated = format!("{}{}{}", &readme[..a], table, &readme[b..]);
        std::fs::write("README.md", updated).unwrap();
        return;
    }
    assert_eq!(
        &readme[a..b],
        table,
        "README rule table is stale: run `GOUJI_BLESS=1 cargo test --test readme`"
    );
}

#[test]
fn every_shipped_rule_has_docs_and_failing_and_passing_cases() {
    for r in &common::shipped().rules {
        let d = r
            .docs
            .as_ref()
            .unwrap_or_else(|| panic!("{} has no docs", r.id));
        for (k, v) in [
            ("what", &d.what),
            ("why", &d.why),
            ("bad", &d.bad),
            ("good", &d.good),
        ] {
            assert!(!v.trim().is_empty(), "{}: docs.{k} empty", r.id);
        }
        assert!(
            r.tests.iter().any(|t| !t.expect.is_empty()),
            "{} has no failing case",
            r.id
        );
        assert!(
            r.tests.iter().any(|t| t.clean),
            "{} has no passing (clean) case",
            r.id
        );
    }
}

#[test]
fn shipped_rule_tests_pass() {
    let reports = gouji::testing::run_all(common::shipped());
    let (text, failed) = gouji::testing::render(&reports);
    assert_eq!(failed, 0, "{text}");
}
