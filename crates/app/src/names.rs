//! Names for people: what the journal records as identifiers (`staff:s-emma-clarke`,
//! `riverside-homecare`, `p-0031`, `rota-tool`, `local:demo`) as a reader knows them. Two people
//! sharing a name are told apart by birth date.

use crate::{App, AppError};
use std::collections::{BTreeMap, HashMap};

/// Every name the organisation's records use, read once.
#[derive(Debug, Clone, Default)]
pub struct Names {
    staff: HashMap<String, String>,
    people: HashMap<String, String>,
    services: HashMap<String, String>,
    dependencies: HashMap<String, String>,
    partners: HashMap<String, String>,
}

impl Names {
    /// Who an actor is: `staff:ID` as the member of staff's name, `local:USER` as that user of
    /// this machine, anything else as it is.
    pub fn actor(&self, actor: &str) -> String {
        if let Some(id) = actor.strip_prefix("staff:") {
            return self.staff(id);
        }
        if let Some(user) = actor.strip_prefix("local:") {
            return if user == "demo" {
                "the demo set-up".to_string()
            } else {
                format!("{user} (on this machine)")
            };
        }
        named(&self.staff, actor)
    }

    /// A member of staff's name (their id when unknown).
    pub fn staff(&self, id: &str) -> String {
        named(&self.staff, id)
    }

    /// A person's name, with their birth date when another person shares it.
    pub fn person(&self, id: &str) -> String {
        named(&self.people, id)
    }

    /// A service's name.
    pub fn service(&self, id: &str) -> String {
        named(&self.services, id)
    }

    /// A dependency's name.
    pub fn dependency(&self, id: &str) -> String {
        named(&self.dependencies, id)
    }

    /// A partner organisation's name.
    pub fn partner(&self, id: &str) -> String {
        named(&self.partners, id)
    }

    /// Several ids as names, joined with commas.
    pub fn list<'a>(
        &self,
        ids: impl IntoIterator<Item = &'a str>,
        f: fn(&Self, &str) -> String,
    ) -> String {
        ids.into_iter()
            .map(|i| f(self, i))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// `text` with every actor and identifier this organisation uses replaced by its name: for
    /// text written for people that was put together from stored records. Only what looks like
    /// an identifier (`staff:…`, `local:…`, or a word with a hyphen such as `p-0031` or
    /// `riverside-homecare`) is replaced: a plain word is left as written.
    pub fn humanise(&self, text: &str) -> String {
        let mut out = String::with_capacity(text.len());
        let mut word = String::new();
        let flush = |word: &mut String, out: &mut String| {
            if !word.is_empty() {
                out.push_str(&self.token(word));
                word.clear();
            }
        };
        for c in text.chars() {
            if c.is_ascii_alphanumeric() || c == '-' || c == ':' {
                word.push(c);
            } else {
                flush(&mut word, &mut out);
                out.push(c);
            }
        }
        flush(&mut word, &mut out);
        out
    }

    fn token(&self, word: &str) -> String {
        // A trailing colon is punctuation ("by staff:s-x:"), not part of the id.
        let (core, tail) = match word.strip_suffix(':') {
            Some(c) => (c, ":"),
            None => (word, ""),
        };
        let named = if core.starts_with("staff:") || core.starts_with("local:") {
            Some(self.actor(core))
        } else if !core.contains('-') {
            // A plain word ("email", "devices") is what someone wrote, even where a dependency
            // has that id: text people typed is never reworded. Only identifiers are named.
            None
        } else {
            self.staff
                .get(core)
                .or_else(|| self.people.get(core))
                .or_else(|| self.services.get(core))
                .or_else(|| self.dependencies.get(core))
                .cloned()
        };
        match named {
            Some(n) => format!("{n}{tail}"),
            None => word.to_string(),
        }
    }
}

/// The name `names` holds for `id`, else the id itself.
fn named(names: &HashMap<String, String>, id: &str) -> String {
    names.get(id).cloned().unwrap_or_else(|| id.to_string())
}

impl App {
    /// The names of the staff, services and dependencies the organisation's records mention,
    /// and with `people`, of everyone supported (a read of every person: for documents, not for
    /// every page).
    pub fn names(&self, people: bool) -> Result<Names, AppError> {
        let mut names = Names::default();
        for s in self.journal.staff()? {
            names.staff.insert(s.id.to_string(), s.name);
        }
        for s in self.journal.services()? {
            names.services.insert(s.id.to_string(), s.name);
        }
        for d in self.journal.dependency_register()? {
            names.dependencies.insert(d.id.to_string(), d.name);
        }
        for p in self.journal.partners()? {
            names.partners.insert(p.id.to_string(), p.name);
        }
        if !people {
            return Ok(names);
        }
        let people = self.journal.people(None)?;
        let mut by_name: BTreeMap<String, usize> = BTreeMap::new();
        for p in &people {
            *by_name.entry(p.display_name()).or_default() += 1;
        }
        for p in people {
            let name = p.display_name();
            let shown = if by_name.get(&name).copied().unwrap_or(0) > 1 {
                format!("{name} (born {})", p.date_of_birth.strftime("%-d %b %Y"))
            } else {
                name
            };
            names.people.insert(p.id.to_string(), shown);
        }
        Ok(names)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_in_text_become_names_and_nothing_else_changes() {
        let mut n = Names::default();
        n.staff.insert("s-emma-clarke".into(), "Emma Clarke".into());
        n.people
            .insert("p-0031".into(), "Ann Lee (born 2 Mar 1941)".into());
        n.services
            .insert("riverside-homecare".into(), "Riverside Homecare".into());
        assert_eq!(
            n.humanise("Wed 2 Dec 2026 04:22 by staff:s-emma-clarke: p-0031 at riverside-homecare; p-00310 stays"),
            "Wed 2 Dec 2026 04:22 by Emma Clarke: Ann Lee (born 2 Mar 1941) at Riverside Homecare; p-00310 stays"
        );
        assert_eq!(n.actor("local:demo"), "the demo set-up");
        // A dependency whose id is a plain word: what people wrote keeps that word.
        n.dependencies
            .insert("devices".into(), "Care worker tablets".into());
        n.dependencies
            .insert("rota-tool".into(), "Rota platform".into());
        assert_eq!(
            n.humanise("Spare devices used; rota-tool down"),
            "Spare devices used; Rota platform down"
        );
        assert_eq!(n.actor("staff:s-unknown"), "s-unknown");
    }
}
