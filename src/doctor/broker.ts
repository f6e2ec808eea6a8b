/** Check 5: the broker, from the network up; each step runs only when the one below it passed. */
import type { BrokerCredentials } from '../config/credentials.js';
import type { NodeConfig } from '../config/schema.js';
import { brokerEndpoint, checkDns, checkTcp, checkTls } from './broker-network.js';
import { checkMqtt } from './broker-session.js';
import type { CheckResult } from './report.js';

/** DNS, TCP, TLS (for mqtts/wss), then login and a publish/subscribe in the node's tree. */
export async function checkBroker(config: NodeConfig, credentials: BrokerCredentials, now: number): Promise<CheckResult[]> {
  const endpoint = brokerEndpoint(config.broker.url);
  const results: CheckResult[] = [];
  const failed = () => results.some((result) => result.status === 'fail');
  results.push(await checkDns(endpoint));
  if (failed()) return results;
  results.push(await checkTcp(endpoint));
  if (failed()) return results;
  if (endpoint.tls) {
    results.push(...(await checkTls(endpoint, credentials.tls, now)));
    // A login would only fail the same way.
    if (failed()) return results;
  }
  results.push(...(await checkMqtt(config, credentials)));
  return results;
}
