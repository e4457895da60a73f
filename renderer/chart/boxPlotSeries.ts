// Turns the chart feed's box-plot window into what the page shows and exports: boroughs in a
// stable order, which of them have data, and a CSV of every value in the window.
import type { BoxPlotData } from '../../main/api/contract';

/** The five boroughs in the order the chart always shows them. */
export const BOROUGHS = ['Bronx', 'Brooklyn', 'Manhattan', 'Queens', 'Staten Island'];

/** Boroughs that have at least one value: the known five first, then any others by name. */
export function boroughsWithData(series: BoxPlotData['series']): string[] {
  const present = Object.keys(series).filter((name) => (series[name]?.length ?? 0) > 0);
  const known = BOROUGHS.filter((name) => present.includes(name));
  const others = present.filter((name) => !BOROUGHS.includes(name)).sort();
  return [...known, ...others];
}

function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** "borough,temperature" then one line per value, boroughs in chart order. */
export function boxPlotCsv(data: BoxPlotData): string {
  const lines = ['borough,temperature'];
  for (const borough of boroughsWithData(data.series)) {
    for (const value of data.series[borough] ?? []) lines.push(`${csvField(borough)},${value}`);
  }
  return lines.join('\n') + '\n';
}
