//! The configuration's tests: each variable's default, its accepted values and the error naming it.

use std::collections::HashMap;

use super::secrets::with_password;
use super::*;

fn config(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
    let map: HashMap<String, String> = vars.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    Config::from_lookup(|name| map.get(name).cloned())
}

#[test]
fn the_france_travail_sync_needs_its_credentials() {
    assert!(config(&[]).expect("defaults").offers_sync.is_none());
    let missing = config(&[("JOBBOT_OFFERS_SYNC", "departement=69")]).expect_err("no credentials");
    assert_eq!(missing.var, "FRANCE_TRAVAIL_CLIENT_ID");
    let spaced = config(&[("JOBBOT_OFFERS_SYNC", "departement = 69")]).expect_err("spaces");
    assert_eq!(spaced.var, "JOBBOT_OFFERS_SYNC");
    let sync = config(&[
        (
            "JOBBOT_OFFERS_SYNC",
            " departement=69&codeROME=M1805 ; ?departement=75;; ",
        ),
        ("FRANCE_TRAVAIL_CLIENT_ID", "id"),
        ("FRANCE_TRAVAIL_CLIENT_SECRET", "secret"),
        ("JOBBOT_OFFERS_SYNC_EVERY_MINUTES", "30"),
    ])
    .expect("valid")
    .offers_sync
    .expect("sync on");
    assert_eq!(sync.searches, ["departement=69&codeROME=M1805", "departement=75"]);
    assert_eq!(sync.every, Duration::from_secs(1800));
    assert_eq!(sync.api_url, FRANCE_TRAVAIL_API_URL);
}

#[test]
fn defaults_are_a_local_sqlite_app() {
    let config = config(&[]).expect("defaults are valid");
    assert_eq!(
        config.database_url,
        DatabaseUrl::Sqlite("data/jobbot.sqlite3".into())
    );
    assert_eq!(config.bind.to_string(), "127.0.0.1:8000");
    assert_eq!(
        config.allowed_origins,
        vec!["http://localhost:3000", "http://127.0.0.1:3000"]
    );
    assert!(matches!(config.jwt_secret, JwtSecret::Generated { .. }));
    assert_eq!(config.auth_rate_limit, 10);
    assert!(!config.cookie_secure);
}

#[test]
fn admins_need_two_factor_sign_in_except_in_local_development() {
    assert!(config(&[]).expect("defaults").admin_2fa_required);
    assert!(
        !config(&[("JOBBOT_ADMIN_2FA", "optional")])
            .expect("dev")
            .admin_2fa_required
    );
    let production = config(&[
        ("JOBBOT_ENV", "production"),
        ("JOBBOT_ADMIN_2FA", "optional"),
        ("JOBBOT_JWT_SECRET", "a-production-secret-of-32-bytes-or-more!"),
    ]);
    assert_eq!(
        production.err().map(|e| e.var),
        Some("JOBBOT_ADMIN_2FA".to_owned())
    );
    assert_eq!(
        config(&[("JOBBOT_ADMIN_2FA", "maybe")]).err().map(|e| e.var),
        Some("JOBBOT_ADMIN_2FA".to_owned())
    );
}

#[test]
fn llm_prices_are_parsed_or_refused_by_name() {
    let config = config(&[("JOBBOT_LLM_PRICES", " mistral-small-latest=0.1:0.3 ; big=2:6;")]).expect("valid");
    assert_eq!(config.llm_prices.get("mistral-small-latest"), Some(&(0.1, 0.3)));
    assert_eq!(config.llm_prices.get("big"), Some(&(2.0, 6.0)));
    for bad in ["model", "model=1", "=1:2", "m=a:b", "m=-1:2", "m=1:inf"] {
        assert_eq!(
            super::tests::config(&[("JOBBOT_LLM_PRICES", bad)])
                .err()
                .map(|e| e.var),
            Some("JOBBOT_LLM_PRICES".to_owned()),
            "{bad}"
        );
    }
}

