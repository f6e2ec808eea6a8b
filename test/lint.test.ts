import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

describe('lint rule: only adapter files import I/O libraries', () => {
  const eslint = new ESLint();
  const messagesFor = async (filePath: string, code: string) => (await eslint.lintText(code, { filePath }))[0]?.messages.map((message) => message.ruleId) ?? [];

  it('rejects mqtt, serialport and cbor-x in domain, driver and pipeline code', async () => {
    expect(await messagesFor('src/core/example.ts', "import mqtt from 'mqtt';\nexport const x = mqtt;\n")).toContain('no-restricted-imports');
    expect(await messagesFor('src/drivers/lines/example.ts', "import { SerialPort } from 'serialport';\nexport const x = SerialPort;\n")).toContain('no-restricted-imports');
    expect(await messagesFor('src/pipeline/example.ts', "import { encode } from 'cbor-x';\nexport const x = encode;\n")).toContain('no-restricted-imports');
    expect(await messagesFor('src/node.ts', "import { ReadlineParser } from '@serialport/parser-readline';\nexport const x = ReadlineParser;\n")).toContain('no-restricted-imports');
  });

  it('allows them in adapter files', async () => {
    expect(await messagesFor('src/uplink/mqtt-uplink.ts', "import mqtt from 'mqtt';\nexport const x = mqtt;\n")).not.toContain('no-restricted-imports');
    expect(await messagesFor('src/codec/cbor.ts', "import { encode } from 'cbor-x';\nexport const x = encode;\n")).not.toContain('no-restricted-imports');
  });
});

describe('lint rule: the runtime and the simulators meet only at the composition root', () => {
  const eslint = new ESLint();
  const restricted = async (filePath: string, code: string) =>
    ((await eslint.lintText(code, { filePath }))[0]?.messages ?? []).filter((message) => message.ruleId === 'no-restricted-imports').map((message) => message.message);

  it('rejects src/ importing simulators/, from any depth, adapters included', async () => {
    expect(await restricted('src/node.ts', "import { simulatorRegistry } from '../simulators/registry.js';\nexport const x = simulatorRegistry;\n")).toEqual([expect.stringContaining('does not import the simulators')]);
    expect(await restricted('src/config/schema.ts', "import type { FakePiRoot } from '../../simulators/pi/fake-root.js';\nexport type X = FakePiRoot;\n")).toEqual([expect.stringContaining('does not import the simulators')]);
    expect(await restricted('src/transports/serial.ts', "import { MockSerialTransport } from '../../simulators/transports/mock-serial.js';\nexport const x = MockSerialTransport;\n")).toEqual([expect.stringContaining('does not import the simulators')]);
  });

  it('rejects simulators/ importing runtime internals, and allows its public entry', async () => {
    expect(await restricted('simulators/devices/example.ts', "import { decodeSds011 } from '../../src/drivers/sds011/decode.js';\nexport const x = decodeSds011;\n")).toEqual([expect.stringContaining('public entry')]);
    expect(await restricted('simulators/transports/example.ts', "import { SerialTransport } from '../../src/transports/serial.js';\nexport const x = SerialTransport;\n")).toEqual([expect.stringContaining('public entry')]);
    expect(await restricted('simulators/devices/example.ts', "import { VirtualClock } from '../../src/index.js';\nexport const x = VirtualClock;\n")).toEqual([]);
  });

  it('lets the composition root import both', async () => {
    expect(await restricted('bin/fieldnode.ts', "import { runCli } from '../src/cli/main.js';\nimport { createSimulation } from '../simulators/simulation.js';\nexport const x = [runCli, createSimulation];\n")).toEqual([]);
  });
});
