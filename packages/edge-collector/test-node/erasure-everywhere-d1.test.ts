import { describeErasureEverywhere } from './erasure-everywhere-suite.ts';
import { dumpD1Tables, freshD1 } from './fresh-d1.ts';

const d1 = freshD1();
describeErasureEverywhere('D1', d1.store, () => dumpD1Tables(d1.database()));
