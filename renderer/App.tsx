// The single page: broker badge and notices on top, then dataset, stream, charts and workers.
import { useCallback, useMemo, useRef, useState } from 'react';
import { DEFAULT_PRESET, type AppSettings, type DatasetSummary } from '../main/api/contract';
import type { RendererApi } from './api/connectApi';
import { BrokerPanel } from './components/BrokerPanel';
import { ChartPanel } from './components/ChartPanel';
import { ConnectionForm } from './components/ConnectionForm';
import { DatasetPanel } from './components/DatasetPanel';
import { NoticeArea } from './components/NoticeArea';
import { PipelineCharts, type PipelineChartsHandle } from './components/PipelineCharts';
import { isStreamActive, StreamPanel } from './components/StreamPanel';
import { WorkersPanel } from './components/WorkersPanel';
import { useDatasetChooser } from './dataset/useDatasetChooser';
import type { StreamSettings } from './forms/streamForm';
import { useEngine } from './state/useEngine';
import { ProcessingPanel } from './transform/ProcessingPanel';
import { referenceOfDraft, savedDraft, type TransformDraft } from './transform/transformDraft';

const DEFAULT_WORKERS = 2;

export function App({ api }: { api: RendererApi }) {
  const { snapshot, notices, notify, dismiss, update, run } = useEngine(api);
  // the slider's count: as moved, else as the settings file kept it
  const [movedCount, setWorkerCount] = useState<number | null>(null);
  const workerCount = movedCount ?? snapshot?.settings.workers ?? DEFAULT_WORKERS;
  const reportError = useCallback((message: string) => notify('error', message), [notify]);
  const onDataset = useCallback((dataset: DatasetSummary) => update({ dataset }), [update]);
  const chooser = useDatasetChooser(run, snapshot?.dataset ?? null, onDataset);
  // the Processing step's transform: as edited, else as the settings file kept it
  const savedTransform = snapshot?.settings.transform;
  const restoredDraft = useMemo(() => savedDraft(savedTransform, DEFAULT_PRESET), [savedTransform]);
  const [editedDraft, setEditedDraft] = useState<TransformDraft | null>(null);
  const transform = editedDraft ?? restoredDraft;
  const setTransform = useCallback(
    (draft: TransformDraft) => {
      setEditedDraft(draft);
      void run('saveSettings', { transform: referenceOfDraft(draft) as AppSettings['transform'] });
    },
    [run],
  );
  const pipelineCharts = useRef<PipelineChartsHandle>(null);
  const pipelineExports = useCallback(() => pipelineCharts.current?.exports() ?? [], []);
  const saveStreamSettings = useCallback(
    (stream: StreamSettings) => void run('saveSettings', { stream }),
    [run],
  );

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
            saved={snapshot.settings.stream}
            onSave={saveStreamSettings}
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
            pipelineExports={pipelineExports}
          />
          <PipelineCharts
            ref={pipelineCharts}
            rates={snapshot.pipelineRates}
            onError={reportError}
          />
          <WorkersPanel
            workers={snapshot.workers}
            transform={snapshot.stream.transform}
            committed={snapshot.committed}
            rates={snapshot.pipelineRates}
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
