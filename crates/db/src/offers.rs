//! Job offers (France Travail, recruiters, candidates' own finds) and their French full-text search (the offers
//! candidates save: `saved_offers`).
//!
//! Search runs the same query on both backends: JobBot analyses text itself (`jobbot_domain::search`), SQLite
//! matches the terms with FTS5 and PostgreSQL with `tsvector`s of the `simple` configuration. Relevance is
//! computed the same way on both, so they agree: the number of the query's clauses the *title* matches, then
//! the newest first.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Nullable, Text};
use jobbot_domain::search::{analyze, Clause};

use crate::schema::{job_offers, offer_syncs};
use crate::sql::{Bind, Sql};
use crate::DbConnection;

#[derive(Debug, Clone, PartialEq, Eq, Queryable, QueryableByName, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = job_offers, treat_none_as_null = true)]
pub struct OfferRow {
    pub id: String,
    pub source: String,
    pub source_id: Option<String>,
    pub source_url: Option<String>,
    pub owner_id: Option<String>,
    pub private: bool,
    pub title: String,
    pub company: Option<String>,
    pub description: String,
    pub contract_type: Option<String>,
    pub working_time: Option<String>,
    pub remote: Option<String>,
    pub location_label: Option<String>,
    pub commune: Option<String>,
    pub postcode: Option<String>,
    pub departement: Option<String>,
    pub salary_text: Option<String>,
    pub salary_min: Option<i64>,
    pub salary_max: Option<i64>,
    pub experience: Option<String>,
    pub published_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub state: String,
    pub created_at: NaiveDateTime,
    pub title_words: String,
    pub title_stems: String,
    pub body_words: String,
    pub body_stems: String,
    /// The skills it asks for, one a line (France Travail's competences and qualities, a recruiter's list).
    pub skills: String,
}

impl OfferRow {
    /// A blank open public offer from `source`, published and created at `at`, with a new id: fill in what
    /// is known with `OfferRow { title, …, ..OfferRow::blank(source, at) }.indexed()`.
    pub fn blank(source: &str, at: NaiveDateTime) -> Self {
        Self {
            id: crate::new_id(),
            source: source.to_owned(),
            source_id: None,
            source_url: None,
            owner_id: None,
            private: false,
            title: String::new(),
            company: None,
            description: String::new(),
            contract_type: None,
            working_time: None,
            remote: None,
            location_label: None,
            commune: None,
            postcode: None,
            departement: None,
            salary_text: None,
            salary_min: None,
            salary_max: None,
            experience: None,
            published_at: at,
            updated_at: at,
            state: jobbot_domain::OfferState::Open.as_str().to_owned(),
            created_at: at,
            title_words: String::new(),
            title_stems: String::new(),
            body_words: String::new(),
            body_stems: String::new(),
            skills: String::new(),
        }
    }

    /// The row with its search columns filled.
    pub fn indexed(mut self) -> Self {
        self.index();
        self
    }

    /// Fills the search columns from the title, company, place and description (call after any change).
    pub fn index(&mut self) {
        let title = analyze(&self.title);
        let body = [
            self.company.as_deref(),
            self.location_label.as_deref(),
            self.commune.as_deref(),
            Some(self.description.as_str()),
        ]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join("\n");
        let body = analyze(&body);
        self.title_words = title.words;
        self.title_stems = title.stems;
        self.body_words = body.words;
        self.body_stems = body.stems;
    }

    /// Whether `viewer` may see it: public offers to everyone, private ones to their owner only.
    pub fn visible_to(&self, viewer: &str) -> bool {
        !self.private || self.owner_id.as_deref() == Some(viewer)
    }

    /// Same offer text and facts (ignoring ids, the owner and bookkeeping times): an import that changes
    /// nothing writes nothing.
    fn same_content(&self, other: &OfferRow) -> bool {
        let key = |o: &OfferRow| {
            (
                (
                    o.title.clone(),
                    o.company.clone(),
                    o.description.clone(),
                    o.source_url.clone(),
                ),
                (
                    o.contract_type.clone(),
                    o.working_time.clone(),
                    o.remote.clone(),
                    o.experience.clone(),
                ),
                (
                    o.location_label.clone(),
                    o.commune.clone(),
                    o.postcode.clone(),
                    o.departement.clone(),
                ),
                (o.salary_text.clone(), o.salary_min, o.salary_max, o.state.clone()),
                (o.published_at, o.updated_at, o.skills.clone()),
            )
        };
        key(self) == key(other)
    }
}

