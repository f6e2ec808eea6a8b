/** What `fieldnode init` asks for, whether answered at a terminal or by flags. */

/** Where the broker password comes from: never the config itself. */
export type PasswordAnswer = { readonly env: string } | { readonly file: string };

/** One sensor of a board: its name, its unit and the driver's sensor options. */
export interface SensorAnswer {
  readonly name: string;
  readonly unit?: string | undefined;
  readonly options: Readonly<Record<string, unknown>>;
}

/** One board: a device on a serial port. */
export interface BoardAnswer {
  readonly id: string;
  readonly port: string;
  /** What the port was recognised as (`Arduino Uno R3`, `CH340 USB-serial adapter`), for the comment above it. */
  readonly recognisedAs?: string | undefined;
  readonly device: { readonly type: string; readonly baud?: number | undefined; readonly [option: string]: unknown };
  readonly sensors: readonly SensorAnswer[];
}

/** Every answer a config is written from. */
export interface InitAnswers {
  readonly nodeId: string;
  readonly site: string;
  readonly brokerUrl: string;
  readonly username?: string | undefined;
  readonly password?: PasswordAnswer | undefined;
  readonly boards: readonly BoardAnswer[];
  readonly dataDir: string;
}

/** Where the data lives when nobody says otherwise: the path the runtime itself defaults to. */
export const DEFAULT_DATA_DIR = '/var/lib/fieldnode';
/** The variable the samples and the README name for the broker password. */
export const DEFAULT_PASSWORD_ENV = 'FIELDNODE_BROKER_PASSWORD';
/** Where a password file is created by default: root-owned configuration, beside the config. */
export const DEFAULT_PASSWORD_FILE = '/etc/fieldnode/password';
