import { describe, expect, it } from 'vitest';
import { explainMissingModule, loadOptionalModule } from '../../../src/transports/pi/optional-module.js';

const install = 'npm install the-thing';

describe('optional native modules', () => {
  it('names the package and the command that installs it when it is absent', () => {
    const error = (() => {
      try {
        loadOptionalModule('fieldnode-absent-optional-module', (failure) => new Error(explainMissingModule('fieldnode-absent-optional-module', install, failure)));
      } catch (failure) {
        return failure as Error;
      }
      return undefined;
    })();
    expect(error?.message).toBe('fieldnode-absent-optional-module is not installed: npm install the-thing');
  });

  it('tells a module that is present but does not load (built for another Node.js) to be rebuilt', () => {
    const failure = Object.assign(new Error('The module was compiled against a different Node.js version using\nNODE_MODULE_VERSION 115.'), { code: 'ERR_DLOPEN_FAILED' });
    expect(explainMissingModule('i2c-bus', install, failure)).toBe(
      "i2c-bus is installed but does not load (The module was compiled against a different Node.js version using): run npm rebuild i2c-bus in fieldnode's directory",
    );
  });

  it('returns the module when it is there', () => {
    const crc = loadOptionalModule<{ crc16modbus: unknown }>('crc', () => new Error('unreachable'));
    expect(typeof crc.crc16modbus).toBe('function');
  });
});
