import { describeCosts } from '../test/costs-suite.ts';
import { freshPostgresStore } from './fresh-database.ts';

describeCosts('Postgres', freshPostgresStore('costs'));
