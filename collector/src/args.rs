//! The command line, parsed by hand: a handful of options are not worth a dependency.

use std::path::PathBuf;

pub const USAGE: &str = "\
usage: collector [--port N] [--db FILE] [--api-key K ...] [--root DIR]
                 [--admin-token T | --admin-token-file F] [--rate-limit N] [--request-timeout S]
                 [--sdk-auth-public-key KEY=FILE ...] [--retention-days N]
  --port N              port on 127.0.0.1 (default 8080; 0: any free port)
  --db FILE|URL         SQLite database, created if missing (default collector.db), or a
                        PostgreSQL database (postgres://user:password@host:port/name)
  --api-key K           accept only this API key; repeatable (default: any non-empty key)
  --root DIR            directory served as static files (default: the current directory)
  --admin-token T       the secret every read needs, as `Authorization: Bearer T`
  --admin-token-file F  the same, read from a file (its first line)
  --rate-limit N        data requests a second per client address, in bursts of ten
                        seconds' worth; past that, 429 with Retry-After (default 100)
  --request-timeout S   seconds a request's head or body may take to arrive, and a
                        connection may stay idle (default 10)
  --sdk-auth-public-key KEY=FILE
                        SDK authentication for API key KEY: datapoints of a named user need
                        an RS256 JWT signed by the private key of FILE's RSA public key (PEM)
                        in X-Braze-Auth-Signature, whose sub is the user; repeatable
  --retention-days N    keep N days (a whole number >= 1): older sessions, with their
                        datapoints, and older events are removed as time passes, and
                        datapoints older than that are refused (default: keep everything)
  The token may also come from the COLLECTOR_ADMIN_TOKEN environment variable. Without one,
  the data endpoint works and every read is refused. The token is never logged.
";

pub struct Args {
    pub port: u16,
    /// A SQLite file, or a `postgres://` URL.
    pub db: String,
    /// Empty: every non-empty key is accepted.
    pub api_keys: Vec<String>,
    pub root: PathBuf,
    /// What reads must present; `None`: reads are refused.
    pub admin_token: Option<String>,
    pub rate_limit: f64,
    pub request_timeout: std::time::Duration,
    pub sdk_auth: crate::auth::Keys,
    /// Days of data kept; `None`: all of it.
    pub retention_days: Option<u32>,
}

pub enum Command {
    Run(Args),
    Help,
}

/// The arguments after the program name; the error is the line to print above the usage.
/// `env_token`: the COLLECTOR_ADMIN_TOKEN variable, which a flag overrides.
pub fn parse(mut args: impl Iterator<Item = String>, env_token: Option<String>) -> Result<Command, String> {
    let mut parsed = Args {
        port: 8080,
        db: "collector.db".into(),
        api_keys: Vec::new(),
        root: ".".into(),
        admin_token: None,
        rate_limit: 100.0,
        request_timeout: std::time::Duration::from_secs(10),
        sdk_auth: crate::auth::Keys::default(),
        retention_days: None,
    };
    let mut token = None;
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
            "--db" => parsed.db = value()?,
            "--api-key" => {
                let key = value()?;
                if key.is_empty() {
                    return Err("--api-key needs a non-empty key".into());
                }
                parsed.api_keys.push(key);
            }
            "--root" => parsed.root = value()?.into(),
            "--admin-token" => token = Some(value()?),
            "--rate-limit" => {
                let v = value()?;
                parsed.rate_limit = v
                    .parse()
                    .ok()
                    .filter(|n: &f64| n.is_finite() && *n > 0.0)
                    .ok_or_else(|| format!("--rate-limit {v:?} is not a positive number"))?;
            }
            "--request-timeout" => {
                let v = value()?;
                let seconds = v.parse().ok().filter(|n: &f64| n.is_finite() && *n > 0.0 && *n <= 3600.0);
                parsed.request_timeout = std::time::Duration::from_secs_f64(
                    seconds.ok_or_else(|| format!("--request-timeout {v:?} is not a number of seconds (up to 3600)"))?,
                );
            }
            "--admin-token-file" => {
                let file = value()?;
                let text = std::fs::read_to_string(&file).map_err(|e| format!("--admin-token-file {file}: {e}"))?;
                token = Some(text.lines().next().unwrap_or_default().to_owned());
            }
            "--sdk-auth-public-key" => parsed.sdk_auth.add(&value()?)?,
            "--retention-days" => {
                let v = value()?;
                let days = v.parse().ok().filter(|n: &u32| *n >= 1);
                parsed.retention_days =
                    Some(days.ok_or_else(|| format!("--retention-days {v:?} is not a whole number of days (1 or more)"))?);
            }
            _ => return Err(format!("unknown argument {flag:?}")),
        }
    }
    match token.or(env_token) {
        // Short secrets are guessed: at least 16 characters.
        Some(token) if token.trim().len() < 16 => return Err("the admin token needs at least 16 characters".into()),
        token => parsed.admin_token = token.map(|t| t.trim().to_owned()),
    }
    // Checked here so that a typo is a usage error at once, not a 404 for every file later.
    if !parsed.root.is_dir() {
        return Err(format!("--root {} is not a directory", parsed.root.display()));
    }
    Ok(Command::Run(parsed))
}
