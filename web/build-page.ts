import { build, type BuildOptions, type Plugin } from 'esbuild';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const webDir = dirname(fileURLToPath(import.meta.url));
export const PAGE_BUNDLE = join(webDir, 'public', 'app.js');

/**
 * shared/domain/keys.ts derives job ids with node:crypto, which the page never calls; give the bundle a stub
 * that says so if it ever were called, instead of a Node module a browser cannot load.
 */
const nodeCryptoStub: Plugin = {
  name: 'node-crypto-stub',
  setup(b) {
    b.onResolve({ filter: /^(node:)?crypto$/ }, () => ({ path: 'node-crypto-stub', namespace: 'stub' }));
    b.onLoad({ filter: /.*/, namespace: 'stub' }, () => ({
      contents: "export function createHash() { throw new Error('node:crypto is not available in the browser'); }",
      loader: 'js',
    }));
  },
};

/** The demo page's script: web/app/main.tsx with React and supabase-js, one minified ES module. */
export function pageBuildOptions(): BuildOptions {
  return {
    entryPoints: [join(webDir, 'app', 'main.tsx')],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: ['es2020', 'chrome100', 'firefox100', 'safari15'],
    minify: true,
    jsx: 'automatic',
    legalComments: 'none',
    define: { 'process.env.NODE_ENV': '"production"' },
    plugins: [nodeCryptoStub],
    logLevel: 'silent',
  };
}

/** Builds the bundle in memory and returns its text (the test compares it to the committed file). */
export async function buildPageBundle(): Promise<string> {
  const result = await build({ ...pageBuildOptions(), write: false, outfile: PAGE_BUNDLE });
  const file = result.outputFiles?.[0];
  if (!file) throw new Error('esbuild produced no output');
  return file.text;
}

// `npx tsx web/build-page.ts` writes web/public/app.js; commit it with the sources.
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { writeFile } = await import('node:fs/promises');
  const text = await buildPageBundle();
  await writeFile(PAGE_BUNDLE, text);
  process.stdout.write(`wrote ${PAGE_BUNDLE} (${(text.length / 1024).toFixed(0)} KB)\n`);
}
