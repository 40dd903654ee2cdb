//! Offer search on both backends: a corpus of 210 French offers, 38 queries with the results expected on top,
//! and SQLite and PostgreSQL must give exactly the same ordered results (and pages) for every query; the
//! in-memory index (what the API answers from) gives exactly what SQL gives, page by page, with every filter,
//! total and facet count, before and after offers change.

use jobbot_db::offer_index::{self, OfferIndex};
use jobbot_db::offers::{self, Facets, Search, Sort};
use jobbot_db::testing::TestDatabase;
use jobbot_db::{migrations, Backend, DbConnection};
use jobbot_domain::search::parse_query;

mod corpus;

use corpus::{corpus, day, row, QUERIES};

fn search(conn: &mut DbConnection, q: &str, sort: Sort, limit: i64) -> Vec<String> {
    let mut all = Vec::new();
    let mut after = None;
    loop {
        let page = offers::search(
            conn,
            &Search {
                clauses: parse_query(q),
                sort,
                limit,
                after: after.clone(),
                facets: after.is_none(),
                ..Search::default()
            },
        )
        .expect("search");
        all.extend(page.hits.into_iter().map(|h| h.offer.id));
        match page.next {
            Some(next) => after = Some(next),
            None => return all,
        }
    }
}

fn results(backend: Backend) -> Vec<Vec<String>> {
    let db = TestDatabase::new(backend);
    let pool = jobbot_db::connect(&db.url, 1).expect("connect");
    let mut conn = pool.get().expect("connection");
    migrations::run_pending(&mut conn).expect("migrate");
    let rows = corpus();
    assert!(rows.len() >= 200);
    offers::upsert_by_source(&mut conn, &rows).expect("load");
    let mut out = Vec::new();
    for (q, expected) in QUERIES {
        let found = search(&mut conn, q, Sort::Relevance, 50);
        // Pages of 7 give the same list as pages of 50.
        assert_eq!(
            search(&mut conn, q, Sort::Relevance, 7),
            found,
            "{backend}: pages of {q:?}"
        );
        let mut top: Vec<&str> = found.iter().take(expected.len()).map(String::as_str).collect();
        top.sort_unstable();
        let mut want = expected.to_vec();
        want.sort_unstable();
        assert_eq!(top, want, "{backend}: top results of {q:?} (all: {found:?})");
        out.push(found);
    }
    out
}

#[test]
fn both_backends_find_the_expected_offers_in_the_same_order() {
    assert!(QUERIES.len() >= 30);
    let sqlite = results(Backend::Sqlite);
    let postgres = results(Backend::Postgres);
    for ((q, _), (a, b)) in QUERIES.iter().zip(sqlite.iter().zip(&postgres)) {
        assert_eq!(a, b, "SQLite and PostgreSQL disagree on {q:?}");
    }
}

/// Each facet's values and counts.
type FacetLists = [Vec<(Option<String>, i64)>; 3];

fn facets_of(facets: &Option<Facets>) -> Option<FacetLists> {
    facets.as_ref().map(|f| {
        [&f.contract, &f.remote, &f.departement]
            .map(|list| list.iter().map(|c| (c.value.clone(), c.n)).collect())
    })
}

/// Every page of `search` from SQL and from the index: the same offers with the same title hits, cursors,
/// totals and facets.
fn same_as_sql(conn: &mut DbConnection, index: &OfferIndex, mut search: Search, what: &str) -> usize {
    let mut seen = 0;
    loop {
        let sql = offers::search(conn, &search).expect("SQL search");
        let memory = offer_index::search_page(conn, index, &search).expect("index search");
        let ids = |page: &offers::Page| -> Vec<(String, i64)> {
            page.hits.iter().map(|h| (h.offer.id.clone(), h.hits)).collect()
        };
        assert_eq!(ids(&memory), ids(&sql), "{what}: page after {:?}", search.after);
        assert_eq!(memory.next, sql.next, "{what}: cursor");
        assert_eq!(memory.total, sql.total, "{what}: total");
        assert_eq!(
            facets_of(&memory.facets),
            facets_of(&sql.facets),
            "{what}: facets"
        );
        seen += sql.hits.len();
        match sql.next {
            Some(next) => {
                search.after = Some(next);
                search.facets = false;
            }
            None => return seen,
        }
    }
}

fn variants(q: &str) -> Vec<(String, Search)> {
    let base = Search {
        clauses: parse_query(q),
        limit: 7,
        facets: true,
        ..Search::default()
    };
    vec![
        (format!("{q:?}"), base.clone()),
        (
            format!("{q:?} by date"),
            Search {
                sort: Sort::Date,
                ..base.clone()
            },
        ),
        (
            format!("{q:?} cdi or cdd in 75, 69 or 33"),
            Search {
                contract: vec!["cdi".into(), "cdd".into()],
                departement: vec!["75".into(), "69".into(), "33".into()],
                ..base.clone()
            },
        ),
        (
            format!("{q:?} remote, salary ≥ 35,000, recent"),
            Search {
                remote: vec!["remote".into(), "hybrid".into()],
                salary_min: Some(35_000),
                published_since: Some(day(150)),
                ..base.clone()
            },
        ),
        (
            format!("{q:?} added after"),
            Search {
                created_after: Some(day(200)),
                limit: 50,
                ..base
            },
        ),
    ]
}

