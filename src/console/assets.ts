/**
 * Static files of the console: our own stylesheet and scripts (src/console/public, copied next to the
 * compiled code by `npm run build`) and the two libraries, served from node_modules at the versions
 * package.json pins. Nothing is built at run time.
 */
import path from 'node:path';
import express, { type Router } from 'express';

/** Asset name -> its file. chart.js's package "exports" hide dist/ files: found next to its main entry. */
const VENDOR: Record<string, () => string> = {
  'htmx.min.js': () => require.resolve('htmx.org/dist/htmx.min.js'),
  'chart.umd.min.js': () => path.join(path.dirname(require.resolve('chart.js')), 'chart.umd.min.js'),
};

export const CONSOLE_PUBLIC_DIR = path.join(__dirname, 'public');

export function consoleAssets(): Router {
  const router = express.Router();
  for (const [name, locate] of Object.entries(VENDOR)) {
    const file = locate();
    router.get(`/${name}`, (_req, res) => {
      res.setHeader('Cache-Control', 'public, max-age=86400');
      res.sendFile(file);
    });
  }
  router.use(express.static(CONSOLE_PUBLIC_DIR, { index: false, fallthrough: false, maxAge: 0 }));
  return router;
}
