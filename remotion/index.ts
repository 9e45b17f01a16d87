import { registerRoot } from 'remotion';
import { RemotionRoot } from './root';

// The bundle's entry point (@remotion/bundler in render-local.ts, `npx remotion lambda sites create` in AWS).
registerRoot(RemotionRoot);
