import { mkdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { buildSync, type Metafile } from 'esbuild';

/**
 * One Lambda bundle per handler (esbuild): ESM for Node.js 22 (`index.mjs`, handler `index.handler`).
 *
 * Everything is bundled, the AWS SDK included: the SDK that ships in Lambda's Node.js runtime changes
 * with runtime updates and lags behind ours, and AWS's own advice for production is to pin it in the
 * package. Bundling keeps behaviour identical to what the tests ran, at the price of larger zips
 * (budgets in BUNDLE_BUDGET_BYTES, checked by test/infra/bundle.test.ts).
 */

export const LAMBDA_HANDLERS = ['api', 'ltx', 'render', 'sweep'] as const;
export type LambdaHandlerName = (typeof LAMBDA_HANDLERS)[number];

/**
 * Minified bundle size budgets, set about 20% above the sizes measured then (ltx 1.26 MB, render
 * 2.69 MB, sweep 1.24 MB, api 1.27 MB as `presign`). Measured since: api 1.37 MB (Hono 27 kB and the
 * Powertools logger 21 kB), ltx 1.34 MB, render 2.76 MB, sweep 1.32 MB (the logger). Cold start grows
 * with code size; a jump past these means a heavy dependency crept in.
 */
export const BUNDLE_BUDGET_BYTES: Record<LambdaHandlerName, number> = {
  api: 1_500_000,
  ltx: 1_500_000,
  // @remotion/lambda-client carries its own copies of the Lambda/S3/IAM clients.
  render: 3_200_000,
  sweep: 1_500_000,
};

/** What no Lambda bundle may contain: the local renderer and bundler, browsers, test code. */
export const FORBIDDEN_BUNDLE_INPUTS: readonly RegExp[] = [
  /node_modules\/@remotion\/renderer\//,
  /node_modules\/@remotion\/bundler\//,
  /node_modules\/@remotion\/compositor-/,
  /node_modules\/(puppeteer|puppeteer-core|playwright-core|chromium|@sparticuz)\//,
  /node_modules\/(vitest|@vitest|vite)\//,
  /(^|\/)test\//,
  /(^|\/)local\//,
];

export interface BundleResult {
  /** Directory holding `index.mjs` (what gets zipped). */
  dir: string;
  file: string;
  bytes: number;
  /** Bundled input paths, relative to the project root. */
  inputs: string[];
}

/** `require` for CommonJS dependencies inside an ESM bundle (esbuild leaves `require(...)` calls of Node built-ins). */
const ESM_REQUIRE_BANNER = "import { createRequire as __villaCreateRequire } from 'node:module'; const require = __villaCreateRequire(import.meta.url);";

export function bundleHandler(options: { entry: string; outDir: string; root: string }): BundleResult {
  mkdirSync(options.outDir, { recursive: true });
  const file = join(options.outDir, 'index.mjs');
  const result = buildSync({
    entryPoints: [options.entry],
    outfile: file,
    absWorkingDir: options.root,
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'esm',
    minify: true,
    sourcemap: false,
    legalComments: 'none',
    metafile: true,
    banner: { js: ESM_REQUIRE_BANNER },
    // Prefer the ESM builds of dependencies (smaller after tree shaking).
    mainFields: ['module', 'main'],
    logLevel: 'silent',
  });
  const metafile: Metafile = result.metafile;
  const output = Object.values(metafile.outputs)[0];
  return {
    dir: options.outDir,
    file,
    bytes: output?.bytes ?? 0,
    inputs: Object.keys(metafile.inputs).map((p) => relative(options.root, join(options.root, p))),
  };
}

/** The forbidden inputs a bundle contains (empty when clean). */
export function forbiddenInputs(inputs: readonly string[]): string[] {
  return inputs.filter((p) => FORBIDDEN_BUNDLE_INPUTS.some((re) => re.test(p)));
}
