//! The technologies the demo and bulk data use: (slug, display name).

pub const TECHNOLOGIES: &[(&str, &str)] = &[
    ("rust", "Rust"),
    ("go", "Go"),
    ("python", "Python"),
    ("java", "Java"),
    ("kotlin", "Kotlin"),
    ("typescript", "TypeScript"),
    ("javascript", "JavaScript"),
    ("nodejs", "Node.js"),
    ("react", "React"),
    ("vue", "Vue.js"),
    ("angular", "Angular"),
    ("csharp", "C#"),
    ("dotnet", ".NET"),
    ("cpp", "C++"),
    ("php", "PHP"),
    ("ruby", "Ruby"),
    ("scala", "Scala"),
    ("swift", "Swift"),
    ("elixir", "Elixir"),
    ("fsharp", "F#"),
    ("postgresql", "PostgreSQL"),
    ("mysql", "MySQL"),
    ("mongodb", "MongoDB"),
    ("redis", "Redis"),
    ("kafka", "Kafka"),
    ("elasticsearch", "Elasticsearch"),
    ("docker", "Docker"),
    ("kubernetes", "Kubernetes"),
    ("terraform", "Terraform"),
    ("aws", "AWS"),
    ("azure", "Azure"),
    ("gcp", "Google Cloud"),
    ("linux", "Linux"),
    ("graphql", "GraphQL"),
    ("spring", "Spring"),
    ("django", "Django"),
    ("rails", "Ruby on Rails"),
    ("flutter", "Flutter"),
    ("android", "Android"),
    ("ios", "iOS"),
    ("machine-learning", "Machine Learning"),
    ("pytorch", "PyTorch"),
    ("spark", "Apache Spark"),
    ("sql", "SQL"),
];

/// The display name of a technology slug, if it is one of ours.
pub fn name_of(slug: &str) -> Option<&'static str> {
    TECHNOLOGIES
        .iter()
        .find(|(s, _)| *s == slug)
        .map(|(_, n)| *n)
}
