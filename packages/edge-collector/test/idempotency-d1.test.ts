import { env } from 'cloudflare:workers';
import { D1Store } from '../src/store/d1.ts';
import { describeIdempotency } from './idempotency-suite.ts';

describeIdempotency('D1', () => new D1Store(env.DB));
