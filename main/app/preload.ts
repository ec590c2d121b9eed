import { contextBridge, ipcRenderer } from 'electron';
import { makeIpcApi } from './preload-api';

// The sandboxed preload's only job. Nothing else is exposed: no ipcRenderer, no generic invoke,
// no channel name the page could choose.
contextBridge.exposeInMainWorld(
  'entente',
  makeIpcApi((channel, input) => ipcRenderer.invoke(channel, input)),
);
