//! Accounts, passwords (argon2id), sign-in and sessions.

use crate::{Actor, App, AppError};
use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use jiff::{SignedDuration, Timestamp};
use lantern_core::FieldError;
use lantern_core::account::{Account, Username, check_password_policy};
use lantern_core::event::Event;
use lantern_core::org::Staff;
use lantern_core::role::Role;
use lantern_journal::NewEvent;

/// How long a session lasts: a long shift.
pub const SESSION_HOURS: i64 = 14;

/// A signed-in user: their account, the member of staff it belongs to, and the session's CSRF token.
#[derive(Debug, Clone)]
pub struct SignedIn {
    /// The account.
    pub account: Account,
    /// The member of staff (whose role decides what they may do).
    pub staff: Staff,
    /// The session's CSRF token, to embed in forms.
    pub csrf: String,
    /// How far behind its peers this node is, for the foot of every page (none when alone).
    pub freshness: Option<String>,
}

impl SignedIn {
    /// As an actor for use cases.
    pub fn actor(&self) -> Actor {
        Actor::Staff(self.staff.clone())
    }
}

fn random_hex(bytes: usize) -> Result<String, AppError> {
    let mut b = vec![0u8; bytes];
    getrandom::fill(&mut b)
        .map_err(|e| AppError::Forbidden(format!("no randomness available: {e}")))?;
    Ok(hex::encode(b))
}

/// A one-time password: 16 characters from an alphabet without look-alikes.
fn one_time_password() -> Result<String, AppError> {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyzACDEFGHJKLMNPQRTUVWXY346789";
    let mut b = [0u8; 16];
    getrandom::fill(&mut b)
        .map_err(|e| AppError::Forbidden(format!("no randomness available: {e}")))?;
    Ok(b.iter()
        .map(|x| ALPHABET[*x as usize % ALPHABET.len()] as char)
        .collect())
}

/// Hash a password with argon2id and a random salt, as a PHC string.
pub fn hash_password(password: &str) -> Result<String, AppError> {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt)
        .map_err(|e| AppError::Forbidden(format!("no randomness available: {e}")))?;
    let salt = SaltString::encode_b64(&salt).map_err(|e| AppError::Forbidden(e.to_string()))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| AppError::Forbidden(format!("could not hash the password: {e}")))
}

fn verify_password(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc).is_ok_and(|h| {
        Argon2::default()
            .verify_password(password.as_bytes(), &h)
            .is_ok()
    })
}

/// Failed sign-ins for one account from one address before that pair is paused.
pub const FAILURES_PER_ADDRESS: u32 = 5;
/// Failed sign-ins for one account from anywhere (or for unknown names from one address) before
/// it is paused.
pub const FAILURES_PER_ACCOUNT: u32 = 20;
/// How long failures count.
pub const THROTTLE_MINUTES: i64 = 15;
/// The idle timeout when `LANTERN_IDLE_MINUTES` does not say (minutes).
pub const DEFAULT_IDLE_MINUTES: i64 = 30;

/// The idle timeout: `LANTERN_IDLE_MINUTES` (5 to 720), else [`DEFAULT_IDLE_MINUTES`].
pub fn idle_minutes() -> i64 {
    static IDLE: std::sync::OnceLock<i64> = std::sync::OnceLock::new();
    *IDLE.get_or_init(|| {
        std::env::var("LANTERN_IDLE_MINUTES")
            .ok()
            .and_then(|v| v.trim().parse().ok())
            .filter(|m| (5..=720).contains(m))
            .unwrap_or(DEFAULT_IDLE_MINUTES)
    })
}

