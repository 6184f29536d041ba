import { describeErasureEverywhere } from './erasure-everywhere-suite.ts';
import { dumpPostgresTables, freshPostgres } from './fresh-database.ts';

const postgres = freshPostgres('erasure');
describeErasureEverywhere('Postgres', postgres.store, () => dumpPostgresTables(postgres.pool()));