#[test]
fn the_models_users_may_pick_start_with_the_default() {
    let keyed = |extra: &[(&'static str, &'static str)]| {
        let mut vars = vec![("MISTRAL_API_KEY", "k")];
        vars.extend_from_slice(extra);
        config(&vars)
    };
    let plain = keyed(&[]).expect("valid");
    assert_eq!(plain.assistant.models.len(), 1);
    assert_eq!(plain.assistant.models[0].id, "mistral-small-latest");
    assert_eq!(plain.assistant.fallback_model, None);

    let listed = keyed(&[
        (
            "JOBBOT_LLM_MODELS",
            "mistral-large-latest=Mistral Large|2:6 ; open-mistral-nemo ; mistral-small-latest=Mistral Small|0.1:0.3;",
        ),
        ("JOBBOT_LLM_FALLBACK_MODEL", "open-mistral-nemo"),
        ("JOBBOT_LLM_PRICES", "mistral-large-latest=3:9"),
    ])
    .expect("valid");
    let ids: Vec<&str> = listed.assistant.models.iter().map(|m| m.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "mistral-small-latest",
            "mistral-large-latest",
            "open-mistral-nemo"
        ]
    );
    assert_eq!(listed.assistant.models[1].name, "Mistral Large");
    assert_eq!(listed.assistant.models[2].name, "open-mistral-nemo");
    assert_eq!(
        listed.assistant.fallback_model.as_deref(),
        Some("open-mistral-nemo")
    );
    assert_eq!(listed.llm_prices.get("mistral-small-latest"), Some(&(0.1, 0.3)));
    assert_eq!(
        listed.llm_prices.get("mistral-large-latest"),
        Some(&(3.0, 9.0)),
        "JOBBOT_LLM_PRICES wins"
    );
    assert_eq!(
        listed.assistant.model_for(Some("open-mistral-nemo")),
        "open-mistral-nemo"
    );
    assert_eq!(
        listed.assistant.model_for(Some("withdrawn")),
        "mistral-small-latest",
        "a model no longer offered falls back to the default"
    );

    let openrouter = config(&[
        ("OPENROUTER_API_KEY", "k"),
        (
            "JOBBOT_LLM_MODELS",
            "meta-llama/llama-3.3-70b-instruct:free=Llama 3.3 (gratuit)|0:0",
        ),
    ])
    .expect("OpenRouter ids keep their / and :");
    assert_eq!(
        openrouter.assistant.models[1].id,
        "meta-llama/llama-3.3-70b-instruct:free"
    );

    for bad in [
        "=Name",
        "a b=Name",
        "m=Name|1",
        "m=Name|x:1",
        "m;m",
        "m=Name|-1:2",
    ] {
        assert_eq!(
            keyed(&[("JOBBOT_LLM_MODELS", bad)]).err().map(|e| e.var),
            Some("JOBBOT_LLM_MODELS".to_owned()),
            "{bad}"
        );
    }
    assert_eq!(
        keyed(&[("JOBBOT_LLM_FALLBACK_MODEL", "two words")])
            .err()
            .map(|e| e.var),
        Some("JOBBOT_LLM_FALLBACK_MODEL".to_owned())
    );
    let offline = config(&[
        ("JOBBOT_LLM_MODELS", "big"),
        ("JOBBOT_LLM_FALLBACK_MODEL", "small"),
    ])
    .expect("offline ignores them");
    assert_eq!(offline.assistant.models.len(), 1);
    assert_eq!(offline.assistant.fallback_model, None);
}

