// Chart exports in the page: a drawn chart to PNG or SVG through Plotly's toImage (its title is
// part of the figure), a text or bytes download, and "Export all" — every chart's PNG, SVG and
// CSV in one stored ZIP, or handed to the desktop app to write into a folder.
import * as Plotly from 'plotly.js-dist-min';
import { CHART_HEIGHT } from './plotFigure';
import { dataUrlBytes } from './exportFiles';

export type ImageFormat = 'png' | 'svg';

/** The drawn chart as PNG or SVG at its size on the page (`height`: its layout's height). */
export async function chartImage(
  element: HTMLElement,
  format: ImageFormat,
  height = CHART_HEIGHT,
): Promise<Uint8Array> {
  const url = await Plotly.toImage(element, {
    format,
    width: element.clientWidth || 900,
    height,
  });
  return dataUrlBytes(url);
}

export function downloadBytes(bytes: Uint8Array | string, fileName: string, type: string): void {
  const part = typeof bytes === 'string' ? bytes : new Uint8Array(bytes);
  const url = URL.createObjectURL(new Blob([part], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export const MIME_TYPES = {
  png: 'image/png',
  svg: 'image/svg+xml',
  csv: 'text/csv',
  zip: 'application/zip',
} as const;
