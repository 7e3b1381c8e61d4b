//! The server around the API: CORS, static files and the request log.

mod common;

use common::{batch, ss, Server, TempDir, TOKEN};
use std::fs;

#[test]
fn the_data_endpoint_is_open_to_every_origin_with_braze_headers_and_reads_are_not() {
    let dir = TempDir::new("cors");
    let server = Server::start(&dir, &[]);
    // Braze's SDKs add their own headers: the preflight allows whatever is asked.
    let asked = "content-type,x-braze-api-key,x-braze-datarequest,x-braze-last-req-ms-ago,x-requested-with";
    let preflight = server.request(
        "OPTIONS",
        "/api/v3/data/",
        &[("Origin", "http://localhost:5173"), ("Access-Control-Request-Method", "POST"), ("Access-Control-Request-Headers", asked)],
        b"",
    );
    assert!((200..300).contains(&preflight.status), "{}", preflight.status);
    assert_eq!(preflight.header("access-control-allow-origin"), Some("*"));
    assert!(preflight.header("access-control-allow-methods").unwrap().contains("POST"));
    assert_eq!(preflight.header("access-control-allow-headers").map(str::to_ascii_lowercase).as_deref(), Some(asked));

    let origin = [("Origin", "http://localhost:5173")];
    let stored = server.request("POST", "/api/v3/data/", &origin, batch("k", "dev", None, vec![ss(1, 1.0)]).to_string().as_bytes());
    let refused = server.request("POST", "/api/v3/data/", &origin, b"{");
    for (response, status) in [(stored, 200), (refused, 400)] {
        assert_eq!(response.status, status);
        assert_eq!(response.header("access-control-allow-origin"), Some("*"));
    }
    // Reads are the dashboard's, on this origin: another site's page gets no CORS grant, even
    // with the token.
    let bearer = format!("Bearer {TOKEN}");
    let queried = server.request("GET", "/api/v3/usage?api_key=k", &[origin[0], ("Authorization", &bearer)], b"");
    assert_eq!(queried.status, 200);
    assert_eq!(queried.header("access-control-allow-origin"), None);
}

#[test]
fn every_read_needs_the_admin_token() {
    let dir = TempDir::new("token");
    let server = Server::start(&dir, &[]);
    assert_eq!(server.send(&batch("k", "dev", Some("u"), vec![ss(1, 1.0)])).status, 200);
    for path in ["/api/v3/usage?api_key=k", "/api/v3/sessions?api_key=k", "/api/v3/keys"] {
        for auth in [None, Some("Bearer wrong-token-0123456789"), Some("Bearer "), Some(&*format!("Basic {TOKEN}"))] {
            let headers: Vec<(&str, &str)> = auth.map(|a| ("Authorization", a)).into_iter().collect();
            let response = server.request("GET", path, &headers, b"");
            assert_eq!(response.status, 401, "{path} with {auth:?}");
            assert!(response.error().contains("admin token"), "{}", response.text());
        }
        assert_eq!(server.read(path).status, 200, "{path}");
    }
    assert!(!server.log().contains(TOKEN), "the token is never logged");
}

#[test]
fn without_a_token_every_read_is_refused_and_writes_still_work() {
    let dir = TempDir::new("no-token");
    let server = Server::start_without_token(&dir);
    assert_eq!(server.send(&batch("k", "dev", None, vec![ss(1, 1.0)])).status, 200);
    let response = server.read("/api/v3/keys");
    assert_eq!(response.status, 401);
    assert!(response.error().contains("without an admin token"), "{}", response.text());
    assert!(server.log().contains("every read is refused"), "{}", server.log());
}

#[test]
fn the_demo_and_the_package_are_served_and_nothing_else() {
    let dir = TempDir::new("static");
    let root = dir.root();
    fs::create_dir_all(root.join("www")).unwrap();
    fs::create_dir_all(root.join("pkg")).unwrap();
    fs::write(root.join("www/index.html"), "<h1>demo</h1>").unwrap();
    fs::write(root.join("pkg/appboy_wasm.js"), "export default 1;").unwrap();
    let wasm = b"\0asm\x01\0\0\0";
    fs::write(root.join("pkg/appboy_wasm_bg.wasm"), wasm).unwrap();
    // Beside the root, and in it but outside www/ and pkg/.
    fs::write(dir.path().join("secret.txt"), "secret").unwrap();
    fs::write(root.join("secret.txt"), "secret").unwrap();
    let server = Server::start(&dir, &[]);

    for path in ["/www/index.html", "/www/"] {
        let page = server.get(path);
        assert_eq!((page.status, page.text().as_str()), (200, "<h1>demo</h1>"), "{path}");
        assert_eq!(page.header("content-type"), Some("text/html"));
    }
    let script = server.get("/pkg/appboy_wasm.js");
    assert_eq!(script.status, 200);
    assert!(script.header("content-type").unwrap().contains("javascript"));
    let module = server.get("/pkg/appboy_wasm_bg.wasm");
    assert_eq!((module.status, module.header("content-type")), (200, Some("application/wasm")));
    assert_eq!(module.body, wasm);

    let home = server.get("/");
    assert!((300..400).contains(&home.status), "{}", home.status);
    assert_eq!(home.header("location"), Some("/www/"));
    assert_eq!(server.get("/www/missing.html").status, 404);
    for escape in
        ["/secret.txt", "/../secret.txt", "/www/../secret.txt", "/www/../../secret.txt", "/%2e%2e/secret.txt", "/pkg/%2e%2e/secret.txt"]
    {
        let response = server.get(escape);
        assert_ne!(response.status, 200, "{escape}");
        assert!(!response.text().contains("secret"), "{escape}");
    }
}

#[test]
fn each_request_is_logged_on_one_line() {
    let dir = TempDir::new("log");
    let server = Server::start(&dir, &[]);
    assert_eq!(server.send(&batch("k", "dev", None, vec![ss(1, 1.0)])).status, 200);
    assert_eq!(server.read("/api/v3/sessions").status, 400);
    // The line is written before the answer is sent, so it is there now.
    let log = server.log();
    let lines: Vec<_> = log.lines().collect();
    assert_eq!(lines.len(), 2, "{log}");
    assert!(lines[0].contains("INFO") && lines[0].contains("POST /api/v3/data/ 200 ") && lines[0].ends_with("ms"), "{log}");
    assert!(lines[1].contains("GET /api/v3/sessions 400 "), "{log}");
}
