import { env } from 'cloudflare:workers';
import { D1Store } from '../src/store/d1.ts';
import { describeLeads } from './lead-suite.ts';

describeLeads('D1', () => new D1Store(env.DB));
