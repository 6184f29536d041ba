import { freshD1Store } from './fresh-d1.ts';
import { describeOfflineConversions } from './offline-conversions-suite.ts';

describeOfflineConversions('D1', freshD1Store());
