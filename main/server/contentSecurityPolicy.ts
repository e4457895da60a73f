// The one Content-Security-Policy of the renderer page, used by the dashboard's HTTP header and by
// the <meta> tag scripts/build-ui.js writes into index.html (Electron loads the page from file://,
// where only the meta tag applies). No inline or eval'd script; Plotly injects <style> elements
// and inline style attributes, hence 'unsafe-inline' for styles only; chart exports are data: and
// blob: images.
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
].join('; ');
