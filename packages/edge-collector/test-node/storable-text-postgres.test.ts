import { freshPostgresStore } from './fresh-database.ts';
import { describeStorableText } from './storable-text-suite.ts';

describeStorableText('Postgres', freshPostgresStore('storable_text'));
