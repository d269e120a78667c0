//! hayro → page model. The only file that knows the PDF crate: a `Device`
//! collects the glyphs (with their boxes) and the ruling lines of each page.

use super::model::{Glyph, Page, Rect, Ruling};
use super::PdfError;
use hayro_interpret::font::GlyphRun;
use hayro_interpret::hayro_cmap::BfString;
use hayro_interpret::hayro_syntax::{LoadPdfError, Pdf};
use hayro_interpret::kurbo::{self, Affine, BezPath, PathEl, Point, Shape};
use hayro_interpret::{
    interpret_page, BlendMode, ClipPath, Context, Device, DrawMode, DrawProps, Image,
    ImageDrawProps, InterpreterCache, InterpreterSettings, SoftMask, TransformExt,
};
use std::collections::{HashMap, HashSet};

/// Glyphs (in the whole document) and ruling segments (per page) beyond
/// these are not collected: bounded memory on a hostile file. A published
/// report has some 2,000 glyphs a page.
const MAX_GLYPHS: usize = 2_000_000;
const MAX_RULINGS: usize = 50_000;

/// A stroke or a fill thinner than this (points) is a ruling line.
const RULING_THICKNESS: f64 = 2.5;
/// A ruling shorter than this is a glyph stroke or a tick, not a line.
const RULING_MIN_LENGTH: f64 = 3.0;

/// Read every page of the PDF in `bytes`. A file of more than `max_pages`
/// pages is refused: a published report has tens of pages; a file with more
/// is not one, and reading it would take unbounded time.
pub fn read_pages(bytes: &[u8], max_pages: usize) -> Result<Vec<Page>, PdfError> {
    let pdf = match Pdf::new(bytes.to_vec()) {
        Ok(p) => p,
        Err(LoadPdfError::Decryption(_)) => return Err(PdfError::Encrypted),
        Err(LoadPdfError::Invalid) => return Err(PdfError::Damaged),
    };
    let pages = pdf.pages();
    if pages.is_empty() {
        return Err(PdfError::NoPages);
    }
    if pages.len() > max_pages {
        return Err(PdfError::TooManyPages {
            pages: pages.len(),
            max: max_pages,
        });
    }
    let cache = InterpreterCache::new();
    let mut out = Vec::with_capacity(pages.len());
    let mut budget = MAX_GLYPHS;
    for (i, page) in pages.iter().enumerate() {
        let (w, h) = page.render_dimensions();
        let (w, h) = (w as f64, h as f64);
        let initial = page.initial_transform(true).to_kurbo();
        let mut ctx = Context::new(
            initial,
            kurbo::Rect::new(0.0, 0.0, w, h),
            &cache,
            pdf.xref(),
            InterpreterSettings::default(),
        );
        let mut dev = Collector::new(w, h, budget);
        interpret_page(page, &mut ctx, &mut dev);
        budget = budget.saturating_sub(dev.glyphs.len());
        out.push(Page {
            number: i + 1,
            width: w,
            height: h,
            glyphs: dev.glyphs,
            horizontal: dev.horizontal,
            vertical: dev.vertical,
            unmapped: dev.unmapped,
            images: dev.images,
        });
    }
    Ok(out)
}

struct Collector {
    page: Rect,
    clips: Vec<Rect>,
    glyphs: Vec<Glyph>,
    /// The first glyph painted at each (half-point) position, by index.
    seen: HashMap<(i64, i64), usize>,
    /// Other glyphs painted at a position taken by a different one.
    clash: HashSet<(String, i64, i64)>,
    horizontal: Vec<super::model::Ruling>,
    vertical: Vec<super::model::Ruling>,
    unmapped: usize,
    images: usize,
    /// Glyphs this page may still collect.
    budget: usize,
}

impl Collector {
    fn new(w: f64, h: f64, budget: usize) -> Collector {
        Collector {
            budget,
            page: Rect::new(0.0, 0.0, w, h),
            clips: Vec::new(),
            glyphs: Vec::new(),
            seen: HashMap::new(),
            clash: HashSet::new(),
            horizontal: Vec::new(),
            vertical: Vec::new(),
            unmapped: 0,
            images: 0,
        }
    }

    /// Where glyphs can be seen: the page, within the current clip.
    fn visible(&self) -> Rect {
        self.clips.last().copied().unwrap_or(self.page)
    }

