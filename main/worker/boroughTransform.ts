// The parking-ticket pipeline's transform as a pure function: keep the issue date, the
// temperature and the borough, normalise the borough code, and drop rows with no known borough.
// It is the Faust agent of the Python pipeline, applied to one parsed JSON input row.

export type Borough = 'Brooklyn' | 'Bronx' | 'Manhattan' | 'Queens' | 'Staten Island';

/** What the output topic carries for each kept row. */
export interface BoroughRow {
  'Issue Date': unknown;
  Temperature: unknown;
  'Violation County': Borough;
}

/** Borough codes as they appear in the NYC parking-violation data, exactly as the pipeline mapped them. */
export const BOROUGH_CODES: Readonly<Record<string, Borough>> = {
  BK: 'Brooklyn',
  K: 'Brooklyn',
  Kings: 'Brooklyn',
  ABX: 'Bronx',
  BX: 'Bronx',
  Bronx: 'Bronx',
  MN: 'Manhattan',
  NY: 'Manhattan',
  Q: 'Queens',
  QN: 'Queens',
  QNS: 'Queens',
  QUEEN: 'Queens',
  Qns: 'Queens',
  R: 'Staten Island',
  Rich: 'Staten Island',
  ST: 'Staten Island',
};

function boroughOf(code: unknown): Borough | null {
  if (typeof code !== 'string' || !Object.prototype.hasOwnProperty.call(BOROUGH_CODES, code))
    return null;
  return BOROUGH_CODES[code] ?? null;
}

/** The output row for one input row, or null when the row is dropped (no known borough). */
export function transformBoroughRow(row: unknown): BoroughRow | null {
  if (typeof row !== 'object' || row === null || Array.isArray(row)) return null;
  const fields = row as Record<string, unknown>;
  const borough = boroughOf(fields['Violation County Name']);
  if (borough === null) return null;
  return {
    'Issue Date': fields['Issue Date'] ?? null,
    Temperature: fields['W - Temperature'] ?? null,
    'Violation County': borough,
  };
}
