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
