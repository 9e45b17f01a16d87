import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { build } from 'esbuild';
import { buildPageBundle, PAGE_BUNDLE, pageBuildOptions } from '../../web/build-page';

describe('the demo page bundle', () => {
  it('is committed as the sources build it (run `npx tsx web/build-page.ts` after changing web/)', async () => {
    const fresh = await buildPageBundle();
    const committed = await readFile(PAGE_BUNDLE, 'utf8');
    expect(committed.length).toBe(fresh.length);
    expect(committed === fresh).toBe(true);
  });

  it('imports nothing at run time: no Node built-ins, no bare module names left for the browser', async () => {
    const result = await build({ ...pageBuildOptions(), write: false, outfile: PAGE_BUNDLE, metafile: true });
    const [output] = Object.values(result.metafile!.outputs);
    expect(output!.imports).toEqual([]);
    expect(Object.keys(result.metafile!.inputs).filter((f) => /(^|\/)node_modules\/ws\//.test(f))).toEqual([]);
  });
});
