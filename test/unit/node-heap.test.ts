import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DEFAULT_NODE_OPTIONS, heapStaysHigh } from '../../src/runtime/node-heap';
import { readImageStage } from '../helpers/dockerfile';

const root = path.join(__dirname, '..', '..');
const MB = 1024 * 1024;

describe('the worker heap ceiling', () => {
  it('is what every launcher of the service sets, unless NODE_OPTIONS is set already', () => {
    const scripts = (
      JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
    ).scripts;
    for (const role of ['start', 'worker', 'ingest']) {
      expect(scripts[role]).toContain(
        `NODE_OPTIONS="\${NODE_OPTIONS:-${DEFAULT_NODE_OPTIONS}}" node dist/src/cli.js ${role}`,
      );
    }
    expect(readImageStage(path.join(root, 'Dockerfile')).env.NODE_OPTIONS).toBe(DEFAULT_NODE_OPTIONS);
  });

  it('warns only when the heap stays above 75% of the limit for four samples in a row', () => {
    const at = (usedMb: number) => ({ usedBytes: usedMb * MB, limitBytes: 256 * MB });
    expect(heapStaysHigh([at(200), at(200), at(200)])).toBe(false); // too few samples
    expect(heapStaysHigh([at(200), at(200), at(200), at(200)])).toBe(true);
    expect(heapStaysHigh([at(200), at(90), at(200), at(200)])).toBe(false); // a collection brought it down
    expect(heapStaysHigh([at(190), at(190), at(190), at(190)])).toBe(false); // 190 < 192 (75%)
  });
});
