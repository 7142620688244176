/** Locates (or builds) the Temporal CLI through scripts/temporal-cli.sh, the one place that knows how. */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
/** src/dev/ from the sources, dist/src/dev/ when compiled (npm start): the script is in the repository root. */
const SCRIPT =
  [
    path.resolve(__dirname, '../../scripts/temporal-cli.sh'),
    path.resolve(__dirname, '../../../scripts/temporal-cli.sh'),
  ].find((p) => fs.existsSync(p)) ?? path.resolve(__dirname, '../../scripts/temporal-cli.sh');

/** Path of a usable `temporal` binary; builds it from Go source when none is found (minutes, once). */
export async function ensureTemporalBinary(): Promise<string> {
  try {
    const { stdout } = await run('bash', [SCRIPT, 'ensure'], { maxBuffer: 1 << 20, timeout: 30 * 60_000 });
    const bin = stdout.trim().split('\n').pop();
    if (!bin) throw new Error('scripts/temporal-cli.sh printed no path');
    return bin;
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    throw new Error(`Could not find or build the Temporal CLI: ${err.stderr?.trim() || err.message}`);
  }
}
