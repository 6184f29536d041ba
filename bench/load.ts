// One autocannon run, reduced to the figures the report needs.
import autocannon, { type Request } from 'autocannon';

export type Load = {
  /** 2xx responses per second over the run. */
  okPerSecond: number;
  non2xx: number;
  /** Connection errors, timeouts included. */
  errors: number;
  p99Ms: number;
  startedAt: number;
  finishedAt: number;
};

// Modest: the machine has two cores, shared by workerd, wrangler and this load generator.
export const CONNECTIONS = 10;

export async function load(url: string, seconds: number, requests?: Request[]): Promise<Load> {
  const result = await autocannon({ url, connections: CONNECTIONS, duration: seconds, requests });
  const startedAt = result.start.getTime();
  const finishedAt = result.finish.getTime();
  return {
    okPerSecond: result['2xx'] / ((finishedAt - startedAt) / 1000),
    non2xx: result.non2xx,
    errors: result.errors,
    p99Ms: result.latency.p99,
    startedAt,
    finishedAt,
  };
}
