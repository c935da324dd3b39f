//! The `actionhost` binary: the command line of [`actionhost::main`], which documents its exit
//! codes (0 ran, 1 a script failed, 2 bad usage or input).

fn main() -> std::process::ExitCode {
    actionhost::main()
}
