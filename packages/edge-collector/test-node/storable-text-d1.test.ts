import { freshD1Store } from './fresh-d1.ts';
import { describeStorableText } from './storable-text-suite.ts';

describeStorableText('D1', freshD1Store());
