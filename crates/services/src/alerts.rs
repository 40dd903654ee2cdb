//! Saved searches and their alerts: what a saved search may hold, its new offers, and the check that raises
//! a notification when offers matching it were added (at most one per search per day).
//!
//! The check runs on every instance every `JOBBOT_ALERTS_EVERY_SECONDS`; on PostgreSQL one instance at a time
//! (an advisory lock), and each alert is claimed by moving the search's `checked_at` from the value read, so
//! two runs never raise the same alert twice.

use chrono::{NaiveDateTime, TimeDelta};
use jobbot_api_types::{
    ContractType, FieldError, LiveEvent, Notification, NotificationOffer, Remote, SavedSearch, SearchParams,
    UnreadNotifications,
};
use jobbot_db::offers::{Search, Sort};
use jobbot_db::saved_searches::{self, NotificationRow, SavedSearchRow};
use jobbot_db::DbConnection;
use serde::{Deserialize, Serialize};

use crate::error::ServiceError;
use crate::offers::{invalid, QUERY_MAX_CHARS, SALARY_MAX};
use crate::realtime::Hub;

/// Saved searches per user.
pub const MAX_SAVED_SEARCHES: i64 = 20;
pub const NAME_MAX_CHARS: usize = 100;
const DEPARTEMENTS_MAX: usize = 20;
/// Offers a notification names.
const OFFERS_SHOWN: i64 = 3;
/// At most one alert per search in this time.
pub const ALERT_EVERY: TimeDelta = TimeDelta::days(1);
pub const KIND_SAVED_SEARCH: &str = "saved_search";
/// `jobbot purge` deletes notifications read this many days ago.
pub const READ_KEPT_DAYS: i64 = 180;

/// The search's parameters, checked (`field` prefixes the names of the fields at fault).
pub fn validate_query(query: SearchParams, field: &str, errors: &mut Vec<FieldError>) -> SearchParams {
    let q = jobbot_domain::text::trim(&query.q).to_owned();
    if query.q.chars().count() > QUERY_MAX_CHARS {
        errors.push(invalid(
            &format!("{field}.q"),
            "too_long",
            "Search with at most 200 characters.",
        ));
    }
    let mut departement: Vec<String> = Vec::new();
    for (i, d) in query.departement.iter().enumerate() {
        if !crate::offers::is_departement(d) {
            errors.push(invalid(
                &format!("{field}.departement[{i}]"),
                "unknown_value",
                "Give a département code: 69, 2A, 974.",
            ));
        } else if !departement.contains(d) {
            departement.push(d.clone());
        }
    }
    if query.departement.len() > DEPARTEMENTS_MAX {
        errors.push(invalid(
            &format!("{field}.departement"),
            "too_many",
            "Choose at most 20 départements.",
        ));
    }
    if query.salary_min.is_some_and(|s| !(0..=SALARY_MAX).contains(&s)) {
        errors.push(invalid(
            &format!("{field}.salary_min"),
            "out_of_range",
            "Choose a salary from 0 to 10,000,000.",
        ));
    }
    let mut contract = query.contract;
    contract.sort_by_key(|c| c.as_str());
    contract.dedup();
    let mut remote = query.remote;
    remote.sort_by_key(|r| r.as_str());
    remote.dedup();
    SearchParams {
        q,
        contract,
        remote,
        departement,
        salary_min: query.salary_min,
    }
}

/// A saved search's name: trimmed, 1 to 100 characters.
pub fn validate_name(name: &str, errors: &mut Vec<FieldError>) -> String {
    if jobbot_domain::text::is_blank(name) {
        errors.push(invalid("name", "required", "Give the search a name."));
    } else if name.chars().count() > NAME_MAX_CHARS {
        errors.push(invalid("name", "too_long", "Use at most 100 characters."));
    }
    jobbot_domain::text::trim(name).to_owned()
}

/// The name a search gets when none is given: its words, or "Ma recherche".
pub fn default_name(query: &SearchParams) -> String {
    let words: String = query.q.chars().take(NAME_MAX_CHARS).collect();
    if words.trim().is_empty() {
        "Ma recherche".to_owned()
    } else {
        words.trim().to_owned()
    }
}

fn join<T>(list: &[T], name: impl Fn(&T) -> &str) -> String {
    list.iter().map(name).collect::<Vec<_>>().join(",")
}

/// Stores the parameters in the row (lists comma-separated, as the query string has them).
pub fn set_query(row: &mut SavedSearchRow, query: &SearchParams) {
    row.query_text = query.q.clone();
    row.contract = join(&query.contract, |c| c.as_str());
    row.remote = join(&query.remote, |r| r.as_str());
    row.departement = query.departement.join(",");
    row.salary_min = query.salary_min;
}

fn split(raw: &str) -> impl Iterator<Item = &str> {
    raw.split(',')
        .map(jobbot_domain::text::trim)
        .filter(|v| !v.is_empty())
}

pub fn query_of(row: &SavedSearchRow) -> SearchParams {
    SearchParams {
        q: row.query_text.clone(),
        contract: split(&row.contract).filter_map(ContractType::parse).collect(),
        remote: split(&row.remote).filter_map(Remote::parse).collect(),
        departement: split(&row.departement).map(str::to_owned).collect(),
        salary_min: row.salary_min,
    }
}

