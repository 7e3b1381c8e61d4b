//! The command line, parsed by hand: four options are not worth a dependency.

use std::path::PathBuf;

pub const USAGE: &str = "\
usage: collector [--port N] [--db FILE] [--api-key K ...] [--root DIR]
  --port N      port on 127.0.0.1 (default 8080; 0: any free port)
  --db FILE     SQLite database, created if missing (default collector.db)
  --api-key K   accept only this API key; repeatable (default: any non-empty key)
  --root DIR    directory served as static files (default: the current directory)
";

pub struct Args {
    pub port: u16,
    pub db: PathBuf,
    /// Empty: every non-empty key is accepted.
    pub api_keys: Vec<String>,
    pub root: PathBuf,
}

pub enum Command {
    Run(Args),
    Help,
}

/// The arguments after the program name; the error is the line to print above the usage.
pub fn parse(mut args: impl Iterator<Item = String>) -> Result<Command, String> {
    let mut parsed = Args { port: 8080, db: "collector.db".into(), api_keys: Vec::new(), root: ".".into() };
    while let Some(flag) = args.next() {
        if flag == "-h" || flag == "--help" {
            return Ok(Command::Help);
        }
        let mut value = || args.next().ok_or_else(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--port" => {
                let v = value()?;
                parsed.port = v.parse().map_err(|_| format!("--port {v:?} is not a port number (0 to 65535)"))?;
            }
            "--db" => parsed.db = value()?.into(),
            "--api-key" => {
                let key = value()?;
                if key.is_empty() {
                    return Err("--api-key needs a non-empty key".into());
                }
                parsed.api_keys.push(key);
            }
            "--root" => parsed.root = value()?.into(),
            _ => return Err(format!("unknown argument {flag:?}")),
        }
    }
    // Checked here so that a typo is a usage error at once, not a 404 for every file later.
    if !parsed.root.is_dir() {
        return Err(format!("--root {} is not a directory", parsed.root.display()));
    }
    Ok(Command::Run(parsed))
}
