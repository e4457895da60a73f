// File names and bytes for chart exports: a file name from the chart's title, the bytes behind a
// data: URL (Plotly's toImage gives PNG as base64 and SVG as URL-encoded text), and base64 for
// the desktop app's folder export.

/** "Temperature by borough" → "temperature-by-borough"; the chart id when nothing is left. */
export function exportBaseName(title: string, id: string): string {
  const slug = title
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80);
  return slug || id;
}

/** Each chart's base name, unique even when two charts share a title. */
export function uniqueBaseNames(charts: readonly { title: string; id: string }[]): string[] {
  const used = new Set<string>();
  return charts.map(({ title, id }) => {
    let name = exportBaseName(title, id);
    if (used.has(name)) name = `${name}-${id}`;
    used.add(name);
    return name;
  });
}

export function dataUrlBytes(url: string): Uint8Array {
  const comma = url.indexOf(',');
  if (!url.startsWith('data:') || comma < 0) throw new Error('not a data: URL');
  const body = url.slice(comma + 1);
  if (url.slice(0, comma).endsWith(';base64')) {
    return Uint8Array.from(atob(body), (char) => char.charCodeAt(0));
  }
  return new TextEncoder().encode(decodeURIComponent(body));
}

export function toBase64(bytes: Uint8Array): string {
  let binary = '';
  const chunk = 0x8000;
  for (let i = 0; i < bytes.length; i += chunk) {
    binary += String.fromCharCode(...bytes.subarray(i, i + chunk));
  }
  return btoa(binary);
}

const quote = (text: string) => (/[",\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text);

/** A pipeline chart's points as CSV: time (ISO-8601 UTC), the series, and its value in `unit`. */
export function timeSeriesCsv(
  series: readonly { name: string; t: number[]; values: number[] }[],
  unit: string,
): string {
  const lines = [`time,series,${quote(unit)}`];
  for (const line of series) {
    line.t.forEach((at, i) => {
      lines.push(`${new Date(at).toISOString()},${quote(line.name)},${line.values[i]}`);
    });
  }
  return lines.join('\n') + '\n';
}

/** The dropped-rows chart as CSV: one line per transform step with its dropped and error rows. */
export function stepDropsCsv(
  steps: readonly { name: string; dropped: number; errors: number }[],
): string {
  const lines = ['step,dropped,errors'];
  for (const step of steps) lines.push(`${quote(step.name)},${step.dropped},${step.errors}`);
  return lines.join('\n') + '\n';
}
