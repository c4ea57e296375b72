// Packages a platform-specific .vsix with the domxml binary inside (server/<target>/domxml):
//   npm run package:bundled [-- --binary PATH] [-- --target linux-x64]
// The binary defaults to the workspace's target/release/domxml (cargo build --release -p domxml).
// The extension finds it at run time before looking on PATH.
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..');
const args = process.argv.slice(2);
const option = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};

const target = option('--target') ?? `${process.platform}-${process.arch}`;
const exe = target.startsWith('win32') ? 'domxml.exe' : 'domxml';
const binary = resolve(option('--binary') ?? join(root, '..', '..', 'target', 'release', exe));
if (!existsSync(binary)) {
  console.error(`no server binary at ${binary}: run \`cargo build --release -p domxml\` or pass --binary PATH`);
  process.exit(1);
}
rmSync(join(root, 'server'), { recursive: true, force: true });
const dest = join(root, 'server', target, exe);
mkdirSync(dirname(dest), { recursive: true });
copyFileSync(binary, dest);
chmodSync(dest, 0o755);
console.log(`bundled ${binary} as server/${target}/${exe}`);

const vsce = join(root, 'node_modules', '.bin', process.platform === 'win32' ? 'vsce.cmd' : 'vsce');
const result = spawnSync(vsce, ['package', '--no-dependencies', '--skip-license', '--target', target], {
  cwd: root,
  stdio: 'inherit',
  shell: process.platform === 'win32',
});
// leave no server/ behind for a later platform-neutral `npm run package`
rmSync(join(root, 'server'), { recursive: true, force: true });
process.exit(result.status ?? 1);
