//! Print the text gouji reads from a PDF (what its spans index), in the
//! shape of `pdftotext -layout`: `cargo run --example pdf_text -- report.pdf`.

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: pdf_text FILE.pdf");
        std::process::exit(2);
    };
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("{path}: {e}");
            std::process::exit(2);
        }
    };
    match gouji::input::read(path.clone(), &bytes, None) {
        Ok(x) => print!("{}", x.source.text),
        Err(e) => {
            eprintln!("{path}: {e}");
            std::process::exit(2);
        }
    }
}
