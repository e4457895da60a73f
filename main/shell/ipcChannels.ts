// The IPC channels between the Electron main process and the preload (no electron import here,
// so the preload bundle can share it). Commands and events are the contract's; the menu channel
// tells the page that File > Open… was chosen.
export const COMMAND_CHANNEL = 'ps:command';
export const EVENT_CHANNEL = 'ps:event';
export const MENU_OPEN_DATASET_CHANNEL = 'ps:menu-open-dataset';

/** What the preload adds beside the contract's API. */
export interface ShellMenuApi {
  /** File > Open… in the native menu; returns the unsubscribe function */
  onMenuOpenDataset(listener: () => void): () => void;
}