pub fn insert(conn: &mut DbConnection, row: &OfferRow) -> QueryResult<()> {
    diesel::insert_into(job_offers::table)
        .values(row)
        .execute(conn)
        .map(|_| ())
}

pub fn update(conn: &mut DbConnection, row: &OfferRow) -> QueryResult<()> {
    diesel::update(job_offers::table.find(&row.id))
        .set(row)
        .execute(conn)
        .map(|_| ())
}

pub fn find(conn: &mut DbConnection, id: &str) -> QueryResult<Option<OfferRow>> {
    job_offers::table
        .find(id)
        .select(OfferRow::as_select())
        .first(conn)
        .optional()
}

/// What an import did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Imported {
    pub inserted: usize,
    pub updated: usize,
    pub unchanged: usize,
}

/// Inserts or updates offers by their `(source, source_id)` (rows without a source id are inserted); the id
/// and creation time of an offer already there are kept. One transaction.
pub fn upsert_by_source(conn: &mut DbConnection, rows: &[OfferRow]) -> QueryResult<Imported> {
    crate::transaction(conn, |conn| {
        let mut done = Imported::default();
        for row in rows {
            let existing = match &row.source_id {
                Some(source_id) => job_offers::table
                    .filter(job_offers::source.eq(&row.source))
                    .filter(job_offers::source_id.eq(source_id))
                    .select(OfferRow::as_select())
                    .first(conn)
                    .optional()?,
                None => None,
            };
            match existing {
                None => {
                    insert(conn, row)?;
                    done.inserted += 1;
                }
                Some(old) if old.same_content(row) => done.unchanged += 1,
                Some(old) => {
                    let mut row = row.clone();
                    row.id = old.id;
                    row.created_at = old.created_at;
                    row.owner_id = old.owner_id;
                    update(conn, &row)?;
                    done.updated += 1;
                }
            }
        }
        Ok(done)
    })
}

/// The newest `updated_at` of a source's offers: where an incremental sync starts again.
pub fn latest_update(conn: &mut DbConnection, source: &str) -> QueryResult<Option<NaiveDateTime>> {
    job_offers::table
        .filter(job_offers::source.eq(source))
        .select(diesel::dsl::max(job_offers::updated_at))
        .first(conn)
}

/// When the newest open public offer was added (saved searches have nothing new when they looked after it).
pub fn latest_created(conn: &mut DbConnection) -> QueryResult<Option<NaiveDateTime>> {
    job_offers::table
        .filter(job_offers::private.eq(false))
        .filter(job_offers::state.eq("open"))
        .select(diesel::dsl::max(job_offers::created_at))
        .first(conn)
}

/// How search results are ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Sort {
    /// Title matches first, then the newest (the newest first when there is no text to match).
    #[default]
    Relevance,
    /// The newest first.
    Date,
    /// The best fit to `Search::fit` first (its score, 0 to 100), then the newest; the public search only.
    Match,
}

/// Where the previous page stopped (the last result's sort key).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cursor {
    pub hits: i64,
    pub published_at: NaiveDateTime,
    pub id: String,
}

/// What to search: every field narrows the results.
#[derive(Debug, Clone, Default)]
pub struct Search {
    pub clauses: Vec<Clause>,
    /// Any of these contract types.
    pub contract: Vec<String>,
    pub remote: Vec<String>,
    pub departement: Vec<String>,
    /// Offers stating a salary at least this high (yearly gross euros).
    pub salary_min: Option<i64>,
    pub published_since: Option<NaiveDateTime>,
    /// Offers added to JobBot after this time (a saved search's new offers).
    pub created_after: Option<NaiveDateTime>,
    pub sort: Sort,
    /// Only this user's own offers, in any state (a recruiter's list); otherwise open public offers.
    pub owner: Option<String>,
    pub limit: i64,
    pub after: Option<Cursor>,
    /// Count the facets (first pages only: the counts do not change from page to page).
    pub facets: bool,
    /// The candidate `Sort::Match` ranks for.
    pub fit: Option<std::sync::Arc<jobbot_matching::Candidate>>,
}

