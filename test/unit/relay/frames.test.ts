import { afterEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import Database from '@signalapp/sqlcipher';
import { join } from 'node:path';
import { EntenteError } from '../../../shared/errors';
import { ClientFrame, ServerFrame, WireAgencyId, WireNonce, WireNoteId, WireOfficerId, WireSignature } from '../../../shared/wire/relay-frames';
import { parseEnvelope, sealEnvelope } from '../../../main/crypto/envelope';
import { dhKeyPair } from '../../../main/crypto/sodium';
import { toBase64url } from '../../../main/trust/base64url';
import { base64urlBytes } from '../../../main/trust/base64url';
import { AgencyId, OfficerId } from '../../../main/trust/fields';
import { CommitQueue } from '../../../relay/commit-queue';
import { checkBinding, readEnvelopeRouting } from '../../../relay/envelope-header';
import { tempDir } from '../../helpers/tmp';
import { makeEnvelope, newNoteId, relayCast } from './relay-fixtures';

const { alice, bob } = await relayCast();

const idText = fc.string({ unit: fc.constantFrom(...'abz09._-@/A '.split('')), maxLength: 70 });

describe('relay frame schemas', () => {
  it('accept exactly the agency and officer ids the signed objects accept', () => {
    fc.assert(
      fc.property(idText, (s) => {
        expect(WireAgencyId.safeParse(s).success).toBe(AgencyId.safeParse(s).success);
        expect(WireOfficerId.safeParse(s).success).toBe(OfficerId.safeParse(s).success);
      }),
      { numRuns: 2000 },
    );
  });

  it('accept exactly the canonical base64url of 16, 32 and 64 bytes', () => {
    const pairs = [
      [WireNoteId, base64urlBytes(16), 22],
      [WireNonce, base64urlBytes(32), 43],
      [WireSignature, base64urlBytes(64), 86],
    ] as const;
    for (const [wire, field, length] of pairs) {
      fc.assert(
        fc.property(fc.string({ unit: fc.constantFrom(...'AQgwBEk09_-+='.split('')), minLength: length - 1, maxLength: length + 1 }), (s) => {
          expect(wire.safeParse(s).success).toBe(field.safeParse(s).success);
        }),
        { numRuns: 1000 },
      );
    }
  });

  it('refuse unknown fields, duplicate recipients and oversized lists', () => {
    const send = { type: 'send', id: newNoteId(), to: [{ agency: 'uk-demo', officerId: 'bob' }], envelope: 'AAAA' };
    expect(ClientFrame.safeParse(send).success).toBe(true);
    expect(ClientFrame.safeParse({ ...send, extra: 1 }).success).toBe(false);
    expect(ClientFrame.safeParse({ ...send, to: [...send.to, ...send.to] }).success).toBe(false);
    expect(ClientFrame.safeParse({ ...send, to: [] }).success).toBe(false);
    expect(ClientFrame.safeParse({ ...send, to: Array.from({ length: 257 }, (_, i) => ({ agency: 'uk-demo', officerId: `o${i}` })) }).success).toBe(false);
    expect(ClientFrame.safeParse({ type: 'ack', ids: Array.from({ length: 1025 }, () => send.id) }).success).toBe(false);
    expect(ServerFrame.safeParse({ type: 'stored', id: send.id }).success).toBe(false);
  });
});

describe('envelope routing reader', () => {
  it('reads the note id, sender and recipients of a well-formed envelope', () => {
    const id = newNoteId();
    const routing = readEnvelopeRouting(makeEnvelope(id, alice, [bob]));
    expect(routing).toEqual({ id, sender: { agency: 'fr-dgsi', officerId: 'alice', serial: 11 }, recipients: [{ agency: 'uk-demo', officerId: 'bob' }] });
    expect(() => checkBinding(routing, { id, to: [{ agency: 'uk-demo', officerId: 'bob' }] }, alice)).not.toThrow();
  });

  it('reads envelopes made by the real sealer (main/crypto/envelope.ts) the same way the recipients parse them', () => {
    const sender = { agency: 'fr-dgsi', officerId: 'alice', serial: 11 };
    const recipients = ['bob', 'carol', 'anna'].map((officerId, i) => ({ agency: 'uk-demo', officerId, prekeyId: i + 1, prekey: dhKeyPair().publicKey, identityDh: dhKeyPair().publicKey }));
    const { bytes, header } = sealEnvelope({
      channel: toBase64url(new Uint8Array(16).fill(4)),
      kind: 'note',
      sender,
      time: '2026-11-23T10:00:00.000Z',
      seq: 3,
      label: { policyId: '1.3.26.1.3.1', classification: 4, categories: [] },
      recipients,
      plaintext: new TextEncoder().encode('rendez-vous at noon'),
      signSecret: alice.keys.secretKey,
    });
    const routing = readEnvelopeRouting(bytes);
    const parsed = parseEnvelope(bytes).header;
    expect(routing.id).toBe(header.id);
    expect(routing.sender).toEqual(parsed.sender);
    expect(routing.recipients).toEqual(parsed.recipients.map((r) => ({ agency: r.agency, officerId: r.officerId })));
    expect(() => checkBinding(routing, { id: header.id, to: recipients.map((r) => ({ agency: r.agency, officerId: r.officerId })) }, sender)).not.toThrow();
  });

  it('throws only relay_frame_invalid on any damaged or random input', () => {
    const good = makeEnvelope(newNoteId(), alice, [bob]);
    const mutated = fc.tuple(fc.nat(good.length - 1), fc.integer({ min: 0, max: 255 })).map(([i, b]) => {
      const copy = good.slice();
      copy[i] = b;
      return copy;
    });
    const truncated = fc.nat(good.length - 1).map((n) => good.slice(0, n));
    const extended = fc.uint8Array({ minLength: 1, maxLength: 8 }).map((extra) => new Uint8Array([...good, ...extra]));
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 600 }), mutated, truncated, extended), (bytes) => {
        try {
          readEnvelopeRouting(bytes);
        } catch (err) {
          expect(err).toBeInstanceOf(EntenteError);
          expect((err as EntenteError).code).toBe('relay_frame_invalid');
        }
      }),
      { numRuns: 3000 },
    );
    expect(() => readEnvelopeRouting(good.slice(0, -1))).toThrow(expect.objectContaining({ code: 'relay_frame_invalid' }));
    expect(() => readEnvelopeRouting(new Uint8Array([...good, 0]))).toThrow(expect.objectContaining({ code: 'relay_frame_invalid' }));
  });
});

