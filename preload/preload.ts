// The Electron preload: exposes the engine API to the sandboxed page as `window.parquetStreamer`
// — one named method per contract command, `on(event, listener)` returning its unsubscribe
// function, the File > Open… menu hook, and the local path of a file dropped on the window.
// ipcRenderer itself never reaches the page.
import { contextBridge, ipcRenderer, webUtils } from 'electron';
import {
  commandNames,
  eventNames,
  ipcChannels,
  type CommandName,
  type CommandOutcome,
  type EventName,
  type EventPayloads,
  type ParquetStreamerApi,
  type ShellMenuApi,
} from '../main/api/contract';

async function invoke(command: CommandName, args: unknown): Promise<unknown> {
  const outcome = (await ipcRenderer.invoke(ipcChannels.command, command, args)) as CommandOutcome<
    typeof command
  >;
  if (outcome.ok) return outcome.value;
  throw new Error(outcome.error);
}

type AnyListener = (payload: EventPayloads[EventName]) => void;
const listeners = new Map<EventName, Set<AnyListener>>(eventNames.map((name) => [name, new Set()]));
ipcRenderer.on(ipcChannels.event, (_event, name: EventName, payload: EventPayloads[EventName]) => {
  for (const listener of listeners.get(name) ?? []) listener(payload);
});

const menuListeners = new Set<() => void>();
ipcRenderer.on(ipcChannels.menuOpenDataset, () => {
  for (const listener of menuListeners) listener();
});

const commands = Object.fromEntries(
  commandNames.map((command) => [command, (args: unknown) => invoke(command, args)]),
);

const api = {
  ...commands,
  on<E extends EventName>(event: E, listener: (payload: EventPayloads[E]) => void) {
    const set = listeners.get(event);
    if (!set) throw new Error(`unknown event "${String(event)}"`);
    set.add(listener as AnyListener);
    return () => {
      set.delete(listener as AnyListener);
    };
  },
  onMenuOpenDataset(listener: () => void) {
    menuListeners.add(listener);
    return () => {
      menuListeners.delete(listener);
    };
  },
  pathForFile(file: File) {
    return webUtils.getPathForFile(file);
  },
} as ParquetStreamerApi & ShellMenuApi;

contextBridge.exposeInMainWorld('parquetStreamer', api);
