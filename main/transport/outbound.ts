import WebSocket from 'ws';
import { MAX_ACK_IDS, type OfficerRef, type RelayLimitsView } from '../../shared/wire/relay-frames';
import { TokenBucket } from './token-bucket';

/**
 * The client's outgoing frames on one connection, paced by a token bucket a little below the relay's
 * own limits (announced in its 'ready' frame), so that a burst of sends queues here instead of being
 * refused there. Acknowledgements are batched: every ack decided in one turn of the event loop
 * travels in one frame.
 */
export class Outbound {
  #ws: WebSocket | null = null;
  #bucket: TokenBucket | null = null;
  #queue: string[] = [];
  #head = 0;
  #timer: NodeJS.Timeout | null = null;
  #acks: string[] = [];
  #receiptAcks: { id: string; to: OfficerRef }[] = [];
  #ackScheduled = false;

  start(ws: WebSocket, limits: RelayLimitsView): void {
    this.reset();
    this.#ws = ws;
    this.#bucket = new TokenBucket(limits.ratePerSecond * 0.9, Math.max(1, Math.floor(limits.rateBurst / 2)));
  }

  /** The connection is gone: what was queued is dropped (pending sends are re-sent at the next login). */
  reset(): void {
    this.#ws = null;
    this.#bucket = null;
    this.#queue = [];
    this.#head = 0;
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    this.#acks = [];
    this.#receiptAcks = [];
  }

  push(frame: string): void {
    if (this.#ws === null) return;
    this.#queue.push(frame);
    this.#drain();
  }

  ack(id: string): void {
    if (this.#ws === null) return;
    this.#acks.push(id);
    this.#scheduleAcks();
  }

  ackReceipt(r: { id: string; to: OfficerRef }): void {
    if (this.#ws === null) return;
    this.#receiptAcks.push(r);
    this.#scheduleAcks();
  }

  #scheduleAcks(): void {
    if (this.#ackScheduled) return;
    this.#ackScheduled = true;
    setImmediate(() => {
      this.#ackScheduled = false;
      while (this.#acks.length > 0) this.push(JSON.stringify({ type: 'ack', ids: this.#acks.splice(0, MAX_ACK_IDS) }));
      while (this.#receiptAcks.length > 0) this.push(JSON.stringify({ type: 'receipt_ack', receipts: this.#receiptAcks.splice(0, MAX_ACK_IDS) }));
    });
  }

  #drain(): void {
    const ws = this.#ws;
    const bucket = this.#bucket;
    if (this.#timer !== null || ws === null || bucket === null) return;
    while (this.#head < this.#queue.length && ws.readyState === WebSocket.OPEN) {
      if (!bucket.take()) {
        this.#timer = setTimeout(() => {
          this.#timer = null;
          this.#drain();
        }, bucket.waitMs());
        return;
      }
      ws.send(this.#queue[this.#head] as string);
      this.#head += 1;
    }
    if (this.#head === this.#queue.length) {
      this.#queue = [];
      this.#head = 0;
    }
  }
}