describe('commit queue', () => {
  let dir: ReturnType<typeof tempDir>;
  let db: Database;
  afterEach(() => {
    db.close();
    dir.remove();
  });
  const open = () => {
    dir = tempDir();
    db = new Database(join(dir.path, 'q.db'));
    db.pragma('journal_mode = WAL');
    db.exec('CREATE TABLE t (v INTEGER UNIQUE)');
    return new CommitQueue(db);
  };
  const values = () => db.prepare('SELECT v FROM t ORDER BY v', { pluck: true }).all();

  it('commits everything submitted in one turn as one batch, settling only after the commit', async () => {
    const q = open();
    const settled: number[] = [];
    const ps = [1, 2, 3].map((v) => q.submit(() => db.prepare('INSERT INTO t (v) VALUES (?)').run([v])).then(() => settled.push(v)));
    expect(settled).toEqual([]);
    await Promise.all(ps);
    expect(settled).toEqual([1, 2, 3]);
    expect(values()).toEqual([1, 2, 3]);
    expect(q.stats).toMatchObject({ batches: 1, operations: 3 });
  });

  it('rolls back only the operation that failed', async () => {
    const q = open();
    const results = await Promise.allSettled([
      q.submit(() => db.prepare('INSERT INTO t (v) VALUES (1)').run()),
      q.submit(() => {
        db.prepare('INSERT INTO t (v) VALUES (2)').run();
        throw new EntenteError('relay_mailbox_full', 'full');
      }),
      q.submit(() => db.prepare('INSERT INTO t (v) VALUES (1)').run()), // UNIQUE violation
      q.submit(() => db.prepare('INSERT INTO t (v) VALUES (3)').run()),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason).toMatchObject({ code: 'relay_mailbox_full' });
    expect((results[2] as PromiseRejectedResult).reason).toMatchObject({ code: 'relay_storage_failed' });
    expect(values()).toEqual([1, 3]);
  });

  it('drain waits for everything submitted', async () => {
    const q = open();
    for (let v = 10; v < 20; v++) void q.submit(() => db.prepare('INSERT INTO t (v) VALUES (?)').run([v]));
    await q.drain();
    expect(values()).toHaveLength(10);
    expect(q.pending).toBe(0);
  });
});
