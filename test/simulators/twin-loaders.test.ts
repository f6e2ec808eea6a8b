/** The twins loaded on demand are the bundled twins, under the same names. */
import { describe, expect, it } from 'vitest';
import { simulatorRegistry } from '../../simulators/registry.js';
import { bundledTwinNames, loadBundledTwins, twinNamesInConfig } from '../../simulators/twin-loaders.js';

describe('twins loaded on demand', () => {
  it('are the registry, twin for twin', async () => {
    expect([...bundledTwinNames].sort()).toEqual(Object.keys(simulatorRegistry).sort());
    const loaded = await loadBundledTwins();
    for (const [name, twin] of Object.entries(simulatorRegistry)) expect(loaded[name], name).toBe(twin);
  });

  it('loads the named twins only, or all when a name is unknown', async () => {
    expect(Object.keys(await loadBundledTwins(['sds011', 'sds011']))).toEqual(['sds011']);
    expect(Object.keys(await loadBundledTwins([]))).toEqual([]);
    expect(Object.keys(await loadBundledTwins(['sds011', 'weather-statoin'])).sort()).toEqual(Object.keys(simulatorRegistry).sort());
  });

  it('reads the twin names a raw config gives, before validation', () => {
    expect(twinNamesInConfig({ boards: [{ simulator: { device: 'sds011' } }, { device: { type: 'lines' } }, { simulator: { device: 'mhz19' } }] })).toEqual(['sds011', 'mhz19']);
    expect(twinNamesInConfig({ node: { id: 'a' } })).toEqual([]);
    expect(twinNamesInConfig({ boards: [{ simulator: {} }, null, { simulator: null }] })).toEqual(['', '']);
    expect(twinNamesInConfig('a password file')).toEqual([]);
    expect(twinNamesInConfig(undefined)).toBeUndefined();
  });
});
