//! Joining PDFs page by page: the pack's parts are each laid out and written as their own PDF
//! (so only a few parts are ever held laid out), then joined here into one document whose
//! catalog, metadata and identifier are the first part's. Each page of `overlay` is laid over the
//! joined page of the same number as a form (the pack's "Page X of Y").

use lopdf::{Dictionary, Document, Object, ObjectId, Stream};

use crate::PrintError;

/// The name the overlay form has in each page's resources.
const OVERLAY: &[u8] = b"LanternOverlay";

fn bad(what: &str, e: lopdf::Error) -> PrintError {
    PrintError(format!("joining the pack's parts: {what}: {e}"))
}

/// Join `parts` in order, laying page i of the concatenated `overlay` over page i. The overlay
/// must have exactly as many pages as the parts together.
pub fn join(parts: &[Vec<u8>], overlay: &[Vec<u8>]) -> Result<Vec<u8>, PrintError> {
    let (first, rest) = parts
        .split_first()
        .ok_or_else(|| PrintError("joining the pack's parts: there are none".into()))?;
    let mut out = Document::load_mem(first).map_err(|e| bad("the first part", e))?;
    let root = out
        .catalog()
        .and_then(|c| c.get(b"Pages"))
        .and_then(Object::as_reference)
        .map_err(|e| bad("the first part's page tree", e))?;
    let mut pages: Vec<ObjectId> = out.get_pages().into_values().collect();
    for (i, part) in rest.iter().enumerate() {
        let doc = adopt(&mut out, part).map_err(|e| bad(&format!("part {}", i + 2), e))?;
        pages.extend(doc);
    }
    // The same two streams wrap every page: the page's drawing in q … Q, then the form.
    let open = out.add_object(Stream::new(Dictionary::new(), b"q\n".to_vec()));
    let mut close = b"Q\nq /".to_vec();
    close.extend_from_slice(OVERLAY);
    close.extend_from_slice(b" Do Q\n");
    let close = out.add_object(Stream::new(Dictionary::new(), close));
    let wrap = (open, close);
    let mut at = 0;
    for (i, part) in overlay.iter().enumerate() {
        let ids = adopt(&mut out, part).map_err(|e| bad(&format!("page numbers {}", i + 1), e))?;
        for id in ids {
            let Some(&target) = pages.get(at) else {
                return Err(PrintError(format!(
                    "joining the pack's parts: {} pages of page numbers for {} pages",
                    at + 1,
                    pages.len()
                )));
            };
            lay_over(&mut out, id, target, wrap)
                .map_err(|e| bad(&format!("page {}", at + 1), e))?;
            at += 1;
        }
    }
    if at != pages.len() {
        return Err(PrintError(format!(
            "joining the pack's parts: {at} pages of page numbers for {} pages",
            pages.len()
        )));
    }
    for &page in &pages {
        out.get_dictionary_mut(page)
            .map_err(|e| bad("a page", e))?
            .set("Parent", Object::Reference(root));
    }
    let count = pages.len() as i64;
    let tree = out
        .get_dictionary_mut(root)
        .map_err(|e| bad("the page tree", e))?;
    tree.set(
        "Kids",
        Object::Array(pages.into_iter().map(Object::Reference).collect()),
    );
    tree.set("Count", Object::Integer(count));
    // The parts' own catalogs, page trees and overlay pages are no longer reachable.
    out.prune_objects();
    out.renumber_objects();
    let mut bytes = Vec::new();
    // Object streams and a cross-reference stream, as typst writes: the page dictionaries
    // compressed together rather than one by one in the open.
    out.save_modern(&mut bytes)
        .map_err(|e| PrintError(format!("writing the joined pack: {e}")))?;
    Ok(bytes)
}

/// Move every object of the PDF `bytes` into `out` under fresh numbers; answers its pages in
/// order.
fn adopt(out: &mut Document, bytes: &[u8]) -> Result<Vec<ObjectId>, lopdf::Error> {
    let mut doc = Document::load_mem(bytes)?;
    doc.renumber_objects_with(out.max_id + 1);
    let pages = doc.get_pages().into_values().collect();
    out.max_id = out.max_id.max(doc.max_id);
    out.objects.extend(doc.objects);
    Ok(pages)
}

/// Lay the page `from` over the page `onto` as a form drawn after everything on it, with the
/// page's own drawing wrapped so nothing it leaves set changes the form.
fn lay_over(
    out: &mut Document,
    from: ObjectId,
    onto: ObjectId,
    (open, close): (ObjectId, ObjectId),
) -> Result<(), lopdf::Error> {
    let page = out.get_dictionary(from)?;
    let bbox = page.get(b"MediaBox")?.clone();
    let resources = page.get(b"Resources")?.clone();
    let content = out.get_page_content(from);
    let mut dict = Dictionary::new();
    dict.set("Type", Object::Name(b"XObject".to_vec()));
    dict.set("Subtype", Object::Name(b"Form".to_vec()));
    dict.set("BBox", bbox);
    dict.set("Resources", resources);
    let mut form = Stream::new(dict, content);
    form.compress()?;
    let form = out.add_object(form);
    // The page's resources, with the form among its XObjects; copied onto the page, since a
    // resource dictionary may be shared between pages.
    let mut resources = match out.get_dictionary(onto)?.get(b"Resources")? {
        Object::Reference(id) => out.get_dictionary(*id)?.clone(),
        Object::Dictionary(d) => d.clone(),
        _ => {
            return Err(lopdf::Error::ObjectType {
                expected: "Dictionary",
                found: "another type",
            });
        }
    };
    let mut xobjects = match resources.get(b"XObject") {
        Ok(Object::Reference(id)) => out.get_dictionary(*id)?.clone(),
        Ok(Object::Dictionary(d)) => d.clone(),
        _ => Dictionary::new(),
    };
    xobjects.set(OVERLAY, Object::Reference(form));
    resources.set("XObject", Object::Dictionary(xobjects));
    let mut contents = vec![Object::Reference(open)];
    match out.get_dictionary(onto)?.get(b"Contents")? {
        Object::Array(a) => contents.extend(a.iter().cloned()),
        other => contents.push(other.clone()),
    }
    contents.push(Object::Reference(close));
    let target = out.get_dictionary_mut(onto)?;
    target.set("Resources", Object::Dictionary(resources));
    target.set("Contents", Object::Array(contents));
    Ok(())
}
