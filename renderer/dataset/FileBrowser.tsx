// The dashboard's file browser, served by the engine because a browser page cannot hand over a
// local path: the folders and *.parquet files of one folder under the user's home. A folder
// opens on click (or is chosen as a dataset of parts); a file is chosen on click.
import { useCallback, useEffect, useState } from 'react';
import type { FolderListing, ParquetStreamerApi } from '../../main/api/contract';
import './fileBrowser.css';

export function FileBrowser(props: {
  /** where to start: the path in the field (its folder, when it is a file), else home */
  start: string;
  listFolder: ParquetStreamerApi['listFolder'];
  onChoose: (path: string) => void;
  onClose: () => void;
}) {
  const { listFolder } = props;
  const [listing, setListing] = useState<FolderListing | null>(null);
  const [error, setError] = useState<string>();

  const show = useCallback(
    async (folder: string | undefined) => {
      try {
        setListing(await listFolder(folder === undefined ? {} : { path: folder }));
        setError(undefined);
      } catch (problem) {
        setError(problem instanceof Error ? problem.message : String(problem));
      }
    },
    [listFolder],
  );

  const [start] = useState(props.start);
  useEffect(() => {
    // a path outside home (or gone) falls back to home, with the reason shown
    void show(start.trim() || undefined);
  }, [show, start]);

  return (
    <div className="file-browser" role="dialog" aria-label="Choose a Parquet file or folder">
      <div className="file-browser-head">
        <button
          type="button"
          disabled={!listing?.parent}
          onClick={() => listing?.parent && void show(listing.parent)}
        >
          Up
        </button>
        <code data-testid="file-browser-folder">{listing?.path ?? '…'}</code>
        <span className="button-row">
          <button
            type="button"
            disabled={!listing}
            onClick={() => listing && props.onChoose(listing.path)}
          >
            Open this folder
          </button>
          <button type="button" onClick={props.onClose}>
            Close
          </button>
        </span>
      </div>
      {error && (
        <p className="field-error" role="alert">
          {error}
          {listing === null && (
            <>
              {' '}
              <button type="button" onClick={() => void show(undefined)}>
                Go to home folder
              </button>
            </>
          )}
        </p>
      )}
      {listing && (
        <ul className="file-list" data-testid="file-browser-list">
          {listing.entries.length === 0 && <li className="empty">no folders or .parquet files</li>}
          {listing.entries.map((entry) => (
            <li key={entry.path}>
              <button
                type="button"
                className={`file-entry file-entry-${entry.kind}`}
                onClick={() =>
                  entry.kind === 'folder' ? void show(entry.path) : props.onChoose(entry.path)
                }
              >
                <span aria-hidden="true">{entry.kind === 'folder' ? '📁 ' : '▦ '}</span>
                {entry.name}
                {entry.kind === 'folder' ? '/' : ''}
              </button>
            </li>
          ))}
          {listing.truncated && <li className="empty">… more entries not shown</li>}
        </ul>
      )}
    </div>
  );
}
