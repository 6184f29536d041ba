import { describeApiKeys } from './api-keys-suite.ts';
import { freshD1Store } from './fresh-d1.ts';

describeApiKeys('D1', freshD1Store());
