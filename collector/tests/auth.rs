//! SDK authentication (`--sdk-auth-public-key KEY=FILE`): datapoints of a named user need an RS256
//! JWT in `X-Braze-Auth-Signature` whose `sub` is the user and whose `exp` is ahead; each refusal
//! is 401 with Braze's `auth_error` body and code. Keys are made by `openssl` for the test.

mod common;

use common::{batch, se, ss, Response, Server, TempDir};
use jsonwebtoken::{encode, Algorithm, EncodingKey, Header};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{SystemTime, UNIX_EPOCH};

/// An RSA key pair in `dir`: (private key PEM, public key file).
fn key_pair(dir: &Path, name: &str) -> (Vec<u8>, PathBuf) {
    let private = dir.join(format!("{name}.pem"));
    let public = dir.join(format!("{name}.pub.pem"));
    let made = Command::new("openssl")
        .args(["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out"])
        .arg(&private)
        .output()
        .expect("openssl runs");
    assert!(made.status.success(), "{}", String::from_utf8_lossy(&made.stderr));
    let exported = Command::new("openssl").args(["pkey", "-pubout", "-in"]).arg(&private).arg("-out").arg(&public).output().unwrap();
    assert!(exported.status.success(), "{}", String::from_utf8_lossy(&exported.stderr));
    (std::fs::read(&private).unwrap(), public)
}

fn now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs()
}

fn token(private: &[u8], claims: Value) -> String {
    encode(&Header::new(Algorithm::RS256), &claims, &EncodingKey::from_rsa_pem(private).unwrap()).unwrap()
}

fn send(server: &Server, body: &Value, signature: Option<&str>) -> Response {
    let mut headers = vec![("Content-Type", "application/json")];
    if let Some(s) = signature {
        headers.push(("X-Braze-Auth-Signature", s));
    }
    server.request("POST", "/api/v3/data/", &headers, body.to_string().as_bytes())
}

fn refused(response: &Response) -> (u16, Value) {
    (response.status, response.json())
}

fn auth_error(code: u16, reason: &str) -> (u16, Value) {
    (401, json!({ "auth_error": { "error_code": code, "reason": reason } }))
}

#[test]
fn named_users_need_a_valid_signature_and_anonymous_datapoints_none() {
    let dir = TempDir::new("sdk-auth");
    let (private, public) = key_pair(dir.path(), "site");
    let (other, _) = key_pair(dir.path(), "other");
    let spec = format!("signed={}", public.display());
    let server = Server::start(&dir, &["--sdk-auth-public-key", &spec]);
    let alice = |n| batch("signed", "dev", Some("alice"), vec![ss(n, 10.0), se(n, 20.0, 10.0)]);
    let valid = token(&private, json!({ "sub": "alice", "exp": now() + 600 }));

    assert_eq!(send(&server, &batch("signed", "dev", None, vec![ss(1, 1.0)]), None).status, 200, "anonymous: no signature needed");
    assert_eq!(refused(&send(&server, &alice(2), None)), auth_error(26, "MISSING_TOKEN"));
    let cases = [
        (token(&private, json!({ "sub": "alice", "exp": now() - 1 })), auth_error(22, "EXPIRED")),
        (token(&private, json!({ "sub": "bob", "exp": now() + 600 })), auth_error(21, "SUBJECT_MISMATCH")),
        (token(&other, json!({ "sub": "alice", "exp": now() + 600 })), auth_error(27, "NO_MATCHING_PUBLIC_KEYS")),
        (token(&private, json!({ "sub": "alice" })), auth_error(10, "EXPIRATION_REQUIRED")),
        (token(&private, json!({ "exp": now() + 600 })), auth_error(23, "INVALID_PAYLOAD")),
        ("not.a.token".to_owned(), auth_error(20, "DECODING_ERROR")),
        (
            encode(
                &Header::new(Algorithm::HS256),
                &json!({ "sub": "alice", "exp": now() + 600 }),
                &EncodingKey::from_secret(b"shared").unwrap(),
            )
            .unwrap(),
            auth_error(24, "INCORRECT_ALGORITHM"),
        ),
    ];
    for (signature, expected) in cases {
        assert_eq!(refused(&send(&server, &alice(3), Some(&signature))), expected, "{signature}");
    }
    // One signature is one user's: a request with two named users is refused.
    let two = batch(
        "signed",
        "dev",
        None,
        vec![
            json!({ "name": "ss", "time": 1.0, "session_id": "s-a", "user_id": "alice" }),
            json!({ "name": "ss", "time": 1.0, "session_id": "s-b", "user_id": "bob" }),
        ],
    );
    assert_eq!(refused(&send(&server, &two, Some(&valid))), auth_error(28, "PAYLOAD_USER_ID_MISMATCH"));
    // Nothing refused was stored; the valid signature's request is.
    assert_eq!(server.sessions("api_key=signed").len(), 1);
    assert_eq!(send(&server, &alice(3), Some(&valid)).status, 200);
    let stored = server.sessions("api_key=signed&user_id=alice");
    assert_eq!((stored.len(), &stored[0]["open"]), (1, &json!(false)));
    // Keys without a public key are not enforced.
    assert_eq!(send(&server, &batch("open", "dev", Some("alice"), vec![ss(4, 1.0)]), None).status, 200);
    // Braze's SDKs send the header cross-origin: the preflight lets it through.
    let preflight = server.request(
        "OPTIONS",
        "/api/v3/data/",
        &[
            ("Origin", "https://shop.example.com"),
            ("Access-Control-Request-Method", "POST"),
            ("Access-Control-Request-Headers", "x-braze-auth-signature"),
        ],
        b"",
    );
    assert_eq!(preflight.header("access-control-allow-headers"), Some("x-braze-auth-signature"));
}

#[test]
fn a_public_key_that_cannot_be_read_is_a_usage_error() {
    let dir = TempDir::new("sdk-auth-args");
    let not_pem = dir.path().join("not.pem");
    std::fs::write(&not_pem, "hello").unwrap();
    for (spec, message) in [
        ("no-file".to_owned(), "is not KEY=FILE"),
        ("k=/nonexistent/key.pem".to_owned(), "/nonexistent/key.pem"),
        (format!("k={}", not_pem.display()), "is not an RSA public key in PEM"),
    ] {
        let output = Command::new(env!("CARGO_BIN_EXE_collector")).args(["--sdk-auth-public-key", &spec]).output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{spec}: {stderr}");
        assert!(stderr.contains(message), "{spec}: {stderr}");
    }
}