    fn add_ruling(&mut self, a: Point, b: Point, thickness: f64) {
        if thickness > RULING_THICKNESS || self.horizontal.len() + self.vertical.len() > MAX_RULINGS
        {
            return;
        }
        let (dx, dy) = ((b.x - a.x).abs(), (b.y - a.y).abs());
        if dy <= 0.5 && dx >= RULING_MIN_LENGTH {
            self.horizontal.push(Ruling {
                pos: (a.y + b.y) / 2.0,
                from: a.x.min(b.x),
                to: a.x.max(b.x),
            });
        } else if dx <= 0.5 && dy >= RULING_MIN_LENGTH {
            self.vertical.push(Ruling {
                pos: (a.x + b.x) / 2.0,
                from: a.y.min(b.y),
                to: a.y.max(b.y),
            });
        }
    }

    /// Stroked segments of straight lines.
    fn stroke(&mut self, path: &BezPath, width: f64) {
        let (mut cur, mut start) = (Point::ZERO, Point::ZERO);
        for el in path.elements() {
            match *el {
                PathEl::MoveTo(p) => {
                    cur = p;
                    start = p;
                }
                PathEl::LineTo(p) => {
                    self.add_ruling(cur, p, width);
                    cur = p;
                }
                PathEl::ClosePath => {
                    self.add_ruling(cur, start, width);
                    cur = start;
                }
                PathEl::QuadTo(_, p) | PathEl::CurveTo(_, _, p) => cur = p,
            }
        }
    }

    /// Thin filled rectangles (each subpath made of straight lines whose box
    /// is thin in one direction).
    fn fill(&mut self, path: &BezPath) {
        let mut sub: Vec<Point> = Vec::new();
        let mut straight = true;
        let flush = |pts: &mut Vec<Point>, straight: bool, me: &mut Collector| {
            if straight && pts.len() >= 3 {
                let r = pts
                    .iter()
                    .fold(Rect::new(pts[0].x, pts[0].y, pts[0].x, pts[0].y), |r, p| {
                        r.union(&Rect::new(p.x, p.y, p.x, p.y))
                    });
                if r.height() <= RULING_THICKNESS && r.width() >= RULING_MIN_LENGTH {
                    me.add_ruling(Point::new(r.x0, r.cy()), Point::new(r.x1, r.cy()), 0.0);
                } else if r.width() <= RULING_THICKNESS && r.height() >= RULING_MIN_LENGTH {
                    me.add_ruling(Point::new(r.cx(), r.y0), Point::new(r.cx(), r.y1), 0.0);
                }
            }
            pts.clear();
        };
        for el in path.elements() {
            match *el {
                PathEl::MoveTo(p) => {
                    flush(&mut sub, straight, self);
                    straight = true;
                    sub.push(p);
                }
                PathEl::LineTo(p) => sub.push(p),
                PathEl::ClosePath => {}
                PathEl::QuadTo(_, p) | PathEl::CurveTo(_, _, p) => {
                    straight = false;
                    sub.push(p);
                }
            }
        }
        flush(&mut sub, straight, self);
    }
}

/// How much a transform scales lengths (geometric mean of its axes).
fn scale_of(t: &Affine) -> f64 {
    let c = t.as_coeffs();
    (c[0] * c[3] - c[1] * c[2]).abs().sqrt()
}

impl<'a> Device<'a> for Collector {
    fn draw_path(&mut self, path: &BezPath, props: DrawProps<'a>, draw_mode: &DrawMode) {
        let dev = props.transform * path.clone();
        match draw_mode {
            DrawMode::Fill(_) => self.fill(&dev),
            DrawMode::Stroke(s) => {
                self.stroke(&dev, s.line_width as f64 * scale_of(&props.transform))
            }
            DrawMode::FillAndStroke(_, s) => {
                self.fill(&dev);
                self.stroke(&dev, s.line_width as f64 * scale_of(&props.transform));
            }
            DrawMode::Invisible => {}
        }
    }

    fn push_clip_path(&mut self, clip_path: &ClipPath) {
        let b = clip_path.path.bounding_box();
        let r = Rect::new(b.x0, b.y0, b.x1, b.y1);
        let cur = self.visible();
        let x0 = cur.x0.max(r.x0);
        let y0 = cur.y0.max(r.y0);
        let x1 = cur.x1.min(r.x1).max(x0);
        let y1 = cur.y1.min(r.y1).max(y0);
        self.clips.push(Rect { x0, y0, x1, y1 });
    }

