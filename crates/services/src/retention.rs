//! Retention: conversations inactive for the configured days and expired shares go, daily in the server and
//! with `jobbot purge`. The plan is made first, then exactly that plan is applied (or only described).

/// Plans the purge for `days` of retention, applies it unless `dry_run`, and describes it (ids and dates).
pub fn purge(conn: &mut jobbot_db::DbConnection, days: u32, dry_run: bool) -> anyhow::Result<String> {
    let now = jobbot_db::now();
    let plan = jobbot_db::retention::plan(conn, now - chrono::TimeDelta::days(i64::from(days)), now)?;
    let verb = if dry_run { "would delete" } else { "deleted" };
    let mut report = String::new();
    for (id, at) in &plan.conversations {
        report.push_str(&format!(
            "{verb} conversation {id} (last activity {})\n",
            at.and_utc().to_rfc3339()
        ));
    }
    for (id, at) in &plan.expired_shares {
        report.push_str(&format!(
            "{verb} share {id} (expired {})\n",
            at.and_utc().to_rfc3339()
        ));
    }
    if !dry_run {
        jobbot_db::retention::apply(conn, &plan, now)?;
    }
    report.push_str(&format!(
        "{verb} {} conversation(s) inactive for {days} days and {} expired share(s)\n",
        plan.conversations.len(),
        plan.expired_shares.len()
    ));
    Ok(report)
}
