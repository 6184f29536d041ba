import { describeLeads } from '../test/lead-suite.ts';
import { freshPostgresStore } from './fresh-database.ts';

describeLeads('Postgres', freshPostgresStore('leads'));
