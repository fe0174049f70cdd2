//! What people type into the search box: words, "quoted phrases", -exclusions and
//! `or` between alternatives.

/// One part of a search: a word, or words that must appear together in that order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Part {
    Word(String),
    Phrase(String),
}

/// A search box's text, taken apart. Each required group must match (any one of its
/// alternatives); no excluded part may.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SearchWords {
    pub required: Vec<Vec<Part>>,
    pub excluded: Vec<Part>,
}

impl SearchWords {
    /// Reads `text`: `"..."` is a phrase, a leading `-` excludes a word or phrase, `or`
    /// between two parts makes them alternatives. An unclosed quote runs to the end; a
    /// `-` inside a word ("front-end") is part of it.
    pub fn parse(text: &str) -> Self {
        let mut words = Self::default();
        let mut parts: Vec<(bool, Part)> = Vec::new();
        let mut rest = text.trim_start();
        while !rest.is_empty() {
            let (exclude, body) = match rest.strip_prefix('-') {
                Some(after) if after.starts_with(|c: char| !c.is_whitespace() && c != '-') => {
                    (true, after)
                }
                _ => (false, rest),
            };
            let (part, after) = if let Some(quoted) = body.strip_prefix('"') {
                let end = quoted.find('"').unwrap_or(quoted.len());
                let phrase = quoted[..end].trim();
                let after = quoted.get(end + 1..).unwrap_or("");
                (
                    (!phrase.is_empty()).then(|| Part::Phrase(phrase.to_owned())),
                    after,
                )
            } else {
                let end = body.find(char::is_whitespace).unwrap_or(body.len());
                let word = &body[..end];
                let word = word.trim_matches('"');
                (
                    (!word.is_empty()).then(|| Part::Word(word.to_owned())),
                    &body[end..],
                )
            };
            if let Some(part) = part {
                parts.push((exclude, part));
            }
            rest = after.trim_start();
        }
        let mut alternative = false;
        for (at, (exclude, part)) in parts.iter().enumerate() {
            let is_or = !exclude && matches!(part, Part::Word(w) if w.eq_ignore_ascii_case("or"));
            let between = at > 0
                && !words.required.is_empty()
                && !parts[at - 1].0
                && parts.get(at + 1).is_some_and(|(excluded, _)| !excluded);
            if is_or && between {
                alternative = true;
                continue;
            }
            match (exclude, words.required.last_mut()) {
                (true, _) => words.excluded.push(part.clone()),
                (false, Some(group)) if alternative => group.push(part.clone()),
                (false, _) => words.required.push(vec![part.clone()]),
            }
            alternative = false;
        }
        words
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn word(w: &str) -> Part {
        Part::Word(w.to_owned())
    }

    #[test]
    fn words_phrases_and_exclusions() {
        let parsed = SearchWords::parse(r#"senior "machine learning" -php -"team lead" rust"#);
        assert_eq!(
            parsed.required,
            [
                vec![word("senior")],
                vec![Part::Phrase("machine learning".to_owned())],
                vec![word("rust")]
            ]
        );
        assert_eq!(
            parsed.excluded,
            [word("php"), Part::Phrase("team lead".to_owned())]
        );
    }

    #[test]
    fn or_makes_alternatives() {
        assert_eq!(
            SearchWords::parse("kafka OR react berlin").required,
            [vec![word("kafka"), word("react")], vec![word("berlin")]]
        );
        assert_eq!(
            SearchWords::parse("a or b or c").required,
            [vec![word("a"), word("b"), word("c")]]
        );
        // Not between two parts: a plain word.
        assert_eq!(
            SearchWords::parse("or rust").required,
            [vec![word("or")], vec![word("rust")]]
        );
        assert_eq!(
            SearchWords::parse("rust or").required,
            [vec![word("rust")], vec![word("or")]]
        );
    }

    #[test]
    fn odd_input_is_read_kindly() {
        assert_eq!(
            SearchWords::parse("front-end").required,
            [vec![word("front-end")]]
        );
        assert_eq!(
            SearchWords::parse("- rust").required,
            [vec![word("-")], vec![word("rust")]]
        );
        assert_eq!(
            SearchWords::parse(r#""unclosed phrase"#).required,
            [vec![Part::Phrase("unclosed phrase".to_owned())]]
        );
        assert_eq!(SearchWords::parse(r#""" "#), SearchWords::default());
        assert_eq!(
            SearchWords::parse("c# --x").required,
            [vec![word("c#")], vec![word("--x")]]
        );
    }
}
