//! The CV as a DOCX: an Office Open XML package (ECMA-376) written by hand — six XML parts in a zip — rather
//! than through a crate: what a CV needs is paragraphs, two heading styles, bold runs, a colour and the core
//! properties, and `zip` is already in the build. Word, LibreOffice and applicant tracking systems open it; the
//! test reads `word/document.xml` back.

use std::io::Write;

use zip::write::SimpleFileOptions;

use crate::{Cv, Template};

/// Text for XML: the five escapes, and no character XML 1.0 forbids.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(' '),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

struct Look {
    font: &'static str,
    accent: &'static str,
}

fn look(template: Template) -> Look {
    match template {
        Template::Sober => Look {
            font: "Georgia",
            accent: "000000",
        },
        Template::Modern => Look {
            font: "Calibri",
            accent: "1F4EA1",
        },
        Template::Europass => Look {
            font: "Arial",
            accent: "003399",
        },
    }
}

/// A paragraph of `style` (or the normal one) with one run.
fn paragraph(out: &mut String, style: Option<&str>, bold: bool, color: Option<&str>, text: &str) {
    out.push_str("<w:p>");
    if let Some(style) = style {
        out.push_str(&format!("<w:pPr><w:pStyle w:val=\"{style}\"/></w:pPr>"));
    }
    out.push_str("<w:r>");
    if bold || color.is_some() {
        out.push_str("<w:rPr>");
        if bold {
            out.push_str("<w:b/>");
        }
        if let Some(color) = color {
            out.push_str(&format!("<w:color w:val=\"{color}\"/>"));
        }
        out.push_str("</w:rPr>");
    }
    out.push_str(&format!(
        "<w:t xml:space=\"preserve\">{}</w:t></w:r></w:p>",
        escape(text)
    ));
}

fn document(cv: &Cv, template: Template) -> String {
    let look = look(template);
    let mut body = String::new();
    paragraph(&mut body, Some("Title"), true, Some(look.accent), &cv.name);
    for line in &cv.contact {
        paragraph(&mut body, None, false, Some("555555"), line);
    }
    if let Some(headline) = &cv.headline {
        paragraph(&mut body, Some("Subtitle"), true, None, headline);
    }
    for section in &cv.sections {
        paragraph(
            &mut body,
            Some("Heading1"),
            true,
            Some(look.accent),
            &section.title,
        );
        for entry in &section.entries {
            if !entry.title.is_empty() {
                paragraph(&mut body, Some("Heading2"), true, None, &entry.title);
            }
            if let Some(detail) = &entry.detail {
                paragraph(&mut body, None, false, None, detail);
            }
            if let Some(when) = &entry.when {
                paragraph(&mut body, None, false, Some("555555"), when);
            }
            if let Some(text) = &entry.text {
                for line in text.lines().filter(|l| !l.trim().is_empty()) {
                    paragraph(&mut body, None, false, None, line);
                }
            }
        }
    }
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\
         <w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body>{body}\
         <w:sectPr><w:pgSz w:w=\"11906\" w:h=\"16838\"/>\
         <w:pgMar w:top=\"1000\" w:right=\"1000\" w:bottom=\"1000\" w:left=\"1000\" w:header=\"500\" w:footer=\"500\" w:gutter=\"0\"/>\
         </w:sectPr></w:body></w:document>"
    )
}

fn styles(cv: &Cv, template: Template) -> String {
    let look = look(template);
    let lang = match cv.locale {
        jobbot_domain::Locale::Fr => "fr-FR",
        jobbot_domain::Locale::En => "en-GB",
    };
    // The plain template's section titles in capitals, by style: the text itself keeps its case.
    let caps = if template == Template::Sober {
        "<w:caps/>"
    } else {
        ""
    };
    let style = |id: &str, name: &str, size: u32, before: u32| {
        let caps = if id == "Heading1" { caps } else { "" };
        format!(
            "<w:style w:type=\"paragraph\" w:styleId=\"{id}\"><w:name w:val=\"{name}\"/>\
             <w:basedOn w:val=\"Normal\"/><w:next w:val=\"Normal\"/><w:qFormat/>\
             <w:pPr><w:keepNext/><w:spacing w:before=\"{before}\" w:after=\"60\"/></w:pPr>\
             <w:rPr>{caps}<w:sz w:val=\"{size}\"/></w:rPr></w:style>"
        )
    };
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\
         <w:styles xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">\
         <w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii=\"{font}\" w:hAnsi=\"{font}\" w:cs=\"{font}\"/>\
         <w:sz w:val=\"20\"/><w:lang w:val=\"{lang}\"/></w:rPr></w:rPrDefault>\
         <w:pPrDefault><w:pPr><w:spacing w:after=\"40\"/></w:pPr></w:pPrDefault></w:docDefaults>\
         <w:style w:type=\"paragraph\" w:default=\"1\" w:styleId=\"Normal\"><w:name w:val=\"Normal\"/><w:qFormat/></w:style>\
         {title}{subtitle}{h1}{h2}</w:styles>",
        font = look.font,
        title = style("Title", "Title", 40, 0),
        subtitle = style("Subtitle", "Subtitle", 24, 120),
        h1 = style("Heading1", "heading 1", 26, 280),
        h2 = style("Heading2", "heading 2", 21, 120),
    )
}

fn core(cv: &Cv) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\
         <cp:coreProperties xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" \
         xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><dc:title>{}</dc:title><dc:creator>{}</dc:creator>\
         <dc:language>{}</dc:language></cp:coreProperties>",
        escape(&cv.title()),
        escape(&cv.name),
        cv.locale.as_str()
    )
}

const CONTENT_TYPES: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\
<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">\
<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>\
<Default Extension=\"xml\" ContentType=\"application/xml\"/>\
<Override PartName=\"/word/document.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/>\
<Override PartName=\"/word/styles.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml\"/>\
<Override PartName=\"/docProps/core.xml\" ContentType=\"application/vnd.openxmlformats-package.core-properties+xml\"/>\
</Types>";

const PACKAGE_RELS: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\
<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"word/document.xml\"/>\
<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties\" Target=\"docProps/core.xml\"/>\
</Relationships>";

const DOCUMENT_RELS: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\
<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" Target=\"styles.xml\"/>\
</Relationships>";

/// The DOCX's media type.
pub const MEDIA_TYPE: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

/// The CV in `template` as DOCX bytes.
pub fn render(cv: &Cv, template: Template) -> Result<Vec<u8>, String> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    let parts = [
        ("[Content_Types].xml", CONTENT_TYPES.to_owned()),
        ("_rels/.rels", PACKAGE_RELS.to_owned()),
        ("word/_rels/document.xml.rels", DOCUMENT_RELS.to_owned()),
        ("word/document.xml", document(cv, template)),
        ("word/styles.xml", styles(cv, template)),
        ("docProps/core.xml", core(cv)),
    ];
    for (name, text) in parts {
        zip.start_file(name, options).map_err(|e| e.to_string())?;
        zip.write_all(text.as_bytes()).map_err(|e| e.to_string())?;
    }
    Ok(zip.finish().map_err(|e| e.to_string())?.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_for_xml() {
        assert_eq!(
            escape("R&D <chef> \"Léa\" l'équipe\u{1}\t"),
            "R&amp;D &lt;chef&gt; &quot;Léa&quot; l&apos;équipe "
        );
    }
}
