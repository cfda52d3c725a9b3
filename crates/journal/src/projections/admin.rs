//! The organisation, services, staff, partners, contacts and sign-in accounts.

use super::*;

/// Apply one event of this area to its projections (routed here by `projections::apply`).
pub(crate) fn project(conn: &Connection, at: &At<'_>, ev: &Event) -> Result<(), JournalError> {
    match ev {
        Event::NodeEnrolled {
            node, public_key, ..
        } => {
            // The key, for checking its events (the table every node keeps of keys it has seen),
            // and the enrolment itself, for listing trusted nodes.
            exec(
                conn,
                "INSERT OR IGNORE INTO nodes (node_id, public_key, is_local) VALUES (?1, ?2, 0)",
                params![node, public_key],
            )?;
            // A node enrolled by several (each node that joined through the hub enrols the hub):
            // the enrolment by the lowest node id is kept, so every node lists the same one
            // whatever order the enrolments arrived in.
            exec(
                conn,
                "INSERT INTO p_nodes (node_id, enrolled_by, pos, doc) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (node_id) DO UPDATE SET enrolled_by = excluded.enrolled_by, pos = excluded.pos, doc = excluded.doc
                 WHERE excluded.enrolled_by < p_nodes.enrolled_by",
                params![node, at.node_id, at.pos, json(ev)],
            )?;
        }
        // Who is retired is read from the events themselves by the trust rule (`verify`).
        Event::NodeRetired { .. } => {}
        Event::OrgInitialised { name } => {
            exec(
                conn,
                "INSERT OR REPLACE INTO p_org (id, name) VALUES (1, ?1)",
                [name],
            )?;
        }
        Event::ServiceAdded(s) => {
            insert_unique(
                conn,
                ev,
                "INSERT INTO p_services (id, name, doc) VALUES (?1, ?2, ?3)",
                params![s.id.as_str(), s.name, json(s)],
                &format!("service {}", s.id),
            )?;
        }
        Event::StaffAdded(s) => {
            insert_unique(
                conn,
                ev,
                "INSERT INTO p_staff (id, name, role, partner, doc) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![
                    s.id.as_str(),
                    s.name,
                    s.role.as_str(),
                    s.partner.as_ref().map(|p| p.as_str()),
                    json(s)
                ],
                &format!("staff {}", s.id),
            )?;
        }
        Event::PartnerAdded(p) => {
            insert_unique(
                conn,
                ev,
                "INSERT INTO p_partners (id, name, doc) VALUES (?1, ?2, ?3)",
                params![p.id.as_str(), p.name, json(p)],
                &format!("partner {}", p.id),
            )?;
        }
        Event::ContactAdded(c) => {
            insert_unique(
                conn,
                ev,
                "INSERT INTO p_contacts (id, partner, doc) VALUES (?1, ?2, ?3)",
                params![c.id.as_str(), c.partner.as_str(), json(c)],
                &format!("contact {}", c.id),
            )?;
        }
        Event::AccountCreated {
            account,
            password_hash,
        } => {
            insert_unique(
                conn,
                ev,
                "INSERT INTO p_accounts (username, staff, password_hash, doc) VALUES (?1, ?2, ?3, ?4)",
                params![
                    account.username.as_str(),
                    account.staff.as_str(),
                    password_hash,
                    json(account)
                ],
                &format!("account {}", account.username),
            )?;
        }
        Event::PasswordChanged {
            username,
            password_hash,
            must_change_password,
        } => {
            let doc: Option<String> = conn
                .prepare_cached("SELECT doc FROM p_accounts WHERE username = ?1")?
                .query_row([username.as_str()], |r| r.get(0))
                .optional()?;
            let Some(doc) = doc else {
                return Err(rejected(ev, format!("no account {username}")));
            };
            let mut account: lantern_core::account::Account = serde_json::from_str(&doc)
                .map_err(|e| JournalError::corrupt(format!("account {username}"), e))?;
            account.must_change_password = *must_change_password;
            exec(
                conn,
                "UPDATE p_accounts SET password_hash = ?2, doc = ?3 WHERE username = ?1",
                params![username.as_str(), password_hash, json(&account)],
            )?;
        }
        _ => {}
    }
    Ok(())
}
