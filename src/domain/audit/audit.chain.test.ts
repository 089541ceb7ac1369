import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Actor } from '../actor.js';
import { canonicalJson, chainAuditEvent, GENESIS_HASH, verifyAuditBatch } from './audit.chain.js';
import type { AuditEvent } from './audit.schema.js';

const actor: Actor = { kind: 'system', name: 'test', requestId: 'r1', purpose: 'administration' };

function chain(n: number): AuditEvent[] {
  const events: AuditEvent[] = [];
  for (let i = 0; i < n; i++) {
    const prev = events[events.length - 1];
    events.push(
      chainAuditEvent(prev && { seq: prev.seq, hash: prev.hash }, actor, { action: 'case.read', recordType: 'case', recordId: `c${i}`, details: { i } }, { id: `e${i}`, at: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString() }),
    );
  }
  return events;
}

describe('audit hash chain', () => {
  it('links each event to the previous one from the genesis hash', () => {
    const events = chain(3);
    expect(events.map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(events[0]?.prevHash).toBe(GENESIS_HASH);
    expect(events[1]?.prevHash).toBe(events[0]?.hash);
    expect(verifyAuditBatch(undefined, events)).toEqual({ last: { seq: 3, hash: events[2]?.hash } });
  });

  it('verifies across batches', () => {
    const events = chain(5);
    const first = verifyAuditBatch(undefined, events.slice(0, 2));
    expect('last' in first).toBe(true);
    if (!('last' in first)) return;
    expect(verifyAuditBatch(first.last, events.slice(2))).toEqual({ last: { seq: 5, hash: events[4]?.hash } });
  });

  it('finds any single altered field at the event that was altered', () => {
    const fields = ['at', 'actorName', 'action', 'recordType', 'recordId', 'purpose', 'outcome', 'requestId', 'details'] as const;
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 7 }), fc.constantFrom(...fields), fc.string({ minLength: 1, maxLength: 5 }), (index, field, junk) => {
        const events = chain(8);
        const original = events[index];
        if (!original) return;
        const altered = { ...original, [field]: `${String(original[field])}${junk}` } as AuditEvent;
        events[index] = altered;
        expect(verifyAuditBatch(undefined, events)).toEqual({ broken: { seq: index + 1, reason: 'hash_mismatch' } });
      }),
    );
  });

  it('finds a deleted event as a gap and a rewritten tail as a broken link', () => {
    const events = chain(4);
    expect(verifyAuditBatch(undefined, [events[0]!, events[2]!, events[3]!])).toEqual({ broken: { seq: 3, reason: 'sequence_gap', expectedSeq: 2 } });
    const forged = chainAuditEvent({ seq: 1, hash: 'f'.repeat(64) }, actor, { action: 'x', recordType: null, recordId: null }, { id: 'forged', at: events[1]!.at });
    expect(verifyAuditBatch(undefined, [events[0]!, forged])).toEqual({ broken: { seq: 2, reason: 'prev_hash_mismatch' } });
  });

  it('hashes details independently of key order', () => {
    expect(canonicalJson({ b: 1, a: [2, { d: 1, c: 2 }] })).toBe('{"a":[2,{"c":2,"d":1}],"b":1}');
  });
});
