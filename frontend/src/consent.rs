//! Cookie consent: the banner's state, the `jobbot_consent` cookie, and the one purpose that stores anything
//! today (preferences: a visitor's interface language in localStorage). Nothing non-essential is written
//! before a choice; a new policy version asks again.

use jobbot_api_types::ConsentChoice;
use jobbot_domain::legal::PRIVACY_POLICY_VERSION;
use jobbot_domain::Locale;
use leptos::prelude::*;
use leptos::task::spawn_local;
use serde::{Deserialize, Serialize};
use wasm_bindgen::JsCast;

use crate::state::AppState;

const COOKIE: &str = "jobbot_consent";
const LOCALE_KEY: &str = "jobbot_locale";
/// Six months, as the CNIL recommends for a consent choice.
const MAX_AGE_SECONDS: u32 = 182 * 24 * 3600;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Choice {
    pub preferences: bool,
    pub measurement: bool,
}

#[derive(Serialize, Deserialize)]
struct Stored {
    v: String,
    p: bool,
    m: bool,
    at: String,
}

#[derive(Clone, Copy)]
pub struct Consent {
    pub choice: RwSignal<Option<Choice>>,
    pub open: RwSignal<bool>,
    pub customizing: RwSignal<bool>,
}

fn document() -> Option<web_sys::HtmlDocument> {
    web_sys::window()?
        .document()?
        .dyn_into::<web_sys::HtmlDocument>()
        .ok()
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

/// The stored choice, if it was made under the current policy.
fn read_cookie() -> Option<Choice> {
    let cookies = document()?.cookie().ok()?;
    let raw = cookies
        .split(';')
        .filter_map(|c| c.trim().split_once('='))
        .find(|(k, _)| *k == COOKIE)?
        .1
        .to_owned();
    let json = js_sys::decode_uri_component(&raw).ok()?.as_string()?;
    let stored: Stored = serde_json::from_str(&json).ok()?;
    (stored.v == PRIVACY_POLICY_VERSION).then_some(Choice {
        preferences: stored.p,
        measurement: stored.m,
    })
}

fn write_cookie(choice: Choice) {
    let stored = Stored {
        v: PRIVACY_POLICY_VERSION.to_owned(),
        p: choice.preferences,
        m: choice.measurement,
        at: js_sys::Date::new_0()
            .to_iso_string()
            .as_string()
            .unwrap_or_default(),
    };
    let value: String =
        js_sys::encode_uri_component(&serde_json::to_string(&stored).unwrap_or_default()).into();
    if let Some(document) = document() {
        let _ = document.set_cookie(&format!(
            "{COOKIE}={value}; Max-Age={MAX_AGE_SECONDS}; Path=/; SameSite=Lax"
        ));
    }
}

impl Consent {
    pub fn start(state: AppState) -> Self {
        let choice = read_cookie();
        let consent = Self {
            choice: RwSignal::new(choice),
            open: RwSignal::new(choice.is_none()),
            customizing: RwSignal::new(false),
        };
        // Preferences: a visitor's language, remembered only with consent.
        if choice.is_some_and(|c| c.preferences) {
            if let Some(locale) = storage()
                .and_then(|s| s.get_item(LOCALE_KEY).ok().flatten())
                .and_then(|l| Locale::parse(&l))
            {
                state.locale.set(locale);
            }
        }
        Effect::new(move |_| {
            let locale = state.locale.get();
            if consent.choice.get().is_some_and(|c| c.preferences) {
                if let Some(storage) = storage() {
                    let _ = storage.set_item(LOCALE_KEY, locale.as_str());
                }
            }
        });
        // A logged-in user's choice is also recorded on the server (with its history).
        let logged_in = Memo::new(move |_| state.user.with(Option::is_some));
        Effect::new(move |_| {
            if logged_in.get() {
                if let Some(choice) = consent.choice.get_untracked() {
                    sync(choice);
                }
            }
        });
        consent
    }

    pub fn decide(&self, choice: Choice, state: AppState) {
        write_cookie(choice);
        if !choice.preferences {
            if let Some(storage) = storage() {
                let _ = storage.remove_item(LOCALE_KEY);
            }
        }
        self.choice.set(Some(choice));
        self.open.set(false);
        self.customizing.set(false);
        if state.user.with_untracked(Option::is_some) {
            sync(choice);
        }
    }

    pub fn reopen(&self) {
        self.customizing.set(true);
        self.open.set(true);
    }
}

fn sync(choice: Choice) {
    spawn_local(async move {
        let _ = crate::api::put_consent(&ConsentChoice {
            policy_version: PRIVACY_POLICY_VERSION.to_owned(),
            preferences: choice.preferences,
            measurement: choice.measurement,
        })
        .await;
    });
}
