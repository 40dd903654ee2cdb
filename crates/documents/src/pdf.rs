//! The CV as an A4 PDF: laid out here (`crate::layout`), written by krilla. Text is drawn in reading order —
//! name, contact, headline, then each section's entries (title, then employer or school, then dates and text) —
//! so that a text extractor, an applicant tracking system's included, reads it as a person does.

use krilla::color::rgb;
use krilla::geom::{PathBuilder, Point, Rect};
use krilla::metadata::Metadata;
use krilla::num::NormalizedF32;
use krilla::page::PageSettings;
use krilla::paint::Fill;
use krilla::text::TextDirection;
use krilla::Document;

use crate::layout::{faces, lines, Face};
use crate::{Cv, Template};

const PAGE_WIDTH: f32 = 595.28;
const PAGE_HEIGHT: f32 = 841.89;
const MARGIN: f32 = 50.0;

type Color = (u8, u8, u8);
const BLACK: Color = (0, 0, 0);
const GREY: Color = (85, 85, 85);

/// How a template looks.
struct Style {
    regular: &'static Face,
    bold: &'static Face,
    accent: Color,
    name_size: f32,
    body: f32,
    /// Europass: the width of the left column (dates and section titles); 0 for one column.
    aside: f32,
    upper_titles: bool,
}

fn style(template: Template) -> Style {
    let faces = faces();
    match template {
        Template::Sober => Style {
            regular: &faces.serif,
            bold: &faces.serif_bold,
            accent: BLACK,
            name_size: 20.0,
            body: 10.0,
            aside: 0.0,
            upper_titles: true,
        },
        Template::Modern => Style {
            regular: &faces.sans,
            bold: &faces.sans_bold,
            accent: (31, 78, 161),
            name_size: 24.0,
            body: 9.5,
            aside: 0.0,
            upper_titles: false,
        },
        Template::Europass => Style {
            regular: &faces.sans,
            bold: &faces.sans_bold,
            accent: (0, 51, 153),
            name_size: 18.0,
            body: 9.0,
            aside: 130.0,
            upper_titles: false,
        },
    }
}

enum Item {
    Text {
        x: f32,
        baseline: f32,
        face: &'static Face,
        size: f32,
        color: Color,
        text: String,
    },
    Bar {
        x: f32,
        y: f32,
        width: f32,
        height: f32,
        color: Color,
    },
}

/// Pages filled from the top.
struct Pages {
    pages: Vec<Vec<Item>>,
    y: f32,
}

impl Pages {
    fn new() -> Self {
        Self {
            pages: vec![Vec::new()],
            y: MARGIN,
        }
    }

    /// Room for `height` more on this page, or a new page.
    fn room(&mut self, height: f32) {
        if self.y + height > PAGE_HEIGHT - MARGIN && self.y > MARGIN {
            self.pages.push(Vec::new());
            self.y = MARGIN;
        }
    }

    fn push(&mut self, item: Item) {
        if let Some(page) = self.pages.last_mut() {
            page.push(item);
        }
    }

    /// One line of text at the current height (which moves down by its leading).
    fn line(&mut self, x: f32, face: &'static Face, size: f32, color: Color, text: String) {
        let leading = size * 1.35;
        self.room(leading);
        self.push(Item::Text {
            x,
            baseline: self.y + size,
            face,
            size,
            color,
            text,
        });
        self.y += leading;
    }

    /// A paragraph broken to `width`.
    #[allow(clippy::too_many_arguments)]
    fn paragraph(
        &mut self,
        x: f32,
        width: f32,
        face: &'static Face,
        size: f32,
        color: Color,
        text: &str,
        cv: &Cv,
    ) {
        for line in lines(face, size, width, text, cv.locale) {
            self.line(x, face, size, color, line);
        }
    }

    fn bar(&mut self, x: f32, width: f32, height: f32, color: Color) {
        self.push(Item::Bar {
            x,
            y: self.y,
            width,
            height,
            color,
        });
        self.y += height;
    }
}

fn lay_out(cv: &Cv, template: Template) -> Vec<Vec<Item>> {
    let style = style(template);
    let mut pages = Pages::new();
    let left = MARGIN;
    let full = PAGE_WIDTH - 2.0 * MARGIN;
    let body = style.body;

    // The header: the name, the contact lines, the headline.
    pages.paragraph(
        left,
        full,
        style.bold,
        style.name_size,
        style.accent,
        &cv.name,
        cv,
    );
    for line in &cv.contact {
        pages.paragraph(left, full, style.regular, body, GREY, line, cv);
    }
    if let Some(headline) = &cv.headline {
        pages.y += body * 0.4;
        pages.paragraph(left, full, style.bold, body * 1.2, BLACK, headline, cv);
    }
    if template == Template::Modern {
        pages.y += 4.0;
        pages.bar(left, full, 2.0, style.accent);
    }

    let content = left + style.aside;
    let width = full - style.aside;
    for section in &cv.sections {
        pages.y += body * 1.2;
        // A section's title stays with its first entry's first lines.
        pages.room(body * 6.0);
        let title = if style.upper_titles {
            section.title.to_uppercase()
        } else {
            section.title.clone()
        };
        let title_size = body * 1.25;
        if style.aside > 0.0 {
            // Europass: the title in the left column, level with a thin rule across the content.
            let top = pages.y;
            pages.paragraph(
                left,
                style.aside - 10.0,
                style.bold,
                title_size,
                style.accent,
                &title,
                cv,
            );
            let after = pages.y;
            pages.y = top + title_size * 0.6;
            pages.bar(content, width, 0.6, style.accent);
            pages.y = after.max(pages.y);
        } else {
            pages.paragraph(left, full, style.bold, title_size, style.accent, &title, cv);
            pages.bar(
                left,
                full,
                if template == Template::Sober { 0.8 } else { 1.2 },
                style.accent,
            );
            pages.y += body * 0.4;
        }
        for entry in &section.entries {
            pages.room(body * 4.0);
            let top = pages.y;
            if !entry.title.is_empty() {
                pages.paragraph(content, width, style.bold, body * 1.05, BLACK, &entry.title, cv);
            }
            if let Some(detail) = &entry.detail {
                pages.paragraph(content, width, style.regular, body, BLACK, detail, cv);
            }
            if let Some(when) = &entry.when {
                if style.aside > 0.0 {
                    // In the left column, level with the entry's title.
                    let below = pages.y;
                    pages.y = top;
                    pages.paragraph(
                        left,
                        style.aside - 10.0,
                        style.regular,
                        body * 0.9,
                        GREY,
                        when,
                        cv,
                    );
                    pages.y = below.max(pages.y);
                } else {
                    pages.paragraph(content, width, style.regular, body * 0.9, GREY, when, cv);
                }
            }
            if let Some(text) = &entry.text {
                pages.paragraph(content, width, style.regular, body, BLACK, text, cv);
            }
            pages.y += body * 0.5;
        }
    }
    pages.pages
}

