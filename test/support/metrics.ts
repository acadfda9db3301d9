/** Samples of a Prometheus text exposition, by series (`name` or `name{label="v",...}`). */
export type Metrics = Map<string, number>;

/** Parses Prometheus text format 0.0.4: comments and blank lines skipped, one sample per line. */
export function parsePrometheus(text: string): Metrics {
  const samples: Metrics = new Map();
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    // The value follows the last space outside the label set (label values may hold spaces).
    const close = line.lastIndexOf('}');
    const split = line.indexOf(' ', close === -1 ? 0 : close);
    if (split === -1) continue;
    const series = line.slice(0, split);
    const value = Number(
      line
        .slice(split + 1)
        .trim()
        .split(/\s+/)[0],
    );
    if (!Number.isNaN(value)) samples.set(series, value);
  }
  return samples;
}

/** Sum of every series of a metric (all label sets), 0 when absent. */
export function metricTotal(metrics: Metrics | undefined, name: string): number {
  let total = 0;
  for (const [series, value] of metrics ?? []) {
    if (series === name || series.startsWith(`${name}{`)) total += value;
  }
  return total;
}
