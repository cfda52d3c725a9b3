//! Parsing JSON typed by people into domain types, with errors that name the field.

use lantern_core::FieldError;
use serde::de::DeserializeOwned;

/// Parse `json` as a `T`; an error names the record, the path of the bad field under `prefix`
/// (`rules[2].effect`), and what was expected.
pub(crate) fn parse<T: DeserializeOwned>(
    record: &str,
    prefix: &str,
    what: &str,
    json: &str,
) -> Result<T, FieldError> {
    let de = &mut serde_json::Deserializer::from_str(json);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let msg = e.into_inner().to_string();
        let msg = msg.split(" at line ").next().unwrap_or(&msg).to_string();
        let field = match (prefix, path.as_str()) {
            (p, ".") => p.to_string(),
            ("", _) => path,
            (p, _) if path.starts_with('[') => format!("{p}{path}"),
            (p, _) => format!("{p}.{path}"),
        };
        FieldError::new(record, field, format!("{what} ({msg})"), json)
    })
}
