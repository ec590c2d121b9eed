import { z } from 'zod';
import { CallResult } from '../errors';
import { AppEvent } from './events';

/** Frames on the browser bridge's WebSocket. The payload limit is enforced again by the server. */
export const BRIDGE_MAX_FRAME_BYTES = 1024 * 1024;

export const BridgeRequest = z
  .object({
    id: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
    call: z.string().min(1).max(64),
    input: z.unknown(),
  })
  .strict();
export type BridgeRequest = z.infer<typeof BridgeRequest>;

export const BridgeResponse = z
  .object({
    id: z.number().int().nonnegative().nullable(),
    result: CallResult,
  })
  .strict();
export type BridgeResponse = z.infer<typeof BridgeResponse>;

/** Main's events, pushed to every connected page (shared/api/events.ts). */
export const BridgeEvent = z.strictObject({ event: AppEvent });
export type BridgeEvent = z.infer<typeof BridgeEvent>;
