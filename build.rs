//! Rebuild when the shipped rule pack changes: `include_dir!` tracks the
//! files it embeds but not files added to the directory.

use std::path::Path;

fn stamp(dir: &Path, out: &mut Vec<String>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for e in rd.flatten() {
        let p = e.path();
        if p.is_dir() {
            stamp(&p, out);
        } else if let Ok(m) = e.metadata() {
            out.push(format!("{}:{}", p.display(), m.len()));
        }
    }
}

fn main() {
    println!("cargo:rerun-if-changed=rules");
    let mut files = Vec::new();
    stamp(Path::new("rules"), &mut files);
    files.sort();
    let mut h: u64 = 0xcbf29ce484222325;
    for b in files.join("\n").bytes() {
        h = (h ^ b as u64).wrapping_mul(0x100000001b3);
    }
    println!("cargo:rustc-env=GOUJI_RULES_STAMP={h:x}");
}
