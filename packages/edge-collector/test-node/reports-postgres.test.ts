import { freshPostgresStore } from './fresh-database.ts';
import { describeReports } from './reports-suite.ts';

describeReports('Postgres', freshPostgresStore('reports'));
