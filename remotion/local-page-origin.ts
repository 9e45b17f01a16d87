/**
 * Where the local Remotion renderer's page runs: `renderMedia`, `renderStill` and `selectComposition`
 * each serve the bundle on http://localhost:<port> with a port Remotion picks free in 3000-3100 per call
 * (@remotion/renderer serve-static.js; prepare-server.js names the host "localhost"). The template's
 * <Video> fetches the clip from that page, so this is the origin the local bucket's GET rule allows,
 * as the AWS bucket allows the Remotion site's origin. A wildcard port rather than a pinned one: a
 * pinned port would make two renderers on one machine (a second stack, parallel tests) collide, and
 * S3's syntax allows one `*` per origin, so the AWS bucket could hold the same rule.
 */
export const LOCAL_RENDER_PAGE_ORIGIN = 'http://localhost:*';
