import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import { AuditView } from '../../renderer/src/views/review/AuditView';
import { en } from '../../renderer/src/i18n/en';
import { fr } from '../../renderer/src/i18n/fr';
import { compileSpif } from '../../main/policy';
import type { CallInput, CallOutput } from '../../shared/api/contract';
import { fakeApi, refuse, renderIn, type Handlers } from '../helpers/fake-api';

afterEach(cleanup);

// happy-dom lays nothing out: give the table's scroller the size a window would, so the virtualizer has rows to show.
function descriptor(name: string): PropertyDescriptor {
  for (let proto: object | null = HTMLElement.prototype; proto !== null; proto = Object.getPrototypeOf(proto) as object | null) {
    const found = Object.getOwnPropertyDescriptor(proto, name);
    if (found) return found;
  }
  throw new Error(`no ${name}`);
}
const sizes = { clientHeight: 420, clientWidth: 900 } as const;
const own = Object.fromEntries(Object.keys(sizes).map((name) => [name, Object.getOwnPropertyDescriptor(HTMLElement.prototype, name)]));
beforeAll(() => {
  for (const [name, size] of Object.entries(sizes)) {
    const real = descriptor(name);
    Object.defineProperty(HTMLElement.prototype, name, {
      configurable: true,
      get(this: HTMLElement) {
        return this.dataset.testid === 'audit-table' ? size : (real.get?.call(this) as number);
      },
    });
  }
});
afterAll(() => {
  for (const name of Object.keys(sizes)) {
    const before = own[name];
    if (before) Object.defineProperty(HTMLElement.prototype, name, before);
    else Reflect.deleteProperty(HTMLElement.prototype, name);
  }
});

const nato = compileSpif(readFileSync('policies/nato.xml', 'utf8'));
const secret = nato.classifications.find((c) => c.name === 'SECRET')!;
type Entry = CallOutput<'audit.page'>['entries'][number];

/** A history of `size` entries, newest first, served in pages by cursor like the Service does. */
function history(size: number): Handlers & { pages: CallInput<'audit.page'>[] } {
  const pages: CallInput<'audit.page'>[] = [];
  const entry = (seq: number): Entry => ({ seq, time: '2026-03-02T10:00:00.000Z', type: seq % 2 ? 'note_displayed' : 'unlock_succeeded', outcome: 'ok', hash: `h${seq}` });
  return {
    pages,
    'display.context': () => ({ language: 'en', viewer: { standing: 'in_force', credential: null, clearance: null, ceiling: null, sessionMode: 'normal', cap: null }, policies: [nato] }),
    'audit.counts': () => ({
      days: [
        { day: '2026-03-01', policyId: null, classification: null, marking: null, color: null, count: size - 10 },
        { day: '2026-03-02', policyId: nato.id, classification: secret.lacv, marking: 'NATO SECRET', color: '#c00', count: 10 },
      ],
    }),
    'audit.page': (input) => {
      pages.push(input);
      const top = input.before === undefined ? size : input.before - 1;
      const limit = input.limit ?? 50;
      const entries = Array.from({ length: Math.min(limit, top) }, (_, i) => entry(top - i));
      const last = entries[entries.length - 1];
      return { entries, next: last !== undefined && last.seq > 1 ? last.seq : null };
    },
  };
}

