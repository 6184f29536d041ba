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

/** For a number of seconds, or until a number of requests have been answered. */
export type Length = { seconds: number } | { requests: number };

export async function load(url: string, length: Length, requests?: Request[]): Promise<Load> {
  const result = await autocannon({
    url,
    ...('seconds' in length
      ? { connections: CONNECTIONS, duration: length.seconds }
      : {
          connections: Math.min(CONNECTIONS, length.requests),
          amount: length.requests,
          // autocannon notices the end on its sampling tick: 1 s by default.
          sampleInt: 50,
        }),
    requests,
  });
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
