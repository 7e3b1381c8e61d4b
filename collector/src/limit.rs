//! The data endpoint's rate limit, per client address: a token bucket that refills at `rate`
//! requests a second and holds ten seconds' worth, so bursts (a page's flush after an outage) pass
//! and only a flood is slowed, with 429 and `Retry-After`, which the SDK honours.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::Instant;

pub struct Limiter {
    rate: f64,
    buckets: Mutex<HashMap<IpAddr, (f64, Instant)>>,
}

impl Limiter {
    pub fn new(rate: f64) -> Limiter {
        Limiter { rate, buckets: Mutex::new(HashMap::new()) }
    }

    /// Takes one request from `client`'s bucket: `Err(seconds)` to wait when it is empty.
    pub fn take(&self, client: IpAddr, now: Instant) -> Result<(), u64> {
        let capacity = self.rate * 10.0;
        let mut buckets = self.buckets.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        // Full buckets carry nothing: forget them, so that the map holds only recent clients.
        if buckets.len() > 10_000 {
            buckets.retain(|_, (tokens, at)| *tokens + now.duration_since(*at).as_secs_f64() * self.rate < capacity);
        }
        let (tokens, at) = buckets.entry(client).or_insert((capacity, now));
        *tokens = (*tokens + now.duration_since(*at).as_secs_f64() * self.rate).min(capacity);
        *at = now;
        if *tokens >= 1.0 {
            *tokens -= 1.0;
            Ok(())
        } else {
            Err(((1.0 - *tokens) / self.rate).ceil().max(1.0) as u64)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn a_burst_of_ten_seconds_passes_then_the_rate_holds() {
        let limiter = Limiter::new(2.0);
        let (a, b): (IpAddr, IpAddr) = ("10.0.0.1".parse().unwrap(), "10.0.0.2".parse().unwrap());
        let t = Instant::now();
        for _ in 0..20 {
            assert_eq!(limiter.take(a, t), Ok(()));
        }
        assert_eq!(limiter.take(a, t), Err(1));
        assert_eq!(limiter.take(b, t), Ok(()), "each client has its own bucket");
        assert_eq!(limiter.take(a, t + Duration::from_millis(500)), Ok(()), "refilled at 2 a second");
        assert_eq!(limiter.take(a, t + Duration::from_millis(500)), Err(1));
    }
}
