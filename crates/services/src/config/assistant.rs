//! The assistant's configuration: which provider answers (`JOBBOT_LLM_PROVIDER`, the providers' keys, URLs
//! and models), the models users may pick and their prices, and the limits around a reply.

use std::time::Duration;

use super::env::{err, optional_secret, parse_number, ConfigError};

/// The assistant: which provider answers, and the limits around it.
#[derive(Debug, Clone)]
pub struct AssistantConfig {
    pub provider: jobbot_llm::ProviderConfig,
    /// A reply that sends no first token within this time fails.
    pub first_token_timeout: Duration,
    /// A started reply that goes silent this long fails, keeping what was written.
    pub idle_timeout: Duration,
    /// How much conversation history (in characters) is sent with each question; oldest turns go first.
    pub context_chars: usize,
    /// Prompt + completion tokens a user may spend per UTC day; `None` is unlimited.
    pub daily_token_quota: Option<i64>,
    /// A reply whose instance has not renewed its lease for this long was interrupted (a crash, a kill, a lost
    /// machine): another instance, or the next start, ends it as `failed` / `interrupted`.
    pub reply_lease: Duration,
    /// Replies this instance writes at once; past it, 503 `assistant_busy`.
    pub max_replies: usize,
    /// Replies one user may have running at once; past it, 429 `assistant_busy`.
    pub max_replies_per_user: usize,
    /// The models users may pick for a conversation (`JOBBOT_LLM_MODELS`), the provider's default model first.
    pub models: Vec<ModelChoice>,
    /// The model that writes the reply when the chosen one still answers 429 or 5xx after the retries
    /// (`JOBBOT_LLM_FALLBACK_MODEL`); never for the offline coach.
    pub fallback_model: Option<String>,
}

/// A model users may pick.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelChoice {
    /// As the provider names it (`mistral-large-latest`, `mistralai/mistral-small-3.2-24b-instruct:free`).
    pub id: String,
    /// As users read it (`Mistral Large`).
    pub name: String,
    /// Euros per million prompt and completion tokens, for the admin statistics' cost.
    pub price: Option<(f64, f64)>,
}

impl AssistantConfig {
    /// The operator's default model: the provider's (`MISTRAL_MODEL`, `OPENROUTER_MODEL`, `OPENAI_MODEL`).
    pub fn default_model(&self) -> &str {
        &self.provider.model
    }

    /// The model a conversation uses: its own while the operator still offers it, else the default.
    pub fn model_for<'a>(&'a self, chosen: Option<&'a str>) -> &'a str {
        chosen
            .filter(|id| self.models.iter().any(|m| m.id == *id))
            .unwrap_or(self.default_model())
    }

    /// Whether users may pick `id`.
    pub fn offers(&self, id: &str) -> bool {
        self.models.iter().any(|m| m.id == id)
    }
}