    fn push_transparency_group(&mut self, _: f32, _: Option<SoftMask<'a>>, _: BlendMode) {}

    fn draw_glyph_run(&mut self, run: &GlyphRun<'_, 'a>, props: DrawProps<'a>, _: &DrawMode) {
        let visible = self.visible();
        for g in run.glyphs() {
            if self.glyphs.len() >= self.budget {
                return;
            }
            let t = props.transform * g.transform();
            // One allocation per glyph: its text.
            let mut text = String::new();
            let mut keep = |c: char| {
                if !c.is_control() && !c.is_whitespace() {
                    text.push(unify_radical(c));
                }
            };
            match g.as_unicode() {
                Some(BfString::Char(c)) => keep(c),
                Some(BfString::String(s)) => s.chars().for_each(keep),
                None => {
                    self.unmapped += 1;
                    continue;
                }
            }
            if text.is_empty() {
                continue;
            }
            let adv = match &**g {
                hayro_interpret::font::Glyph::Outline(o) => o.advance_width(),
                hayro_interpret::font::Glyph::Type3(t3) => t3.advance_width(),
            }
            .filter(|w| w.is_finite() && *w > 0.0)
            .unwrap_or(500.0) as f64;
            // The em box in glyph units (1000 per em): advance × [-200, 800].
            let corners = [
                t * Point::new(0.0, -200.0),
                t * Point::new(adv, -200.0),
                t * Point::new(0.0, 800.0),
                t * Point::new(adv, 800.0),
            ];
            let bbox = corners[1..].iter().fold(
                Rect::new(corners[0].x, corners[0].y, corners[0].x, corners[0].y),
                |r, p| r.union(&Rect::new(p.x, p.y, p.x, p.y)),
            );
            let size = (t * Point::new(0.0, 1000.0)).distance(t * Point::ZERO);
            if !bbox.x0.is_finite() || !bbox.y0.is_finite() || !size.is_finite() || size < 0.5 {
                continue;
            }
            // Off the page or clipped away: not seen, not read.
            let (cx, cy) = (bbox.cx(), bbox.cy());
            if !visible.contains_point(cx, cy) {
                continue;
            }
            // Fake bold paints the same glyph twice (fill, then stroke).
            let at = (
                (bbox.x0 * 2.0).round() as i64,
                (bbox.y0 * 2.0).round() as i64,
            );
            match self.seen.get(&at) {
                None => {
                    self.seen.insert(at, self.glyphs.len());
                }
                Some(&first) if self.glyphs[first].text == text => continue,
                Some(_) => {
                    if !self.clash.insert((text.clone(), at.0, at.1)) {
                        continue;
                    }
                }
            }
            self.glyphs.push(Glyph { text, bbox, size });
        }
    }

    fn draw_image(&mut self, _: Image<'a, '_>, _: ImageDrawProps<'a>) {
        self.images += 1;
    }

    fn pop_clip(&mut self) {
        self.clips.pop();
    }

    fn pop_transparency_group(&mut self) {}
}

/// The unified ideographs of the Kangxi radicals U+2F00..=U+2FD5, in order
/// (their NFKC forms). Some fonts' Unicode maps give a radical where the
/// text has the ideograph (Chromium with Noto CJK: ⼀ for 一, ⽀ for 支).
const KANGXI: &str = "一丨丶丿乙亅二亠人儿入八冂冖冫几凵刀力勹匕匚匸十卜卩厂厶又口囗土士夂夊夕大女子宀寸小尢尸屮山巛工己巾干幺广廴廾弋弓彐彡彳心戈戶手支攴文斗斤方无日曰月木欠止歹殳毋比毛氏气水火爪父爻爿片牙牛犬玄玉瓜瓦甘生用田疋疒癶白皮皿目矛矢石示禸禾穴立竹米糸缶网羊羽老而耒耳聿肉臣自至臼舌舛舟艮色艸虍虫血行衣襾見角言谷豆豕豸貝赤走足身車辛辰辵邑酉釆里金長門阜隶隹雨靑非面革韋韭音頁風飛食首香馬骨高髟鬥鬯鬲鬼魚鳥鹵鹿麥麻黃黍黑黹黽鼎鼓鼠鼻齊齒龍龜龠";

/// A Kangxi radical or CJK radical supplement read as the ideograph it
/// stands for (NFKC); every other char unchanged.
pub(crate) fn unify_radical(c: char) -> char {
    match c as u32 {
        0x2F00..=0x2FD5 => KANGXI.chars().nth(c as usize - 0x2F00).unwrap_or(c),
        0x2E9F => '\u{6BCD}',
        0x2EF3 => '\u{9F9F}',
        _ => c,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kangxi_radicals_read_as_ideographs() {
        let s: String = "⼀般公共预算⽀出".chars().map(unify_radical).collect();
        assert_eq!(s, "一般公共预算支出");
        assert_eq!(unify_radical('⾦'), '金');
        assert_eq!(unify_radical('A'), 'A');
    }
}
