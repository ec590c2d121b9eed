import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { PartnersView } from '../../renderer/src/views/review/PartnersView';
import { en } from '../../renderer/src/i18n/en';
import { fr } from '../../renderer/src/i18n/fr';
import type { PartnerOfficer } from '../../shared/api/partners-schemas';
import { fakeApi, refuse, renderIn } from '../helpers/fake-api';

afterEach(cleanup);

const digits = Array.from({ length: 12 }, (_, i) => String(10000 + i * 7));
const hans: PartnerOfficer = {
  agency: 'deu-bnd', officerId: 'hans', name: 'Hans Weber', nationality: 'DEU', serial: 3, clearance: 'NATO SECRET',
  standing: 'in_force', safetyNumber: digits, verified: false, keyChanged: true, sendable: false,
};
const list = {
  agencies: [{ id: 'deu-bnd', name: 'BND', country: 'DEU', fingerprint: 'ab12 cd34', policies: [], own: false }],
  agreements: [{ id: 'g1', proposer: 'fra-dgse', partner: 'deu-bnd', policyId: '1.3.26.1.3.1', policyName: 'NATO', ceiling: null, ceilingMarking: 'NATO CONFIDENTIAL', notBefore: '2026-01-01T00:00:00Z', notAfter: '2027-01-01T00:00:00Z', state: 'in_force' as const }],
  officers: [hans],
};

describe('PartnersView', () => {
  it('lists agencies and agreements with their ceilings', async () => {
    const { api } = fakeApi({ 'partners.list': () => list });
    renderIn(<PartnersView api={api} />);
    const agreement = await screen.findByTestId('agreement');
    expect(agreement.textContent).toContain('NATO CONFIDENTIAL');
    expect(agreement.textContent).toContain(en.review.partners.states.in_force);
    expect(screen.getByTestId('agencies').textContent).toContain('ab12 cd34');
  });

  it('warns in words about a key change, and verifying from the keyboard clears it', async () => {
    const { api, calls } = fakeApi({
      'partners.list': () => list,
      'partners.verify': (input) => (input.safetyNumber.replace(/\s/g, '') === digits.join('') ? { ...hans, verified: true, keyChanged: false, sendable: true } : refuse('safety_number_mismatch')),
    });
    renderIn(<PartnersView api={api} />);
    const card = await screen.findByTestId('officer-deu-bnd/hans');
    expect(within(card).getByTestId('key-changed').textContent).toBe(en.review.partners.keyChanged.replace('{{name}}', 'Hans Weber'));
    expect(within(card).getByTestId('safety-number').textContent).toBe(digits.join(' '));
    fireEvent.click(within(card).getByRole('button', { name: 'Verify the safety number of Hans Weber' }));
    const input = within(card).getByLabelText('Safety number as Hans Weber reads it');
    expect(document.activeElement).toBe(input);
    fireEvent.change(input, { target: { value: '12345' } });
    fireEvent.submit(input.closest('form')!);
    expect((await within(card).findByText(en.errors.safety_number_mismatch)).getAttribute('role')).toBe('alert');
    expect(within(card).getByTestId('officer-verified').textContent).toBe(en.review.partners.unverified);
    fireEvent.change(input, { target: { value: digits.join(' ') } });
    fireEvent.submit(input.closest('form')!);
    await waitFor(() => expect(within(card).getByTestId('officer-verified').textContent).toBe(en.review.partners.verified));
    expect(within(card).queryByTestId('key-changed')).toBeNull();
    expect(calls.filter((c) => c.name === 'partners.verify').at(-1)?.input).toEqual({ agency: 'deu-bnd', officerId: 'hans', safetyNumber: digits.join(' ') });
  });

  it('translates a refused list', async () => {
    const { api } = fakeApi({ 'partners.list': () => refuse('profile_locked') });
    renderIn(<PartnersView api={api} />, 'fr');
    expect((await screen.findByRole('alert')).textContent).toBe(fr.errors.profile_locked);
  });
});
