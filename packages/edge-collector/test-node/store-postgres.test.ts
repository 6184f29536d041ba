import { describeStore } from '../test/store-suite.ts';
import { freshPostgresStore } from './fresh-database.ts';

describeStore('Postgres', freshPostgresStore('store'));
