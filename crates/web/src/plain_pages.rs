//! Pages of plain text as one printable HTML document, a page each: what `lantern bench print`
//! hands Chromium to compare its printing with Lantern's PDFs. HTML lives only in this crate.

/// An HTML document with each text as one printed page (escaped, whitespace kept).
pub fn plain_pages_html<'a>(pages: impl IntoIterator<Item = &'a str>) -> String {
    let mut html = String::from(
        "<!doctype html><meta charset=utf-8><style>body{font-family:sans-serif;font-size:9pt} .p{page-break-after:always;white-space:pre-wrap}</style>",
    );
    for page in pages {
        let escaped = page.replace('&', "&amp;").replace('<', "&lt;");
        html.push_str(&format!("<div class=p>{escaped}</div>"));
    }
    html
}
