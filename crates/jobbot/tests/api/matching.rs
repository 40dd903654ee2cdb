//! How well a candidate fits an offer (`GET /api/v1/offers/{id}/match`), through the real server: the profile
//! and the uploaded CV read as they are stored, the acceptance examples, the caller's language, and the
//! refusals (another user's private offer, no session).

use jobbot_api_types::{Importance, MatchSource, Offer, OfferMatch, OfferPage};
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::both_backends;
use crate::helpers::{assert_problem, TestApp, TestUser};

both_backends!(
    the_score_follows_the_profile_and_the_cv,
    another_trade_scores_low_and_english_speakers_read_english,
    a_private_offer_is_its_owners_to_match,
    the_skills_an_offer_lists_are_kept_checked_and_matched,
    a_search_sorted_by_match_ranks_by_the_score_the_offer_page_shows
);

const JAVA_OFFER: &str =
    "Vous développerez des microservices en Java avec Spring Boot. Maîtrise du langage SQL \
                          (PostgreSQL) et de Git exigée. Une expérience de Docker est un plus.";

async fn java_offer(app: &TestApp) -> String {
    let boss = app.user("rh@logiciels.fr").await;
    app.promote(&boss.id, "recruiter").await;
    let offer: Value = app
        .as_user(&boss)
        .post(
            "/api/v1/offers",
            json!({"title": "Développeur Java (H/F)", "description": JAVA_OFFER, "contract_type": "cdi"}),
            &[StatusCode::CREATED],
        )
        .await;
    offer["id"].as_str().expect("id").to_owned()
}

async fn put_profile(app: &TestApp, user: &TestUser, profile: Value) {
    let response = app
        .as_user(user)
        .call(reqwest::Method::PUT, "/api/v1/me/profile", Some(profile))
        .await;
    assert_eq!(
        response.status(),
        StatusCode::OK,
        "{}",
        response.text().await.unwrap_or_default()
    );
}

fn terms(fit: &OfferMatch) -> (Vec<&str>, Vec<&str>) {
    (
        fit.matched.iter().map(|m| m.term.as_str()).collect(),
        fit.missing.iter().map(|m| m.term.as_str()).collect(),
    )
}

async fn the_score_follows_the_profile_and_the_cv(app: TestApp) {
    let offer = java_offer(&app).await;
    let path = format!("/api/v1/offers/{offer}/match");
    let lea = app.user("lea@example.fr").await;
    let speaker = app.as_user(&lea);

    // An empty profile: nothing shown, everything missing, and a word on why.
    let empty: OfferMatch = speaker.get(&path).await;
    assert_eq!(empty.score, 0);
    assert!(empty.matched.is_empty());
    let (_, missing) = terms(&empty);
    for term in ["java", "développeur", "sql", "spring", "git", "docker"] {
        assert!(missing.contains(&term), "{term} missing in {missing:?}");
    }
    assert_eq!(
        empty.missing[0].importance,
        Importance::High,
        "the most important first: {:?}",
        empty.missing
    );
    assert!(empty.suggestions[0].contains("vides"), "{:?}", empty.suggestions);

    // A CV without SQL: `sql` is missing.
    put_profile(
        &app,
        &lea,
        json!({"headline": "Développeuse Java", "skills": ["Java", "Spring Boot", "Git"]}),
    )
    .await;
    let without_sql: OfferMatch = speaker.get(&path).await;
    let (matched, missing) = terms(&without_sql);
    assert!(missing.contains(&"sql"), "{without_sql:?}");
    assert!(
        matched.contains(&"java") && matched.contains(&"développeur"),
        "{without_sql:?}"
    );
    assert!(without_sql
        .matched
        .iter()
        .any(|m| m.term == "java" && m.found_in == MatchSource::Skills));

    // Adding the missing skill (written another way) raises the score.
    put_profile(
        &app,
        &lea,
        json!({"headline": "Développeuse Java", "skills": ["Java", "Spring Boot", "Git", "requêtes SQL"]}),
    )
    .await;
    let with_sql: OfferMatch = speaker.get(&path).await;
    assert!(
        with_sql.score > without_sql.score,
        "{} then {}",
        without_sql.score,
        with_sql.score
    );
    assert!(terms(&with_sql).0.contains(&"sql"));

    // The uploaded CV's text counts too, and says where: Docker is in the CV only.
    let pdf = crate::cv::pdf(
        &[&["Léa Martin", "Docker, PostgreSQL et microservices en production"]],
        false,
    );
    let uploaded = app
        .client
        .put(app.url("/api/v1/me/cv"))
        .query(&[("filename", "cv.pdf")])
        .bearer_auth(&lea.access_token)
        .header("Content-Type", "application/pdf")
        .body(pdf)
        .send()
        .await
        .expect("upload");
    assert_eq!(uploaded.status(), StatusCode::OK);
    let with_cv: OfferMatch = speaker.get(&path).await;
    assert!(
        with_cv
            .matched
            .iter()
            .any(|m| m.term == "docker" && m.found_in == MatchSource::Cv),
        "{with_cv:?}"
    );
    assert!(with_cv.score >= 80, "every skill named: {with_cv:?}");
    assert!(with_cv.missing.is_empty(), "{with_cv:?}");

    // The same answer for the same material: deterministic.
    let again: OfferMatch = speaker.get(&path).await;
    assert_eq!(again, with_cv);
}

