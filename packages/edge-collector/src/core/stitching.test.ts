import { describe, expect, it } from 'vitest';
import type { Identifier } from './identifiers.ts';
import {
  type IdentifyingEvent,
  type IdentityGraph,
  leadAt,
  ownership,
  stitch,
  type VisitorLink,
} from './stitching.ts';

const email = (value: string): Identifier => ({ kind: 'email', value });
const phone = (value: string): Identifier => ({ kind: 'phone', value });
const emptyGraph = (): IdentityGraph => ({
  leads: new Map(),
  identifiers: new Map(),
  links: new Map(),
});

function idSequence() {
  let next = 0;
  return () => `lead_${++next}`;
}

const identify = (
  id: string,
  anonymousId: string,
  occurredAt: number,
  ...identifiers: Identifier[]
): IdentifyingEvent => ({ id, anonymousId, occurredAt, identifiers });

describe('leadAt', () => {
  const links: VisitorLink[] = [
    { eventId: 'e1', anonymousId: 'v', leadId: 'anna', linkedAt: 10 },
    { eventId: 'e2', anonymousId: 'v', leadId: 'ben', linkedAt: 20 },
  ];
  it.each([
    [5, 'anna'], // before any link: the first link reaches back
    [10, 'anna'],
    [19, 'anna'],
    [20, 'ben'],
    [99, 'ben'],
  ])('at %i the browser is %s', (at, lead) => {
    expect(leadAt(links, at)).toBe(lead);
  });

  it('is null for a browser never identified', () => {
    expect(ownership([]).leadAt('v', 5)).toBeNull();
  });
});

describe('stitch', () => {
  it('decides a shared browser by event time, whatever the arrival order', () => {
    const events = [
      identify('e2', 'v', 20, email('ben@acme.io')),
      identify('e1', 'v', 10, email('anna@acme.io')),
    ];
    const graph = emptyGraph();
    const newLead = idSequence();
    stitch(graph, [events[0]!], newLead);
    stitch(graph, [events[1]!], newLead);
    const owners = ownership(graph.links.values());
    const leadOf = (value: string) => graph.identifiers.get(`email:${value}`)!.leadId;
    expect(leadOf('anna@acme.io')).not.toBe(leadOf('ben@acme.io'));
    expect(owners.leadAt('v', 0)).toBe(leadOf('anna@acme.io'));
    expect(owners.leadAt('v', 15)).toBe(leadOf('anna@acme.io'));
    expect(owners.leadAt('v', 25)).toBe(leadOf('ben@acme.io'));
  });

  it('merges into the lead that identified first, even when it arrives last', () => {
    const graph = emptyGraph();
    const newLead = idSequence();
    stitch(graph, [identify('e2', 'v2', 20, phone('+4930111222'))], newLead); // lead_1, created 20
    stitch(graph, [identify('e3', 'v3', 30, email('a@acme.io'), phone('+4930111222'))], newLead);
    const outcome = stitch(graph, [identify('e1', 'v1', 10, email('a@acme.io'))], newLead);
    expect(outcome.merges).toEqual([]);
    expect(graph.leads.get('lead_1')).toEqual({ id: 'lead_1', createdAt: 10, mergedInto: null });
    expect(graph.identifiers.get('email:a@acme.io')?.firstSeenAt).toBe(10);
  });

  it('merges two leads on one event carrying both; chains end one hop from the survivor', () => {
    const graph = emptyGraph();
    const outcome = stitch(
      graph,
      [
        identify('e1', 'vc', 1, email('c@acme.io')),
        identify('e2', 'vb', 2, email('b@acme.io')),
        identify('e3', 'va', 3, email('a@acme.io')),
        identify('e4', 'va', 4, email('a@acme.io'), email('b@acme.io')),
        identify('e5', 'vb', 5, email('b@acme.io'), email('c@acme.io')),
      ],
      idSequence(),
    );
    expect(outcome.merges.map(({ fromLeadId, intoLeadId }) => [fromLeadId, intoLeadId])).toEqual([
      ['lead_3', 'lead_2'],
      ['lead_2', 'lead_1'],
    ]);
    expect(graph.leads.get('lead_3')?.mergedInto).toBe('lead_1');
    expect([...graph.identifiers.values()].every((row) => row.leadId === 'lead_1')).toBe(true);
    expect([...graph.links.values()].every((link) => link.leadId === 'lead_1')).toBe(true);
  });

  it('skips an event it has linked before (a redelivery)', () => {
    const graph = emptyGraph();
    const event = identify('e1', 'v', 1, email('a@acme.io'));
    expect(stitch(graph, [event], idSequence()).created).toHaveLength(1);
    const again = stitch(graph, [event], idSequence());
    expect(again).toEqual({ created: [], identified: [], merges: [] });
  });

  it('reports a known lead seen on a new browser, or with a new identifier, as identified', () => {
    const graph = emptyGraph();
    const newLead = idSequence();
    stitch(graph, [identify('e1', 'laptop', 1, email('a@acme.io'))], newLead);
    const outcome = stitch(
      graph,
      [
        identify('e2', 'phone', 2, email('a@acme.io')),
        identify('e3', 'phone', 3, email('a@acme.io'), phone('+4930111222')),
        identify('e4', 'phone', 4, email('a@acme.io')),
      ],
      newLead,
    );
    expect(
      outcome.identified.map(({ eventId, newVisitor, added }) => [eventId, newVisitor, added]),
    ).toEqual([
      ['e2', true, []],
      ['e3', false, [phone('+4930111222')]],
    ]);
  });
});
