//! The command line (clap's derive): every flag also from a `COLLECTOR_…` environment variable,
//! as containers and systemd pass configuration; a flag given on the command line wins.

use clap::parser::ValueSource;
use clap::{CommandFactory, FromArgMatches, Parser};
use ipnet::IpNet;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::time::Duration;

#[derive(Parser)]
#[command(
    name = "collector",
    version,
    about = "A Braze-compatible data endpoint for appboy-wasm's session datapoints, with the App Usage dashboard",
    after_help = "Without an admin token the data endpoint works and every read is refused. The token is never logged.\n\
                  Lists from the environment are comma-separated (COLLECTOR_API_KEYS=a,b)."
)]
struct Flags {
    /// Address to listen on: IPv4 or IPv6 with a port (0.0.0.0:8080, [::]:8080; port 0: any free port)
    #[arg(long, env = "COLLECTOR_LISTEN", value_name = "ADDR", default_value = "127.0.0.1:8080", value_parser = listen_address)]
    listen: SocketAddr,
    /// Shorthand for --listen 127.0.0.1:N
    #[arg(long, env = "COLLECTOR_PORT", value_name = "N")]
    port: Option<u16>,
    /// SQLite database, created if missing, or a PostgreSQL database (postgres://user:password@host:port/name)
    #[arg(long, env = "COLLECTOR_DB", value_name = "FILE|URL", default_value = "collector.db")]
    db: String,
    /// Accept only this API key; repeatable (default: any non-empty key)
    #[arg(long = "api-key", env = "COLLECTOR_API_KEYS", value_name = "K", value_delimiter = ',', value_parser = api_key)]
    api_keys: Vec<String>,
    /// Directory served as static files (its www/ and pkg/)
    #[arg(long, env = "COLLECTOR_ROOT", value_name = "DIR", default_value = ".")]
    root: PathBuf,
    /// The secret every read needs, as `Authorization: Bearer T` (at least 16 characters)
    #[arg(long, env = "COLLECTOR_ADMIN_TOKEN", value_name = "T", hide_env_values = true)]
    admin_token: Option<String>,
    /// The admin token, read from a file (its first line)
    #[arg(long, env = "COLLECTOR_ADMIN_TOKEN_FILE", value_name = "F")]
    admin_token_file: Option<PathBuf>,
    /// Data requests a second per client address, in bursts of ten seconds' worth; past that, 429 with Retry-After
    #[arg(long, env = "COLLECTOR_RATE_LIMIT", value_name = "N", default_value = "100", value_parser = positive)]
    rate_limit: f64,
    /// Seconds a request's head or body may take to arrive, and a connection may stay idle (up to 3600)
    #[arg(long, env = "COLLECTOR_REQUEST_TIMEOUT", value_name = "S", default_value = "10", value_parser = timeout)]
    request_timeout: Duration,
    /// SDK authentication for API key KEY: datapoints of a named user need an RS256 JWT, signed by the private key of
    /// FILE's RSA public key (PEM), in X-Braze-Auth-Signature, whose sub is the user; repeatable
    #[arg(long = "sdk-auth-public-key", env = "COLLECTOR_SDK_AUTH_PUBLIC_KEYS", value_name = "KEY=FILE", value_delimiter = ',')]
    sdk_auth_public_keys: Vec<String>,
    /// A reverse proxy or load balancer (address or CIDR) whose X-Forwarded-For or Forwarded header names the client;
    /// repeatable. From any other peer those headers are ignored
    #[arg(long = "trusted-proxy", env = "COLLECTOR_TRUSTED_PROXIES", value_name = "CIDR", value_delimiter = ',', value_parser = network)]
    trusted_proxies: Vec<IpNet>,
    /// Serve GET /metrics (Prometheus) on this address of its own, without the admin token (default: on the main
    /// address, behind the admin token)
    #[arg(long, env = "COLLECTOR_METRICS_LISTEN", value_name = "ADDR", value_parser = listen_address)]
    metrics_listen: Option<SocketAddr>,
    /// Remove datapoints, sessions and events older than N days, as time passes (default: keep everything)
    #[arg(long, env = "COLLECTOR_RETENTION_DAYS", value_name = "N", value_parser = days)]
    retention_days: Option<u32>,
}

