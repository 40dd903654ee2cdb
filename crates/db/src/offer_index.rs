//! The open public offers' search index, in memory: what `GET /api/v1/offers` answers from, on both backends.
//!
//! A search's cost in SQL grows with its matches (a word in 50,000 offers is 50,000 row lookups for the facets
//! and again for the ranking, docs/BENCHMARKS.md); here the matches are merged from sorted lists of offer
//! numbers and every fact a search filters, ranks or counts on is in memory. It holds exactly what the SQL
//! search reads — the analysed terms (`title_words`, `title_stems`, `body_words`, `body_stems`) and the facts —
//! and applies the same rules (`offers::search`), so both give the same pages (a test compares them on the
//! search corpus). The offers themselves are then read by id.
//!
//! Kept current from `offer_changes`, which triggers fill on every insert, update and delete of an offer (on
//! every instance's writes): each search first reads the changes since the last one (an indexed range, usually
//! empty) and re-reads those offers. On PostgreSQL a change numbered lower than one already seen can commit
//! later (concurrent transactions): such gaps are looked at again for a minute.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Nullable, Text};
use jobbot_domain::search::Clause;
use jobbot_matching::{OfferText, Vocabulary, Wants};

use crate::offers::{Cursor, FacetCount, Facets, Hit, OfferRow, Page, Search, Sort};
use crate::schema::job_offers;
use crate::DbConnection;

/// How long a missing change number is looked for again (a transaction still running on PostgreSQL).
const GAP_WAIT: Duration = Duration::from_secs(60);
/// How far below the high mark a new index looks for changes still to commit.
const RECENT_AT_BUILD: i64 = 1_000;
/// Changes older than this are deleted (an instance that was away longer rebuilds its index).
const KEEP_CHANGES_DAYS: i64 = 2;

/// What the index keeps of an offer.
#[derive(Queryable, Selectable)]
#[diesel(table_name = job_offers)]
struct Facts {
    id: String,
    private: bool,
    state: String,
    contract_type: Option<String>,
    remote: Option<String>,
    departement: Option<String>,
    salary_min: Option<i64>,
    salary_max: Option<i64>,
    published_at: NaiveDateTime,
    created_at: NaiveDateTime,
    title_words: String,
    title_stems: String,
    body_words: String,
    body_stems: String,
    title: String,
    description: String,
    skills: String,
}

const NONE: u16 = u16::MAX;

struct Doc {
    id: Box<str>,
    alive: bool,
    contract: u16,
    remote: u16,
    departement: u16,
    /// `COALESCE(salary_max, salary_min)`: what `salary_min` filters on.
    salary: Option<i64>,
    published_at: NaiveDateTime,
    created_at: NaiveDateTime,
    title_words: Box<[u32]>,
    title_stems: Box<[u32]>,
    body_words: Box<[u32]>,
    body_stems: Box<[u32]>,
    /// Its terms for the ranking by fit.
    wants: Wants,
}

#[derive(Default)]
struct Inner {
    docs: Vec<Doc>,
    by_id: HashMap<Box<str>, u32>,
    /// Interned terms (words and stems share the numbering) and facet values.
    terms: HashMap<Box<str>, u32>,
    term_text: Vec<Box<str>>,
    /// Folded words in order, for prefixes.
    sorted_words: BTreeMap<Box<str>, u32>,
    values: HashMap<Box<str>, u16>,
    value_text: Vec<Box<str>>,
    /// Term → the offers (numbers, ascending) having it in the title or the body.
    stems: HashMap<u32, Vec<u32>>,
    words: HashMap<u32, Vec<u32>>,
    dead: usize,
}

#[derive(Default)]
struct Progress {
    /// Every change up to this one is applied (or gave up on), and the gaps above it still awaited.
    applied: i64,
    gaps: BTreeMap<i64, Instant>,
    built: bool,
    pruned_at: Option<Instant>,
    /// When the changes' numbers were last compared with what was applied (a restore, a pruning).
    checked_at: Option<Instant>,
}

