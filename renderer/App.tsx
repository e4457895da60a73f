// The single page: broker badge and notices on top, then dataset, stream, charts and workers.
import { useCallback, useState } from 'react';
import { DEFAULT_PRESET, type DatasetSummary } from '../main/api/contract';
import type { RendererApi } from './api/connectApi';
import { BrokerPanel } from './components/BrokerPanel';
import { ChartPanel } from './components/ChartPanel';
import { ConnectionForm } from './components/ConnectionForm';
import { DatasetPanel } from './components/DatasetPanel';
import { NoticeArea } from './components/NoticeArea';
import { PipelineCharts } from './components/PipelineCharts';
import { isStreamActive, StreamPanel } from './components/StreamPanel';
import { WorkersPanel } from './components/WorkersPanel';
import { useDatasetChooser } from './dataset/useDatasetChooser';
import { useEngine } from './state/useEngine';
import { ProcessingPanel } from './transform/ProcessingPanel';
import { presetDraft, referenceOfDraft } from './transform/transformDraft';

const DEFAULT_WORKERS = 2;

export function App({ api }: { api: RendererApi }) {
  const { snapshot, notices, notify, dismiss, update, run } = useEngine(api);
  const [workerCount, setWorkerCount] = useState(DEFAULT_WORKERS);
  const reportError = useCallback((message: string) => notify('error', message), [notify]);
  const onDataset = useCallback((dataset: DatasetSummary) => update({ dataset }), [update]);
  const chooser = useDatasetChooser(run, snapshot?.dataset ?? null, onDataset);
  const [transform, setTransform] = useState(() => presetDraft(DEFAULT_PRESET));

  return (
    <div className="app">
      <header className="app-header">
        <h1>Parquet Streamer</h1>
        {snapshot && (
          <BrokerPanel
            broker={snapshot.broker}
            run={run}
            onStatus={(broker) => update({ broker })}
          />
        )}
      </header>
      {snapshot && <ConnectionForm run={run} />}
      <NoticeArea notices={notices} onDismiss={dismiss} />
      {!snapshot ? (
        <p className="loading">Connecting to the engine…</p>
      ) : (
        <main className="panels">
          <DatasetPanel
            dataset={snapshot.dataset}
            nativeDialogs={snapshot.nativeDialogs}
            run={run}
            onDataset={onDataset}
            chooser={chooser}
            listFolder={api.listFolder}
            pathForFile={api.pathForFile}
            onMenuOpen={api.onMenuOpenDataset}
          />
          <ProcessingPanel
            dataset={snapshot.dataset}
            draft={transform}
            onDraft={setTransform}
            previewTransform={api.previewTransform}
          />
          <StreamPanel
            stream={snapshot.stream}
            dataset={snapshot.dataset}
            ensureDataset={chooser.ensureOpen}
            transform={referenceOfDraft(transform)}
            workers={workerCount}
            onWorkersChange={setWorkerCount}
            run={run}
            onProgress={(stream) => update({ stream })}
          />
          <ChartPanel
            charts={snapshot.charts}
            data={snapshot.chartData}
            fields={snapshot.outputFields}
            nativeDialogs={snapshot.nativeDialogs}
            run={run}
            onCharts={(charts) => update({ charts })}
            notify={notify}
          />
          <PipelineCharts rates={snapshot.pipelineRates} onError={reportError} />
          <WorkersPanel
            workers={snapshot.workers}
            transform={snapshot.stream.transform}
            count={workerCount}
            onCountChange={setWorkerCount}
            live={
              isStreamActive(snapshot.stream.state) ||
              snapshot.workers.some((worker) => worker.state !== 'exited')
            }
            run={run}
            onWorkers={(workers) => update({ workers })}
          />
        </main>
      )}
    </div>
  );
}
