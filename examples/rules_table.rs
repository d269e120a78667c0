//! Print the README rule table: `cargo run --example rules_table`.
fn main() {
    let rules = gouji::rule::compile(&gouji::rule::shipped_files()).expect("shipped pack compiles");
    print!("{}", gouji::docs::rules_table(&rules));
}
