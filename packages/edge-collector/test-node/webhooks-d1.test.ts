import { freshD1Store } from './fresh-d1.ts';
import { describeWebhookDelivery } from './webhook-suite.ts';

describeWebhookDelivery('D1', freshD1Store());
