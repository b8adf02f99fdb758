use std::process::ExitCode;

fn main() -> ExitCode {
    leakhound::cli::main()
}
