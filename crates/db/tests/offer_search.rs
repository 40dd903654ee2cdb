//! Offer search on both backends: a corpus of 210 French offers, 38 queries with the results expected on top,
//! and SQLite and PostgreSQL must give exactly the same ordered results (and pages) for every query; the
//! in-memory index (what the API answers from) gives exactly what SQL gives, page by page, with every filter,
//! total and facet count, before and after offers change.

use chrono::{NaiveDate, NaiveDateTime, TimeDelta};
use jobbot_db::offer_index::{self, OfferIndex};
use jobbot_db::offers::{self, Facets, OfferRow, Search, Sort};
use jobbot_db::testing::TestDatabase;
use jobbot_db::{migrations, Backend, DbConnection};
use jobbot_domain::search::parse_query;

/// (id, title, company, département, contract, remote, description)
type Target = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    Option<&'static str>,
    &'static str,
);

const TARGETS: &[Target] = &[
    (
        "T01",
        "Électricien du bâtiment",
        "Volta Services",
        "69",
        "interim",
        None,
        "Passage de câbles, pose d'appareillages et raccordement de tableaux sur des chantiers tertiaires.",
    ),
    (
        "T02",
        "Électricienne industrielle",
        "Alpes Énergie",
        "38",
        "cdi",
        None,
        "Câblage d'armoires et dépannage de lignes de production automatisées.",
    ),
    (
        "T03",
        "Chef d'équipe électricité",
        "Bâti Pro",
        "75",
        "cdi",
        None,
        "Vous encadrez une équipe de quatre électriciens sur des chantiers de rénovation.",
    ),
    (
        "T04",
        "Développeur Rust",
        "Numeria",
        "31",
        "cdi",
        Some("hybrid"),
        "API d'une plateforme de paiement, actix-web et PostgreSQL, deux jours de télétravail.",
    ),
    (
        "T05",
        "Développeur backend Rust et PostgreSQL",
        "Ferris Labs",
        "69",
        "cdi",
        Some("remote"),
        "Full remote : services réseau à faible latence, revue de code et tests.",
    ),
    (
        "T06",
        "Développeur web full-stack",
        "Studio Pixel",
        "44",
        "cdi",
        Some("remote"),
        "Applications TypeScript, React et Node.js pour nos clients.",
    ),
    (
        "T07",
        "Chargé de développement commercial",
        "Atlantique Conseil",
        "33",
        "cdi",
        None,
        "Vous prospectez de nouveaux clients et développez le chiffre d'affaires de l'agence.",
    ),
    (
        "T08",
        "Aide-soignant de nuit",
        "EHPAD Les Tilleuls",
        "35",
        "cdd",
        None,
        "Soins d'hygiène et de confort, surveillance nocturne et transmissions.",
    ),
    (
        "T09",
        "Aides-soignantes en EHPAD",
        "Résidence du Parc",
        "35",
        "cdi",
        None,
        "Accompagnement des résidents dans les gestes du quotidien.",
    ),
    (
        "T10",
        "Infirmier de bloc opératoire",
        "Clinique Saint-Joseph",
        "33",
        "cdi",
        None,
        "Instrumentation et circulation lors des interventions chirurgicales.",
    ),
    (
        "T11",
        "Infirmière puéricultrice",
        "Hôpital Necker",
        "75",
        "cdd",
        None,
        "Soins aux nouveau-nés en service de néonatologie.",
    ),
    (
        "T12",
        "Commercial terrain secteur agricole",
        "Agridis",
        "49",
        "cdi",
        None,
        "Prospection des exploitations agricoles et suivi des coopératives.",
    ),
    (
        "T13",
        "Commerciaux sédentaires",
        "Nord Fournitures",
        "59",
        "cdd",
        None,
        "Vente par téléphone de fournitures de bureau à une clientèle d'entreprises.",
    ),
    (
        "T14",
        "Serveur en brasserie",
        "Brasserie du Port",
        "13",
        "cdd",
        None,
        "Service en salle et en terrasse sur le Vieux-Port.",
    ),
    (
        "T15",
        "Serveuse de restaurant",
        "La Table de Nice",
        "06",
        "cdd",
        None,
        "Service du midi et du soir, mise en place de la salle.",
    ),
    (
        "T16",
        "Apprenti mécanicien automobile",
        "Garage Martin",
        "44",
        "alternance",
        None,
        "Préparation d'un CAP maintenance des véhicules en alternance.",
    ),
    (
        "T17",
        "Mécanicienne poids lourds",
        "Trucks Services",
        "59",
        "cdi",
        None,
        "Diagnostic et réparation de tracteurs routiers et semi-remorques.",
    ),
    (
        "T18",
        "Comptable fournisseurs",
        "Groupe Hexa",
        "75",
        "cdi",
        Some("hybrid"),
        "Saisie et contrôle des factures, préparation des règlements, clôtures mensuelles.",
    ),
    (
        "T19",
        "Assistant comptable",
        "Cabinet Lefèvre",
        "92",
        "cdd",
        None,
        "Tenue de la comptabilité de petites entreprises et déclarations de TVA.",
    ),
    (
        "T20",
        "Chauffeur poids lourd",
        "Transports Leroy",
        "59",
        "cdi",
        None,
        "Livraisons régionales en semi-remorque, retour au domicile chaque soir.",
    ),
    (
        "T21",
        "Chauffeur-livreur",
        "Colis Express",
        "13",
        "interim",
        None,
        "Tournées de livraison de colis en véhicule utilitaire.",
    ),
    (
        "T22",
        "Chargée de recrutement",
        "Talentis RH",
        "67",
        "cdd",
        Some("hybrid"),
        "Recrutement de profils techniques : annonces, présélection, entretiens.",
    ),
    (
        "T23",
        "Boulanger",
        "Au Fournil de Léa",
        "21",
        "cdi",
        None,
        "Fabrication du pain et des viennoiseries, horaires de nuit.",
    ),
    (
        "T24",
        "Boulangère pâtissière",
        "Maison Carré",
        "21",
        "cdi",
        None,
        "Pâtisseries fines et pains spéciaux dans une boutique artisanale.",
    ),
    (
        "T25",
        "Agent de sécurité SSIAP 1",
        "Protect Sécurité",
        "92",
        "cdd",
        None,
        "Rondes et surveillance du système de sécurité incendie à La Défense.",
    ),
    (
        "T26",
        "Data engineer",
        "Energia",
        "69",
        "cdi",
        Some("hybrid"),
        "Pipelines de données en Python et SQL pour nos parcs éoliens.",
    ),
    (
        "T27",
        "Ingénieur données",
        "Météo Conseil",
        "69",
        "cdi",
        None,
        "Modèles statistiques et traitements de données météorologiques.",
    ),
    (
        "T28",
        "Plombier chauffagiste",
        "Thermi Confort",
        "38",
        "cdi",
        None,
        "Installation et dépannage de chaudières et de pompes à chaleur.",
    ),
    (
        "T29",
        "Cuisinier en restauration collective",
        "Restauration scolaire",
        "2B",
        "cdi",
        None,
        "Préparation de 400 repas par jour pour les écoles de Bastia.",
    ),
    (
        "T30",
        "Auxiliaire de vie sociale",
        "ADMR du Finistère",
        "29",
        "cdi",
        None,
        "Accompagnement de personnes âgées à domicile : repas, courses, sorties.",
    ),
    (
        "T31",
        "Électrotechnicien en alternance",
        "SNCF Réseau",
        "974",
        "alternance",
        None,
        "BTS électrotechnique en contrat de professionnalisation à Saint-Denis.",
    ),
    (
        "T32",
        "Responsable logistique",
        "Entrepôts du Sud",
        "31",
        "cdi",
        None,
        "Pilotage d'une équipe de préparateurs de commandes, réception et expédition.",
    ),
    (
        "T33",
        "Stage marketing digital",
        "Maison Orée",
        "75",
        "stage",
        Some("hybrid"),
        "Réseaux sociaux, newsletters et suivi des campagnes pendant six mois.",
    ),
    (
        "T34",
        "Consultant SAP finance",
        "Altis Conseil",
        "75",
        "freelance",
        Some("remote"),
        "Déploiement du module FI/CO chez un grand compte de la distribution.",
    ),
    (
        "T35",
        "Vendeuse en prêt-à-porter",
        "Mode & Co",
        "34",
        "cdd",
        None,
        "Conseil à la clientèle, mise en rayon et encaissement.",
    ),
    (
        "T36",
        "Professeur de mathématiques",
        "Lycée privé Ampère",
        "69",
        "cdd",
        None,
        "Cours de la seconde à la terminale, remplacement jusqu'en juin.",
    ),
    (
        "T37",
        "Gestionnaire de paie",
        "Paie Services",
        "67",
        "cdi",
        Some("hybrid"),
        "Établissement des bulletins de salaire et déclarations sociales nominatives.",
    ),
    (
        "T38",
        "Technicien de maintenance industrielle",
        "Plastival",
        "01",
        "interim",
        None,
        "Maintenance des presses à injecter, diagnostic électrique et hydraulique.",
    ),
    (
        "T39",
        "Opérateur de production",
        "Plastival",
        "01",
        "interim",
        None,
        "Conduite de ligne et contrôle qualité en 3x8.",
    ),
    (
        "T40",
        "Magasinier cariste",
        "Logisud",
        "31",
        "interim",
        None,
        "Réception, stockage et préparation de commandes, CACES 1, 3 et 5.",
    ),
];

