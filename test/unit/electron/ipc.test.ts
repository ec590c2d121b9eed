import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CALL_NAMES, ipcChannel } from '../../../shared/api/contract';
import type { CallResult } from '../../../shared/errors';
import { registerIpcHandlers, type InvokeEventLike, type SenderFrameLike } from '../../../main/app/ipc';
import type { Service } from '../../../main/core/service';
import { makeService } from '../../helpers/service';
import { tempDir } from '../../helpers/tmp';

type Listener = (event: InvokeEventLike, ...args: unknown[]) => Promise<CallResult>;

const WINDOW_ID = 7;
const topFrame = (url: string, origin = 'app://entente'): SenderFrameLike => ({ url, origin, parent: null });
const event = (frame: SenderFrameLike | null, senderId = WINDOW_ID): InvokeEventLike => ({ senderFrame: frame, sender: { id: senderId } });
const OUR_FRAME = topFrame('app://entente/index.html');

describe('IPC handlers', () => {
  let dir: ReturnType<typeof tempDir>;
  let service: Service;
  let handlers: Map<string, Listener>;
  let window: { id: number } | null;
  const log = vi.fn();

  beforeEach(() => {
    dir = tempDir();
    service = makeService(dir.path, 'electron');
    handlers = new Map();
    window = { id: WINDOW_ID };
    log.mockReset();
    registerIpcHandlers({ handle: (channel, listener) => handlers.set(channel, listener) }, service, () => window, log);
  });
  afterEach(() => dir.remove());

  const call = (name: string, ev: InvokeEventLike, input: unknown) => {
    const listener = handlers.get(ipcChannel(name as (typeof CALL_NAMES)[number]));
    if (!listener) throw new Error(`no handler for ${name}`);
    return listener(ev, input);
  };

  it('registers exactly one handler per contract call, on the contract channel', () => {
    expect([...handlers.keys()].sort()).toEqual(CALL_NAMES.map(ipcChannel).sort());
  });

  it('serves a call from the top frame of our window', async () => {
    await expect(call('appInfo', event(OUR_FRAME), {})).resolves.toEqual({
      ok: true,
      value: { name: 'Entente', version: '0.0.0-test', mode: 'electron', platform: 'linux' },
    });
    await expect(call('setPrefs', event(OUR_FRAME), { language: 'fr' })).resolves.toEqual({
      ok: true,
      value: { language: 'fr', theme: 'system' },
    });
  });

  it('rejects invalid input with invalid_input and leaves the preferences alone', async () => {
    const setPrefs = vi.spyOn(service, 'setPrefs');
    for (const bad of [{ language: 'de' }, { theme: 1 }, { language: 'fr', admin: true }, 'fr', 42, [1]]) {
      const result = await call('setPrefs', event(OUR_FRAME), bad);
      expect(result, JSON.stringify(bad)).toEqual({ ok: false, error: expect.objectContaining({ code: 'invalid_input' }) });
    }
    expect(setPrefs).not.toHaveBeenCalled();
    await expect(call('getPrefs', event(OUR_FRAME), {})).resolves.toEqual({ ok: true, value: { language: 'en', theme: 'system' } });
  });

  it.each([
    ['a web page', event(topFrame('http://evil.example/', 'http://evil.example'))],
    ['an https page', event(topFrame('https://evil.example/index.html', 'https://evil.example'))],
    ['a file:// page', event(topFrame('file:///tmp/index.html', 'file://'))],
    ['another app:// host', event(topFrame('app://other/index.html', 'app://other'))],
    ['a look-alike app:// host', event(topFrame('app://entente.evil.example/index.html', 'app://entente.evil.example'))],
    ['app:// with credentials', event(topFrame('app://x@entente/index.html', 'app://entente'))],
    ['an opaque origin carrying our URL', event(topFrame('app://entente/index.html', 'null'))],
    ['our URL with a foreign origin', event(topFrame('app://entente/index.html', 'http://evil.example'))],
    ['a subframe of our page', event({ url: 'app://entente/index.html', origin: 'app://entente', parent: OUR_FRAME })],
    ['a frame that is gone', event(null)],
    ['another window', event(OUR_FRAME, WINDOW_ID + 1)],
    ['about:blank', event(topFrame('about:blank', 'app://entente'))],
  ])('refuses a call from %s with forbidden_origin, before the Service runs', async (_label, ev) => {
    const spies = CALL_NAMES.map((name) => vi.spyOn(service, name));
    for (const name of CALL_NAMES) {
      const result = await call(name, ev, name === 'setPrefs' ? { language: 'fr' } : {});
      expect(result).toEqual({ ok: false, error: expect.objectContaining({ code: 'forbidden_origin' }) });
    }
    for (const spy of spies) expect(spy).not.toHaveBeenCalled();
    expect(log).toHaveBeenCalledWith('ipc_forbidden_sender', expect.objectContaining({ call: 'appInfo' }));
  });

  it('refuses everything while there is no window', async () => {
    window = null;
    await expect(call('appInfo', event(OUR_FRAME), {})).resolves.toMatchObject({ ok: false, error: { code: 'forbidden_origin' } });
  });

  it('refuses a frame whose properties throw (destroyed) instead of throwing', async () => {
    const destroyed = {
      get url(): string {
        throw new Error('Render frame was disposed before WebFrameMain could be accessed');
      },
      origin: 'app://entente',
      parent: null,
    };
    await expect(call('appInfo', event(destroyed), {})).resolves.toMatchObject({ ok: false, error: { code: 'forbidden_origin' } });
  });
});
