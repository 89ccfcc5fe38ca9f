// Run as a child process by test/unit/xlsx-bomb-memory.test.ts: parses the people file named on
// the command line and prints the peak memory (maxRSS) before and after, in a process of its own so
// other tests cannot blur the measurement.
import { readFileSync } from 'node:fs';
import { parseSpreadsheet } from '../../src/web/spreadsheet-table';
import { csvOf, xlsxOf } from '../fixtures/people-files';

async function main(): Promise<void> {
  // Warm up both paths (exceljs, csv-parse, zlib) so the measurement is of the file alone.
  await parseSpreadsheet(
    await xlsxOf([['199001012015031001', 'Budi', '', 'PNS', 'III/a', '', '', 'BKPSDM']]),
  );
  await parseSpreadsheet(csvOf([['199001012015031001', 'Budi', '', 'PNS', 'III/a', '', '', 'BKPSDM']]));
  const file = readFileSync(process.argv[2]);
  const before = process.resourceUsage().maxRSS;
  const result = await parseSpreadsheet(file);
  const after = process.resourceUsage().maxRSS;
  process.stdout.write(JSON.stringify({ before, after, result: result.ok ? 'ok' : result.error }));
}

void main();