/// Filler offers: ordinary jobs whose descriptions sometimes mention the targets' words (body matches rank
/// after title matches).
const FILLER_TITLES: &[&str] = &[
    "Employé polyvalent",
    "Agent d'entretien",
    "Préparateur de commandes",
    "Hôte de caisse",
    "Agent administratif",
    "Conseiller clientèle",
    "Manutentionnaire",
    "Jardinier paysagiste",
    "Peintre en bâtiment",
    "Maçon",
    "Couvreur",
    "Menuisier poseur",
    "Employée de libre-service",
    "Agent de propreté",
    "Coiffeuse",
    "Esthéticienne",
    "Animateur périscolaire",
    "Téléconseiller",
    "Secrétaire médicale",
    "Pizzaiolo",
];
const FILLER_TEXTS: &[&str] = &[
    "Vous rejoignez une équipe dynamique et travaillez en lien avec nos électriciens et plombiers.",
    "Poste à pourvoir rapidement, formation assurée en interne, tenue fournie.",
    "Vous participez au développement de l'activité et à l'accueil des clients.",
    "Horaires en journée, possibilité de télétravail pour les tâches administratives.",
    "Une première expérience en restauration ou en commerce est appréciée.",
    "Travail en équipe avec les aides-soignants et les infirmiers du service.",
    "Permis B exigé : déplacements fréquents, véhicule de service fourni.",
];
const DEPS: &[&str] = &["75", "69", "13", "31", "33", "44", "59", "67", "35", "06"];
const CONTRACTS: &[&str] = &["cdi", "cdd", "interim"];

