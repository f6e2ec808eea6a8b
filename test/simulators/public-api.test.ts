import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { ReadlineParser, SerialPort } from 'serialport';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, VirtualClock } from '../../src/index.js';
import { hasSocat, startEmbeddedBroker, startScenario, startTwin, type StartedScenario } from '../../simulators/index.js';
import { describeNeeding } from '../support/needs.js';

const directories: string[] = [];
const temporaryDirectory = () => {
  const directory = mkdtempSync(join(tmpdir(), 'fieldnode-public-api-'));
  directories.push(directory);
  return directory;
};
afterAll(() => {
  for (const directory of directories) rmSync(directory, { recursive: true, force: true });
});

/** An SDS011 data frame with the right head, tail and checksum (its datasheet's rules). */
const isIntactSds011Frame = (frame: Buffer) =>
  frame.length === 10 && frame[0] === 0xaa && frame[1] === 0xc0 && frame[9] === 0xab && frame.subarray(2, 8).reduce((sum, byte) => sum + byte, 0) % 256 === frame[8];

async function readLine(path: string, baudRate = 9600): Promise<string> {
  const port = new SerialPort({ path, baudRate, autoOpen: false });
  await new Promise<void>((resolve, reject) => port.open((error) => (error ? reject(error) : resolve())));
  try {
    const lines = port.pipe(new ReadlineParser({ delimiter: '\r\n' }));
    return await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no line from ${path} within 5 s`)), 5000);
      lines.on('data', (line: string) => {
        // The first line may be cut: the port opened in the middle of it.
        if (line.startsWith('$')) {
          clearTimeout(timer);
          resolve(line);
        }
      });
    });
  } finally {
    await new Promise<void>((resolve) => port.close(() => resolve()));
  }
}

describe('startTwin in-process', () => {
  it('records the frames the twin emits, stepped by a virtual clock', async () => {
    const clock = new VirtualClock();
    const twin = await startTwin('sds011', { options: { seed: 7 }, clock });
    const seen: Buffer[] = [];
    twin.onData((data) => seen.push(data));
    expect(twin.kind).toBe('in-process');
    expect(twin.emitted()).toEqual([]);
    clock.advance(3000);
    expect(twin.emitted()).toHaveLength(3);
    expect(twin.emitted().every(isIntactSds011Frame)).toBe(true);
    expect(seen).toEqual(twin.emitted());
    expect(twin.emittedBytes()).toHaveLength(30);
    await twin.stop();
    await twin.stop();
    clock.advance(3000);
    expect(twin.emitted()).toHaveLength(3);
  });

  it('keeps only the last `keep` writes', async () => {
    const clock = new VirtualClock();
    const twin = await startTwin('sds011', { clock, keep: 4 });
    clock.advance(10_000);
    expect(twin.emitted()).toHaveLength(4);
    await twin.stop();
  });

  it('shows injected faults in the emitted frames until they are cleared', async () => {
    const clock = new VirtualClock();
    const twin = await startTwin('sds011', { clock });
    expect(twin.hasFaults).toBe(true);
    twin.inject('bad-checksum', 5);
    clock.advance(2000);
    const [first, second] = twin.emitted();
    expect([first, second].map((frame) => frame!.subarray(0, 2).toString('hex'))).toEqual(['aac0', 'aac0']);
    expect(isIntactSds011Frame(first!) || isIntactSds011Frame(second!)).toBe(false);
    twin.clearFaults();
    clock.advance(3000);
    expect(twin.emitted().slice(2).every(isIntactSds011Frame)).toBe(true);

    twin.stuck(true);
    clock.advance(3000);
    const stuck = twin.emitted().slice(-3).map((frame) => frame.toString('hex'));
    expect(new Set(stuck).size).toBe(1);

    twin.silent(true);
    const before = twin.emitted().length;
    clock.advance(3000);
    expect(twin.emitted()).toHaveLength(before);
    twin.clearFaults();
    clock.advance(1000);
    expect(twin.emitted()).toHaveLength(before + 1);
    await twin.stop();
  });

  it('answers requests written to it', async () => {
    const clock = new VirtualClock();
    const twin = await startTwin('mhz19', { clock });
    twin.write(Buffer.from('FF0186000000000079', 'hex'));
    clock.advance(100);
    const [answer] = twin.emitted();
    expect(answer?.subarray(0, 2).toString('hex')).toBe('ff86');
    await twin.stop();
  });

  it('waits for the next write with nextData, and ends the wait at stop', async () => {
    const twin = await startTwin('nmea-gps', { options: { intervalMs: 20 } });
    expect((await twin.nextData({ matching: (data) => data.includes('$GPRMC') })).toString()).toMatch(/\$GPRMC,.*\*[0-9A-F]{2}\r\n/);
    const pending = twin.nextData({ timeoutMs: 10_000, matching: () => false });
    await twin.stop();
    await expect(pending).rejects.toThrow(/stopped/);
  });

  it('checks the options against the twin schema, listing every problem', async () => {
    // @ts-expect-error seed is a number: the options are typed from the twin's schema
    const starting = startTwin('sds011', { options: { seed: 'x', intervalMs: 0 } });
    await expect(starting).rejects.toBeInstanceOf(ConfigError);
    const problems = await starting.catch((error: ConfigError) => error.problems.map((problem) => problem.path));
    expect(problems).toEqual(expect.arrayContaining(['seed', 'intervalMs']));
    await expect(startTwin('toaster')).rejects.toThrow(/no simulated device "toaster"; known: weather-station, sds011/);
  });

  it('refuses fault calls on a twin without fault injection, in words', async () => {
    const twin = await startTwin('weather-station', { clock: new VirtualClock() });
    expect(twin.hasFaults).toBe(false);
    expect(() => twin.inject('noise')).toThrow('the weather-station twin has no fault injection');
    expect(() => twin.silent(true)).toThrow(/no fault injection/);
    await twin.stop();
  });
});

describeNeeding(hasSocat(), 'socat', 'socat is not installed (apt-get install socat)', 'startTwin on a pty', () => {
  it('is read through the real serialport package, unplugged and plugged back', async () => {
    const path = join(temporaryDirectory(), 'ttyGPS');
    const twin = await startTwin('nmea-gps', { pty: path, options: { intervalMs: 50 } });
    try {
      expect(twin.kind).toBe('pty');
      expect(twin.path).toBe(path);
      expect(await readLine(twin.path)).toMatch(/^\$GP(GGA|RMC),.*\*[0-9A-F]{2}$/);
      expect(twin.emitted().length).toBeGreaterThan(0);

      await twin.unplug();
      expect(twin.plugged).toBe(false);
      expect(existsSync(path)).toBe(false);
      await twin.replug();
      expect(twin.plugged).toBe(true);
      expect(await readLine(path)).toMatch(/^\$GP/);
    } finally {
      await twin.stop();
    }
    await twin.stop();
    expect(existsSync(path)).toBe(false);
  });

  it('makes a fresh path when given pty: true', async () => {
    const twin = await startTwin('sds011', { pty: true, options: { intervalMs: 50 } });
    try {
      expect(existsSync(twin.path)).toBe(true);
      const frame = await twin.nextData();
      expect(isIntactSds011Frame(frame)).toBe(true);
    } finally {
      await twin.stop();
    }
  });
});

describeNeeding(hasSocat(), 'socat', 'socat is not installed (apt-get install socat)', 'startScenario', () => {
  it('puts every pty under the chosen directory, and two runs at once do not collide', async () => {
    const [first, second] = [temporaryDirectory(), temporaryDirectory()];
    const clock = new VirtualClock();
    const running: StartedScenario[] = await Promise.all([startScenario('street-corner', { directory: first, clock }), startScenario('street-corner', { directory: second, clock })]);
    try {
      for (const [scenario, directory] of [
        [running[0]!, first],
        [running[1]!, second],
      ] as const) {
        expect(scenario.paths).toEqual({ weather: join(directory, 'ttyWEATHER'), air: join(directory, 'ttyAIR') });
        for (const path of Object.values(scenario.paths)) expect(existsSync(path)).toBe(true);
      }
      // The timeline plays on the virtual clock: at 10 s the air sensor starts sending three bad checksums.
      clock.advance(10_000);
      clock.advance(2000);
      for (const scenario of running) {
        const frames = scenario.device('air').emitted();
        expect(frames).toHaveLength(12);
        expect(frames.slice(0, 9).every(isIntactSds011Frame)).toBe(true);
        expect(frames.slice(-2).some(isIntactSds011Frame)).toBe(false);
      }
      expect(() => running[0]!.device('toaster')).toThrow(/no device "toaster"; its devices: weather, air/);
      clock.advance(120_000);
      await Promise.all(running.map((scenario) => scenario.finished));
    } finally {
      await Promise.all(running.map((scenario) => scenario.stop()));
    }
    for (const scenario of running) for (const path of Object.values(scenario.paths)) expect(existsSync(path)).toBe(false);
  });

  it('runs a scenario given as an object, with the same fault calls on its devices', async () => {
    const directory = temporaryDirectory();
    const clock = new VirtualClock();
    const scenario = await startScenario(
      { name: 'one gps', devices: [{ id: 'gps', device: 'nmea-gps', pty: '/dev/ttyACM0', options: { seed: 2 } }], steps: [{ at: '5s', end: true }] },
      { directory, clock },
    );
    try {
      expect(scenario.paths).toEqual({ gps: join(directory, 'ttyACM0') });
      const gps = scenario.device('gps');
      gps.silent(true);
      clock.advance(2000);
      expect(gps.emitted()).toEqual([]);
      gps.clearFaults();
      clock.advance(1000);
      expect(gps.emitted()).toHaveLength(1);
      clock.advance(2000);
      await scenario.finished;
    } finally {
      await scenario.stop();
    }
  });

  it('refuses two devices whose ptys would be one path, and unknown scenario names', async () => {
    const directory = temporaryDirectory();
    const clashing = {
      name: 'clash',
      devices: [
        { id: 'a', device: 'sds011', pty: '/tmp/one/ttyUSB0' },
        { id: 'b', device: 'sds011', pty: '/tmp/two/ttyUSB0' },
      ],
    };
    await expect(startScenario(clashing, { directory })).rejects.toThrow(/devices\[1\]\.pty: its file name ttyUSB0 is also a's/);
    await expect(startScenario('no-such-scenario', { directory })).rejects.toThrow(/bundled: flood, street-corner/);
  });
});

describe('startEmbeddedBroker', () => {
  it('accepts an MQTT connection and passes messages', async () => {
    const broker = await startEmbeddedBroker();
    const client = await mqtt.connectAsync(broker.url, { reconnectPeriod: 0 });
    try {
      expect(broker.url).toBe(`mqtt://127.0.0.1:${broker.port}`);
      await client.subscribeAsync('test/#');
      const received = new Promise<string>((resolve) => client.on('message', (topic, payload) => resolve(`${topic} ${payload.toString()}`)));
      await client.publishAsync('test/hello', 'world');
      expect(await received).toBe('test/hello world');
    } finally {
      await client.endAsync();
      await broker.close();
      await broker.close();
    }
  });
});
