// The demo's CSV files: a header row, then rows of plain fields (no quoting needed for the data we ship).
import fs from 'node:fs';
import { parse } from 'csv-parse/sync';
import { writeFile } from './script';

export interface Table { file: string; header: string[]; rows: string[][] }

export function readCsv(file: string): Table {
  if (!fs.existsSync(file)) throw new Error(`${file} not found (run the stage that writes it first)`);
  let records: string[][];
  try {
    records = parse(fs.readFileSync(file, 'utf8'), { skip_empty_lines: true, trim: true }) as string[][];
  } catch (e) {
    throw new Error(`${file}: ${e instanceof Error ? e.message : String(e)}`);
  }
  const [header, ...rows] = records;
  if (!header) throw new Error(`${file} is empty`);
  return { file, header, rows };
}

/** The named columns as numbers, row by row; an error names file, line and column of the first bad value. */
export function numbers(t: Table, columns: string[]): number[][] {
  const idx = columns.map(c => {
    const i = t.header.indexOf(c);
    if (i < 0) throw new Error(`${t.file}: no column '${c}' (columns: ${t.header.join(', ')})`);
    return i;
  });
  return t.rows.map((row, r) => idx.map((i, k) => {
    const v = Number(row[i]);
    if (row[i] === '' || !Number.isFinite(v)) throw new Error(`${t.file}:${r + 2}: ${columns[k]} is not a number: '${row[i]}'`);
    return v;
  }));
}

export function writeCsv(file: string, header: string[], rows: (string | number)[][]): void {
  writeFile(file, [header, ...rows].map(r => r.join(',')).join('\n') + '\n');
}
