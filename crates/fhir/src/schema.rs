//! Structural validation of FHIR R4 JSON against the HL7 R4 JSON Schema (embedded, descriptions
//! stripped) plus the required primitive elements and choice groups the schema cannot express
//! (generated from the FHIR 4.0.1 StructureDefinitions by `schema/generate.py`).
//!
//! Rather than a general JSON Schema engine, the schema is compiled once into a table of
//! definitions and the instance is walked beside it. That makes resource-list dispatch a lookup on
//! `resourceType` instead of a 146-way `oneOf`, and lets every error name the element path.

use regex::Regex;
use rustc_hash::FxHashMap as HashMap;
use serde_json::Value;
use std::sync::{Arc, OnceLock};

static SCHEMA_JSON: &str = include_str!("../schema/fhir-r4.schema.json");
static REQUIRED_JSON: &str = include_str!("../schema/fhir-r4.required.json");

/// What is wrong, and where, in a resource.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The resource, as `Type/id` (or `Type` with its position when it has no id).
    pub resource: String,
    /// The element path inside it (`birthDate`, `entry[3].resource.subject`).
    pub path: String,
    /// What was expected.
    pub expected: String,
    /// What was found, shortened.
    pub got: String,
}

#[derive(Debug)]
enum Ty {
    Def(usize),
    Prim(Arc<Prim>),
    Enum(Vec<String>),
    Const(String),
    Any,
}

#[derive(Debug)]
struct Prop {
    array: bool,
    ty: Ty,
}

#[derive(Debug)]
struct Prim {
    name: String,
    json: &'static str,
    pattern: Option<Regex>,
}

#[derive(Debug)]
enum Def {
    Object {
        props: HashMap<String, Prop>,
        required: Vec<String>,
        required_prims: Vec<String>,
        choices: Vec<(String, Vec<String>)>,
    },
    Prim(Arc<Prim>),
    Resource,
    Any,
}

/// The compiled R4 schema.
pub struct Schema {
    defs: Vec<Def>,
    by_name: HashMap<String, usize>,
}

fn compile_prim(name: &str, v: &Value, patterns: &mut HashMap<String, Option<Regex>>) -> Prim {
    let json = match v.get("type").and_then(Value::as_str) {
        Some("boolean") => "boolean",
        Some("number") => "number",
        _ => "string",
    };
    let pattern = v.get("pattern").and_then(Value::as_str).and_then(|p| {
        patterns
            .entry(p.to_string())
            .or_insert_with(|| Regex::new(p).ok())
            .clone()
    });
    Prim {
        name: name.to_string(),
        json,
        pattern,
    }
}

/// A JSON list of strings (absent: empty).
fn strings(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|x| x.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// The primitive type of an inline choice element (`onsetDateTime` → `dateTime`).
fn choice_type(pname: &str) -> String {
    const TYPES: [&str; 19] = [
        "DateTime",
        "Base64Binary",
        "PositiveInt",
        "UnsignedInt",
        "Instant",
        "Canonical",
        "Markdown",
        "Integer",
        "Decimal",
        "Boolean",
        "String",
        "Date",
        "Time",
        "Code",
        "Uuid",
        "Uri",
        "Url",
        "Oid",
        "Id",
    ];
    for t in TYPES {
        if pname.ends_with(t) && pname.len() > t.len() {
            let mut c = t.chars();
            let first = c.next().map(|f| f.to_ascii_lowercase()).unwrap_or_default();
            return format!("{first}{}", c.as_str());
        }
    }
    pname.to_string()
}

impl Schema {
    /// The schema, compiled on first use.
    pub fn get() -> &'static Schema {
        static S: OnceLock<Schema> = OnceLock::new();
        S.get_or_init(Schema::compile)
    }

    fn compile() -> Schema {
        let defs: serde_json::Map<String, Value> =
            serde_json::from_str(SCHEMA_JSON).expect("embedded FHIR schema is valid JSON");
        let required: HashMap<String, Value> =
            serde_json::from_str(REQUIRED_JSON).expect("embedded required table is valid JSON");
        let by_name: HashMap<String, usize> = defs
            .keys()
            .enumerate()
            .map(|(i, k)| (k.clone(), i))
            .collect();
        let mut patterns = HashMap::default();
        let ref_index = |r: &str| -> usize {
            let name = r.trim_start_matches("#/definitions/");
            by_name[name]
        };
        let mut out = Vec::with_capacity(defs.len());
        for (name, d) in &defs {
            let def = if let Some(props) = d.get("properties").and_then(Value::as_object) {
                let mut compiled =
                    HashMap::with_capacity_and_hasher(props.len(), Default::default());
                for (pname, p) in props {
                    let (array, inner) = if p.get("type").and_then(Value::as_str) == Some("array") {
                        (true, p.get("items").unwrap_or(&Value::Null))
                    } else {
                        (false, p)
                    };
                    let ty = if let Some(r) = inner.get("$ref").and_then(Value::as_str) {
                        Ty::Def(ref_index(r))
                    } else if let Some(e) = inner.get("enum").and_then(Value::as_array) {
                        Ty::Enum(
                            e.iter()
                                .filter_map(|x| x.as_str().map(str::to_string))
                                .collect(),
                        )
                    } else if let Some(c) = inner.get("const").and_then(Value::as_str) {
                        Ty::Const(c.to_string())
                    } else if inner.get("pattern").is_some() || inner.get("type").is_some() {
                        Ty::Prim(Arc::new(compile_prim(
                            &choice_type(pname),
                            inner,
                            &mut patterns,
                        )))
                    } else {
                        Ty::Any
                    };
                    compiled.insert(pname.clone(), Prop { array, ty });
                }
                let req = required.get(name.as_str());
                Def::Object {
                    props: compiled,
                    required: strings(d.get("required")),
                    required_prims: strings(req.and_then(|r| r.get("required"))),
                    choices: req
                        .and_then(|r| r.get("choices"))
                        .and_then(Value::as_array)
                        .map(|a| {
                            a.iter()
                                .map(|c| {
                                    (
                                        c["prefix"].as_str().unwrap_or_default().to_string(),
                                        strings(c.get("fields")),
                                    )
                                })
                                .collect()
                        })
                        .unwrap_or_default(),
                }
            } else if d.get("oneOf").is_some() {
                Def::Resource
            } else if d.get("type").is_some() || d.get("pattern").is_some() {
                Def::Prim(Arc::new(compile_prim(name, d, &mut patterns)))
            } else {
                Def::Any
            };
            out.push(def);
        }
        Schema { defs: out, by_name }
    }

    /// Whether `name` is an R4 resource type.
    pub fn is_resource_type(&self, name: &str) -> bool {
        self.by_name.get(name).is_some_and(|&i| {
            matches!(&self.defs[i], Def::Object { props, .. } if props.contains_key("resourceType"))
        })
    }

    /// Check one resource (a Bundle with everything in it, or any single resource).
    pub fn validate(&self, v: &Value) -> Result<(), Problem> {
        let mut w = Walk {
            s: self,
            path: Vec::new(),
            resource: String::new(),
        };
        w.resource(v)
    }
}