pub struct Args {
    pub listen: SocketAddr,
    /// A SQLite file, or a `postgres://` URL.
    pub db: String,
    /// Empty: every non-empty key is accepted.
    pub api_keys: Vec<String>,
    pub root: PathBuf,
    /// What reads must present; `None`: reads are refused.
    pub admin_token: Option<String>,
    pub rate_limit: f64,
    pub request_timeout: Duration,
    pub sdk_auth: crate::auth::Keys,
    pub trusted_proxies: Vec<IpNet>,
    pub metrics_listen: Option<SocketAddr>,
    pub retention_days: Option<u32>,
}

pub enum Command {
    Run(Box<Args>),
    /// Help or the version, to print on stdout.
    Show(String),
}

/// The arguments, program name first, with the environment clap reads; the error is the one line
/// to print.
pub fn parse(args: impl IntoIterator<Item = String>) -> Result<Command, String> {
    let matches = match Flags::command().try_get_matches_from(args) {
        Ok(matches) => matches,
        Err(e) if !e.use_stderr() => return Ok(Command::Show(e.render().to_string())),
        // clap's first line is the message ("error: invalid value 'x' for '--port <N>': ...");
        // the rest points to --help, which the caller says once.
        Err(e) => return Err(e.render().to_string().lines().next().unwrap_or_default().trim_start_matches("error: ").to_owned()),
    };
    let from_command_line = |id| matches.value_source(id) == Some(ValueSource::CommandLine);
    if from_command_line("port") && from_command_line("listen") {
        return Err("give --listen or --port, not both".into());
    }
    if from_command_line("admin_token") && from_command_line("admin_token_file") {
        return Err("give --admin-token or --admin-token-file, not both".into());
    }
    let flags = Flags::from_arg_matches(&matches).map_err(|e| e.to_string())?;
    // --port is a shorthand: it replaces --listen unless --listen was given on the command line.
    let listen = match flags.port {
        Some(port) if !from_command_line("listen") => SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), port),
        _ => flags.listen,
    };
    // A token file wins over a token from the environment.
    let token = match &flags.admin_token_file {
        Some(file) => {
            let text = std::fs::read_to_string(file).map_err(|e| format!("--admin-token-file {}: {e}", file.display()))?;
            Some(text.lines().next().unwrap_or_default().to_owned())
        }
        None => flags.admin_token,
    };
    let admin_token = match token.map(|t| t.trim().to_owned()) {
        // Short secrets are guessed: at least 16 characters.
        Some(token) if token.len() < 16 => return Err("the admin token needs at least 16 characters".into()),
        token => token,
    };
    // Checked here so that a typo is a usage error at once, not a 404 for every file later.
    if !flags.root.is_dir() {
        return Err(format!("--root {} is not a directory", flags.root.display()));
    }
    let mut sdk_auth = crate::auth::Keys::default();
    for spec in &flags.sdk_auth_public_keys {
        sdk_auth.add(spec)?;
    }
    Ok(Command::Run(Box::new(Args {
        listen,
        db: flags.db,
        api_keys: flags.api_keys,
        root: flags.root,
        admin_token,
        rate_limit: flags.rate_limit,
        request_timeout: flags.request_timeout,
        sdk_auth,
        trusted_proxies: flags.trusted_proxies,
        metrics_listen: flags.metrics_listen,
        retention_days: flags.retention_days,
    })))
}

fn listen_address(text: &str) -> Result<SocketAddr, String> {
    text.parse().map_err(|_| "not an IP address with a port (127.0.0.1:8080, [::]:8080)".to_owned())
}

