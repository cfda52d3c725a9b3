//! The one error shape for bad input: which record, which field, what was expected.

use std::fmt;

/// Bad input, naming the record, the field and what was expected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct FieldError {
    /// The record the input was for, such as `person p-0007` or `new person`.
    pub record: String,
    /// The field, as a dotted path (`medicines[2].times[0]`).
    pub field: String,
    /// What a valid value looks like.
    pub expected: String,
    /// What was given (shortened when long).
    pub got: String,
}

impl FieldError {
    /// A new error; `got` is shortened so huge inputs never flood a terminal or log.
    pub fn new(
        record: impl Into<String>,
        field: impl Into<String>,
        expected: impl Into<String>,
        got: impl AsRef<str>,
    ) -> Self {
        let got = got.as_ref();
        let got = if got.chars().count() > 80 {
            format!(
                "{}… ({} characters)",
                got.chars().take(60).collect::<String>(),
                got.chars().count()
            )
        } else {
            got.to_string()
        };
        FieldError {
            record: record.into(),
            field: field.into(),
            expected: expected.into(),
            got,
        }
    }

    /// The same error attributed to a record (used when a value is parsed before its record is known).
    pub fn in_record(mut self, record: impl Into<String>) -> Self {
        self.record = record.into();
        self
    }

    /// Prefix the field path, for errors found inside nested structures.
    pub fn under(mut self, prefix: &str) -> Self {
        self.field = if self.field.is_empty() {
            prefix.to_string()
        } else {
            format!("{prefix}.{}", self.field)
        };
        self
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}, field `{}`: expected {}, got {:?}",
            self.record, self.field, self.expected, self.got
        )
    }
}
