//! The page model the PDF reader produces and the layout reads: glyphs with
//! their boxes, ruling lines, the page size. Our own types, so nothing past
//! `reader.rs` knows the PDF crate.
//!
//! Coordinates are PDF points in the page as displayed (rotation and crop
//! box applied), with the origin at the top-left corner and y growing
//! downwards: reading order is increasing y, then increasing x.

/// An axis-aligned box in page points (top-left origin, y down).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Rect {
    pub x0: f64,
    pub y0: f64,
    pub x1: f64,
    pub y1: f64,
}

impl Rect {
    pub fn new(x0: f64, y0: f64, x1: f64, y1: f64) -> Rect {
        Rect {
            x0: x0.min(x1),
            y0: y0.min(y1),
            x1: x0.max(x1),
            y1: y0.max(y1),
        }
    }
    pub fn width(&self) -> f64 {
        self.x1 - self.x0
    }
    pub fn height(&self) -> f64 {
        self.y1 - self.y0
    }
    pub fn cx(&self) -> f64 {
        (self.x0 + self.x1) / 2.0
    }
    pub fn cy(&self) -> f64 {
        (self.y0 + self.y1) / 2.0
    }
    pub fn union(&self, o: &Rect) -> Rect {
        Rect {
            x0: self.x0.min(o.x0),
            y0: self.y0.min(o.y0),
            x1: self.x1.max(o.x1),
            y1: self.y1.max(o.y1),
        }
    }
    pub fn contains_point(&self, x: f64, y: f64) -> bool {
        self.x0 <= x && x <= self.x1 && self.y0 <= y && y <= self.y1
    }
}

/// One glyph as painted: its text (one or more chars from the font's
/// Unicode map), its box (the em box: advance × font size) and font size.
#[derive(Debug, Clone, PartialEq)]
pub struct Glyph {
    pub text: String,
    pub bbox: Rect,
    pub size: f64,
}

/// A ruling line: a thin stroked segment or a thin filled rectangle.
/// Horizontal: `pos` is y, `from..to` the x extent; vertical the reverse.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Ruling {
    pub pos: f64,
    pub from: f64,
    pub to: f64,
}

/// One page of the document.
#[derive(Debug, Clone, Default)]
pub struct Page {
    /// 1-based page number.
    pub number: usize,
    pub width: f64,
    pub height: f64,
    pub glyphs: Vec<Glyph>,
    pub horizontal: Vec<Ruling>,
    pub vertical: Vec<Ruling>,
    /// Glyphs painted without a Unicode mapping (their text is unknown).
    pub unmapped: usize,
    /// Images painted on the page (a page of images and no text is a scan).
    pub images: usize,
}

/// A run of text on one line: glyphs close together, not crossed by a
/// vertical ruling.
#[derive(Debug, Clone, PartialEq)]
pub struct TextRun {
    pub text: String,
    pub bbox: Rect,
    pub size: f64,
}
