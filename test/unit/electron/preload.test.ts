import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { CALL_NAMES, ipcChannel } from '../../../shared/api/contract';
import { EVENT_CHANNEL } from '../../../shared/api/events';

const electron = vi.hoisted(() => ({
  contextBridge: { exposeInMainWorld: vi.fn() },
  ipcRenderer: { invoke: vi.fn(), send: vi.fn(), sendSync: vi.fn(), on: vi.fn(), removeListener: vi.fn() },
}));
vi.mock('electron', () => electron);

type Exposed = Record<string, (input?: unknown) => Promise<unknown>>;

describe('preload', () => {
  let api: Exposed;

  beforeAll(async () => {
    await import('../../../main/app/preload');
    expect(electron.contextBridge.exposeInMainWorld).toHaveBeenCalledTimes(1);
    const [key, value] = electron.contextBridge.exposeInMainWorld.mock.calls[0] as [string, Exposed];
    expect(key).toBe('entente');
    api = value;
  });
  beforeEach(() => electron.ipcRenderer.invoke.mockReset());

  it('exposes exactly the contract calls and the event feed on window.entente, and nothing else', () => {
    expect(Object.keys(api).sort()).toEqual([...CALL_NAMES, 'onEvent'].sort());
    expect(Reflect.ownKeys(api).filter((k) => typeof k === 'symbol')).toEqual([]);
    for (const name of [...CALL_NAMES, 'onEvent']) expect(typeof api[name], name).toBe('function');
    expect(Object.isFrozen(api)).toBe(true);
    // The only thing the page receives is the API object: no second world key, no ipcRenderer.
    expect(electron.contextBridge.exposeInMainWorld).toHaveBeenCalledTimes(1);
    expect(Object.values(api)).not.toContain(electron.ipcRenderer.invoke);
  });

  it('sends each call on its own channel with the input, and nothing but invoke', async () => {
    for (const name of CALL_NAMES) {
      electron.ipcRenderer.invoke.mockResolvedValueOnce({ ok: true, value: name });
      const input = { probe: name };
      await api[name]!(input);
      expect(electron.ipcRenderer.invoke).toHaveBeenLastCalledWith(ipcChannel(name), input);
    }
    expect(electron.ipcRenderer.invoke).toHaveBeenCalledTimes(CALL_NAMES.length);
    expect(electron.ipcRenderer.send).not.toHaveBeenCalled();
    expect(electron.ipcRenderer.sendSync).not.toHaveBeenCalled();
    expect(electron.ipcRenderer.on).not.toHaveBeenCalled();
  });

  it('resolves to the CallResult unchanged, success and failure alike', async () => {
    const ok = { ok: true, value: { language: 'fr', theme: 'dark' } };
    electron.ipcRenderer.invoke.mockResolvedValueOnce(ok);
    await expect(api.getPrefs!({})).resolves.toEqual(ok);

    const refused = { ok: false, error: { code: 'invalid_input', message: 'The request was refused: language is not valid.' } };
    electron.ipcRenderer.invoke.mockResolvedValueOnce(refused);
    await expect(api.setPrefs!({ language: 'de' })).resolves.toEqual(refused);
  });

  it('turns a failed invoke or a malformed answer into a coded internal error', async () => {
    electron.ipcRenderer.invoke.mockRejectedValueOnce(new Error("No handler registered for 'entente:appInfo'"));
    await expect(api.appInfo!({})).resolves.toEqual({ ok: false, error: expect.objectContaining({ code: 'internal' }) });

    electron.ipcRenderer.invoke.mockResolvedValueOnce({ something: 'else' });
    await expect(api.appInfo!({})).resolves.toEqual({ ok: false, error: expect.objectContaining({ code: 'internal' }) });
  });

  it('hears main on the one event channel, passes only valid events and never the IPC event object', () => {
    const onEvent = api.onEvent as unknown as (listener: (e: unknown) => void) => () => void;
    const heard: unknown[] = [];
    const stop = onEvent((e) => heard.push(e));
    expect(electron.ipcRenderer.on).toHaveBeenCalledTimes(1);
    const [channel, handler] = electron.ipcRenderer.on.mock.calls[0] as [string, (event: unknown, payload: unknown) => void];
    expect(channel).toBe(EVENT_CHANNEL);
    const ipcEvent = { sender: { send: () => undefined }, ports: [] };
    handler(ipcEvent, { kind: 'notes.changed', channelIds: ['c1'] });
    handler(ipcEvent, { kind: 'session.locked' });
    // Malformed or unknown events are dropped: the page sees only what the schema allows.
    handler(ipcEvent, { kind: 'notes.changed', channelIds: 'c1' });
    handler(ipcEvent, { kind: 'eval', code: 'alert(1)' });
    handler(ipcEvent, { kind: 'notification', notification: { tag: 't', channelId: null, count: 0, content: null } });
    handler(ipcEvent, null);
    expect(heard).toEqual([{ kind: 'notes.changed', channelIds: ['c1'] }, { kind: 'session.locked' }]);
    stop();
    expect(electron.ipcRenderer.removeListener).toHaveBeenCalledWith(EVENT_CHANNEL, handler);
  });
});