struct Walk<'s, 'v> {
    s: &'s Schema,
    path: Vec<Seg<'v>>,
    resource: String,
}

/// One step of an element path, borrowed from the document so walking allocates nothing.
#[derive(Clone, Copy)]
enum Seg<'v> {
    Key(&'v str),
    Index(usize),
}

fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

fn show(v: &Value) -> String {
    let s = v.to_string();
    if s.chars().count() > 80 {
        format!("{}…", s.chars().take(60).collect::<String>())
    } else {
        s
    }
}

impl<'v> Walk<'_, 'v> {
    fn fail(&self, expected: impl Into<String>, got: impl Into<String>) -> Problem {
        use std::fmt::Write;
        let mut path = String::new();
        for seg in &self.path {
            match seg {
                Seg::Index(i) => {
                    let _ = write!(path, "[{i}]");
                }
                Seg::Key(k) => {
                    if !path.is_empty() {
                        path.push('.');
                    }
                    path.push_str(k);
                }
            }
        }
        Problem {
            resource: self.resource.clone(),
            path,
            expected: expected.into(),
            got: got.into(),
        }
    }

    /// A failure at a child element named by the schema rather than the document.
    fn fail_at(&self, child: &str, expected: impl Into<String>, got: impl Into<String>) -> Problem {
        let mut p = self.fail(expected, got);
        if !p.path.is_empty() {
            p.path.push('.');
        }
        p.path.push_str(child);
        p
    }

    fn resource(&mut self, v: &'v Value) -> Result<(), Problem> {
        let Some(obj) = v.as_object() else {
            return Err(self.fail("a FHIR resource (a JSON object)", kind_of(v)));
        };
        let Some(rt) = obj.get("resourceType").and_then(Value::as_str) else {
            return Err(self.fail("a resourceType naming the kind of resource", "none"));
        };
        if !self.s.is_resource_type(rt) {
            return Err(self.fail("a FHIR R4 resourceType (such as Patient, Flag, Bundle)", rt));
        }
        let mut label = match obj.get("id").and_then(Value::as_str) {
            Some(id) => format!("{rt}/{id}"),
            None => rt.to_string(),
        };
        if !self.resource.is_empty() {
            let at = self.fail("", "").path;
            label = format!("{label} (at {}.{at})", self.resource);
        }
        let saved_path = std::mem::take(&mut self.path);
        let saved_res = std::mem::replace(&mut self.resource, label);
        let r = self.object(v, self.s.by_name[rt]);
        if r.is_ok() {
            self.path = saved_path;
            self.resource = saved_res;
        }
        r
    }

    fn object(&mut self, v: &'v Value, def: usize) -> Result<(), Problem> {
        let s = self.s;
        match &s.defs[def] {
            Def::Resource => self.resource(v),
            Def::Any => Ok(()),
            Def::Prim(p) => self.prim(v, p),
            Def::Object {
                props,
                required,
                required_prims,
                choices,
            } => {
                let Some(obj) = v.as_object() else {
                    return Err(self.fail("an object", format!("{} {}", kind_of(v), show(v))));
                };
                for (k, val) in obj {
                    let Some(p) = props.get(k) else {
                        self.path.push(Seg::Key(k));
                        return Err(self.fail(
                            "no unknown elements: this element is not part of FHIR R4 here",
                            k.clone(),
                        ));
                    };
                    self.path.push(Seg::Key(k));
                    self.prop(obj, k, val, p)?;
                    self.path.pop();
                }
                for r in required {
                    if !obj.contains_key(r) {
                        return Err(self.fail_at(r, "this required element", "nothing"));
                    }
                }
                for r in required_prims {
                    if !obj.contains_key(r) && !obj.contains_key(&format!("_{r}")) {
                        return Err(self.fail_at(r, "this required element", "nothing"));
                    }
                }
                for (prefix, fields) in choices {
                    if !fields.iter().any(|f| obj.contains_key(f)) {
                        return Err(self.fail_at(
                            &format!("{prefix}[x]"),
                            format!("one of {}", fields.join(", ")),
                            "nothing",
                        ));
                    }
                }
                Ok(())
            }
        }
    }

    fn prop(
        &mut self,
        obj: &serde_json::Map<String, Value>,
        name: &str,
        v: &'v Value,
        p: &Prop,
    ) -> Result<(), Problem> {
        if p.array {
            let Some(items) = v.as_array() else {
                return Err(self.fail(
                    "a list (this element repeats)",
                    format!("{} {}", kind_of(v), show(v)),
                ));
            };
            // A repeating primitive and its `_name` extensions line up by position; either side
            // may hold null where the other has the value.
            let sibling = if let Some(base) = name.strip_prefix('_') {
                obj.contains_key(base)
            } else {
                obj.contains_key(&format!("_{name}"))
            };
            for (i, item) in items.iter().enumerate() {
                if item.is_null() && sibling {
                    continue;
                }
                self.path.push(Seg::Index(i));
                self.value(item, &p.ty)?;
                self.path.pop();
            }
            Ok(())
        } else {
            if v.is_array() {
                return Err(self.fail(
                    "a single value, not a list (this element does not repeat)",
                    show(v),
                ));
            }
            self.value(v, &p.ty)
        }
    }

    fn value(&mut self, v: &'v Value, ty: &Ty) -> Result<(), Problem> {
        match ty {
            Ty::Def(d) => self.object(v, *d),
            Ty::Prim(p) => self.prim(v, p),
            Ty::Enum(options) => match v.as_str() {
                Some(s) if options.iter().any(|o| o == s) => Ok(()),
                _ => Err(self.fail(format!("one of: {}", options.join(", ")), show(v))),
            },
            Ty::Const(c) => match v.as_str() {
                Some(s) if s == c => Ok(()),
                _ => Err(self.fail(format!("\"{c}\""), show(v))),
            },
            Ty::Any => Ok(()),
        }
    }

    fn prim(&mut self, v: &Value, p: &Prim) -> Result<(), Problem> {
        let ok_type = match p.json {
            "boolean" => v.is_boolean(),
            "number" => v.is_number(),
            _ => v.is_string(),
        };
        let what = match p.name.as_str() {
            "date" => "a FHIR date (YYYY, YYYY-MM or YYYY-MM-DD)",
            "dateTime" => "a FHIR dateTime (YYYY-MM-DDThh:mm:ss+zz:zz or a partial date)",
            "instant" => "a FHIR instant (YYYY-MM-DDThh:mm:ss.sss+zz:zz)",
            "code" => "a code (no leading, trailing or double spaces)",
            "id" => "an id (1-64 letters, digits, '-' and '.')",
            _ => "",
        };
        let describe = |base: &str| {
            if what.is_empty() {
                format!("{base} ({})", p.name)
            } else {
                what.to_string()
            }
        };
        if !ok_type {
            let base = match p.json {
                "boolean" => "true or false",
                "number" => "a number",
                _ => "a string",
            };
            return Err(self.fail(describe(base), format!("{} {}", kind_of(v), show(v))));
        }
        if matches!(p.name.as_str(), "integer" | "positiveInt" | "unsignedInt")
            && !(v.is_i64() || v.is_u64())
        {
            return Err(self.fail(describe("a whole number"), show(v)));
        }
        if let (Some(s), Some(re)) = (v.as_str(), &p.pattern)
            && !re.is_match(s)
        {
            return Err(self.fail(describe("a value in the FHIR format"), show(v)));
        }
        if matches!(p.name.as_str(), "date" | "dateTime" | "instant")
            && let Some(s) = v.as_str()
            && s.len() >= 10
            && s[..10].parse::<jiff::civil::Date>().is_err()
        {
            return Err(self.fail(describe(""), format!("{s} (no such day)")));
        }
        Ok(())
    }
}