async fn another_trade_scores_low_and_english_speakers_read_english(app: TestApp) {
    let offer = java_offer(&app).await;
    let path = format!("/api/v1/offers/{offer}/match");
    let baker = app.user("boulanger@example.fr").await;
    put_profile(
        &app,
        &baker,
        json!({
            "headline": "Boulanger",
            "skills": ["Pétrissage", "Viennoiserie", "Normes HACCP"],
            "experiences": [{"title": "Boulanger", "company": "Au bon pain",
                             "description": "Fabrication du pain et des viennoiseries, la nuit."}],
        }),
    )
    .await;
    let fit: OfferMatch = app.as_user(&baker).get(&path).await;
    assert!(fit.score <= 25, "{fit:?}");

    let sam = app.user("sam@example.com").await;
    let response = app
        .as_user(&sam)
        .call(
            reqwest::Method::PATCH,
            "/api/v1/me",
            Some(json!({"locale": "en"})),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let english: OfferMatch = app.as_user(&sam).get(&path).await;
    assert!(
        english.suggestions[0].starts_with("Your profile and CV are empty"),
        "{:?}",
        english.suggestions
    );

    // A read-only token reads it too.
    let token = app.create_token(&sam.access_token, "read").await;
    let read = app
        .get_bearer(&path, token["secret"].as_str().expect("secret"))
        .await;
    assert_eq!(read.status(), StatusCode::OK);
}

async fn a_private_offer_is_its_owners_to_match(app: TestApp) {
    let owner = app.user("nina@example.fr").await;
    let mine: Value = app
        .as_user(&owner)
        .post(
            "/api/v1/offers",
            json!({"title": "Aide-soignant de nuit", "description": "Soins d'hygiène, travail en équipe."}),
            &[StatusCode::CREATED],
        )
        .await;
    let path = format!("/api/v1/offers/{}/match", mine["id"].as_str().expect("id"));
    put_profile(&app, &owner, json!({"skills": ["Soins d'hygiène"]})).await;
    let fit: OfferMatch = app.as_user(&owner).get(&path).await;
    assert!(terms(&fit).0.contains(&"soins d'hygiène"), "{fit:?}");

    let other = app.user("eve@example.fr").await;
    assert_problem(app.get_bearer(&path, &other.access_token).await, 404, "not_found").await;
    assert_problem(
        app.get_bearer("/api/v1/offers/nope/match", &owner.access_token)
            .await,
        404,
        "not_found",
    )
    .await;
    let anonymous = app.client.get(app.url(&path)).send().await.expect("get");
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
}

async fn the_skills_an_offer_lists_are_kept_checked_and_matched(app: TestApp) {
    let boss = app.user("rh@froid.fr").await;
    app.promote(&boss.id, "recruiter").await;
    let speaker = app.as_user(&boss);
    let offer: Offer = speaker
        .post(
            "/api/v1/offers",
            json!({
                "title": "Préparateur de commandes (H/F)",
                "description": "Entrepôt de produits frais à Corbas.",
                "skills": ["Utiliser un  chariot élévateur", " ", "Contrôler la température des chambres froides",
                           "Utiliser un chariot élévateur", "Autonomie"],
            }),
            &[StatusCode::CREATED],
        )
        .await;
    assert_eq!(
        offer.skills,
        [
            "Utiliser un chariot élévateur",
            "Contrôler la température des chambres froides",
            "Autonomie"
        ],
        "spaces made single, blank ones and repeats dropped"
    );
    let path = format!("/api/v1/offers/{}", offer.id);

    // Too many, too long: refused, and the list kept as it was.
    let many: Vec<String> = (0..31).map(|i| format!("Compétence {i}")).collect();
    let refused = speaker
        .call(reqwest::Method::PATCH, &path, Some(json!({"skills": many})))
        .await;
    let problem = assert_problem(refused, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["field"], "skills");
    let long = speaker
        .call(
            reqwest::Method::PATCH,
            &path,
            Some(json!({"skills": ["ok", "x".repeat(101)]})),
        )
        .await;
    let problem = assert_problem(long, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["field"], "skills[1]");
    let kept: Offer = speaker.get(&path).await;
    assert_eq!(kept.skills.len(), 3);

    // A candidate's fit reads the list first: a known skill by its name, an unknown one by its words.
    let sam = app.user("sam@froid.fr").await;
    put_profile(
        &app,
        &sam,
        json!({"skills": ["Permis B"], "experiences": [{"title": "Magasinier",
               "description": "Contrôle de la température des chambres froides."}]}),
    )
    .await;
    let fit: OfferMatch = app.as_user(&sam).get(&format!("{path}/match")).await;
    let (matched, missing) = terms(&fit);
    assert!(
        matched.contains(&"Contrôler la température des chambres froides"),
        "{fit:?}"
    );
    assert!(
        missing.contains(&"autonomie") && missing.contains(&"cariste"),
        "{fit:?}"
    );

    // `[]` empties the list.
    let emptied: Offer = {
        let response = speaker
            .call(reqwest::Method::PATCH, &path, Some(json!({"skills": []})))
            .await;
        assert_eq!(response.status(), StatusCode::OK);
        response.json().await.expect("offer")
    };
    assert!(emptied.skills.is_empty());
}

/// `GET /api/v1/offers?sort=match`: the best fit first, each offer with the score its match page gives, the
/// same total and facets as another sort, pages that follow each other, and an offer's change seen at once.
async fn a_search_sorted_by_match_ranks_by_the_score_the_offer_page_shows(app: TestApp) {
    let boss = app.user("rh@logiciels.fr").await;
    app.promote(&boss.id, "recruiter").await;
    let recruiter = app.as_user(&boss);
    let mut ids = Vec::new();
    for (title, description, contract) in [
        ("Développeur Java (H/F)", JAVA_OFFER, "cdi"),
        (
            "Boulanger (H/F)",
            "Pétrissage, façonnage, viennoiseries. Normes HACCP.",
            "cdd",
        ),
        (
            "Développeur Python (H/F)",
            "Python, Django et SQL (PostgreSQL). Git au quotidien.",
            "cdi",
        ),
        (
            "Comptable (H/F)",
            "Tenue de la comptabilité, déclarations fiscales, Excel.",
            "cdi",
        ),
    ] {
        let offer: Offer = recruiter
            .post(
                "/api/v1/offers",
                json!({"title": title, "description": description, "contract_type": contract}),
                &[StatusCode::CREATED],
            )
            .await;
        ids.push(offer.id);
    }
    let java = ids[0].clone();
    let lea = app.user("lea@example.fr").await;
    put_profile(
        &app,
        &lea,
        json!({"headline": "Développeuse Java", "skills": ["Java", "Spring Boot", "SQL", "Git", "PostgreSQL", "Docker", "Microservices"]}),
    )
    .await;
    let speaker = app.as_user(&lea);

    let ranked: OfferPage = speaker.get("/api/v1/offers?sort=match").await;
    let scores: Vec<u8> = ranked
        .items
        .iter()
        .map(|o| o.match_score.expect("a score on every offer"))
        .collect();
    assert_eq!(ranked.items.len(), 4);
    assert_eq!(ranked.items[0].id, java, "the Java offer first: {scores:?}");
    assert!(scores.windows(2).all(|w| w[0] >= w[1]), "{scores:?}");
    assert!(scores[0] >= 80 && scores[3] <= 25, "{scores:?}");
    for offer in &ranked.items {
        let fit: OfferMatch = speaker.get(&format!("/api/v1/offers/{}/match", offer.id)).await;
        assert_eq!(offer.match_score, Some(fit.score), "{}", offer.title);
    }
    // The total and the facets do not depend on the order; another sort has no score.
    let by_date: OfferPage = speaker.get("/api/v1/offers?sort=date").await;
    assert_eq!(by_date.total, ranked.total);
    assert_eq!(by_date.facets, ranked.facets);
    assert!(by_date.items.iter().all(|o| o.match_score.is_none()));
    // Filters still narrow it.
    let cdi: OfferPage = speaker.get("/api/v1/offers?sort=match&contract=cdi").await;
    assert_eq!(cdi.total, Some(3));
    assert_eq!(cdi.items[0].id, java);

    // Page by page, the same order.
    let mut paged = Vec::new();
    let mut path = "/api/v1/offers?sort=match&limit=1".to_owned();
    loop {
        let page: OfferPage = speaker.get(&path).await;
        paged.extend(page.items.into_iter().map(|o| o.id));
        match page.next_cursor {
            Some(cursor) => path = format!("/api/v1/offers?sort=match&limit=1&cursor={cursor}"),
            None => break,
        }
    }
    let all: Vec<String> = ranked.items.iter().map(|o| o.id.clone()).collect();
    assert_eq!(paged, all);

    // A baker reads another order; an offer rewritten for bakers climbs at once.
    let paul = app.user("paul@fournil.fr").await;
    put_profile(
        &app,
        &paul,
        json!({"headline": "Boulanger", "skills": ["Pétrissage", "Viennoiserie", "HACCP"]}),
    )
    .await;
    let baker: OfferPage = app.as_user(&paul).get("/api/v1/offers?sort=match").await;
    assert_eq!(baker.items[0].id, ids[1], "the bakery first for a baker");
    let response = recruiter
        .call(
            reqwest::Method::PATCH,
            &format!("/api/v1/offers/{}", ids[3]),
            Some(json!({"title": "Boulanger tourier (H/F)", "skills": ["Pétrissage", "Viennoiserie"]})),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let after: OfferPage = app.as_user(&paul).get("/api/v1/offers?sort=match").await;
    let climbed = after.items.iter().position(|o| o.id == ids[3]).expect("listed");
    assert!(
        climbed <= 1,
        "the rewritten offer is now among the first two: {:?}",
        after.items
    );

    // Not for one's own offers; an unknown order says which ones there are.
    let mine = speaker
        .call(reqwest::Method::GET, "/api/v1/offers?sort=match&mine=true", None)
        .await;
    let problem = assert_problem(mine, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["code"], "not_with_mine");
    let unknown = speaker
        .call(reqwest::Method::GET, "/api/v1/offers?sort=fit", None)
        .await;
    let problem = assert_problem(unknown, 422, "validation_failed").await;
    assert!(problem["errors"][0]["message"]
        .as_str()
        .unwrap_or_default()
        .contains("match"));
}
