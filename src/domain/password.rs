//! Editors' passwords: the strength rule for new ones, and argon2id hashing.
//!
//! Hashes are PHC strings with their parameters inside, so raising the cost later only
//! affects new hashes; old ones keep verifying.

use super::InvalidInput;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use std::sync::LazyLock;

pub const MIN_PASSWORD_CHARS: usize = 12;
/// Longer inputs only cost hashing time; no password manager needs more.
pub const MAX_PASSWORD_CHARS: usize = 256;
/// zxcvbn's "safely unguessable" band (score 3 of 4 means about 10^8 guesses and up).
const MIN_STRENGTH: zxcvbn::Score = zxcvbn::Score::Three;

/// argon2id with OWASP's first recommended setting: 19 MiB, two passes, one lane.
/// About 25 ms a verification on the 2-core development machine (see the ignored test
/// `measure_verification_time`): cheap for a sign-in, expensive for an offline guesser.
fn hasher() -> Argon2<'static> {
    let params = Params::new(19 * 1024, 2, 1, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Checks a new password against the length and strength rules. `context` holds words
/// the password must not lean on: the editor's e-mail address and name.
pub fn check_new_password(password: &str, context: &[&str]) -> Result<(), InvalidInput> {
    let chars = password.chars().count();
    if chars < MIN_PASSWORD_CHARS {
        return Err(InvalidInput::new(
            "password",
            format!("must be at least {MIN_PASSWORD_CHARS} characters long"),
        ));
    }
    if chars > MAX_PASSWORD_CHARS {
        return Err(InvalidInput::new(
            "password",
            format!("must be at most {MAX_PASSWORD_CHARS} characters long"),
        ));
    }
    let estimate = zxcvbn::zxcvbn(password, context);
    if estimate.score() < MIN_STRENGTH {
        let hint = estimate
            .feedback()
            .and_then(|f| {
                f.warning()
                    .map(|w| w.to_string())
                    .or_else(|| f.suggestions().first().map(|s| s.to_string()))
            })
            .unwrap_or_else(|| "Add a few more unrelated words.".to_owned());
        return Err(InvalidInput::new(
            "password",
            format!("is too easy to guess. {hint}"),
        ));
    }
    Ok(())
}

/// The PHC string of `password` with a fresh random salt.
pub fn hash_password(password: &str) -> String {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).expect("the operating system's random source failed");
    let salt = SaltString::encode_b64(&salt).expect("16 bytes are a valid salt");
    hasher()
        .hash_password(password.as_bytes(), &salt)
        .expect("argon2 accepts any password with valid parameters")
        .to_string()
}

/// Whether `password` matches the PHC string `hash`. A malformed hash never matches.
pub fn verify_password(password: &str, hash: &str) -> bool {
    match PasswordHash::new(hash) {
        Ok(parsed) => hasher()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok(),
        Err(_) => false,
    }
}

/// Verifies against a hash of a password nobody knows, so that a sign-in with an unknown
/// e-mail address takes as long as one with a wrong password.
pub fn verify_dummy(password: &str) -> bool {
    static DUMMY: LazyLock<String> =
        LazyLock::new(|| hash_password("dummy password that never signs anyone in"));
    let _ = verify_password(password, &DUMMY);
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_passwords_are_refused() {
        let e = check_new_password("Xk9#q2", &[]).unwrap_err();
        assert!(e.message.contains("12 characters"), "{e}");
    }

    #[test]
    fn long_but_guessable_passwords_are_refused() {
        assert!(check_new_password("passwordpassword", &[]).is_err());
        assert!(check_new_password("123456789012", &[]).is_err());
        assert!(
            check_new_password("anna.schmidt@example.org", &["anna.schmidt@example.org"]).is_err()
        );
    }

    #[test]
    fn unrelated_words_pass() {
        assert!(check_new_password("violet tractor harbour 42 sings", &[]).is_ok());
    }

    /// `cargo test --lib password -- --ignored --nocapture`: what one verification costs
    /// (argon2 is built with opt-level 3 even in debug builds, see Cargo.toml).
    #[test]
    #[ignore = "prints a timing; run by hand"]
    fn measure_verification_time() {
        let hash = hash_password("violet tractor harbour 42 sings");
        let runs = 20;
        let started = std::time::Instant::now();
        for _ in 0..runs {
            assert!(verify_password("violet tractor harbour 42 sings", &hash));
        }
        let each = started.elapsed() / runs;
        println!("argon2id m=19456 KiB, t=2, p=1: {each:?} per verification");
    }

    #[test]
    fn hashes_are_argon2id_phc_strings_that_verify() {
        let hash = hash_password("violet tractor harbour 42 sings");
        assert!(
            hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{hash}"
        );
        assert!(verify_password("violet tractor harbour 42 sings", &hash));
        assert!(!verify_password("violet tractor harbour 42 sing", &hash));
        assert!(!verify_password("anything", "not a hash"));
        assert_ne!(hash, hash_password("violet tractor harbour 42 sings"));
    }
}
