import { freshD1Store } from './fresh-d1.ts';
import { describeReports } from './reports-suite.ts';

describeReports('D1', freshD1Store());
