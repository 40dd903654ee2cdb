//! The consent banner: "Tout accepter", "Tout refuser" and "Personnaliser", equally easy.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::consent::{Choice, Consent};
use crate::i18n::Key;
use crate::state::AppState;

#[component]
pub fn ConsentBanner() -> impl IntoView {
    let state = expect_context::<AppState>();
    let consent = expect_context::<Consent>();
    let preferences = RwSignal::new(consent.choice.get_untracked().is_some_and(|c| c.preferences));
    let measurement = RwSignal::new(consent.choice.get_untracked().is_some_and(|c| c.measurement));
    view! {
        <Show when=move || consent.open.get()>
            <section class="consent-banner" role="region" aria-labelledby="consent-title" data-testid="consent-banner">
                <h2 id="consent-title">{move || state.t(Key::ConsentTitle)}</h2>
                <p>{move || state.t(Key::ConsentText)} " " <A href="/legal/privacy">{move || state.t(Key::PrivacyLink)}</A></p>
                <Show when=move || consent.customizing.get()>
                    <ul class="purposes">
                        <li>
                            <label><input type="checkbox" checked=true disabled=true /> " " <strong>{move || state.t(Key::PurposeNecessary)}</strong></label>
                            <p class="hint">{move || state.t(Key::PurposeNecessaryHint)}</p>
                        </li>
                        <li>
                            <label><input type="checkbox" data-testid="consent-preferences" prop:checked=move || preferences.get()
                                on:change=move |ev| preferences.set(event_target_checked(&ev)) /> " " <strong>{move || state.t(Key::PurposePreferences)}</strong></label>
                            <p class="hint">{move || state.t(Key::PurposePreferencesHint)}</p>
                        </li>
                        <li>
                            <label><input type="checkbox" data-testid="consent-measurement" prop:checked=move || measurement.get()
                                on:change=move |ev| measurement.set(event_target_checked(&ev)) /> " " <strong>{move || state.t(Key::PurposeMeasurement)}</strong></label>
                            <p class="hint">{move || state.t(Key::PurposeMeasurementHint)}</p>
                        </li>
                    </ul>
                </Show>
                <div class="consent-actions">
                    <button type="button" class="button consent-choice" data-testid="consent-accept"
                        on:click=move |_| consent.decide(Choice { preferences: true, measurement: true }, state)>
                        {move || state.t(Key::AcceptAll)}
                    </button>
                    <button type="button" class="button consent-choice" data-testid="consent-refuse"
                        on:click=move |_| consent.decide(Choice { preferences: false, measurement: false }, state)>
                        {move || state.t(Key::RefuseAll)}
                    </button>
                    <Show
                        when=move || consent.customizing.get()
                        fallback=move || view! {
                            <button type="button" class="button consent-choice" data-testid="consent-customize" on:click=move |_| consent.customizing.set(true)>
                                {move || state.t(Key::Customize)}
                            </button>
                        }
                    >
                        <button type="button" class="button consent-choice" data-testid="consent-save"
                            on:click=move |_| consent.decide(Choice { preferences: preferences.get_untracked(), measurement: measurement.get_untracked() }, state)>
                            {move || state.t(Key::SaveChoices)}
                        </button>
                    </Show>
                </div>
            </section>
        </Show>
    }
}