/// One found offer and how many of the query's clauses its title matched (its score by `Sort::Match`).
#[derive(Debug, Clone, QueryableByName)]
pub struct Hit {
    #[diesel(embed)]
    pub offer: OfferRow,
    #[diesel(sql_type = BigInt)]
    pub hits: i64,
}

/// A facet value and how many offers have it (given the query and the other filters).
#[derive(Debug, Clone, PartialEq, Eq, QueryableByName)]
pub struct FacetCount {
    #[diesel(sql_type = Nullable<Text>)]
    pub value: Option<String>,
    #[diesel(sql_type = BigInt)]
    pub n: i64,
}

#[derive(Debug, Clone, Default)]
pub struct Facets {
    pub contract: Vec<FacetCount>,
    pub remote: Vec<FacetCount>,
    pub departement: Vec<FacetCount>,
}

#[derive(Debug, Clone, Default)]
pub struct Page {
    pub hits: Vec<Hit>,
    /// Set when there are more results: pass it back as `after`.
    pub next: Option<Cursor>,
    /// All matching offers (with facets only).
    pub total: Option<i64>,
    pub facets: Option<Facets>,
}

/// The columns of `job_offers` that [`OfferRow`] reads (table alias `j`), for SQL written by hand.
const COLUMNS: &str =
    "j.id, j.source, j.source_id, j.source_url, j.owner_id, j.private, j.title, j.company, \
    j.description, j.contract_type, j.working_time, j.remote, j.location_label, j.commune, j.postcode, \
    j.departement, j.salary_text, j.salary_min, j.salary_max, j.experience, j.published_at, j.updated_at, \
    j.state, j.created_at, j.title_words, j.title_stems, j.body_words, j.body_stems, j.skills";

/// The facets: each is counted without its own filter (counts show the alternatives).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Facet {
    Contract,
    Remote,
    Departement,
}

/// A term for the databases: our analysed terms are letters and digits only, so quoting them is safe, but
/// they still go to the database as bound values.
fn fts5_clause(clause: &Clause, title_only: bool) -> String {
    let (words, stems) = if title_only {
        ("{title_words}", "{title_stems}")
    } else {
        ("{title_words body_words}", "{title_stems body_stems}")
    };
    match clause {
        Clause::Term(stem) => format!("{stems} : \"{stem}\""),
        Clause::Prefix(prefix) => format!("{words} : \"{prefix}\" *"),
        Clause::Phrase(list) => format!("{words} : \"{}\"", list.join(" ")),
        Clause::Compound(list) => format!("{stems} : \"{}\"", list.join(" ")),
    }
}

/// The tsquery of a clause. `title_only`: for the title's own vectors (no weights); otherwise for the whole
/// offer's, where a phrase must be consecutive within the title (weight A) or within the body (B), never
/// across them.
fn tsquery_clause(clause: &Clause, title_only: bool) -> String {
    let lexeme = |term: &str, suffix: &str| format!("'{term}'{suffix}");
    let phrase = |list: &[String], weight: &str| {
        list.iter()
            .map(|term| lexeme(term, weight))
            .collect::<Vec<_>>()
            .join(" <-> ")
    };
    match clause {
        Clause::Term(stem) => lexeme(stem, ""),
        Clause::Prefix(prefix) => lexeme(prefix, ":*"),
        Clause::Phrase(list) | Clause::Compound(list) if title_only => phrase(list, ""),
        Clause::Phrase(list) | Clause::Compound(list) => {
            format!("({}) | ({})", phrase(list, ":A"), phrase(list, ":B"))
        }
    }
}

