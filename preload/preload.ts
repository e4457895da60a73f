// The Electron preload: exposes the engine bridge to the sandboxed page as `window.parquetStreamer`
// — `invoke(command, args)` answering with the command's outcome (a failure keeps its field:
// contextBridge would copy only a thrown Error's message), `on(event, listener)` returning its
// unsubscribe function, the File > Open… menu hook, and the local path of a file dropped on the
// window. ipcRenderer itself never reaches the page.
import { contextBridge, ipcRenderer, webUtils } from 'electron';
import {
  eventNames,
  ipcChannels,
  type CommandName,
  type CommandOutcome,
  type EngineBridge,
  type EventName,
  type EventPayloads,
  type ShellMenuApi,
} from '../main/api/contract';

type AnyListener = (payload: EventPayloads[EventName]) => void;
const listeners = new Map<EventName, Set<AnyListener>>(eventNames.map((name) => [name, new Set()]));
ipcRenderer.on(ipcChannels.event, (_event, name: EventName, payload: EventPayloads[EventName]) => {
  for (const listener of listeners.get(name) ?? []) listener(payload);
});

const menuListeners = new Set<() => void>();
ipcRenderer.on(ipcChannels.menuOpenDataset, () => {
  for (const listener of menuListeners) listener();
});

const api: EngineBridge & ShellMenuApi = {
  invoke(command: CommandName, args: unknown) {
    return ipcRenderer.invoke(ipcChannels.command, command, args) as Promise<
      CommandOutcome<CommandName>
    >;
  },
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
};

contextBridge.exposeInMainWorld('parquetStreamer', api);
