/**
 * Stands in for `@apollo/utils.createhash` in the bundle.
 *
 * That package picks Node's crypto only when `module.require` exists, which holds in Node's own
 * CommonJS loader but not in esbuild's module wrapper, so bundled it fell back to `sha.js`, a
 * SHA-256 in plain JavaScript, for the hash Apollo computes of every query's text
 * (bench/FINDINGS.md, "Apollo's query hash back on Node's crypto in the bundle"). Ours is Node's
 * crypto, with the hex digests of query texts remembered (src/infra/text-hash.ts).
 */
export { createHash } from '../../src/infra/text-hash.js';
