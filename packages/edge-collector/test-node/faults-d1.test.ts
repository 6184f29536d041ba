import { afterAll } from 'vitest';
import { D1Store } from '../src/store/d1.ts';
import { describeFaults, survived } from './faults-suite.ts';
import { FaultPlan, faultyD1 } from './faulty-database.ts';
import { freshD1 } from './fresh-d1.ts';

const { store, database } = freshD1();
const plan = new FaultPlan();
let faulty: D1Store | undefined;

describeFaults('D1', {
  store,
  faulty: () => {
    faulty ??= new D1Store(faultyD1(database(), plan));
    return faulty;
  },
  plan,
  rows: async (table, siteId) =>
    (
      await database()
        .prepare(`SELECT * FROM ${table} WHERE site_id = ?`)
        .bind(siteId)
        .all<Record<string, unknown>>()
    ).results,
});

afterAll(() => {
  console.log(`faults survived on D1: ${JSON.stringify(survived, null, 1)}`);
});
