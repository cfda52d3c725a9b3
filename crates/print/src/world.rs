//! The typst World: one embedded template, the data as `sys.inputs` (`data`, and for a part of a
//! pack `part`), two bundled fonts, and no files at all.

use std::sync::LazyLock;

use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime, Dict, Duration, IntoValue};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};

static FONTS: [&[u8]; 2] = [
    include_bytes!("../fonts/NotoSans-Regular.ttf"),
    include_bytes!("../fonts/NotoSans-Bold.ttf"),
];

/// The fonts, parsed once and shared by every world (parts of a pack are laid out in parallel).
static LOADED: LazyLock<(LazyHash<FontBook>, Vec<Font>)> = LazyLock::new(|| {
    let fonts: Vec<Font> = FONTS
        .iter()
        .flat_map(|b| Font::iter(Bytes::new(*b)))
        .collect();
    (LazyHash::new(FontBook::from_fonts(&fonts)), fonts)
});

pub struct PrintWorld {
    library: LazyHash<Library>,
    main: Source,
}

impl PrintWorld {
    /// A world whose main file is `template` and whose `sys.inputs` are `inputs`.
    pub fn new(template: String, inputs: Vec<(&str, String)>) -> PrintWorld {
        let mut dict = Dict::new();
        for (name, value) in inputs {
            dict.insert(name.into(), value.into_value());
        }
        let path = VirtualPath::new("main.typ").expect("a valid virtual path");
        let id = RootedPath::new(VirtualRoot::Project, path).intern();
        PrintWorld {
            library: LazyHash::new(Library::builder().with_inputs(dict).build()),
            main: Source::new(id, template),
        }
    }
}

impl World for PrintWorld {
    fn library(&self) -> &LazyHash<Library> {
        &self.library
    }
    fn book(&self) -> &LazyHash<FontBook> {
        &LOADED.0
    }
    fn main(&self) -> FileId {
        self.main.id()
    }
    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() {
            Ok(self.main.clone())
        } else {
            Err(FileError::AccessDenied)
        }
    }
    fn file(&self, _id: FileId) -> FileResult<Bytes> {
        // Templates read nothing but their data: no images, no includes, no network.
        Err(FileError::AccessDenied)
    }
    fn font(&self, index: usize) -> Option<Font> {
        LOADED.1.get(index).cloned()
    }
    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        // Dates come in the data; `datetime.today()` would make output depend on the clock.
        None
    }
}
