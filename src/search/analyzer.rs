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
    let mut words = Splitter::new(text);
    let mut word = String::new();
    let mut terms = Vec::new();
    while words.next_word(&mut word).is_some() {
        terms.push(finish(word.clone(), analysis, &stemmer));
    }
    terms
}

/// Splits text into whole words, lower-cased and without accents, the punctuated
/// technology names joined, one word at a time into a buffer of the caller's: a million
/// job descriptions hold some 400 million words, and a string each cost more than the
/// rest of their analysis.
struct Splitter<'a> {
    text: &'a str,
    /// The byte where reading goes on.
    at: usize,
    /// A ".NET" met right where a word ended ("ASP.NET"): the word after it.
    dotnet: Option<(usize, usize)>,
}

impl<'a> Splitter<'a> {
    fn new(text: &'a str) -> Self {
        Self {
            text,
            at: 0,
            dotnet: None,
        }
    }

    /// The next character and where it starts.
    fn next_char(&mut self) -> Option<(usize, char)> {
        let at = self.at;
        let c = self.text[at..].chars().next()?;
        self.at += c.len_utf8();
        Some((at, c))
    }

    /// Takes the ASCII letters and digits from here on into `word` at once (most text
    /// is made of them), and whether there were any.
    fn ascii_run(&mut self, word: &mut String, start: &mut usize) -> bool {
        let bytes = self.text.as_bytes();
        let from = self.at;
        while bytes.get(self.at).is_some_and(u8::is_ascii_alphanumeric) {
            self.at += 1;
        }
        if self.at == from {
            return false;
        }
        if word.is_empty() {
            *start = from;
        }
        let held = word.len();
        word.push_str(&self.text[from..self.at]);
        word[held..].make_ascii_lowercase();
        true
    }

    /// The next word into `word` and its byte range in the text; `None` at the end.
    fn next_word(&mut self, word: &mut String) -> Option<(usize, usize)> {
        word.clear();
        if let Some(range) = self.dotnet.take() {
            word.push_str("dotnet");
            return Some(range);
        }
        let mut start = 0;
        loop {
            if self.ascii_run(word, &mut start) {
                continue;
            }
            let Some((at, c)) = self.next_char() else {
                break;
            };
            if !c.is_ascii() && c.is_alphanumeric() {
                if word.is_empty() {
                    start = at;
                }
                fold_char(c, word);
                continue;
            }
            let rest = &self.text[at..];
            if !word.is_empty() {
                // "C++", "C#", "F#": the sign belongs to the word.
                if let Some(after) = rest.strip_prefix("++") {
                    if !after.starts_with(|n: char| n.is_alphanumeric()) {
                        word.push_str("pp");
                        self.skip(2);
                        return Some((start, at + 2));
                    }
                } else if let Some(after) = rest.strip_prefix('#')
                    && !after.starts_with(|n: char| n.is_alphanumeric())
                {
                    word.push_str("sharp");
                    self.skip(1);
                    return Some((start, at + 1));
                }
                // "Node.js", "Vue.js": one word.
                if let Some(after) = rest.strip_prefix('.')
                    && after
                        .get(..2)
                        .is_some_and(|js| js.eq_ignore_ascii_case("js"))
                    && !after[2..].starts_with(|n: char| n.is_alphanumeric())
                {
                    word.push_str("js");
                    self.skip(3);
                    return Some((start, at + 3));
                }
                if self.dotnet_at(c, rest) {
                    self.dotnet = Some((at, at + 4));
                }
                return Some((start, at));
            }
            if self.dotnet_at(c, rest) {
                word.push_str("dotnet");
                return Some((at, at + 4));
            }
        }
        (!word.is_empty()).then_some((start, self.text.len()))
    }

