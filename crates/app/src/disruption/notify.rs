//! Sending notifications: email by SMTP and webhooks by HTTP POST. Configured from the
//! environment so that no password is ever stored in the journal or written to a log.

use std::time::Duration;

/// Where email goes out.
#[derive(Clone)]
pub struct SmtpConfig {
    /// Server host.
    pub host: String,
    /// Port.
    pub port: u16,
    /// `plain` (loopback relays only), `starttls` or `tls`.
    pub security: String,
    /// Sender address.
    pub from: String,
    /// User name and password, if the server needs them.
    pub credentials: Option<(String, String)>,
}

impl std::fmt::Debug for SmtpConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print the password.
        write!(
            f,
            "SmtpConfig {{ {}://{}:{} from {} }}",
            self.security, self.host, self.port, self.from
        )
    }
}

/// How notifications are sent.
#[derive(Debug, Clone, Default)]
pub struct Notifier {
    /// SMTP, if configured.
    pub smtp: Option<SmtpConfig>,
    /// Attempts per notification.
    pub attempts: u32,
    /// Per-attempt time limit.
    pub timeout: Duration,
    /// Where a drill's email goes instead of the real recipient (`LANTERN_DRILL_SINK`): a
    /// drill never sends to a partner's address. With none, a drill's email and webhook steps
    /// are not sent at all.
    pub drill_sink: Option<String>,
}

impl Notifier {
    /// From `LANTERN_SMTP_URL` (`smtp://host:port` plain, `smtp+starttls://host:port`,
    /// `smtps://host:port`), `LANTERN_SMTP_FROM`, `LANTERN_SMTP_USER`, `LANTERN_SMTP_PASSWORD`.
    pub fn from_env() -> Result<Notifier, String> {
        let mut n = Notifier {
            smtp: None,
            attempts: 3,
            timeout: Duration::from_secs(10),
            drill_sink: None,
        };
        if let Ok(sink) = std::env::var("LANTERN_DRILL_SINK")
            && !sink.trim().is_empty()
        {
            let sink = sink.trim();
            if sink.parse::<lettre::Address>().is_err() {
                return Err(format!(
                    "LANTERN_DRILL_SINK: expected an email address (such as drills@your-org.example), got {sink}"
                ));
            }
            n.drill_sink = Some(sink.to_string());
        }
        if let Ok(url) = std::env::var("LANTERN_SMTP_URL")
            && !url.trim().is_empty()
        {
            let (security, rest) = if let Some(r) = url.strip_prefix("smtp+starttls://") {
                ("starttls", r)
            } else if let Some(r) = url.strip_prefix("smtps://") {
                ("tls", r)
            } else if let Some(r) = url.strip_prefix("smtp://") {
                ("plain", r)
            } else {
                return Err(format!(
                    "LANTERN_SMTP_URL: expected smtp://, smtp+starttls:// or smtps://host:port, got {url}"
                ));
            };
            let rest = rest.trim_end_matches('/');
            let (host, port) = match rest.rsplit_once(':') {
                Some((h, p)) => (
                    h.to_string(),
                    p.parse::<u16>()
                        .map_err(|_| format!("LANTERN_SMTP_URL: bad port in {url}"))?,
                ),
                None => (
                    rest.to_string(),
                    match security {
                        "tls" => 465,
                        "starttls" => 587,
                        _ => 25,
                    },
                ),
            };
            let from = std::env::var("LANTERN_SMTP_FROM")
                .unwrap_or_else(|_| "lantern@localhost".to_string());
            let credentials = match (
                std::env::var("LANTERN_SMTP_USER"),
                std::env::var("LANTERN_SMTP_PASSWORD"),
            ) {
                (Ok(u), Ok(p)) if !u.is_empty() => Some((u, p)),
                _ => None,
            };
            n.smtp = Some(SmtpConfig {
                host,
                port,
                security: security.to_string(),
                from,
                credentials,
            });
        }
        Ok(n)
    }

    /// Send one email; `Ok` carries the server's answer.
    pub fn email(&self, to: &str, subject: &str, body: &str) -> Result<String, String> {
        use lettre::transport::smtp::authentication::Credentials;
        use lettre::{Message, SmtpTransport, Transport};
        let cfg = self
            .smtp
            .as_ref()
            .ok_or("no SMTP server is configured (set LANTERN_SMTP_URL)")?;
        let msg = Message::builder()
            .from(
                cfg.from
                    .parse()
                    .map_err(|e| format!("sender {}: {e}", cfg.from))?,
            )
            .to(to.parse().map_err(|e| format!("address {to}: {e}"))?)
            .subject(subject)
            .body(body.to_string())
            .map_err(|e| e.to_string())?;
        let builder = match cfg.security.as_str() {
            "tls" => SmtpTransport::relay(&cfg.host).map_err(|e| e.to_string())?,
            "starttls" => SmtpTransport::starttls_relay(&cfg.host).map_err(|e| e.to_string())?,
            _ => SmtpTransport::builder_dangerous(&cfg.host),
        };
        let mut builder = builder.port(cfg.port).timeout(Some(self.timeout));
        if let Some((u, p)) = &cfg.credentials {
            builder = builder.credentials(Credentials::new(u.clone(), p.clone()));
        }
        let resp = builder.build().send(&msg).map_err(|e| e.to_string())?;
        Ok(format!(
            "{} {}",
            resp.code(),
            resp.message().collect::<Vec<_>>().join(" ")
        ))
    }

    /// POST a JSON body to a webhook; any 2xx is accepted.
    pub fn webhook(&self, url: &str, body: &serde_json::Value) -> Result<String, String> {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .timeout_global(Some(self.timeout))
            .http_status_as_error(false)
            .max_redirects(0)
            .build()
            .into();
        let resp = agent
            .post(url)
            .header("Content-Type", "application/json")
            .send(body.to_string())
            .map_err(|e| e.to_string())?;
        let status = resp.status().as_u16();
        if (200..300).contains(&status) {
            Ok(format!("HTTP {status}"))
        } else {
            Err(format!("HTTP {status}"))
        }
    }
}
