//! Output helpers: JSON for machines, plain text for people.

use lantern_app::AppError;
use serde::Serialize;

/// Print a value as pretty JSON.
pub fn json<T: Serialize>(v: &T) -> anyhow::Result<()> {
    println!("{}", serde_json::to_string_pretty(v)?);
    Ok(())
}

/// Print an error: the message (naming record, field and expectation) on stderr; JSON with --json.
pub fn error(as_json: bool, e: &anyhow::Error) {
    let app = e.chain().find_map(|c| c.downcast_ref::<AppError>());
    let msg = match app {
        Some(a) => a.to_string(),
        None => e
            .chain()
            .skip(1)
            .map(|c| c.to_string())
            .collect::<Vec<_>>()
            .join(": "),
    };
    let msg = if msg.is_empty() { e.to_string() } else { msg };
    if as_json {
        let field = match app {
            Some(AppError::Invalid(f)) => {
                serde_json::json!({"record": f.record, "field": f.field, "expected": f.expected, "got": f.got})
            }
            _ => serde_json::Value::Null,
        };
        let kind = match app {
            Some(AppError::Invalid(_)) => "invalid",
            Some(AppError::NotFound { .. }) => "not_found",
            Some(AppError::Forbidden(_)) => "forbidden",
            _ => "error",
        };
        eprintln!(
            "{}",
            serde_json::json!({"error": {"kind": kind, "message": msg, "field": field}})
        );
    } else {
        eprintln!("error: {msg}");
    }
}
