//! FHIR search over HTTP for live sync: `GET [base]/[Type]?_lastUpdated=ge[since]`, following the
//! Bundle's `next` links page by page. The only network code in this crate.

use serde_json::Value;
use std::time::Duration;

/// Why a search failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SearchError {
    /// The server could not be reached or did not answer in time.
    #[error("{url}: {detail}")]
    Unreachable {
        /// The URL.
        url: String,
        /// What went wrong.
        detail: String,
    },
    /// The server answered with an error status.
    #[error("{url}: HTTP {status}")]
    Status {
        /// The URL.
        url: String,
        /// The status code.
        status: u16,
    },
    /// The answer was not a FHIR search result we can follow.
    #[error("{url}: {detail}")]
    Protocol {
        /// The URL.
        url: String,
        /// What was wrong.
        detail: String,
    },
}

/// Takes each page (its URL and bytes); an error stops the search.
pub type PageHandler<'a> = dyn FnMut(&str, &[u8]) -> Result<(), String> + 'a;

/// At most this many pages per resource type per pull: a server that never stops paging is a fault.
pub const MAX_PAGES: usize = 10_000;

fn origin(url: &str) -> &str {
    let after = url.find("://").map_or(0, |i| i + 3);
    match url[after..].find('/') {
        Some(i) => &url[..after + i],
        None => url,
    }
}

fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b':' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The first page's URL.
pub fn first_url(base: &str, resource_type: &str, since: Option<&str>, count: u32) -> String {
    let mut u = format!(
        "{}/{resource_type}?_count={count}",
        base.trim_end_matches('/')
    );
    if let Some(s) = since {
        u.push_str(&format!("&_lastUpdated=ge{}", encode(s)));
    }
    u
}

/// Fetch every page of one search, handing each page's bytes to `page`. Stops at the first error
/// (pages already handed over stay handed over). Returns the number of pages.
pub fn search(
    base: &str,
    resource_type: &str,
    since: Option<&str>,
    timeout: Duration,
    page: &mut PageHandler<'_>,
) -> Result<usize, SearchError> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(timeout))
        .http_status_as_error(false)
        .build()
        .into();
    let mut url = first_url(base, resource_type, since, 100);
    let mut seen = std::collections::HashSet::new();
    for n in 0..MAX_PAGES {
        if !seen.insert(url.clone()) {
            return Err(SearchError::Protocol {
                url,
                detail: "the next link repeats a page already read".into(),
            });
        }
        let mut resp = agent
            .get(&url)
            .header("Accept", "application/fhir+json")
            .call()
            .map_err(|e| SearchError::Unreachable {
                url: url.clone(),
                detail: e.to_string(),
            })?;
        let status = resp.status().as_u16();
        if !(200..300).contains(&status) {
            return Err(SearchError::Status { url, status });
        }
        let bytes = resp
            .body_mut()
            .with_config()
            .limit(crate::read::MAX_DOCUMENT_BYTES as u64)
            .read_to_vec()
            .map_err(|e| SearchError::Unreachable {
                url: url.clone(),
                detail: e.to_string(),
            })?;
        let next = next_link(&bytes);
        page(&url, &bytes).map_err(|detail| SearchError::Protocol {
            url: url.clone(),
            detail,
        })?;
        match next {
            Some(next) if origin(&next) == origin(base) => url = next,
            Some(next) => {
                return Err(SearchError::Protocol {
                    url,
                    detail: format!("the next link {next} leaves the server; not followed"),
                });
            }
            None => return Ok(n + 1),
        }
    }
    Err(SearchError::Protocol {
        url,
        detail: format!("more than {MAX_PAGES} pages"),
    })
}

/// The `next` link of a search-result Bundle.
pub fn next_link(bytes: &[u8]) -> Option<String> {
    let v: Value = serde_json::from_slice(bytes).ok()?;
    v.get("link")?
        .as_array()?
        .iter()
        .find(|l| l.get("relation").and_then(Value::as_str) == Some("next"))
        .and_then(|l| l.get("url"))
        .and_then(Value::as_str)
        .map(str::to_string)
}
