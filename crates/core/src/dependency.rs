//! The dependency register: the systems and channels care relies on, who owns them, what they
//! feed, how to work without them, and how Lantern probes them.

use crate::FieldError;
use crate::ids::{DependencyId, ServiceId};
use crate::mei::SectionKind;
use crate::rules::HandoverPoint;
use serde::{Deserialize, Serialize};

/// Who runs a dependency.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Owner {
    /// The provider itself.
    Us,
    /// A partner (the NHS trust's discharge platform, the council's portal).
    Partner,
    /// A supplier under contract.
    Supplier,
}

/// How much care depends on it.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Criticality {
    /// Care is unsafe without a fallback within the hour.
    High,
    /// Care continues on paper for a shift.
    Medium,
    /// An inconvenience.
    Low,
}

/// A way of reaching someone, which an outage can take away.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// Email (sent by SMTP).
    Email,
    /// An HTTP webhook (a pager or chat integration).
    Webhook,
    /// A phone call made by a person; Lantern prompts and records it.
    Phone,
}

impl Channel {
    /// As written.
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Email => "email",
            Channel::Webhook => "webhook",
            Channel::Phone => "phone",
        }
    }
}

/// What a probe tries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ProbeTarget {
    /// An HTTP(S) GET; any status below 400 (or exactly `expect_status`) is up.
    Http {
        /// The URL.
        url: String,
        /// The status that means up, if not any 2xx/3xx.
        #[serde(default)]
        expect_status: Option<u16>,
    },
    /// A TCP connection.
    Tcp {
        /// Host name or address.
        host: String,
        /// Port.
        port: u16,
    },
    /// A DNS lookup of a name.
    Dns {
        /// The name.
        name: String,
    },
}

/// A scheduled probe of a dependency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Probe {
    /// What to try.
    pub target: ProbeTarget,
    /// How often, in seconds.
    pub every_seconds: u32,
    /// Give up after this many milliseconds.
    pub timeout_ms: u32,
    /// Slower than this (ms) counts as degraded.
    pub slow_ms: u32,
    /// Consecutive failures before a disruption is proposed.
    pub threshold: u32,
}

/// One entry in the dependency register.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Dependency {
    /// Identifier, such as `referral-portal`.
    pub id: DependencyId,
    /// Name.
    pub name: String,
    /// Who runs it.
    pub owner: Owner,
    /// The owning organisation's name.
    pub owner_name: String,
    /// How much care depends on it.
    pub criticality: Criticality,
    /// Services it feeds.
    #[serde(default)]
    pub services: Vec<ServiceId>,
    /// Handover points it feeds.
    #[serde(default)]
    pub handovers: Vec<HandoverPoint>,
    /// The MEI sections it carries.
    #[serde(default)]
    pub sections: Vec<SectionKind>,
    /// Channels that go down with it (email goes with the mail server and the internet).
    #[serde(default)]
    pub channels: Vec<Channel>,
    /// Visits are planned or verified through it (call monitoring, the rota, carers' devices):
    /// while it is down, high-priority visits not verified in time escalate.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub visits: bool,
    /// The fallback procedure, in words.
    pub fallback: String,
    /// The downtime protocol as checklist steps.
    #[serde(default)]
    pub playbook: Vec<String>,
    /// How Lantern probes it, if it can.
    #[serde(default)]
    pub probe: Option<Probe>,
}

