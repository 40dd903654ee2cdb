//! Markdown from the model, rendered to HTML that is safe to insert in the page.
//!
//! Raw HTML in the text is shown as text (escaped), never interpreted; links keep only http(s), mailto,
//! relative and fragment targets; images become plain links, so nothing is loaded from elsewhere.

use pulldown_cmark::{html, CowStr, Event, Options, Parser, Tag, TagEnd};

fn safe_url(url: &str) -> bool {
    let lower = url.trim().to_ascii_lowercase();
    ["http://", "https://", "mailto:"]
        .iter()
        .any(|scheme| lower.starts_with(scheme))
        || ((lower.starts_with('/') || lower.starts_with('#')) && !lower.starts_with("//"))
}

fn checked(url: CowStr<'_>) -> CowStr<'_> {
    if safe_url(&url) {
        url
    } else {
        CowStr::Borrowed("#")
    }
}

pub fn to_html(markdown: &str) -> String {
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TASKLISTS;
    let events = Parser::new_ext(markdown, options).map(|event| match event {
        Event::Html(raw) | Event::InlineHtml(raw) => Event::Text(raw),
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }) => Event::Start(Tag::Link {
            link_type,
            dest_url: checked(dest_url),
            title,
            id,
        }),
        Event::Start(Tag::Image {
            link_type,
            dest_url,
            title,
            id,
        }) => Event::Start(Tag::Link {
            link_type,
            dest_url: checked(dest_url),
            title,
            id,
        }),
        Event::End(TagEnd::Image) => Event::End(TagEnd::Link),
        other => other,
    });
    let mut out = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut out, events);
    out
}

#[cfg(test)]
mod tests {
    use super::to_html;

    #[test]
    fn formatting_is_rendered() {
        let html = to_html(
            "## Titre\n\n- **CDI** : durée *indéterminée*\n- `CDD`\n\n| a | b |\n|---|---|\n| 1 | 2 |",
        );
        assert!(html.contains("<h2>Titre</h2>"));
        assert!(html.contains("<strong>CDI</strong>") && html.contains("<em>indéterminée</em>"));
        assert!(html.contains("<code>CDD</code>") && html.contains("<table>"));
    }

    #[test]
    fn raw_html_is_shown_not_run() {
        let html = to_html("Bonjour <script>alert(1)</script> et <img src=x onerror=alert(2)>\n\n<div onclick=\"x()\">bloc</div>");
        assert!(
            !html.contains("<script") && !html.contains("<img") && !html.contains("<div"),
            "{html}"
        );
        assert!(
            html.contains("&lt;script&gt;") && html.contains("&lt;img src=x onerror=alert(2)&gt;"),
            "{html}"
        );
    }

    #[test]
    fn only_safe_links_survive_and_images_become_links() {
        let html = to_html("[ok](https://www.francetravail.fr) [bad](javascript:alert(1)) [data](data:text/html,x) [proto](//evil.example) ![pixel](https://tracker.example/p.png)");
        assert!(html.contains("href=\"https://www.francetravail.fr\""));
        assert!(
            !html.contains("javascript:") && !html.contains("data:text") && !html.contains("//evil.example"),
            "{html}"
        );
        assert!(
            !html.contains("<img") && html.contains("href=\"https://tracker.example/p.png\">pixel</a>"),
            "{html}"
        );
    }
}
