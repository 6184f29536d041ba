// The ingest benchmarks (issue 4), on one snapshot of the collector: requests per second of
// `POST /v1/collect` against `GET /healthz` (ingest-requests.ts), then events per second persisted
// end to end on D1 and Postgres, batched and one message a transaction (ingest-e2e.ts).
import { withCleanup } from './cleanup.ts';
import { bundleCollector } from './collector.ts';
import { type PersistOptions, persistVariants } from './ingest-e2e.ts';
import { persistRows } from './ingest-e2e-rows.ts';
import { type RequestOptions, requestRates } from './ingest-requests.ts';
import type { Row } from './report.ts';

export type IngestOptions = { requests: RequestOptions; persist: PersistOptions };

export function ingest(options: IngestOptions): Promise<{ rows: Row[]; postgresVersion: string }> {
  return withCleanup(async ({ own }) => {
    process.stderr.write('  ingest: bundling the collector (wrangler deploy --dry-run)\n');
    const worker = await bundleCollector();
    own(worker.remove);
    const rates = await requestRates(options.requests, worker.main);
    const { variants, postgresVersion } = await persistVariants(options.persist, worker.main);
    return { rows: [...rates, ...persistRows(variants)], postgresVersion };
  });
}
