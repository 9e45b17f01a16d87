import { registerRoot } from 'remotion';
import { BenchRoot } from './root';

registerRoot(BenchRoot);
