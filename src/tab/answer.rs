//! What the endpoint's answer to a request means (docs/design.md section 5): its status, its
//! `Retry-After` (seconds, or an HTTP date), and with SDK authentication a 401 whose body is
//! Braze's `{"auth_error": {"error_code": N, "reason": "..."}}`. The browser reports them as they
//! came; delivery's `retry::classify` then says what each status means for the batch.

use crate::delivery::Answer;
use crate::engine::Millis;
use crate::json;
use crate::stored::Value;
use alloc::string::String;

/// An answer as the browser reported it.
#[derive(Debug)]
pub struct Reported<'a> {
    pub request: u32,
    /// 0: no answer (network error, refused connection, aborted).
    pub status: u16,
    pub retry_after: Option<&'a str>,
    pub body: Option<&'a str>,
}

/// Braze's refusal of a request's signature.
#[derive(Debug, PartialEq)]
pub struct Refusal<V> {
    /// `error_code`, as the endpoint sent it.
    pub code: V,
    /// `reason`, as the endpoint sent it.
    pub reason: V,
}

/// The answer for the delivery machine; `now` dates a `Retry-After` given as an HTTP date.
pub fn answer(reported: &Reported, now: Millis) -> Answer {
    let status = (reported.status != 0).then_some(reported.status);
    let retry_after = reported.retry_after.and_then(|text| retry_after(text, now));
    Answer { request: reported.request, status, retry_after }
}

/// The body's `auth_error`, if the answer is a refusal of the signature (a 401 that says so).
pub fn refusal<V: Value>(reported: &Reported, parse: impl Fn(&str) -> V) -> Option<Refusal<V>> {
    if reported.status != 401 {
        return None;
    }
    let error = parse(reported.body?).get("auth_error");
    (!error.is_absent()).then(|| Refusal { code: error.get("error_code"), reason: error.get("reason") })
}

/// `Retry-After` as a wait from `now`: whole seconds, or an HTTP date (IMF-fixdate, RFC 850 or
/// asctime, RFC 9110 section 5.6.7); a date in the past is no wait; anything else is ignored.
pub fn retry_after(text: &str, now: Millis) -> Option<Millis> {
    let text = text.trim_ascii();
    if let Some(seconds) = json::parse_number(text.as_bytes()) {
        return Some(seconds.saturating_mul(1000));
    }
    http_date(text).map(|at| at.saturating_sub(now))
}

/// The months' names, three letters each (one string: a table of slices would cost a pointer each).
const MONTHS: &[u8] = b"JanFebMarAprMayJunJulAugSepOctNovDec";

/// An HTTP date in Unix ms, in any of its three forms:
/// `Sun, 06 Nov 1994 08:49:37 GMT`, `Sunday, 06-Nov-94 08:49:37 GMT`, `Sun Nov  6 08:49:37 1994`.
pub fn http_date(text: &str) -> Option<Millis> {
    // The five numbers in the order they come (day, year, hour, minute, second; asctime puts the
    // day first and the year last), and the month.
    let mut numbers = [0u64; 5];
    let (mut count, mut month, mut month_first, mut century) = (0, 0, false, 0);
    for token in text.as_bytes().split(|b| !b.is_ascii_alphanumeric()) {
        if let Some(number) = json::parse_number(token) {
            if count == 5 || token.len() > 4 {
                return None;
            }
            // RFC 850's two-digit year, second of the numbers.
            if count == 1 && !month_first && token.len() == 2 {
                century = if number < 70 { 2000 } else { 1900 };
            }
            numbers[count] = number;
            count += 1;
        } else if let Some(m) = (0..12).find(|m| token.eq_ignore_ascii_case(&MONTHS[3 * m..3 * m + 3])) {
            month_first = count == 0;
            month = m as u64 + 1;
        }
    }
    if month == 0 || count != 5 {
        return None;
    }
    let [day, year, hour, minute, second] =
        if month_first { [numbers[0], numbers[4], numbers[1], numbers[2], numbers[3]] } else { numbers };
    let year = year + century;
    if !(1..=31).contains(&day) || hour > 23 || minute > 59 || second > 60 || year < 1970 {
        return None;
    }
    // Days since 1970-01-01 in the proleptic Gregorian calendar (Howard Hinnant's days_from_civil).
    let y = if month <= 2 { year - 1 } else { year };
    let era = y / 400;
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = (era * 146_097 + doe).checked_sub(719_468)?;
    Some(((days * 24 + hour) * 60 + minute) * 60_000 + second * 1000)
}

/// The failure subscribers hear of (`{signature, errorCode, reason, userId}`), as JSON text.
pub fn failure_json<V: Value>(refusal: &Refusal<V>, signature: Option<&str>, user: Option<&str>) -> String {
    json::object(|o| {
        o.opt_str("signature", signature);
        match (refusal.code.as_f64(), refusal.code.as_string()) {
            (Some(n), _) if n >= 0.0 && n == (n as u64) as f64 => {
                o.uint("errorCode", n as u64);
            }
            (_, code) => {
                o.opt_str("errorCode", code.as_deref());
            }
        }
        o.opt_str("reason", refusal.reason.as_string().as_deref()).opt_str("userId", user);
    })
}
