// The emulated phone network of every measurement (bench/run.mjs, bench/compare.mjs; docs/design.md
// section 8), for CDP's Network.emulateNetworkConditions: 150 ms round trip, 1.6 Mbit/s down,
// 750 kbit/s up (bytes per second).
export const PHONE = { offline: false, latency: 150, downloadThroughput: 1_600_000 / 8, uploadThroughput: 750_000 / 8 };
