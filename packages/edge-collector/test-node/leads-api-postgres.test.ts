import { freshPostgresStore } from './fresh-database.ts';
import { describeLeadsApi } from './leads-api-suite.ts';
import { describeServerEvents } from './leads-server-events-suite.ts';

const store = freshPostgresStore('leads_api');
describeLeadsApi('Postgres', store);
describeServerEvents('Postgres', store);
