//! The stored event format: how an [`Event`] becomes the JSON payload that is hashed, signed and
//! kept for ever, and how a payload becomes an `Event` again. Every read of a payload goes through
//! [`decode`], so this is the one place where a payload written in an older shape would be
//! upcast to today's.
//!
//! The shapes are pinned: `tests/fixtures/events/` holds one golden payload per kind (and its
//! hash), and `tests/fixtures/journal/` a journal written by an earlier release; the journal's
//! `event_format` tests fail if a change to a core type alters how any of them reads or writes.
//!
//! There are no upcasts yet: every payload written since the first release has today's shape.
//! How to add one (ARCHITECTURE.md, "Changing an event's shape"): keep the old shape's golden
//! file, give the new shape a new golden, and here turn the old JSON into the new before
//! deserialising — keyed by the kind and recognisable from the JSON itself (a field present or
//! missing), never by guessing. The stored payload is never rewritten (it is signed).

use lantern_core::event::Event;

/// The payload of an event, as stored and hashed.
pub fn encode(event: &Event) -> Result<String, serde_json::Error> {
    serde_json::to_string(event)
}

/// An event from its stored payload, upcast from an older shape where there is one.
pub fn decode(payload: &str) -> Result<Event, serde_json::Error> {
    serde_json::from_str(payload)
}