/// The tsvector a clause is matched against: stems or words, the whole offer's or the title's.
fn tsvector_of(clause: &Clause, title_only: bool) -> &'static str {
    match (clause, title_only) {
        (Clause::Term(_) | Clause::Compound(_), false) => "o.search_stems",
        (Clause::Prefix(_) | Clause::Phrase(_), false) => "o.search_words",
        (Clause::Term(_) | Clause::Compound(_), true) => "o.title_search_stems",
        (Clause::Prefix(_) | Clause::Phrase(_), true) => "o.title_search_words",
    }
}

/// The condition that `clause` matches the offer (`title_only`: in its title).
fn push_match(sql: &mut Sql, clause: &Clause, title_only: bool) {
    if sql.is_postgres() {
        sql.push(tsvector_of(clause, title_only));
        sql.push(" @@ to_tsquery('simple', ");
        sql.bind(Bind::Text(tsquery_clause(clause, title_only)));
        sql.push(")");
    } else {
        sql.push("o.rowid IN (SELECT rowid FROM job_offers_fts WHERE job_offers_fts MATCH ");
        sql.bind(Bind::Text(fts5_clause(clause, title_only)));
        sql.push(")");
    }
}

fn push_any_of(sql: &mut Sql, column: &str, values: &[String]) {
    sql.push(" AND ");
    sql.push(column);
    sql.push(" IN (");
    for (i, value) in values.iter().enumerate() {
        if i > 0 {
            sql.push(", ");
        }
        sql.bind(Bind::Text(value.clone()));
    }
    sql.push(")");
}

/// `FROM job_offers o WHERE …` for the search (`facet_filters: false` leaves out the contract, remote and
/// département filters: the facets' counts apply them in memory).
fn push_from_where(sql: &mut Sql, search: &Search, facet_filters: bool) {
    sql.push(" FROM job_offers o WHERE ");
    match &search.owner {
        Some(owner) => {
            sql.push("o.owner_id = ");
            sql.bind(Bind::Text(owner.clone()));
        }
        // With words on SQLite, the full-text index's rows drive the query (`+` keeps SQLite from scanning
        // the browse index instead and testing every open offer against them).
        None if !sql.is_postgres() && !search.clauses.is_empty() => {
            sql.push("+o.private = FALSE AND +o.state = 'open'")
        }
        None => sql.push("o.private = FALSE AND o.state = 'open'"),
    }
    if sql.is_postgres() {
        for clause in &search.clauses {
            sql.push(" AND ");
            push_match(sql, clause, false);
        }
    } else if !search.clauses.is_empty() {
        // One full-text query for every clause.
        let all: Vec<String> = search
            .clauses
            .iter()
            .map(|c| format!("({})", fts5_clause(c, false)))
            .collect();
        sql.push(" AND o.rowid IN (SELECT rowid FROM job_offers_fts WHERE job_offers_fts MATCH ");
        sql.bind(Bind::Text(all.join(" AND ")));
        sql.push(")");
    }
    if facet_filters {
        for (column, values) in [
            ("o.contract_type", &search.contract),
            ("o.remote", &search.remote),
            ("o.departement", &search.departement),
        ] {
            if !values.is_empty() {
                push_any_of(sql, column, values);
            }
        }
    }
    if let Some(salary) = search.salary_min {
        sql.push(" AND COALESCE(o.salary_max, o.salary_min) >= ");
        sql.bind(Bind::Int(salary));
    }
    if let Some(since) = search.published_since {
        sql.push(" AND o.published_at >= ");
        sql.bind(Bind::Time(since));
    }
    if let Some(after) = search.created_after {
        sql.push(" AND o.created_at > ");
        sql.bind(Bind::Time(after));
    }
}

/// The relevance of a row: how many clauses its title matches.
fn push_hits(sql: &mut Sql, search: &Search) {
    if search.clauses.is_empty() || search.sort == Sort::Date {
        sql.push("CAST(0 AS BIGINT)");
        return;
    }
    sql.push("CAST(");
    for (i, clause) in search.clauses.iter().enumerate() {
        if i > 0 {
            sql.push(" + ");
        }
        sql.push("(CASE WHEN ");
        push_match(sql, clause, true);
        sql.push(" THEN 1 ELSE 0 END)");
    }
    sql.push(" AS BIGINT)");
}

