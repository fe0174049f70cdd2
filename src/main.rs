fn main() -> std::process::ExitCode {
    jobboard::cli::run()
}
