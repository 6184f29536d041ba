import { env } from 'cloudflare:workers';
import { D1Store } from '../src/store/d1.ts';
import { describeConversions } from './conversions-suite.ts';

describeConversions('D1', () => new D1Store(env.DB));
