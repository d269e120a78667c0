fn main() {
    let p = std::env::args().nth(1).unwrap();
    let text = std::fs::read_to_string(&p).unwrap();
    let t = std::time::Instant::now();
    let doc = std::sync::Arc::new(gouji::document::parse(&text));
    eprintln!(
        "parse {:?} facts={} sections={}",
        t.elapsed(),
        doc.facts.len(),
        doc.sections.len()
    );
    let text: std::sync::Arc<str> = text.into();
    let rules = gouji::rule::compile(&gouji::rule::shipped_files()).unwrap();
    for r in &rules.rules {
        let t = std::time::Instant::now();
        let res = gouji::rule::run(r, &doc, &text);
        let e = t.elapsed();
        if e.as_millis() > 50 {
            eprintln!("{} {:?} {}", r.id, e, res.diagnostics.len());
        }
    }
}
