//! Exporting: the whole journal for supplier exit (S8), and back into an empty node.

use crate::{Actor, App, AppError, Clock};
use lantern_core::FieldError;
use lantern_core::role::Role;
use lantern_journal::{ImportAllError, Journal, Manifest};
use std::path::Path;

impl App {
    /// Write the whole journal, a schema and a manifest to `out`.
    pub fn export_all(&self, actor: &Actor, out: &Path) -> Result<Manifest, AppError> {
        actor.require(Role::may_export, "export the journal")?;
        Ok(self.journal.export_all(out, self.now())?)
    }

    /// Create a node in `dir` from a whole-journal export, checking every file, event and
    /// projection; `dir` must not hold a database yet.
    pub fn import_all(dir: &Path, from: &Path, clock: Clock) -> Result<(App, Manifest), AppError> {
        let (journal, manifest) = Journal::import_all(dir, from).map_err(|e| match e {
            ImportAllError::Export(msg) => AppError::Invalid(FieldError::new(
                format!("export {}", from.display()),
                "files",
                format!("a complete, unchanged Lantern journal export ({msg})"),
                "",
            )),
            ImportAllError::Journal(j) => AppError::Journal(j),
        })?;
        Ok((App { journal, clock }, manifest))
    }
}