    /// Whether `c`, the first character of `rest`, starts a ".NET" standing alone or
    /// after a word ("ASP.NET"); if so, steps over it.
    fn dotnet_at(&mut self, c: char, rest: &str) -> bool {
        let found = c == '.'
            && rest
                .get(1..4)
                .is_some_and(|net| net.eq_ignore_ascii_case("net"))
            && !rest[4..].starts_with(|n: char| n.is_alphanumeric());
        if found {
            self.skip(3);
        }
        found
    }

    fn skip(&mut self, chars: usize) {
        for _ in 0..chars {
            self.next_char();
        }
    }
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
    seen: std::collections::HashMap<String, String, WordHash>,
}

/// Hashes short words for [`JobTokenizer::seen`] several times faster than the
/// standard library's DoS-resistant hash; the words are the index's own texts, not an
/// attacker's keys (a query's words are never cached).
#[derive(Clone, Default)]
struct WordHash;

impl std::hash::BuildHasher for WordHash {
    type Hasher = WordHasher;

    fn build_hasher(&self) -> WordHasher {
        WordHasher(0xcbf2_9ce4_8422_2325)
    }
}

/// FNV-1a over the bytes, with a final mix so that the map's low bits vary.
struct WordHasher(u64);

impl std::hash::Hasher for WordHasher {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
    }

    fn finish(&self) -> u64 {
        self.0 ^ (self.0 >> 29)
    }
}

/// Past this many words [`JobTokenizer::seen`] starts afresh.
const SEEN_WORDS: usize = 50_000;

impl JobTokenizer {
    pub fn new(analysis: Analysis) -> Self {
        Self {
            analysis,
            stemmer: std::sync::Arc::new(frostem::Stemmer::new(frostem::Algorithm::English)),
            seen: std::collections::HashMap::default(),
        }
    }

    /// The term of `word` into `into`.
    fn term_into(&mut self, word: &str, into: &mut String) {
        into.clear();
        if let Some(term) = self.seen.get(word) {
            into.push_str(term);
            return;
        }
        if self.seen.len() >= SEEN_WORDS {
            self.seen.clear();
        }
        let term = finish(word.to_owned(), self.analysis, &self.stemmer);
        into.push_str(&term);
        self.seen.insert(word.to_owned(), term);
    }
}

/// The tokens of one text, analysed as they are read.
pub struct JobTokenStream<'a> {
    words: Splitter<'a>,
    tokenizer: &'a mut JobTokenizer,
    word: String,
    token: Token,
}

impl Tokenizer for JobTokenizer {
    type TokenStream<'a> = JobTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> JobTokenStream<'a> {
        JobTokenStream {
            words: Splitter::new(text),
            tokenizer: self,
            word: String::new(),
            token: Token {
                position: usize::MAX,
                ..Token::default()
            },
        }
    }
}

impl TokenStream for JobTokenStream<'_> {
    fn advance(&mut self) -> bool {
        let Some((from, to)) = self.words.next_word(&mut self.word) else {
            return false;
        };
        self.token.offset_from = from;
        self.token.offset_to = to;
        self.token.position = self.token.position.wrapping_add(1);
        self.token.position_length = 1;
        self.tokenizer.term_into(&self.word, &mut self.token.text);
        true
    }

    fn token(&self) -> &Token {
        &self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.token
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
    fn words_mix_ascii_and_other_letters() {
        assert_eq!(
            name("Düsseldorf MÜNCHEN Łódź"),
            ["dusseldorf", "munchen", "łodź"]
        );
        assert_eq!(
            prose("C++, C#; Node.js. .NET!"),
            ["cpp", "csharp", "nodej", "dotnet"]
        );
        assert_eq!(prose("Straße42 x"), ["strasse42", "x"]);
    }

    #[test]
    fn letters_of_several_bytes_after_a_dot_are_plain_text() {
        assert_eq!(prose("Node.jé"), ["node", "je"]);
        assert_eq!(prose("x.né x.nää .ää"), ["x", "ne", "x", "naa", "aa"]);
        assert_eq!(prose("ASP.NET"), ["asp", "dotnet"]);
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
