// The desktop app's main process, the only code that imports electron: one locked-down window
// on the built renderer (served from app://renderer/, never file://), the native menu and file
// dialog, and the IPC wiring that hands every request from that window to the engine through
// the shared command dispatcher.
// PS_DATA_DIR overrides where the app keeps its data; PS_BROKERS=host:port,… uses an existing
// cluster instead of the local broker; PS_CLIENT_CONFIG=FILE, a Kafka client properties file,
// uses a secured one (its bootstrap.servers unless PS_BROKERS is set).
import path from 'node:path';
import {
  app,
  BrowserWindow,
  dialog,
  ipcMain,
  Menu,
  safeStorage,
  session,
  type IpcMainInvokeEvent,
  type MenuItemConstructorOptions,
  type OpenDialogOptions,
} from 'electron';
import { loadClientConfig } from '../broker/clientProperties';
import { useClusterSecurity } from '../broker/clusterSecurity';
import { parseBrokerList } from '../broker/kafkaClient';
import { dispatchCommand } from '../api/commandDispatcher';
import { ipcChannels, type CommandHandlers, type EngineHost } from '../api/contract';
import { StreamEngine } from '../api/streamEngine';
import { describeError } from '../shared/errors';
import { createLogger } from '../shared/logger';
import { writeExportFolder, type ExportFile } from './exportFolder';
import { pickDatasetPath } from './datasetDialog';
import { handleAppProtocol, registerAppScheme } from './appProtocol';
import { APP_INDEX_URL } from './appRequest';
import { UtilityWorker } from './utilityWorkerProcess';
import { safeStorageSecrets } from './safeStorageSecrets';
import { settingsDir } from '../storage/appStorage';

const logger = createLogger('shell');
const distDir = path.resolve(__dirname, '..', '..');
const rendererDir = path.join(distDir, 'renderer');
const preloadFile = path.join(distDir, 'preload', 'preload.bundle.js');
const ENGINE_CLOSE_TIMEOUT_MS = 20_000;

let mainWindow: BrowserWindow | null = null;
let engine: StreamEngine | null = null;
let engineClosing: Promise<void> | null = null;

/** True only for the main frame of the app's own window showing the app's own page. */
function fromOwnWindow(event: IpcMainInvokeEvent): boolean {
  const window = mainWindow;
  const frame = event.senderFrame;
  if (!window || window.isDestroyed() || !frame) return false;
  if (event.sender.id !== window.webContents.id || frame.parent !== null) return false;
  return frame.url.split(/[?#]/)[0] === APP_INDEX_URL;
}

/** "Export all": asks for a folder, then writes the charts' files into a new folder inside it. */
async function saveExportFiles(files: ExportFile[]): Promise<string | null> {
  const options: OpenDialogOptions = {
    title: 'Export all charts into…',
    buttonLabel: 'Export here',
    properties: ['openDirectory', 'createDirectory'],
  };
  const result = mainWindow
    ? await dialog.showOpenDialog(mainWindow, options)
    : await dialog.showOpenDialog(options);
  const parent = result.canceled ? undefined : result.filePaths[0];
  return parent ? writeExportFolder(parent, files) : null;
}

/** The engine as the window sees it: with native dialogs. */
function shellHost(streamEngine: StreamEngine): EngineHost {
  const handlers: CommandHandlers = {
    ...streamEngine.handlers,
    getSnapshot: async (args) => ({
      ...(await streamEngine.handlers.getSnapshot(args)),
      nativeDialogs: true,
    }),
    pickDataset: () => pickDatasetPath(dialog, mainWindow),
    saveExportFiles: ({ files }) => saveExportFiles(files),
  };
  return { handlers, subscribe: (listener) => streamEngine.subscribe(listener) };
}

function buildMenu(): Menu {
  const isMac = process.platform === 'darwin';
  const template: MenuItemConstructorOptions[] = [
    ...(isMac ? [{ role: 'appMenu' as const }] : []),
    {
      label: 'File',
      submenu: [
        {
          label: 'Open…',
          accelerator: 'CmdOrCtrl+O',
          click: () => mainWindow?.webContents.send(ipcChannels.menuOpenDataset),
        },
        { type: 'separator' },
        { role: 'quit', label: 'Quit' },
      ],
    },
    { role: 'editMenu' },
    { role: 'viewMenu' },
    { role: 'windowMenu' },
  ];
  return Menu.buildFromTemplate(template);
}

function lockDownWebContents(): void {
  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-navigate', (event) => event.preventDefault());
    contents.on('will-redirect', (event) => event.preventDefault());
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  });
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) =>
    callback(false),
  );
  session.defaultSession.setPermissionCheckHandler(() => false);
}