/// The index; `refresh` before `search`.
pub struct OfferIndex {
    inner: RwLock<Inner>,
    progress: Mutex<Progress>,
    /// What an offer's terms for the ranking by fit are read with.
    vocabulary: Arc<Vocabulary>,
}

/// One page of a search: offer ids with their title hits, in order.
pub struct IndexPage {
    pub ids: Vec<(String, i64)>,
    pub next: Option<Cursor>,
    pub total: Option<i64>,
    pub facets: Option<Facets>,
}

#[derive(QueryableByName)]
struct Change {
    #[diesel(sql_type = BigInt)]
    seq: i64,
    #[diesel(sql_type = Text)]
    offer_id: String,
}

#[derive(QueryableByName)]
struct Bounds {
    #[diesel(sql_type = Nullable<BigInt>)]
    low: Option<i64>,
    #[diesel(sql_type = Nullable<BigInt>)]
    high: Option<i64>,
}

impl Inner {
    fn term(&mut self, text: &str) -> u32 {
        if let Some(id) = self.terms.get(text) {
            return *id;
        }
        let id = self.term_text.len() as u32;
        self.term_text.push(text.into());
        self.terms.insert(text.into(), id);
        id
    }

    fn value(&mut self, text: Option<&str>) -> u16 {
        let Some(text) = text else { return NONE };
        if let Some(id) = self.values.get(text) {
            return *id;
        }
        let id = self.value_text.len() as u16;
        self.value_text.push(text.into());
        self.values.insert(text.into(), id);
        id
    }

    fn terms_of(&mut self, text: &str) -> Box<[u32]> {
        text.split(' ')
            .filter(|t| !t.is_empty())
            .map(|t| self.term(t))
            .collect()
    }

    fn remove(&mut self, id: &str) {
        if let Some(n) = self.by_id.remove(id) {
            self.docs[n as usize].alive = false;
            self.dead += 1;
        }
    }

    /// Puts the offer's current state in: a new number for an open public offer, nothing for another.
    fn put(&mut self, facts: Facts, vocabulary: &Vocabulary) {
        self.remove(&facts.id);
        if facts.private || facts.state != "open" {
            return;
        }
        let n = self.docs.len() as u32;
        let title_words = self.terms_of(&facts.title_words);
        let title_stems = self.terms_of(&facts.title_stems);
        let body_words = self.terms_of(&facts.body_words);
        let body_stems = self.terms_of(&facts.body_stems);
        for (list, postings) in [
            ([&title_stems, &body_stems], &mut self.stems),
            ([&title_words, &body_words], &mut self.words),
        ] {
            let mut seen: Vec<u32> = list.iter().flat_map(|terms| terms.iter().copied()).collect();
            seen.sort_unstable();
            seen.dedup();
            for term in seen {
                postings.entry(term).or_default().push(n);
            }
        }
        for &word in title_words.iter().chain(body_words.iter()) {
            let text = &self.term_text[word as usize];
            if !self.sorted_words.contains_key(text) {
                self.sorted_words.insert(text.clone(), word);
            }
        }
        let wants = Wants::read(
            vocabulary,
            &OfferText {
                title: &facts.title,
                description: &facts.description,
                skills: &facts.skills,
            },
        );
        let doc = Doc {
            wants,
            id: facts.id.as_str().into(),
            alive: true,
            contract: self.value(facts.contract_type.as_deref()),
            remote: self.value(facts.remote.as_deref()),
            departement: self.value(facts.departement.as_deref()),
            salary: facts.salary_max.or(facts.salary_min),
            published_at: facts.published_at,
            created_at: facts.created_at,
            title_words,
            title_stems,
            body_words,
            body_stems,
        };
        self.by_id.insert(facts.id.into(), n);
        self.docs.push(doc);
    }

    fn known(&self, term: &str) -> Option<u32> {
        self.terms.get(term).copied()
    }