/// The open public offers matching the row's search, added after `after`, the newest first.
fn search_of(row: &SavedSearchRow, after: NaiveDateTime, limit: i64) -> Search {
    Search {
        clauses: jobbot_domain::search::parse_query(&row.query_text),
        contract: split(&row.contract).map(str::to_owned).collect(),
        remote: split(&row.remote).map(str::to_owned).collect(),
        departement: split(&row.departement).map(str::to_owned).collect(),
        salary_min: row.salary_min,
        created_after: Some(after),
        sort: Sort::Date,
        limit,
        facets: true,
        ..Search::default()
    }
}

/// How many offers were added since the row's owner last opened it. `latest`: when the newest open public
/// offer was added ([`jobbot_db::offers::latest_created`]): a search that looked after it has nothing new,
/// without searching.
pub fn new_offers(
    conn: &mut DbConnection,
    row: &SavedSearchRow,
    latest: Option<NaiveDateTime>,
) -> Result<i64, ServiceError> {
    if latest.is_none_or(|latest| latest <= row.seen_at) {
        return Ok(0);
    }
    Ok(jobbot_db::offers::search(conn, &search_of(row, row.seen_at, 1))?
        .total
        .unwrap_or(0))
}

pub fn dto(row: SavedSearchRow, new_offers: i64) -> SavedSearch {
    SavedSearch {
        query: query_of(&row),
        id: row.id,
        name: row.name,
        alerts: row.alerts,
        new_offers,
        created_at: row.created_at.and_utc(),
        updated_at: row.updated_at.and_utc(),
        seen_at: row.seen_at.and_utc(),
        alerted_at: row.alerted_at.map(|t| t.and_utc()),
    }
}

/// What a notification keeps (its `data`).
#[derive(Serialize, Deserialize)]
struct Data {
    title: String,
    count: i64,
    offers: Vec<NotificationOffer>,
}

pub fn notification_dto(row: NotificationRow) -> Notification {
    let data: Data = serde_json::from_str(&row.data).unwrap_or(Data {
        title: String::new(),
        count: 0,
        offers: Vec::new(),
    });
    Notification {
        id: row.id,
        kind: row.kind,
        saved_search_id: row.saved_search_id,
        title: data.title,
        count: data.count,
        offers: data.offers,
        created_at: row.created_at.and_utc(),
        read_at: row.read_at.map(|t| t.and_utc()),
    }
}

/// Tells the user's open pages, on every instance, how many notifications are unread.
pub fn publish_unread(hub: &Hub, conn: &mut DbConnection, user_id: &str) -> Result<i64, ServiceError> {
    let unread = saved_searches::unread(conn, user_id)?;
    hub.publish(
        conn,
        &[user_id.to_owned()],
        &LiveEvent::Notifications(UnreadNotifications { unread }),
        None,
    );
    Ok(unread)
}

/// One check at `now`: every search with alerts on and no alert in the last day gets one if offers matching
/// it were added since its last check. Returns the alerts raised (`None`: another instance is checking).
pub fn check(conn: &mut DbConnection, hub: &Hub, now: NaiveDateTime) -> Result<Option<usize>, ServiceError> {
    if !jobbot_db::try_advisory_lock(conn, jobbot_db::ALERTS_LOCK)? {
        return Ok(None);
    }
    let result = check_locked(conn, hub, now);
    let _ = jobbot_db::advisory_unlock(conn, jobbot_db::ALERTS_LOCK);
    result.map(Some)
}

fn check_locked(conn: &mut DbConnection, hub: &Hub, now: NaiveDateTime) -> Result<usize, ServiceError> {
    let mut raised = 0;
    // Most checks find nothing added since the last: no search then.
    let latest = jobbot_db::offers::latest_created(conn)?;
    for search in saved_searches::due_for_alert(conn, now - ALERT_EVERY)? {
        if latest.is_none_or(|latest| latest <= search.checked_at) {
            continue;
        }
        let page = jobbot_db::offers::search(conn, &search_of(&search, search.checked_at, OFFERS_SHOWN))?;
        let count = page.total.unwrap_or(0);
        if count == 0 {
            continue;
        }
        let data = Data {
            title: search.name.clone(),
            count,
            offers: page
                .hits
                .into_iter()
                .map(|h| NotificationOffer {
                    id: h.offer.id,
                    title: h.offer.title,
                    company: h.offer.company,
                })
                .collect(),
        };
        let notification = NotificationRow {
            id: jobbot_db::new_id(),
            user_id: search.user_id.clone(),
            kind: KIND_SAVED_SEARCH.to_owned(),
            saved_search_id: Some(search.id.clone()),
            data: serde_json::to_string(&data).map_err(ServiceError::internal)?,
            created_at: now,
            read_at: None,
        };
        let claimed = jobbot_db::transaction(conn, |conn| {
            saved_searches::record_alert(conn, &search, now, &notification)
        })?;
        if claimed {
            raised += 1;
            tracing::info!(saved_search_id = %search.id, count, "saved search alert");
            publish_unread(hub, conn, &search.user_id)?;
        }
    }
    Ok(raised)
}

/// Runs [`check`] every `every`, for ever.
pub async fn daemon(
    pool: jobbot_db::Pool,
    hub: std::sync::Arc<crate::realtime::Hub>,
    every: std::time::Duration,
) {
    let mut tick = tokio::time::interval(every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        let hub = hub.clone();
        match crate::database::run(&pool, move |conn| check(conn, &hub, jobbot_db::now())).await {
            Ok(Some(n)) if n > 0 => tracing::debug!(alerts = n, "saved searches checked"),
            Ok(_) => {}
            Err(error) => tracing::warn!(error = %error, "saved search alerts: check failed"),
        }
    }
}
