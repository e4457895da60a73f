// The dataset path field's state, shared by the Dataset panel (where it is typed, browsed or
// dropped) and the Stream button: Stream always streams the dataset shown, so a path typed but
// not opened is opened first, and a failure stays beside the field and blocks the stream.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { DatasetSummary } from '../../main/api/contract';
import type { RunCommand } from '../state/useEngine';

export interface DatasetChooser {
  path: string;
  setPath: (path: string) => void;
  /** the one-line error shown beside the path field */
  error: string | undefined;
  setError: (error: string | undefined) => void;
  opening: boolean;
  /** opens a path (the field's when none is given); the summary, or null with the error set */
  open: (path?: string) => Promise<DatasetSummary | null>;
  /** the open dataset when the field still shows it, else what opening the field's path gives */
  ensureOpen: () => Promise<DatasetSummary | null>;
}

export function useDatasetChooser(
  run: RunCommand,
  dataset: DatasetSummary | null,
  onDataset: (dataset: DatasetSummary) => void,
): DatasetChooser {
  const [path, setPath] = useState(dataset?.path ?? '');
  const [error, setError] = useState<string>();
  const [opening, setOpening] = useState(false);
  const state = useRef({ path, dataset });
  state.current = { path, dataset };

  // the field follows the dataset the engine has open (at start, after a demo or a browse)
  const openPath = dataset?.path;
  useEffect(() => {
    if (openPath !== undefined) setPath(openPath);
  }, [openPath]);

  const open = useCallback(
    async (chosen?: string): Promise<DatasetSummary | null> => {
      const target = (chosen ?? state.current.path).trim();
      if (chosen !== undefined) setPath(chosen);
      if (target === '') {
        setError('type the path of a Parquet file or folder, or choose one with Browse…');
        return null;
      }
      setError(undefined);
      setOpening(true);
      const result = await run('openDataset', { path: target });
      setOpening(false);
      if (!result.ok) {
        setError(result.error);
        return null;
      }
      onDataset(result.value);
      return result.value;
    },
    [run, onDataset],
  );

  const ensureOpen = useCallback(async () => {
    const { path: shown, dataset: current } = state.current;
    if (current && shown.trim() === current.path) return current;
    return open();
  }, [open]);

  return { path, setPath, error, setError, opening, open, ensureOpen };
}
