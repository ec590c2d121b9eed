import { aboveLevel } from '../../../../shared/display';
import type { NoteMeta } from '../../../../shared/api/notes-schemas';
import type { Display } from './use-display';

/** Black or white text, whichever reads better on a policy colour (#RRGGBB; anything else: null). */
export function textOn(color: string | null): string | null {
  const m = color === null ? null : /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(color);
  if (m === null) return null;
  const lin = (hex: string | undefined) => {
    const c = parseInt(hex ?? '0', 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  const l = 0.2126 * lin(m[1]) + 0.7152 * lin(m[2]) + 0.0722 * lin(m[3]);
  // Contrast with white is (1.05)/(l+0.05), with black (l+0.05)/0.05: pick the larger.
  return 1.05 / (l + 0.05) >= (l + 0.05) / 0.05 ? '#ffffff' : '#000000';
}

/** Whether a shown note is above the content protection level; settings not loaded yet: protected. */
export function protectedNote(display: Display, note: Pick<NoteMeta, 'label'>): boolean {
  return display.settings === null || aboveLevel(note.label, display.settings.contentProtectionLevel, display.policyOf);
}
