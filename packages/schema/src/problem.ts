import type { z } from 'zod';

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

export function toFieldErrors(error: z.ZodError): FieldError[] {
  return error.issues.map((issue) => ({
    path: issue.path.map(String).join('.'),
    message: issue.message,
  }));
}
