//! How text becomes index terms, the same for jobs and for search words, so both sides
//! always agree.
//!
//! Developers write technology names with punctuation a plain word splitter loses:
//! `C++`, `C#`, `F#`, `.NET`, `Node.js`. These become whole terms (`cpp`, `csharp`,
//! `fsharp`, `dotnet`, `nodejs`), so `c#` never matches `c` or `c++`. Letters are
//! lower-cased and accents dropped (`München` → `munchen`). Prose is stemmed for English
//! (`developers` → `develop`); names (companies, places) are not, but their German
//! transliterations fold too (`Muenchen` → `munchen`), which would conflate English
//! words if done to prose (`goes` would meet `Go`).

use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

/// The two ways text is analysed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Analysis {
    /// Titles, descriptions, technologies: English stemming.
    Prose,
    /// Companies and places: no stemming, German transliterations folded.
    Name,
}

impl Analysis {
    /// The tokenizer's name in the index.
    pub fn tokenizer_name(self) -> &'static str {
        match self {
            Self::Prose => "jobboard_prose",
            Self::Name => "jobboard_name",
        }
    }
}

/// The terms of `text`, in order.
pub fn terms(text: &str, analysis: Analysis) -> Vec<String> {
    let stemmer = frostem::Stemmer::new(frostem::Algorithm::English);
    split(text)
        .into_iter()
        .map(|(word, _, _)| finish(word, analysis, &stemmer))
        .collect()
}

/// Whole words with their byte range in `text`, lower-cased and without accents, the
/// punctuated technology names already joined.
fn split(text: &str) -> Vec<(String, usize, usize)> {
    let mut words = Vec::new();
    let mut current = String::new();
    let mut start = 0;
    let mut chars = text.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        if c.is_alphanumeric() {
            if current.is_empty() {
                start = at;
            }
            fold_char(c, &mut current);
            continue;
        }
        let rest = &text[at..];
        if !current.is_empty() {
            // "C++", "C#", "F#": the sign belongs to the word.
            if let Some(after) = rest.strip_prefix("++") {
                if !after.starts_with(|n: char| n.is_alphanumeric()) {
                    current.push_str("pp");
                    chars.next();
                    chars.next();
                    words.push((std::mem::take(&mut current), start, at + 2));
                    continue;
                }
            } else if let Some(after) = rest.strip_prefix('#')
                && !after.starts_with(|n: char| n.is_alphanumeric())
            {
                current.push_str("sharp");
                chars.next();
                words.push((std::mem::take(&mut current), start, at + 1));
                continue;
            }
            // "Node.js", "Vue.js": one word.
            if let Some(after) = rest.strip_prefix('.')
                && after.len() >= 2
                && after[..2].eq_ignore_ascii_case("js")
                && !after[2..].starts_with(|n: char| n.is_alphanumeric())
            {
                current.push_str("js");
                chars.next();
                chars.next();
                chars.next();
                words.push((std::mem::take(&mut current), start, at + 3));
                continue;
            }
            words.push((std::mem::take(&mut current), start, at));
        }
        // ".NET" standing alone or after a word ("ASP.NET").
        if c == '.'
            && let Some(after) = rest.strip_prefix('.')
            && after.len() >= 3
            && after[..3].eq_ignore_ascii_case("net")
            && !after[3..].starts_with(|n: char| n.is_alphanumeric())
        {
            chars.next();
            chars.next();
            chars.next();
            words.push(("dotnet".to_owned(), at, at + 4));
            continue;
        }
    }
    if !current.is_empty() {
        words.push((current, start, text.len()));
    }
    words
}

/// Pushes `c` lower-cased and without its accent.
fn fold_char(c: char, into: &mut String) {
    let folded = match c {
        'ä' | 'Ä' | 'à' | 'á' | 'â' | 'ã' | 'å' | 'À' | 'Á' | 'Â' | 'Ã' | 'Å' => 'a',
        'ö' | 'Ö' | 'ò' | 'ó' | 'ô' | 'õ' | 'ø' | 'Ò' | 'Ó' | 'Ô' | 'Õ' | 'Ø' => 'o',
        'ü' | 'Ü' | 'ù' | 'ú' | 'û' | 'Ù' | 'Ú' | 'Û' => 'u',
        'é' | 'è' | 'ê' | 'ë' | 'É' | 'È' | 'Ê' | 'Ë' => 'e',
        'í' | 'ì' | 'î' | 'ï' | 'Í' | 'Ì' | 'Î' | 'Ï' => 'i',
        'ç' | 'Ç' => 'c',
        'ñ' | 'Ñ' => 'n',
        'ß' => {
            into.push_str("ss");
            return;
        }
        _ => {
            into.extend(c.to_lowercase());
            return;
        }
    };
    into.push(folded);
}

