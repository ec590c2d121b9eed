import { describe, expect, it } from 'vitest';
import { en } from '../../renderer/src/i18n/en';
import { fr } from '../../renderer/src/i18n/fr';
import { ERROR_CODES } from '../../shared/errors';

const leaves = (obj: object, prefix = ''): string[] =>
  Object.entries(obj).flatMap(([k, v]) => (typeof v === 'string' ? [`${prefix}${k}`] : leaves(v as object, `${prefix}${k}.`)));

describe('catalogues', () => {
  it('English and French have exactly the same keys, none empty', () => {
    expect(leaves(fr).sort()).toEqual(leaves(en).sort());
    for (const cat of [en, fr]) {
      const values = leaves(cat).map((key) => key.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], cat));
      expect(values.every((v) => typeof v === 'string' && v.trim().length > 0)).toBe(true);
    }
  });

  it('every error code has a translation in both languages', () => {
    for (const code of ERROR_CODES) {
      expect(en.errors).toHaveProperty(code);
      expect(fr.errors).toHaveProperty(code);
    }
  });
});
