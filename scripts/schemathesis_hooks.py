"""schemathesis hooks for scripts/schemathesis.sh: a CV upload (`PUT /api/v1/me/cv`) is a PDF, which schemathesis
cannot generate by itself. These are real one-page PDFs, written here with their cross-reference table, so
"valid data is accepted" is checked against the server's real PDF reading."""

from hypothesis import strategies as st
import schemathesis


def pdf(lines):
    def literal(text):
        escaped = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        return f"({escaped}) Tj T*"

    content = "BT /F1 12 Tf 16 TL 72 770 Td " + " ".join(literal(line) for line in lines) + " ET"
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [4 0 R] /Count 1 >>",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >> /Contents 5 0 R >>",
        f"<< /Length {len(content.encode('latin-1'))} >>\nstream\n{content}\nendstream",
    ]
    out = "%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out.encode("latin-1")))
        out += f"{number} 0 obj\n{body}\nendobj\n"
    xref = len(out.encode("latin-1"))
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n"
    out += "".join(f"{offset:010d} 00000 n \n" for offset in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n"
    return out.encode("latin-1")


schemathesis.openapi.media_type(
    "application/pdf",
    st.sampled_from(
        [
            pdf(["Nora Benali", "Électricienne du bâtiment"]),
            pdf(["Karim Mansouri", "Couvreur zingueur (10 ans)", "Permis B"]),
            pdf([""]),
        ]
    ),
)
