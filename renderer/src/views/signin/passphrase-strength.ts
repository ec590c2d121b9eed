/**
 * A rough passphrase strength estimate for the meter: guessing entropy from length and character
 * pools, discounted for repeats and runs. It only guides the officer; main enforces the minimum
 * (10 characters) and Argon2id does the real work against guessing.
 */
export const PASSPHRASE_MIN_LENGTH = 10;

export type StrengthScore = 0 | 1 | 2 | 3 | 4;
export const STRENGTH_LEVELS = ['tooShort', 'weak', 'fair', 'strong', 'veryStrong'] as const;
export type StrengthLevel = (typeof STRENGTH_LEVELS)[number];

function poolSize(chars: readonly string[]): number {
  let pool = 0;
  if (chars.some((c) => /[a-z]/.test(c))) pool += 26;
  if (chars.some((c) => /[A-Z]/.test(c))) pool += 26;
  if (chars.some((c) => /[0-9]/.test(c))) pool += 10;
  if (chars.some((c) => c === ' ')) pool += 1;
  if (chars.some((c) => /[^a-zA-Z0-9 ]/.test(c))) pool += 33;
  return Math.max(pool, 1);
}

/** Characters that add little: a repeat of the previous one, or the next in a run ("abc", "123"). */
function effectiveLength(chars: readonly string[]): number {
  let length = 0;
  for (let i = 0; i < chars.length; i++) {
    const prev = i > 0 ? chars[i - 1]!.codePointAt(0)! : NaN;
    const cur = chars[i]!.codePointAt(0)!;
    length += Math.abs(cur - prev) <= 1 ? 0.25 : 1;
  }
  return length;
}

export function passphraseStrength(passphrase: string): { score: StrengthScore; level: StrengthLevel; bits: number } {
  const chars = [...passphrase];
  const distinct = new Set(chars.map((c) => c.toLowerCase())).size;
  // A handful of distinct characters repeated is weak however long it is.
  const bits = distinct <= 3 ? distinct * 4 : effectiveLength(chars) * Math.log2(poolSize(chars));
  let score: StrengthScore;
  if (chars.length < PASSPHRASE_MIN_LENGTH) score = 0;
  else if (bits < 45) score = 1;
  else if (bits < 65) score = 2;
  else if (bits < 90) score = 3;
  else score = 4;
  return { score, level: STRENGTH_LEVELS[score], bits: Math.round(bits) };
}
