#!/usr/bin/env node
// `npx video-pipeline …`: runs the TypeScript CLI through tsx's ESM API, so no build step is needed.
import { tsImport } from 'tsx/esm/api';

await tsImport('../cli/main.ts', import.meta.url);
