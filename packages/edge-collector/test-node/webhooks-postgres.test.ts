import { freshPostgresStore } from './fresh-database.ts';
import { describeWebhookDelivery } from './webhook-suite.ts';

describeWebhookDelivery('Postgres', freshPostgresStore('webhooks'));
