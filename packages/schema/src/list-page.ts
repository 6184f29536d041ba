import { z } from 'zod';

// What every list of the REST API answers, `{data, nextCursor}`, and the time stamps in answers:
// shared by the response schemas of each resource.

/** A time in an answer: ISO 8601 in UTC, as `Date#toISOString` writes it. */
export const responseTime = z.iso.datetime().meta({ description: 'ISO 8601, UTC.' });

const nextCursor = z
  .string()
  .nullable()
  .meta({ description: 'Pass as `cursor` to read the next page; null on the last page.' });

/** A page of `item`s and the cursor of the next one. */
export const pageOf = <T extends z.ZodType>(item: T) =>
  z.strictObject({ data: z.array(item), nextCursor });
