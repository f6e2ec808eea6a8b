/**
 * The avrdude command line that flashes a sketch through a board's bootloader, built from the
 * board profile's `upload` facts the way the Arduino IDE builds it from boards.txt and
 * platform.txt (`tools.avrdude.upload.pattern`):
 *   avrdude -p{build.mcu} -c{upload.protocol} -P{port} -b{upload.speed} -D -Uflash:w:{hex}:i
 * -D skips the chip erase: a bootloader erases each page before writing it, and the
 * STK500v2 bootloader of the Mega does not implement chip erase at all.
 */
import type { BoardProfile } from '../boards/profile.js';

/** One way to flash a board: its `upload` entry in the profile. */
export type UploadProfile = BoardProfile['upload'][number];

/** A command line a technician typed that names something the profiles do not have. */
export class FlashUsageError extends Error {}

/** The upload entry for `bootloader`, or the profile's first (the board's usual bootloader). */
export function selectUpload(profile: Pick<BoardProfile, 'id' | 'upload'>, bootloader?: string): UploadProfile {
  const names = profile.upload.map((upload) => upload.bootloader);
  if (profile.upload.length === 0) throw new FlashUsageError(`board profile ${profile.id} says nothing about how to flash it (no upload entry)`);
  if (bootloader === undefined) return profile.upload[0]!;
  const upload = profile.upload.find((candidate) => candidate.bootloader === bootloader);
  if (!upload) throw new FlashUsageError(`${profile.id} has no bootloader "${bootloader}": choose ${names.join(' or ')}`);
  return upload;
}

/** avrdude's arguments, in the order the Arduino IDE passes them. */
export function avrdudeArguments(upload: UploadProfile, port: string, hexPath: string): string[] {
  return [`-p${upload.part}`, `-c${upload.programmer}`, `-P${port}`, `-b${upload.baud}`, '-D', `-Uflash:w:${hexPath}:i`];
}

/** The command as a shell would take it, for --dry-run and for a technician to rerun by hand. */
export function formatCommand(command: string, args: readonly string[]): string {
  return [command, ...args].map(shellQuote).join(' ');
}

function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
