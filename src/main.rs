fn main() {
    let code = backchannel::cli::main();
    // A deadly signal that stopped the bots decides the exit status, even
    // when the game ended first because its bots were gone.
    let code = backchannel::runner::exec::signalled().map_or(code, |sig| 128 + sig);
    std::process::exit(code);
}
