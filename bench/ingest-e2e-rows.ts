// The end-to-end rows: events/s persisted per variant, each a lower bound (the window ends at the
// first count that saw every row), and whether every accepted event was persisted.
import type { PersistRound, Variant } from './ingest-e2e.ts';
import { fixed, int, median, type Row } from './report.ts';

const bench = 'End to end, local workerd';
const seconds = (from: number, to: number) => (to - from) / 1000;
const sum = (values: number[]) => values.reduce((total, n) => total + n, 0);

/** From the first send to the first count that saw every row: a lower bound. */
const persistedPerSecond = (r: PersistRound) =>
  r.drained.stored / seconds(r.sent.startedAt, r.drained.seenAt);
/** The last row came after the last answer and after the count before that saw fewer. */
const lastRowAfter = (r: PersistRound) => Math.max(r.drained.missedAt, r.sent.finishedAt);

function transactionNotes(rounds: PersistRound[]): string {
  const sizes = rounds.flatMap((r) => r.transactions ?? []);
  if (sizes.length === 0) return '';
  const mean = fixed(sum(sizes) / sizes.length, 1);
  return `; ${int(sizes.length)} transactions, ${mean} events each on average (smallest ${Math.min(...sizes)}, largest ${Math.max(...sizes)})`;
}

function variantRow(variant: Variant, batched: Variant | undefined): Row {
  const rates = variant.rounds.map(persistedPerSecond);
  const rate = median(rates);
  const accepted = median(
    variant.rounds.map((r) => r.accepted / seconds(r.sent.startedAt, r.sent.finishedAt)),
  );
  const lag = Math.max(...variant.rounds.map((r) => seconds(lastRowAfter(r), r.drained.seenAt)));
  const atMost = median(
    variant.rounds.map((r) => r.drained.stored / seconds(r.sent.startedAt, lastRowAfter(r))),
  );
  const events = variant.rounds[0]?.accepted ?? 0;
  const notes = [
    variant.mode === 'batched'
      ? 'shipped config, max_batch_size 100'
      : 'generated config, max_batch_size 1 (one message a transaction)',
    ...(variant.mode === 'batched' && variant.database === 'D1'
      ? ["for scale, Umami's /api/send: 290–410 events/s on this machine (issue 4)"]
      : []),
    `${variant.rounds.length} × ${int(events)} events, rounds ${rates.map(int).join(' / ')}`,
    `accepted at ${int(accepted)}/s`,
    `the last row was seen ≤ ${fixed(lag, 1)} s after it was written, so a lower bound (at most ${int(atMost)}/s)`,
    ...(batched
      ? [`${fixed(rate / median(batched.rounds.map(persistedPerSecond)), 3)} × batched`]
      : []),
  ].join('; ');
  return {
    bench,
    metric: `${variant.database}, ${variant.mode === 'batched' ? 'batched' : 'single-row'} writes: events/s persisted`,
    result: int(rate),
    ...(variant.mode === 'batched' ? { target: { text: '≥ 4,000', met: rate >= 4000 } } : {}),
    notes: notes + transactionNotes(variant.rounds),
  };
}

export function persistRows(variants: Variant[]): Row[] {
  const rounds = variants.flatMap((v) => v.rounds.map((r, i) => ({ v, r, i })));
  const short = rounds
    .filter(({ r }) => r.drained.stored !== r.accepted)
    .map(
      ({ v, r, i }) => `${v.database} ${v.mode} round ${i + 1}: ${r.drained.stored - r.accepted}`,
    );
  return [
    ...variants.map((variant) =>
      variantRow(
        variant,
        variant.mode === 'single'
          ? variants.find((v) => v.database === variant.database && v.mode === 'batched')
          : undefined,
      ),
    ),
    {
      bench,
      metric: 'events persisted / accepted',
      result: `${int(sum(rounds.map(({ r }) => r.drained.stored)))} / ${int(sum(rounds.map(({ r }) => r.accepted)))}`,
      notes:
        short.length === 0
          ? 'every measured round of every variant: persisted = accepted'
          : `differ in ${short.join(', ')}`,
    },
  ];
}