/// The term for one split word.
fn finish(word: String, analysis: Analysis, stemmer: &frostem::Stemmer) -> String {
    match analysis {
        Analysis::Prose => {
            // Version numbers and names like "k8s" are not English words.
            if word.bytes().any(|b| b.is_ascii_digit()) || !word.is_ascii() {
                word
            } else {
                stemmer.stem(&word).into_owned()
            }
        }
        Analysis::Name => {
            if word.contains("ae") || word.contains("oe") || word.contains("ue") {
                word.replace("ae", "a")
                    .replace("oe", "o")
                    .replace("ue", "u")
            } else {
                word
            }
        }
    }
}

/// The tokenizer registered with the index for one [`Analysis`].
#[derive(Clone)]
pub struct JobTokenizer {
    analysis: Analysis,
    stemmer: std::sync::Arc<frostem::Stemmer>,
    /// Terms of the words seen lately. Job texts share most of their words, and
    /// stemming one costs more than looking it up; each indexing thread has its own
    /// copy of the tokenizer, so no lock.
    seen: std::collections::HashMap<String, String>,
}

/// Past this many words [`JobTokenizer::seen`] starts afresh.
const SEEN_WORDS: usize = 50_000;

impl JobTokenizer {
    pub fn new(analysis: Analysis) -> Self {
        Self {
            analysis,
            stemmer: std::sync::Arc::new(frostem::Stemmer::new(frostem::Algorithm::English)),
            seen: std::collections::HashMap::new(),
        }
    }

    fn term(&mut self, word: String) -> String {
        if let Some(term) = self.seen.get(&word) {
            return term.clone();
        }
        if self.seen.len() >= SEEN_WORDS {
            self.seen.clear();
        }
        let term = finish(word.clone(), self.analysis, &self.stemmer);
        self.seen.insert(word, term.clone());
        term
    }
}

/// The tokens of one text, analysed up front: job texts are short enough.
pub struct JobTokenStream {
    tokens: Vec<Token>,
    next: usize,
}

impl Tokenizer for JobTokenizer {
    type TokenStream<'a> = JobTokenStream;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> JobTokenStream {
        let tokens = split(text)
            .into_iter()
            .enumerate()
            .map(|(position, (word, from, to))| Token {
                offset_from: from,
                offset_to: to,
                position,
                text: self.term(word),
                position_length: 1,
            })
            .collect();
        JobTokenStream { tokens, next: 0 }
    }
}

impl TokenStream for JobTokenStream {
    fn advance(&mut self) -> bool {
        self.next += 1;
        self.next <= self.tokens.len()
    }

    fn token(&self) -> &Token {
        &self.tokens[self.next - 1]
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.tokens[self.next - 1]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn prose(text: &str) -> Vec<String> {
        terms(text, Analysis::Prose)
    }

    fn name(text: &str) -> Vec<String> {
        terms(text, Analysis::Name)
    }

    #[test]
    fn technology_names_with_signs_stay_whole() {
        assert_eq!(
            prose("C++ and C# or F#"),
            ["cpp", "and", "csharp", "or", "fsharp"]
        );
        assert_eq!(prose("c"), ["c"]);
        assert_eq!(prose(".NET developer"), ["dotnet", "develop"]);
        assert_eq!(prose("ASP.NET Core"), ["asp", "dotnet", "core"]);
        assert_eq!(prose("Node.js, Vue.js"), ["nodej", "vuej"]);
        assert_eq!(prose("node.js"), prose("Node.js"));
        assert_eq!(prose("Go"), ["go"]);
    }

    #[test]
    fn sentence_punctuation_is_not_a_technology() {
        assert_eq!(
            prose("We use C. Also Rust."),
            ["we", "use", "c", "also", "rust"]
        );
        assert_eq!(prose("version 3.11"), ["version", "3", "11"]);
        assert_eq!(prose("C#-heavy"), ["csharp", "heavi"]);
    }

    #[test]
    fn english_words_are_stemmed() {
        assert_eq!(prose("Developers developing"), ["develop", "develop"]);
        assert_eq!(prose("kubernets"), prose("Kubernetes"));
    }

    #[test]
    fn umlauts_and_transliterations_fold_in_names() {
        assert_eq!(name("München"), ["munchen"]);
        assert_eq!(name("Muenchen"), ["munchen"]);
        assert_eq!(name("munchen"), ["munchen"]);
        assert_eq!(name("Düsseldorf"), name("Duesseldorf"));
        assert_eq!(name("Straße"), ["strasse"]);
        assert_eq!(prose("München"), ["munchen"]);
    }

    #[test]
    fn offsets_point_into_the_text() {
        let text = "Senior C# Dev in Köln";
        let mut tokenizer = JobTokenizer::new(Analysis::Name);
        let mut stream = tokenizer.token_stream(text);
        let mut seen = Vec::new();
        while stream.advance() {
            let t = stream.token();
            seen.push((text[t.offset_from..t.offset_to].to_owned(), t.position));
        }
        assert_eq!(
            seen,
            [
                ("Senior".to_owned(), 0),
                ("C#".to_owned(), 1),
                ("Dev".to_owned(), 2),
                ("in".to_owned(), 3),
                ("Köln".to_owned(), 4)
            ]
        );
    }
}
