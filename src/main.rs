fn main() {
    std::process::exit(backchannel::cli::main());
}