fn api_key(text: &str) -> Result<String, String> {
    if text.is_empty() {
        return Err("an API key cannot be empty".into());
    }
    Ok(text.to_owned())
}

fn positive(text: &str) -> Result<f64, String> {
    text.parse().ok().filter(|n: &f64| n.is_finite() && *n > 0.0).ok_or_else(|| "not a positive number".to_owned())
}

fn timeout(text: &str) -> Result<Duration, String> {
    let seconds = text.parse().ok().filter(|n: &f64| n.is_finite() && *n > 0.0 && *n <= 3600.0);
    seconds.map(Duration::from_secs_f64).ok_or_else(|| "not a number of seconds (more than 0, up to 3600)".to_owned())
}

fn days(text: &str) -> Result<u32, String> {
    text.parse().ok().filter(|d| *d >= 1).ok_or_else(|| "not a whole number of days (1 or more)".to_owned())
}

/// A CIDR (10.0.0.0/8, fd00::/8) or one address (its /32 or /128).
fn network(text: &str) -> Result<IpNet, String> {
    text.parse::<IpNet>()
        .or_else(|_| text.parse::<IpAddr>().map(IpNet::from))
        .map_err(|_| "not an IP address or CIDR (10.0.0.0/8, 192.0.2.7, fd00::/8)".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(args: &[&str]) -> Result<Args, String> {
        let args = std::iter::once("collector").chain(args.iter().copied()).map(String::from);
        match parse(args)? {
            Command::Run(args) => Ok(*args),
            Command::Show(text) => Err(format!("shown: {text}")),
        }
    }

    #[test]
    fn addresses_ports_and_networks() {
        assert_eq!(run(&[]).unwrap().listen, "127.0.0.1:8080".parse().unwrap());
        assert_eq!(run(&["--listen", "[::]:9000"]).unwrap().listen, "[::]:9000".parse().unwrap());
        assert_eq!(run(&["--port", "0"]).unwrap().listen, "127.0.0.1:0".parse().unwrap());
        assert_eq!(run(&["--listen", "0.0.0.0:1", "--port", "2"]).err().unwrap(), "give --listen or --port, not both");
        let proxies = run(&["--trusted-proxy", "10.0.0.0/8", "--trusted-proxy", "::1"]).unwrap().trusted_proxies;
        assert_eq!(proxies, ["10.0.0.0/8".parse::<IpNet>().unwrap(), "::1/128".parse().unwrap()]);
        assert_eq!(run(&["--retention-days", "30"]).unwrap().retention_days, Some(30));
    }

    #[test]
    fn a_bad_value_is_one_line_naming_the_flag() {
        for (args, says) in [
            (&["--listen", "localhost"][..], "--listen <ADDR>"),
            (&["--port", "70000"], "--port <N>"),
            (&["--trusted-proxy", "10.0.0.0/33"], "--trusted-proxy <CIDR>"),
            (&["--rate-limit", "0"], "--rate-limit <N>"),
            (&["--request-timeout", "3601"], "--request-timeout <S>"),
            (&["--retention-days", "0"], "--retention-days <N>"),
            (&["--api-key", ""], "--api-key <K>"),
            (&["--nope"], "'--nope'"),
        ] {
            let error = run(args).err().unwrap();
            assert!(error.contains(says) && !error.contains('\n') && !error.starts_with("error"), "{args:?}: {error}");
        }
        assert_eq!(run(&["--admin-token", "short"]).err().unwrap(), "the admin token needs at least 16 characters");
    }

    #[test]
    fn help_and_version_are_shown() {
        let shown = |flag| match parse(["collector", flag].map(String::from)) {
            Ok(Command::Show(text)) => text,
            _ => panic!("{flag} is not shown"),
        };
        assert!(shown("--version").contains(env!("CARGO_PKG_VERSION")));
        assert!(shown("--help").contains("COLLECTOR_TRUSTED_PROXIES"));
    }
}