pub(super) fn assistant_config(
    lookup: &impl Fn(&str) -> Option<String>,
    get: &impl Fn(&str) -> Option<String>,
) -> Result<AssistantConfig, ConfigError> {
    use jobbot_llm::ProviderKind;
    // Optional keys: an empty secret file means "no key" (compose mounts one file per secret, used or not).
    let mistral_key = optional_secret(lookup, "MISTRAL_API_KEY")?;
    let openrouter_key = optional_secret(lookup, "OPENROUTER_API_KEY")?;
    let openai_key = optional_secret(lookup, "OPENAI_API_KEY")?;
    let kind = match get("JOBBOT_LLM_PROVIDER") {
        Some(raw) => ProviderKind::parse(&raw).ok_or_else(|| {
            err(
                "JOBBOT_LLM_PROVIDER",
                format!("unknown provider {raw:?} (expected mistral, openrouter, openai or offline)"),
            )
        })?,
        None if mistral_key.is_some() => ProviderKind::Mistral,
        None if openrouter_key.is_some() => ProviderKind::OpenRouter,
        None => ProviderKind::Offline,
    };
    let (prefix, api_key) = match kind {
        ProviderKind::Mistral => ("MISTRAL", mistral_key),
        ProviderKind::OpenRouter => ("OPENROUTER", openrouter_key),
        ProviderKind::OpenAi => ("OPENAI", openai_key),
        ProviderKind::Offline => ("", None),
    };
    if matches!(kind, ProviderKind::Mistral | ProviderKind::OpenRouter) && api_key.is_none() {
        let var = format!("{prefix}_API_KEY");
        return Err(err(
            &var,
            format!("is required when JOBBOT_LLM_PROVIDER={}", kind.as_str()),
        ));
    }
    let base_url = match kind {
        ProviderKind::Offline => String::new(),
        _ => {
            let var = format!("{prefix}_BASE_URL");
            let url = get(&var).unwrap_or_else(|| kind.default_base_url().to_owned());
            if !(url.starts_with("http://") || url.starts_with("https://")) {
                return Err(err(
                    &var,
                    format!("invalid URL {url:?} (expected http:// or https://)"),
                ));
            }
            url
        }
    };
    let model = match kind {
        ProviderKind::Offline => kind.default_model().to_owned(),
        _ => get(&format!("{prefix}_MODEL")).unwrap_or_else(|| kind.default_model().to_owned()),
    };
    let seconds = |name: &str, default: f64| -> Result<Duration, ConfigError> {
        match get(name) {
            None => Ok(Duration::from_secs_f64(default)),
            Some(raw) => raw
                .parse::<f64>()
                .ok()
                .filter(|s| s.is_finite() && *s > 0.0 && *s <= 3600.0)
                .map(Duration::from_secs_f64)
                .ok_or_else(|| {
                    err(
                        name,
                        format!("invalid value {raw:?} (expected seconds, e.g. 30 or 0.5)"),
                    )
                }),
        }
    };
    let daily_token_quota = match get("JOBBOT_DAILY_TOKEN_QUOTA") {
        None => None,
        Some(raw) => Some(raw.parse::<i64>().ok().filter(|n| *n > 0).ok_or_else(|| {
            err(
                "JOBBOT_DAILY_TOKEN_QUOTA",
                format!("invalid value {raw:?} (expected a positive number of tokens)"),
            )
        })?),
    };
    let (models, fallback_model) = match kind {
        // The offline coach has one "model", its guides.
        ProviderKind::Offline => (
            vec![ModelChoice {
                id: model.clone(),
                name: "JobBot (guides hors ligne)".to_owned(),
                price: None,
            }],
            None,
        ),
        _ => (
            parse_models(get("JOBBOT_LLM_MODELS").as_deref().unwrap_or_default(), &model)?,
            match get("JOBBOT_LLM_FALLBACK_MODEL") {
                None => None,
                Some(raw) if valid_model_id(raw.trim()) => Some(raw.trim().to_owned()),
                Some(raw) => {
                    return Err(err(
                        "JOBBOT_LLM_FALLBACK_MODEL",
                        format!("invalid model id {raw:?} (1 to 200 characters, no spaces)"),
                    ))
                }
            },
        ),
    };
    Ok(AssistantConfig {
        models,
        fallback_model,
        provider: jobbot_llm::ProviderConfig {
            kind,
            base_url,
            api_key,
            model,
            max_retry_wait: seconds("JOBBOT_LLM_MAX_RETRY_WAIT", 10.0)?,
            app_url: get("JOBBOT_PUBLIC_URL").unwrap_or_else(|| "http://localhost:3000".to_owned()),
        },
        first_token_timeout: seconds("JOBBOT_LLM_FIRST_TOKEN_TIMEOUT", 60.0)?,
        idle_timeout: seconds("JOBBOT_LLM_IDLE_TIMEOUT", 30.0)?,
        context_chars: parse_number(get, "JOBBOT_LLM_CONTEXT_CHARS", 24_000, 1_000, 1_000_000)? as usize,
        daily_token_quota,
        reply_lease: Duration::from_secs(u64::from(parse_number(get, "JOBBOT_REPLY_LEASE", 20, 2, 3_600)?)),
        max_replies: parse_number(get, "JOBBOT_MAX_REPLIES", 500, 1, 100_000)? as usize,
        max_replies_per_user: parse_number(get, "JOBBOT_MAX_REPLIES_PER_USER", 3, 1, 100_000)? as usize,
    })
}

