import type { Context } from 'hono';

/** An error's message for a log line, cut short. */
export const errorMessage = (error: unknown) =>
  (error instanceof Error ? error.message : String(error)).slice(0, 300);

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
