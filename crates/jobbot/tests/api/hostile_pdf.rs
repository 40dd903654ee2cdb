//! Small PDFs that are costly to read (issue 27), written by hand: the API tests upload them and
//! `benches/hostile_pdf.rs` times their refusal. Only std and flate2, so the benchmark can include this file.

use std::io::Write;

/// One of the files of issue 27's report.
#[derive(Debug, Clone, Copy)]
pub enum Hostile {
    /// 20 pages sharing a font whose ToUnicode range is `<00000000> <003FFFFF>` (4 KB).
    WideRangeOn20Pages,
    /// One page, a font whose ToUnicode range is `<00000000> <01FFFFFF>` (1 KB).
    HugeRange,
    /// One 7.9 MB content stream shared by 20 pages (15 KB).
    SharedContent,
}

impl Hostile {
    pub const ALL: [Hostile; 3] = [Self::WideRangeOn20Pages, Self::HugeRange, Self::SharedContent];

    pub fn name(self) -> &'static str {
        match self {
            Self::WideRangeOn20Pages => "ToUnicode <00000000> <003FFFFF>, 20 pages",
            Self::HugeRange => "ToUnicode <00000000> <01FFFFFF>, 1 page",
            Self::SharedContent => "7.9 MB content stream shared by 20 pages",
        }
    }

    pub fn bytes(self) -> Vec<u8> {
        match self {
            Self::WideRangeOn20Pages => build(20, Some("<00000000> <003FFFFF> <0000>"), None),
            Self::HugeRange => build(1, Some("<00000000> <01FFFFFF> <0000>"), None),
            Self::SharedContent => {
                let line = b"BT /F1 12 Tf 72 770 Td (Electricienne du batiment, habilitation B1V) Tj ET\n";
                let mut content = Vec::with_capacity(8_000_000);
                while content.len() < 7_900_000 {
                    content.extend_from_slice(line);
                }
                build(20, None, Some(content))
            }
        }
    }
}

fn deflate(data: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(data).expect("deflate");
    encoder.finish().expect("deflate")
}

fn stream(data: &[u8]) -> Vec<u8> {
    let packed = deflate(data);
    let mut out = format!("<< /Length {} /Filter /FlateDecode >>\nstream\n", packed.len()).into_bytes();
    out.extend(packed);
    out.extend(b"\nendstream");
    out
}

/// `pages` pages using font F1 (with `range` as its ToUnicode bfrange when given); with `shared`, every page's
/// content is that one stream, else each page has a line of its own.
pub fn build(pages: usize, range: Option<&str>, shared: Option<Vec<u8>>) -> Vec<u8> {
    // 1 catalog, 2 pages, 3 font, 4 ToUnicode, 5 shared content (or unused), then page i: 6 + 2i, its content 7 + 2i.
    let mut objects: Vec<Vec<u8>> = Vec::new();
    let kids: Vec<String> = (0..pages).map(|i| format!("{} 0 R", 6 + 2 * i)).collect();
    objects.push(b"<< /Type /Catalog /Pages 2 0 R >>".to_vec());
    objects.push(format!("<< /Type /Pages /Kids [{}] /Count {pages} >>", kids.join(" ")).into_bytes());
    objects.push(if range.is_some() {
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /ToUnicode 4 0 R >>".to_vec()
    } else {
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>".to_vec()
    });
    let cmap = format!(
        "/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CMapType 2 def\n\
         1 begincodespacerange <00000000> <FFFFFFFF> endcodespacerange\n\
         1 beginbfrange {} endbfrange\nendcmap CMapName currentdict /CMap defineresource pop end end",
        range.unwrap_or("<00> <00> <0041>")
    );
    objects.push(stream(cmap.as_bytes()));
    objects.push(stream(shared.as_deref().unwrap_or(b"")));
    for i in 0..pages {
        let contents = if shared.is_some() { 5 } else { 7 + 2 * i };
        objects.push(
            format!(
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >> /Contents {contents} 0 R >>"
            )
            .into_bytes(),
        );
        objects.push(stream(
            format!("BT /F1 12 Tf 72 770 Td <0041> Tj (page {i}) Tj ET").as_bytes(),
        ));
    }
    assemble(&objects)
}

/// A PDF 1.4 file of `objects` (numbered from 1, the catalog first), with its cross-reference table.
pub fn assemble(objects: &[Vec<u8>]) -> Vec<u8> {
    let mut out = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n".to_vec();
    let mut offsets = Vec::new();
    for (i, object) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend(format!("{} 0 obj\n", i + 1).into_bytes());
        out.extend(object);
        out.extend(b"\nendobj\n");
    }
    let xref = out.len();
    out.extend(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).into_bytes());
    for offset in offsets {
        out.extend(format!("{offset:010} 00000 n \n").into_bytes());
    }
    out.extend(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .into_bytes(),
    );
    out
}