impl App {
    /// Create an account for a member of staff; returns the account and a one-time password that
    /// must be changed at first sign-in. Only an admin (or the local operator) may.
    pub fn create_account(
        &mut self,
        actor: &Actor,
        username: &str,
        staff: &str,
    ) -> Result<(Account, String), AppError> {
        actor.require(|r| r == Role::Admin, "create accounts")?;
        let username = Username::parse(username)?;
        let rec = format!("account {username}");
        let staff = self.journal.staff_member(staff)?.ok_or_else(|| {
            FieldError::new(
                &rec,
                "staff",
                "an existing member of staff (see `lantern staff list`)",
                staff,
            )
        })?;
        if self.journal.account(username.as_str())?.is_some() {
            return Err(FieldError::new(
                &rec,
                "username",
                "a sign-in name not already in use",
                username.as_str(),
            )
            .into());
        }
        let password = one_time_password()?;
        let account = Account {
            username,
            staff: staff.id,
            must_change_password: true,
            disabled: false,
        };
        let ev = Event::AccountCreated {
            account: account.clone(),
            password_hash: hash_password(&password)?,
        };
        self.journal
            .append(NewEvent::now(actor.journal_name(), ev), self.now())?;
        Ok((account, password))
    }

    /// Set an account's password directly (demo accounts, tests). Does not require a change.
    pub fn set_password(
        &mut self,
        actor: &Actor,
        username: &str,
        password: &str,
        must_change: bool,
    ) -> Result<(), AppError> {
        actor.require(|r| r == Role::Admin, "set passwords")?;
        let username = Username::parse(username)?;
        if self.journal.account(username.as_str())?.is_none() {
            return Err(AppError::not_found("account", username.as_str(), ""));
        }
        check_password_policy(username.as_str(), password)?;
        let ev = Event::PasswordChanged {
            username,
            password_hash: hash_password(password)?,
            must_change_password: must_change,
        };
        self.journal
            .append(NewEvent::now(actor.journal_name(), ev), self.now())?;
        Ok(())
    }

    /// Check a sign-in name and password; on success start a session and return its token.
    /// Failure says only that the name or password is wrong, and takes as long either way.
    /// Sign in from a source address, throttled in the database (so a restart does not reset
    /// it): five failures for one account from one address pause that pair; twenty for one
    /// account from anywhere pause that account; twenty for names that are no account from one
    /// address pause those. A different account is never locked out by someone else's failures.
    pub fn sign_in_from(
        &self,
        username: &str,
        password: &str,
        source: &str,
    ) -> Result<(String, SignedIn), AppError> {
        let name = username.trim().to_ascii_lowercase();
        let known = Username::parse(&name)
            .ok()
            .map(|u| self.journal.account(u.as_str()))
            .transpose()?
            .flatten()
            .is_some();
        let pair = format!("pair:{name}|{source}");
        let account = format!("account:{name}");
        let unknown = format!("unknown-names:{source}");
        let since = self
            .now()
            .checked_sub(SignedDuration::from_mins(THROTTLE_MINUTES))
            .unwrap_or(self.now());
        let over = |key: &str, limit: u32| -> Result<bool, AppError> {
            Ok(self.journal.signin_failures(key, since)? >= limit)
        };
        let paused = if known {
            over(&pair, FAILURES_PER_ADDRESS)? || over(&account, FAILURES_PER_ACCOUNT)?
        } else {
            over(&unknown, FAILURES_PER_ACCOUNT)?
        };
        if paused {
            return Err(AppError::Throttled(format!(
                "too many failed sign-ins: wait {THROTTLE_MINUTES} minutes, or ask an administrator"
            )));
        }
        match self.sign_in(username, password) {
            Ok(ok) => {
                self.journal.clear_signin_failures(&pair)?;
                Ok(ok)
            }
            Err(e) => {
                let keys = if known {
                    vec![pair, account]
                } else {
                    vec![unknown]
                };
                self.journal.record_signin_failure(&keys, self.now())?;
                Err(e)
            }
        }
    }

