import { freshPostgresStore } from './fresh-database.ts';
import { describeOfflineConversions } from './offline-conversions-suite.ts';

describeOfflineConversions('Postgres', freshPostgresStore('offline_conversions'));
