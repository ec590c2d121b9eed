import { z } from 'zod';
import { EntenteError } from '../../shared/errors';
import type { Profile } from '../identity/profile';
import { getMeta, setMeta } from '../store/meta';
import { checkKeystoreCopy } from './verify';
import { AuditLog, type AuditLogOptions } from './log';
import { isoTime } from './entry';

/**
 * Opening a profile's audit log (the keystore calls this at create and at every unlock). What happened
 * while the database was locked is recorded now, in one transaction with `unlock_succeeded`:
 *
 * - wrong passphrases since the last unlock (the unlock throttle's counter, main/identity/unlock-throttle.ts);
 * - a passphrase or key-protection change: those only re-wrap the key in keystore.json and never open
 *   the database, so the log notices a new wrap (its nonce) at the next unlock;
 * - a checkpoint copy in keystore.json that the database does not reach or contradicts: a restored
 *   older database (recorded as a failed `audit_verified`, so the finding itself enters the chain).
 */

/** The parts of keystore.json's wrap that tell one wrap from the next. */
export interface WrapState {
  nonce: string;
  protectedBy: string | null;
  opslimit: number;
  memlimit: number;
}

export interface PendingFailures {
  failures: number;
  lastFailureAt: number;
  /** The counter file was damaged; `failures` is then the brake's assumption, not a count. */
  damaged: boolean;
}

export type OpenFacts = { kind: 'created'; wrap: WrapState } | { kind: 'unlocked'; wrap: WrapState; failures: PendingFailures };

const WRAP_META = 'audit.keystore_wrap';
const StoredWrap = z.object({ nonce: z.string(), protectedBy: z.string().nullable(), opslimit: z.number(), memlimit: z.number() });

export function openAuditLog(profile: Profile, options: AuditLogOptions, facts: OpenFacts): AuditLog {
  const log = new AuditLog(profile, options);
  profile.db.transaction(() => {
    if (facts.kind === 'created') {
      log.record({ type: 'profile_created', outcome: 'ok', actor: 'self', details: kdfDetails(facts.wrap) });
    } else {
      // Before anything is appended: the comparison is with the database as it was found.
      const finding = checkKeystoreCopy(log);
      if (facts.failures.failures > 0) {
        const f = facts.failures;
        log.record({
          type: 'unlock_failed',
          outcome: 'refused',
          code: 'passphrase_wrong',
          details: f.damaged ? { counterDamaged: true } : { attempts: f.failures, lastAttempt: isoTime(f.lastFailureAt) },
        });
      }
      recordRewrap(profile, log, facts.wrap);
      if (finding !== null) {
        options.onWarning?.(`the audit history does not match its last signed checkpoint: ${finding.message} (${finding.code}); this was recorded`);
        log.record({ type: 'audit_verified', outcome: 'failed', code: finding.code, details: { scope: 'keystore_checkpoint', firstBadSeq: finding.seq, problem: finding.message } });
      }
      log.record({ type: 'unlock_succeeded', outcome: 'ok', actor: 'self' });
    }
    setMeta(profile.db, WRAP_META, JSON.stringify(facts.wrap));
  });
  profile.attachAuditLog(log);
  profile.onLock(() => log.finish());
  return log;
}

function recordRewrap(profile: Profile, log: AuditLog, wrap: WrapState): void {
  const text = getMeta(profile.db, WRAP_META);
  if (text === null) return; // a profile from before the audit history: nothing to compare with
  let seen: WrapState;
  try {
    seen = StoredWrap.parse(JSON.parse(text));
  } catch (err) {
    throw new EntenteError('database_corrupt', 'the stored keystore state of the audit history is damaged', { cause: err });
  }
  if (seen.nonce === wrap.nonce) return;
  if (seen.protectedBy !== wrap.protectedBy) {
    log.record({ type: 'key_protection_changed', outcome: 'ok', actor: 'self', details: { protectedBy: wrap.protectedBy ?? 'passphrase only', previously: seen.protectedBy ?? 'passphrase only' } });
  } else {
    log.record({ type: 'passphrase_changed', outcome: 'ok', actor: 'self', details: { ...kdfDetails(wrap), kdfChanged: seen.opslimit !== wrap.opslimit || seen.memlimit !== wrap.memlimit } });
  }
}

const kdfDetails = (w: WrapState) => ({ kdfOpslimit: w.opslimit, kdfMemlimit: w.memlimit, protectedBy: w.protectedBy ?? 'passphrase only' });
