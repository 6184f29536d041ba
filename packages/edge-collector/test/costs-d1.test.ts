import { env } from 'cloudflare:workers';
import { D1Store } from '../src/store/d1.ts';
import { describeCosts } from './costs-suite.ts';

describeCosts('D1', () => new D1Store(env.DB));
