import { dumpD1Tables, freshD1 } from './fresh-d1.ts';
import { describeRetention } from './retention-suite.ts';

const d1 = freshD1();
describeRetention('D1', d1.store, () => dumpD1Tables(d1.database()));
