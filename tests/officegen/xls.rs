//! A small .xls writer for tests: a BIFF8 `Workbook` stream (MS-XLS) in an
//! OLE compound file (MS-CFB, version 3), holding what the .xlsx writer
//! writes ([`super::placed`]): text as `Label` records in UTF-16, figures as
//! `Number` records, merged ranges as `MergeCells`, hidden sheets hidden.
//! No formats, fonts or styles: a reader falls back to its defaults, as it
//! does for a file from a minimal exporter.

use super::{placed, Put, SheetSpec, V};

/// Append one BIFF record.
fn record(out: &mut Vec<u8>, typ: u16, data: &[u8]) {
    out.extend(typ.to_le_bytes());
    out.extend((data.len() as u16).to_le_bytes());
    out.extend(data);
}

/// `BOF` of the workbook globals (`dt` 0x0005) or of a worksheet (0x0010).
fn bof(out: &mut Vec<u8>, dt: u16) {
    let mut d = Vec::new();
    d.extend(0x0600u16.to_le_bytes()); // BIFF8
    d.extend(dt.to_le_bytes());
    d.extend(0x0DBBu16.to_le_bytes()); // build
    d.extend(0x07CCu16.to_le_bytes()); // year
    d.extend(0u32.to_le_bytes());
    d.extend(0x0006u32.to_le_bytes());
    record(out, 0x0809, &d);
}

fn utf16(s: &str) -> Vec<u8> {
    s.encode_utf16().flat_map(u16::to_le_bytes).collect()
}

/// The cells of one sheet: `Label`, `Number` and one `MergeCells`.
fn sheet_records(out: &mut Vec<u8>, s: &SheetSpec) {
    let mut merges = Vec::new();
    let label = |out: &mut Vec<u8>, r: u32, c: u16, t: &str| {
        let mut d = Vec::new();
        d.extend((r as u16).to_le_bytes());
        d.extend(c.to_le_bytes());
        d.extend(0u16.to_le_bytes()); // XF
        d.extend((t.encode_utf16().count() as u16).to_le_bytes());
        d.push(1); // fHighByte: UTF-16
        d.extend(utf16(t));
        record(out, 0x0204, &d);
    };
    for put in placed(s) {
        match put {
            Put::Merged { first, last, text } => {
                label(out, first.0, first.1, text);
                merges.push((first, last));
            }
            Put::Value(r, c, V::Text(t) | V::NumText(t)) => label(out, r, c, t),
            Put::Value(r, c, V::Num(x)) => {
                let mut d = Vec::new();
                d.extend((r as u16).to_le_bytes());
                d.extend(c.to_le_bytes());
                d.extend(0u16.to_le_bytes());
                d.extend(x.to_le_bytes());
                record(out, 0x0203, &d);
            }
            Put::Value(_, _, V::Empty) => {}
        }
    }
    let mut d = Vec::new();
    d.extend((merges.len() as u16).to_le_bytes());
    for (first, last) in merges {
        d.extend((first.0 as u16).to_le_bytes());
        d.extend((last.0 as u16).to_le_bytes());
        d.extend(first.1.to_le_bytes());
        d.extend(last.1.to_le_bytes());
    }
    record(out, 0x00E5, &d);
}

/// The `Workbook` stream of `sheets`.
fn workbook(sheets: &[SheetSpec]) -> Vec<u8> {
    let mut out = Vec::new();
    bof(&mut out, 0x0005);
    record(&mut out, 0x0042, &1200u16.to_le_bytes()); // CodePage: UTF-16
                                                      // BoundSheet8 records, their stream positions filled in below.
    let mut at = Vec::new();
    for s in sheets {
        at.push(out.len() + 4);
        let mut d = vec![0; 4];
        d.push(u8::from(s.hidden));
        d.push(0); // a worksheet
        d.push(s.name.encode_utf16().count() as u8);
        d.push(1);
        d.extend(utf16(s.name));
        record(&mut out, 0x0085, &d);
    }
    record(&mut out, 0x000A, &[]);
    for (s, at) in sheets.iter().zip(at) {
        let pos = out.len() as u32;
        out[at..at + 4].copy_from_slice(&pos.to_le_bytes());
        bof(&mut out, 0x0010);
        sheet_records(&mut out, s);
        record(&mut out, 0x000A, &[]);
    }
    out
}

