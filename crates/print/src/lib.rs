//! Printed packs and rotas as PDF: typst as a library, templates and fonts embedded, nothing read
//! from disk or the network. The same data and the same time give the same bytes.

mod join;
mod pack;
mod world;

pub use pack::render_pack;

use serde::Serialize;
use typst::diag::SourceDiagnostic;
use typst::foundations::Smart;

/// Which document (the downtime pack, laid out in parts, is [`render_pack`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Template {
    /// The day's rota backup.
    Rota,
    /// An evidence pack's human-readable part.
    Evidence,
    /// Back-entry sheets per person.
    BackEntry,
    /// A governance meeting's minutes with the agenda Lantern assembled.
    Minutes,
    /// The governance report over a period: audits, learning, plan, registers, readiness.
    Report,
}

impl Template {
    fn source(self) -> &'static str {
        match self {
            Template::Rota => include_str!("../templates/rota.typ"),
            Template::Evidence => include_str!("../templates/evidence.typ"),
            Template::BackEntry => include_str!("../templates/backentry.typ"),
            Template::Minutes => include_str!("../templates/minutes.typ"),
            Template::Report => include_str!("../templates/report.typ"),
        }
    }
}

/// Rendering failed: a template error (a bug) named with its message.
#[derive(Debug, thiserror::Error)]
#[error("printing failed: {0}")]
pub struct PrintError(String);

fn diagnostics(d: &[SourceDiagnostic]) -> PrintError {
    PrintError(
        d.iter()
            .map(|x| x.message.to_string())
            .collect::<Vec<_>>()
            .join("; "),
    )
}

/// Render a document from its data. `ident` names the document stably (its serial) and
/// `created` is the print time written into the PDF, so output is deterministic.
pub fn render<T: Serialize>(
    template: Template,
    data: &T,
    ident: &str,
    created: jiff::Timestamp,
) -> Result<(Vec<u8>, usize), PrintError> {
    let json = serde_json::to_string(data).map_err(|e| PrintError(e.to_string()))?;
    let document = compile(template.source().to_string(), vec![("data", json)])?;
    let pages = document.pages().len();
    Ok((export(&document, ident, created, true)?, pages))
}

/// Lay out one typst document from its source and `sys.inputs`.
fn compile(
    source: String,
    inputs: Vec<(&str, String)>,
) -> Result<typst_layout::PagedDocument, PrintError> {
    let world = world::PrintWorld::new(source, inputs);
    typst::compile(&world).output.map_err(|d| diagnostics(&d))
}

/// The PDF of a laid-out document, stamped with `ident` and `created` so the bytes are the same
/// for the same document; `tagged` adds the structure tree screen readers follow.
fn export(
    document: &typst_layout::PagedDocument,
    ident: &str,
    created: jiff::Timestamp,
    tagged: bool,
) -> Result<Vec<u8>, PrintError> {
    let dt = created.to_zoned(jiff::tz::TimeZone::UTC).datetime();
    let timestamp = typst::foundations::Datetime::from_ymd_hms(
        dt.year() as i32,
        dt.month() as u8,
        dt.day() as u8,
        dt.hour() as u8,
        dt.minute() as u8,
        dt.second() as u8,
    )
    .map(typst_pdf::Timestamp::new_utc);
    let options = typst_pdf::PdfOptions {
        ident: Smart::Custom(ident.to_string()),
        timestamp,
        tagged,
        ..typst_pdf::PdfOptions::default()
    };
    let mut pdf = typst_pdf::pdf(document, &options).map_err(|d| diagnostics(&d))?;
    quiet_suspects(&mut pdf);
    Ok(pdf)
}

/// Blank out the catalog's `/Suspects false` (the default, so the meaning is unchanged) with
/// spaces of the same length, keeping every byte offset: poppler (at least to 22.12) reports a
/// false `Suspects` as "Syntax Error: Suspects object is wrong type (boolean)" on every page a
/// viewer or `pdftotext` opens, which reads as a broken file to whoever checks one.
fn quiet_suspects(pdf: &mut [u8]) {
    const KEY: &[u8] = b"/Suspects false";
    if let Some(at) = pdf.windows(KEY.len()).position(|w| w == KEY) {
        pdf[at..at + KEY.len()].fill(b' ');
    }
}
