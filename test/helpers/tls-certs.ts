/**
 * Test-only certificates made with openssl: a CA with a server certificate for localhost/127.0.0.1, a
 * second unrelated CA (the "wrong CA"), and a client CA with a client certificate (mTLS).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface TestPki {
  dir: string;
  /** PEM file paths. */
  serverCa: string;
  serverCert: string;
  serverKey: string;
  wrongCa: string;
  clientCa: string;
  clientCert: string;
  clientKey: string;
  read(file: string): string;
}

function openssl(dir: string, args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
}

function makeCa(dir: string, name: string): void {
  openssl(
    dir,
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', `/CN=${name}`].concat([
      '-keyout',
      `${name}.key`,
      '-out',
      `${name}.pem`,
    ]),
  );
}

function makeLeaf(dir: string, name: string, ca: string, ext: string): void {
  openssl(dir, [
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-subj',
    `/CN=${name}`,
    '-keyout',
    `${name}.key`,
    '-out',
    `${name}.csr`,
  ]);
  writeFileSync(path.join(dir, `${name}.ext`), ext);
  openssl(
    dir,
    ['x509', '-req', '-in', `${name}.csr`, '-CA', `${ca}.pem`, '-CAkey', `${ca}.key`, '-CAcreateserial'].concat([
      '-days',
      '2',
      '-extfile',
      `${name}.ext`,
      '-out',
      `${name}.pem`,
    ]),
  );
}

export function makeTestPki(): TestPki {
  const dir = mkdtempSync(path.join(tmpdir(), 'cks-tls-'));
  makeCa(dir, 'server-ca');
  makeCa(dir, 'wrong-ca');
  makeCa(dir, 'client-ca');
  makeLeaf(dir, 'server', 'server-ca', 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
  makeLeaf(dir, 'client', 'client-ca', 'extendedKeyUsage=clientAuth\n');
  const at = (f: string) => path.join(dir, f);
  return {
    dir,
    serverCa: at('server-ca.pem'),
    serverCert: at('server.pem'),
    serverKey: at('server.key'),
    wrongCa: at('wrong-ca.pem'),
    clientCa: at('client-ca.pem'),
    clientCert: at('client.pem'),
    clientKey: at('client.key'),
    read: (file) => readFileSync(file, 'utf8'),
  };
}