fn day(n: i64) -> NaiveDateTime {
    let start = NaiveDate::from_ymd_opt(2026, 11, 1)
        .and_then(|d| d.and_hms_opt(8, 0, 0))
        .expect("a time");
    start + TimeDelta::minutes(n * 97)
}

/// (title, company, département, contract, remote, description)
type Fields<'a> = (&'a str, &'a str, &'a str, &'a str, Option<&'a str>, &'a str);

fn row(id: &str, (title, company, dep, contract, remote, text): Fields<'_>, n: i64) -> OfferRow {
    let mut row = OfferRow {
        id: id.to_owned(),
        source: "france_travail".into(),
        source_id: Some(id.to_owned()),
        source_url: None,
        owner_id: None,
        private: false,
        title: title.to_owned(),
        company: Some(company.to_owned()),
        description: text.to_owned(),
        contract_type: Some(contract.to_owned()),
        working_time: Some("full_time".into()),
        remote: remote.map(str::to_owned),
        location_label: None,
        commune: None,
        postcode: None,
        departement: Some(dep.to_owned()),
        salary_text: None,
        salary_min: Some(20_000 + 1_000 * (n % 30)),
        salary_max: Some(24_000 + 1_000 * (n % 30)),
        experience: None,
        published_at: day(n),
        updated_at: day(n),
        state: "open".into(),
        created_at: day(n),
        title_words: String::new(),
        title_stems: String::new(),
        body_words: String::new(),
        body_stems: String::new(),
    };
    row.index();
    row
}

fn corpus() -> Vec<OfferRow> {
    let mut rows = Vec::new();
    for (n, (id, title, company, dep, contract, remote, text)) in TARGETS.iter().enumerate() {
        rows.push(row(
            id,
            (title, company, dep, contract, *remote, text),
            n as i64 * 7 + 3,
        ));
    }
    for n in 0..170_i64 {
        let i = n as usize;
        let title = FILLER_TITLES[i % FILLER_TITLES.len()];
        let text = FILLER_TEXTS[(i / 3) % FILLER_TEXTS.len()];
        let id = format!("F{n:03}");
        let fields = (
            title,
            "Entreprise locale",
            DEPS[i % DEPS.len()],
            CONTRACTS[i % 3],
            None,
            text,
        );
        rows.push(row(&id, fields, n * 2));
    }
    rows
}

/// What the query must give first, in any order among themselves (then anything else).
const QUERIES: &[(&str, &[&str])] = &[
    ("électricien", &["T01", "T02"]),
    ("electricienne", &["T01", "T02"]),
    ("ÉLECTRICIENS", &["T01", "T02"]),
    ("électri*", &["T01", "T02", "T03"]),
    ("développeur rust", &["T04", "T05"]),
    ("developpeurs", &["T04", "T05", "T06"]),
    ("rust postgresql", &["T05"]),
    ("\"full stack\"", &["T06"]),
    ("full-stack", &["T06"]),
    ("développement", &["T07"]),
    ("aide-soignante", &["T08", "T09"]),
    ("\"aide soignant\" nuit", &["T08"]),
    ("infirmière", &["T10", "T11"]),
    ("commerciale", &["T12", "T13"]),
    ("commerciaux", &["T12", "T13"]),
    ("serveuse", &["T14", "T15"]),
    ("mécanicien", &["T16", "T17"]),
    ("comptable", &["T18", "T19"]),
    ("comptabilité", &["T19"]),
    ("chauffeur", &["T20", "T21"]),
    ("poids lourd", &["T20", "T17"]),
    ("recrutement", &["T22"]),
    ("boulangère", &["T23", "T24"]),
    ("ssiap", &["T25"]),
    ("data", &["T26"]),
    ("données", &["T27", "T26"]),
    ("plombier", &["T28"]),
    ("restauration collective", &["T29"]),
    ("\"auxiliaire de vie\"", &["T30"]),
    ("électrotechnique", &["T31"]),
    ("logistique", &["T32"]),
    ("marketing", &["T33"]),
    ("sap", &["T34"]),
    ("prêt-à-porter", &["T35"]),
    ("mathématiques", &["T36"]),
    ("paie", &["T37"]),
    ("mainten*", &["T38", "T16"]),
    ("cariste", &["T40"]),
];

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
