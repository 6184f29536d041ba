// The same traffic through the same pipeline on D1 and on Postgres must give byte-identical
// exports: every model, every kind of conversion, every grouping. The data is the hand-computed
// closed loop plus reproducible random traffic (mixed sources, several visits, two currencies).

import { ATTRIBUTION_GROUPS, ATTRIBUTION_MODELS, type AttributionReport } from '@leadloop/schema';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../src/store/types.ts';
import { seedClosedLoop, seedRandomTraffic } from './attribution-scenario.ts';
import { freshD1Store } from './fresh-d1.ts';
import { freshPostgresStore } from './fresh-database.ts';
import { harness, T0 } from './leads-api-harness.ts';

const d1 = freshD1Store();
const postgres = freshPostgresStore('same_exports');

async function seeded(getStore: () => Store) {
  const h = harness(getStore);
  const site = await h.createSite('Same exports');
  await seedClosedLoop(h, site);
  await seedRandomTraffic(h, site, 30, 7);
  return h.client(site);
}

describe('attribution exports on D1 and Postgres', () => {
  let clients: [
    ReturnType<ReturnType<typeof harness>['client']>,
    ReturnType<ReturnType<typeof harness>['client']>,
  ];
  beforeAll(async () => {
    clients = [await seeded(d1), await seeded(postgres)];
  }, 240_000);

  const both = async (query: string) =>
    Promise.all(
      clients.map(async (client) => {
        const response = await client.call(`/v1/attribution${query}`);
        expect(response.status, query).toBe(200);
        return response.text();
      }),
    );

  it('are identical for every model and kind of conversion', async () => {
    const [first] = await both('?format=json&model=linear&conversion=customer');
    const report = JSON.parse(first!) as AttributionReport;
    // The traffic is really there: leads, customers and revenue in both currencies' majority.
    expect(report.totals.leads).toBeGreaterThan(10);
    expect(report.totals.customers).toBeGreaterThan(2);
    expect(report.currency).toBe('USD');
    expect(Date.parse(report.to)).toBeGreaterThan(T0);
    for (const model of ATTRIBUTION_MODELS)
      for (const conversion of ['lead', 'opportunity', 'customer']) {
        const query = `?format=csv&model=${model}&conversion=${conversion}`;
        const [onD1, onPostgres] = await both(query);
        expect(onD1, query).toBe(onPostgres);
      }
  });

  it('are identical for every grouping', async () => {
    for (const groupBy of ATTRIBUTION_GROUPS)
      for (const model of ['position_based', 'data_driven']) {
        const query = `?format=csv&model=${model}&groupBy=${groupBy}&lookbackDays=30`;
        const [onD1, onPostgres] = await both(query);
        expect(onD1, query).toBe(onPostgres);
      }
  });
});
