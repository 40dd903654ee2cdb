//! What the model is sent: JobBot's instructions, then as much recent history as the budget allows; and a
//! new conversation's title from its first question.

use jobbot_api_types::{MessageRole, MessageStatus};
use jobbot_db::assistant::messages::MessageRow;
use jobbot_llm::{ChatMessage, ChatRequest, Role};

pub const SYSTEM_PROMPT: &str = "You are JobBot, a careful job-search coach for people looking for work in France. \
You help with CVs, cover letters (lettre de motivation), job interviews, salary negotiation, employment contracts \
(CDI, CDD, intérim, alternance, stage) and France Travail procedures (inscription, actualisation, allocations). \
Always answer in the language the user writes in; French by default. Be concrete and honest: give steps the user \
can act on, say when a rule depends on the situation or may have changed and where to check it (France Travail, \
service-public.fr), and never invent facts about a company, a person or a job offer. Use short paragraphs and \
Markdown lists when they help.";

/// The messages sent to the model: the system prompt (`system`: JobBot's instructions, and the workspace of a
/// grounded conversation), then as much recent history as fits in `budget_chars`, oldest turns dropped first.
/// `newest_first` comes from the database; the question is always kept.
pub fn build_context(newest_first: &[MessageRow], budget_chars: usize, system: String) -> ChatRequest {
    let mut kept = Vec::new();
    let mut used = 0;
    for row in newest_first {
        let usable = row.message_role() == MessageRole::User
            || !matches!(
                row.message_status(),
                MessageStatus::Failed | MessageStatus::Streaming
            );
        if !usable || row.content.trim().is_empty() {
            continue;
        }
        let size = row.content.chars().count();
        if !kept.is_empty() && used + size > budget_chars {
            break;
        }
        used += size;
        let role = if row.message_role() == MessageRole::User {
            Role::User
        } else {
            Role::Assistant
        };
        kept.push(ChatMessage {
            role,
            content: row.content.clone(),
        });
    }
    kept.reverse();
    let mut messages = vec![ChatMessage {
        role: Role::System,
        content: system,
    }];
    messages.extend(kept);
    ChatRequest {
        messages,
        model: None,
    }
}

/// The automatic title: the first question, on one line, cut at a word under 60 characters.
pub fn title_from(question: &str) -> String {
    let flat = question.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= 60 {
        return flat;
    }
    let cut: String = flat.chars().take(60).collect();
    let cut = cut
        .rsplit_once(' ')
        .map_or(cut.as_str(), |(head, _)| head)
        .trim_end_matches([',', '.', ';', ':']);
    format!("{cut}…")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(role: &str, content: &str, status: &str) -> MessageRow {
        let role = MessageRole::parse(role).expect("a role");
        let status = MessageStatus::parse(status).expect("a status");
        MessageRow::new("c", role, content, status, jobbot_db::now())
    }

    #[test]
    fn context_keeps_recent_turns_within_budget_oldest_dropped_first() {
        let newest_first = vec![
            row("user", "question 3", "complete"),
            row("assistant", "", "failed"),
            row("assistant", "answer 2 ".repeat(10).trim(), "complete"),
            row("user", "question 2", "complete"),
            row("assistant", "answer 1", "complete"),
            row("user", "question 1", "complete"),
        ];
        let all = build_context(&newest_first, 10_000, SYSTEM_PROMPT.to_owned());
        let texts: Vec<&str> = all.messages.iter().map(|m| m.content.as_str()).collect();
        assert_eq!(all.messages[0].role, Role::System);
        assert_eq!(
            &texts[1..],
            ["question 1", "answer 1", "question 2", texts[4], "question 3"]
        );

        let tight = build_context(&newest_first, 110, SYSTEM_PROMPT.to_owned());
        let texts: Vec<&str> = tight
            .messages
            .iter()
            .skip(1)
            .map(|m| m.content.as_str())
            .collect();
        assert_eq!(
            texts.first(),
            Some(&"question 2"),
            "the oldest turns go first: {texts:?}"
        );
        assert_eq!(texts.last(), Some(&"question 3"));

        let nothing_fits = build_context(&newest_first, 1, SYSTEM_PROMPT.to_owned());
        assert_eq!(
            nothing_fits.messages.len(),
            2,
            "the question itself is always sent"
        );
    }

    #[test]
    fn titles_are_one_line_and_short() {
        assert_eq!(
            title_from("  Comment   rédiger\nmon CV ? "),
            "Comment rédiger mon CV ?"
        );
        let long = title_from(
            "Je cherche un poste de développeuse Rust à Lyon, en CDI, avec du télétravail partiel",
        );
        assert!(long.ends_with('…') && long.chars().count() <= 61, "{long}");
        assert!(long.starts_with("Je cherche un poste de développeuse Rust à Lyon"));
    }
}