describe('AuditView', () => {
  it('shows a virtualized window of a large history, paged by cursor', async () => {
    const handlers = history(1_000_000);
    const { api } = fakeApi(handlers);
    renderIn(<AuditView api={api} />);
    await waitFor(() => expect(screen.getAllByTestId('audit-row').length).toBeGreaterThan(0));
    // Only what is on screen exists in the DOM, not a million rows.
    expect(screen.getAllByTestId('audit-row').length).toBeLessThan(100);
    expect(screen.getByTestId('audit-table').getAttribute('aria-rowcount')).toBe('1000001');
    expect(screen.getAllByTestId('audit-row')[0]!.textContent).toContain('1000000');
    expect(screen.getByTestId('audit-total').textContent).toBe('1000000 entries match.');
    expect(handlers.pages[0]).toEqual({ limit: 200 });
  });

  it('re-queries audit.page and audit.counts with the filters as the contract wants them', async () => {
    const handlers = history(500);
    const { api, calls } = fakeApi(handlers);
    renderIn(<AuditView api={api} />);
    await screen.findAllByTestId('audit-row');
    fireEvent.change(screen.getByTestId('audit-type'), { target: { value: 'note_withheld' } });
    await waitFor(() => expect(handlers.pages.at(-1)).toEqual({ types: ['note_withheld'], limit: 200 }));
    fireEvent.change(screen.getByTestId('audit-outcome'), { target: { value: 'refused' } });
    fireEvent.change(screen.getByTestId('audit-level'), { target: { value: `${nato.id}#${secret.lacv}` } });
    fireEvent.change(screen.getByTestId('audit-from'), { target: { value: '2026-03-01' } });
    fireEvent.change(screen.getByTestId('audit-to'), { target: { value: '2026-03-02' } });
    fireEvent.change(screen.getByTestId('audit-officer'), { target: { value: 'fra-dgse/camille' } });
    fireEvent.click(screen.getByTestId('audit-apply'));
    const expected = {
      types: ['note_withheld'],
      outcomes: ['refused'],
      atOrAbove: { policyId: nato.id, classification: secret.lacv },
      from: '2026-03-01T00:00:00.000Z',
      to: '2026-03-03T00:00:00.000Z',
      officer: 'fra-dgse/camille',
    };
    await waitFor(() => expect(handlers.pages.at(-1)).toEqual({ ...expected, limit: 200 }));
    expect(calls.filter((c) => c.name === 'audit.counts').at(-1)?.input).toEqual(expected);
  });

  it('refuses an end day before the start day without querying', async () => {
    const handlers = history(5);
    const { api } = fakeApi(handlers);
    renderIn(<AuditView api={api} />);
    await screen.findAllByTestId('audit-row');
    const before = handlers.pages.length;
    fireEvent.change(screen.getByTestId('audit-from'), { target: { value: '2026-03-05' } });
    fireEvent.change(screen.getByTestId('audit-to'), { target: { value: '2026-03-01' } });
    expect(screen.getByRole('alert').textContent).toBe(en.review.audit.badRange);
    fireEvent.submit(screen.getByTestId('audit-filters'));
    expect(handlers.pages.length).toBe(before);
  });

  it('names the first broken entry, in French too', async () => {
    const { api } = fakeApi({
      ...history(3),
      'audit.verify': () => ({ ok: false, entries: 3, lastSeq: 3, checkpoints: 1, latestCheckpoint: null, keystoreCheckpoint: null, problem: { code: 'audit_chain_broken', kind: 'chain', seq: 2, message: 'x' }, ms: 3 }),
    });
    renderIn(<AuditView api={api} />, 'fr');
    expect(screen.getByTestId('audit-integrity').textContent).toBe(fr.review.audit.notVerified);
    fireEvent.click(screen.getByTestId('audit-verify'));
    await waitFor(() => expect(screen.getByTestId('audit-integrity').dataset.state).toBe('broken'));
    expect(screen.getByTestId('audit-integrity').textContent).toBe(`ROMPU à l'entrée nº 2 : ${fr.errors.audit_chain_broken}`);
  });

  it('says intact, exports, and translates a refused export', async () => {
    let exportOk = true;
    const { api } = fakeApi({
      ...history(3),
      'audit.verify': () => ({ ok: true, entries: 3, lastSeq: 3, checkpoints: 1, latestCheckpoint: null, keystoreCheckpoint: null, problem: null, ms: 1 }),
      'audit.export': () => (exportOk ? { file: '/x/exports/audit.jsonl', manifest: '/x/exports/audit.manifest.json', count: 3, lastSeq: 3, exportedAt: 1 } : refuse('file_unwritable')),
    });
    renderIn(<AuditView api={api} />);
    fireEvent.click(screen.getByTestId('audit-verify'));
    await waitFor(() => expect(screen.getByTestId('audit-integrity').textContent).toBe('Intact: 3 entries up to no. 3, 1 signed checkpoints.'));
    fireEvent.click(screen.getByTestId('audit-export'));
    expect((await screen.findByTestId('audit-exported')).textContent).toContain('/x/exports/audit.jsonl');
    exportOk = false;
    fireEvent.click(screen.getByTestId('audit-export'));
    expect((await screen.findByRole('alert')).textContent).toBe(en.errors.file_unwritable);
  });

  it('draws the chart as a named SVG with the same figures in a table', async () => {
    const { api } = fakeApi(history(40));
    renderIn(<AuditView api={api} />);
    // The history's days are in March; the chart shows the filter's range, every day of it.
    fireEvent.change(await screen.findByTestId('audit-from'), { target: { value: '2026-03-01' } });
    fireEvent.change(screen.getByTestId('audit-to'), { target: { value: '2026-03-02' } });
    fireEvent.submit(screen.getByTestId('audit-filters'));
    await waitFor(() => expect(screen.getByTestId('audit-chart').querySelectorAll('rect').length).toBe(2));
    const chart = screen.getByTestId('audit-chart');
    expect(chart.querySelector('svg[role="img"] title')?.textContent).toBe(en.review.audit.chartTitle);
    const rows = [...screen.getByTestId('audit-chart-table').querySelectorAll('tbody tr')].map((r) => r.textContent);
    expect(rows).toEqual(['2026-03-0130030', '2026-03-0201010']);
    expect(chart.textContent).toContain('NATO SECRET');
  });
});
