import { useState } from 'react';
import { must, type Trace } from '../api.js';
import { Loaded, saveFile, useApp, useLoad } from '../common.js';
import { parseCsv } from '../csv.js';
import { Sealed } from './sealed.js';

/** Key data elements every row should carry (21 CFR 1.1455(c)); an empty one is reported as missing. */
const KDES = [
  'Traceability Lot Code',
  'Quantity',
  'Unit of Measure',
  'Location',
  'Date',
  'Reference Document Number',
];

/**
 * Columns a sealed event's public view may leave out (docs/privacy.md): empty in a row whose event
 * this node holds only the public view of, they are sealed, not missing.
 */
const SEALABLE = ['Location', 'Reference Document Type', 'Reference Document Number'];

/** The FSMA 204 sortable spreadsheet: a preview and a download byte-identical to GET …/trace.csv. */
export function Fsma({ id, direction, trace }: { id: string; direction: string; trace: Trace }) {
  const { api } = useApp();
  const [sort, setSort] = useState<{ col: number; asc: boolean }>({ col: 5, asc: true });
  const load = useLoad(async () => {
    const r = await api.GET('/objects/{id}/trace.csv', {
      params: { path: { id }, query: { direction: direction as 'both' } },
      parseAs: 'arrayBuffer',
    });
    const bytes = must(r as { data?: ArrayBuffer; error?: unknown; response: Response });
    return {
      bytes,
      rows: parseCsv(new TextDecoder().decode(bytes)).filter((row) => row.some((f) => f !== '')),
    };
  }, [api, id, direction]);
  return (
    <section aria-label="FSMA 204">
      <h2>FSMA 204 records</h2>
      <Loaded load={load}>
        {({ bytes, rows }) => {
          const [head = [], ...body] = rows;
          const elsewhere = new Set(
            trace.custody.filter((s) => s.sealed === 'elsewhere').map((s) => s.eventID),
          );
          const eventCol = head.indexOf('Event ID');
          const sealedCell = (row: string[], col: number) =>
            !row[col] && elsewhere.has(row[eventCol] ?? '') && SEALABLE.includes(head[col] ?? '');
          const empty = (row: string[]) => KDES.filter((k) => head.includes(k) && !row[head.indexOf(k)]);
          const sealedKdes = (row: string[]) => empty(row).filter((k) => sealedCell(row, head.indexOf(k)));
          const missing = (row: string[]) => empty(row).filter((k) => !sealedCell(row, head.indexOf(k)));
          const sorted = [...body].sort((a, b) => {
            const x = a[sort.col] ?? '';
            const y = b[sort.col] ?? '';
            return (x < y ? -1 : x > y ? 1 : 0) * (sort.asc ? 1 : -1);
          });
          const incomplete = body.filter((r) => missing(r).length > 0).length;
          const sealedRows = body.filter((r) => sealedKdes(r).length > 0).length;
          return (
            <>
              <p>
                <button
                  type="button"
                  onClick={() =>
                    saveFile(
                      `fsma204-${id.replace(/[^A-Za-z0-9]+/g, '_').slice(-60)}-${direction}.csv`,
                      bytes,
                      'text/csv;charset=utf-8',
                    )
                  }
                >
                  Download FSMA 204 CSV
                </button>{' '}
                <span className="muted">
                  {body.length} records from {trace.custody.length} events; {incomplete} with missing key data
                  elements
                  {sealedRows > 0
                    ? `; ${sealedRows} with sealed key data elements, which the parties’ own nodes serve`
                    : ''}
                  .
                </span>
              </p>
              <div className="scroll">
                <table className="grid">
                  <caption>FSMA 204 preview (select a column heading to sort)</caption>
                  <thead>
                    <tr>
                      {head.map((h, i) => (
                        <th
                          key={h}
                          scope="col"
                          aria-sort={sort.col === i ? (sort.asc ? 'ascending' : 'descending') : undefined}
                        >
                          <button
                            type="button"
                            className="link"
                            onClick={() => setSort({ col: i, asc: sort.col === i ? !sort.asc : true })}
                          >
                            {h}
                          </button>
                        </th>
                      ))}
                      <th scope="col">Missing key data elements</th>
                    </tr>
                  </thead>
                  <tbody>
                    {sorted.map((row) => (
                      <tr key={row.join('\u0000')}>
                        {row.map((f, i) => (
                          // biome-ignore lint/suspicious/noArrayIndexKey: columns are positional
                          <td key={i}>{sealedCell(row, i) ? <Sealed compact /> : f}</td>
                        ))}
                        <td>
                          {missing(row).join(', ') || 'none'}
                          {sealedKdes(row).length > 0 && (
                            <span className="muted"> (sealed: {sealedKdes(row).join(', ')})</span>
                          )}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </>
          );
        }}
      </Loaded>
    </section>
  );
}
