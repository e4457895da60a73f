// Picks the renderer's API: over the preload's bridge (`window.parquetStreamer`) inside Electron,
// otherwise over a WebSocket to the dashboard that served this page, authorised by the token in
// the page's URL.
import type { EngineBridge, ParquetStreamerApi, ShellMenuApi } from '../../main/api/contract';
import { engineApi } from './engineApi';
import { createWebSocketApi } from './webSocketApi';

/** The contract's API, plus the native menu hook when the Electron preload provides it. */
export type RendererApi = ParquetStreamerApi & Partial<ShellMenuApi>;

declare global {
  interface Window {
    parquetStreamer?: EngineBridge & ShellMenuApi;
  }
}

export function connectApi(): RendererApi {
  const bridge = window.parquetStreamer;
  if (bridge) {
    return {
      ...engineApi(bridge),
      onMenuOpenDataset: (listener) => bridge.onMenuOpenDataset(listener),
      pathForFile: (file) => bridge.pathForFile(file),
    };
  }
  const token = new URLSearchParams(window.location.search).get('token') ?? '';
  const scheme = window.location.protocol === 'https:' ? 'wss:' : 'ws:';
  const url = `${scheme}//${window.location.host}/api?token=${encodeURIComponent(token)}`;
  return createWebSocketApi((events) => {
    const socket = new WebSocket(url);
    socket.onopen = () => events.opened();
    socket.onmessage = (event) => events.message(String(event.data));
    socket.onerror = () => events.failed();
    socket.onclose = () => events.closed();
    return {
      isOpen: () => socket.readyState === WebSocket.OPEN,
      send: (data) => socket.send(data),
    };
  });
}
