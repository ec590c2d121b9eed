import { describe, expect, it } from 'vitest';
import { deskEn } from '../../renderer/src/i18n/sections/desk.en';
import { deskFr } from '../../renderer/src/i18n/sections/desk.fr';
import { DISPLAY_REASON_CODES } from '../../shared/display';
import { SHARE_REASON_CODES } from '../../shared/trust/share-reasons';

describe('desk catalogue', () => {
  it('translates every display and ACDF reason code, in both languages, differently', () => {
    for (const code of DISPLAY_REASON_CODES) {
      expect(deskEn.reasons[code]).toBeTruthy();
      expect(deskFr.reasons[code]).toBeTruthy();
      expect(deskFr.reasons[code]).not.toBe(deskEn.reasons[code]);
    }
  });

  it('translates every share reason code, in both languages, differently', () => {
    for (const code of SHARE_REASON_CODES) {
      expect(deskEn.shareReasons[code]).toBeTruthy();
      expect(deskFr.shareReasons[code]).toBeTruthy();
      expect(deskFr.shareReasons[code]).not.toBe(deskEn.shareReasons[code]);
    }
  });
});
