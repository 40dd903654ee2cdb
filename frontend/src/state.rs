//! App-wide state: the logged-in user and the interface language.

use jobbot_api_types::User;
use jobbot_domain::Locale;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::i18n::{self, Key};

#[derive(Clone, Copy)]
pub struct AppState {
    pub user: RwSignal<Option<User>>,
    pub locale: RwSignal<Locale>,
    /// False until the first `/me` answered: protected pages wait for it instead of redirecting.
    pub ready: RwSignal<bool>,
    /// Unread notifications (the header's badge), as the WebSocket last said.
    pub unread: RwSignal<i64>,
}

impl AppState {
    /// Creates the state and restores the session from the cookies, if any.
    pub fn start() -> Self {
        let state = Self {
            user: RwSignal::new(None),
            locale: RwSignal::new(browser_locale()),
            ready: RwSignal::new(false),
            unread: RwSignal::new(0),
        };
        if crate::api::has_session() {
            spawn_local(async move {
                match crate::api::me().await {
                    Ok(user) => state.signed_in(user),
                    Err(error) if error.0.status == 401 => crate::api::forget_session(),
                    Err(_) => {}
                }
                state.ready.set(true);
            });
        } else {
            state.ready.set(true);
        }
        state
    }

    pub fn signed_in(&self, user: User) {
        self.locale.set(user.locale);
        self.user.set(Some(user));
    }

    /// Keeps `<html lang>` in step with the interface language, for screen readers.
    pub fn follow_locale(self) {
        Effect::new(move |_| {
            let lang = self.locale.get().as_str();
            if let Some(root) = document().document_element() {
                let _ = root.set_attribute("lang", lang);
            }
        });
    }

    pub fn t(&self, key: Key) -> &'static str {
        i18n::t(self.locale.get(), key)
    }
}

/// French unless the browser prefers English. Nothing is stored on the device.
fn browser_locale() -> Locale {
    let language = web_sys::window()
        .and_then(|w| w.navigator().language())
        .unwrap_or_default();
    if language.to_lowercase().starts_with("en") {
        Locale::En
    } else {
        Locale::Fr
    }
}
