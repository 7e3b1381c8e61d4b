// The demo server until the collector exists: serves the repository's www/ and pkg/ and accepts
// the SDK's POST /api/v3/data/, keeping each datapoint once, as the browser tests' endpoint does.
import { startServer } from '../tests/browser/harness.mjs';

const port = Number(process.argv[2] ?? 8080);
const server = await startServer({ port });
console.log(`demo:     ${server.url}/www/`);
console.log(`endpoint: ${server.url}/api/v3/data/ (datapoints so far: ${server.url}/api/v3/datapoints)`);
