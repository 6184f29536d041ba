import type { Context } from 'hono';

/**
 * An error's message for a log line, cut short. A database error is wrapped by drizzle in
 * "Failed query: <SQL> params: <values>", and the values are people's emails and phones: only the
 * database's own message (the cause) is logged.
 */
export const errorMessage = (error: unknown) => {
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  return (cause instanceof Error ? cause.message : String(cause)).slice(0, 300);
};

/** An error for the log: its safe message and where it was thrown, never the query's values. */
export const errorForLog = (error: unknown) => {
  const frames =
    error instanceof Error
      ? (error.stack ?? '').split('\n').filter((line) => /^\s+at /.test(line))
      : [];
  return [errorMessage(error), ...frames].join('\n');
};

/**
 * Runs work after the answer is sent (`waitUntil`), logging rather than throwing what fails:
 * `failing` says what did, for the log. Without an execution context (a test's `app.request`)
 * the promise simply runs on its own.
 */
export function afterResponse(c: Context, work: Promise<unknown>, failing: string): void {
  const settled = work.catch((error) => console.error(`${failing}:`, errorMessage(error)));
  try {
    c.executionCtx.waitUntil(settled);
  } catch {
    // No execution context: nothing to extend.
  }
}
