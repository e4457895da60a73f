// A table of rows as JSON objects: one column per field name, one line per row, each cell as
// the rows preview shows it. Used by the dataset's first rows and the transform's preview.
import { formatCell } from '../format/units';

export function RowsTable(props: {
  rows: Record<string, unknown>[];
  /** the column order; by default every field of the rows, in the order they first appear */
  columns?: string[];
  testId?: string;
}) {
  const columns = props.columns ?? [...new Set(props.rows.flatMap((row) => Object.keys(row)))];
  return (
    <div className="table-scroll">
      <table className="preview" data-testid={props.testId}>
        <thead>
          <tr>
            {columns.map((name) => (
              <th key={name} scope="col">
                {name}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {props.rows.map((row, index) => (
            <tr key={index}>
              {columns.map((name) => (
                <td key={name}>{formatCell(row[name])}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
