// What a benchmark starts (wrangler dev in its own process group, a Postgres, temporary
// directories) is stopped when it ends, fails or is interrupted: Ctrl-C does not reach those
// process groups.

export type Scope = {
  /** Registers a stop for the end of the scope; call the returned function to stop it sooner. */
  own(stop: () => Promise<unknown>): () => Promise<void>;
  /** Aborted when the scope ends: a wrangler query still running would write to removed state. */
  signal: AbortSignal;
};

/** Clean-ups of the open scopes, outermost first; an interruption runs them innermost first. */
const open: (() => Promise<void>)[] = [];

async function interrupted() {
  for (const cleanUp of [...open].reverse()) await cleanUp();
  process.exit(130);
}

export async function withCleanup<T>(work: (scope: Scope) => Promise<T>): Promise<T> {
  const stops: (() => Promise<void>)[] = [];
  const aborter = new AbortController();
  let cleaning: Promise<void> | undefined;
  const cleanUp = () =>
    (cleaning ??= (async () => {
      aborter.abort();
      for (const stop of stops.reverse()) await stop();
    })());
  const own = (stop: () => Promise<unknown>) => {
    let stopping: Promise<void> | undefined;
    const once = () => (stopping ??= stop().then(() => {}));
    stops.push(once);
    return once;
  };
  if (open.length === 0) {
    process.once('SIGINT', interrupted);
    process.once('SIGTERM', interrupted);
  }
  open.push(cleanUp);
  try {
    return await work({ own, signal: aborter.signal });
  } finally {
    open.splice(open.indexOf(cleanUp), 1);
    if (open.length === 0) {
      process.off('SIGINT', interrupted);
      process.off('SIGTERM', interrupted);
    }
    await cleanUp();
  }
}
