//! `/profile/cv`: the CV built from the profile — the templates to choose from, the chosen one's first page as
//! a picture (`GET /api/v1/me/cv/preview`, an image: nothing in it runs), and the downloads as PDF and DOCX
//! (`GET /api/v1/me/cv/render`, answered as attachments).

use jobbot_api_types::CvTemplate;
use leptos::prelude::*;
use leptos_router::components::A;

use super::i18n::Key;
use super::{api, text, tr, ErrorLine};
use jobbot_frontend::api::ApiError;

#[component]
pub fn CvBuilderPage() -> impl IntoView {
    let templates = RwSignal::new(None::<Vec<CvTemplate>>);
    let error = RwSignal::new(None::<ApiError>);
    let chosen = RwSignal::new(String::new());
    jobbot_frontend::widgets::load(templates, error, api::cv_templates());
    Effect::new(move |_| {
        if chosen.with_untracked(String::is_empty) {
            if let Some(first) = templates.with(|t| t.as_ref().and_then(|t| t.first().map(|t| t.id.clone())))
            {
                chosen.set(first);
            }
        }
    });
    let choices = move || {
        templates.get().map(|list| {
            list.into_iter()
                .map(|template| {
                    let id = template.id.clone();
                    let input_id = format!("cv-template-{id}");
                    let checked = {
                        let id = id.clone();
                        move || chosen.get() == id
                    };
                    view! {
                        <div class="choice">
                            <input type="radio" name="cv-template" id=input_id.clone() value=id.clone()
                                data-testid=format!("cv-template-{id}")
                                prop:checked=checked
                                on:change=move |_| chosen.set(id.clone()) />
                            <label for=input_id>
                                <strong>{template.name}</strong>
                                <span class="hint">" — "{template.description}</span>
                            </label>
                        </div>
                    }
                })
                .collect_view()
        })
    };
    let query = move || format!("template={}", chosen.get());
    view! {
        <section class="card" aria-labelledby="cv-builder-title" data-testid="cv-builder">
            <h1 id="cv-builder-title">{move || tr(Key::CvBuilderTitle)}</h1>
            <p class="muted">{move || tr(Key::CvBuilderIntro)}" "<A href="/profile">{move || tr(Key::CvBuilderEdit)}</A></p>
            <ErrorLine error testid="cv-builder-error" />
            <fieldset class="cv-templates">
                <legend>{move || tr(Key::CvTemplate)}</legend>
                {choices}
            </fieldset>
            <div class="actions">
                <a class="button primary" download="" data-testid="cv-render-pdf"
                    href=move || format!("/api/v1/me/cv/render?{}&format=pdf", query())>{move || tr(Key::DownloadPdf)}</a>
                <a class="button" download="" data-testid="cv-render-docx"
                    href=move || format!("/api/v1/me/cv/render?{}&format=docx", query())>{move || tr(Key::DownloadDocx)}</a>
            </div>
            <Show when=move || !chosen.get().is_empty()>
                <figure class="cv-preview">
                    <img data-testid="cv-preview" alt=text(Key::CvPreviewAlt) width="595" height="842"
                        src=move || format!("/api/v1/me/cv/preview?{}", query()) />
                    <figcaption class="hint">{move || tr(Key::CvPreviewCaption)}</figcaption>
                </figure>
            </Show>
        </section>
    }
}
