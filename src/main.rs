//! The `easyrun` command line: the only code that prints.

fn main() {}
