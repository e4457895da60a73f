// Renderer entry: configures zod for a page without eval (strict CSP), picks the API (preload or
// WebSocket) and mounts the app.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { z } from 'zod';
import { connectApi } from './api/connectApi';
import { App } from './App';
import './styles.css';

z.config({ jitless: true });

const container = document.getElementById('root');
if (!container) throw new Error('index.html has no #root element');
createRoot(container).render(
  <StrictMode>
    <App api={connectApi()} />
  </StrictMode>,
);