    /// The offers a clause matches (in the title or the body), ascending.
    fn matching(&self, clause: &Clause) -> Vec<u32> {
        let postings = |map: &HashMap<u32, Vec<u32>>, term: &str| {
            self.known(term)
                .and_then(|t| map.get(&t))
                .cloned()
                .unwrap_or_default()
        };
        match clause {
            Clause::Term(stem) => postings(&self.stems, stem),
            Clause::Prefix(prefix) => {
                let mut all: Vec<u32> = self
                    .sorted_words
                    .range::<str, _>((
                        std::ops::Bound::Included(prefix.as_str()),
                        std::ops::Bound::Unbounded,
                    ))
                    .take_while(|(word, _)| word.starts_with(prefix.as_str()))
                    .filter_map(|(_, id)| self.words.get(id))
                    .flatten()
                    .copied()
                    .collect();
                all.sort_unstable();
                all.dedup();
                all
            }
            Clause::Phrase(list) | Clause::Compound(list) => {
                let stems = matches!(clause, Clause::Compound(_));
                let Some(ids) = list.iter().map(|t| self.known(t)).collect::<Option<Vec<u32>>>() else {
                    return Vec::new();
                };
                let map = if stems { &self.stems } else { &self.words };
                let mut candidates = match ids.first().and_then(|t| map.get(t)) {
                    Some(first) => first.clone(),
                    None => return Vec::new(),
                };
                for term in &ids[1..] {
                    let other = map.get(term).map(Vec::as_slice).unwrap_or_default();
                    candidates = intersect(&candidates, other);
                }
                candidates.retain(|&n| {
                    let doc = &self.docs[n as usize];
                    let (title, body) = if stems {
                        (&doc.title_stems, &doc.body_stems)
                    } else {
                        (&doc.title_words, &doc.body_words)
                    };
                    contains_run(title, &ids) || contains_run(body, &ids)
                });
                candidates
            }
        }
    }

    /// A clause with its terms looked up once, for testing many titles.
    fn resolve(&self, clause: &Clause) -> Resolved {
        let run = |list: &[String]| list.iter().map(|t| self.known(t)).collect::<Option<Vec<u32>>>();
        match clause {
            Clause::Term(stem) => Resolved::Stems(self.known(stem).map(|t| vec![t])),
            Clause::Prefix(prefix) => Resolved::Prefix(prefix.clone()),
            Clause::Phrase(list) => Resolved::Words(run(list)),
            Clause::Compound(list) => Resolved::Stems(run(list)),
        }
    }

    /// Whether the offer's title matches the clause (its relevance counts these).
    fn title_matches(&self, doc: &Doc, clause: &Resolved) -> bool {
        match clause {
            Resolved::Stems(Some(run)) => contains_run(&doc.title_stems, run),
            Resolved::Words(Some(run)) => contains_run(&doc.title_words, run),
            Resolved::Stems(None) | Resolved::Words(None) => false,
            Resolved::Prefix(prefix) => doc
                .title_words
                .iter()
                .any(|&w| self.term_text[w as usize].starts_with(prefix.as_str())),
        }
    }
}

/// A clause's terms as numbers (`None`: a term no offer has).
enum Resolved {
    Stems(Option<Vec<u32>>),
    Words(Option<Vec<u32>>),
    Prefix(String),
}

fn intersect(a: &[u32], b: &[u32]) -> Vec<u32> {
    let (small, large) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    small
        .iter()
        .copied()
        .filter(|n| large.binary_search(n).is_ok())
        .collect()
}

fn contains_run(terms: &[u32], run: &[u32]) -> bool {
    !run.is_empty() && terms.windows(run.len()).any(|w| w == run)
}

fn load_facts(conn: &mut DbConnection, ids: Option<&[String]>) -> QueryResult<Vec<Facts>> {
    let query = job_offers::table.select(Facts::as_select());
    match ids {
        Some(ids) => query.filter(job_offers::id.eq_any(ids)).load(conn),
        None => query
            .filter(job_offers::private.eq(false).and(job_offers::state.eq("open")))
            .load(conn),
    }
}

impl Default for OfferIndex {
    fn default() -> Self {
        Self::new()
    }
}