const FREE: u32 = 0xFFFF_FFFF;
const END_OF_CHAIN: u32 = 0xFFFF_FFFE;
const FAT_SECTOR: u32 = 0xFFFF_FFFD;

/// A directory entry of 128 bytes.
fn dir_entry(name: &str, kind: u8, child: u32, start: u32, size: u32) -> Vec<u8> {
    let mut e = vec![0u8; 128];
    if !name.is_empty() {
        let n = utf16(name);
        e[..n.len()].copy_from_slice(&n);
        e[64..66].copy_from_slice(&((n.len() + 2) as u16).to_le_bytes());
    }
    e[66] = kind;
    e[67] = 1; // black
    e[68..72].copy_from_slice(&FREE.to_le_bytes()); // left sibling
    e[72..76].copy_from_slice(&FREE.to_le_bytes()); // right sibling
    e[76..80].copy_from_slice(&child.to_le_bytes());
    e[116..120].copy_from_slice(&start.to_le_bytes());
    e[120..124].copy_from_slice(&size.to_le_bytes());
    e
}

/// `sheets` as an .xls file. The stream is padded to the 4,096 bytes
/// below which a compound file keeps a stream in its mini stream, so that
/// one FAT sector and one directory sector describe the file.
pub fn xls(sheets: &[SheetSpec]) -> Vec<u8> {
    let mut stream = workbook(sheets);
    stream.resize(stream.len().max(4096), 0);
    let sectors = stream.len().div_ceil(512);
    assert!(sectors + 2 <= 128, "one FAT sector holds the file");
    let mut header = vec![0u8; 512];
    header[..8].copy_from_slice(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]);
    header[24..26].copy_from_slice(&0x003Eu16.to_le_bytes());
    header[26..28].copy_from_slice(&3u16.to_le_bytes());
    header[28..30].copy_from_slice(&0xFFFEu16.to_le_bytes());
    header[30..32].copy_from_slice(&9u16.to_le_bytes()); // 512-byte sectors
    header[32..34].copy_from_slice(&6u16.to_le_bytes()); // 64-byte mini sectors
    header[44..48].copy_from_slice(&1u32.to_le_bytes()); // one FAT sector
    header[48..52].copy_from_slice(&1u32.to_le_bytes()); // the directory at sector 1
    header[56..60].copy_from_slice(&4096u32.to_le_bytes());
    header[60..64].copy_from_slice(&END_OF_CHAIN.to_le_bytes()); // no mini FAT
    header[68..72].copy_from_slice(&END_OF_CHAIN.to_le_bytes()); // no DIFAT sectors
    for i in 0..109 {
        let v = if i == 0 { 0 } else { FREE };
        header[76 + 4 * i..80 + 4 * i].copy_from_slice(&v.to_le_bytes());
    }
    // Sector 0: the FAT; 1: the directory; 2…: the stream.
    let mut fat = vec![FREE; 128];
    fat[0] = FAT_SECTOR;
    fat[1] = END_OF_CHAIN;
    for k in 0..sectors {
        fat[2 + k] = if k + 1 == sectors {
            END_OF_CHAIN
        } else {
            (3 + k) as u32
        };
    }
    let mut out = header;
    out.extend(fat.iter().flat_map(|v| v.to_le_bytes()));
    out.extend(dir_entry("Root Entry", 5, 1, END_OF_CHAIN, 0));
    out.extend(dir_entry("Workbook", 2, FREE, 2, stream.len() as u32));
    out.extend(dir_entry("", 0, FREE, 0, 0));
    out.extend(dir_entry("", 0, FREE, 0, 0));
    stream.resize(sectors * 512, 0);
    out.extend(stream);
    out
}
