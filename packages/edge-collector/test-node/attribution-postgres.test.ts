import { describeAttribution } from './attribution-suite.ts';
import { freshPostgresStore } from './fresh-database.ts';

describeAttribution('Postgres', freshPostgresStore('attribution'));
