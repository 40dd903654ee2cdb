//! The CV built from the profile (`crates/documents`): its templates, and the CV rendered as a PDF or a DOCX on
//! the render threads (`crate::rendering`: a bounded queue, 503 `busy` beyond). Nothing is stored: each download
//! is rendered from the profile as it is.

use actix_web::http::header;
use actix_web::{web, HttpResponse};
use jobbot_api_types::{CvTemplate, FieldError, Problem};
use jobbot_documents::{docx, pdf, Cv, Person, Template};
use serde::Deserialize;

use crate::auth::AuthUser;
use crate::error::ApiError;
use crate::state::AppState;

/// The templates the CV can take, the default first, named in the caller's language.
#[utoipa::path(get, path = "/api/v1/me/cv/templates", tag = "profile",
    responses(
        (status = 200, description = "The templates", body = Vec<CvTemplate>),
        (status = 401, description = "Not logged in", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn templates(auth: AuthUser) -> web::Json<Vec<CvTemplate>> {
    let locale = auth.user.locale;
    web::Json(
        Template::ALL
            .into_iter()
            .map(|t| CvTemplate {
                id: t.id().to_owned(),
                name: t.name(locale).to_owned(),
                description: t.description(locale).to_owned(),
            })
            .collect(),
    )
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct RenderQuery {
    /// A template's `id` (`GET /api/v1/me/cv/templates`); the first one by default.
    #[param(pattern = "^(sobre|moderne|europass)$")]
    pub template: Option<String>,
    /// `pdf` (the default) or `docx`.
    #[param(pattern = "^(pdf|docx)$")]
    pub format: Option<String>,
}

fn invalid(field: &str, code: &str, message: &str) -> FieldError {
    FieldError {
        field: field.into(),
        code: code.into(),
        message: message.into(),
    }
}

/// The caller's CV built from their profile (headline, contact, experiences, education, skills, languages,
/// links), in the account's language: an A4 PDF (fonts embedded, text selectable and in reading order, title
/// and author in its metadata) or a DOCX (Office Open XML).
#[utoipa::path(get, path = "/api/v1/me/cv/render", tag = "profile", params(RenderQuery),
    responses(
        (status = 200, description = "The CV (`Content-Disposition: attachment`)",
            content((Vec<u8> = "application/pdf"), (Vec<u8> = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"))),
        (status = 401, description = "Not logged in", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`validation_failed`: an unknown `template` or `format`", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "`busy`: too many documents are being rendered on this instance (Retry-After)", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn render(
    state: web::Data<AppState>,
    auth: AuthUser,
    query: web::Query<RenderQuery>,
) -> Result<HttpResponse, ApiError> {
    let query = query.into_inner();
    let mut errors = Vec::new();
    let template = match query.template.as_deref() {
        None => Some(Template::ALL[0]),
        Some(id) => Template::parse(id),
    };
    if template.is_none() {
        errors.push(invalid(
            "template",
            "unknown_value",
            "Choose one of GET /api/v1/me/cv/templates: sobre, moderne or europass.",
        ));
    }
    let docx = match query.format.as_deref().unwrap_or("pdf") {
        "pdf" => false,
        "docx" => true,
        _ => {
            errors.push(invalid("format", "unknown_value", "Choose `pdf` or `docx`."));
            false
        }
    };
    let Some(template) = template.filter(|_| errors.is_empty()) else {
        return Err(ApiError::validation(errors));
    };
    let user = auth.user;
    let user_id = user.id.clone();
    let profile = state
        .db(move |conn| Ok(crate::profile::load(conn, &user_id)?.profile))
        .await?;
    let name = user.display_name.clone();
    let rendered = state
        .renderer
        .run(move || {
            let person = Person {
                name: &user.display_name,
                email: &user.email,
            };
            let cv = Cv::build(person, &profile, user.locale);
            if docx {
                docx::render(&cv, template)
            } else {
                pdf::render(&cv, template).map(|(bytes, _)| bytes)
            }
        })
        .await?
        .map_err(ApiError::internal)?;
    let (media_type, extension) = if docx {
        (docx::MEDIA_TYPE, "docx")
    } else {
        ("application/pdf", "pdf")
    };
    Ok(HttpResponse::Ok()
        .content_type(media_type)
        .insert_header((
            header::CONTENT_DISPOSITION,
            crate::download::attachment(&jobbot_documents::filename(&name, extension)),
        ))
        .insert_header((header::CACHE_CONTROL, "private, no-store"))
        .insert_header(("Content-Security-Policy", "sandbox"))
        .body(rendered))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct PreviewQuery {
    /// A template's `id`; the first one by default.
    #[param(pattern = "^(sobre|moderne|europass)$")]
    pub template: Option<String>,
}

/// The first page of the caller's CV in a template, as an SVG picture: the preview beside the template's choice
/// (the same lines at the same places as the PDF).
#[utoipa::path(get, path = "/api/v1/me/cv/preview", tag = "profile", params(PreviewQuery),
    responses(
        (status = 200, description = "The first page (an SVG document)", content_type = "image/svg+xml", body = Vec<u8>),
        (status = 401, description = "Not logged in", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`validation_failed`: an unknown `template`", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "`busy`: too many documents are being rendered on this instance (Retry-After)", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn preview(
    state: web::Data<AppState>,
    auth: AuthUser,
    query: web::Query<PreviewQuery>,
) -> Result<HttpResponse, ApiError> {
    let template = match query.into_inner().template.as_deref() {
        None => Template::ALL[0],
        Some(id) => Template::parse(id).ok_or_else(|| {
            ApiError::validation(vec![invalid(
                "template",
                "unknown_value",
                "Choose one of GET /api/v1/me/cv/templates: sobre, moderne or europass.",
            )])
        })?,
    };
    let user = auth.user;
    let user_id = user.id.clone();
    let profile = state
        .db(move |conn| Ok(crate::profile::load(conn, &user_id)?.profile))
        .await?;
    let svg = state
        .renderer
        .run(move || {
            let person = Person {
                name: &user.display_name,
                email: &user.email,
            };
            pdf::preview_svg(&Cv::build(person, &profile, user.locale), template)
        })
        .await?;
    Ok(HttpResponse::Ok()
        .content_type("image/svg+xml")
        .insert_header((header::CACHE_CONTROL, "private, no-store"))
        .insert_header(("Content-Security-Policy", "sandbox"))
        .body(svg))
}