/// A provider's model id: 1 to 200 characters without spaces or the list's separators (`:` and `/` are
/// allowed: OpenRouter's ids have them).
fn valid_model_id(id: &str) -> bool {
    !id.is_empty()
        && id.chars().count() <= 200
        && !id
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || matches!(c, ';' | '=' | '|'))
}

/// `mistral-small-latest=Mistral Small|0.1:0.3;mistral-large-latest=Mistral Large|2:6;open-mistral-nemo`: the
/// models users may pick, each `id`, `id=Display name` or `id=Display name|prompt:completion` (euros per
/// million tokens). The default model comes first, listed or not (named by its id when not).
fn parse_models(raw: &str, default: &str) -> Result<Vec<ModelChoice>, ConfigError> {
    const VAR: &str = "JOBBOT_LLM_MODELS";
    let mut models: Vec<ModelChoice> = Vec::new();
    for entry in raw.split(';').map(str::trim).filter(|e| !e.is_empty()) {
        let (id, rest) = entry.split_once('=').unwrap_or((entry, ""));
        let (name, price) = rest.split_once('|').unwrap_or((rest, ""));
        let (id, name, price) = (id.trim(), name.trim(), price.trim());
        let bad = |why: &str| {
            err(
                VAR,
                format!("`{entry}`: {why} (expected `id=Display name|prompt:completion;…`, e.g. mistral-large-latest=Mistral Large|2:6)"),
            )
        };
        if !valid_model_id(id) {
            return Err(bad(
                "the model id is empty, longer than 200 characters or has spaces",
            ));
        }
        if name.chars().count() > 80 || name.chars().any(char::is_control) {
            return Err(bad("the display name has more than 80 characters"));
        }
        let price = if price.is_empty() {
            None
        } else {
            let parsed = price.split_once(':').and_then(|(prompt, completion)| {
                let prompt: f64 = prompt.trim().parse().ok()?;
                let completion: f64 = completion.trim().parse().ok()?;
                let valid = |p: f64| p.is_finite() && p >= 0.0;
                (valid(prompt) && valid(completion)).then_some((prompt, completion))
            });
            Some(
                parsed
                    .ok_or_else(|| bad("the price is not `prompt:completion` in euros per million tokens"))?,
            )
        };
        if models.iter().any(|m| m.id == id) {
            return Err(bad("the model is listed twice"));
        }
        models.push(ModelChoice {
            id: id.to_owned(),
            name: if name.is_empty() {
                id.to_owned()
            } else {
                name.to_owned()
            },
            price,
        });
    }
    match models.iter().position(|m| m.id == default) {
        Some(0) => {}
        Some(at) => {
            let first = models.remove(at);
            models.insert(0, first);
        }
        None => models.insert(
            0,
            ModelChoice {
                id: default.to_owned(),
                name: default.to_owned(),
                price: None,
            },
        ),
    }
    Ok(models)
}

/// `mistral-small-latest=0.1:0.3;gpt-4o-mini=0.14:0.55`: euros per million prompt:completion tokens.
pub(super) fn parse_prices(raw: &str) -> Result<std::collections::HashMap<String, (f64, f64)>, ConfigError> {
    const VAR: &str = "JOBBOT_LLM_PRICES";
    let mut prices = std::collections::HashMap::new();
    for entry in raw.split(';').map(str::trim).filter(|e| !e.is_empty()) {
        let parsed = entry.split_once('=').and_then(|(model, pair)| {
            let (prompt, completion) = pair.split_once(':')?;
            let prompt: f64 = prompt.trim().parse().ok()?;
            let completion: f64 = completion.trim().parse().ok()?;
            let valid = |p: f64| p.is_finite() && p >= 0.0;
            (!model.trim().is_empty() && valid(prompt) && valid(completion))
                .then(|| (model.trim().to_owned(), (prompt, completion)))
        });
        let Some((model, price)) = parsed else {
            return Err(err(
                VAR,
                format!("`{entry}` is not `model=prompt:completion` (euros per million tokens, e.g. mistral-small-latest=0.1:0.3)"),
            ));
        };
        prices.insert(model, price);
    }
    Ok(prices)
}
