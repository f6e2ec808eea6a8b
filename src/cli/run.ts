import { Option, type Command } from 'commander';
import type { LoadComposition } from './composition.js';
import { parseDuration } from './duration.js';
import { failWith } from './exit.js';
import { LOG_FORMATS, LOG_LEVELS } from './log-options.js';
import type { RunFlags } from './run-node.js';
import { optimiseSooner } from '../service/node-flags.js';

/** `fieldnode run [config]`: the main job. */
export function registerRun(program: Command, load: LoadComposition): void {
  program
    .command('run', { isDefault: false })
    .description('run a node; without a config, the bundled simulated weather station on an embedded broker, printing readings')
    .argument('[config]', 'fieldnode.yaml (default: the bundled simulated demo)')
    .option('--broker <url>', "trial run against another broker, with a temporary outbox (to move the node for good, edit the config)")
    .addOption(new Option('--embedded-broker', 'trial run on an in-process MQTT broker on a free port, with a temporary outbox').conflicts('broker'))
    .option('--tail', "print the node's readings as they arrive at the broker (default with the embedded broker)")
    .option('--no-tail', 'do not print readings')
    .addOption(
      new Option('--once', 'read every sensor once, print the readings and exit (0: all answered, 1: not); no outbox, no broker')
        .conflicts(['broker', 'embeddedBroker', 'tail']),
    )
    .addOption(new Option('--duration <time>', 'with --once: read for this long (500ms, 30s, 2m) and print every reading and each sensor\'s count, min, max').argParser(parseDuration).implies({ once: true }).conflicts(['broker', 'embeddedBroker', 'tail']))
    .addOption(
      new Option('--timeout <time>', "with --once: how long each board may take (default: its driver's intervalMs + timeoutMs, or its twin's interval, + 1 s; at least 5 s)")
        .argParser(parseDuration)
        .implies({ once: true })
        .conflicts(['broker', 'embeddedBroker', 'tail', 'duration']),
    )
    .addOption(new Option('--json', 'with --once: print the report as JSON').implies({ once: true }).conflicts(['broker', 'embeddedBroker', 'tail']))
    .addOption(new Option('--log-level <level>', 'how much to log').choices(LOG_LEVELS).default('info'))
    .addOption(new Option('--log-format <format>', 'pretty (default at a terminal) or json (JSON lines, for journald)').choices(LOG_FORMATS))
    .action(async (configFile: string | undefined, flags: RunFlags, command: Command) => {
      // Before the runtime's code is loaded, so that all of it runs under the same budget.
      optimiseSooner();
      // A single read speaks through its report: only warnings and worse, unless asked for more.
      const level = flags.once && command.getOptionValueSource('logLevel') === 'default' ? 'warn' : flags.logLevel;
      const [{ catalog }, { createLogger }] = await Promise.all([configFile === undefined ? load() : load(configFile, 'run'), import('./logger.js')]);
      const logger = createLogger({ level, ...(flags.logFormat ? { format: flags.logFormat } : {}) });
      try {
        if (flags.once) process.exit(await (await import('./run-once.js')).runOnce(configFile, flags, logger, catalog));
        await (await import('./run-node.js')).runNode(configFile, flags, logger, catalog);
      } catch (error) {
        failWith(error);
      }
    });
}
