//! Static assets, embedded in the binary: nothing is fetched from any other host.
//!
//! Vendored, byte for byte, with the SHA-256 a test checks ([`VENDORED`]):
//! - htmx.org 2.0.11 `dist/htmx.min.js`;
//! - the NHS.UK frontend (npm `nhsuk-frontend` 10.6.1): `dist/nhsuk/nhsuk-frontend-10.6.1.min.css`,
//!   `dist/nhsuk/nhsuk-frontend-10.6.1.min.js` and the four icons its stylesheet names
//!   (`dist/nhsuk/assets/images/`).
//!
//! The NHS.UK stylesheet declares the Frutiger web font at `https://assets.nhs.uk`: Lantern serves
//! it with those `@font-face` rules taken out ([`without_font_faces`]), so browsers use the
//! stylesheet's own fallback (Arial) and never reach for the network.

use std::sync::LazyLock;

use axum::extract::Path;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

const NHSUK_CSS: &[u8] = include_bytes!("../assets/nhsuk-frontend-10.6.1.min.css");

/// Each vendored file as its publisher ships it, with its SHA-256.
pub const VENDORED: &[(&str, &[u8], &str)] = &[
    (
        "htmx-2.0.11.min.js",
        include_bytes!("../assets/htmx-2.0.11.min.js"),
        "d6fdc75f204e6bdefa99b69bf1e6d4ac69b8a364f77929f45c13476b4000f717",
    ),
    (
        "nhsuk-frontend-10.6.1.min.css",
        NHSUK_CSS,
        "9bf2be59da16f34ce7550a66962d8998921e13e7d87e3258d8bd1bedfed1a830",
    ),
    (
        "nhsuk-frontend-10.6.1.min.js",
        include_bytes!("../assets/nhsuk-frontend-10.6.1.min.js"),
        "800ca8007f7e1968c2e45f0a77436aee2a948e6c49a92ef2383fe553817cff1a",
    ),
    (
        "images/nhsuk-icon-arrow-down.svg",
        include_bytes!("../assets/images/nhsuk-icon-arrow-down.svg"),
        "413e412e70e61d4b26e608507cc009ae952eb57e3a3126f55587a7cc0ee453b8",
    ),
    (
        "images/nhsuk-icon-arrow-up-down.svg",
        include_bytes!("../assets/images/nhsuk-icon-arrow-up-down.svg"),
        "e5b217ca77e17e98e533c4272d2c41b88aadce5470e3af454a3359538734281b",
    ),
    (
        "images/nhsuk-icon-arrow-up.svg",
        include_bytes!("../assets/images/nhsuk-icon-arrow-up.svg"),
        "b8bee584537e8cc275eb49974427b84e9722ac22ab76adb1b32420e3266785d7",
    ),
    (
        "images/nhsuk-icon-cross.svg",
        include_bytes!("../assets/images/nhsuk-icon-cross.svg"),
        "694bdf45a657c8b88c958f33ab724ddcd875b8dfa2006cdd27f6d861b0a306fb",
    ),
];

/// Lantern's own: its few components the NHS.UK frontend has no pattern for, and the start-up
/// module that switches the NHS.UK components on.
const OWN: &[(&str, &[u8])] = &[
    ("lantern.css", include_bytes!("../assets/lantern.css")),
    ("lantern.js", include_bytes!("../assets/lantern.js")),
];

/// The NHS.UK stylesheet as served: without the `@font-face` rules that point at another host.
static NHSUK_CSS_SERVED: LazyLock<Vec<u8>> =
    LazyLock::new(|| without_font_faces(&String::from_utf8_lossy(NHSUK_CSS)).into_bytes());

/// `css` with every `@font-face{…}` rule taken out (they hold no nested braces).
pub fn without_font_faces(css: &str) -> String {
    let mut out = String::with_capacity(css.len());
    let mut rest = css;
    while let Some(at) = rest.find("@font-face") {
        out.push_str(&rest[..at]);
        match rest[at..].find('}') {
            Some(end) => rest = &rest[at + end + 1..],
            None => {
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

fn content_type(file: &str) -> &'static str {
    match file.rsplit('.').next() {
        Some("css") => "text/css; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("svg") => "image/svg+xml",
        _ => "application/octet-stream",
    }
}

/// The bytes served for `file`, if it is one of the embedded assets.
fn served(file: &str) -> Option<&'static [u8]> {
    if file == "nhsuk-frontend-10.6.1.min.css" {
        return Some(NHSUK_CSS_SERVED.as_slice());
    }
    VENDORED
        .iter()
        .map(|(n, b, _)| (*n, *b))
        .chain(OWN.iter().copied())
        .find(|(n, _)| *n == file)
        .map(|(_, b)| b)
}

fn answer(file: &str) -> Response {
    match served(file) {
        Some(bytes) => (
            [
                (header::CONTENT_TYPE, content_type(file)),
                (header::CACHE_CONTROL, "public, max-age=86400"),
            ],
            bytes,
        )
            .into_response(),
        None => (StatusCode::NOT_FOUND, "no such asset").into_response(),
    }
}

/// `GET /assets/{file}`.
pub async fn asset(Path(file): Path<String>) -> Response {
    answer(&file)
}

/// `GET /assets/images/{file}`: the icons the NHS.UK stylesheet names by that path.
pub async fn image(Path(file): Path<String>) -> Response {
    answer(&format!("images/{file}"))
}
