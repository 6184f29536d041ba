import { env } from 'cloudflare:workers';
import { D1Store } from '../src/store/d1.ts';
import { describeStore } from './store-suite.ts';

describeStore('D1', () => new D1Store(env.DB));
