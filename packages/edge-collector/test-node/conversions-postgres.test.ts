import { describeConversions } from '../test/conversions-suite.ts';
import { freshPostgresStore } from './fresh-database.ts';

describeConversions('Postgres', freshPostgresStore('conversions'));
