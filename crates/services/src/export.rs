//! The export of everything JobBot holds about a user (`GET /api/v1/me/export`): a zip written as it is read,
//! to any writer — the HTTP layer streams it in chunks. README.txt says what each file is, in French and English.

use std::io::Write;

use jobbot_db::accounts::export;
use jobbot_db::assistant::messages;
use jobbot_db::{users, DbConnection};
use serde_json::{json, Value};
use zip::write::SimpleFileOptions;

fn at(time: chrono::NaiveDateTime) -> String {
    time.and_utc().to_rfc3339()
}

fn opt(time: Option<chrono::NaiveDateTime>) -> Value {
    time.map_or(Value::Null, |t| Value::String(at(t)))
}

/// Writes the archive of everything held about `user_id` to `out` as a zip, one conversation at a time (the
/// memory it takes does not grow with the account). `cv`: the CV's row and its file's bytes, read beforehand
/// from the file store.
pub fn write_archive<W: Write>(
    conn: &mut DbConnection,
    user_id: &str,
    cv: Option<(jobbot_db::cvs::CvRow, Option<Vec<u8>>)>,
    out: W,
) -> std::io::Result<()> {
    let io = |e: jobbot_db::QueryError| std::io::Error::other(e.to_string());
    let mut zip = zip::ZipWriter::new_stream(out);
    let options = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    let file = |zip: &mut zip::ZipWriter<_>, name: &str, content: &[u8]| -> std::io::Result<()> {
        zip.start_file(name, options).map_err(std::io::Error::other)?;
        zip.write_all(content)
    };
    let json_file = |value: &Value| serde_json::to_vec_pretty(value).unwrap_or_default();

    let user = users::find(conn, user_id)
        .map_err(io)?
        .ok_or_else(|| std::io::Error::other("no such user"))?;
    file(&mut zip, "README.txt", README.as_bytes())?;
    file(
        &mut zip,
        "account.json",
        &json_file(&json!({
            "id": user.id, "email": user.email, "display_name": user.display_name, "role": user.role,
            "locale": user.locale, "created_at": at(user.created_at), "updated_at": at(user.updated_at),
            "terms_version": user.terms_version, "terms_accepted_at": opt(user.terms_accepted_at),
        })),
    )?;
    let consents: Vec<Value> = export::consents(conn, user_id)
        .map_err(io)?
        .into_iter()
        .map(|c| json!({"policy_version": c.policy_version, "preferences": c.preferences, "measurement": c.measurement, "recorded_at": at(c.created_at)}))
        .collect();
    file(&mut zip, "consent-history.json", &json_file(&json!(consents)))?;
    let sessions: Vec<Value> = export::sessions(conn, user_id)
        .map_err(io)?
        .into_iter()
        .map(|s| json!({"id": s.id, "user_agent": s.user_agent, "created_at": at(s.created_at), "last_seen_at": at(s.last_seen_at), "expires_at": at(s.expires_at), "revoked_at": opt(s.revoked_at)}))
        .collect();
    file(&mut zip, "sessions.json", &json_file(&json!(sessions)))?;
    let tokens: Vec<Value> = export::tokens(conn, user_id)
        .map_err(io)?
        .into_iter()
        .map(|t| json!({"id": t.id, "name": t.name, "scope": t.scope, "prefix": t.prefix, "created_at": at(t.created_at), "expires_at": opt(t.expires_at), "last_used_at": opt(t.last_used_at), "revoked_at": opt(t.revoked_at)}))
        .collect();
    file(&mut zip, "personal-tokens.json", &json_file(&json!(tokens)))?;

    for conversation in export::conversations(conn, user_id).map_err(io)? {
        // Every branch (the JSON says which message follows which, and which are shown); the Markdown reads as
        // the conversation shows.
        let rows = messages::all(conn, &conversation.id).map_err(io)?;
        let mut markdown = format!(
            "# {}\n\n_Conversation JobBot — {}_\n",
            conversation.title,
            at(conversation.created_at)
        );
        let ids: Vec<String> = rows.iter().map(|m| m.id.clone()).collect();
        let mut rated: std::collections::HashMap<String, jobbot_db::assistant::feedback::FeedbackRow> =
            jobbot_db::assistant::feedback::of(conn, &ids)
                .map_err(io)?
                .into_iter()
                .map(|f| (f.message_id.clone(), f))
                .collect();
        let mut list = Vec::with_capacity(rows.len());
        for m in rows {
            let feedback = rated.remove(&m.id).map(|f| {
                json!({"rating": f.rating, "comment": f.comment, "created_at": at(f.created_at), "updated_at": at(f.updated_at)})
            });
            let who = if m.message_role() == jobbot_db::assistant::messages::MessageRole::User {
                "Vous / You".to_owned()
            } else {
                format!("JobBot ({})", m.model.clone().unwrap_or_default())
            };
            if m.on_path {
                markdown.push_str(&format!("\n## {who} — {}\n\n{}\n", at(m.created_at), m.content));
            }
            list.push(json!({
                "id": m.id, "role": m.role, "content": m.content, "status": m.status, "provider": m.provider, "model": m.model,
                "prompt_tokens": m.prompt_tokens, "completion_tokens": m.completion_tokens, "created_at": at(m.created_at),
                "feedback": feedback, "fallback_from": m.fallback_from, "parent_id": m.parent_id, "shown": m.on_path,
            }));
        }
        let value = json!({"id": conversation.id, "title": conversation.title, "model": conversation.model, "created_at": at(conversation.created_at), "updated_at": at(conversation.updated_at), "messages": list});
        file(
            &mut zip,
            &format!("conversations/{}.json", conversation.id),
            &json_file(&value),
        )?;
        file(
            &mut zip,
            &format!("conversations/{}.md", conversation.id),
            markdown.as_bytes(),
        )?;
    }

    let written: Vec<Value> = export::chat_messages_written(conn, user_id)
        .map_err(io)?
        .into_iter()
        .map(|m| json!({"id": m.id, "chat_id": m.chat_id, "kind": m.kind, "content": m.content, "share_id": m.share_id, "created_at": at(m.created_at)}))
        .collect();
    file(&mut zip, "chat-messages.json", &json_file(&json!(written)))?;
    let mut made = Vec::new();
    for share in export::shares_made(conn, user_id).map_err(io)? {
        let views: Vec<Value> = jobbot_db::shares::views(conn, &share.id)
            .map_err(io)?
            .into_iter()
            .map(|(viewer, when)| json!({"viewer": viewer, "viewed_at": at(when)}))
            .collect();
        made.push(share_json(&share, Some(views)));
    }
    file(&mut zip, "shares-made.json", &json_file(&json!(made)))?;
    // Only what the caller may read right now: a revoked, expired, blocked or left share is a tombstone.
    let received: Vec<Value> = crate::sharing::received(conn, user_id, jobbot_db::now())
        .map_err(std::io::Error::other)?
        .into_iter()
        .map(|r| {
            let mut value = share_json(&r.share, None);
            value["state"] = json!(r.state);
            if r.transcript.is_none() {
                value["message_count"] = json!(0);
            }
            value["transcript"] = json!(r.transcript);
            value
        })
        .collect();
    file(&mut zip, "shares-received.json", &json_file(&json!(received)))?;
    let usage: Vec<Value> = export::usage(conn, user_id)
        .map_err(io)?
        .into_iter()
        .map(|u| json!({"provider": u.provider, "model": u.model, "prompt_tokens": u.prompt_tokens, "completion_tokens": u.completion_tokens, "latency_ms": u.latency_ms, "at": at(u.created_at)}))
        .collect();
    file(&mut zip, "usage.json", &json_file(&json!(usage)))?;
    let own: Vec<Value> = jobbot_db::offers::owned(conn, user_id)
        .map_err(io)?
        .into_iter()
        .map(|row| json!(crate::offers::offer_dto(row, user_id, false)))
        .collect();
    file(&mut zip, "offers.json", &json_file(&json!(own)))?;
    let saved: Vec<Value> = jobbot_db::saved_offers::saved(conn, user_id)
        .map_err(io)?
        .into_iter()
        .filter(|(row, _)| row.visible_to(user_id))
        .map(|(row, when)| json!({"saved_at": at(when), "offer": crate::offers::offer_dto(row, user_id, true)}))
        .collect();
    file(&mut zip, "saved-offers.json", &json_file(&json!(saved)))?;
    let history = jobbot_db::applications::all_history(conn, user_id).map_err(io)?;
    let documents = jobbot_db::applications::all_documents(conn, user_id).map_err(io)?;
    let tracked: Vec<Value> = jobbot_db::applications::list(conn, user_id)
        .map_err(io)?
        .into_iter()
        .map(|a| {
            let changes: Vec<Value> = history
                .iter()
                .filter(|e| e.application_id == a.id)
                .map(|e| json!({"from": e.from_status, "to": e.to_status, "at": at(e.at)}))
                .collect();
            let kept: Vec<Value> = documents
                .iter()
                .filter(|d| d.application_id == a.id)
                .map(|d| {
                    json!({
                        "id": d.id, "kind": d.kind, "title": d.title, "content": d.content,
                        "message_id": d.message_id, "created_at": at(d.created_at), "updated_at": at(d.updated_at),
                    })
                })
                .collect();
            json!({
                "id": a.id, "offer_id": a.offer_id, "title": a.title, "company": a.company, "status": a.status,
                "contact": a.contact, "notes": a.notes, "next_action": a.next_action,
                "next_action_due": opt(a.next_action_due), "created_at": at(a.created_at),
                "updated_at": at(a.updated_at), "history": changes, "documents": kept,
            })
        })
        .collect();
    file(&mut zip, "applications.json", &json_file(&json!(tracked)))?;
    let profile = crate::profile::load(conn, user_id).map_err(|e| std::io::Error::other(e.to_string()))?;
    file(&mut zip, "profile.json", &json_file(&json!(profile)))?;
    let searches: Vec<Value> = jobbot_db::saved_searches::list(conn, user_id)
        .map_err(io)?
        .into_iter()
        .map(|row| json!(crate::alerts::dto(row, 0)))
        .collect();
    file(&mut zip, "saved-searches.json", &json_file(&json!(searches)))?;
    let notifications: Vec<Value> = jobbot_db::saved_searches::all_notifications(conn, user_id)
        .map_err(io)?
        .into_iter()
        .map(|row| json!(crate::alerts::notification_dto(row)))
        .collect();
    file(&mut zip, "notifications.json", &json_file(&json!(notifications)))?;
    if let Some((row, bytes)) = cv {
        let meta = json!({
            "filename": row.filename, "size_bytes": row.size_bytes, "sha256": row.sha256, "pages": row.pages,
            "text": row.text, "text_edited": row.text_edited, "uploaded_at": at(row.uploaded_at),
            "updated_at": at(row.updated_at),
        });
        file(&mut zip, "cv.json", &json_file(&meta))?;
        if let Some(bytes) = bytes {
            file(&mut zip, "cv.pdf", &bytes)?;
        }
    }
    let mut out = zip.finish().map_err(std::io::Error::other)?;
    out.flush()
}

