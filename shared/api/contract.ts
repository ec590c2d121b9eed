import { z } from 'zod';
import { Prefs, PrefsPatch } from '../prefs';

/**
 * The whole API the renderer may use. A call is declared here once; main/core/service.ts must then
 * implement it (the compiler refuses the Service otherwise), and both transports pick it up.
 */
const call = <I extends z.ZodType, O extends z.ZodType>(input: I, output: O) => ({ input, output });

const NoInput = z.object({}).strict();

export const AppInfo = z
  .object({
    name: z.literal('Entente'),
    version: z.string(),
    mode: z.enum(['electron', 'bridge']),
    platform: z.string(),
  })
  .strict();
export type AppInfo = z.infer<typeof AppInfo>;

export const contract = {
  appInfo: call(NoInput, AppInfo),
  getPrefs: call(NoInput, Prefs),
  setPrefs: call(PrefsPatch, Prefs),
} as const;

export type Contract = typeof contract;
export type CallName = keyof Contract;
export type CallInput<N extends CallName> = z.input<Contract[N]['input']>;
export type CallOutput<N extends CallName> = z.output<Contract[N]['output']>;

/** What window.entente exposes in Electron and what the bridge client offers: one method per call. */
export type EntenteApi = { [N in CallName]: (input: CallInput<N>) => Promise<CallOutput<N>> };

export const CALL_NAMES = Object.keys(contract) as CallName[];

export const isCallName = (name: unknown): name is CallName =>
  typeof name === 'string' && Object.hasOwn(contract, name);

/** IPC channel for a call; the preload and main/app agree through this one function. */
export const ipcChannel = (name: CallName): string => `entente:${name}`;
