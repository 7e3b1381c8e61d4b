//! The server around the API: CORS, static files and the request log.

mod common;

use common::{batch, ss, Server, TempDir};
use std::fs;

#[test]
fn cors_preflights_are_answered_and_every_answer_allows_any_origin() {
    let dir = TempDir::new("cors");
    let server = Server::start(&dir, &[]);
    let preflight = server.request(
        "OPTIONS",
        "/api/v3/data/",
        &[
            ("Origin", "http://localhost:5173"),
            ("Access-Control-Request-Method", "POST"),
            ("Access-Control-Request-Headers", "content-type"),
        ],
        b"",
    );
    assert!((200..300).contains(&preflight.status), "{}", preflight.status);
    assert_eq!(preflight.header("access-control-allow-origin"), Some("*"));
    let methods = preflight.header("access-control-allow-methods").unwrap();
    for method in ["GET", "POST", "OPTIONS"] {
        assert!(methods.contains(method), "{methods}");
    }
    assert_eq!(preflight.header("access-control-allow-headers").map(str::to_ascii_lowercase).as_deref(), Some("content-type"));

    let origin = [("Origin", "http://localhost:5173")];
    let stored = server.request("POST", "/api/v3/data/", &origin, batch("k", "dev", None, vec![ss(1, 1.0)]).to_string().as_bytes());
    let refused = server.request("POST", "/api/v3/data/", &origin, b"{");
    let queried = server.request("GET", "/api/v3/usage?api_key=k", &origin, b"");
    for (response, status) in [(stored, 200), (refused, 400), (queried, 200)] {
        assert_eq!(response.status, status);
        assert_eq!(response.header("access-control-allow-origin"), Some("*"));
    }
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
    assert_eq!(server.get("/api/v3/sessions").status, 400);
    // The line is written before the answer is sent, so it is there now.
    let log = server.log();
    let lines: Vec<_> = log.lines().collect();
    assert_eq!(lines.len(), 2, "{log}");
    assert!(lines[0].contains("INFO") && lines[0].contains("POST /api/v3/data/ 200 ") && lines[0].ends_with("ms"), "{log}");
    assert!(lines[1].contains("GET /api/v3/sessions 400 "), "{log}");
}
