//! Web sessions: outside the journal by design (credentials in use, not records), keyed by a MAC
//! of the session token under a key derived from `node.key` ([`Journal::session_mac`]), so a copied
//! database gives no live session away and a forged row opens none.

use crate::{Journal, JournalError};
use rusqlite::{OptionalExtension, params};

/// A live session.
#[derive(Debug, Clone)]
pub struct SessionRow {
    /// The account.
    pub username: String,
    /// The session's CSRF token.
    pub csrf: String,
    /// When it expires (RFC 3339).
    pub expires_at: String,
}

impl Journal {
    /// What a session token is kept as: HMAC-SHA-256 keyed by a secret derived from this node's
    /// key, so a row written into `sessions` by someone who can edit the database but does not
    /// hold `node.key` opens nothing.
    pub fn session_mac(&self, token: &str) -> String {
        let key = self.identity.derived_key("session");
        hex::encode(crate::identity::hmac_sha256(&key, token.as_bytes()))
    }

    /// Store a new session.
    pub fn create_session(
        &self,
        token_hash: &str,
        username: &str,
        csrf: &str,
        now: jiff::Timestamp,
        expires_at: jiff::Timestamp,
    ) -> Result<(), JournalError> {
        self.conn.execute(
            "INSERT INTO sessions (token_hash, username, csrf, created_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![token_hash, username, csrf, now.to_string(), expires_at.to_string()],
        )?;
        // Housekeeping: expired sessions go.
        self.conn.execute(
            "DELETE FROM sessions WHERE expires_at < ?1",
            [now.to_string()],
        )?;
        Ok(())
    }

    /// A session by token hash, if it exists and has not expired.
    pub fn session(
        &self,
        token_hash: &str,
        now: jiff::Timestamp,
    ) -> Result<Option<SessionRow>, JournalError> {
        Ok(self
            .conn
            .prepare_cached("SELECT username, csrf, expires_at FROM sessions WHERE token_hash = ?1 AND expires_at > ?2")?
            .query_row(params![token_hash, now.to_string()], |r| {
                Ok(SessionRow { username: r.get(0)?, csrf: r.get(1)?, expires_at: r.get(2)? })
            })
            .optional()?)
    }

    /// End a session.
    pub fn delete_session(&self, token_hash: &str) -> Result<(), JournalError> {
        self.conn
            .execute("DELETE FROM sessions WHERE token_hash = ?1", [token_hash])?;
        Ok(())
    }

    /// End every session of an account (after a password change).
    pub fn delete_sessions_of(
        &self,
        username: &str,
        except: Option<&str>,
    ) -> Result<(), JournalError> {
        self.conn.execute(
            "DELETE FROM sessions WHERE username = ?1 AND token_hash IS NOT ?2",
            params![username, except],
        )?;
        Ok(())
    }
}
