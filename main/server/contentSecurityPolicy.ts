// The one Content-Security-Policy of the renderer page: the header of every dashboard and app://
// response, and the <meta> tag scripts/build-ui.js writes into index.html. No inline or eval'd
// script; Plotly injects <style> elements and inline style attributes, hence 'unsafe-inline' for
// styles only; chart exports are data: and blob: images.
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
].join('; ');
