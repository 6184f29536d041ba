// The baseline for the ingest benchmark: the smallest Hono app, on the collector's runtime.
import { Hono } from 'hono';

export default new Hono().get('/', (c) => c.text('ok'));
