//! The typst World: one embedded template, the data as `sys.inputs.data`, two bundled fonts, and
//! no files at all.

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

pub struct PrintWorld {
    library: LazyHash<Library>,
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
    main: Source,
}

impl PrintWorld {
    pub fn new(template: &str, data: String) -> PrintWorld {
        let fonts: Vec<Font> = FONTS
            .iter()
            .flat_map(|b| Font::iter(Bytes::new(*b)))
            .collect();
        let book = FontBook::from_fonts(&fonts);
        let mut inputs = Dict::new();
        inputs.insert("data".into(), data.into_value());
        let path = VirtualPath::new("main.typ").expect("a valid virtual path");
        let id = RootedPath::new(VirtualRoot::Project, path).intern();
        PrintWorld {
            library: LazyHash::new(Library::builder().with_inputs(inputs).build()),
            book: LazyHash::new(book),
            fonts,
            main: Source::new(id, template.to_string()),
        }
    }
}

impl World for PrintWorld {
    fn library(&self) -> &LazyHash<Library> {
        &self.library
    }
    fn book(&self) -> &LazyHash<FontBook> {
        &self.book
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
        self.fonts.get(index).cloned()
    }
    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        // Dates come in the data; `datetime.today()` would make output depend on the clock.
        None
    }
}
