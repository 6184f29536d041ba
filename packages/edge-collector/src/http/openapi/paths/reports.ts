import {
  funnelQuerySchema,
  funnelReportSchema,
  inquiriesQuerySchema,
  inquiriesReportSchema,
  locationsQuerySchema,
  locationsReportSchema,
  speedToLeadQuerySchema,
  speedToLeadReportSchema,
} from '@leadloop/schema';
import type { ZodOpenApiPathsObject } from 'zod-openapi';
import { described } from '../described.ts';
import { json, problems, SECRET_KEY_ERRORS } from '../responses.ts';

const tags = ['Reports'];

const range = {
  from:
    'The first day (`YYYY-MM-DD`, from its start in the site’s time zone) or instant (ISO 8601 ' +
    'with an offset) counted; 90 days before `to` when left out.',
  to:
    'The last day (to its end, in the site’s time zone) or instant counted; now when left out. ' +
    'Not before `from`.',
};

const COHORT =
  'The cohort is the live leads created in the range (a lead merged into one of them counts ' +
  'with it); what they did later counts whenever it happened.';

/** `/v1/reports/*`: the funnel, inquiries by hour of week, places, speed to lead. */
export const reportPaths: ZodOpenApiPathsObject = {
  '/v1/reports/funnel': {
    get: {
      tags,
      operationId: 'getFunnelReport',
      summary: 'Funnel',
      description:
        'Sessions → leads → MQL → SQL → opportunities → customers. Sessions are those whose touch ' +
        `(first pageview) is in the range. ${COHORT} A lead reached a stage when its current ` +
        'status, any status it had, or a conversion of its own is that stage or a later one: a ' +
        'lead that went straight to customer counts in every stage before it.',
      requestParams: { query: described(funnelQuerySchema, range) },
      responses: {
        200: json('The six stages, in order.', funnelReportSchema),
        ...problems(400, ...SECRET_KEY_ERRORS),
      },
    },
  },
  '/v1/reports/inquiries': {
    get: {
      tags,
      operationId: 'getInquiriesReport',
      summary: 'Inquiries by hour of week',
      description:
        'Form submissions and call clicks from browsers (bots left out) in the range, by weekday ' +
        'and hour of the site’s time zone, daylight saving time followed. Always 168 cells, ' +
        'Monday 00:00 first.',
      requestParams: { query: described(inquiriesQuerySchema, range) },
      responses: {
        200: json('The 168 hours of the week.', inquiriesReportSchema),
        ...problems(400, ...SECRET_KEY_ERRORS),
      },
    },
  },
  '/v1/reports/locations': {
    get: {
      tags,
      operationId: 'getLocationsReport',
      summary: 'Places that produce customers',
      description:
        'Per country, region or city: sessions (placed by their own touch), leads and customers ' +
        `(placed by the lead’s first touch) and those customers’ revenue per currency. ${COHORT} ` +
        'Most customers first, then most leads, then most sessions.',
      requestParams: {
        query: described(locationsQuerySchema, {
          ...range,
          by: '`country`, `region` (with its country) or `city` (with its region and country).',
        }),
      },
      responses: {
        200: json('Places, most customers first.', locationsReportSchema),
        ...problems(400, ...SECRET_KEY_ERRORS),
      },
    },
  },
  '/v1/reports/speed-to-lead': {
    get: {
      tags,
      operationId: 'getSpeedToLeadReport',
      summary: 'Speed to lead',
      description:
        `How soon sales first worked new leads. ${COHORT} A lead is worked at the earliest of: ` +
        'a conversion of its own (any stage, `lost` included, at its `occurredAt`), a CRM ' +
        'status set on it (`opportunity`, `customer`, `lost`), or the last status set through ' +
        'the API. Median and 90th percentile in minutes, and counts per bucket.',
      requestParams: { query: described(speedToLeadQuerySchema, range) },
      responses: {
        200: json('Speed to lead of the cohort.', speedToLeadReportSchema),
        ...problems(400, ...SECRET_KEY_ERRORS),
      },
    },
  },
};