#[test]
fn bad_values_name_their_variable() {
    assert_eq!(
        config(&[("JOBBOT_BIND", "nope")]).err().map(|e| e.var),
        Some("JOBBOT_BIND".to_owned())
    );
    assert_eq!(
        config(&[("JOBBOT_ADMIN_BIND", "8001")]).err().map(|e| e.var),
        Some("JOBBOT_ADMIN_BIND".to_owned())
    );
    assert_eq!(
        config(&[("JOBBOT_ADMIN_ALLOW", "10.0.0.0/8,office")])
            .err()
            .map(|e| e.var),
        Some("JOBBOT_ADMIN_ALLOW".to_owned())
    );
    let admin = config(&[
        ("JOBBOT_ADMIN_BIND", "0.0.0.0:8001"),
        ("JOBBOT_ADMIN_ALLOW", " 10.0.0.0/8 , ::1 "),
    ]);
    assert_eq!(
        admin.map(|c| (c.admin_bind.map(|a| a.port()), c.admin_allow.len())),
        Ok((Some(8001), 2))
    );
    assert_eq!(
        config(&[("DATABASE_URL", "mysql://x")]).err().map(|e| e.var),
        Some("DATABASE_URL".to_owned())
    );
    assert_eq!(
        config(&[("JOBBOT_ALLOWED_ORIGINS", "localhost:3000")])
            .err()
            .map(|e| e.var),
        Some("JOBBOT_ALLOWED_ORIGINS".to_owned())
    );
    assert_eq!(
        config(&[("JOBBOT_AUTH_RATE_LIMIT", "-1")]).err().map(|e| e.var),
        Some("JOBBOT_AUTH_RATE_LIMIT".to_owned())
    );
}

#[test]
fn production_requires_a_long_secret() {
    let missing = config(&[("JOBBOT_ENV", "production")]).err().map(|e| e.var);
    assert_eq!(missing, Some("JOBBOT_JWT_SECRET".to_owned()));
    let short = config(&[("JOBBOT_ENV", "production"), ("JOBBOT_JWT_SECRET", "short")])
        .err()
        .map(|e| e.var);
    assert_eq!(short, Some("JOBBOT_JWT_SECRET".to_owned()));
    let ok = config(&[
        ("JOBBOT_ENV", "production"),
        ("JOBBOT_JWT_SECRET", &"k".repeat(32)),
    ])
    .expect("valid");
    assert!(ok.cookie_secure);
}

