// Picks the renderer's API: the preload's `window.parquetStreamer` inside Electron, otherwise a
// WebSocket to the dashboard that served this page, authorised by the token in the page's URL.
import type { ParquetStreamerApi, ShellMenuApi } from '../../main/api/contract';
import { createWebSocketApi } from './webSocketApi';

/** The contract's API, plus the native menu hook when the Electron preload provides it. */
export type RendererApi = ParquetStreamerApi & Partial<ShellMenuApi>;

declare global {
  interface Window {
    parquetStreamer?: RendererApi;
  }
}

export function connectApi(): RendererApi {
  if (window.parquetStreamer) return window.parquetStreamer;
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