fn fill(color: Color) -> Fill {
    Fill {
        paint: rgb::Color::new(color.0, color.1, color.2).into(),
        opacity: NormalizedF32::ONE,
        rule: Default::default(),
    }
}

/// The CV in `template` as PDF bytes, and its number of pages.
pub fn render(cv: &Cv, template: Template) -> Result<(Vec<u8>, usize), String> {
    let pages = lay_out(cv, template);
    let count = pages.len();
    let mut document = Document::new();
    document.set_metadata(
        Metadata::new()
            .title(cv.title())
            .authors(vec![cv.name.clone()])
            .language(cv.locale.as_str().to_owned())
            .creator("JobBot".to_owned()),
    );
    let size = PageSettings::from_wh(PAGE_WIDTH, PAGE_HEIGHT).ok_or("the A4 page")?;
    for items in pages {
        let mut page = document.start_page_with(size.clone());
        let mut surface = page.surface();
        for item in items {
            match item {
                Item::Text {
                    x,
                    baseline,
                    face,
                    size,
                    color,
                    text,
                } => {
                    surface.set_fill(Some(fill(color)));
                    surface.draw_text(
                        Point::from_xy(x, baseline),
                        face.font.clone(),
                        size,
                        &text,
                        false,
                        TextDirection::Auto,
                    );
                }
                Item::Bar {
                    x,
                    y,
                    width,
                    height,
                    color,
                } => {
                    let mut path = PathBuilder::new();
                    if let Some(rect) = Rect::from_xywh(x, y, width, height) {
                        path.push_rect(rect);
                    }
                    if let Some(path) = path.finish() {
                        surface.set_fill(Some(fill(color)));
                        surface.draw_path(&path);
                    }
                }
            }
        }
        surface.finish();
        page.finish();
    }
    let bytes = document.finish().map_err(|e| format!("{e:?}"))?;
    Ok((bytes, count))
}

fn hex(color: Color) -> String {
    format!("#{:02x}{:02x}{:02x}", color.0, color.1, color.2)
}

fn xml(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The PDF's first page as an SVG picture (a preview beside the template's choice): the same lines at the same
/// places, each stretched to the width it has in the PDF, in the browser's faces of the same family.
pub fn preview_svg(cv: &Cv, template: Template) -> String {
    let pages = lay_out(cv, template);
    let faces = faces();
    let mut out = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {PAGE_WIDTH} {PAGE_HEIGHT}\" \
         width=\"{PAGE_WIDTH}\" height=\"{PAGE_HEIGHT}\" role=\"img\"><title>{}</title>\
         <rect width=\"100%\" height=\"100%\" fill=\"#fff\"/>",
        xml(&cv.title())
    );
    for item in pages.into_iter().next().unwrap_or_default() {
        match item {
            Item::Text {
                x,
                baseline,
                face,
                size,
                color,
                text,
            } => {
                let serif = std::ptr::eq(face, &faces.serif) || std::ptr::eq(face, &faces.serif_bold);
                let bold = std::ptr::eq(face, &faces.serif_bold) || std::ptr::eq(face, &faces.sans_bold);
                out.push_str(&format!(
                    "<text x=\"{x:.1}\" y=\"{baseline:.1}\" font-family=\"{}\" font-size=\"{size:.1}\" \
                     font-weight=\"{}\" fill=\"{}\" textLength=\"{:.1}\" lengthAdjust=\"spacingAndGlyphs\">{}</text>",
                    if serif { "DejaVu Serif, Georgia, serif" } else { "DejaVu Sans, Verdana, sans-serif" },
                    if bold { "bold" } else { "normal" },
                    hex(color),
                    face.width(&text, size),
                    xml(&text)
                ));
            }
            Item::Bar {
                x,
                y,
                width,
                height,
                color,
            } => out.push_str(&format!(
                "<rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{width:.1}\" height=\"{height:.1}\" fill=\"{}\"/>",
                hex(color)
            )),
        }
    }
    out.push_str("</svg>");
    out
}
