//! A referral from a FHIR document: one ServiceRequest (the referral) with the Patient and what
//! the referrer sent of their essential information. The document goes through the ordinary
//! import (so the person is found or added, and the sections composed, exactly as any import);
//! the referral record then names the sections that arrived and the source they came from.

use crate::interop::import::{ImportOptions, ImportReport};
use crate::{Actor, App, AppError};
use lantern_core::FieldError;
use lantern_core::compose::section_of;
use lantern_core::ids::{ReferralId, ServiceId};
use lantern_core::mei::SectionKind;
use lantern_core::referral::{Referral, ReferralInput};
use lantern_core::role::Role;
use std::collections::BTreeSet;

impl App {
    /// Record a referral from a FHIR document holding one ServiceRequest. `given` fills what the
    /// ServiceRequest does not say (who referred, the service, a due time) and overrides nothing
    /// it does say but the service. Everything is checked before anything is written.
    pub fn referral_from_fhir(
        &mut self,
        actor: &Actor,
        file: &str,
        bytes: &[u8],
        source: &str,
        given: &ReferralInput,
    ) -> Result<(Referral, ImportReport), AppError> {
        actor.require(Role::may_manage_referrals, "record referrals")?;
        actor.require(Role::may_import, "import a referral from another system")?;
        let rec = format!("referral from {file}");
        let doc = lantern_fhir::read_document(file, bytes).map_err(|e| {
            FieldError::new(
                &rec,
                format!("{}: {}", e.resource, e.path),
                e.expected.clone(),
                e.got.clone(),
            )
        })?;
        let requests: Vec<_> = doc
            .records
            .iter()
            .filter(|r| r.resource_type == "ServiceRequest")
            .collect();
        let [sr] = requests.as_slice() else {
            return Err(FieldError::new(
                &rec,
                "ServiceRequest",
                "exactly one ServiceRequest (the referral)",
                format!("{} ServiceRequests", requests.len()),
            )
            .into());
        };
        let facts = lantern_fhir::referral::service_request(&sr.raw)
            .map_err(|e| FieldError::new(&rec, sr.key(), "a ServiceRequest", e))?;
        let patient = sr.patient.clone().ok_or_else(|| {
            FieldError::new(
                &rec,
                format!("{}: subject", sr.key()),
                "a reference to the Patient referred",
                "",
            )
        })?;
        if !doc.records.iter().any(|r| r.key() == patient) {
            return Err(FieldError::new(
                &rec,
                format!("{}: subject", sr.key()),
                "the Patient referred, in the same document",
                &patient,
            )
            .into());
        }
        let arrived: BTreeSet<SectionKind> = doc
            .records
            .iter()
            .filter(|r| r.patient.as_deref() == Some(patient.as_str()))
            .flat_map(|r| r.facts.iter().filter_map(section_of))
            .collect();
        // The service new people are added to: the one given, else the actor's own; an actor
        // attached to a service may not bring a referral into another (refused before the
        // import writes anything).
        let own = match actor {
            Actor::Staff(s) => s.service.as_ref().map(|x| x.to_string()),
            _ => None,
        };
        let service = match (given.service.trim(), own) {
            ("", Some(o)) => o,
            ("", None) => {
                return Err(FieldError::new(
                    &rec,
                    "service",
                    "the service that will provide the care",
                    "",
                )
                .into());
            }
            (s, Some(o)) if s != o => {
                return Err(
                    FieldError::new(&rec, "service", format!("your own service ({o})"), s).into(),
                );
            }
            (s, _) => s.to_string(),
        };
        let pick = |ours: &str, theirs: Option<&String>| match theirs {
            Some(t) => t.clone(),
            None => ours.to_string(),
        };
        let mut input = ReferralInput {
            person: String::new(),
            service: service.clone(),
            from: given.from.clone(),
            referrer: pick(&given.referrer, facts.requester.as_ref()),
            their_ref: pick(&given.their_ref, facts.their_ref.as_ref()),
            received_at: pick(&given.received_at, facts.authored_on.as_ref()),
            channel: "fhir".into(),
            package: pick(&given.package, facts.package.as_ref()),
            handover: given.handover.clone(),
            first_visit_due: pick(&given.first_visit_due, facts.due.as_ref()),
            arrived: arrived.iter().map(|k| k.as_str().to_string()).collect(),
            arrived_from: format!("{source} ({})", sr.key()),
        };
        // Check the referral's own fields before the import writes anything.
        let probe = ReferralInput {
            person: "p-check".into(),
            ..input.clone()
        };
        let any_service = ServiceId::parse("any").map_err(|e| e.in_record(&rec))?;
        probe.parse(
            ReferralId::parse("ref-check").map_err(|e| e.in_record(&rec))?,
            Some(&any_service),
            self.now(),
        )?;
        let mut run = self.begin_import(
            actor,
            &ImportOptions {
                source: source.to_string(),
                service: Some(service.clone()),
                full: false,
            },
        )?;
        run.document(file, bytes)?;
        let report = run.finish()?;
        if let Some(why) = report.rejected.first() {
            return Err(
                FieldError::new(&rec, "document", "a document the import accepts", why).into(),
            );
        }
        let person = self.journal.source_link(source, &patient)?.ok_or_else(|| {
            FieldError::new(
                &rec,
                format!("{}: subject", sr.key()),
                "a Patient Lantern could take as a person (see the import's identity conflicts)",
                &patient,
            )
        })?;
        input.person = person;
        let r = self.add_referral(actor, &input)?;
        Ok((r, report))
    }
}
