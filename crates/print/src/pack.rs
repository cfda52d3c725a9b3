//! The downtime pack, laid out in parts and joined. One typst document for a whole service grew
//! with every person (1.6–1.9 MB each while laid out, and laid out twice over for its page
//! numbers and contents). Here the people are laid out in batches, with the forms and the MAR
//! sheets, on every core at once; each part is written as a PDF as soon as it is laid out and
//! its layout let go, so what is held is a few parts' layout and the PDF bytes, never the whole
//! pack's layout. The front (cover and contents) is laid out once the page each person starts on
//! is known, and "Page X of Y" is laid over every page as the parts are joined.

use std::num::NonZeroUsize;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use serde::Serialize;
use serde_json::json;
use typst::foundations::{Label, Selector};
use typst::introspection::Introspector;
use typst::utils::PicoStr;
use typst_layout::PagedDocument;

use crate::{PrintError, compile, export};

const COMMON: &str = include_str!("../templates/pack/common.typ");
const FRONT: &str = include_str!("../templates/pack/front.typ");
const PEOPLE: &str = include_str!("../templates/pack/people.typ");
const BACK: &str = include_str!("../templates/pack/back.typ");
const MAR: &str = include_str!("../templates/pack/mar.typ");
const NUMBERS: &str = include_str!("../templates/pack/numbers.typ");

/// People per part: enough that each part's own copy of the font subsets adds little to the
/// file, few enough that a part's layout is small and the parts spread over the cores.
const PEOPLE_PER_PART: usize = 40;
/// Pages per part of the page numbers.
const NUMBERS_PER_PART: usize = 500;

/// A part laid out and written: its PDF, its page count, and the page (from 1) each person in
/// it starts on.
struct Part {
    pdf: Vec<u8>,
    pages: usize,
    starts: Vec<usize>,
}

/// Render a downtime pack: `common` is the pack-wide data (`sys.inputs.data` in the templates),
/// `people` everyone in it in contents order. Answers the PDF and its page count. The same data
/// and the same time give the same bytes, however many cores lay it out.
pub fn render_pack<C: Serialize, P: Serialize + Sync>(
    common: &C,
    people: &[P],
    ident: &str,
    created: jiff::Timestamp,
) -> Result<(Vec<u8>, usize), PrintError> {
    let data = to_json(common)?;
    let batches = people.chunks(PEOPLE_PER_PART).len();
    // Everything after the front, in the order of the pack.
    let mut parts: Vec<(&str, String)> = Vec::new();
    for chunk in people.chunks(PEOPLE_PER_PART) {
        parts.push((PEOPLE, to_json(&json!({ "people": chunk }))?));
    }
    parts.push((BACK, "{}".to_string()));
    for chunk in people.chunks(PEOPLE_PER_PART) {
        parts.push((MAR, to_json(&json!({ "people": chunk }))?));
    }
    let rest = in_parallel(&parts, |(template, part)| {
        let doc = compile(
            format!("{COMMON}\n{template}"),
            vec![("data", data.clone()), ("part", part.clone())],
        )?;
        written(&doc, ident, created)
    })?;
    // The page each person starts on, counted from the end of the front.
    let mut starts = Vec::with_capacity(people.len());
    let mut before = 0;
    for part in &rest[..batches] {
        starts.extend(part.starts.iter().map(|p| before + p));
        before += part.pages;
    }
    if starts.len() != people.len() {
        return Err(PrintError(format!(
            "the pack's parts hold {} people where {} were given",
            starts.len(),
            people.len()
        )));
    }
    let after: usize = rest.iter().map(|p| p.pages).sum();
    let front = compile(
        format!("{COMMON}\n{FRONT}"),
        vec![
            ("data", data.clone()),
            (
                "part",
                to_json(&json!({ "people": people, "starts": starts, "rest": after }))?,
            ),
        ],
    )?;
    // The joined PDF keeps the front's catalog, metadata and identifier.
    let front = Part {
        pages: front.pages().len(),
        pdf: export(&front, ident, created, false)?,
        starts: vec![],
    };
    let total = front.pages + after;
    let ranges: Vec<(usize, usize)> = (0..total)
        .step_by(NUMBERS_PER_PART)
        .map(|from| (from, (from + NUMBERS_PER_PART).min(total)))
        .collect();
    let numbers = in_parallel(&ranges, |(from, to)| {
        let doc = compile(
            NUMBERS.to_string(),
            vec![(
                "part",
                to_json(&json!({ "from": from, "to": to, "total": total }))?,
            )],
        )?;
        written(&doc, ident, created)
    })?;
    typst::comemo::evict(0);
    let pdfs: Vec<Vec<u8>> = std::iter::once(front).chain(rest).map(|p| p.pdf).collect();
    let numbers: Vec<Vec<u8>> = numbers.into_iter().map(|p| p.pdf).collect();
    // Each part's catalog had `/Suspects` blanked when it was written (see `export`).
    Ok((crate::join::join(&pdfs, &numbers)?, total))
}

/// A laid-out part written as a PDF, with where its people start.
fn written(doc: &PagedDocument, ident: &str, created: jiff::Timestamp) -> Result<Part, PrintError> {
    Ok(Part {
        pages: doc.pages().len(),
        starts: person_starts(doc)?,
        pdf: export(doc, ident, created, false)?,
    })
}

fn to_json<T: Serialize + ?Sized>(value: &T) -> Result<String, PrintError> {
    serde_json::to_string(value).map_err(|e| PrintError(e.to_string()))
}

/// The page (from 1) of each `<person-start>` mark in a part, in order.
fn person_starts(doc: &PagedDocument) -> Result<Vec<usize>, PrintError> {
    let label = Label::new(PicoStr::intern("person-start"))
        .ok_or_else(|| PrintError("the person-start label".into()))?;
    let introspector = doc.introspector();
    introspector
        .query(&Selector::Label(label))
        .iter()
        .map(|mark| {
            mark.location()
                .and_then(|at| introspector.page(at))
                .map(NonZeroUsize::get)
                .ok_or_else(|| PrintError("a person's first page could not be found".into()))
        })
        .collect()
}

/// Lay out every job on the machine's cores, answering in the jobs' order. The memo cache is
/// trimmed after each job, so what is held stays that of a few parts, not of the whole pack.
fn in_parallel<J: Sync>(
    jobs: &[J],
    lay_out: impl Fn(&J) -> Result<Part, PrintError> + Sync,
) -> Result<Vec<Part>, PrintError> {
    let cores = std::thread::available_parallelism().map_or(1, NonZeroUsize::get);
    let next = AtomicUsize::new(0);
    let done: Mutex<Vec<Option<Result<Part, PrintError>>>> =
        Mutex::new((0..jobs.len()).map(|_| None).collect());
    std::thread::scope(|scope| {
        for _ in 0..cores.min(jobs.len()) {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(job) = jobs.get(i) else { break };
                    let result = lay_out(job);
                    typst::comemo::evict(4);
                    if let Ok(mut done) = done.lock() {
                        done[i] = Some(result);
                    }
                }
            });
        }
    });
    done.into_inner()
        .map_err(|_| PrintError("a part of the pack failed to lay out".into()))?
        .into_iter()
        .map(|d| d.unwrap_or_else(|| Err(PrintError("a part of the pack was not laid out".into()))))
        .collect()
}
