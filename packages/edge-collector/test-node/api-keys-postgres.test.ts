import { describeApiKeys } from './api-keys-suite.ts';
import { freshPostgresStore } from './fresh-database.ts';

describeApiKeys('Postgres', freshPostgresStore('api_keys'));
