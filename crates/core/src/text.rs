//! Checks on free text shared by every record.

use crate::FieldError;

/// A non-empty value of at most `max` characters.
pub fn required(record: &str, field: &str, v: &str, max: usize) -> Result<(), FieldError> {
    if v.trim().is_empty() {
        return Err(FieldError::new(record, field, "a non-empty value", v));
    }
    optional(record, field, v, max)
}

/// At most `max` characters.
pub fn optional(record: &str, field: &str, v: &str, max: usize) -> Result<(), FieldError> {
    if v.chars().count() > max {
        return Err(FieldError::new(
            record,
            field,
            format!("at most {max} characters"),
            v,
        ));
    }
    Ok(())
}

/// `s` with its first letter a capital, as a sentence starts ("mei section set" → "Mei section
/// set").
pub fn sentence(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}