fn index_agrees_with_sql(backend: Backend) {
    let db = TestDatabase::new(backend);
    let pool = jobbot_db::connect(&db.url, 1).expect("connect");
    let mut conn = pool.get().expect("connection");
    migrations::run_pending(&mut conn).expect("migrate");
    let mut rows = corpus();
    offers::upsert_by_source(&mut conn, &rows).expect("load");
    let index = OfferIndex::new();
    let queries: Vec<&str> = std::iter::once("")
        .chain(QUERIES.iter().map(|(q, _)| *q))
        .collect();
    let mut found = 0;
    for q in &queries {
        for (what, search) in variants(q) {
            found += same_as_sql(&mut conn, &index, search, &format!("{backend}: {what}"));
        }
    }
    assert!(
        found > 1_000,
        "{backend}: the searches found {found} offers in all"
    );
    assert_eq!(index.len(), rows.len());

    // Offers change (through every path: an import that updates and adds, a closing, a deletion, a private
    // one): the next search sees it.
    rows[0].title = "Plombier chauffagiste".into();
    rows[0].index();
    let mut added = row(
        "N001",
        (
            "Électricien de maintenance",
            "Nouvelle",
            "75",
            "cdi",
            Some("remote"),
            "Nouvelle offre.",
        ),
        400,
    );
    added.salary_max = Some(90_000);
    offers::upsert_by_source(&mut conn, &[rows[0].clone(), added.clone()]).expect("import");
    let mut closed = offers::find(&mut conn, "T02").expect("find").expect("T02");
    closed.state = "closed".into();
    offers::update(&mut conn, &closed).expect("close");
    offers::delete(&mut conn, "T04").expect("delete");
    let mut private = row(
        "P001",
        ("Électricien", "Moi", "75", "cdi", None, "Trouvée ailleurs."),
        401,
    );
    private.source = "candidate".into();
    private.private = true;
    offers::insert(&mut conn, &private).expect("insert");
    for q in ["électricien", "plombier", "développeur rust", "", "électri*"] {
        for (what, search) in variants(q) {
            same_as_sql(
                &mut conn,
                &index,
                search,
                &format!("{backend} after changes: {what}"),
            );
        }
    }
    assert_eq!(
        index.len(),
        rows.len() - 1,
        "one added, one closed, one deleted, the private one left out"
    );
    let page = offer_index::search_page(
        &mut conn,
        &index,
        &Search {
            clauses: parse_query("électricien"),
            limit: 50,
            ..Search::default()
        },
    )
    .expect("search");
    let ids: Vec<&str> = page.hits.iter().map(|h| h.offer.id.as_str()).collect();
    assert!(
        ids.contains(&"N001") && !ids.contains(&"T02") && !ids.contains(&"P001"),
        "{ids:?}"
    );

    // A new instance's index, built from the offers as they are now, agrees too.
    let fresh = OfferIndex::new();
    for q in ["électricien", "plombier", ""] {
        for (what, search) in variants(q) {
            same_as_sql(
                &mut conn,
                &fresh,
                search,
                &format!("{backend}, a new index: {what}"),
            );
        }
    }
}

#[test]
fn the_in_memory_index_agrees_with_sql_sqlite() {
    index_agrees_with_sql(Backend::Sqlite);
}

#[test]
fn the_in_memory_index_agrees_with_sql_postgres() {
    index_agrees_with_sql(Backend::Postgres);
}

/// On PostgreSQL a change can commit after one numbered higher (two transactions at once): the index still
/// applies it, whether it was built or only brought up to date while that transaction ran.
#[test]
fn a_change_that_commits_late_still_reaches_the_index() {
    use diesel::connection::SimpleConnection;

    let db = TestDatabase::new(Backend::Postgres);
    let pool = jobbot_db::connect(&db.url, 3).expect("connect");
    let mut conn = pool.get().expect("connection");
    migrations::run_pending(&mut conn).expect("migrate");
    let mut slow = pool.get().expect("a second connection");
    let found = |conn: &mut DbConnection, index: &OfferIndex, q: &str| -> Vec<String> {
        let search = Search {
            clauses: parse_query(q),
            limit: 10,
            ..Search::default()
        };
        offer_index::search_page(conn, index, &search)
            .expect("search")
            .hits
            .into_iter()
            .map(|h| h.offer.id)
            .collect()
    };
    let offer = |id: &str, title: &str, n: i64| row(id, (title, "Volta", "69", "cdi", None, "Texte."), n);
    let index = OfferIndex::new();
    assert!(found(&mut conn, &index, "soudeur").is_empty());

    // Brought up to date while the slow transaction runs.
    slow.batch_execute("BEGIN").expect("begin");
    offers::insert(&mut slow, &offer("LATE1", "Soudeur", 1)).expect("insert, not committed");
    offers::insert(&mut conn, &offer("QUICK1", "Soudeur TIG", 2)).expect("insert and commit");
    assert_eq!(found(&mut conn, &index, "soudeur"), vec!["QUICK1"]);
    slow.batch_execute("COMMIT").expect("commit");
    let mut both = found(&mut conn, &index, "soudeur");
    both.sort();
    assert_eq!(both, vec!["LATE1", "QUICK1"], "the late change applied");

    // Built while the slow transaction runs.
    slow.batch_execute("BEGIN").expect("begin");
    offers::insert(&mut slow, &offer("LATE2", "Tourneur", 3)).expect("insert, not committed");
    offers::insert(&mut conn, &offer("QUICK2", "Tourneur fraiseur", 4)).expect("insert and commit");
    let fresh = OfferIndex::new();
    assert_eq!(found(&mut conn, &fresh, "tourneur"), vec!["QUICK2"]);
    slow.batch_execute("COMMIT").expect("commit");
    let mut both = found(&mut conn, &fresh, "tourneur");
    both.sort();
    assert_eq!(
        both,
        vec!["LATE2", "QUICK2"],
        "the late change applied to a new index"
    );
}
