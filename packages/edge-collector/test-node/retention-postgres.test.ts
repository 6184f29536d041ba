import { dumpPostgresTables, freshPostgres } from './fresh-database.ts';
import { describeRetention } from './retention-suite.ts';

const postgres = freshPostgres('retention');
describeRetention('Postgres', postgres.store, () => dumpPostgresTables(postgres.pool()));
