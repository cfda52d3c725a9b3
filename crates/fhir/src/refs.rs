//! References between resources: normalising them to `Type/id` and finding every one used.

use crate::schema::Schema;
use serde_json::Value;
use std::collections::HashMap;
use std::fmt::Write;

/// A reference found in a resource.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefUse {
    /// The resource holding it (`Observation/abc`).
    pub from: String,
    /// Where in it (`subject`, `performer[0].actor`).
    pub path: String,
    /// The reference as written.
    pub reference: String,
    /// Its display text, if any.
    pub display: Option<String>,
    /// The target as `Type/id`, when it can be known without looking anything up.
    pub target: Option<String>,
}

/// Maps a Bundle's `fullUrl`s to the `Type/id` of their resources.
#[derive(Debug, Default)]
pub struct FullUrls(pub HashMap<String, String>);

impl FullUrls {
    /// `reference` as `Type/id`, or `None` for a contained (`#x`), conditional (`Type?query`) or
    /// unknown `urn:` reference.
    pub fn normalise(&self, reference: &str) -> Option<String> {
        let r = reference.trim();
        if r.starts_with('#') || r.contains('?') {
            return None;
        }
        if let Some(k) = self.0.get(r) {
            return Some(k.clone());
        }
        if r.starts_with("urn:") {
            return None;
        }
        let r = match r.find("/_history/") {
            Some(i) => &r[..i],
            None => r,
        };
        let mut parts = r.rsplit('/');
        let id = parts.next()?;
        let ty = parts.next()?;
        if id.is_empty() || !Schema::get().is_resource_type(ty) {
            return None;
        }
        Some(format!("{ty}/{id}"))
    }
}

/// Every `reference` in a resource, with its path; contained resources' references included.
pub fn collect(from: &str, v: &Value, urls: &FullUrls, out: &mut Vec<RefUse>) {
    walk(from, v, &mut String::new(), urls, out);
}

fn walk(from: &str, v: &Value, path: &mut String, urls: &FullUrls, out: &mut Vec<RefUse>) {
    match v {
        Value::Object(m) => {
            if let Some(Value::String(r)) = m.get("reference") {
                out.push(RefUse {
                    from: from.to_string(),
                    path: path.clone(),
                    reference: r.clone(),
                    display: m.get("display").and_then(Value::as_str).map(str::to_string),
                    target: urls.normalise(r),
                });
            }
            for (k, child) in m {
                // Only objects and lists can hold a reference; the narrative never does.
                if !(child.is_object() || child.is_array())
                    || k == "text" && child.get("div").is_some()
                {
                    continue;
                }
                let len = path.len();
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(k);
                walk(from, child, path, urls, out);
                path.truncate(len);
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                if !(item.is_object() || item.is_array()) {
                    continue;
                }
                let len = path.len();
                let _ = write!(path, "[{i}]");
                walk(from, item, path, urls, out);
                path.truncate(len);
            }
        }
        _ => {}
    }
}
