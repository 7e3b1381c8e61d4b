//! What the integration tests share: the real collector binary run on a temporary directory,
//! a small HTTP/1.1 client over `TcpStream`, and builders for the SDK's batches.
//!
//! With `COLLECTOR_TEST_PG` set to a PostgreSQL server's URL (`scripts/test.sh` starts one), every
//! collector stores in a fresh database of that server instead of a SQLite file: the same suite
//! runs on both.

// Each test file uses its own part of this module.
#![allow(dead_code)]

use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdout, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

/// A directory under the system's temp dir, removed when dropped; its database is a SQLite file
/// in it or, under `COLLECTOR_TEST_PG`, a PostgreSQL database of its own.
pub struct TempDir(PathBuf, Option<String>);

impl TempDir {
    pub fn new(name: &str) -> TempDir {
        static COUNT: AtomicUsize = AtomicUsize::new(0);
        let n = COUNT.fetch_add(1, Ordering::Relaxed);
        let path = std::env::temp_dir().join(format!("collector-test-{}-{n}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(path.join("root")).unwrap();
        let postgres = std::env::var("COLLECTOR_TEST_PG").ok().map(|server| {
            let database = format!("t{}_{n}_{}", std::process::id(), name.replace('-', "_"));
            let created = Command::new("psql")
                .arg(format!("{server}/postgres"))
                .args(["-qc", &format!("CREATE DATABASE {database}")])
                .status()
                .expect("psql runs");
            assert!(created.success(), "cannot create the test database {database}");
            format!("{server}/{database}")
        });
        TempDir(path, postgres)
    }

    /// What `--db` is given.
    pub fn database(&self) -> String {
        self.1.clone().unwrap_or_else(|| self.db().to_str().unwrap().to_owned())
    }

    pub fn path(&self) -> &Path {
        &self.0
    }

    /// The directory served as `--root`.
    pub fn root(&self) -> PathBuf {
        self.0.join("root")
    }

    pub fn db(&self) -> PathBuf {
        self.0.join("collector.db")
    }

    /// Runs SQL statements on the database, with no collector running on it.
    pub fn execute(&self, statements: &str) {
        match &self.1 {
            Some(url) => assert!(Command::new("psql").args([url, "-qc", statements]).status().expect("psql runs").success()),
            None => rusqlite::Connection::open(self.db()).unwrap().execute_batch(statements).unwrap(),
        }
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The admin token every test collector starts with (from COLLECTOR_ADMIN_TOKEN).
pub const TOKEN: &str = "test-admin-token-0123456789";

/// A running collector, killed when dropped. Its log goes to a file, shown if the test fails.
pub struct Server {
    child: Child,
    stdout: BufReader<ChildStdout>,
    pub addr: String,
    log: PathBuf,
}

impl Server {
    /// A collector on `dir`'s database and root, with any further arguments and `TOKEN`.
    pub fn start(dir: &TempDir, args: &[&str]) -> Server {
        Server::spawn(dir, args, Some(TOKEN))
    }

    /// A collector given no admin token at all.
    pub fn start_without_token(dir: &TempDir) -> Server {
        Server::spawn(dir, &[], None)
    }

    fn spawn(dir: &TempDir, args: &[&str], token: Option<&str>) -> Server {
        let log = dir.path().join(format!("collector-{}.log", LOGS.fetch_add(1, Ordering::Relaxed)));
        let mut command = Command::new(env!("CARGO_BIN_EXE_collector"));
        match token {
            Some(token) => command.env("COLLECTOR_ADMIN_TOKEN", token),
            None => command.env_remove("COLLECTOR_ADMIN_TOKEN"),
        };
        // Any free port on 127.0.0.1, unless the test says where to listen.
        if !args.contains(&"--listen") {
            command.args(["--port", "0"]);
        }
        let mut child = command
            .arg("--db")
            .arg(dir.database())
            .arg("--root")
            .arg(dir.root())
            .args(args)
            .env_remove("RUST_LOG")
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(&log).unwrap())
            .spawn()
            .expect("the collector binary runs");
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        // The only wait in the tests: the line comes once the port is bound, or the pipe closes
        // because the process died.
        let mut line = String::new();
        stdout.read_line(&mut line).unwrap();
        let addr = match line.trim_end().strip_prefix("collector listening on http://") {
            Some(addr) => addr.to_owned(),
            _ => panic!("unexpected ready line {line:?}; log:\n{}", std::fs::read_to_string(&log).unwrap_or_default()),
        };
        Server { child, stdout, addr, log }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Waits for the process to end (after a signal the test sent), returning how it ended and
    /// whatever it printed on stdout after the ready line.
    pub fn wait(mut self) -> (ExitStatus, String) {
        let mut rest = String::new();
        self.stdout.read_to_string(&mut rest).unwrap();
        (self.child.wait().unwrap(), rest)
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap()
    }

    pub fn request(&self, method: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> Response {
        request(&self.addr, method, path, headers, body)
    }

    pub fn get(&self, path: &str) -> Response {
        self.request("GET", path, &[], b"")
    }

    /// A GET with the admin token, as the owner reads.
    pub fn read(&self, path: &str) -> Response {
        self.request("GET", path, &[("Authorization", &format!("Bearer {TOKEN}"))], b"")
    }

    /// An owner's GET that must answer 200 with JSON.
    pub fn get_json(&self, path: &str) -> Value {
        let response = self.read(path);
        assert_eq!(response.status, 200, "GET {path}: {}", response.text());
        response.json()
    }

    /// POSTs `body` to the data endpoint as `application/json`.
    pub fn send(&self, body: &Value) -> Response {
        self.send_raw(body.to_string().as_bytes(), "application/json")
    }

    pub fn send_raw(&self, body: &[u8], content_type: &str) -> Response {
        self.request("POST", "/api/v3/data/", &[("Content-Type", content_type)], body)
    }

    pub fn sessions(&self, query: &str) -> Vec<Value> {
        match self.get_json(&format!("/api/v3/sessions?{query}")) {
            Value::Array(sessions) => sessions,
            other => panic!("sessions is not an array: {other}"),
        }
    }

    pub fn usage(&self, key: &str) -> Value {
        self.get_json(&format!("/api/v3/usage?api_key={key}"))
    }
}

static LOGS: AtomicUsize = AtomicUsize::new(0);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if std::thread::panicking() {
            eprintln!("collector log:\n{}", std::fs::read_to_string(&self.log).unwrap_or_default());
        }
    }
}

pub struct Response {
    pub status: u16,
    /// Names in lowercase.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text()))
    }

    /// The message of a JSON error answer.
    pub fn error(&self) -> String {
        assert_eq!(self.header("content-type"), Some("application/json"), "{}", self.text());
        self.json()["error"].as_str().unwrap_or_else(|| panic!("no error message: {}", self.text())).to_owned()
    }
}

/// One request on its own connection (`Connection: close`), so the answer ends where the stream does.
pub fn request(addr: &str, method: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> Response {
    let mut stream = TcpStream::connect(addr).unwrap();
    // A guard against a hung server, not a wait: answers come in milliseconds.
    stream.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    let mut head = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: {}\r\n", body.len());
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).unwrap();
    stream.write_all(body).unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();
    parse(&raw)
}

fn parse(raw: &[u8]) -> Response {
    let end = raw.windows(4).position(|w| w == b"\r\n\r\n").expect("a complete response head");
    let head = std::str::from_utf8(&raw[..end]).unwrap();
    let mut lines = head.split("\r\n");
    let status = lines.next().unwrap().split(' ').nth(1).unwrap().parse().unwrap();
    let headers: Vec<(String, String)> = lines
        .map(|line| {
            let (name, value) = line.split_once(':').unwrap();
            (name.to_ascii_lowercase(), value.trim().to_owned())
        })
        .collect();
    let mut body = raw[end + 4..].to_vec();
    if headers.iter().any(|(n, v)| n == "transfer-encoding" && v.contains("chunked")) {
        body = dechunk(&body);
    }
    Response { status, headers, body }
}

fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let line_end = data.windows(2).position(|w| w == b"\r\n").unwrap();
        let size = usize::from_str_radix(std::str::from_utf8(&data[..line_end]).unwrap().split(';').next().unwrap().trim(), 16).unwrap();
        if size == 0 {
            return out;
        }
        out.extend_from_slice(&data[line_end + 2..line_end + 2 + size]);
        data = &data[line_end + 2 + size + 2..];
    }
}

/// A canonical UUID numbered `n`, so that tests can name sessions.
pub fn uuid(n: u64) -> String {
    format!("00000000-0000-4000-8000-{n:012x}")
}

pub fn ss(session: u64, time: f64) -> Value {
    json!({ "name": "ss", "time": time, "session_id": uuid(session), "data": {} })
}

pub fn se(session: u64, time: f64, duration: f64) -> Value {
    json!({ "name": "se", "time": time, "session_id": uuid(session), "data": { "d": duration } })
}

/// A batch as the SDK sends it.
pub fn batch(api_key: &str, device_id: &str, user_id: Option<&str>, events: Vec<Value>) -> Value {
    let mut batch = json!({ "api_key": api_key, "time": 1767227460.5, "sdk_version": "0.1.0", "device_id": device_id, "events": events });
    if let Some(user) = user_id {
        batch["user_id"] = json!(user);
    }
    batch
}
