import {
  type FunnelReport,
  funnelQuerySchema,
  type InquiriesReport,
  inquiriesQuerySchema,
  type LocationsReport,
  locationsQuerySchema,
  type SpeedToLeadReport,
  speedToLeadQuerySchema,
} from '@leadloop/schema';
import { Hono } from 'hono';
import type { AppDeps } from '../../app.ts';
import { funnelView } from '../../core/funnel.ts';
import { hourOfWeekCells, offsetStretches } from '../../core/hour-of-week.ts';
import { locationsView } from '../../core/location-report.ts';
import { ranksFor, SPEED_PERCENTILES, speedToLeadView } from '../../core/speed-to-lead-report.ts';
import { reportRange } from '../report-range.ts';
import { requireSecretKey, type SecretKeyEnv } from '../secret-key-auth.ts';
import { parseQuery } from '../validate.ts';

// `GET /v1/reports/*`: read-only aggregate reports over a range (`from` / `to`, days read in the
// site's time zone). The database counts; core/ turns counts into the answer.

export function reportRoutes(deps: AppDeps): Hono<SecretKeyEnv> {
  const { store, now = Date.now } = deps;

  return new Hono<SecretKeyEnv>()
    .use(requireSecretKey(deps))
    .get('/funnel', async (c) => {
      const site = c.get('site');
      const query = parseQuery(funnelQuerySchema, c.req.query());
      const window = reportRange(query, site.timezone, now());
      const counts = await store.reports.funnel(site.id, window);
      const body: FunnelReport = { ...rangeOf(window, site.timezone), stages: funnelView(counts) };
      return c.json(body);
    })
    .get('/inquiries', async (c) => {
      const site = c.get('site');
      const query = parseQuery(inquiriesQuerySchema, c.req.query());
      const window = reportRange(query, site.timezone, now());
      // The zone's offset changes are looked up over the span the events cover, not the range.
      const span = await store.reports.eventSpan(site.id, window);
      const stretches = span ? offsetStretches(span.first, span.last, site.timezone) : [];
      const counts = span
        ? await store.reports.inquiries(
            site.id,
            window,
            stretches.map((stretch) => stretch.start),
          )
        : [];
      const cells = hourOfWeekCells(counts, stretches);
      const body: InquiriesReport = {
        ...rangeOf(window, site.timezone),
        cells,
        totals: {
          forms: cells.reduce((sum, cell) => sum + cell.forms, 0),
          calls: cells.reduce((sum, cell) => sum + cell.calls, 0),
        },
      };
      return c.json(body);
    })
    .get('/locations', async (c) => {
      const site = c.get('site');
      const { by, ...query } = parseQuery(locationsQuerySchema, c.req.query());
      const window = reportRange(query, site.timezone, now());
      const found = await store.reports.locations(site.id, window, by);
      const body: LocationsReport = {
        ...rangeOf(window, site.timezone),
        by,
        ...locationsView(by, found.sessions, found.leads, found.revenue),
      };
      return c.json(body);
    })
    .get('/speed-to-lead', async (c) => {
      const site = c.get('site');
      const query = parseQuery(speedToLeadQuerySchema, c.req.query());
      const window = reportRange(query, site.timezone, now());
      const counts = await store.reports.speedToLead(site.id, window);
      const ranks = ranksFor(counts.worked, Object.values(SPEED_PERCENTILES));
      const durations = await store.reports.workDurationsAt(site.id, window, ranks);
      const body: SpeedToLeadReport = {
        ...rangeOf(window, site.timezone),
        ...speedToLeadView(counts, durations),
      };
      return c.json(body);
    });
}

const rangeOf = ({ from, to }: { from: number; to: number }, timezone: string) => ({
  from: new Date(from).toISOString(),
  to: new Date(to).toISOString(),
  timezone,
});
