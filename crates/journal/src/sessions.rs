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
    /// When it was last used (RFC 3339; its creation until first used).
    pub last_seen: String,
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
            "INSERT INTO sessions (token_hash, username, csrf, created_at, expires_at, last_seen) VALUES (?1, ?2, ?3, ?4, ?5, ?4)",
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
            .prepare_cached("SELECT username, csrf, expires_at, COALESCE(last_seen, created_at) FROM sessions WHERE token_hash = ?1 AND expires_at > ?2")?
            .query_row(params![token_hash, now.to_string()], |r| {
                Ok(SessionRow { username: r.get(0)?, csrf: r.get(1)?, expires_at: r.get(2)?, last_seen: r.get(3)? })
            })
            .optional()?)
    }

    /// Note that a session was used now (the idle timeout counts from here).
    pub fn touch_session(
        &self,
        token_hash: &str,
        now: jiff::Timestamp,
    ) -> Result<(), JournalError> {
        self.conn.execute(
            "UPDATE sessions SET last_seen = ?2 WHERE token_hash = ?1",
            params![token_hash, now.to_string()],
        )?;
        Ok(())
    }

    /// Failed sign-ins under `key` at or after `since`.
    pub fn signin_failures(&self, key: &str, since: jiff::Timestamp) -> Result<u32, JournalError> {
        Ok(self
            .conn
            .prepare_cached("SELECT COUNT(*) FROM signin_failures WHERE key = ?1 AND at >= ?2")?
            .query_row(params![key, since.to_string()], |r| r.get(0))?)
    }

    /// Count a failed sign-in under each key (failures older than a day are forgotten).
    pub fn record_signin_failure(
        &self,
        keys: &[String],
        now: jiff::Timestamp,
    ) -> Result<(), JournalError> {
        let _writer = crate::write_lock();
        let day_ago = now
            .checked_sub(jiff::SignedDuration::from_hours(24))
            .unwrap_or(now);
        self.conn.execute(
            "DELETE FROM signin_failures WHERE at < ?1",
            [day_ago.to_string()],
        )?;
        for k in keys {
            self.conn.execute(
                "INSERT INTO signin_failures (key, at) VALUES (?1, ?2)",
                params![k, now.to_string()],
            )?;
        }
        Ok(())
    }

    /// Forget the failures under `key` (after a successful sign-in).
    pub fn clear_signin_failures(&self, key: &str) -> Result<(), JournalError> {
        self.conn
            .execute("DELETE FROM signin_failures WHERE key = ?1", [key])?;
        Ok(())
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
