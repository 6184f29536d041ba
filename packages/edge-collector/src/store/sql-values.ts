import { type SQL, sql } from 'drizzle-orm';
import type { Dialect } from './merge-sql.ts';

// Parameters and results that differ between D1 and Postgres, for the sub-stores written once
// over both: times are epoch milliseconds in and out, JSON is text on D1 and jsonb on Postgres.

/** A time value as a parameter: an integer on D1, a timestamptz on Postgres. */
export const timeParam = (dialect: Dialect, ms: number): SQL =>
  dialect === 'sqlite' ? sql`${ms}` : sql`to_timestamp(${ms}::double precision / 1000)`;

/** A JSON value as a parameter. */
export const jsonParam = (dialect: Dialect, value: unknown): SQL =>
  dialect === 'sqlite' ? sql`${JSON.stringify(value)}` : sql`${JSON.stringify(value)}::jsonb`;

/** A JSON column read back: text on D1, already parsed by some Postgres drivers. */
export const parsedJson = <T>(value: unknown): T =>
  (typeof value === 'string' ? JSON.parse(value) : value) as T;

/** A number column read back (Postgres answers bigint as text), or null. */
export const numberOrNull = (value: unknown): number | null =>
  value === null || value === undefined ? null : Number(value);