impl Dependency {
    /// Check what types cannot.
    pub fn validate(&self) -> Result<(), FieldError> {
        let rec = format!("dependency {}", self.id);
        for (f, v) in [
            ("name", &self.name),
            ("owner_name", &self.owner_name),
            ("fallback", &self.fallback),
        ] {
            crate::text::required(&rec, f, v, 5_000)?;
        }
        for (i, s) in self.playbook.iter().enumerate() {
            crate::text::required(&rec, &format!("playbook[{i}]"), s, 1_000)?;
        }
        if let Some(p) = &self.probe {
            if !(5..=86_400).contains(&p.every_seconds) {
                return Err(FieldError::new(
                    &rec,
                    "probe.every_seconds",
                    "5 to 86,400 seconds",
                    p.every_seconds.to_string(),
                ));
            }
            if !(50..=60_000).contains(&p.timeout_ms) {
                return Err(FieldError::new(
                    &rec,
                    "probe.timeout_ms",
                    "50 to 60,000 milliseconds",
                    p.timeout_ms.to_string(),
                ));
            }
            if p.slow_ms == 0 || p.slow_ms > p.timeout_ms {
                return Err(FieldError::new(
                    &rec,
                    "probe.slow_ms",
                    "above 0 and no more than timeout_ms",
                    p.slow_ms.to_string(),
                ));
            }
            if !(1..=100).contains(&p.threshold) {
                return Err(FieldError::new(
                    &rec,
                    "probe.threshold",
                    "1 to 100 consecutive failures",
                    p.threshold.to_string(),
                ));
            }
            match &p.target {
                ProbeTarget::Http { url, .. } => {
                    if !(url.starts_with("http://") || url.starts_with("https://")) {
                        return Err(FieldError::new(
                            &rec,
                            "probe.target.url",
                            "an http:// or https:// URL",
                            url,
                        ));
                    }
                }
                ProbeTarget::Tcp { host, .. } => {
                    crate::text::required(&rec, "probe.target.host", host, 253)?
                }
                ProbeTarget::Dns { name } => {
                    crate::text::required(&rec, "probe.target.name", name, 253)?
                }
            }
        }
        Ok(())
    }
}

/// What one probe found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ProbeStatus {
    /// Answered in time.
    Up,
    /// Answered, but slower than `slow_ms`: counts as a failure.
    Slow,
    /// Refused, timed out, failed to resolve or answered with an error.
    Down,
}

/// One probe's result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ProbeResult {
    /// Up, slow or down.
    pub status: ProbeStatus,
    /// How long it took, if it answered.
    pub latency_ms: Option<u64>,
    /// What happened, in words ("HTTP 500", "connection refused", "timed out after 500 ms").
    pub detail: String,
}

/// The dependencies down now: everywhere (set by hand, a failing probe, a disruption of every
/// service they feed) and in one service only (a disruption limited to it). Readiness asks for
/// a person's service, so a tablet failing in one home restricts nobody elsewhere — and a
/// disruption for every service is never narrowed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Degraded {
    /// Down for everyone.
    pub everywhere: std::collections::BTreeSet<DependencyId>,
    /// Down for one service's people only.
    pub limited: std::collections::BTreeSet<(ServiceId, DependencyId)>,
}

impl Degraded {
    /// What is down for the people of a service.
    pub fn for_service(&self, service: &ServiceId) -> std::collections::BTreeSet<DependencyId> {
        let mut out = self.everywhere.clone();
        out.extend(
            self.limited
                .iter()
                .filter(|(s, _)| s == service)
                .map(|(_, d)| d.clone()),
        );
        out
    }

    /// Whether a dependency is down anywhere (the register's status).
    pub fn anywhere(&self, dep: &DependencyId) -> bool {
        self.everywhere.contains(dep) || self.limited.iter().any(|(_, d)| d == dep)
    }

    /// The services a dependency is down in, when only some are.
    pub fn only_in(&self, dep: &DependencyId) -> Vec<ServiceId> {
        if self.everywhere.contains(dep) {
            return Vec::new();
        }
        self.limited
            .iter()
            .filter(|(_, d)| d == dep)
            .map(|(s, _)| s.clone())
            .collect()
    }
}

#[cfg(test)]
mod degraded_tests {
    use super::*;

    #[test]
    fn a_limited_disruption_counts_only_for_its_service_and_never_narrows_a_wider_one() {
        let dev = DependencyId::parse("devices").unwrap();
        let mc = ServiceId::parse("maple-court").unwrap();
        let rv = ServiceId::parse("riverside-homecare").unwrap();
        let mut d = Degraded::default();
        d.limited.insert((mc.clone(), dev.clone()));
        assert!(d.for_service(&mc).contains(&dev));
        assert!(!d.for_service(&rv).contains(&dev));
        assert!(d.anywhere(&dev));
        assert_eq!(d.only_in(&dev), vec![mc.clone()]);
        d.everywhere.insert(dev.clone());
        assert!(
            d.for_service(&rv).contains(&dev),
            "a wider outage still counts"
        );
        assert!(d.only_in(&dev).is_empty());
    }
}
