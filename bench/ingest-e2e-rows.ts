// The end-to-end rows: events/s persisted per variant, each a lower bound (the window ends at the
// first count that saw every row), leads/s where every visitor becomes one, and whether every
// accepted event was persisted (and every visitor made a lead).
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

const MODE_NAMES: Record<Variant['mode'], string> = {
  batched: 'batched writes',
  leads: 'batched writes, every visitor a lead',
  single: 'single-row writes',
};
const MODE_NOTES: Record<Variant['mode'], string> = {
  batched: 'shipped config, max_batch_size 100; anonymous visitors (pageviews)',
  leads:
    "shipped config; each visitor's 10 events end in a form fill with an email: stitching, scoring and outbox on top",
  single: 'generated config, max_batch_size 1 (one message a transaction)',
};

function leadRows(variant: Variant): Row[] {
  const rounds = variant.rounds.filter((r) => r.leads);
  if (rounds.length === 0) return [];
  const rates = rounds.map(
    (r) => r.leads!.drained.stored / seconds(r.sent.startedAt, r.leads!.drained.seenAt),
  );
  const made = sum(rounds.map((r) => r.leads!.drained.stored));
  const expected = sum(rounds.map((r) => r.leads!.expected));
  return [
    {
      bench,
      metric: `${variant.database}: leads/s made (one per visitor)`,
      result: int(median(rates)),
      notes: `rounds ${rates.map(int).join(' / ')}; ${int(made)} leads for ${int(expected)} visitors${made === expected ? '' : ' (MISSING LEADS)'}`,
    },
  ];
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
    MODE_NOTES[variant.mode],
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
    metric: `${variant.database}, ${MODE_NAMES[variant.mode]}: events/s persisted`,
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
    ...variants.flatMap((variant) => [
      variantRow(
        variant,
        variant.mode === 'batched'
          ? undefined
          : variants.find((v) => v.database === variant.database && v.mode === 'batched'),
      ),
      ...leadRows(variant),
    ]),
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