async function createWindow(): Promise<void> {
  const window = new BrowserWindow({
    width: 1320,
    height: 940,
    minWidth: 820,
    minHeight: 600,
    title: 'Parquet Streamer',
    show: false,
    backgroundColor: '#f4f5f7',
    webPreferences: {
      preload: preloadFile,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      spellcheck: false,
    },
  });
  mainWindow = window;
  window.once('ready-to-show', () => window.show());
  window.on('closed', () => {
    mainWindow = null;
  });
  await window.loadURL(APP_INDEX_URL);
}

async function start(): Promise<void> {
  handleAppProtocol(rendererDir);
  lockDownWebContents();
  Menu.setApplicationMenu(buildMenu());
  const clientConfig = process.env.PS_CLIENT_CONFIG
    ? loadClientConfig(process.env.PS_CLIENT_CONFIG)
    : undefined;
  if (clientConfig) useClusterSecurity(clientConfig.security);
  const brokers = process.env.PS_BROKERS
    ? parseBrokerList(process.env.PS_BROKERS)
    : clientConfig?.brokers;
  const appDataDir = process.env.PS_DATA_DIR
    ? path.resolve(process.env.PS_DATA_DIR)
    : app.getPath('userData');
  engine = new StreamEngine({
    appDataDir,
    brokers,
    // Workers run as utility processes in dev too, not only packaged (where the RunAsNode fuse
    // leaves fork no way to start plain Node), so the desktop app has one way to run them.
    launchWorker: (script, args, env) => new UtilityWorker(script, args, env),
    secrets: safeStorageSecrets(safeStorage, settingsDir(appDataDir)),
  });
  const host = shellHost(engine);
  engine.subscribe((event, payload) => {
    if (mainWindow && !mainWindow.isDestroyed()) {
      mainWindow.webContents.send(ipcChannels.event, event, payload);
    }
  });
  ipcMain.handle(ipcChannels.command, async (event, name: unknown, args: unknown) => {
    if (!fromOwnWindow(event)) {
      logger.warn('refused a command from outside the app window', {
        url: event.senderFrame?.url,
      });
      return { ok: false, error: 'refused: the request did not come from the app window' };
    }
    return dispatchCommand(host, name, args, logger);
  });
  await createWindow();
}

/** Stops the stream, the workers and the local broker (once); gives up after a bounded wait. */
function closeEngine(): Promise<void> {
  engineClosing ??= closeEngineWithin(ENGINE_CLOSE_TIMEOUT_MS);
  return engineClosing;
}

async function closeEngineWithin(timeoutMs: number): Promise<void> {
  const closing = engine;
  if (!closing) return;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      logger.warn(`the engine did not stop within ${timeoutMs / 1000} s; quitting`);
      resolve();
    }, timeoutMs);
  });
  await Promise.race([
    closing.close().catch((error) => logger.error('engine close failed', { error: String(error) })),
    timeout,
  ]);
  clearTimeout(timer);
}

function main(): void {
  // one app per user: two would fight over the broker's data dir
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }
  app.on('second-instance', () => {
    if (!mainWindow) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });
  let engineClosed = false;
  app.on('before-quit', (event) => {
    if (engineClosed) return;
    event.preventDefault();
    void closeEngine().finally(() => {
      engineClosed = true;
      app.quit();
    });
  });
  app.on('window-all-closed', () => app.quit());
  registerAppScheme();
  app
    .whenReady()
    .then(start)
    .catch((error: unknown) => {
      logger.error('the app could not start', { error: describeError(error) });
      dialog.showErrorBox('Parquet Streamer could not start', describeError(error));
      app.exit(1);
    });
}

main();