impl OfferIndex {
    /// An empty index that reads offers' terms with the built-in skills vocabulary.
    pub fn new() -> Self {
        Self::with_vocabulary(Arc::new(
            Vocabulary::load(None).expect("the built-in skills vocabulary loads (a unit test holds it)"),
        ))
    }

    /// An empty index that reads offers' terms with `vocabulary` (the one `GET /api/v1/offers/{id}/match` uses).
    pub fn with_vocabulary(vocabulary: Arc<Vocabulary>) -> Self {
        Self {
            inner: RwLock::default(),
            progress: Mutex::default(),
            vocabulary,
        }
    }

    fn inner(&self) -> std::sync::RwLockReadGuard<'_, Inner> {
        self.inner.read().unwrap_or_else(|p| p.into_inner())
    }

    /// Open public offers in the index.
    pub fn len(&self) -> usize {
        self.inner().by_id.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Brings the index up to date with the database: built from every open public offer the first time (or
    /// when changes it has not seen were deleted), then from the changes since.
    pub fn refresh(&self, conn: &mut DbConnection) -> QueryResult<()> {
        let mut progress = self.progress.lock().unwrap_or_else(|p| p.into_inner());
        let check = !progress.built
            || progress
                .checked_at
                .is_none_or(|at| at.elapsed() > Duration::from_secs(10));
        let bounds: Bounds = if check {
            progress.checked_at = Some(Instant::now());
            diesel::sql_query("SELECT MIN(seq) AS low, MAX(seq) AS high FROM offer_changes")
                .get_result(conn)?
        } else {
            Bounds {
                low: None,
                high: None,
            }
        };
        let stale = !progress.built
            || bounds.high.is_some_and(|high| high < progress.applied)
            || bounds
                .low
                .is_some_and(|low| low > progress.applied + 1 && progress.applied > 0);
        if stale {
            // Read the changes' high mark first: a change after it is applied next time (again, harmlessly).
            let facts = load_facts(conn, None)?;
            let mut inner = Inner::default();
            for offer in facts {
                inner.put(offer, &self.vocabulary);
            }
            *self.inner.write().unwrap_or_else(|p| p.into_inner()) = inner;
            let applied = bounds.high.unwrap_or(0);
            // Numbers below the high mark that are not there yet belong to transactions still running (or
            // rolled back): looked for like any gap.
            let recent: Vec<Change> = diesel::sql_query(format!(
                "SELECT seq, offer_id FROM offer_changes WHERE seq > {} ORDER BY seq",
                placeholder(conn)
            ))
            .bind::<BigInt, _>(applied - RECENT_AT_BUILD)
            .load(conn)?;
            let now = Instant::now();
            let present: std::collections::HashSet<i64> = recent.iter().map(|c| c.seq).collect();
            let gaps = ((applied - RECENT_AT_BUILD).max(0) + 1..=applied)
                .filter(|seq| !present.contains(seq))
                .map(|seq| (seq, now))
                .collect();
            *progress = Progress {
                applied,
                gaps,
                built: true,
                checked_at: progress.checked_at,
                ..Progress::default()
            };
        } else {
            let now = Instant::now();
            progress
                .gaps
                .retain(|_, since| now.duration_since(*since) < GAP_WAIT);
            let from = progress
                .gaps
                .keys()
                .next()
                .map_or(progress.applied, |first| first - 1)
                .min(progress.applied);
            let changes: Vec<Change> = diesel::sql_query(format!(
                "SELECT seq, offer_id FROM offer_changes WHERE seq > {} ORDER BY seq",
                placeholder(conn)
            ))
            .bind::<BigInt, _>(from)
            .load(conn)?;
            let fresh: Vec<&Change> = changes
                .iter()
                .filter(|c| c.seq > progress.applied || progress.gaps.contains_key(&c.seq))
                .collect();
            if !fresh.is_empty() {
                let mut ids: Vec<String> = fresh.iter().map(|c| c.offer_id.clone()).collect();
                ids.sort();
                ids.dedup();
                let mut found = Vec::new();
                for chunk in ids.chunks(500) {
                    found.extend(load_facts(conn, Some(chunk))?);
                }
                let mut inner = self.inner.write().unwrap_or_else(|p| p.into_inner());
                for id in &ids {
                    inner.remove(id);
                }
                for offer in found {
                    inner.put(offer, &self.vocabulary);
                }
                if inner.dead > 10_000 && inner.dead > inner.by_id.len() {
                    // Mostly superseded numbers: start again from the database.
                    drop(inner);
                    progress.built = false;
                    drop(progress);
                    return self.refresh(conn);
                }
                let mut expected = progress.applied + 1;
                for change in &fresh {
                    progress.gaps.remove(&change.seq);
                    if change.seq > progress.applied {
                        for missing in expected..change.seq {
                            progress.gaps.insert(missing, now);
                        }
                        expected = change.seq + 1;
                        progress.applied = change.seq;
                    }
                }
            }
        }
        if progress
            .pruned_at
            .is_none_or(|at| at.elapsed() > Duration::from_secs(3600))
        {
            progress.pruned_at = Some(Instant::now());
            prune_changes(conn)?;
        }
        Ok(())
    }

    /// Searches the open public offers as `offers::search` does (`search.owner` must be `None`).
    pub fn search(&self, search: &Search) -> IndexPage {
        let inner = self.inner();
        // The offers every clause matches, ascending (all of them without words).
        let matched: Vec<u32> = if search.clauses.is_empty() {
            (0..inner.docs.len() as u32)
                .filter(|&n| inner.docs[n as usize].alive)
                .collect()
        } else {
            let mut lists: Vec<Vec<u32>> = search.clauses.iter().map(|c| inner.matching(c)).collect();
            lists.sort_by_key(Vec::len);
            let mut all = lists.first().cloned().unwrap_or_default();
            for list in &lists[1..] {
                all = intersect(&all, list);
            }
            all.retain(|&n| inner.docs[n as usize].alive);
            all
        };
        let wanted = |facet: &[String]| -> Option<Vec<u16>> {
            (!facet.is_empty()).then(|| {
                facet
                    .iter()
                    .map(|v| inner.values.get(v.as_str()).copied().unwrap_or(NONE - 1))
                    .collect()
            })
        };
        let (contract, remote, departement) = (
            wanted(&search.contract),
            wanted(&search.remote),
            wanted(&search.departement),
        );
        let passes = |wanted: &Option<Vec<u16>>, value: u16| {
            wanted
                .as_ref()
                .is_none_or(|list| value != NONE && list.contains(&value))
        };
        // Ranked: by the title's matches, or by the candidate's fit.
        let by_fit = search.sort == Sort::Match;
        let ranked = by_fit || search.sort == Sort::Relevance && !search.clauses.is_empty();
        let resolved: Vec<Resolved> = search.clauses.iter().map(|c| inner.resolve(c)).collect();
        let mut keys: Vec<(i64, NaiveDateTime, &str, u32)> = Vec::new();
        let mut total = 0i64;
        let values = inner.value_text.len();
        let mut counts: [Vec<i64>; 3] = [vec![0; values], vec![0; values], vec![0; values]];
        for &n in &matched {
            let doc = &inner.docs[n as usize];
            if search
                .salary_min
                .is_some_and(|min| doc.salary.is_none_or(|s| s < min))
                || search.published_since.is_some_and(|t| doc.published_at < t)
                || search.created_after.is_some_and(|t| doc.created_at <= t)
            {
                continue;
            }
            let ok = [
                passes(&contract, doc.contract),
                passes(&remote, doc.remote),
                passes(&departement, doc.departement),
            ];
            if search.facets {
                for (facet, value) in [doc.contract, doc.remote, doc.departement]
                    .into_iter()
                    .enumerate()
                {
                    let others = ok.iter().enumerate().all(|(i, ok)| i == facet || *ok);
                    if others && value != NONE {
                        counts[facet][value as usize] += 1;
                    }
                }
            }
            if !ok.iter().all(|ok| *ok) {
                continue;
            }
            total += 1;
            let hits = if by_fit {
                search.fit.as_ref().map_or(0, |c| i64::from(c.score(&doc.wants)))
            } else if ranked {
                resolved.iter().filter(|c| inner.title_matches(doc, c)).count() as i64
            } else {
                0
            };
            let key = (hits, doc.published_at, &*doc.id, n);
            if let Some(after) = &search.after {
                let before = if ranked {
                    (key.0, key.1, key.2) < (after.hits, after.published_at, after.id.as_str())
                } else {
                    (key.1, key.2) < (after.published_at, after.id.as_str())
                };
                if !before {
                    continue;
                }
            }
            keys.push(key);
        }
        let order = |a: &(i64, NaiveDateTime, &str, u32), b: &(i64, NaiveDateTime, &str, u32)| {
            (b.0, b.1, b.2).cmp(&(a.0, a.1, a.2))
        };
        let take = (search.limit.max(0) as usize) + 1;
        if keys.len() > take {
            keys.select_nth_unstable_by(take - 1, order);
            keys.truncate(take);
        }
        keys.sort_unstable_by(order);
        let limit = search.limit.max(0) as usize;
        let next = (keys.len() > limit)
            .then(|| keys.get(limit.wrapping_sub(1)))
            .flatten()
            .map(|(hits, published_at, id, _)| Cursor {
                hits: *hits,
                published_at: *published_at,
                id: (*id).to_owned(),
            });
        keys.truncate(limit);
        let facets = search.facets.then(|| {
            let list = |facet: usize, top: usize| {
                let mut list: Vec<FacetCount> = counts[facet]
                    .iter()
                    .enumerate()
                    .filter(|(_, n)| **n > 0)
                    .map(|(value, n)| FacetCount {
                        value: Some(inner.value_text[value].to_string()),
                        n: *n,
                    })
                    .collect();
                list.sort_by(|a, b| b.n.cmp(&a.n).then_with(|| a.value.cmp(&b.value)));
                list.truncate(top);
                list
            };
            Facets {
                contract: list(0, 10),
                remote: list(1, 10),
                departement: list(2, 20),
            }
        });
        IndexPage {
            ids: keys
                .iter()
                .map(|(hits, _, id, _)| ((*id).to_owned(), *hits))
                .collect(),
            next,
            total: search.facets.then_some(total),
            facets,
        }
    }
}

fn prune_changes(conn: &mut DbConnection) -> QueryResult<usize> {
    let cutoff = crate::now() - chrono::TimeDelta::days(KEEP_CHANGES_DAYS);
    diesel::sql_query(format!(
        "DELETE FROM offer_changes WHERE changed_at < {}",
        placeholder(conn)
    ))
    .bind::<diesel::sql_types::Timestamp, _>(cutoff)
    .execute(conn)
}

/// The first bound parameter, as each backend writes it.
fn placeholder(conn: &DbConnection) -> &'static str {
    match conn {
        DbConnection::Pg(_) => "$1",
        DbConnection::Sqlite(_) => "?",
    }
}

/// `search` for the open public offers (`search.owner` is `None`), answered from the in-memory `index`
/// (brought up to date first); the page's offers are then read by id.
pub fn search_page(conn: &mut DbConnection, index: &OfferIndex, search: &Search) -> QueryResult<Page> {
    index.refresh(conn)?;
    let found = index.search(search);
    let ids: Vec<&str> = found.ids.iter().map(|(id, _)| id.as_str()).collect();
    let rows: Vec<OfferRow> = job_offers::table
        .filter(job_offers::id.eq_any(&ids))
        .select(OfferRow::as_select())
        .load(conn)?;
    let mut by_id: std::collections::HashMap<String, OfferRow> =
        rows.into_iter().map(|row| (row.id.clone(), row)).collect();
    let hits = found
        .ids
        .into_iter()
        .filter_map(|(id, hits)| by_id.remove(&id).map(|offer| Hit { offer, hits }))
        // Changed since the index read it (closed, made private) in another transaction.
        .filter(|hit| !hit.offer.private && hit.offer.state == "open")
        .collect();
    Ok(Page {
        hits,
        next: found.next,
        total: found.total,
        facets: found.facets,
    })
}
