// `npm run build` step: the browser files of the console and the dashboard app (src/**/public) go next
// to the compiled code, where the server finds them (path.join(__dirname, 'public')).
const fs = require('node:fs');
const path = require('node:path');

for (const dir of ['src/console/public', 'src/chatwoot-app/public']) {
  const from = path.resolve(__dirname, '..', dir);
  if (!fs.existsSync(from)) continue;
  fs.cpSync(from, path.resolve(__dirname, '../dist', dir), { recursive: true });
}