/// A share's fields; a share made carries its frozen transcript and views (`views: Some`), a share received
/// gets what its recipient may read set by the caller.
fn share_json(share: &jobbot_db::shares::ShareRow, views: Option<Vec<Value>>) -> Value {
    let transcript = match views {
        Some(_) => serde_json::from_str::<Value>(&share.snapshot).unwrap_or(Value::Null),
        None => Value::Null,
    };
    json!({
        "id": share.id, "chat_id": share.chat_id, "conversation_id": share.conversation_id, "mode": share.mode,
        "title": share.title, "message_count": share.message_count, "created_at": at(share.created_at),
        "updated_at": at(share.updated_at), "expires_at": opt(share.expires_at), "revoked_at": opt(share.revoked_at),
        "transcript": transcript, "views": views.unwrap_or_default(),
    })
}

const README: &str = "Vos données JobBot / Your JobBot data\n\n\
account.json            votre compte / your account\n\
consent-history.json    vos choix de cookies / your cookie choices\n\
sessions.json           vos connexions (sans jetons) / your logins (no tokens)\n\
personal-tokens.json    vos jetons d'accès (sans secrets) / your access tokens (no secrets)\n\
conversations/          vos conversations avec JobBot, en JSON et en Markdown / your JobBot conversations, JSON and Markdown\n\
chat-messages.json      les messages que vous avez écrits / the chat messages you wrote\n\
shares-made.json        vos partages et qui les a vus / your shares and who viewed them\n\
shares-received.json    les partages reçus / the shares you received\n\
usage.json              les jetons consommés par l'assistant / tokens used by the assistant\n\
offers.json             les offres que vous avez publiées ou ajoutées / the offers you posted or added\n\
saved-offers.json       les offres que vous suivez / the offers you saved\n\
applications.json       vos candidatures, leur historique et leurs documents / your applications, their history and documents\n\
profile.json            votre profil / your profile\n\
saved-searches.json     vos recherches enregistrées / your saved searches\n\
notifications.json      vos alertes / your alerts\n\
cv.json, cv.pdf         votre CV et son texte / your CV and its text\n";
