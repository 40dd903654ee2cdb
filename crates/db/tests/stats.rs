//! The statistics' daily roll-up gives the same figures as counting the tables, on both backends: whole
//! settled days come from `stats_daily`, the ends of a period and today are counted live.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::connection::SimpleConnection;
use diesel::RunQueryDsl;
use jobbot_db::stats::{self, Interval, Stats};
use jobbot_db::testing::{activity_seed, TestDatabase};
use jobbot_db::{migrations, Backend};

fn at(day: &str, time: &str) -> NaiveDateTime {
    let date = NaiveDate::parse_from_str(day, "%Y-%m-%d").expect("a date");
    date.and_time(time.parse().expect("a time"))
}

/// The same figures in a canonical order (the backends sort NULLs and text their own way).
fn sorted(mut stats: Stats) -> Stats {
    for series in [
        &mut stats.signups,
        &mut stats.active_users,
        &mut stats.conversations,
        &mut stats.shares_created,
        &mut stats.share_views,
        &mut stats.chat_messages,
    ] {
        series.sort();
    }
    stats.replies.sort_by(|a, b| {
        (&a.bucket, &a.provider, &a.model, &a.status).cmp(&(&b.bucket, &b.provider, &b.model, &b.status))
    });
    stats
        .tokens
        .sort_by(|a, b| (&a.bucket, &a.provider, &a.model).cmp(&(&b.bucket, &b.provider, &b.model)));
    stats
        .errors
        .sort_by(|a, b| (&a.bucket, &a.code).cmp(&(&b.bucket, &b.code)));
    stats.ratings.sort_by(|a, b| {
        (&a.bucket, &a.provider, &a.model, &a.rating).cmp(&(&b.bucket, &b.provider, &b.model, &b.rating))
    });
    stats
}

fn rolled_days(conn: &mut jobbot_db::DbConnection) -> i64 {
    #[derive(diesel::QueryableByName)]
    struct N {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    diesel::sql_query("SELECT CAST(COUNT(*) AS BIGINT) AS n FROM stats_days")
        .get_result::<N>(conn)
        .expect("count")
        .n
}

fn roll_up_matches_live(backend: Backend) {
    let db = TestDatabase::new(backend);
    let pool = jobbot_db::connect(&db.url, 1).expect("connect");
    let mut conn = pool.get().expect("connection");
    migrations::run_pending(&mut conn).expect("migrate");
    for sql in activity_seed(backend, 3_000) {
        conn.batch_execute(&sql).expect("seed");
    }
    // "Now" is inside the seeded activity, so the end of the longest period is counted live.
    let now = at("2026-10-20", "12:00:00");
    let periods = [
        (
            at("2026-01-01", "00:00:00"),
            at("2026-11-01", "00:00:00"),
            Interval::Day,
        ),
        (
            at("2026-03-15", "13:30:00"),
            at("2026-06-02", "08:00:00"),
            Interval::Week,
        ),
        (at("2026-09-01", "10:15:00"), now, Interval::Day),
        (at("2026-10-20", "00:00:00"), now, Interval::Day),
        (
            at("2026-02-01", "00:00:00"),
            at("2026-10-19", "00:00:00"),
            Interval::Week,
        ),
    ];
    for (from, to, interval) in periods {
        let expected = sorted(stats::live(&mut conn, from, to, interval).expect("live"));
        assert!(
            !expected.signups.is_empty() && !expected.ratings.is_empty(),
            "{from}..{to}: the seed has activity and ratings"
        );
        let first = sorted(stats::stats_at(&mut conn, from, to, interval, now).expect("rolled up"));
        assert_eq!(
            first, expected,
            "{backend:?} {from}..{to} {interval:?}: rolling up"
        );
        let again = sorted(stats::stats_at(&mut conn, from, to, interval, now).expect("from the roll-up"));
        assert_eq!(
            again, expected,
            "{backend:?} {from}..{to} {interval:?}: read back"
        );
    }
    // Every settled day asked for is rolled up once: 2026-01-01 up to the day before 2026-10-20 (today, live).
    let settled = (at("2026-10-20", "00:00:00") - at("2026-01-01", "00:00:00")).num_days();
    assert_eq!(rolled_days(&mut conn), settled);

    // A rolled-up day keeps its figures (history does not move); today's are live.
    let today = at("2026-10-20", "00:00:00");
    let day = |s: &Stats| s.signups.iter().map(|(_, n)| n).sum::<i64>();
    let old_day = |conn: &mut jobbot_db::DbConnection| {
        let (from, to) = (at("2026-03-02", "00:00:00"), at("2026-03-03", "00:00:00"));
        day(&stats::stats_at(conn, from, to, Interval::Day, now).expect("old day"))
    };
    let today_so_far = |conn: &mut jobbot_db::DbConnection| {
        day(&stats::stats_at(conn, today, now, Interval::Day, now).expect("today"))
    };
    let (before_old, before_today) = (old_day(&mut conn), today_so_far(&mut conn));
    for (id, created) in [
        ("late-1", "2026-03-02 09:00:00"),
        ("late-2", "2026-10-20 09:00:00"),
    ] {
        diesel::sql_query(format!(
            "INSERT INTO users (id, email, password_hash, display_name, role, locale, created_at, updated_at) \
             VALUES ('{id}', '{id}@example.fr', 'x', 'Late', 'candidate', 'fr', '{created}', '{created}')"
        ))
        .execute(&mut conn)
        .expect("a late row");
    }
    let (after_old, after_today) = (old_day(&mut conn), today_so_far(&mut conn));
    assert_eq!((after_old, after_today), (before_old, before_today + 1));
}

#[test]
fn roll_up_matches_live_on_sqlite() {
    roll_up_matches_live(Backend::Sqlite);
}

#[test]
fn roll_up_matches_live_on_postgres() {
    roll_up_matches_live(Backend::Postgres);
}
