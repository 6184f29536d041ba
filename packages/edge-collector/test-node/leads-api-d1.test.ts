import { freshD1Store } from './fresh-d1.ts';
import { describeLeadsApi } from './leads-api-suite.ts';
import { describeServerEvents } from './leads-server-events-suite.ts';

const store = freshD1Store();
describeLeadsApi('D1', store);
describeServerEvents('D1', store);
