/**
 * `npx tsx src/codec/generate-key.ts [key id]` prints a new PAYLOAD_ENCRYPTION_KEYS entry. The key goes
 * to stdout only (so it can be piped into a secret store); the advice goes to stderr.
 */
import { newKeyLine } from './keyring';

export interface PrintKeyLineOptions {
  keyId?: string;
  out?: (line: string) => void;
  err?: (line: string) => void;
}

export function printNewKeyLine(opts: PrintKeyLineOptions = {}): string {
  const line = newKeyLine(opts.keyId);
  (opts.out ?? ((l) => process.stdout.write(`${l}\n`)))(line);
  (opts.err ?? ((l) => process.stderr.write(`${l}\n`)))(
    'Put this entry FIRST in PAYLOAD_ENCRYPTION_KEYS and keep the older entries after it until no history ' +
      'that uses them is retained (see docs/security.md).',
  );
  return line;
}

if (require.main === module) {
  try {
    printNewKeyLine({ keyId: process.argv[2] });
  } catch (err) {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  }
}