/// How many matching offers have one combination of the facets' values.
#[derive(QueryableByName)]
struct Combination {
    #[diesel(sql_type = Nullable<Text>)]
    contract_type: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    remote: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    departement: Option<String>,
    #[diesel(sql_type = BigInt)]
    n: i64,
}

impl Combination {
    fn value(&self, facet: Facet) -> Option<&String> {
        match facet {
            Facet::Contract => self.contract_type.as_ref(),
            Facet::Remote => self.remote.as_ref(),
            Facet::Departement => self.departement.as_ref(),
        }
    }
}

const FACETS: [Facet; 3] = [Facet::Contract, Facet::Remote, Facet::Departement];

fn filter_of(search: &Search, facet: Facet) -> &[String] {
    match facet {
        Facet::Contract => &search.contract,
        Facet::Remote => &search.remote,
        Facet::Departement => &search.departement,
    }
}

/// Whether `combination` passes the facet filters, leaving out `except`'s own.
fn passes(search: &Search, combination: &Combination, except: Option<Facet>) -> bool {
    FACETS.iter().filter(|f| Some(**f) != except).all(|&facet| {
        let wanted = filter_of(search, facet);
        wanted.is_empty() || combination.value(facet).is_some_and(|v| wanted.contains(v))
    })
}

/// The total and the facets from one grouped query: the matches without the facet filters, counted per
/// combination of contract, remote and département, then filtered here — each facet leaves out its own
/// filter, so it shows the alternatives.
fn total_and_facets(conn: &mut DbConnection, search: &Search) -> QueryResult<(i64, Facets)> {
    let mut sql = Sql::new(conn);
    sql.push(
        "SELECT o.contract_type AS contract_type, o.remote AS remote, o.departement AS departement, \
         CAST(COUNT(*) AS BIGINT) AS n",
    );
    push_from_where(&mut sql, search, false);
    sql.push(" GROUP BY o.contract_type, o.remote, o.departement");
    let combinations: Vec<Combination> = sql.load(conn)?;
    let total = combinations
        .iter()
        .filter(|c| passes(search, c, None))
        .map(|c| c.n)
        .sum();
    let counts = |facet: Facet, top: usize| {
        let mut by_value: std::collections::BTreeMap<&String, i64> = std::collections::BTreeMap::new();
        for c in combinations.iter().filter(|c| passes(search, c, Some(facet))) {
            if let Some(value) = c.value(facet) {
                *by_value.entry(value).or_default() += c.n;
            }
        }
        let mut list: Vec<FacetCount> = by_value
            .into_iter()
            .map(|(value, n)| FacetCount {
                value: Some(value.clone()),
                n,
            })
            .collect();
        // The most frequent first, then by value (the map gave them in value order).
        list.sort_by_key(|f| std::cmp::Reverse(f.n));
        list.truncate(top);
        list
    };
    let facets = Facets {
        contract: counts(Facet::Contract, 10),
        remote: counts(Facet::Remote, 10),
        departement: counts(Facet::Departement, 20),
    };
    Ok((total, facets))
}

