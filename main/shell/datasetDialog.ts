// "Browse…" and File > Open… in the desktop app: the native open dialog for a Parquet file or a
// folder of parts. Windows and Linux dialogs pick files or folders, never both, so there a
// question comes first. The dialog is handed in (electron's in the app, a fake in the tests).
import type { BaseWindow, MessageBoxOptions, OpenDialogOptions } from 'electron';

/** The two calls of electron's `dialog` this uses, with or without a parent window. */
export interface DatasetDialogs {
  showMessageBox(window: BaseWindow, options: MessageBoxOptions): Promise<{ response: number }>;
  showMessageBox(options: MessageBoxOptions): Promise<{ response: number }>;
  showOpenDialog(
    window: BaseWindow,
    options: OpenDialogOptions,
  ): Promise<{ canceled: boolean; filePaths: string[] }>;
  showOpenDialog(options: OpenDialogOptions): Promise<{ canceled: boolean; filePaths: string[] }>;
}

const FILE = 0;
const CANCEL = 2;

/** The chosen file or folder, or null when the user cancelled. */
export async function pickDatasetPath(
  dialogs: DatasetDialogs,
  window: BaseWindow | null,
  platform: NodeJS.Platform = process.platform,
): Promise<string | null> {
  let properties: OpenDialogOptions['properties'] = ['openFile', 'openDirectory'];
  if (platform !== 'darwin') {
    const question: MessageBoxOptions = {
      type: 'question',
      message: 'Open a Parquet file, or a folder of Parquet parts?',
      buttons: ['File…', 'Folder…', 'Cancel'],
      defaultId: FILE,
      cancelId: CANCEL,
    };
    const { response } = window
      ? await dialogs.showMessageBox(window, question)
      : await dialogs.showMessageBox(question);
    if (response === CANCEL) return null;
    properties = response === FILE ? ['openFile'] : ['openDirectory'];
  }
  const options: OpenDialogOptions = {
    title: 'Open Parquet data',
    properties,
    filters: [
      { name: 'Parquet', extensions: ['parquet'] },
      { name: 'All files', extensions: ['*'] },
    ],
  };
  const result = window
    ? await dialogs.showOpenDialog(window, options)
    : await dialogs.showOpenDialog(options);
  return result.canceled ? null : (result.filePaths[0] ?? null);
}
