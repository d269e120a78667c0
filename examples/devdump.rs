fn main() {
    let p = std::env::args().nth(1).unwrap();
    let bytes = std::fs::read(&p).unwrap();
    let src = gouji::source::SourceFile::from_bytes(p, &bytes, None).unwrap();
    let doc = gouji::document::parse(&src.text);
    for s in &doc.sections {
        println!(
            "S{} L{} {:?} {}",
            s.id,
            s.level,
            doc.section_path(s.id),
            s.span
        );
    }
    for i in &doc.numbering_issues {
        println!("ISSUE {:?}", i);
    }
    for f in &doc.facts {
        let lc = src.line_col(f.span.start);
        println!(
            "F{} {:?} {:?} [{}] {:?} L{}:{} links={:?} ch={:?}",
            f.id,
            f.kind,
            f.role,
            f.label,
            src.slice(f.span),
            lc.line,
            lc.column,
            serde_json::to_string(&f.links).unwrap(),
            f.change
                .as_ref()
                .map(|c| (c.direction, c.base.clone(), c.delta, c.rate))
        );
    }
    for t in &doc.tables {
        println!("T {:?} rows={}", t.title, t.rows.len());
        for r in &t.rows {
            println!(
                "  {:?} {:?} {:?}",
                r.kind,
                r.label,
                r.cells
                    .iter()
                    .map(|c| format!("{}={}", c.column.clone().unwrap_or_default(), c.key))
                    .collect::<Vec<_>>()
            );
        }
    }
}
