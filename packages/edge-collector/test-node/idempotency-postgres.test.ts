import { describeIdempotency } from '../test/idempotency-suite.ts';
import { freshPostgresStore } from './fresh-database.ts';

describeIdempotency('Postgres', freshPostgresStore('idempotency'));