    /// Sign in (no throttle: see [`App::sign_in_from`]).
    pub fn sign_in(&self, username: &str, password: &str) -> Result<(String, SignedIn), AppError> {
        const DUMMY: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$3C8Jv0Yv2x1r0p7V3yqz2lHq5GZ6wE0uH1yJXbJ9Q8M";
        let wrong = || AppError::Unauthenticated("the sign-in name or password is wrong".into());
        let account = Username::parse(username)
            .ok()
            .map(|u| self.journal.account(u.as_str()))
            .transpose()?
            .flatten();
        let Some((account, hash)) = account else {
            let _ = verify_password(password, DUMMY);
            return Err(wrong());
        };
        if !verify_password(password, &hash) || account.disabled {
            return Err(wrong());
        }
        let staff = self
            .journal
            .staff_member(account.staff.as_str())?
            .ok_or_else(|| AppError::not_found("staff member", account.staff.as_str(), ""))?;
        let token = random_hex(32)?;
        let csrf = random_hex(32)?;
        let now = self.now();
        let expires = now
            .checked_add(SignedDuration::from_hours(SESSION_HOURS))
            .unwrap_or(Timestamp::MAX);
        self.journal.create_session(
            &self.journal.session_mac(&token),
            account.username.as_str(),
            &csrf,
            now,
            expires,
        )?;
        Ok((
            token,
            SignedIn {
                account,
                staff,
                csrf,
                freshness: self.freshness_line(),
            },
        ))
    }

    /// The signed-in user for a session token, if the session is live; the request counts as
    /// the person's activity (see [`App::session_seen`]).
    pub fn session(&self, token: &str) -> Result<Option<SignedIn>, AppError> {
        self.session_seen(token, true)
    }

    /// The signed-in user for a session token, if the session is live. Only what a person does
    /// (`by_person`) keeps a session from its idle timeout: a page refreshing itself in the
    /// background on a PC left signed in must not keep it open for ever.
    pub fn session_seen(&self, token: &str, by_person: bool) -> Result<Option<SignedIn>, AppError> {
        let mac = self.journal.session_mac(token);
        let Some(row) = self.journal.session(&mac, self.now())? else {
            return Ok(None);
        };
        // Idle too long: the session ends (a shared office PC left signed in).
        let last: Timestamp = row.last_seen.parse().unwrap_or(Timestamp::UNIX_EPOCH);
        let idle = self.now().duration_since(last);
        if idle > SignedDuration::from_mins(idle_minutes()) {
            self.journal.delete_session(&mac)?;
            return Ok(None);
        }
        if by_person && idle > SignedDuration::from_secs(60) {
            self.journal.touch_session(&mac, self.now())?;
        }
        let Some((account, _)) = self.journal.account(&row.username)? else {
            return Ok(None);
        };
        let Some(staff) = self.journal.staff_member(account.staff.as_str())? else {
            return Ok(None);
        };
        Ok(Some(SignedIn {
            account,
            staff,
            csrf: row.csrf,
            freshness: self.freshness_line(),
        }))
    }

    /// End a session.
    pub fn sign_out(&self, token: &str) -> Result<(), AppError> {
        Ok(self
            .journal
            .delete_session(&self.journal.session_mac(token))?)
    }

    /// Change one's own password (the current one is required); ends the account's other sessions.
    pub fn change_password(
        &mut self,
        who: &SignedIn,
        token: &str,
        current: &str,
        new: &str,
        confirm: &str,
    ) -> Result<(), AppError> {
        let username = who.account.username.clone();
        let rec = format!("account {username}");
        let Some((_, hash)) = self.journal.account(username.as_str())? else {
            return Err(AppError::not_found("account", username.as_str(), ""));
        };
        if !verify_password(current, &hash) {
            return Err(
                FieldError::new(&rec, "current", "your current password", "(hidden)").into(),
            );
        }
        check_password_policy(username.as_str(), new).map_err(|e| e.with_field("new"))?;
        if new != confirm {
            return Err(FieldError::new(
                &rec,
                "confirm",
                "the same new password twice",
                "(hidden)",
            )
            .into());
        }
        if current == new {
            return Err(FieldError::new(
                &rec,
                "new",
                "a password different from the current one",
                "(hidden)",
            )
            .into());
        }
        let ev = Event::PasswordChanged {
            username: username.clone(),
            password_hash: hash_password(new)?,
            must_change_password: false,
        };
        self.journal
            .append(NewEvent::now(who.actor().journal_name(), ev), self.now())?;
        self.journal
            .delete_sessions_of(username.as_str(), Some(&self.journal.session_mac(token)))?;
        Ok(())
    }
}
