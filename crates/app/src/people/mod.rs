//! People: the people supported, their essential information (sections), the calls about them,
//! and scoped, audited access to all of it.

pub(crate) mod access;
pub(crate) mod calls;
pub(crate) mod duplicates;
pub(crate) mod mei;
pub(crate) mod person;
pub(crate) mod section_form;
