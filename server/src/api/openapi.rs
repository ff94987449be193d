//! The OpenAPI 3.1 document, generated from the handlers' annotations and the body
//! types, served at /api/v1/openapi.json.

use super::error::{ErrorBody, ErrorDetail};
use super::model::{
    ApiFlag, ApiSession, CheckSession, CreateGuest, CreateSession, CreatedSession, EndedCount,
    Logout, SessionList,
};
use super::sessions;
use axum::http::header::CONTENT_TYPE;
use axum::response::IntoResponse;
use sessions_core::flag::FlagKind;
use sessions_core::model::{DeviceClass, Role, SessionStatus};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Sessions application API",
        version = "1",
        description = "Keep your web application's sessions in Sessions: create one at sign-in, \
            check it on every request, end it at logout. Authenticate with the application key \
            from `sessions app add NAME` as `Authorization: Bearer <key>`. Errors are \
            `{\"error\": {\"code\", \"message\"}}` with a stable code."
    ),
    servers((url = "/api/v1")),
    paths(
        sessions::create,
        sessions::create_guest,
        sessions::check,
        sessions::logout,
        sessions::end_by_id,
        sessions::end_user,
        sessions::list,
        serve,
    ),
    components(schemas(
        CreateSession, CreateGuest, CheckSession, Logout, ApiSession, ApiFlag, CreatedSession,
        SessionList, EndedCount, ErrorBody, ErrorDetail, Role, SessionStatus, DeviceClass,
        FlagKind
    )),
    modifiers(&BearerKey),
    security(("app_key" = [])),
)]
pub struct ApiDoc;

struct BearerKey;

impl Modify for BearerKey {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "app_key",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("The application key from `sessions app add NAME`."))
                    .build(),
            ),
        );
    }
}

/// This document (no key needed).
#[utoipa::path(get, path = "/openapi.json", tag = "meta", security(()),
    responses((status = 200, description = "The OpenAPI 3.1 document of this API", content_type = "application/json")))]
pub async fn serve() -> impl IntoResponse {
    ([(CONTENT_TYPE, "application/json")], document())
}

/// The document as served (built once).
fn document() -> &'static str {
    static DOCUMENT: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DOCUMENT.get_or_init(|| {
        ApiDoc::openapi()
            .to_pretty_json()
            .unwrap_or_else(|err| format!("{{\"error\": \"{err}\"}}"))
    })
}
