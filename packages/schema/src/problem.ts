import { z } from 'zod';
import type { Pinned, Same } from './same-type.ts';

/** One validation failure: `path` is dotted (`events.3.page.url`), empty for the value itself. */
export type FieldError = { path: string; message: string };

/** An RFC 9457 problem document, as every Leadloop error is answered. */
export type Problem = {
  type: string;
  title: string;
  status: number;
  detail?: string;
  errors?: FieldError[];
};

export const fieldErrorSchema = z
  .strictObject({
    path: z.string().meta({
      description: 'Dotted path of the field (`events.3.page.url`); empty for the body itself.',
    }),
    message: z.string(),
  })
  .meta({ id: 'FieldError' });

export const problemSchema = z
  .strictObject({
    type: z.string().meta({
      description: 'What went wrong, as a URN (`urn:leadloop:problem:validation-failed`).',
      examples: ['urn:leadloop:problem:not-found'],
    }),
    title: z.string(),
    status: z.int().min(400).max(599).meta({ description: 'The HTTP status, repeated.' }),
    detail: z.string().optional().meta({ description: 'What to do about it, for a human.' }),
    errors: z
      .array(fieldErrorSchema)
      .optional()
      .meta({ description: 'For validation failures: every field that is wrong.' }),
  })
  .meta({
    id: 'Problem',
    description: 'An RFC 9457 problem document: every error is answered with one.',
  });

export type ProblemSchemasMatchTypes = Pinned<{
  fieldError: Same<z.infer<typeof fieldErrorSchema>, FieldError>;
  problem: Same<z.infer<typeof problemSchema>, Problem>;
}>;

const dotted = (path: readonly PropertyKey[]) => path.map(String).join('.');

/**
 * A zod error as field errors. A key a strict object refuses is named by its own path (`colour`,
 * `events.2.colour`) rather than in one message at the object: a client fixes what is named.
 */
export function toFieldErrors(error: z.ZodError): FieldError[] {
  return error.issues.flatMap((issue) =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({ path: dotted([...issue.path, key]), message: 'Unknown field' }))
      : [{ path: dotted(issue.path), message: issue.message }],
  );
}
