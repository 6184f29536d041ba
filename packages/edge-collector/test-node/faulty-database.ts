// Databases that fail on purpose, below the Store: every SQL statement the store runs is counted
// (each statement of a D1 batch or a Postgres transaction counts on its own), and the plan decides
// which ones fail. Failing at the driver keeps the real behaviour above it: a D1 batch or a
// Postgres transaction that fails part-way really runs its first statements and really rolls back.

import { drizzle } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import type { Connect } from '../src/store/postgres.ts';

export class InjectedFault extends Error {}

/** Which statements fail, counted from when the plan was last armed. */
export class FaultPlan {
  /** Statements run (or refused) since the plan was armed. */
  statements = 0;
  /** Faults injected since the plan was created. */
  injected = 0;
  private failAt: number | null = null;
  private forever = false;

  /** Statement `n` from now fails, once; the others run. */
  failOnce(n: number) {
    this.arm(n, false);
  }

  /** Statement `n` from now and every one after fail, as when the worker died there. */
  dieAt(n: number) {
    this.arm(n, true);
  }

  /** Counts from now on, failing nothing. */
  disarm() {
    this.arm(null, false);
  }

  private arm(failAt: number | null, forever: boolean) {
    this.statements = 0;
    this.failAt = failAt;
    this.forever = forever;
  }

  /** Counts the next statement; whether it must fail. */
  next(): boolean {
    this.statements += 1;
    if (this.failAt === null) return false;
    const fail = this.forever ? this.statements >= this.failAt : this.statements === this.failAt;
    if (fail) this.injected += 1;
    return fail;
  }

  fault() {
    return new InjectedFault(`injected fault at statement ${this.statements}`);
  }
}

const RUNS = new Set(['all', 'run', 'first', 'raw']);

/** A D1 database whose statements fail as `plan` says. */
export function faultyD1(database: D1Database, plan: FaultPlan): D1Database {
  // D1 batches only take its own statements: the wrappers given out are mapped back.
  const originals = new WeakMap<object, D1PreparedStatement>();
  const wrap = (statement: D1PreparedStatement): D1PreparedStatement => {
    const wrapped = new Proxy(statement, {
      get(target, property) {
        if (property === 'bind') return (...values: unknown[]) => wrap(target.bind(...values));
        const value = Reflect.get(target, property, target);
        if (typeof value !== 'function') return value;
        if (typeof property === 'string' && RUNS.has(property))
          return (...args: unknown[]) =>
            plan.next() ? Promise.reject(plan.fault()) : value.apply(target, args);
        return value.bind(target);
      },
    });
    originals.set(wrapped, statement);
    return wrapped;
  };
  return new Proxy(database, {
    get(target, property) {
      if (property === 'prepare') return (query: string) => wrap(target.prepare(query));
      if (property === 'batch')
        return async (statements: D1PreparedStatement[]) => {
          const real = statements.map((statement) => originals.get(statement) ?? statement);
          const failing = real.findIndex(() => plan.next());
          if (failing === -1) return target.batch(real);
          const fault = plan.fault();
          // The statements before the failing one run, then the batch fails and rolls back.
          if (failing > 0)
            await target
              .batch([...real.slice(0, failing), target.prepare(`select json('not json')`)])
              .catch(() => {});
          throw fault;
        };
      const value = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/** A postgres.js client whose statements (in and out of transactions) fail as `plan` says. */
function faultySql<T extends postgres.Sql | postgres.TransactionSql>(sql: T, plan: FaultPlan): T {
  return new Proxy(sql, {
    get(target, property) {
      if (property === 'unsafe')
        return (...args: unknown[]) => {
          // drizzle calls it inside an async function: the throw rejects that statement.
          if (plan.next()) throw plan.fault();
          return (target.unsafe as (...a: unknown[]) => unknown)(...args);
        };
      if (property === 'begin')
        return (...args: unknown[]) => {
          const work = args.at(-1) as (tx: postgres.TransactionSql) => unknown;
          return ((target as postgres.Sql).begin as (...a: unknown[]) => unknown)(
            ...args.slice(0, -1),
            (tx: postgres.TransactionSql) => work(faultySql(tx, plan)),
          );
        };
      const value = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/** A Postgres pool (as `connectPool`) whose statements fail as `plan` says. */
export function faultyPostgresPool(
  url: string,
  plan: FaultPlan,
  max = 5,
): Connect & { end(): Promise<void> } {
  const client = postgres(url, { max, fetch_types: false, onnotice: () => {} });
  const db = drizzle(faultySql(client, plan));
  const connect = () => ({ db, release: async () => {} });
  return Object.assign(connect, { end: () => client.end({ timeout: 2 }) });
}
