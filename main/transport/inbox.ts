import type { DeliverFrame, ReceiptFrame } from '../../shared/wire/relay-frames';
import { fromBase64url } from '../trust/base64url';
import type { Outbound } from './outbound';
import type { Delivery, LogFields, Receipt } from './relay-client-types';

const RECENT_ACKS = 4096;

/**
 * Deliveries and receipts from the relay, handed to the caller's handlers one at a time in arrival
 * (= the relay's stored) order. A handler that returns normally gets its item acknowledged; one that
 * throws does not, and the relay delivers the item again on the next connection. Items that arrive
 * before a handler is registered wait here (unacknowledged) until one is.
 */
export class Inbox {
  #deliver: ((d: Delivery) => unknown) | null = null;
  #receipt: ((r: Receipt) => unknown) | null = null;
  readonly #parked: (DeliverFrame | ReceiptFrame)[] = [];
  #chain: Promise<void> = Promise.resolve();
  /** Ids handled during this run: a redelivery after a lost ack is acknowledged without handling twice. */
  readonly #recent = new Set<string>();

  constructor(
    private readonly out: Outbound,
    private readonly log: (event: string, fields?: LogFields) => void,
  ) {}

  setDeliverHandler(handler: ((d: Delivery) => unknown) | null): void {
    this.#deliver = handler;
    if (handler !== null) this.#unpark();
  }

  setReceiptHandler(handler: ((r: Receipt) => unknown) | null): void {
    this.#receipt = handler;
    if (handler !== null) this.#unpark();
  }

  get deliverHandler(): ((d: Delivery) => unknown) | null {
    return this.#deliver;
  }

  get receiptHandler(): ((r: Receipt) => unknown) | null {
    return this.#receipt;
  }

  enqueue(frame: DeliverFrame | ReceiptFrame): void {
    const handler = frame.type === 'deliver' ? this.#deliver : this.#receipt;
    if (handler === null) return void this.#parked.push(frame);
    this.#chain = this.#chain.then(() => this.#handle(frame)).catch(() => this.log('inbox_failed'));
  }

  #unpark(): void {
    for (const f of this.#parked.splice(0)) this.enqueue(f);
  }

  async #handle(frame: DeliverFrame | ReceiptFrame): Promise<void> {
    if (frame.type === 'receipt') {
      const receipt = this.#receipt;
      if (receipt === null) return void this.#parked.push(frame);
      try {
        await receipt({ id: frame.id, to: frame.to, state: frame.state, at: frame.at });
      } catch {
        return this.log('receipt_handler_failed');
      }
      return this.out.ackReceipt({ id: frame.id, to: frame.to });
    }
    if (this.#recent.has(frame.id)) return this.out.ack(frame.id);
    const deliver = this.#deliver;
    if (deliver === null) return void this.#parked.push(frame);
    const envelope = fromBase64url(frame.envelope);
    if (envelope === null) return this.log('relay_frame_ignored', { reason: 'envelope not canonical base64url' });
    try {
      await deliver({ id: frame.id, from: frame.from, envelope, storedAt: frame.storedAt });
    } catch {
      return this.log('deliver_handler_failed');
    }
    this.#recent.add(frame.id);
    if (this.#recent.size > RECENT_ACKS) this.#recent.delete(this.#recent.values().next().value as string);
    this.out.ack(frame.id);
  }
}