#[test]
fn the_database_password_can_come_from_its_own_file() {
    assert_eq!(
        with_password("postgres://jobbot@db:5432/jobbot?sslmode=disable", "p@ss w:rd/é").expect("valid"),
        "postgres://jobbot:p%40ss%20w%3Ard%2F%C3%A9@db:5432/jobbot?sslmode=disable"
    );
    assert_eq!(
        with_password("postgresql://u:old@h/d", "new").expect("valid"),
        "postgresql://u:new@h/d"
    );
    assert!(with_password("sqlite://data/x.sqlite3", "p").is_err());
    assert!(with_password("postgres://db/jobbot", "p").is_err());
    let dir = std::env::temp_dir().join(format!("jobbot-config-{}", uuid::Uuid::now_v7()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let file = dir.join("db_password");
    std::fs::write(&file, "s3cret\n").expect("write");
    let config = config(&[
        ("DATABASE_URL", "postgres://jobbot@db/jobbot"),
        ("DATABASE_PASSWORD_FILE", file.to_str().expect("utf-8")),
    ])
    .expect("valid");
    match config.database_url {
        DatabaseUrl::Postgres(url) => assert_eq!(url, "postgres://jobbot:s3cret@db/jobbot"),
        other => panic!("expected PostgreSQL, got {other:?}"),
    }
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn secrets_can_come_from_files() {
    let dir = std::env::temp_dir().join(format!("jobbot-config-{}", uuid::Uuid::now_v7()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let file = dir.join("secret");
    std::fs::write(&file, format!("{}\n", "s".repeat(40))).expect("write");
    let config = config(&[("JOBBOT_JWT_SECRET_FILE", file.to_str().expect("utf-8"))]).expect("valid");
    match config.jwt_secret {
        JwtSecret::Configured(secret) => assert_eq!(secret.expose(), "s".repeat(40).as_bytes()),
        other => panic!("expected a configured secret, got {other:?}"),
    }
    // An empty key file: no key, so the offline coach; an empty JWT secret file is an error.
    let empty = dir.join("empty");
    std::fs::write(&empty, "\n").expect("write");
    let keyless = self::config(&[("MISTRAL_API_KEY_FILE", empty.to_str().expect("utf-8"))]).expect("valid");
    assert_eq!(keyless.assistant.provider.kind, jobbot_llm::ProviderKind::Offline);
    let no_secret = self::config(&[("JOBBOT_JWT_SECRET_FILE", empty.to_str().expect("utf-8"))])
        .err()
        .map(|e| e.var);
    assert_eq!(no_secret, Some("JOBBOT_JWT_SECRET_FILE".to_owned()));
    let missing = self::config(&[("JOBBOT_JWT_SECRET_FILE", "/nonexistent/jobbot")])
        .err()
        .map(|e| e.var);
    assert_eq!(missing, Some("JOBBOT_JWT_SECRET_FILE".to_owned()));
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn the_provider_follows_the_keys_that_are_set() {
    use jobbot_llm::ProviderKind;
    assert_eq!(
        config(&[]).expect("valid").assistant.provider.kind,
        ProviderKind::Offline
    );
    let mistral = config(&[("MISTRAL_API_KEY", "k1"), ("OPENROUTER_API_KEY", "k2")]).expect("valid");
    assert_eq!(mistral.assistant.provider.kind, ProviderKind::Mistral);
    assert_eq!(mistral.assistant.provider.base_url, "https://api.mistral.ai/v1");
    assert_eq!(mistral.assistant.provider.model, "mistral-small-latest");
    assert!(
        !format!("{:?}", mistral.assistant).contains("k1"),
        "the key never shows in Debug"
    );
    let openrouter = config(&[("OPENROUTER_API_KEY", "k2")]).expect("valid");
    assert_eq!(openrouter.assistant.provider.kind, ProviderKind::OpenRouter);
    assert_eq!(
        openrouter.assistant.provider.base_url,
        "https://openrouter.ai/api/v1"
    );
    let forced = config(&[("JOBBOT_LLM_PROVIDER", "offline"), ("MISTRAL_API_KEY", "k1")]).expect("valid");
    assert_eq!(forced.assistant.provider.kind, ProviderKind::Offline);
    let ollama = config(&[
        ("JOBBOT_LLM_PROVIDER", "openai"),
        ("OPENAI_BASE_URL", "http://gpu:11434/v1"),
        ("OPENAI_MODEL", "qwen"),
    ])
    .expect("valid");
    assert_eq!(
        (
            ollama.assistant.provider.base_url.as_str(),
            ollama.assistant.provider.model.as_str()
        ),
        ("http://gpu:11434/v1", "qwen")
    );
    assert_eq!(
        config(&[("JOBBOT_LLM_PROVIDER", "mistral")]).err().map(|e| e.var),
        Some("MISTRAL_API_KEY".to_owned())
    );
    assert_eq!(
        config(&[("JOBBOT_LLM_PROVIDER", "gpt")]).err().map(|e| e.var),
        Some("JOBBOT_LLM_PROVIDER".to_owned())
    );
    assert_eq!(
        config(&[("JOBBOT_DAILY_TOKEN_QUOTA", "0")]).err().map(|e| e.var),
        Some("JOBBOT_DAILY_TOKEN_QUOTA".to_owned())
    );
    assert_eq!(
        config(&[("JOBBOT_LLM_IDLE_TIMEOUT", "soon")])
            .err()
            .map(|e| e.var),
        Some("JOBBOT_LLM_IDLE_TIMEOUT".to_owned())
    );
}

#[test]
fn generated_secret_is_kept_between_starts() {
    let dir = std::env::temp_dir().join(format!("jobbot-secret-{}", uuid::Uuid::now_v7()));
    let source = JwtSecret::Generated {
        file: dir.join("jwt-secret"),
    };
    let first = source.load().expect("generate");
    let second = source.load().expect("reload");
    assert_eq!(first, second);
    assert!(first.expose().len() >= 32);
    std::fs::remove_dir_all(dir).ok();
}
