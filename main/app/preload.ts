import { contextBridge, ipcRenderer } from 'electron';
import { EVENT_CHANNEL } from '../../shared/api/events';
import { makeEventFeed, makeIpcApi } from './preload-api';

// The sandboxed preload's only job. Nothing else is exposed: no ipcRenderer, no generic invoke or
// listener, no channel name the page could choose: the contract's calls and the one event feed.
contextBridge.exposeInMainWorld(
  'entente',
  Object.freeze({
    ...makeIpcApi((channel, input) => ipcRenderer.invoke(channel, input)),
    onEvent: makeEventFeed((listener) => {
      const handler = (_event: unknown, payload: unknown): void => listener(payload);
      ipcRenderer.on(EVENT_CHANNEL, handler);
      return () => void ipcRenderer.removeListener(EVENT_CHANNEL, handler);
    }),
  }),
);
