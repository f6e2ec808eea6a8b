import { findBinary } from '../../simulators/find-binary.js';
import { describeNeeding } from './needs.js';

export { findBinary };

/** A describe block that needs a system binary: see describeNeeding. */
export function describeWithBinary(binary: string, debianPackage: string, title: string, body: () => void): void {
  describeNeeding(findBinary(binary) !== undefined, binary, `${binary} is not installed (apt-get install ${debianPackage})`, title, body);
}
