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
        Event::Start(
            Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }
            | Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            },
        ) => Event::Start(Tag::Link {
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

/// The text of `markdown` without its marks, for a plain-text download: paragraphs and headings separated by
/// a blank line, list items as "- " (or "1. ") lines, links as "text (address)", code as it is.
pub fn to_plain_text(markdown: &str) -> String {
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TASKLISTS;
    let mut out = String::with_capacity(markdown.len());
    // Each open list's next number (`None`: bullets).
    let mut lists: Vec<Option<u64>> = Vec::new();
    let mut links: Vec<String> = Vec::new();
    let block_end = |out: &mut String| {
        while out.ends_with(' ') {
            out.pop();
        }
        if !out.is_empty() && !out.ends_with("\n\n") {
            out.push_str(if out.ends_with('\n') { "\n" } else { "\n\n" });
        }
    };
    for event in Parser::new_ext(markdown, options) {
        match event {
            Event::Text(text) | Event::Code(text) | Event::Html(text) | Event::InlineHtml(text) => {
                out.push_str(&text)
            }
            Event::SoftBreak | Event::HardBreak => out.push('\n'),
            Event::Rule => {
                block_end(&mut out);
                out.push_str("---\n\n");
            }
            Event::TaskListMarker(done) => out.push_str(if done { "[x] " } else { "[ ] " }),
            Event::Start(Tag::List(first)) => {
                if lists.is_empty() {
                    block_end(&mut out);
                } else if !out.ends_with('\n') {
                    out.push('\n');
                }
                lists.push(first);
            }
            Event::End(TagEnd::List(_)) => {
                lists.pop();
                if lists.is_empty() {
                    block_end(&mut out);
                }
            }
            Event::Start(Tag::Item) => {
                if !out.is_empty() && !out.ends_with('\n') {
                    out.push('\n');
                }
                out.push_str(&"  ".repeat(lists.len().saturating_sub(1)));
                match lists.last_mut() {
                    Some(Some(n)) => {
                        out.push_str(&format!("{n}. "));
                        *n += 1;
                    }
                    _ => out.push_str("- "),
                }
            }
            Event::End(TagEnd::Item) if !out.ends_with('\n') => out.push('\n'),
            Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) => {
                links.push(dest_url.to_string())
            }
            Event::End(TagEnd::Link | TagEnd::Image) => {
                if let Some(url) = links
                    .pop()
                    .filter(|u| !u.is_empty() && !out.ends_with(u.as_str()))
                {
                    out.push_str(&format!(" ({url})"));
                }
            }
            Event::End(TagEnd::TableCell) => out.push('\t'),
            Event::End(TagEnd::TableRow | TagEnd::TableHead) => {
                while out.ends_with('\t') {
                    out.pop();
                }
                out.push('\n');
            }
            Event::End(
                TagEnd::Paragraph
                | TagEnd::Heading(_)
                | TagEnd::CodeBlock
                | TagEnd::BlockQuote(_)
                | TagEnd::Table,
            ) => {
                if lists.is_empty() {
                    block_end(&mut out);
                } else if !out.ends_with('\n') {
                    out.push('\n');
                }
            }
            _ => {}
        }
    }
    let end = out.trim_end().len();
    out.truncate(end);
    out.push('\n');
    out
}

#[cfg(test)]
mod plain_tests {
    use super::to_plain_text;

    #[test]
    fn keeps_the_words_and_drops_the_marks() {
        let text = to_plain_text(
            "# Lettre de motivation\n\nMadame, Monsieur,\n\nTitulaire du **CACES R489**, je vous propose :\n\n\
- ma *rigueur* ;\n- mon [permis B](https://example.com/permis).\n\n1. un\n2. deux\n\nCordialement,  \nInès",
        );
        assert_eq!(
            text,
            "Lettre de motivation\n\nMadame, Monsieur,\n\nTitulaire du CACES R489, je vous propose :\n\n\
- ma rigueur ;\n- mon permis B (https://example.com/permis).\n\n1. un\n2. deux\n\nCordialement,\nInès\n"
        );
    }
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