/// Searches offers (see [`Search`]); `limit` results from `after`.
pub fn search(conn: &mut DbConnection, search: &Search) -> QueryResult<Page> {
    // Ranks the matches on their sort keys alone (narrow rows), then reads the page's offers by id.
    let mut sql = Sql::new(conn);
    sql.push("SELECT ");
    sql.push(COLUMNS);
    sql.push(", t.hits AS hits FROM (SELECT r.id, r.published_at, r.hits FROM (SELECT o.id AS id, ");
    sql.push("o.published_at AS published_at, ");
    push_hits(&mut sql, search);
    sql.push(" AS hits");
    push_from_where(&mut sql, search, true);
    sql.push(") r");
    // Without words to rank (or by date), every hit count is 0: ordered by date alone, which the
    // (published_at, id) index gives without sorting.
    let ranked = search.sort == Sort::Relevance && !search.clauses.is_empty();
    if let Some(after) = &search.after {
        sql.push(" WHERE (");
        if ranked {
            sql.push("r.hits < ");
            sql.bind(Bind::Int(after.hits));
            sql.push(" OR (r.hits = ");
            sql.bind(Bind::Int(after.hits));
            sql.push(" AND ");
        }
        sql.push("(r.published_at < ");
        sql.bind(Bind::Time(after.published_at));
        sql.push(" OR (r.published_at = ");
        sql.bind(Bind::Time(after.published_at));
        sql.push(" AND r.id < ");
        sql.bind(Bind::Text(after.id.clone()));
        sql.push("))");
        sql.push(if ranked { "))" } else { ")" });
    }
    sql.push(if ranked {
        " ORDER BY r.hits DESC, r.published_at DESC, r.id DESC LIMIT "
    } else {
        " ORDER BY r.published_at DESC, r.id DESC LIMIT "
    });
    sql.bind(Bind::Int(search.limit + 1));
    sql.push(") t JOIN job_offers j ON j.id = t.id ORDER BY t.hits DESC, t.published_at DESC, t.id DESC");
    let mut hits: Vec<Hit> = sql.load(conn)?;
    let next = if hits.len() as i64 > search.limit {
        hits.truncate(search.limit.max(0) as usize);
        hits.last().map(|last| Cursor {
            hits: last.hits,
            published_at: last.offer.published_at,
            id: last.offer.id.clone(),
        })
    } else {
        None
    };
    let (total, facets) = if search.facets {
        let (total, facets) = total_and_facets(conn, search)?;
        (Some(total), Some(facets))
    } else {
        (None, None)
    };
    Ok(Page {
        hits,
        next,
        total,
        facets,
    })
}

/// Rebuilds SQLite's full-text index from the offers (after a copy that may have renumbered rows); nothing to
/// do on PostgreSQL, whose search columns are generated.
pub fn rebuild_search_index(conn: &mut DbConnection) -> QueryResult<()> {
    use diesel::connection::SimpleConnection;
    match conn {
        DbConnection::Sqlite(_) => {
            conn.batch_execute("INSERT INTO job_offers_fts (job_offers_fts) VALUES ('rebuild')")
        }
        DbConnection::Pg(_) => Ok(()),
    }
}

pub fn delete(conn: &mut DbConnection, id: &str) -> QueryResult<()> {
    diesel::delete(job_offers::table.find(id))
        .execute(conn)
        .map(|_| ())
}

/// Every offer a user posted or added, the newest first (for their export).
pub fn owned(conn: &mut DbConnection, user_id: &str) -> QueryResult<Vec<OfferRow>> {
    job_offers::table
        .filter(job_offers::owner_id.eq(user_id))
        .order((job_offers::created_at.desc(), job_offers::id.desc()))
        .select(OfferRow::as_select())
        .load(conn)
}

/// When the last successful France Travail sync started.
pub fn last_sync(conn: &mut DbConnection) -> QueryResult<Option<NaiveDateTime>> {
    offer_syncs::table
        .find("france_travail")
        .select(offer_syncs::last_success_at)
        .first(conn)
        .optional()
}

/// Records a successful France Travail sync that started at `at`.
pub fn record_sync(conn: &mut DbConnection, at: NaiveDateTime) -> QueryResult<()> {
    let updated = diesel::update(offer_syncs::table.find("france_travail"))
        .set(offer_syncs::last_success_at.eq(at))
        .execute(conn)?;
    if updated == 0 {
        diesel::insert_into(offer_syncs::table)
            .values((
                offer_syncs::source.eq("france_travail"),
                offer_syncs::last_success_at.eq(at),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Offers and saves right now, for the admin statistics (counts only, no contents).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub open: i64,
    pub closed: i64,
    pub saved: i64,
}

pub fn counts(conn: &mut DbConnection) -> QueryResult<Counts> {
    let open = job_offers::table
        .filter(job_offers::state.eq("open"))
        .count()
        .get_result(conn)?;
    let closed = job_offers::table
        .filter(job_offers::state.eq("closed"))
        .count()
        .get_result(conn)?;
    let saved = crate::schema::saved_offers::table.count().get_result(conn)?;
    Ok(Counts { open, closed, saved })
}
