import type { DirectoryKind, OfficerRef, ReadyFrame, ReceiptState } from '../../shared/wire/relay-frames';
import type { BackoffOptions } from './backoff';

/** The relay client's public types (relay-client.ts). */

export type RelayClientState = 'idle' | 'connecting' | 'ready' | 'backoff' | 'refused' | 'closed';
export type LogFields = Record<string, string | number | boolean | null>;

export interface RelayClientOptions {
  /** ws://HOST:PORT or wss://… */
  url: string;
  /** The id the relay must present in its challenge; default the URL's scheme, host and port. */
  relayId?: string;
  /** The officer's credential file; a function is asked again at every login (after a renewal). */
  credential: string | (() => string);
  /** Signs with the officer's Ed25519 identity key; the key stays with the caller. */
  sign: (message: Uint8Array) => Uint8Array | Promise<Uint8Array>;
  backoff?: BackoffOptions;
  random?: () => number;
  /** Publish and directory requests fail with transport_timeout after this; default 30 s. */
  requestTimeoutMs?: number;
  /** From opening the socket to 'ready'; default 15 s. */
  handshakeTimeoutMs?: number;
  log?: (event: string, fields?: LogFields) => void;
}

export interface Delivery {
  id: string;
  from: OfficerRef;
  envelope: Uint8Array;
  storedAt: string;
}

export interface Receipt {
  id: string;
  to: OfficerRef;
  state: ReceiptState;
  at: string;
}

export interface SendRequest {
  noteId: string;
  to: readonly OfficerRef[];
  envelope: Uint8Array;
}

export interface DirectoryQuery {
  agency?: string;
  officerId?: string;
  kinds?: DirectoryKind[];
}

/** Signed objects in their file form, exactly as published; verify them before use. */
export interface DirectoryEntries {
  credentials: string[];
  prekeys: string[];
  revocationLists: string[];
  truncated: boolean;
}

export type ReadyInfo = Omit<ReadyFrame, 'type'>;
