//! The people area's part of the JSON API (see `crate::api` for the conventions).

use crate::api::{JsonBody, reply};
use crate::auth::Current;
use crate::state::AppState;
use axum::Extension;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use lantern_app::core::mei::SectionStatus;
use lantern_app::{AppError, CallInput, SectionInput};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;

/// One person in `GET /api/v1/people`: who, where, and each section's status.
#[derive(Serialize, schemars::JsonSchema)]
pub struct PersonSummary {
    id: String,
    name: String,
    service: String,
    /// Each of the six sections by name: confirmed, stale, disputed or missing.
    sections: BTreeMap<String, SectionStatus>,
}

/// `GET /api/v1/people`: people in the caller's scope with section statuses.
pub async fn people(State(state): State<AppState>, Extension(cur): Extension<Current>) -> Response {
    let user = cur.user.clone();
    reply(
        state
            .run(move |app| -> Result<Vec<PersonSummary>, AppError> {
                let states = app.section_states_in_reach(&user.actor())?;
                Ok(app
                    .people_in_reach(&user.actor())?
                    .into_iter()
                    .map(|p| {
                        let sections = lantern_app::core::mei::ALL_SECTIONS
                            .iter()
                            .map(|k| {
                                let st = states
                                    .get(&p.id)
                                    .and_then(|v| v.iter().find(|s| s.kind == *k))
                                    .map(|s| s.status)
                                    .unwrap_or(SectionStatus::Missing);
                                (k.as_str().to_string(), st)
                            })
                            .collect();
                        PersonSummary {
                            id: p.id.to_string(),
                            name: p.display_name(),
                            service: p.service.to_string(),
                            sections,
                        }
                    })
                    .collect())
            })
            .await,
    )
}

#[derive(Deserialize, Default, schemars::JsonSchema)]
pub struct PersonQuery {
    #[serde(default)]
    break_glass: Option<String>,
}

/// `GET /api/v1/people/{id}`: audited like the page.
pub async fn person(
    State(state): State<AppState>,
    Extension(cur): Extension<Current>,
    Path(id): Path<String>,
    Query(q): Query<PersonQuery>,
) -> Response {
    let user = cur.user.clone();
    let r = async {
        let (view, audit) = state
            .run(move |app| app.prepare_view(&user.actor(), &id, "api", q.break_glass.as_deref()))
            .await?;
        // The information is sent only once the read is in the journal.
        state.record_audit(audit).await?;
        Ok::<_, AppError>(view)
    }
    .await;
    reply(r)
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Provenance {
    source: String,
    method: String,
    #[serde(default)]
    contact: Option<String>,
    #[serde(default)]
    confirmed_by: Option<String>,
    #[serde(default)]
    confirmed_at: Option<String>,
    #[serde(default)]
    stale_after_days: Option<u32>,
    #[serde(default)]
    still_stands: Option<String>,
}

impl Provenance {
    fn input(self) -> SectionInput {
        SectionInput {
            source: self.source,
            method: self.method,
            contact: self.contact,
            confirmed_by: self.confirmed_by,
            confirmed_at: self.confirmed_at,
            stale_after_days: self.stale_after_days,
            still_stands: self.still_stands,
        }
    }
}

/// The section's content beside its provenance's fields (any other field is refused by name).
pub struct SetSection {
    content: Value,
    provenance: Provenance,
}

impl<'de> Deserialize<'de> for SetSection {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        let mut v = serde_json::Map::<String, Value>::deserialize(d)?;
        let content = v
            .remove("content")
            .ok_or_else(|| D::Error::missing_field("content"))?;
        let provenance = Provenance::deserialize(Value::Object(v)).map_err(D::Error::custom)?;
        Ok(SetSection {
            content,
            provenance,
        })
    }
}

/// What [`SetSection`] reads, for the OpenAPI document: the content (its shape is the
/// section's: see the section's type in a person's answer) beside the provenance's fields.
#[derive(schemars::JsonSchema)]
#[allow(dead_code)]
struct SetSectionBody {
    /// The section's content, as a person's answer shows it.
    content: Value,
    #[serde(flatten)]
    provenance: Provenance,
}

impl schemars::JsonSchema for SetSection {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "SetSection".into()
    }

    fn json_schema(g: &mut schemars::SchemaGenerator) -> schemars::Schema {
        SetSectionBody::json_schema(g)
    }
}

/// `PUT /api/v1/people/{id}/mei/{section}`.
pub async fn set_section(
    State(state): State<AppState>,
    Extension(cur): Extension<Current>,
    Path((id, section)): Path<(String, String)>,
    JsonBody(s): JsonBody<SetSection>,
) -> Response {
    let user = cur.user.clone();
    reply(
        state
            .run(move |app| {
                let actor = user.actor();
                app.set_section(
                    &actor,
                    &id,
                    &section,
                    &s.content.to_string(),
                    &s.provenance.input(),
                )
            })
            .await,
    )
}

/// `POST /api/v1/people/{id}/mei/{section}/confirm`.
pub async fn confirm_section(
    State(state): State<AppState>,
    Extension(cur): Extension<Current>,
    Path((id, section)): Path<(String, String)>,
    JsonBody(p): JsonBody<Provenance>,
) -> Response {
    let user = cur.user.clone();
    reply(
        state
            .run(move |app| {
                let actor = user.actor();
                app.confirm_section(&actor, &id, &section, &p.input())
            })
            .await,
    )
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CallBody {
    direction: String,
    party: String,
    #[serde(default)]
    number: Option<String>,
    #[serde(default)]
    at: Option<String>,
    purpose: String,
    outcome: String,
    #[serde(default)]
    reference: Option<String>,
}

/// `POST /api/v1/people/{id}/calls`.
pub async fn log_call(
    State(state): State<AppState>,
    Extension(cur): Extension<Current>,
    Path(id): Path<String>,
    JsonBody(c): JsonBody<CallBody>,
) -> Response {
    let user = cur.user.clone();
    reply(
        state
            .run(move |app| {
                let actor = user.actor();
                let input = CallInput {
                    direction: c.direction,
                    party: c.party,
                    number: c.number,
                    at: c.at,
                    purpose: c.purpose,
                    outcome: c.outcome,
                    reference: c.reference,
                };
                app.log_call(&actor, &id, &input)
            })
            .await,
    )
}
