// The Node entry point, '@hnn/datasets/node': reading and fetching the real-pendulum file and the
// on-disk dataset cache (they use node:fs and node:crypto, so they are kept out of the main entry).
export { loadRealPendulum, sha256Hex, type LoadRealPendulumOptions } from './real-pendulum-file.js';
export {
  RealPendulumFetchError,
  fetchRealPendulum,
  type FetchAttempt,
  type FetchLike,
  type FetchRealPendulumOptions,
  type FetchRealPendulumResult,
} from './fetch-real-pendulum.js';
export {
  DatasetCacheError,
  CacheDirError,
  cachedDataset,
  ensureCacheDir,
  datasetCachePath,
  defaultDatasetCacheDir,
  type CachedDatasetResult,
  type DatasetCacheKey,
  type DatasetCacheOptions,
  type UncachedDatasetResult,
} from './dataset-cache.js';
