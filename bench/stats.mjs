// The figures every measurement prints (bench/run.mjs, bench/compare.mjs; docs/design.md section
// 8): medians with the 10th and 90th percentile as their spread.

/** The `q` quantile of `xs` (the nearest rank). */
export const quantile = (xs, q) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(q * (s.length - 1) + 0.5))]; };

/** The median and spread of `xs`, or null for none. */
export const stat = (xs) => (xs.length ? { median: quantile(xs, 0.5), low: quantile(xs, 0.1), high: quantile(xs, 0.9) } : null);

/** A `stat` of milliseconds as "median ms (low–high)". */
export const ms = (v, d = 1) => `${v.median.toFixed(d)} ms (${v.low.toFixed(d)}–${v.high.toFixed(d)})`;
