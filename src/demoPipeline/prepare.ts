// Stage `prepare`: data/iris.csv → data/prepared/{train,test}.csv with a binary label (1 = prepare.positive,
// 0 = prepare.negative, or every other species for 'rest'). Stratified split: each class contributes
// round(prepare.split × its rows) to the test set, drawn with a PRNG seeded by prepare.seed.
import { numbers, readCsv, writeCsv } from './csv';
import { prng, shuffle } from './prng';
import { readParams, runScript } from './script';

const SOURCE = 'data/iris.csv';
const TARGET = 'species';

runScript('prepare', () => {
  const p = readParams('prepare');
  const split = p.num('split', 0, 1, { open: true });
  const seed = p.num('seed', 0, 2 ** 32 - 1, { integer: true });
  const positive = p.str('positive');
  const negative = p.str('negative', 'rest');

  const table = readCsv(SOURCE);
  const t = table.header.indexOf(TARGET);
  if (t < 0) throw new Error(`${SOURCE}: no '${TARGET}' column`);
  const features = table.header.filter(h => h !== TARGET);
  const x = numbers(table, features);
  const species = table.rows.map(r => r[t]);
  const known = [...new Set(species)].join(', ');
  const labelOf = (s: string) => (s === positive ? 1 : negative === 'rest' || s === negative ? 0 : undefined);
  const classes: number[][] = [[], []];
  species.forEach((s, i) => { const l = labelOf(s); if (l !== undefined) classes[l].push(i); });
  classes.forEach((rows, l) => {
    if (!rows.length) throw new Error(`${SOURCE} has no rows for ${l ? `positive '${positive}'` : `negative '${negative}'`} (species: ${known})`);
  });

  const rand = prng(seed);
  const train: number[] = [];
  const test: number[] = [];
  for (const rows of classes) {
    shuffle(rows, rand);
    const n = Math.min(rows.length - 1, Math.max(1, Math.round(rows.length * split)));
    test.push(...rows.slice(0, n));
    train.push(...rows.slice(n));
  }
  const header = [...features, 'label'];
  const out = (rows: number[]) => shuffle(rows, rand).map(i => [...x[i], labelOf(species[i])!]);
  writeCsv('data/prepared/train.csv', header, out(train));
  writeCsv('data/prepared/test.csv', header, out(test));
  console.log(`prepare: ${positive} (1) vs ${negative} (0): ${train.length} train rows, ${test.length} test rows (split ${split}, seed ${seed})`);
});
