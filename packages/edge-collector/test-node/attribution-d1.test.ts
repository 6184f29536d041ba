import { describeAttribution } from './attribution-suite.ts';
import { freshD1Store } from './fresh-d1.ts';

describeAttribution('D1', freshD1Store());
