/**
 * A serial port the user may not open, through the real serialport binding on a socat pty
 * whose device file is given to another owner and group. Root ignores file modes, so the
 * opening process runs without capabilities (setpriv): it is then "other" to the device,
 * as a service user outside the device's group is.
 */
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, realpathSync } from 'node:fs';
import { afterEach, expect, it } from 'vitest';
import { createPtyPair, type PtyPair } from '../../simulators/transports/pty.js';
import { findBinary } from '../support/binaries.js';
import { describeNeeding } from '../support/needs.js';

/** A uid no account uses: the device's owner, so the opener is not. */
const OWNER = 4242;
const DIALOUT = groupId('dialout');
const NOGROUP = groupId('nogroup');
/**
 * The opener keeps uid 0 (so it can still reach the test's private directories) but loses
 * group root and every capability: to the device, it is then a user outside its group.
 */
const dropPrivileges = (gid: number) => [`--regid=${gid}`, '--clear-groups', '--inh-caps=-all', '--bounding-set=-all', '--'];

function groupId(name: string): number | undefined {
  const result = spawnSync('getent', ['group', name], { encoding: 'utf8' });
  const gid = result.stdout?.split(':')[2];
  return gid ? Number(gid) : undefined;
}

/** Why an opener without file-mode privileges cannot be made here, or undefined when it can. */
function unavailable(): string | undefined {
  if (!findBinary('socat')) return 'socat is not installed (apt-get install socat)';
  if (!findBinary('setpriv')) return 'setpriv is not installed (apt-get install util-linux)';
  if (process.getuid?.() !== 0) return 'giving a pty to another owner needs root';
  if (DIALOUT === undefined || NOGROUP === undefined) return 'this system has no dialout or nogroup group';
  const probe = spawnSync('setpriv', [...dropPrivileges(NOGROUP), 'grep', '-E', '^(CapEff|Groups|Gid):', '/proc/self/status'], { encoding: 'utf8' });
  if (probe.status !== 0 || !/^CapEff:\s*0+$/m.test(probe.stdout) || !/^Groups:\s*$/m.test(probe.stdout)) return `setpriv cannot drop capabilities and groups here (${(probe.stderr || probe.stdout).trim()})`;
  return undefined;
}

/** Opens `path` with fieldnode's SerialTransport in a process without capabilities, in group `gid` only; resolves with what it reports. */
function openWithoutPrivileges(path: string, gid = NOGROUP!): Promise<string> {
  const script = `
    const { SerialTransport } = await import(${JSON.stringify(`${process.cwd()}/dist/src/transports/serial.js`)});
    const transport = new SerialTransport({ path: ${JSON.stringify(path)}, baudRate: 9600 });
    try { await transport.start(); await transport.stop(); process.stdout.write('opened'); }
    catch (error) { process.stdout.write(error.message); }
  `;
  return new Promise((resolve, reject) => {
    const child = spawn('setpriv', [...dropPrivileges(gid), process.execPath, '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(stdout) : reject(new Error(`opener exited ${code}: ${stderr}`))));
  });
}

const reason = unavailable();

describeNeeding(reason === undefined, 'an opener without privileges', reason ?? '', 'permission denied on a serial port', () => {
  let pty: PtyPair | undefined;
  afterEach(async () => {
    await pty?.close();
    pty = undefined;
  });

  /** A pty whose device file has owner OWNER, group `gid` and `mode`; returns the path fieldnode opens and the device. */
  async function devicePty(gid: number, mode: number): Promise<{ path: string; device: string }> {
    pty = await createPtyPair();
    const device = realpathSync(pty.hostPath);
    chownSync(device, OWNER, gid);
    chmodSync(device, mode);
    return { path: pty.hostPath, device };
  }

  it('names the group that may open the device, and the command to join it; in that group, the open succeeds', async () => {
    const { path, device } = await devicePty(DIALOUT!, 0o660);
    expect(await openWithoutPrivileges(path)).toBe(
      `permission denied opening ${path}: ${device} (crw-rw----, owner ${OWNER}, group dialout) can be opened by group "dialout": add the user to it (sudo usermod -aG dialout $USER, then log in again)`,
    );
    expect(await openWithoutPrivileges(path, DIALOUT)).toBe('opened');
  });

  it('never advises joining root when the device belongs to group root', async () => {
    const { path, device } = await devicePty(0, 0o660);
    const message = await openWithoutPrivileges(path);
    expect(message).toMatch(new RegExp(`^permission denied opening ${path}: ${device} \\(crw-rw----, owner ${OWNER}, group root\\) belongs to group root, which a service user must not join: give the device its own group with a udev rule`));
    expect(message).toContain('GROUP="dialout", MODE="0660"');
    expect(message).not.toMatch(/usermod -aG root|group "root"/);
  });

  it('says when the device is not open to its group, so joining one would not help', async () => {
    const { path, device } = await devicePty(DIALOUT!, 0o600);
    const message = await openWithoutPrivileges(path);
    expect(message).toMatch(new RegExp(`^permission denied opening ${path}: ${device} \\(crw-------, owner ${OWNER}, group dialout\\) cannot be read and written by its group, so joining a group does not help: give the device a group and mode with a udev rule`));
    expect(message).toContain('MODE="0660"');
  });
});
