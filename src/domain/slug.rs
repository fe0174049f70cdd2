//! URL slugs: the readable, unique part of a page's address.

use super::InvalidInput;
use std::fmt;

/// The longest slug we accept; the database enforces the same limit.
pub const MAX_SLUG_LEN: usize = 120;

/// A valid slug: lowercase ASCII letters and digits in groups joined by single hyphens.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Slug(String);

impl Slug {
    /// Accepts a slug exactly as it appears in a URL; anything else is rejected, so a
    /// `Slug` that exists can go into a query or a link without further checks.
    pub fn parse(raw: impl Into<String>) -> Result<Self, InvalidInput> {
        let raw = raw.into();
        if raw.is_empty() || raw.len() > MAX_SLUG_LEN {
            return Err(InvalidInput::new(
                "slug",
                format!("must be 1 to {MAX_SLUG_LEN} characters long"),
            ));
        }
        let well_formed = raw.split('-').all(|part| {
            !part.is_empty()
                && part
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        });
        if !well_formed {
            return Err(InvalidInput::new(
                "slug",
                "may only contain a-z, 0-9 and single hyphens between them",
            ));
        }
        Ok(Self(raw))
    }

    /// Makes a slug from free text ("Köln" → "koeln", "C++ Developer" → "cplusplus-developer").
    /// German letters are transliterated the way Germans write them without umlauts.
    pub fn from_text(text: &str) -> Result<Self, InvalidInput> {
        let mut out = String::with_capacity(text.len());
        let mut pending_hyphen = false;
        for ch in text.chars().flat_map(char::to_lowercase) {
            let piece: Option<&str> = match ch {
                'ä' => Some("ae"),
                'ö' => Some("oe"),
                'ü' => Some("ue"),
                'ß' => Some("ss"),
                'é' | 'è' | 'ê' => Some("e"),
                'á' | 'à' | 'â' => Some("a"),
                'ó' | 'ò' | 'ô' => Some("o"),
                '+' => Some("plus"),
                '#' => Some("sharp"),
                _ => None,
            };
            if let Some(piece) = piece {
                if pending_hyphen && !out.is_empty() && ch != '+' && ch != '#' {
                    out.push('-');
                }
                pending_hyphen = false;
                out.push_str(piece);
            } else if ch.is_ascii_alphanumeric() {
                if pending_hyphen && !out.is_empty() {
                    out.push('-');
                }
                pending_hyphen = false;
                out.push(ch);
            } else {
                pending_hyphen = true;
            }
        }
        if out.len() > MAX_SLUG_LEN {
            out.truncate(MAX_SLUG_LEN);
            while out.ends_with('-') {
                out.pop();
            }
        }
        Self::parse(out)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

impl fmt::Display for Slug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for Slug {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_accepts_lowercase_words_joined_by_hyphens() {
        assert_eq!(
            Slug::parse("senior-rust-engineer-42").unwrap().as_str(),
            "senior-rust-engineer-42"
        );
    }

    #[test]
    fn parse_rejects_malformed_slugs() {
        for bad in [
            "",
            "-a",
            "a-",
            "a--b",
            "Upper",
            "ümlaut",
            "a b",
            "a/b",
            "a_b",
            &"a".repeat(121),
        ] {
            assert!(Slug::parse(bad).is_err(), "{bad:?} should be rejected");
        }
    }

    #[test]
    fn from_text_transliterates_german_letters() {
        assert_eq!(Slug::from_text("Köln").unwrap().as_str(), "koeln");
        assert_eq!(Slug::from_text("München").unwrap().as_str(), "muenchen");
        assert_eq!(Slug::from_text("Straße 1").unwrap().as_str(), "strasse-1");
        assert_eq!(
            Slug::from_text("Frankfurt am Main").unwrap().as_str(),
            "frankfurt-am-main"
        );
    }

    #[test]
    fn from_text_keeps_punctuated_technology_names_apart() {
        assert_eq!(Slug::from_text("C++").unwrap().as_str(), "cplusplus");
        assert_eq!(Slug::from_text("C#").unwrap().as_str(), "csharp");
        assert_eq!(
            Slug::from_text("Node.js Developer").unwrap().as_str(),
            "node-js-developer"
        );
        assert_eq!(
            Slug::from_text("  --Hello,   World!-- ").unwrap().as_str(),
            "hello-world"
        );
    }

    #[test]
    fn from_text_rejects_text_without_letters_or_digits() {
        assert!(Slug::from_text("!!!").is_err());
    }

    #[test]
    fn from_text_truncates_long_text_to_a_valid_slug() {
        let slug = Slug::from_text(&"word ".repeat(60)).unwrap();
        assert!(slug.as_str().len() <= MAX_SLUG_LEN);
        assert!(!slug.as_str().ends_with('-'));
    }
}
