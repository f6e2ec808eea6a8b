/**
 * `fieldnode tail`: watch any site, node, board or sensor live, decoded from the broker, with
 * births, status changes and gaps inline. Also the readings-only tail of `run --tail`.
 */
import { InvalidArgumentError, Option, type Command } from 'commander';
import { nameProblem } from '../tail/filter.js';
import type { LoadComposition } from './composition.js';
import { failWith } from './exit.js';
import type { TailFlags } from './tail-run.js';

/** A topic level given by name: a usage error (exit 64) when it cannot be one. */
const levelName = (allowAny: boolean) => (value: string) => {
  const problem = nameProblem(value, allowAny);
  if (problem) throw new InvalidArgumentError(problem);
  return value;
};

/** A broker URL as the config accepts one: credentials never in it (they would show in process lists). */
function brokerUrl(value: string): string {
  if (!/^(mqtts?|wss?|tcp|tls):\/\/[^\s]+$/.test(value)) throw new InvalidArgumentError('a broker URL such as mqtt://host:1883 or mqtts://host:8883');
  if (/^[a-z]+:\/\/[^/]*@/.test(value)) throw new InvalidArgumentError('no user or password in the URL: use --username and --password-file or --password-env');
  return value;
}

/** `fieldnode tail [config]`: what any node publishes, decoded live. */
export function registerTail(program: Command, load: LoadComposition): void {
  program
    .command('tail')
    .description('watch nodes live: readings, births, status changes and gaps, decoded from the broker')
    .argument('[config]', "fieldnode.yaml: its broker and credentials, and by default its own node")
    .addOption(new Option('--broker <url>', 'the broker to watch (instead of, or replacing, the config\'s)').argParser(brokerUrl))
    .option('--username <name>', 'MQTT username')
    .addOption(new Option('--password-file <file>', 'file holding the password (mode 600)').conflicts('passwordEnv'))
    .option('--password-env <name>', 'environment variable holding the password')
    .option('--ca <file>', 'PEM file of the CA that signed the broker certificate')
    .option('--cert <file>', 'PEM client certificate (with --key)')
    .option('--key <file>', 'PEM client key, mode 600 (with --cert)')
    .option('--insecure', 'do not check the broker certificate (lab use only)')
    .addOption(new Option('--prefix <prefix>', "first topic level (default: the config's, else fieldnode)").argParser(levelName(false)))
    .addOption(new Option('--site <site>', "site to watch (default: the config's; + for any)").argParser(levelName(true)))
    .addOption(new Option('--node <node>', "node to watch (default: the config's; + for any)").argParser(levelName(true)))
    .addOption(new Option('--board <board>', 'only this board').argParser(levelName(false)))
    .addOption(new Option('--sensor <name>', 'only readings of this sensor').argParser(levelName(false)))
    .option('--json', 'one JSON object per line, each with its kind: reading, birth, status, gap, duplicate, undecodable')
    .addOption(new Option('--floats <encoding>', "how packs of nodes whose birth was not seen write floats (default: the config's encoding.floats, else exact); a node's birth says it for that node").choices(['exact', 'compact']))
    .action(async (configFile: string | undefined, flags: TailFlags) => {
      try {
        const { tail } = await import('./tail-run.js');
        await tail(configFile, flags, async () => (await load()).catalog);
      } catch (error) {
        failWith(error);
      }
    });
}
