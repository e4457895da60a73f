// The desktop app's open dialog as a plain function over a fake `dialog`: on macOS one dialog
// picks a file or a folder; on Windows and Linux a question comes first; cancelling either
// returns null.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { BaseWindow, MessageBoxOptions, OpenDialogOptions } from 'electron';
import { pickDatasetPath, type DatasetDialogs } from '../../main/shell/datasetDialog';

/** A dialog that answers the question with `response` and the open dialog with `chosen`. */
function fakeDialogs(response: number, chosen: string[] | null) {
  const calls: { call: string; window: boolean; options: unknown }[] = [];
  const split = (args: unknown[]) =>
    args.length === 2 ? { window: true, options: args[1] } : { window: false, options: args[0] };
  const dialogs = {
    async showMessageBox(...args: unknown[]) {
      calls.push({ call: 'question', ...split(args) });
      return { response };
    },
    async showOpenDialog(...args: unknown[]) {
      calls.push({ call: 'open', ...split(args) });
      return { canceled: chosen === null, filePaths: chosen ?? [] };
    },
  } as DatasetDialogs;
  return { dialogs, calls };
}

const window = {} as BaseWindow;

describe('pickDatasetPath', () => {
  it('on macOS opens one dialog for a file or a folder, over the window', async () => {
    const { dialogs, calls } = fakeDialogs(0, ['/Users/ann/trips.parquet']);
    assert.equal(await pickDatasetPath(dialogs, window, 'darwin'), '/Users/ann/trips.parquet');
    assert.equal(calls.length, 1);
    assert.equal(calls[0]!.window, true);
    const options = calls[0]!.options as OpenDialogOptions;
    assert.deepEqual(options.properties, ['openFile', 'openDirectory']);
    assert.deepEqual(options.filters?.[0], { name: 'Parquet', extensions: ['parquet'] });
  });

  it('on Linux asks first: File… opens a file dialog, Folder… a folder dialog', async () => {
    const file = fakeDialogs(0, ['/home/ann/a.parquet']);
    assert.equal(await pickDatasetPath(file.dialogs, null, 'linux'), '/home/ann/a.parquet');
    assert.deepEqual((file.calls[0]!.options as MessageBoxOptions).buttons, [
      'File…',
      'Folder…',
      'Cancel',
    ]);
    assert.deepEqual((file.calls[1]!.options as OpenDialogOptions).properties, ['openFile']);
    assert.equal(file.calls[1]!.window, false, 'no window: the dialog stands alone');

    const folder = fakeDialogs(1, ['/home/ann/parts']);
    assert.equal(await pickDatasetPath(folder.dialogs, window, 'win32'), '/home/ann/parts');
    assert.deepEqual((folder.calls[1]!.options as OpenDialogOptions).properties, ['openDirectory']);
  });

  it('returns null when the question or the dialog is cancelled', async () => {
    const atQuestion = fakeDialogs(2, ['/never']);
    assert.equal(await pickDatasetPath(atQuestion.dialogs, window, 'linux'), null);
    assert.deepEqual(
      atQuestion.calls.map((call) => call.call),
      ['question'],
    );
    const atDialog = fakeDialogs(0, null);
    assert.equal(await pickDatasetPath(atDialog.dialogs, window, 'darwin'), null);
  });
});
